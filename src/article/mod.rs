//! Reader mode's extraction: a web page's HTML and URL in, its article out as story paragraphs.
//!
//! The page is decoded ([`decode`]), capped in size and nesting, handed to dom_smoothie (a close
//! port of Firefox's Readability.js), and the content HTML it keeps goes through the same
//! HTML-to-text path as feed entries (`crate::html`), so an extracted article shows like any other
//! story text: paragraphs, headings, lists, quotes, preformatted code, tables as text, images on
//! their own lines, links as numbered references resolved against the page. Nothing here fetches:
//! the caller hands over the page (see `crate::read` for `gazette read`), so a page can never make
//! gazette load a script, frame, image or local file.

mod clean;
mod decode;

use chrono::DateTime;
use dom_smoothie::{Config, Readability, TextMode};

use crate::fetch::Page;
use crate::html::{flatten_nesting_deeper_than, html_to_text_capped};
use crate::news::{Paragraph, Story};
use crate::sanitize::clean_line;

pub use decode::decode;

/// Pages longer than this are cut (at a char boundary) before parsing: enough for any real
/// article page (a 2 MB page parses in well under 100 ms), and it bounds the parser's memory on a
/// hostile one. The fetch cap (10 MiB by default) applies before this.
pub const MAX_PAGE_BYTES: usize = 5 * 1024 * 1024;
/// Elements nested deeper than this lose their tags (not their text) before parsing: html5ever's
/// cost grows with the square of the depth, and real pages stay far below it.
pub const MAX_PAGE_NESTING: usize = 256;
/// Fewer letters and digits than this in the extracted text (a menu, a cookie notice left on an
/// empty page) is "nothing readable": about a sentence, in any script.
pub const MIN_LETTERS: usize = 40;
/// The article's content HTML is converted up to this size (feed entries stop at 512 KiB).
pub const MAX_ARTICLE_HTML_BYTES: usize = 2 * 1024 * 1024;

/// A page's readable article.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    /// The page's URL, the base every relative link and image was resolved against.
    pub url: String,
    /// The article's title (the page's own, from its metadata or headings), one clean line.
    pub title: String,
    /// Who wrote it, where the page says (metadata, JSON-LD or a byline element).
    pub byline: Option<String>,
    /// When it was published, in seconds since the Unix epoch (UTC), where the page says.
    pub published: Option<i64>,
    /// The name of the site, where the page says.
    pub site_name: Option<String>,
    /// The text, as the story pane shows it.
    pub paragraphs: Vec<Paragraph>,
    /// Link and image targets: `[n]` in the text is entry `n - 1`.
    pub references: Vec<String>,
    /// The page's size in bytes as given (before any cut), to say what was extracted from.
    pub page_bytes: usize,
    /// The words in the extracted text (each CJK character one), to say how long it is.
    pub words: usize,
}

impl Article {
    /// The article as a story of edition `edition`, linking to its page: what the story pane and
    /// `gazette read` lay out.
    pub fn to_story(&self, edition: usize) -> Story {
        Story {
            title: self.title.clone(),
            paragraphs: self.paragraphs.clone(),
            edition,
            link: Some(self.url.clone()),
            published: self.published,
            author: self.byline.clone(),
            references: self.references.clone(),
            ..Story::default()
        }
    }
}

/// Extracts the article from a fetched page (`crate::fetch::fetch_page`), refusing what is not
/// HTML by its `Content-Type` ("not a web page (application/pdf)"); a page without the header is
/// tried as HTML.
pub fn extract_page(page: &Page) -> Result<Article, String> {
    if let Some(kind) = page.content_type.as_deref() {
        let mime = kind
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !matches!(mime.as_str(), "" | "text/html" | "application/xhtml+xml") {
            return Err(format!("not a web page ({})", clean_line(&mime)));
        }
    }
    extract_bytes(&page.bytes, page.content_type.as_deref(), &page.url)
}

/// Extracts the article from a page's raw bytes, decoded with [`decode`] (`content_type` is the
/// HTTP header, if any). Errors as [`extract`].
pub fn extract_bytes(
    bytes: &[u8],
    content_type: Option<&str>,
    url: &str,
) -> Result<Article, String> {
    let mut article = extract(&decode(bytes, content_type), url)?;
    article.page_bytes = bytes.len();
    Ok(article)
}

