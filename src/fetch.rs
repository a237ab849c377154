//! Fetching feeds over HTTP(S) or from `file://` URLs, on a small pool of worker threads.
//!
//! This module knows nothing of the UI or of feed formats: it turns a [`FetchRequest`] into a
//! [`FetchResult`] holding either the raw bytes (or "not modified") or a one-line error written for
//! a person. Parsing happens in the caller's `on_result` callback, which runs on the worker thread so
//! that slow parses never stall the UI.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use ureq::http::{HeaderValue, StatusCode, Uri};

use crate::sanitize::clean_line;

/// What to fetch. `source` is an opaque index the caller uses to route the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// The caller's index for this source; handed back untouched in the result.
    pub source: usize,
    /// An `http`, `https` or `file` URL.
    pub url: String,
    /// The `ETag` from the last successful fetch, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` from the last successful fetch, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A successful fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The body, exactly as received (after content decoding), with the validators to send next time.
    Body {
        /// The raw bytes; not checked in any way, parsing is the caller's job.
        bytes: Vec<u8>,
        /// The response's `ETag`, if it had a usable one.
        etag: Option<String>,
        /// The response's `Last-Modified`, if it had a usable one.
        last_modified: Option<String>,
    },
    /// The server answered 304: what the caller already has is current.
    NotModified,
}

/// The outcome for one request; errors are one line, naming the problem for a person ("HTTP 404 Not
/// Found", "timed out after 30 s", "larger than 10 MiB", "too many redirects (more than 5)", "cannot
/// resolve host example.invalid", "connection refused").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchResult {
    /// The request this answers (its `source` routes the result).
    pub request: FetchRequest,
    /// The fetched body, or a one-line error free of control characters.
    pub outcome: Result<Fetched, String>,
}

/// Limits and identity for fetching.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Worker threads in a [`Fetcher`], so at most this many requests are in flight (default 6).
    pub concurrency: usize,
    /// Time allowed to resolve the host and connect (default 10 s).
    pub connect_timeout: Duration,
    /// Time allowed for the whole fetch, redirects and body included (default 30 s).
    pub timeout: Duration,
    /// Redirects followed before giving up (default 5).
    pub max_redirects: u32,
    /// Largest body accepted, counted after decompression (default 10 MiB).
    pub max_bytes: u64,
    /// The `User-Agent` header (default `gazette/<version> (+terminal news reader)`).
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            concurrency: 6,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            max_bytes: 10 * 1024 * 1024,
            user_agent: format!(
                "gazette/{} (+terminal news reader)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// Builds the agent for `options` (timeouts, redirects, user agent, no automatic errors on status
/// codes so the status can be reported).
pub fn agent(options: &FetchOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        // The global timeout covers redirects and the body too, so a server trickling bytes forever
        // still ends at `timeout`.
        .timeout_global(Some(options.timeout))
        .timeout_connect(Some(options.connect_timeout))
        .max_redirects(options.max_redirects)
        // A redirect loop must end as an error, not as the last 3xx response.
        .max_redirects_will_error(true)
        .user_agent(options.user_agent.as_str())
        // We want the status line ourselves, to report "HTTP 404 Not Found" rather than ureq's text.
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// Fetches one URL, blocking: http(s) with ureq (gzip accepted, conditional request headers
/// `If-None-Match` / `If-Modified-Since` when `etag` / `last_modified` are set, 304 →
/// [`Fetched::NotModified`], any other non-2xx → `Err`), or a `file://` URL read from disk (same size
/// cap; no conditional logic). Any other scheme → `Err("unsupported URL scheme …: only http, https
/// and file")`.
pub fn fetch(agent: &ureq::Agent, options: &FetchOptions, request: FetchRequest) -> FetchResult {
    let outcome = match scheme(&request.url).as_deref() {
        Some("http" | "https") => fetch_http(agent, options, &request),
        Some("file") => fetch_file(options, &request.url),
        Some(other) => Err(format!(
            "unsupported URL scheme \"{}\": only http, https and file",
            shorten(other)
        )),
        None => Err(format!(
            "not a URL: {} (expected http, https or file)",
            shorten(&request.url)
        )),
    };
    FetchResult {
        request,
        // Every message passes through here, so none can carry a newline or a terminal control.
        outcome: outcome.map_err(|message| one_line(&message)),
    }
}

/// The URL's scheme, lowercased, or `None` when it has none (RFC 3986: a letter, then letters,
/// digits, `+`, `-` or `.`, then `:`).
fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok).then(|| scheme.to_ascii_lowercase())
}

