//! Fetching feeds over HTTP(S) or from `file://` URLs, on a small pool of worker threads.
//!
//! This module knows nothing of the UI or of feed formats: it turns a [`FetchRequest`] into a
//! [`FetchResult`] holding either the raw bytes (or "not modified") or a one-line error written for
//! a person. Parsing happens in the caller's `on_result` callback, which runs on the worker thread so
//! that slow parses never stall the UI. It owns the request and result types, the dispatch by
//! scheme and the message helpers; [`http`], [`file`] and [`pool`] do the rest.

mod download;
mod file;
pub(crate) mod http;
mod pool;

use std::fmt;
use std::io;
use std::time::Duration;

use crate::sanitize::clean_line;

pub use download::{download, download_agent, file_name, paths, Downloaded};
pub(crate) use file::file_url_path;
pub use file::{open_feed_file, FileRefusal};
pub use http::agent;
pub use pool::Fetcher;

/// What to fetch. `source` is an opaque index the caller uses to route the result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchRequest {
    /// The caller's index for this source; handed back untouched in the result.
    pub source: usize,
    /// An `http`, `https` or `file` URL.
    pub url: String,
    /// The `ETag` from the last successful fetch, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` from the last successful fetch, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// The User-Agent for this request, in place of the options' (a subscription's own).
    pub user_agent: Option<String>,
    /// Carried back with the result, for the store: keep at most this many of the feed's
    /// stories (a subscription's own `max_stories`).
    pub max_stories: Option<u32>,
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
        /// The `charset` of the response's `Content-Type`, if it named one: how the body is
        /// decoded when neither a byte-order mark nor the XML declaration says.
        charset: Option<String>,
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
    /// Of those, at most this many to one host at once, while other hosts' requests go ahead
    /// (default 4).
    pub per_host: usize,
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
            per_host: 4,
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

/// Fetches one URL, blocking: http(s) with ureq (gzip accepted, conditional request headers
/// `If-None-Match` / `If-Modified-Since` when `etag` / `last_modified` are set, 304 →
/// [`Fetched::NotModified`], any other non-2xx → `Err`), or a `file://` URL read from disk (a
/// regular file only, same size cap and deadline; no conditional logic). Any other scheme → `Err("unsupported URL scheme …: only http, https
/// and file")`.
pub fn fetch(agent: &ureq::Agent, options: &FetchOptions, request: FetchRequest) -> FetchResult {
    let outcome = match scheme(&request.url).as_deref() {
        Some("http" | "https") => http::fetch_http(agent, options, &request),
        Some("file") => file::fetch_file(options, &request.url),
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

/// A web page fetched for reader mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Where the page was found, after redirects: the base for its relative links.
    pub url: String,
    /// The `Content-Type` header, if any (its charset decodes the page; anything but HTML is
    /// refused by `article::extract_page`).
    pub content_type: Option<String>,
    /// The body, after content decoding, at most `max_bytes`.
    pub bytes: Vec<u8>,
}

/// Fetches one web page, blocking, with the same agent and limits as feeds (User-Agent, timeouts,
/// size cap, redirect limit). Only http and https: a page's link never makes gazette read a local
/// file. Errors are one clean line, as [`fetch`]'s.
pub fn fetch_page(agent: &ureq::Agent, options: &FetchOptions, url: &str) -> Result<Page, String> {
    let outcome = match scheme(url).as_deref() {
        Some("http" | "https") => http::fetch_page_http(agent, options, url),
        Some(other) => Err(format!(
            "unsupported URL scheme \"{}\": only http and https",
            shorten(other)
        )),
        None => Err(format!("not a URL: {}", shorten(url))),
    };
    outcome.map_err(|message| one_line(&message))
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

/// "timed out after 30 s": what every feed source says when its deadline passes.
pub(crate) fn timed_out(after: Duration) -> String {
    format!("timed out after {}", Seconds(after))
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
pub(crate) struct Bytes(pub(crate) u64);

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
    fn messages_are_one_clean_line() {
        assert_eq!(one_line("a\r\nb\x1b[31mc\x07"), "a  bc");
    }
}