/// Extracts the article from a page's HTML; `url` is the page's address (relative links and
/// images are resolved against it). The error is one line for a person: "nothing readable on the
/// page" when no article text is found.
pub fn extract(html: &str, url: &str) -> Result<Article, String> {
    let page_bytes = html.len();
    let end = (0..=MAX_PAGE_BYTES.min(html.len()))
        .rev()
        .find(|&i| html.is_char_boundary(i))
        .unwrap_or(0);
    let html = &html[..end];
    let flat = flatten_nesting_deeper_than(html, MAX_PAGE_NESTING);
    let html = flat.as_deref().unwrap_or(html);
    let config = Config {
        text_mode: TextMode::Raw,
        ..Config::default()
    };
    // dom_smoothie wants an absolute URL to resolve against; anything else (a file's path) is
    // left out and links stay as the page wrote them.
    let base = url::Url::parse(url).ok().map(|_| url);
    let document = dom_query::Document::from(html);
    let heading = document.select("h1").first().text();
    let byline = clean::strip_chrome(&document);
    clean::keep_main_text(&document);
    let mut reader =
        Readability::with_document(document, base, Some(config)).map_err(|e| one_line(&e))?;
    let found = reader
        .parse()
        .map_err(|_| "nothing readable on the page".to_string())?;
    let converted = html_to_text_capped(&found.content, Some(url), MAX_ARTICLE_HTML_BYTES);
    let letters: usize = converted
        .paragraphs
        .iter()
        .map(|p| p.text.chars().filter(|c| c.is_alphanumeric()).count())
        .sum();
    if letters < MIN_LETTERS {
        return Err("nothing readable on the page".into());
    }
    let words = converted
        .paragraphs
        .iter()
        .map(|p| count_words(&p.text))
        .sum();
    let field = |s: Option<String>| s.map(|s| clean_line(s.trim())).filter(|s| !s.is_empty());
    Ok(Article {
        url: url.to_string(),
        title: clean_line(&title(found.title.trim(), heading.trim())),
        byline: field(found.byline.or(byline)),
        published: found.published_time.as_deref().and_then(parse_date),
        site_name: field(found.site_name),
        paragraphs: converted.paragraphs,
        references: converted.references,
        page_bytes,
        words,
    })
}

/// The page's title without the site's name: `<title>` often reads "Headline | Site", and
/// Readability keeps it whole when the headline is short. When the title is the page's `<h1>`
/// followed by a separator, the `<h1>` is the headline (not when the `<h1>` comes after one: on
/// some sites the `<h1>` is the site's logo).
fn title(title: &str, heading: &str) -> String {
    let heading = heading.split_whitespace().collect::<Vec<_>>().join(" ");
    let rest = title
        .strip_prefix(heading.as_str())
        .filter(|_| !heading.is_empty());
    let separated = rest.is_some_and(|rest| {
        [" | ", " - ", " – ", " — ", " :: ", " » ", " · "]
            .iter()
            .any(|s| rest.starts_with(s))
    });
    match separated {
        true => heading,
        false => title.to_string(),
    }
}

/// Words separated by spaces; a CJK character, written without spaces, counts as one.
fn count_words(text: &str) -> usize {
    let cjk = |c: char| matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF);
    text.split_whitespace()
        .map(|w| w.chars().filter(|&c| cjk(c)).count().max(1))
        .sum()
}

/// A page's date (`article:published_time`, JSON-LD `datePublished`): RFC 3339, or a bare day.
fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date.timestamp());
    }
    let day = chrono::NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

fn one_line(error: &impl std::fmt::Display) -> String {
    clean_line(&error.to_string().replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_pages_use() {
        assert_eq!(parse_date("2024-03-01T12:00:00Z"), Some(1_709_294_400));
        assert_eq!(parse_date("2024-03-01T13:00:00+01:00"), Some(1_709_294_400));
        assert_eq!(parse_date("2024-03-01"), Some(1_709_251_200));
        assert_eq!(parse_date("March 1st"), None);
    }

    #[test]
    fn words_are_counted_in_any_script() {
        assert_eq!(count_words("Call me  Ishmael."), 3);
        assert_eq!(count_words("吾輩は猫である。 Soseki"), 8);
    }

    #[test]
    fn the_headline_replaces_a_title_with_the_site_name() {
        let t = |title_: &str, h1: &str| title(title_, h1);
        assert_eq!(
            t("Harbour reopens | The Example", " Harbour\n reopens "),
            "Harbour reopens"
        );
        assert_eq!(
            t("Harbour reopens - The Example", "Harbour reopens"),
            "Harbour reopens"
        );
        assert_eq!(t("Harbour reopens", "Elsewhere"), "Harbour reopens");
        assert_eq!(t("Harbour reopens", ""), "Harbour reopens");
        // A logo in the <h1> is not the headline.
        let logo = "Harbour reopens | The Example";
        assert_eq!(t(logo, "The Example"), logo);
        assert_eq!(
            t("Harbour reopens today", "Harbour"),
            "Harbour reopens today"
        );
    }
}
