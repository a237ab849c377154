//! The fetcher against a real HTTP server (tiny_http on an ephemeral 127.0.0.1 port, inside this
//! process): statuses, validators, redirects, limits, content encoding, local files and the pool.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use gazette::fetch::{agent, fetch, FetchOptions, FetchRequest, FetchResult, Fetched, Fetcher};
use tiny_http::{Header, Response};

const FEED: &[u8] = b"<rss version=\"2.0\"><channel><title>Test</title></channel></rss>\n";
const ETAG: &str = "\"v1\"";
const LAST_MODIFIED: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

/// `GZIPPED_PLAIN` compressed by Python's `gzip.compress(…, 9, mtime=0)`, precomputed so the tests
/// need no compression crate: 7,630 bytes in 114.
const GZIPPED: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xd9, 0xd1, 0x09, 0x80, 0x30,
    0x0c, 0x45, 0xd1, 0x55, 0xdc, 0x20, 0x0b, 0x84, 0x2c, 0xe1, 0x04, 0x45, 0x02, 0x16, 0xda, 0x0a,
    0x4d, 0x7e, 0xdc, 0x5e, 0xa4, 0xe0, 0x04, 0x7e, 0xde, 0xdf, 0xf7, 0xce, 0x06, 0x57, 0x67, 0x84,
    0xe9, 0x71, 0x96, 0x31, 0xbc, 0x99, 0xd6, 0xf4, 0x6e, 0x9a, 0x35, 0x9b, 0xdb, 0x5e, 0xba, 0x6f,
    0x91, 0xd7, 0xbc, 0x55, 0xd6, 0xa2, 0xb2, 0x7e, 0x14, 0x0a, 0x85, 0x42, 0xa1, 0x50, 0x28, 0x14,
    0x0a, 0x85, 0x42, 0xa1, 0x50, 0x28, 0x14, 0x0a, 0x85, 0x42, 0xa1, 0x50, 0x28, 0x14, 0x0a, 0x85,
    0x42, 0xfd, 0xad, 0xe4, 0x2b, 0xb7, 0xf2, 0x86, 0xdc, 0x07, 0x57, 0x6e, 0xd2, 0xa1, 0xce, 0x1d,
    0x00, 0x00,
];

fn gzipped_plain() -> Vec<u8> {
    let mut plain = b"<rss><channel>".to_vec();
    for _ in 0..200 {
        plain.extend_from_slice(b"<item><title>Same story</title></item>");
    }
    plain.extend_from_slice(b"</channel></rss>");
    plain
}

/// A gzip stream that inflates to `decoded` zero bytes from a few KB on the wire (a "gzip bomb"):
/// one fixed-Huffman deflate block of a literal 0 followed by copies of length 258 at distance 1.
/// The block is never closed, so a reader that ignores the limit fails with a decoding error
/// rather than passing by accident.
fn gzip_bomb(decoded: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        used: u32,
    }
    impl Bits {
        /// Deflate packs bits from the least significant end of each byte.
        fn push(&mut self, bit: u8) {
            if self.used % 8 == 0 {
                self.out.push(0);
            }
            *self.out.last_mut().unwrap() |= bit << (self.used % 8);
            self.used += 1;
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            for i in (0..len).rev() {
                self.push(((code >> i) & 1) as u8);
            }
        }
    }
    let mut bits = Bits {
        out: Vec::new(),
        used: 0,
    };
    bits.push(0); // BFINAL = 0
    bits.push(1); // BTYPE = 01 (fixed Huffman), low bit first
    bits.push(0);
    bits.code(0x30, 8); // literal 0
    for _ in 0..decoded / 258 {
        bits.code(0xc5, 8); // length code 285: copy 258 bytes
        bits.code(0, 5); // distance code 0: distance 1
    }
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    gzip.extend_from_slice(&bits.out);
    gzip
}

/// What the server saw of one request.
struct Seen {
    path: String,
    headers: Vec<(String, String)>,
}