fn fetch_http(
    agent: &ureq::Agent,
    options: &FetchOptions,
    request: &FetchRequest,
) -> Result<Fetched, String> {
    let mut call = agent.get(request.url.as_str());
    // A validator that is not a legal header value (it came from somewhere odd) would make the whole
    // request fail; fetching unconditionally is the better fallback.
    if let Some(etag) = request.etag.as_deref().filter(|v| is_header_value(v)) {
        call = call.header("If-None-Match", etag);
    }
    if let Some(date) = request
        .last_modified
        .as_deref()
        .filter(|v| is_header_value(v))
    {
        call = call.header("If-Modified-Since", date);
    }
    let mut response = call
        .call()
        .map_err(|e| describe_error(e, &request.url, options))?;

    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(describe_status(status));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            // `to_str` accepts only visible ASCII, so what we store can be sent back verbatim.
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .filter(|v| !v.is_empty())
    };
    let etag = header("etag");
    let last_modified = header("last-modified");
    // The limit counts bytes after gzip decoding and is checked while reading, so neither a huge
    // body nor a gzip bomb is ever held in memory beyond the cap.
    let bytes = response
        .body_mut()
        .with_config()
        .limit(options.max_bytes)
        .read_to_vec()
        .map_err(|e| describe_error(e, &request.url, options))?;
    Ok(Fetched::Body {
        bytes,
        etag,
        last_modified,
    })
}

fn is_header_value(value: &str) -> bool {
    !value.is_empty() && HeaderValue::from_str(value).is_ok()
}

/// "HTTP 404 Not Found". The canonical phrase is used, never the server's: it is untrusted and often
/// empty.
fn describe_status(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {}", status.as_u16(), reason),
        None => format!("HTTP {}", status.as_u16()),
    }
}

/// Turns a ureq error into a sentence for a person, naming the limit that was hit where there is one.
fn describe_error(error: ureq::Error, url: &str, options: &FetchOptions) -> String {
    let host = || {
        url.parse::<Uri>()
            .ok()
            .and_then(|uri| uri.host().map(str::to_owned))
            .map(|host| shorten(&host))
            .unwrap_or_else(|| "(unknown)".to_owned())
    };
    match error {
        ureq::Error::StatusCode(code) => match StatusCode::from_u16(code) {
            Ok(status) => describe_status(status),
            Err(_) => format!("HTTP {code}"),
        },
        ureq::Error::Timeout(ureq::Timeout::Connect) => format!(
            "timed out connecting to {} after {}",
            host(),
            Seconds(options.connect_timeout)
        ),
        ureq::Error::Timeout(ureq::Timeout::Resolve) => {
            format!("timed out resolving host {}", host())
        }
        ureq::Error::Timeout(_) => format!("timed out after {}", Seconds(options.timeout)),
        ureq::Error::HostNotFound => format!("cannot resolve host {}", host()),
        ureq::Error::TooManyRedirects => {
            format!("too many redirects (more than {})", options.max_redirects)
        }
        ureq::Error::RedirectFailed => "a redirect could not be followed".to_owned(),
        ureq::Error::BodyExceedsLimit(_) => format!("larger than {}", Bytes(options.max_bytes)),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => format!("invalid URL: {}", shorten(url)),
        ureq::Error::Protocol(e) => format!("the server's reply is not valid HTTP ({e})"),
        ureq::Error::LargeResponseHeader(..) => {
            "the server's response headers are too large".into()
        }
        ureq::Error::ConnectionFailed => format!("cannot connect to {}", host()),
        ureq::Error::Tls(e) => format!("TLS error: {e}"),
        ureq::Error::Decompress(kind, e) => format!("cannot decompress the {kind} body: {e}"),
        ureq::Error::Io(e) => describe_network_io(&e, &host, options),
        other => {
            // Variants that depend on ureq's features (rustls, ...) are reached through Display
            // so this compiles whatever features are on; the common one gets a plainer prefix.
            let text = other.to_string();
            match text.strip_prefix("rustls: ") {
                Some(rest) => format!("TLS error: {rest}"),
                None => text,
            }
        }
    }
}

/// Network I/O errors, by kind; the OS's own text is the fallback.
fn describe_network_io(
    error: &io::Error,
    host: &dyn Fn() -> String,
    options: &FetchOptions,
) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            "the connection was reset by the server".to_owned()
        }
        io::ErrorKind::UnexpectedEof => "the server closed the connection too early".to_owned(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            format!("timed out after {}", Seconds(options.timeout))
        }
        io::ErrorKind::HostUnreachable => format!("host {} is unreachable", host()),
        io::ErrorKind::NetworkUnreachable | io::ErrorKind::NetworkDown => {
            "the network is unreachable".to_owned()
        }
        // std reports a failed getaddrinfo with this text and no ErrorKind of its own; ureq passes
        // it through as I/O rather than as HostNotFound.
        _ if error.to_string().contains("failed to lookup address") => {
            format!("cannot resolve host {}", host())
        }
        _ => format!("network error: {}", os_text(error)),
    }
}

