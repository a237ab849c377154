//! End-to-end tests of the feeds pane and managing feeds in the reader: the real binary in a
//! pseudo-terminal (`common/mod.rs`), its subscriptions served by a tiny_http server on an
//! ephemeral 127.0.0.1 port in this process. Adding a feed with `a` (from a page naming it), its
//! stories appearing, renaming it, removing it; a saved search counting; a rule hiding.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::thread;

use common::{Gazette, CTRL_C};

const COLS: u16 = 140;
const ROWS: u16 = 36;

/// Serves `routes` (path, content type, body) until dropped; anything else is a 404.
struct Server {
    server: Arc<tiny_http::Server>,
    port: u16,
}

impl Server {
    fn start(routes: Vec<(&'static str, &'static str, String)>) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let serving = server.clone();
        thread::spawn(move || {
            for request in serving.incoming_requests() {
                let found = routes.iter().find(|(path, ..)| *path == request.url());
                let response = match found {
                    Some((_, kind, body)) => {
                        let header = tiny_http::Header::from_bytes("Content-Type", *kind).unwrap();
                        tiny_http::Response::from_string(body.clone()).with_header(header)
                    }
                    None => tiny_http::Response::from_string("").with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
        Server { server, port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn rss(title: &str, items: &[&str]) -> String {
    let mut xml =
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>");
    for (i, item) in items.iter().enumerate() {
        xml += &format!(
            "<item><title>{item}</title><guid>{title}-{i}</guid>\
             <pubDate>Mon, 0{} Jun 2026 10:00:00 GMT</pubDate></item>",
            i + 1
        );
    }
    xml + "</channel></rss>"
}

/// Writes `feeds.toml` (the given URLs) and `config.toml` (`extra`) under the harness's config
/// directory.
fn configure(dir: &Path, feeds: &[String], extra: &str) {
    let config = dir.join("gazette");
    std::fs::create_dir_all(&config).unwrap();
    let feeds: String = feeds
        .iter()
        .map(|url| format!("[[feeds]]\nurl = \"{url}\"\n\n"))
        .collect();
    std::fs::write(config.join("feeds.toml"), feeds).unwrap();
    std::fs::write(config.join("config.toml"), extra).unwrap();
}

fn feeds_toml(g: &Gazette) -> String {
    std::fs::read_to_string(g.dir().join("gazette/feeds.toml")).unwrap_or_default()
}

/// The feeds pane's row holding `label`, inside its borders, trimmed.
fn pane_row(screen: &str, label: &str) -> Option<String> {
    screen.lines().find_map(|line| {
        let inside = line.strip_prefix('│')?.split('│').next()?;
        inside.contains(label).then(|| inside.trim().to_string())
    })
}

#[test]
fn a_adds_a_feed_from_a_page_then_e_renames_it_and_d_removes_it() {
    // The page names the feed by a relative URL, resolved against the page's.
    let page = "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" \
                href=\"/b.xml\"></head><body>Hi</body></html>";
    let server = Server::start(vec![
        (
            "/a.xml",
            "application/rss+xml",
            rss("Alpha Wire", &["Alpha first story"]),
        ),
        (
            "/b.xml",
            "application/rss+xml",
            rss("Bravo Post", &["Bravo first story", "Bravo second story"]),
        ),
        ("/page.html", "text/html", page.to_string()),
    ]);
    let a = server.url("/a.xml");
    let mut g = Gazette::start(COLS, ROWS, &["--data-dir", "data"], |dir| {
        configure(dir, std::slice::from_ref(&a), "");
    });
    g.wait_for("the pane and the first feed's story", |s| {
        s.contains("┌ Feeds") && s.contains("Alpha first story")
    });

    g.send("a");
    g.wait_for("the prompt", |s| s.contains("Add feed (URL):"));
    g.send(&server.url("/page.html"));
    g.send("\r");
    g.wait_for("the new feed's stories", |s| {
        s.contains("Bravo first story") && s.contains("Bravo second story")
    });
    assert!(feeds_toml(&g).contains("/b.xml"), "{}", feeds_toml(&g));
    g.wait_for("the feed in the pane, with its count", |s| {
        pane_row(s, "Bravo Post").is_some_and(|row| row.ends_with('2'))
    });

    // Into the pane (Left), to its last row (the new feed), and rename it.
    g.send("h");
    g.send("G");
    g.wait_for("the list narrowed to the feed", |s| {
        s.contains("in source:Bravo Post")
    });
    g.send("e");
    g.wait_for("the rename prompt", |s| s.contains("Rename Bravo Post:"));
    g.send("\x15");
    g.send("Renamed Bravo\r");
    g.wait_for("the new name in the pane", |s| {
        pane_row(s, "Renamed Bravo").is_some()
    });
    assert!(
        feeds_toml(&g).contains("name = \"Renamed Bravo\""),
        "{}",
        feeds_toml(&g)
    );

    g.send("d");
    g.wait_for("the confirmation", |s| s.contains("Remove Renamed Bravo?"));
    g.send("y");
    g.wait_for("its stories gone from the list", |s| {
        !s.contains("Bravo first story") && pane_row(s, "Renamed Bravo").is_none()
    });
    assert!(!feeds_toml(&g).contains("/b.xml"), "{}", feeds_toml(&g));
    assert!(feeds_toml(&g).contains("/a.xml"));
    g.send("q");
    g.assert_exit(0);
}

#[test]
fn a_saved_search_counts_and_a_rule_hides_until_shown() {
    let server = Server::start(vec![(
        "/a.xml",
        "application/rss+xml",
        rss(
            "Alpha Wire",
            &[
                "Storm over the bay",
                "Storm passes",
                "Sponsored offer",
                "Calm day",
            ],
        ),
    )]);
    let config = "[[searches]]\nname = \"Storms\"\nquery = \"storm\"\n\n\
                  [[rules]]\nmatch = \"sponsored\"\naction = \"hide\"\n";
    let a = server.url("/a.xml");
    let mut g = Gazette::start(COLS, ROWS, &["--data-dir", "data"], |dir| {
        configure(dir, std::slice::from_ref(&a), config);
    });
    g.wait_for("the saved search with its count", |s| {
        s.contains("Calm day") && pane_row(s, "/ Storms").is_some_and(|row| row.ends_with('2'))
    });
    assert!(!g.text().contains("Sponsored offer"), "{}", g.text());
    g.send("H");
    g.wait_for("the hidden story shown", |s| s.contains("Sponsored offer"));
    // Selecting the search narrows the list to it.
    g.send("h");
    g.send("gjjj");
    g.wait_for("the list narrowed to the search", |s| {
        s.contains("in search:Storms") && s.contains("Storm passes") && !s.contains("Calm day")
    });
    // Ctrl-S in the filter keeps the typed filter as a saved search, in config.toml too.
    g.send("/calm");
    g.send("\x13");
    g.wait_for("the new search in the pane", |s| {
        pane_row(s, "/ calm").is_some_and(|row| row.ends_with('1'))
    });
    let config = g.dir().join("gazette/config.toml");
    g.wait_for("the search saved", |_| {
        std::fs::read_to_string(&config).is_ok_and(|t| t.contains("query = \"calm\""))
    });
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.starts_with("[[searches]]\nname = \"Storms\""),
        "{text}"
    );
    g.send(CTRL_C);
    g.assert_exit(130);
}

#[test]
fn the_pane_hidden_stays_hidden_at_the_next_start() {
    let server = Server::start(vec![(
        "/a.xml",
        "application/rss+xml",
        rss("Alpha Wire", &["Alpha first story"]),
    )]);
    let a = server.url("/a.xml");
    let mut g = Gazette::start(COLS, ROWS, &["--data-dir", "data"], |dir| {
        configure(dir, std::slice::from_ref(&a), "");
    });
    g.wait_for("the pane, shown on a wide terminal", |s| {
        s.contains("┌ Feeds")
    });
    g.send("F");
    g.wait_for("the pane hidden", |s| {
        s.contains("┌ Headlines") && !s.contains("┌ Feeds")
    });
    let state = g.dir().join("data/ui.toml");
    g.wait_for("the state kept", |_| {
        std::fs::read_to_string(&state).is_ok_and(|t| t.contains("feeds_visible = false"))
    });
    g.send("q");
    g.assert_exit(0);
    // Another run with that data directory's state: still hidden.
    let mut again = Gazette::start(COLS, ROWS, &["--data-dir", "data"], |dir| {
        configure(dir, std::slice::from_ref(&a), "");
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::copy(&state, dir.join("data/ui.toml")).unwrap();
    });
    again.wait_for("the story, the pane still hidden", |s| {
        s.contains("Alpha first story") && !s.contains("┌ Feeds")
    });
    again.send("q");
    again.assert_exit(0);
}
