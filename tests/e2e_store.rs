//! End-to-end tests of the offline store: the real `gazette` binary in a pseudo-terminal (the
//! harness in `common/mod.rs`) with a data directory of its own, reading feeds from a tiny_http
//! server on 127.0.0.1. What is stored survives a restart and `kill -9`, `--offline` touches no
//! network, a database gazette must not use is left alone, and two processes share one store.
//! The database is checked from outside too, with rusqlite and `gazette::store`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::{Gate, Gazette, TIMEOUT};
use gazette::store::{Store, DB_FILE, SCHEMA_VERSION};
use rusqlite::Connection;
use tiny_http::{Header, Response};

const COLS: u16 = 160;
const ROWS: u16 = 36;

// ---------------------------------------------------------------------------------------------
// The HTTP server.

/// A tiny_http server on 127.0.0.1 with an ephemeral port, answering request number `n` (from 0)
/// with the RSS `handler(n)` returns (the handler may hold the answer back), or with a 503 once
/// `refuse` is set; each request on a thread of its own.
struct Server {
    server: Arc<tiny_http::Server>,
    port: u16,
    /// How many requests arrived (counted before the answer).
    requests: Arc<Mutex<usize>>,
    /// Answer 503 from now on (for a run that must not get stories from the network).
    refuse: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves the same feed to every request.
    fn serve(body: Vec<u8>) -> Server {
        let body = Arc::new(body);
        Server::start(move |_| body.to_vec())
    }

    fn start(handler: impl Fn(usize) -> Vec<u8> + Send + Sync + 'static) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("start the server"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let requests = Arc::new(Mutex::new(0));
        let refuse = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let thread = {
            let (server, requests, refuse) = (server.clone(), requests.clone(), refuse.clone());
            thread::spawn(move || {
                // Ends when `unblock` is called on drop.
                for request in server.incoming_requests() {
                    let n = {
                        let mut requests = requests.lock().unwrap();
                        *requests += 1;
                        *requests - 1
                    };
                    let (handler, refuse) = (handler.clone(), refuse.clone());
                    thread::spawn(move || {
                        let response = if refuse.load(Ordering::SeqCst) {
                            Response::from_data(Vec::new()).with_status_code(503)
                        } else {
                            let header = Header::from_bytes(
                                &b"Content-Type"[..],
                                &b"application/rss+xml"[..],
                            )
                            .expect("a valid header");
                            Response::from_data(handler(n)).with_header(header)
                        };
                        // The client may be gone (killed, or a test failed already).
                        let _ = request.respond(response);
                    });
                }
            })
        };
        Server {
            server,
            port,
            requests,
            refuse,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/feed.xml", self.port)
    }

    fn requests(&self) -> usize {
        *self.requests.lock().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Feeds.

/// An RSS 2.0 feed of the first `count` items of the wire, titled `Item 0000 …`, newest first
/// (item 0 is the newest, an hour apart), so the list order is the feed order. Each has a
/// description of about `body_len` bytes.
fn feed(count: usize, body_len: usize) -> Vec<u8> {
    rss(0..count, body_len)
}

/// An RSS 2.0 feed of these items of the wire (see [`feed`]).
fn rss(items: std::ops::Range<usize>, body_len: usize) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Store Wire</title><link>https://news.example/</link>\
         <description>Test feed</description>\n",
    );
    for i in items {
        let date = date(i).to_rfc2822();
        xml += &format!(
            "<item><title>{}</title><link>https://news.example/item/{i}</link>\
             <guid>https://news.example/item/{i}</guid><pubDate>{date}</pubDate>\
             <description>{}</description></item>\n",
            title(i),
            text(i, body_len)
        );
    }
    xml += "</channel></rss>\n";
    xml.into_bytes()
}

/// The same stories as [`feed`] as an Atom feed with plain-text content, which gazette reads
/// several times faster than RSS descriptions (those go through the HTML converter).
fn atom(items: std::ops::Range<usize>, body_len: usize) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Store Wire</title>\
         <id>urn:store-wire</id><updated>2025-06-01T00:00:00Z</updated>\n",
    );
    for i in items {
        let date = date(i).to_rfc3339();
        xml += &format!(
            "<entry><title>{}</title><id>https://news.example/item/{i}</id>\
             <link href=\"https://news.example/item/{i}\"/><updated>{date}</updated>\
             <content type=\"text\">{}</content></entry>\n",
            title(i),
            text(i, body_len)
        );
    }
    xml += "</feed>\n";
    xml.into_bytes()
}