/// Reads a `file://` URL from disk, refusing anything over the cap while reading (the file may be a
/// device or grow as we read, so its metadata size is not trusted).
fn fetch_file(options: &FetchOptions, url: &str) -> Result<Fetched, String> {
    let path = file_url_path(url)?;
    let shown = shorten(&path.display().to_string());
    let read = || -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        File::open(&path)?
            .take(options.max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)?;
        Ok(bytes)
    };
    match read() {
        Ok(bytes) if bytes.len() as u64 > options.max_bytes => {
            Err(format!("larger than {}", Bytes(options.max_bytes)))
        }
        Ok(bytes) => Ok(Fetched::Body {
            bytes,
            etag: None,
            last_modified: None,
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(format!("file not found: {shown}")),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            Err(format!("permission denied: {shown}"))
        }
        Err(e) => Err(format!("cannot read {shown}: {}", os_text(&e))),
    }
}

/// The local path of a `file://` URL: `file:///p`, `file://localhost/p` (and `file:/p`), with
/// percent-escapes decoded and any query or fragment dropped.
pub(crate) fn file_url_path(url: &str) -> Result<PathBuf, String> {
    // The scheme was matched case-insensitively; "file:" is five ASCII bytes whatever its case.
    let rest = &url[5..];
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let path = if let Some(after) = rest.strip_prefix("//") {
        let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
        if !(authority.is_empty() || authority.eq_ignore_ascii_case("localhost")) {
            return Err(format!(
                "file URLs on another host are not supported: {}",
                shorten(url)
            ));
        }
        path
    } else {
        rest
    };
    if !path.starts_with('/') {
        return Err(format!("not a file path: {}", shorten(url)));
    }
    let bytes = percent_decode(path);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Ok(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes)
            .map(PathBuf::from)
            .map_err(|_| format!("not a file path: {}", shorten(url)))
    }
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept as it is.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// An OS error's text without the " (os error N)" suffix, which means nothing to a reader.
fn os_text(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Keeps untrusted text quoted in a message short enough for a status line.
fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 120;
    if text.chars().count() <= MAX_CHARS {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX_CHARS - 1).collect();
        short.push('…');
        short
    }
}

/// One line, no controls: line breaks become spaces (so words stay apart), then
/// [`clean_line`] removes everything else that could drive the terminal.
fn one_line(message: &str) -> String {
    let joined: String = message
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect();
    clean_line(&joined)
}

/// Formats a duration as "30 s", "1.5 s" or "250 ms".
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        if millis < 1000 {
            write!(f, "{millis} ms")
        } else if millis % 1000 == 0 {
            write!(f, "{} s", millis / 1000)
        } else {
            write!(f, "{} s", self.0.as_secs_f64())
        }
    }
}

/// Formats a byte count as "10 MiB", "64 KiB" or "1000 bytes" (exact, never rounded, because it
/// names a limit).
struct Bytes(u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const KIB: u64 = 1024;
        const MIB: u64 = 1024 * KIB;
        const GIB: u64 = 1024 * MIB;
        match self.0 {
            n if n >= GIB && n % GIB == 0 => write!(f, "{} GiB", n / GIB),
            n if n >= MIB && n % MIB == 0 => write!(f, "{} MiB", n / MIB),
            n if n >= KIB && n % KIB == 0 => write!(f, "{} KiB", n / KIB),
            1 => write!(f, "1 byte"),
            n => write!(f, "{n} bytes"),
        }
    }
}

/// The callback a [`Fetcher`] hands each result to.
type OnResult = Arc<dyn Fn(FetchResult) + Send + Sync>;

/// A pool of `options.concurrency` worker threads. [`fetch_all`](Fetcher::fetch_all) queues
/// requests; each worker calls `on_result(result)` on ITS OWN thread (the caller parses the body
/// there, off the UI thread, then sends a message to the UI). Dropping the pool lets the workers
/// finish the fetches in flight and exit; requests still queued are dropped unreported. Dropping never
/// blocks the caller.
pub struct Fetcher {
    jobs: Sender<FetchRequest>,
    /// Set on drop so workers skip what is still queued instead of fetching for nobody.
    cancelled: Arc<AtomicBool>,
    /// Kept for the case where no worker thread could be started at all.
    on_result: OnResult,
    workers: usize,
}

