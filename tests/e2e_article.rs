//! Reader mode end to end: the real binary in a pseudo-terminal, a summary-only feed served on
//! 127.0.0.1 with its article pages (one a real-shaped news page, one missing). `f` shows the
//! whole article in the story pane while keys keep working, `f` again the feed's summary, and a
//! missing page is one line in the status bar and in the problems list; a slow page keeps no key
//! waiting, a PDF is said to be no web page, and a hostile page's escapes never reach the terminal.

mod common;

use std::sync::Arc;

use common::Gazette;
use tiny_http::{Header, Response, Server};

fn serve() -> (Arc<Server>, String) {
    common::serve(|path, b| match path {
        "/feed.xml" => Response::from_data(
            format!(
                r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Fables</title>
<item><title>Six fables</title><link>{b}/fables.html</link><guid>1</guid>
<pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate><description>Aesop, briefly.</description></item>
<item><title>Gone missing</title><link>{b}/missing.html</link><guid>2</guid>
<pubDate>Sun, 01 Jun 2025 10:00:00 GMT</pubDate><description>Not there.</description></item>
</channel></rss>"#
            )
            .into_bytes(),
        ),
        "/fables.html" => Response::from_data(
            std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/articles/aesop-newsroom.html"
            ))
            .unwrap(),
        )
        .with_header(
            Header::from_bytes(&b"Content-Type"[..], &b"text/html; charset=utf-8"[..]).unwrap(),
        ),
        _ => Response::from_data(b"no".to_vec()).with_status_code(404),
    })
}

/// The reader on `base`'s feed with a data directory of its own: the directory (kept while the
/// test runs), its path, the feed's URL and the reader.
fn start_reader(base: &str) -> (tempfile::TempDir, String, String, Gazette) {
    let feed = format!("{base}/feed.xml");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let g = Gazette::start(120, 40, &["--data-dir", &data, &feed], |_| {});
    (dir, data, feed, g)
}

#[test]
fn f_shows_the_whole_article_and_back_and_a_missing_page_is_said() {
    let (_server, base) = serve();
    let (_dir, data, feed, mut g) = start_reader(&base);
    g.wait_for("the summary and the hint", |s| {
        s.contains("Aesop, briefly.") && s.contains("f gets the whole article")
    });
    g.send("f");
    g.wait_for("the article in the story pane", |s| {
        s.contains("A famished fox saw some clusters")
            && s.contains("Article from 127.0.0.1")
            && !s.contains("Aesop, briefly.")
    });
    g.send("f");
    g.wait_for("the feed's summary again", |s| {
        s.contains("Aesop, briefly.") && !s.contains("A famished fox")
    });
    g.send("j");
    g.wait_for("the second story", |s| s.contains("Not there."));
    g.send("f");
    g.wait_for("the failure in the status bar", |s| {
        s.contains("No article for this story: HTTP 404")
    });
    assert!(g.text().contains("Not there."), "the feed's text stays");
    g.send("E");
    g.wait_for("the failure in the problems list", |s| {
        s.contains("Problems") && s.contains("Gone missing") && s.contains("404")
    });
    g.send("q");
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();

    // Kept in the store: offline, the article is shown with the story, with no key pressed.
    let mut g = Gazette::start(120, 40, &["--data-dir", &data, "--offline", &feed], |_| {});
    g.wait_for("the stored article, offline", |s| {
        s.contains("A famished fox saw some clusters") && s.contains("Article from 127.0.0.1")
    });
    g.send("f");
    g.wait_for("the feed's summary", |s| s.contains("Aesop, briefly."));
    g.send("q");
    g.assert_exit(0);
}

/// A page of the article's text, long enough to read as one; `body` is its middle.
fn article_page(body: &str) -> Vec<u8> {
    let filler = "<p>The harbour board met again on Tuesday to hear the pilots' case for a second \
                  tug, and the minutes say the vote was close.</p>"
        .repeat(4);
    format!("<html><head><title>Page</title></head><body><article>{body}{filler}</article></body></html>")
        .into_bytes()
}

fn serve_awkward_pages() -> (Arc<Server>, String) {
    let html = || Header::from_bytes(&b"Content-Type"[..], &b"text/html"[..]).unwrap();
    common::serve(move |path, b| match path {
        "/feed.xml" => Response::from_data(
            format!(
                r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Awkward</title>
<item><title>Slow page</title><link>{b}/slow.html</link><guid>1</guid>
<pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate><description>Slow summary.</description></item>
<item><title>A PDF</title><link>{b}/paper.pdf</link><guid>2</guid>
<pubDate>Sun, 01 Jun 2025 10:00:00 GMT</pubDate><description>PDF summary.</description></item>
<item><title>Hostile page</title><link>{b}/hostile.html</link><guid>3</guid>
<pubDate>Sat, 31 May 2025 10:00:00 GMT</pubDate><description>Hostile summary.</description></item>
</channel></rss>"#
            )
            .into_bytes(),
        ),
        "/slow.html" => {
            // Answered late: the reader must not wait for it.
            std::thread::sleep(std::time::Duration::from_millis(1500));
            Response::from_data(article_page("<p>The slow page's own words at last.</p>"))
                .with_header(html())
        }
        "/paper.pdf" => Response::from_data(b"%PDF-1.4 not a page".to_vec()).with_header(
            Header::from_bytes(&b"Content-Type"[..], &b"application/pdf"[..]).unwrap(),
        ),
        "/hostile.html" => Response::from_data(article_page(
            "<p>Evil\u{1b}]0;pwned\u{7} words\u{1b}[2J here.</p><script>alert(1)</script>\
             <iframe src=\"file:///etc/passwd\">frame text</iframe>",
        ))
        .with_header(html()),
        _ => Response::from_data(b"no".to_vec()).with_status_code(404),
    })
}

#[test]
fn a_slow_page_keeps_no_key_waiting_a_pdf_is_said_and_a_hostile_page_is_cleaned() {
    let (_server, base) = serve_awkward_pages();
    let (_dir, _, _, mut g) = start_reader(&base);
    g.wait_for("the first summary", |s| s.contains("Slow summary."));
    g.send("f");
    g.wait_for("the fetch under way", |s| {
        s.contains("Fetching the article")
    });
    // The page takes 1.5 s; the list moves meanwhile.
    g.send("j");
    g.wait_for("the second story while the page loads", |s| {
        s.contains("PDF summary.") && s.contains("Fetching the article")
    });
    g.send("f");
    g.wait_for("a PDF is no web page", |s| {
        s.contains("not a web page (application/pdf)")
    });
    assert!(g.text().contains("PDF summary."), "the feed's text stays");
    g.send("k");
    g.wait_for("the slow page's article, once it came", |s| {
        s.contains("The slow page's own words at last.")
    });
    g.send("jj");
    g.wait_for("the hostile page's summary", |s| {
        s.contains("Hostile summary.")
    });
    g.send("f");
    g.wait_for("the hostile page, cleaned", |s| {
        s.contains("Evil words here.")
    });
    let screen = g.text();
    assert!(!screen.contains("alert(1)") && !screen.contains("frame text"));
    g.assert_no_title_or_clipboard();
    let raw = g.raw_bytes();
    assert!(
        !raw.windows(7).any(|w| w == b"]0;pwne"),
        "the page's escape sequence reached the terminal"
    );
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}