/// Shared between the server's handler threads and the test.
#[derive(Default)]
struct Log {
    seen: Mutex<Vec<Seen>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Log {
    /// The value of header `name` on the first request for `path`.
    fn header(&self, path: &str, name: &str) -> Option<String> {
        let seen = self.seen.lock().unwrap();
        let request = seen.iter().find(|s| s.path == path)?;
        request
            .headers
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
    }

    fn count(&self, prefix: &str) -> usize {
        let seen = self.seen.lock().unwrap();
        seen.iter().filter(|s| s.path.starts_with(prefix)).count()
    }
}

struct Server {
    base: String,
    log: Arc<Log>,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// Starts a server for one test; every request is handled on its own thread so a slow route never
/// holds up another.
fn server() -> Server {
    let http = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = http.server_addr().to_ip().unwrap().port();
    let log = Arc::new(Log::default());
    let shared = Arc::clone(&log);
    thread::spawn(move || {
        for request in http.incoming_requests() {
            let log = Arc::clone(&shared);
            thread::spawn(move || route(request, &log));
        }
    });
    Server {
        base: format!("http://127.0.0.1:{port}"),
        log,
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name, value).unwrap()
}

/// Endless body: the same byte forever.
struct Endless;

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        buf.fill(b'x');
        Ok(buf.len())
    }
}

fn route(request: tiny_http::Request, log: &Log) {
    let path = request.url().to_owned();
    log.seen.lock().unwrap().push(Seen {
        path: path.clone(),
        headers: request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect(),
    });
    let wants = |name: &'static str, value: &str| {
        request
            .headers()
            .iter()
            .any(|h| h.field.equiv(name) && h.value.as_str() == value)
    };
    // Responding can fail when the client has hung up on purpose (timeouts, limits): ignore it.
    let _ = match path.as_str() {
        "/feed" => {
            if wants("If-None-Match", ETAG) || wants("If-Modified-Since", LAST_MODIFIED) {
                request.respond(Response::empty(304))
            } else {
                request.respond(
                    Response::from_data(FEED)
                        .with_header(header("ETag", ETAG))
                        .with_header(header("Last-Modified", LAST_MODIFIED)),
                )
            }
        }
        "/missing" => request.respond(Response::from_string("no such feed").with_status_code(404)),
        "/broken" => request.respond(Response::from_string("oops").with_status_code(500)),
        "/loop" => request.respond(Response::empty(302).with_header(header("Location", "/loop"))),
        "/slow" => {
            thread::sleep(Duration::from_secs(3));
            request.respond(Response::from_data(FEED))
        }
        "/endless" => request.respond(Response::new(200.into(), vec![], Endless, None, None)),
        "/gzip" => request
            .respond(Response::from_data(GZIPPED).with_header(header("Content-Encoding", "gzip"))),
        "/bomb" => request.respond(
            Response::from_data(gzip_bomb(1024 * 1024))
                .with_header(header("Content-Encoding", "gzip")),
        ),
        "/koi8" => request.respond(Response::from_data(koi8_feed()).with_header(header(
            "Content-Type",
            "application/rss+xml; charset=\"KOI8-R\"",
        ))),
        "/garbage" => request.respond(
            Response::from_data((0..=255u8).chain(0..=255u8).collect::<Vec<u8>>())
                .with_header(header("Content-Type", "application/rss+xml")),
        ),
        _ if path.starts_with("/hop/") => {
            let left: u32 = path["/hop/".len()..].parse().unwrap();
            if left == 0 {
                request.respond(Response::from_string("arrived"))
            } else {
                let next = format!("/hop/{}", left - 1);
                request.respond(Response::empty(302).with_header(header("Location", &next)))
            }
        }
        _ if path.starts_with("/pool/") => {
            let now = log.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            log.max_in_flight.fetch_max(now, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(100));
            log.in_flight.fetch_sub(1, Ordering::SeqCst);
            // The body names the request, so results can be checked against `source`.
            request.respond(Response::from_string(&path["/pool/".len()..]))
        }
        "/pause" => {
            log.in_flight.fetch_add(1, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(300));
            request.respond(Response::from_string("late"))
        }
        _ => request.respond(Response::empty(400)),
    };
}

fn request(url: &str) -> FetchRequest {
    FetchRequest {
        source: 0,
        url: url.to_owned(),
        etag: None,
        last_modified: None,
        ..Default::default()
    }
}

fn get_with(options: &FetchOptions, request: FetchRequest) -> FetchResult {
    fetch(&agent(options), options, request)
}