impl fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher")
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    /// Starts `options.concurrency` workers (at least one) sharing one agent, and so one connection
    /// pool.
    ///
    /// `on_result` should not panic; if it does, the panic is caught so the worker keeps serving
    /// the queue (the process's panic hook still runs).
    pub fn new(
        options: FetchOptions,
        on_result: impl Fn(FetchResult) + Send + Sync + 'static,
    ) -> Fetcher {
        let on_result: OnResult = Arc::new(on_result);
        let (jobs, queue) = mpsc::channel::<FetchRequest>();
        // One receiver shared by all workers: whichever is idle takes the next request, so at most
        // `concurrency` requests are in flight.
        let queue = Arc::new(Mutex::new(queue));
        let cancelled = Arc::new(AtomicBool::new(false));
        let agent = agent(&options);
        let options = Arc::new(options);
        let mut workers = 0;
        for n in 0..options.concurrency.max(1) {
            let worker = Worker {
                queue: Arc::clone(&queue),
                cancelled: Arc::clone(&cancelled),
                on_result: Arc::clone(&on_result),
                agent: agent.clone(),
                options: Arc::clone(&options),
            };
            let spawned = thread::Builder::new()
                .name(format!("gazette-fetch-{n}"))
                .spawn(move || worker.run());
            // Fewer workers than asked is still a working pool; none is handled in `fetch_all`.
            if spawned.is_ok() {
                workers += 1;
            }
        }
        Fetcher {
            jobs,
            cancelled,
            on_result,
            workers,
        }
    }

    /// Queues `requests`; returns at once. Each result arrives through `on_result` on a worker
    /// thread, in completion order, not request order.
    pub fn fetch_all(&self, requests: impl IntoIterator<Item = FetchRequest>) {
        for request in requests {
            if self.workers == 0 {
                // The OS refused every thread: say so per request rather than losing them silently.
                (self.on_result)(FetchResult {
                    request,
                    outcome: Err("cannot start a fetch thread".to_owned()),
                });
                continue;
            }
            // Sending fails only if every worker has gone, which `Worker::run` never does while
            // the Fetcher is alive.
            let _ = self.jobs.send(request);
        }
    }
}

impl Drop for Fetcher {
    fn drop(&mut self) {
        // The sender is dropped right after this, so workers see the queue close and exit.
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// One worker thread's share of the pool.
struct Worker {
    queue: Arc<Mutex<Receiver<FetchRequest>>>,
    cancelled: Arc<AtomicBool>,
    on_result: OnResult,
    agent: ureq::Agent,
    options: Arc<FetchOptions>,
}

impl Worker {
    fn run(self) {
        loop {
            // The lock is held only while waiting for a job, never during a fetch. A poisoned lock
            // only means another worker panicked while waiting; the receiver is still fine.
            let job = self
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .recv();
            let Ok(request) = job else { return };
            if self.cancelled.load(Ordering::Relaxed) {
                continue;
            }
            let attempt = request.clone();
            let result = panic::catch_unwind(AssertUnwindSafe(|| {
                fetch(&self.agent, &self.options, attempt)
            }))
            .unwrap_or_else(|_| FetchResult {
                request,
                outcome: Err("internal error while fetching".to_owned()),
            });
            // A panicking callback must not shrink the pool.
            let _ = panic::catch_unwind(AssertUnwindSafe(|| (self.on_result)(result)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_limits_exactly() {
        assert_eq!(Bytes(10 * 1024 * 1024).to_string(), "10 MiB");
        assert_eq!(Bytes(64 * 1024).to_string(), "64 KiB");
        assert_eq!(Bytes(1000).to_string(), "1000 bytes");
        assert_eq!(Seconds(Duration::from_secs(30)).to_string(), "30 s");
        assert_eq!(Seconds(Duration::from_millis(1500)).to_string(), "1.5 s");
        assert_eq!(Seconds(Duration::from_millis(250)).to_string(), "250 ms");
    }

    #[test]
    fn reads_schemes() {
        assert_eq!(scheme("HTTPS://x").as_deref(), Some("https"));
        assert_eq!(scheme("javascript:alert(1)").as_deref(), Some("javascript"));
        assert_eq!(scheme("example.com/feed"), None);
        assert_eq!(scheme("/tmp/a:b"), None);
    }

    #[test]
    fn decodes_file_urls() {
        assert_eq!(
            file_url_path("file:///tmp/a%20b.xml").unwrap(),
            PathBuf::from("/tmp/a b.xml")
        );
        assert_eq!(
            file_url_path("file://localhost/x#frag").unwrap(),
            PathBuf::from("/x")
        );
        assert_eq!(file_url_path("FILE:/y").unwrap(), PathBuf::from("/y"));
        assert!(file_url_path("file://server/share/x").is_err());
        assert_eq!(percent_decode("100%"), b"100%");
        assert_eq!(percent_decode("%4"), b"%4");
        assert_eq!(percent_decode("%41%zz"), b"A%zz");
    }

    #[test]
    fn messages_are_one_clean_line() {
        assert_eq!(one_line("a\r\nb\x1b[31mc\x07"), "a  bc");
    }
}
