//! `gazette add`, `remove` and `feeds` through the binary, against pages and feeds served on
//! 127.0.0.1: a feed URL given directly, a page naming its feed by a relative href, a page naming
//! several, a redirect, a page naming none (and no feed at the common paths), a hostile page.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::thread;

use tiny_http::{Header, Response, Server};

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Site News</title>
<item><title>First</title><guid>1</guid></item></channel></rss>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Site Atom</title><id>urn:x</id>
<updated>2025-06-01T00:00:00Z</updated></feed>"#;

/// Serves the site's pages; anything else is a 404 (so no common path answers, unless
/// `common_feed`: then /rss.xml is a feed).
fn site_with(common_feed: bool) -> (Arc<Server>, String) {
    let server = Arc::new(Server::http("127.0.0.1:0").expect("a server"));
    let base = format!(
        "http://127.0.0.1:{}",
        server.server_addr().to_ip().unwrap().port()
    );
    let s = server.clone();
    thread::spawn(move || {
        for request in s.incoming_requests() {
            let html = |body: &str| {
                Response::from_data(body.as_bytes().to_vec()).with_header(
                    Header::from_bytes(&b"Content-Type"[..], &b"text/html"[..]).unwrap(),
                )
            };
            let response = match request.url() {
                "/blog/feed.xml" => Response::from_data(FEED.as_bytes().to_vec()),
                "/feeds/atom.xml" => Response::from_data(ATOM.as_bytes().to_vec()),
                "/rss.xml" if common_feed => Response::from_data(FEED.as_bytes().to_vec()),
                "/blog/post.html" => html(
                    r#"<!doctype html><html><head><title>A post</title>
                    <link rel="alternate" type="application/rss+xml" href="feed.xml">
                    </head><body>Hello</body></html>"#,
                ),
                "/two.html" => html(
                    r#"<html><head>
                    <link rel="alternate" type="application/rss+xml" href="/blog/feed.xml">
                    <link rel="alternate" type="application/atom+xml" href="/feeds/atom.xml">
                    </head></html>"#,
                ),
                "/none.html" => html("<html><head><title>Nothing</title></head></html>"),
                "/hostile.html" => html(&format!(
                    "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" \
                     href=\"javascript:alert(1)\"><link rel=\"alternate\" \
                     type=\"application/rss+xml\" href=\"file:///etc/passwd\">\
                     <link {}></head><body>\x1b]0;pwned\x07</body></html>",
                    "x=\"".repeat(10_000)
                )),
                "/moved" => Response::from_data(Vec::new())
                    .with_status_code(301)
                    .with_header(
                        Header::from_bytes(&b"Location"[..], &b"/blog/post.html"[..]).unwrap(),
                    ),
                _ => Response::from_data(b"not here".to_vec()).with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    (server, base)
}

fn site() -> (Arc<Server>, String) {
    site_with(false)
}

fn gazette(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--config")
        .arg(home.join("config.toml"))
        .arg("--data-dir")
        .arg(home.join("data"))
        .args(args)
        .env_clear()
        .output()
        .expect("run gazette")
}

fn out(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn err(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn feeds_toml(home: &Path) -> String {
    std::fs::read_to_string(home.join("feeds.toml")).unwrap_or_default()
}

fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), "").unwrap();
    home
}

#[test]
fn add_finds_the_feed_a_page_names_and_remove_takes_it_away() {
    let (_server, base) = site();
    let home = home();
    let h = home.path();
    // A page naming its feed by a relative href, reached through a redirect.
    let added = gazette(h, &["add", &format!("{base}/moved"), "--tag", "local"]);
    assert!(added.status.success(), "{}", err(&added));
    let feed_url = format!("{base}/blog/feed.xml");
    assert_eq!(out(&added), format!("Added {feed_url} (Site News)\n"));
    assert!(feeds_toml(h).contains(&feed_url), "{}", feeds_toml(h));
    assert!(feeds_toml(h).contains("local"));

    // The feed URL itself: already there.
    let again = gazette(h, &["add", &feed_url]);
    assert!(again.status.success(), "{}", err(&again));
    assert!(
        out(&again).starts_with("Already subscribed"),
        "{}",
        out(&again)
    );
    assert_eq!(feeds_toml(h).matches(&feed_url).count(), 1);

    // Listed, then removed by URL.
    let listed = gazette(h, &["feeds"]);
    assert!(listed.status.success(), "{}", err(&listed));
    assert_eq!(
        out(&listed),
        format!("-\t{feed_url}\tlocal\t0 stories, 0 unread\tnever\t-\n")
    );
    // After a refresh: when each was last fetched well, and the last error of one that failed.
    let feeds_file = h.join("feeds.toml");
    let mut with_gone = std::fs::read_to_string(&feeds_file).unwrap();
    with_gone += &format!("\n[[feeds]]\nurl = \"{base}/gone.xml\"\n");
    std::fs::write(&feeds_file, with_gone).unwrap();
    let refreshed = gazette(h, &["--list"]);
    assert!(refreshed.status.success(), "{}", err(&refreshed));
    let lines: Vec<String> = out(&gazette(h, &["feeds"]))
        .lines()
        .map(str::to_string)
        .collect();
    let good: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(good[..3], ["-", feed_url.as_str(), "local"], "{lines:?}");
    assert!(
        good[4] != "never" && good[4].contains(':'),
        "a date: {lines:?}"
    );
    assert_eq!(good[5], "-");
    assert_eq!(good[3], "1 stories, 1 unread", "{lines:?}");
    let gone: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(gone[3], "0 stories, 0 unread", "{lines:?}");
    assert_eq!(gone[4], "never", "{lines:?}");
    assert_eq!(gone[5], "HTTP 404 Not Found", "{lines:?}");
    let removed = gazette(h, &["remove", &feed_url]);
    assert!(removed.status.success(), "{}", err(&removed));
    assert!(!feeds_toml(h).contains(&feed_url));
    let missing = gazette(h, &["remove", &feed_url]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        err(&missing).contains("no such subscription"),
        "{}",
        err(&missing)
    );
}

#[test]
fn several_feeds_are_listed_unless_yes_takes_the_first() {
    let (_server, base) = site();
    let home = home();
    let h = home.path();
    let page = format!("{base}/two.html");
    let listed = gazette(h, &["add", &page]);
    assert_eq!(listed.status.code(), Some(1));
    let text = out(&listed);
    assert!(
        text.contains(&format!("{base}/blog/feed.xml (Site News)")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{base}/feeds/atom.xml (Site Atom)")),
        "{text}"
    );
    assert_eq!(feeds_toml(h), "", "nothing written");
    let first = gazette(h, &["add", "--yes", "--name", "Mine", &page]);
    assert!(first.status.success(), "{}", err(&first));
    assert!(feeds_toml(h).contains("/blog/feed.xml") && feeds_toml(h).contains("Mine"));
    // Removed by its name.
    let removed = gazette(h, &["remove", "mine"]);
    assert!(removed.status.success(), "{}", err(&removed));
    assert!(!feeds_toml(h).contains("/blog/feed.xml"));
}

#[test]
fn a_page_with_no_feed_and_a_hostile_page_are_one_clear_line() {
    let (_server, base) = site();
    let home = home();
    let h = home.path();
    for (page, says) in [
        (
            "none.html",
            "a web page that names no feed, and none at /feed",
        ),
        ("hostile.html", "a web page that names no feed"),
        ("missing", "HTTP 404"),
    ] {
        let output = gazette(h, &["add", &format!("{base}/{page}")]);
        assert_eq!(output.status.code(), Some(2), "{page}");
        let stderr = err(&output);
        assert!(stderr.contains(says), "{page}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{page}: {stderr}");
        assert!(!stderr.contains('\x1b'), "{page}: {stderr}");
    }
    assert_eq!(feeds_toml(h), "");
    let not_web = gazette(h, &["add", "file:///etc/passwd"]);
    assert_eq!(not_web.status.code(), Some(2));
    assert!(
        err(&not_web).contains("only http and https"),
        "{}",
        err(&not_web)
    );
}

#[test]
fn a_page_naming_no_feed_falls_back_to_the_common_paths() {
    let (_server, base) = site_with(true);
    let home = home();
    let added = gazette(home.path(), &["add", &format!("{base}/none.html")]);
    assert!(added.status.success(), "{}", err(&added));
    assert_eq!(out(&added), format!("Added {base}/rss.xml (Site News)\n"));
}

/// A web page's URL given to the reader or to `--list` (not only to `add`) reads the feed the
/// page names; a page that leads to no feed says so in one line.
#[test]
fn a_page_url_on_the_command_line_reads_the_feed_it_names() {
    let (_server, base) = site();
    let home = home();
    let listed = gazette(
        home.path(),
        &[
            "--list",
            "--format",
            "tsv",
            &format!("{base}/blog/post.html"),
        ],
    );
    assert!(listed.status.success(), "{}", err(&listed));
    // The source goes by the host it was named with; the story is the feed's.
    let host = base.trim_start_matches("http://");
    assert_eq!(
        out(&listed),
        format!("\t{host}\tFirst\t\n"),
        "{}",
        err(&listed)
    );
    // Again, from the store: the page's URL stays the source's name there.
    let again = gazette(home.path(), &["--list", &format!("{base}/blog/post.html")]);
    assert_eq!(out(&again), "First\n", "{}", err(&again));

    let none = gazette(home.path(), &["--list", &format!("{base}/none.html")]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        err(&none).contains("a web page that names no feed, and none at /feed, /rss.xml"),
        "{}",
        err(&none)
    );
}
