//! Reader mode end to end: the real binary in a pseudo-terminal, a summary-only feed served on
//! 127.0.0.1 with its article pages (one a real-shaped news page, one missing). `f` shows the
//! whole article in the story pane while keys keep working, `f` again the feed's summary, and a
//! missing page is one line in the status bar and in the problems list.

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

#[test]
fn f_shows_the_whole_article_and_back_and_a_missing_page_is_said() {
    let (_server, base) = serve();
    let feed = format!("{base}/feed.xml");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let mut g = Gazette::start(120, 40, &["--data-dir", &data, &feed], |_| {});
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