fn get(url: &str) -> Result<Fetched, String> {
    get_with(&FetchOptions::default(), request(url)).outcome
}

fn body(outcome: Result<Fetched, String>) -> Vec<u8> {
    match outcome {
        Ok(Fetched::Body { bytes, .. }) => bytes,
        other => panic!("expected a body, got {other:?}"),
    }
}

fn error(outcome: Result<Fetched, String>) -> String {
    let message = outcome.expect_err("expected an error");
    assert!(
        !message.contains('\n') && !message.chars().any(char::is_control),
        "not one clean line: {message:?}"
    );
    message
}

fn small_limits() -> FetchOptions {
    FetchOptions {
        max_bytes: 64 * 1024,
        ..FetchOptions::default()
    }
}

#[test]
fn a_good_feed_comes_back_with_its_validators() {
    let server = server();
    let result = get_with(
        &FetchOptions::default(),
        FetchRequest {
            source: 7,
            ..request(&server.url("/feed"))
        },
    );
    assert_eq!(result.request.source, 7);
    assert_eq!(
        result.outcome,
        Ok(Fetched::Body {
            bytes: FEED.to_vec(),
            etag: Some(ETAG.to_owned()),
            last_modified: Some(LAST_MODIFIED.to_owned()),
            charset: None,
        })
    );
    // Nothing conditional was asked for on a first fetch.
    assert_eq!(server.log.header("/feed", "If-None-Match"), None);
    assert_eq!(server.log.header("/feed", "If-Modified-Since"), None);
}

#[test]
fn a_matching_etag_gets_not_modified() {
    let server = server();
    let outcome = get_with(
        &FetchOptions::default(),
        FetchRequest {
            etag: Some(ETAG.to_owned()),
            ..request(&server.url("/feed"))
        },
    )
    .outcome;
    assert_eq!(outcome, Ok(Fetched::NotModified));
    assert_eq!(
        server.log.header("/feed", "If-None-Match").as_deref(),
        Some(ETAG)
    );
}

#[test]
fn a_matching_date_gets_not_modified() {
    let server = server();
    let outcome = get_with(
        &FetchOptions::default(),
        FetchRequest {
            last_modified: Some(LAST_MODIFIED.to_owned()),
            ..request(&server.url("/feed"))
        },
    )
    .outcome;
    assert_eq!(outcome, Ok(Fetched::NotModified));
    assert_eq!(
        server.log.header("/feed", "If-Modified-Since").as_deref(),
        Some(LAST_MODIFIED)
    );
}

#[test]
fn a_validator_that_is_no_header_value_is_left_out() {
    let server = server();
    let outcome = get_with(
        &FetchOptions::default(),
        FetchRequest {
            etag: Some("\"v1\"\r\nX-Injected: 1".to_owned()),
            ..request(&server.url("/feed"))
        },
    )
    .outcome;
    assert_eq!(body(outcome), FEED);
    assert_eq!(server.log.header("/feed", "If-None-Match"), None);
    assert_eq!(server.log.header("/feed", "X-Injected"), None);
}

#[test]
fn error_statuses_are_named() {
    let server = server();
    assert_eq!(error(get(&server.url("/missing"))), "HTTP 404 Not Found");
    assert_eq!(
        error(get(&server.url("/broken"))),
        "HTTP 500 Internal Server Error"
    );
}

#[test]
fn a_chain_of_three_redirects_is_followed() {
    let server = server();
    assert_eq!(body(get(&server.url("/hop/3"))), b"arrived");
    assert_eq!(server.log.count("/hop/"), 4);
}

#[test]
fn redirects_stop_at_the_limit() {
    let server = server();
    // Five redirects are allowed, the sixth is one too many.
    assert_eq!(body(get(&server.url("/hop/5"))), b"arrived");
    assert_eq!(
        error(get(&server.url("/hop/6"))),
        "too many redirects (more than 5)"
    );
}

#[test]
fn a_redirect_loop_ends_in_an_error() {
    let server = server();
    let started = Instant::now();
    assert_eq!(
        error(get(&server.url("/loop"))),
        "too many redirects (more than 5)"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.log.count("/loop"), 6);
}