/// Item `i`'s date: an hour before item `i - 1`'s.
fn date(i: usize) -> chrono::DateTime<chrono::Utc> {
    // Sun, 01 Jun 2025 00:00:00 GMT.
    const TOP: i64 = 1_748_736_000;
    chrono::DateTime::from_timestamp(TOP - 3600 * i as i64, 0).expect("a valid date")
}

/// Item `i`'s text, about `len` bytes of words, different for each item.
fn text(i: usize, len: usize) -> String {
    let words = [
        "harbour", "council", "budget", "bridge", "strike", "weather", "market", "school",
    ];
    let mut text = format!("Story number {i} says this.");
    let mut w = i;
    while text.len() < len {
        text.push(' ');
        text.push_str(words[w % words.len()]);
        w = w.wrapping_mul(31).wrapping_add(7);
    }
    text.push('.');
    text
}

fn title(i: usize) -> String {
    format!("Item {i:04} of the store wire")
}

/// The index in the feed of a title made by [`title`].
fn index_of(title: &str) -> usize {
    title
        .strip_prefix("Item ")
        .and_then(|rest| rest.get(..4))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a feed title: {title:?}"))
}

// ---------------------------------------------------------------------------------------------
// Reading the screen.

/// A row of the list as shown: not read yet (`●`), starred (`★`), and the rest (date, title).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    unread: bool,
    starred: bool,
    text: String,
}

/// The rows of the left pane of the two-pane view.
fn rows(screen: &str) -> Vec<Row> {
    screen
        .lines()
        .filter_map(|line| line.strip_prefix('│'))
        .filter_map(|rest| {
            let cell = rest.split('│').next().unwrap_or("");
            let mut chars = cell.chars();
            let (first, second) = (chars.next()?, chars.next()?);
            let text = chars.as_str().trim().to_string();
            (!text.is_empty()).then_some(Row {
                unread: first == '●',
                starred: second == '★',
                text,
            })
        })
        .collect()
}

/// The marks of the rows, as `(unread, starred)`.
fn marks(screen: &str) -> Vec<(bool, bool)> {
    rows(screen).iter().map(|r| (r.unread, r.starred)).collect()
}

/// Waits until the list shows exactly these titles with these marks, in this order.
fn wait_rows(g: &Gazette, what: &str, want_titles: &[String], want_marks: &[(bool, bool)]) {
    g.wait_for(what, |s| titles(s) == want_titles && marks(s) == want_marks);
}

