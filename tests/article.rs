//! Reader mode's extraction (`gazette::article`) on pages made for one behaviour each: metadata,
//! images and links, encodings, and hostile pages.

use gazette::article::{extract, extract_bytes, extract_page, MAX_PAGE_BYTES};
use gazette::fetch::Page;
use gazette::news::{Inline, ParagraphKind};

const URL: &str = "https://news.example.org/world/2026/harbour.html";

/// A page with enough text to be an article, `extra` inside it after the first paragraph.
fn page(head: &str, extra: &str) -> String {
    let para = "<p>The harbour reopened on Monday after two years of repairs to its stone quays, \
                and the first boats went out before dawn, coming back with sardines and tuna.</p>";
    format!(
        "<!DOCTYPE html><html><head>{head}</head><body><nav><a href=\"/\">Home</a></nav>\
         <main><article><h1>Harbour reopens</h1>{para}{extra}{}</article></main>\
         <footer>© Example</footer></body></html>",
        para.repeat(4)
    )
}

#[test]
fn title_byline_date_and_site_come_from_the_page() {
    let head = "<title>Harbour reopens | The Example</title>\
                <meta property=\"og:site_name\" content=\"The Example\">\
                <meta property=\"article:published_time\" content=\"2026-03-14T08:00:00Z\">";
    let html = page(head, "<p class=\"byline\">By Salma Haddad</p>");
    let article = extract(&html, URL).unwrap();
    assert_eq!(article.title, "Harbour reopens");
    assert_eq!(article.byline.as_deref(), Some("Salma Haddad"));
    assert_eq!(article.published, Some(1_773_475_200));
    assert_eq!(article.site_name.as_deref(), Some("The Example"));
    assert_eq!(article.url, URL);
    assert!(article.words > 100);
    // Neither the byline, the navigation nor the footer is in the text.
    let text: Vec<&str> = article.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert!(text
        .iter()
        .all(|t| !t.contains("Salma") && !t.contains("Home") && !t.contains('©')));
    assert!(text
        .iter()
        .any(|t| t.starts_with("The harbour reopened on Monday")));
}

#[test]
fn images_are_lines_of_their_own_with_resolved_references_lazy_ones_too() {
    let figures = "<figure><img src=\"../img/quay.jpg\" alt=\"The north quay\">\
                   <figcaption>The north quay at dawn.</figcaption></figure>\
                   <figure><img class=\"lazy\" src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" \
                   data-src=\"/media/boats.jpg\" alt=\"Boats\"></figure>\
                   <p>See <a href=\"?page=2\">the next page</a>.</p>";
    let article = extract(&page("", figures), URL).unwrap();
    let image = |alt: &str| {
        article
            .paragraphs
            .iter()
            .position(|p| p.text.starts_with(&format!("[image: {alt}] [")))
            .unwrap_or_else(|| panic!("no {alt} image in {:#?}", article.paragraphs))
    };
    let quay = image("The north quay");
    assert_eq!(article.paragraphs[quay].spans[0].style, Inline::Image);
    assert_eq!(article.paragraphs[quay + 1].text, "The north quay at dawn.");
    image("Boats");
    for url in [
        "https://news.example.org/world/img/quay.jpg",
        "https://news.example.org/media/boats.jpg",
        "https://news.example.org/world/2026/harbour.html?page=2",
    ] {
        assert!(
            article.references.iter().any(|r| r == url),
            "{url} not in {:?}",
            article.references
        );
    }
}