#[test]
fn a_slow_server_times_out() {
    let server = server();
    let options = FetchOptions {
        timeout: Duration::from_secs(1),
        ..FetchOptions::default()
    };
    let started = Instant::now();
    let outcome = get_with(&options, request(&server.url("/slow"))).outcome;
    let elapsed = started.elapsed();
    assert_eq!(error(outcome), "timed out after 1 s");
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
}

#[test]
fn an_endless_body_stops_at_the_size_limit() {
    let server = server();
    let started = Instant::now();
    let outcome = get_with(&small_limits(), request(&server.url("/endless"))).outcome;
    assert_eq!(error(outcome), "larger than 64 KiB");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        error(get_with(&FetchOptions::default(), request(&server.url("/endless"))).outcome),
        "larger than 10 MiB"
    );
}

#[test]
fn gzip_is_decoded() {
    let server = server();
    assert_eq!(body(get(&server.url("/gzip"))), gzipped_plain());
    let accepted = server
        .log
        .header("/gzip", "Accept-Encoding")
        .unwrap_or_default();
    assert!(accepted.contains("gzip"), "Accept-Encoding: {accepted}");
}

#[test]
fn the_size_limit_counts_decoded_bytes() {
    let server = server();
    // A few KB on the wire, a MiB once inflated.
    assert!(gzip_bomb(1024 * 1024).len() < 8 * 1024);
    let outcome = get_with(&small_limits(), request(&server.url("/bomb"))).outcome;
    assert_eq!(error(outcome), "larger than 64 KiB");
}

/// A Russian feed in KOI8-R that does not say so itself (no XML declaration).
fn koi8_feed() -> Vec<u8> {
    let xml = "<rss version=\"2.0\"><channel><title>Лента</title>\
               <item><title>Погода в Москве</title><guid>1</guid></item></channel></rss>";
    encoding_rs::KOI8_R.encode(xml).0.into_owned()
}

#[test]
fn the_http_charset_decodes_a_feed_that_declares_none() {
    let server = server();
    let result = get_with(&FetchOptions::default(), request(&server.url("/koi8")));
    match &result.outcome {
        Ok(Fetched::Body { charset, .. }) => assert_eq!(charset.as_deref(), Some("KOI8-R")),
        other => panic!("{other:?}"),
    }
    let update = gazette::feed::process(result);
    let Ok(gazette::feed::FeedFetched::Parsed { feed, .. }) = update.outcome else {
        panic!("{:?}", update.outcome)
    };
    assert_eq!(feed.title.as_deref(), Some("Лента"));
    assert_eq!(feed.stories[0].title, "Погода в Москве");
    // The charset is what decided: the same bytes said to be Windows-1251 read otherwise.
    let other = gazette::feed::parse_feed_with(&koi8_feed(), None, Some("windows-1251"));
    assert_ne!(other.unwrap().stories[0].title, "Погода в Москве");
}

#[test]
fn garbage_is_returned_as_is() {
    let server = server();
    let expected: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    assert_eq!(body(get(&server.url("/garbage"))), expected);
}

#[test]
fn the_user_agent_names_gazette_and_its_version() {
    let server = server();
    body(get(&server.url("/feed")));
    let expected = format!(
        "gazette/{} (+terminal news reader)",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(server.log.header("/feed", "User-Agent"), Some(expected));
    assert_eq!(
        FetchOptions::default().user_agent.split('/').next(),
        Some("gazette")
    );
}

#[test]
fn file_urls_are_read_from_disk() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(FEED).unwrap();
    let url = format!("file://{}", file.path().display());
    assert_eq!(
        get(&url),
        Ok(Fetched::Body {
            bytes: FEED.to_vec(),
            etag: None,
            last_modified: None,
            charset: None,
        })
    );
    // Validators mean nothing for a file: the body comes back whatever they say.
    let conditional = FetchRequest {
        etag: Some(ETAG.to_owned()),
        ..request(&url)
    };
    assert_eq!(
        body(get_with(&FetchOptions::default(), conditional).outcome),
        FEED
    );
}

#[test]
fn file_urls_obey_the_size_limit_and_report_missing_files() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&vec![b'x'; 64 * 1024 + 1]).unwrap();
    let url = format!("file://{}", file.path().display());
    assert_eq!(
        error(get_with(&small_limits(), request(&url)).outcome),
        "larger than 64 KiB (the file is 65537 bytes)"
    );

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone.xml");
    assert_eq!(
        error(get(&format!("file://{}", missing.display()))),
        format!("file not found: {}", missing.display())
    );
}