/// Just the titles of the rows (the row text after the date column, if any, for feed titles).
fn titles(screen: &str) -> Vec<String> {
    rows(screen)
        .into_iter()
        .map(|r| match r.text.find("Item ") {
            Some(at) => r.text[at..].to_string(),
            None => r.text,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Processes and the database.

/// Starts gazette with `--data-dir DATA` before `args`.
fn start(data: &Path, args: &[&str]) -> Gazette {
    let data = data.to_str().expect("a UTF-8 temp path");
    let mut all = vec!["--data-dir", data];
    all.extend_from_slice(args);
    Gazette::start(COLS, ROWS, &all, |_| {})
}

/// Sends SIGKILL (portable-pty's own `kill` sends SIGHUP first, which gazette handles: it would
/// flush the store and exit cleanly) and waits for the death.
fn kill9(g: &mut Gazette) {
    let pid = g.child.process_id().expect("a pid");
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -KILL {pid} failed");
    let status = g.wait_exit();
    assert!(
        status.signal().is_some(),
        "gazette was not killed by the signal: {status:?}"
    );
}

fn db(data: &Path) -> PathBuf {
    data.join(DB_FILE)
}

/// A connection to the store, as another program would open it.
fn connect(data: &Path) -> Connection {
    let conn = Connection::open(db(data)).expect("open the database");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    conn
}

/// One number from the store.
fn count(data: &Path, sql: &str) -> i64 {
    connect(data)
        .query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Waits until `ok` holds of what the store holds; panics after TIMEOUT.
fn wait_db(what: &str, data: &Path, ok: impl Fn(&Connection) -> bool) {
    let start = Instant::now();
    loop {
        if db(data).exists() && ok(&connect(data)) {
            return;
        }
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(5));
    }
}

fn integrity(data: &Path) -> String {
    let conn = connect(data);
    let mut stmt = conn.prepare("PRAGMA integrity_check").expect("prepare");
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("integrity_check")
        .collect::<Result<_, _>>()
        .expect("integrity_check rows");
    lines.join("; ")
}

/// The marks stored for each story of the feed at `url`, by feed index: (read, starred).
fn stored_marks(data: &Path, url: &str) -> Vec<(usize, bool, bool)> {
    let conn = connect(data);
    let mut stmt = conn
        .prepare("SELECT title, read, starred FROM stories WHERE source = ?1")
        .expect("prepare");
    let mut marks: Vec<(usize, bool, bool)> = stmt
        .query_map([url], |r| {
            Ok((index_of(&r.get::<_, String>(0)?), r.get(1)?, r.get(2)?))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    marks.sort_unstable();
    marks
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// Fetched stories and their marks survive a restart, and `--offline` shows them without asking
/// the server anything.
#[test]
fn offline_restart_shows_stored_stories_and_marks() {
    let data = tempfile::tempdir().expect("temp dir");
    let server = Server::serve(feed(5, 200));
    let url = server.url();

    let expected: Vec<String> = (0..5).map(title).collect();
    let (unread, read) = ((true, false), (false, false));

    let mut g = start(data.path(), &[&url]);
    // Newest first; the story selected at start is read by the user's first key, not before.
    wait_rows(&g, "the fetched stories", &expected, &[unread; 5]);
    g.wait_for("the summary", |s| {
        s.contains("Refreshed 1 feed: 5 new stories")
    });
    // Read the 1st (shown at start) and the 2nd; star the 3rd, and make it unread again (moving
    // onto it read it).
    g.send("j");
    wait_rows(
        &g,
        "the 1st and 2nd read",
        &expected,
        &[read, read, unread, unread, unread],
    );
    g.send("j");
    wait_rows(
        &g,
        "the 3rd read",
        &expected,
        &[read, read, read, unread, unread],
    );
    g.send("s");
    let starred = [read, read, (false, true), unread, unread];
    wait_rows(&g, "the 3rd starred", &expected, &starred);
    g.send("m");
    let marked = [read, read, (true, true), unread, unread];
    wait_rows(&g, "the 3rd unread", &expected, &marked);
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
    assert_eq!(server.requests(), 1);

    // The server still listens, but must not be asked; were it asked, it would refuse.
    server.refuse.store(true, Ordering::SeqCst);
    let mut g = start(data.path(), &["--offline", &url]);
    wait_rows(&g, "the stored stories", &expected, &marked);
    assert!(g.text().contains("Headlines (5)"), "{}", g.text());
    g.send("R");
    g.wait_for("the offline note", |s| {
        s.contains("Offline (--offline): showing what is stored, fetching nothing.")
    });
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
    // Give a request that might still be on its way a moment to be counted.
    thread::sleep(Duration::from_millis(100));
    assert_eq!(server.requests(), 1, "--offline asked the server");
}

/// The bundled plain-text edition's marks are kept too (keyed by edition and title).
#[test]
fn bundled_edition_marks_survive_a_restart() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut g = start(data.path(), &[]);
    let unread = [(true, false); 18];
    g.wait_for("the bundled edition", |s| {
        s.contains("Headlines (18)") && s.contains("18 stories, 18 unread") && marks(s) == unread
    });
    let first = titles(&g.text());
    let mut marked = unread;
    marked[0] = (false, false);
    marked[1] = (false, false);
    g.send("j");
    wait_rows(&g, "the 1st and 2nd read", &first, &marked);
    marked[2] = (false, false);
    g.send("j");
    wait_rows(&g, "the 3rd read", &first, &marked);
    marked[2] = (false, true);
    g.send("s");
    wait_rows(&g, "the 3rd starred", &first, &marked);
    marked[2] = (true, true);
    g.send("m");
    wait_rows(&g, "the 3rd unread", &first, &marked);
    g.send("q");
    g.assert_exit(0);

    // The same stories in the same order, with the marks.
    let mut g = start(data.path(), &[]);
    wait_rows(&g, "the bundled edition again", &first, &marked);
    g.wait_for("the count of unread", |s| {
        s.contains("18 stories, 16 unread")
    });
    g.send("q");
    g.assert_exit(0);
}

/// `kill -9` while a burst of keys is being marked read: the store is intact, holds a prefix of
/// the reads (they are written in list order, each in its transaction), and opens again.
#[test]
fn kill_during_a_burst_of_read_marks_leaves_a_consistent_store() {
    const STORIES: usize = 300;
    const KEYS: usize = 200;
    let data = tempfile::tempdir().expect("temp dir");
    let server = Server::serve(feed(STORIES, 100));
    let url = server.url();

    let mut g = start(data.path(), &[&url]);
    g.wait_for("the fetched stories", |s| {
        s.contains("Headlines (300)") && s.contains("Refreshed 1 feed: 300 new stories")
    });
    // The fetched stories are saved (by the worker, before the screen shows them): wait for the
    // commit, so that what the kill can cut short is the marks.
    wait_db("the stories saved", data.path(), |c| {
        c.query_row("SELECT count(*) FROM stories", [], |r| r.get::<_, i64>(0))
            .is_ok_and(|n| n == STORIES as i64)
    });

    g.send(&"j".repeat(KEYS));
    // Kill once a quarter of the read marks are committed: the rest are being written (or are
    // all written already, on a fast disk; the checks hold either way).
    wait_db("the first read marks", data.path(), |c| {
        c.query_row("SELECT count(*) FROM stories WHERE read", [], |r| {
            r.get::<_, i64>(0)
        })
        .is_ok_and(|n| n >= KEYS as i64 / 4)
    });
    kill9(&mut g);

    assert_eq!(integrity(data.path()), "ok");
    let stored = stored_marks(data.path(), &url);
    assert_eq!(stored.len(), STORIES, "stories lost: {stored:?}");
    let read: Vec<usize> = stored.iter().filter(|m| m.1).map(|m| m.0).collect();
    assert!(stored.iter().all(|m| !m.2), "a story starred: {stored:?}");
    // The first story was shown at start and read by the first key: reads are in list order.
    let expected: Vec<usize> = (0..read.len()).collect();
    assert!(
        read.len() <= KEYS + 1 && read == expected,
        "the read stories are not a prefix of the list: {read:?}"
    );
    eprintln!("killed with {} of {KEYS} read marks stored", read.len());

    // gazette's own view of the file.
    let store = Store::open(data.path()).expect("the store opens after kill -9");
    let loaded = store.load_source(&url).expect("the source loads");
    assert_eq!(loaded.len(), STORIES);
    assert_eq!(loaded.iter().filter(|s| s.read).count(), read.len());
    drop(store);

    // And gazette starts on it, showing the stories and the marks that were stored.
    let mut g = start(data.path(), &[&url]);
    // The rows on screen: all but the borders and the status bar.
    let page = usize::from(ROWS) - 3;
    let shown: Vec<String> = (0..page).map(title).collect();
    let marked: Vec<(bool, bool)> = (0..page).map(|i| (i >= read.len(), false)).collect();
    wait_rows(&g, "the stored stories", &shown, &marked);
    assert!(g.text().contains("Headlines (300)"), "{}", g.text());
    g.send("q");
    g.assert_exit(0);
}

/// `kill -9` while a large refresh is being saved: the save is one transaction, so the store
/// holds all of the feed or none of it, never part.
#[test]
fn kill_during_a_large_save_keeps_all_or_nothing() {
    const STORIES: usize = 3000;
    let data = tempfile::tempdir().expect("temp dir");
    let gate = Arc::new(Gate::default());
    let server = {
        let (gate, body) = (gate.clone(), atom(0..STORIES, 1000));
        Server::start(move |_| {
            gate.wait(TIMEOUT);
            body.clone()
        })
    };
    let url = server.url();
    let wal = {
        let mut name = db(data.path()).into_os_string();
        name.push("-wal");
        PathBuf::from(name)
    };
    let wal_len = || std::fs::metadata(&wal).map_or(0, |m| m.len());

    let mut g = start(data.path(), &[&url]);
    g.wait_for("the screen, waiting for the feed", |s| {
        s.contains("Headlines (0)") && s.contains("Refreshing")
    });
    let before = wal_len();
    let started = Instant::now();
    gate.open();
    // The save starts writing pages to the log (its cache spills, or it commits): kill then.
    while wal_len() == before {
        assert!(
            started.elapsed() < TIMEOUT,
            "the feed was never saved; the screen shows:\n{}",
            g.text()
        );
        thread::sleep(Duration::from_millis(1));
    }
    kill9(&mut g);
    eprintln!(
        "killed {:?} after the answer, {} bytes into the log",
        started.elapsed(),
        wal_len() - before
    );
    assert_eq!(server.requests(), 1);

    assert_eq!(integrity(data.path()), "ok");
    let stored = count(data.path(), "SELECT count(*) FROM stories");
    assert!(
        stored == 0 || stored == STORIES as i64,
        "a partial save: {stored} of {STORIES} stories"
    );
    eprintln!("{stored} stories stored");
    let store = Store::open(data.path()).expect("the store opens after kill -9");
    assert_eq!(
        store.load_source(&url).expect("the source loads").len() as i64,
        stored
    );
}

/// Runs gazette on a data directory holding only `gazette.db` as the test made it, and checks it
/// is refused as the brief says: status 2, one line naming the file and saying `why`, the reader
/// never started (no alternate screen), and the directory left byte for byte as it was.
fn assert_refused(data: &Path, why: &str) {
    let path = db(data);
    let bytes = std::fs::read(&path).expect("read the database");
    let mut g = start(data, &[]);
    g.assert_exit(2);
    let text = g.text();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "not one line:\n{text}");
    let expected = format!("gazette: {}: {why}", path.display());
    assert!(lines[0].starts_with(&expected), "{:?}", lines[0]);
    let raw = g.raw_bytes();
    assert!(
        !raw.windows(8).any(|w| w == b"\x1b[?1049h"),
        "the alternate screen was entered: {:?}",
        String::from_utf8_lossy(&raw)
    );
    g.assert_restored();
    assert!(
        std::fs::read(&path).expect("read the database again") == bytes,
        "{} was changed",
        path.display()
    );
    let mut files: Vec<String> = std::fs::read_dir(data)
        .expect("list the data dir")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    assert_eq!(files, [DB_FILE], "files beside the database were made");
}

/// A database from a newer gazette, and a file that is not a database at all, are refused and
/// left alone.
#[test]
fn newer_or_damaged_database_is_refused_untouched() {
    let newer = tempfile::tempdir().expect("temp dir");
    {
        let conn = Connection::open(db(newer.path())).expect("create a database");
        conn.execute_batch(
            "CREATE TABLE stories (id INTEGER PRIMARY KEY, title TEXT);
             INSERT INTO stories (title) VALUES ('from the future');
             PRAGMA user_version = 99;",
        )
        .expect("fill it");
    }
    let why = format!("made by a newer gazette (schema 99; this one reads up to {SCHEMA_VERSION})");
    assert_refused(newer.path(), &why);

    let garbage = tempfile::tempdir().expect("temp dir");
    // 16 KiB from a fixed xorshift sequence: not SQLite's header, not text.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..16 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    std::fs::write(db(garbage.path()), bytes).expect("write garbage");
    assert_refused(garbage.path(), "not a gazette database, or damaged");
}

/// Two gazette processes on one data directory: each saves its own marks, and a third run shows
/// both; of two writes to one story, the later one stands.
#[test]
fn two_processes_share_one_store() {
    let data = tempfile::tempdir().expect("temp dir");
    let server = Server::serve(feed(5, 200));
    let url = server.url();
    let mut a = start(data.path(), &[&url]);
    a.wait_for("A's stories", |s| {
        rows(s).len() == 5 && s.contains("Refreshed 1 feed: 5 new stories")
    });
    wait_db("A's save", data.path(), |c| {
        c.query_row("SELECT count(*) FROM stories", [], |r| r.get::<_, i64>(0))
            .is_ok_and(|n| n == 5)
    });
    let mut b = start(data.path(), &[&url]);
    // B shows the stored stories (whether it also fetches the feed does not matter here).
    let expected: Vec<String> = (0..5).map(title).collect();
    wait_rows(&b, "B's stories", &expected, &[(true, false); 5]);

    // Story 0: A stars it; then B, which loaded before that, stars and unstars it: B's is the
    // later write.
    let (unread, read) = ((true, false), (false, false));
    let (unread_starred, read_starred) = ((true, true), (false, true));
    // Each one's first key reads the story it shows at start, story 0.
    a.send("s");
    wait_rows(
        &a,
        "A's star",
        &expected,
        &[read_starred, unread, unread, unread, unread],
    );
    wait_db("A's star stored", data.path(), |c| {
        c.query_row(
            "SELECT starred FROM stories WHERE title = ?1",
            [title(0)],
            |r| r.get::<_, bool>(0),
        )
        .unwrap_or(false)
    });
    b.send("s");
    wait_rows(
        &b,
        "B's star",
        &expected,
        &[read_starred, unread, unread, unread, unread],
    );
    b.send("s");
    wait_rows(
        &b,
        "B's unstar",
        &expected,
        &[read, unread, unread, unread, unread],
    );

    // A reads 1 and 2, stars 2 and makes it unread again.
    a.send("j");
    wait_rows(
        &a,
        "A: 1 read",
        &expected,
        &[read_starred, read, unread, unread, unread],
    );
    a.send("j");
    wait_rows(
        &a,
        "A: 2 read",
        &expected,
        &[read_starred, read, read, unread, unread],
    );
    a.send("s");
    let a_marks = [read_starred, read, read_starred, unread, unread];
    wait_rows(&a, "A: 2 starred", &expected, &a_marks);
    a.send("m");
    let a_marks = [read_starred, read, unread_starred, unread, unread];
    wait_rows(&a, "A: 2 unread", &expected, &a_marks);
    // B reads 4 and stars it, then reads 3.
    b.send("G");
    wait_rows(
        &b,
        "B: 4 read",
        &expected,
        &[read, unread, unread, unread, read],
    );
    b.send("s");
    let b_marks = [read, unread, unread, unread, read_starred];
    wait_rows(&b, "B: 4 starred", &expected, &b_marks);
    b.send("k");
    let b_marks = [read, unread, unread, read, read_starred];
    wait_rows(&b, "B: 3 read", &expected, &b_marks);

    a.send("q");
    b.send("q");
    a.assert_exit(0);
    b.assert_exit(0);

    // Story 0 as B left it, 1 and 2 as A did, 3 and 4 as B did.
    let merged = vec![read, read, unread_starred, read, read_starred];
    let stored: Vec<(bool, bool)> = stored_marks(data.path(), &url)
        .into_iter()
        .map(|(_, read, starred)| (!read, starred))
        .collect();
    assert_eq!(stored, merged, "(unread, starred) as stored");
    let requests = server.requests();
    let mut c = start(data.path(), &["--offline", &url]);
    wait_rows(&c, "the stored stories", &expected, &merged);
    c.send("q");
    c.assert_exit(0);
    assert_eq!(server.requests(), requests);
}

/// Started online on a feed it has stored, gazette shows the stored stories (and their marks) at
/// once, before any network answer, and fetches the feed in the background: a new story joins.
#[test]
fn online_restart_shows_stored_stories_then_fetches() {
    let data = tempfile::tempdir().expect("temp dir");
    let gate = Arc::new(Gate::default());
    let server = {
        let gate = gate.clone();
        Server::start(move |n| {
            if n == 0 {
                rss(1..4, 200)
            } else {
                gate.wait(TIMEOUT);
                rss(0..4, 200)
            }
        })
    };
    let url = server.url();

    let mut g = start(data.path(), &[&url]);
    g.wait_for("the first edition", |s| {
        rows(s).len() == 3 && s.contains("Refreshed 1 feed: 3 new stories")
    });
    g.send("j");
    let first = [title(1), title(2), title(3)];
    wait_rows(
        &g,
        "the 1st and 2nd read",
        &first,
        &[(false, false), (false, false), (true, false)],
    );
    g.send("q");
    g.assert_exit(0);

    let mut g = start(data.path(), &[&url]);
    // The server holds its answer: these can only come from the store.
    let (unread, read) = ((true, false), (false, false));
    let stored = [title(1), title(2), title(3)];
    wait_rows(&g, "the stored stories", &stored, &[read, read, unread]);
    let asked = Instant::now();
    while server.requests() < 2 {
        assert!(
            asked.elapsed() < TIMEOUT,
            "gazette never fetched the feed it had stored stories of; the screen shows:\n{}",
            g.text()
        );
        thread::sleep(Duration::from_millis(10));
    }
    gate.open();
    let all = [title(0), title(1), title(2), title(3)];
    wait_rows(&g, "the new story", &all, &[unread, read, read, unread]);
    g.wait_for("the summary", |s| {
        s.contains("Refreshed 1 feed: 1 new story")
    });
    g.send("q");
    g.assert_exit(0);
}

/// Quitting waits for the store to commit what it was sent, and no longer: the exit follows `q`
/// at once, with the marks saved.
#[test]
fn quitting_with_a_store_is_prompt() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut g = start(data.path(), &[]);
    g.wait_for("the bundled edition", |s| {
        s.contains("Headlines (18)") && rows(s).len() == 18
    });
    g.send("j");
    g.wait_for("the 1st (shown at start) and 2nd stories read", |s| {
        marks(s).get(1) == Some(&(false, false)) && s.contains("18 stories, 16 unread")
    });
    let quit = Instant::now();
    g.send("q");
    g.assert_exit(0);
    let took = quit.elapsed();
    g.assert_restored();
    assert!(
        took < Duration::from_secs(2),
        "gazette took {took:?} to exit after q"
    );
    assert_eq!(
        count(data.path(), "SELECT count(*) FROM stories WHERE read"),
        2
    );
}

/// After a restart the open story's text is on screen with no key pressed: with `--offline`, and
/// while both feeds' servers hold their answers. (It used to say "Loading the story…" until a key
/// was pressed: the text asked for before the loop waited had no message to wake it.)
#[test]
fn after_a_restart_the_open_story_has_its_text_with_no_key_pressed() {
    let data = tempfile::tempdir().expect("temp dir");
    let gate = Arc::new(Gate::default());
    let serve = |items: std::ops::Range<usize>| {
        let gate = gate.clone();
        Server::start(move |n| {
            if n > 0 {
                // Every later request hangs (until the test ends).
                gate.wait(TIMEOUT);
            }
            rss(items.clone(), 400)
        })
    };
    let (first, second) = (serve(0..2), serve(2..4));
    let urls = [first.url(), second.url()];
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();

    let mut g = start(data.path(), &urls);
    let all: Vec<String> = (0..4).map(title).collect();
    wait_rows(&g, "both feeds' stories", &all, &[(true, false); 4]);
    g.send("q");
    g.assert_exit(0);

    let opening = "Story number 0 says this.";
    for offline in [true, false] {
        let mut args = urls.clone();
        if offline {
            args.insert(0, "--offline");
        }
        let mut g = start(data.path(), &args);
        g.wait_for("the open story's text, with no key pressed", |s| {
            common::story_text(s).contains(opening) && !s.contains(gazette::reader::LOADING_NOTE)
        });
        g.send("q");
        g.assert_exit(0);
        g.assert_restored();
    }
    gate.open();
}
