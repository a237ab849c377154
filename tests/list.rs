//! `--list` for scripts, against an HTTP server on 127.0.0.1: what it fetches is stored (so a cron
//! job keeps the store fresh and `--list --offline` prints it), the next run is conditional, the
//! stories come newest first, and `--format` gives titles, TSV or JSON with the marks.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::thread;

use tiny_http::{Header, Response, Server};

/// An RSS feed served with an ETag; a request that sends it back gets a 304. Counts requests and
/// the conditional ones.
struct Feed {
    server: Arc<Server>,
    url: String,
    seen: Arc<Mutex<(usize, usize)>>,
}

impl Feed {
    fn serve(body: &'static str) -> Feed {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("a server"));
        let port = server.server_addr().to_ip().expect("an IP").port();
        let seen = Arc::new(Mutex::new((0, 0)));
        let (s, counts) = (server.clone(), seen.clone());
        thread::spawn(move || {
            for request in s.incoming_requests() {
                let conditional = request
                    .headers()
                    .iter()
                    .any(|h| h.field.equiv("If-None-Match") && h.value.as_str() == "\"v1\"");
                {
                    let mut counts = counts.lock().unwrap();
                    counts.0 += 1;
                    counts.1 += usize::from(conditional);
                }
                let etag = Header::from_bytes(&b"ETag"[..], &b"\"v1\""[..]).unwrap();
                let response = if conditional {
                    Response::from_data(Vec::new()).with_status_code(304)
                } else {
                    Response::from_data(body.as_bytes().to_vec())
                };
                let _ = request.respond(response.with_header(etag));
            }
        });
        Feed {
            server,
            url: format!("http://127.0.0.1:{port}/feed.xml"),
            seen,
        }
    }

    /// (requests, conditional requests) so far.
    fn seen(&self) -> (usize, usize) {
        *self.seen.lock().unwrap()
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// Three items, not in date order, one undated.
const WIRE: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>The Wire</title>
<item><title>Middle</title><link>https://wire.example/2</link><guid>2</guid>
  <pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate></item>
<item><title>Undated</title><link>https://wire.example/u</link><guid>u</guid></item>
<item><title>Newest</title><link>https://wire.example/3</link><guid>3</guid>
  <pubDate>Tue, 03 Jun 2025 10:00:00 GMT</pubDate></item>
<item><title>Oldest</title><guid>1</guid><pubDate>Sun, 01 Jun 2025 10:00:00 GMT</pubDate></item>
</channel></rss>"#;

fn gazette(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--data-dir")
        .arg(home.join("data"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .expect("run gazette")
}

fn lines(output: &Output) -> Vec<String> {
    assert!(
        output.status.success(),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

const NEWEST_FIRST: [&str; 4] = ["Newest", "Middle", "Oldest", "Undated"];

#[test]
fn list_stores_what_it_fetches_asks_conditionally_and_prints_newest_first() {
    let home = tempfile::tempdir().unwrap();
    let feed = Feed::serve(WIRE);
    assert_eq!(
        lines(&gazette(home.path(), &["--list", &feed.url])),
        NEWEST_FIRST
    );
    assert_eq!(feed.seen(), (1, 0));

    // Stored: there offline, without a request.
    let offline = gazette(home.path(), &["--list", "--offline", &feed.url]);
    assert_eq!(lines(&offline), NEWEST_FIRST);
    assert_eq!(feed.seen(), (1, 0), "--offline asked the server");

    // The next run sends the stored ETag; the 304 lists what is stored.
    assert_eq!(
        lines(&gazette(home.path(), &["--list", &feed.url])),
        NEWEST_FIRST
    );
    assert_eq!(feed.seen(), (2, 1), "the second fetch was not conditional");
}

#[test]
fn list_formats_give_tsv_and_json_with_marks() {
    let home = tempfile::tempdir().unwrap();
    let feed = Feed::serve(WIRE);
    lines(&gazette(home.path(), &["--list", &feed.url]));
    // Star one story as the reader would have.
    let db = rusqlite::Connection::open(home.path().join("data/gazette.db")).unwrap();
    let starred = db
        .execute("UPDATE stories SET starred = 1 WHERE title = 'Middle'", [])
        .unwrap();
    assert_eq!(starred, 1);
    drop(db);

    let tsv = lines(&gazette(
        home.path(),
        &["--list", "--offline", "--format", "tsv", &feed.url],
    ));
    assert_eq!(
        tsv[0],
        "2025-06-03T10:00:00Z\tThe Wire\tNewest\thttps://wire.example/3"
    );
    assert_eq!(tsv[3], "\tThe Wire\tUndated\thttps://wire.example/u");
    assert!(tsv.iter().all(|l| l.split('\t').count() == 4), "{tsv:?}");

    let json = lines(&gazette(
        home.path(),
        &["--list", "--offline", "--format", "json", &feed.url],
    ));
    let objects: Vec<serde_json::Value> = json
        .iter()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let titles: Vec<&str> = objects
        .iter()
        .map(|o| o["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, NEWEST_FIRST);
    assert_eq!(objects[1]["starred"], true);
    assert_eq!(objects[0]["starred"], false);
    assert_eq!(objects[1]["source"], "The Wire");
    assert_eq!(objects[2]["link"], serde_json::Value::Null);
    assert_eq!(objects[3]["date"], serde_json::Value::Null);
    assert_eq!(objects[0]["read"], false);

    let bad = gazette(home.path(), &["--list", "--format", "xml", &feed.url]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_feed_with_no_stories_says_so_and_list_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let feed = Feed::serve(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>"#,
    );
    let output = gazette(home.path(), &["--list", &feed.url]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("no entries in this feed"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn a_hide_rule_leaves_its_stories_out_of_the_list_too() {
    let home = tempfile::tempdir().unwrap();
    let feed = Feed::serve(WIRE);
    std::fs::create_dir_all(home.path().join("config/gazette")).unwrap();
    std::fs::write(
        home.path().join("config/gazette/config.toml"),
        "[[rules]]\nmatch = \"middle\"\naction = \"hide\"\n",
    )
    .unwrap();
    assert_eq!(
        lines(&gazette(home.path(), &["--list", &feed.url])),
        ["Newest", "Oldest", "Undated"]
    );
}