#[test]
fn other_schemes_are_refused() {
    assert_eq!(
        error(get("javascript:alert(1)")),
        "unsupported URL scheme \"javascript\": only http, https and file"
    );
    assert_eq!(
        error(get("ftp://x/feed.xml")),
        "unsupported URL scheme \"ftp\": only http, https and file"
    );
    // Control characters in what is quoted back never reach the message.
    let message = error(get("\u{1b}]0;owned\u{7}ftp://x\n"));
    assert!(!message.contains("owned"), "{message}");
}

#[test]
fn a_closed_port_is_connection_refused() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    assert_eq!(
        error(get(&format!("http://127.0.0.1:{port}/feed"))),
        "connection refused"
    );
}

#[test]
fn an_unknown_host_is_named() {
    // `.invalid` never resolves (RFC 6761); a short connect timeout bounds a slow resolver.
    let options = FetchOptions {
        connect_timeout: Duration::from_secs(2),
        ..FetchOptions::default()
    };
    let outcome = get_with(&options, request("http://example.invalid/feed")).outcome;
    let message = error(outcome);
    assert!(
        message == "cannot resolve host example.invalid"
            || message == "timed out resolving host example.invalid",
        "{message}"
    );
}

#[test]
fn the_pool_limits_concurrency_and_routes_every_result() {
    let server = server();
    let (sender, results) = mpsc::channel();
    let caller = thread::current().id();
    let fetcher = Fetcher::new(
        FetchOptions {
            concurrency: 3,
            ..FetchOptions::default()
        },
        move |result: FetchResult| {
            // Checked on the test thread: a panic in here would only be caught by the worker.
            let worker = thread::current();
            let _ = sender.send((result, worker.id(), worker.name().map(str::to_owned)));
        },
    );
    let started = Instant::now();
    fetcher.fetch_all((0..12).map(|i| FetchRequest {
        source: i,
        ..request(&server.url(&format!("/pool/{i}")))
    }));
    // Queuing never waits for the network.
    assert!(started.elapsed() < Duration::from_millis(100));

    let mut sources = Vec::new();
    for _ in 0..12 {
        let (result, thread_id, thread_name) =
            results.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_ne!(thread_id, caller);
        assert_eq!(
            body(result.outcome),
            result.request.source.to_string().as_bytes()
        );
        assert!(thread_name
            .unwrap_or_default()
            .starts_with("gazette-fetch-"));
        sources.push(result.request.source);
    }
    sources.sort_unstable();
    assert_eq!(sources, (0..12).collect::<Vec<_>>());
    let most = server.log.max_in_flight.load(Ordering::SeqCst);
    assert!(most <= 3, "{most} requests in flight at once");
    // 12 requests of 100 ms, three at a time: the pool did run them side by side.
    assert!(most >= 2, "requests never overlapped");
    assert_eq!(server.log.count("/pool/"), 12);
}

#[test]
fn dropping_the_pool_does_not_block_and_skips_what_is_queued() {
    let server = server();
    let (sender, results) = mpsc::channel();
    let fetcher = Fetcher::new(
        FetchOptions {
            concurrency: 1,
            ..FetchOptions::default()
        },
        move |result: FetchResult| {
            let _ = sender.send(result);
        },
    );
    fetcher.fetch_all((0..3).map(|i| FetchRequest {
        source: i,
        ..request(&server.url("/pause"))
    }));
    // Wait until the first request is on the wire, so exactly one is in flight.
    let deadline = Instant::now() + Duration::from_secs(2);
    while server.log.in_flight.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the first request never arrived");
        thread::sleep(Duration::from_millis(5));
    }
    let started = Instant::now();
    drop(fetcher);
    assert!(started.elapsed() < Duration::from_millis(100));

    // The fetch in flight still finishes and is delivered; the two queued ones are dropped.
    let first = results.recv_timeout(Duration::from_secs(2)).unwrap();
    assert_eq!(first.request.source, 0);
    assert_eq!(body(first.outcome), b"late");
    assert!(results.recv_timeout(Duration::from_millis(200)).is_err());
    assert_eq!(server.log.count("/pause"), 1);
}