#[test]
fn lists_quotes_code_and_tables_keep_their_shape() {
    let extra = "<h2>What changed</h2><ol><li>New lights</li><li>A fish market</li></ol>\
                 <blockquote><p>The harbour is the memory of the town.</p></blockquote>\
                 <pre><code>quay: north\nlength: 310 m</code></pre>\
                 <table><tr><th>Boat</th><th>Catch</th></tr><tr><td>Marlin</td><td>40 kg</td></tr></table>";
    let article = extract(&page("", extra), URL).unwrap();
    let find = |text: &str| {
        article
            .paragraphs
            .iter()
            .find(|p| p.text.contains(text))
            .unwrap_or_else(|| panic!("{text} missing"))
    };
    assert_eq!(find("What changed").kind, ParagraphKind::Heading);
    assert_eq!(find("2. A fish market").kind, ParagraphKind::ListItem);
    assert_eq!(find("memory of the town").kind, ParagraphKind::Quote);
    assert_eq!(find("quay: north").text, "quay: north\nlength: 310 m");
    assert_eq!(find("quay: north").kind, ParagraphKind::Preformatted);
    find("Marlin");
    find("40 kg");
}

#[test]
fn hostile_pages_are_cleaned_capped_and_refused_in_one_line() {
    let hostile = "<p>Evil\u{1b}]0;title\u{7} text\u{1b}[2J here</p><script>alert(1)</script>\
                   <iframe src=\"https://evil.example/\">frame text</iframe>\
                   <img src=\"file:///etc/passwd\" alt=\"x\">";
    let article = extract(&page("", hostile), URL).unwrap();
    let all: String = article
        .paragraphs
        .iter()
        .map(|p| p.text.clone() + "\n")
        .collect();
    assert!(all.contains("Evil text here"));
    assert!(!all.contains('\u{1b}') && !all.contains("alert") && !all.contains("frame text"));
    // Deep nesting loses its tags, not its text, and does not take quadratic time.
    let deep = format!("{}{}", "<div>".repeat(20_000), page("", ""));
    let article = extract(&deep, URL).unwrap();
    assert!(article
        .paragraphs
        .iter()
        .any(|p| p.text.starts_with("The harbour reopened")));
    // A page larger than the cap is cut before parsing: its tail never shows.
    let big = format!(
        "{}<p>TAIL-MARKER</p>",
        page("", &"<p>filler words here.</p>".repeat(MAX_PAGE_BYTES / 20))
    );
    let article = extract(&big, URL).unwrap();
    assert!(article
        .paragraphs
        .iter()
        .all(|p| !p.text.contains("TAIL-MARKER")));
    assert_eq!(article.page_bytes, big.len());
    // Nothing readable, or not HTML at all: one line saying so.
    assert_eq!(
        extract("<html><body></body></html>", URL).unwrap_err(),
        "nothing readable on the page"
    );
    let pdf = Page {
        url: URL.into(),
        content_type: Some("application/pdf".into()),
        bytes: b"%PDF-1.7".to_vec(),
    };
    assert_eq!(
        extract_page(&pdf).unwrap_err(),
        "not a web page (application/pdf)"
    );
}

#[test]
fn the_encoding_comes_from_the_header_or_the_page() {
    let cafe = "<p>Un caf\u{e9} au port, pr\u{e8}s des bateaux.</p>";
    let latin = |head: &str| {
        encoding_rs::WINDOWS_1252
            .encode(&page(head, cafe))
            .0
            .into_owned()
    };
    let article = extract_bytes(&latin("<meta charset=\"iso-8859-1\">"), None, URL).unwrap();
    assert!(article
        .paragraphs
        .iter()
        .any(|p| p.text == "Un café au port, près des bateaux."));
    // Only the header can tell here.
    let header = Page {
        url: URL.into(),
        content_type: Some("text/html; charset=windows-1252".into()),
        bytes: latin(""),
    };
    let article = extract_page(&header).unwrap();
    assert!(article.paragraphs.iter().any(|p| p.text.contains("café")));
    // Without either, UTF-8: the Latin-1 byte is not a character.
    let article = extract_bytes(&latin(""), None, URL).unwrap();
    assert!(article
        .paragraphs
        .iter()
        .any(|p| p.text.contains("caf\u{fffd}")));
}
