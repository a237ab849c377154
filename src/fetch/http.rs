//! HTTP(S) fetching with ureq: the agent, conditional requests, and every failure turned into one
//! sentence for a person (the status, the limit hit, the host that could not be resolved).

use std::io;

use ureq::http::{HeaderValue, StatusCode, Uri};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::{os_text, shorten, Bytes, FetchOptions, FetchRequest, Fetched, Page, Seconds};

/// Builds the agent for `options` (timeouts, redirects, user agent, no automatic errors on status
/// codes so the status can be reported).
pub fn agent(options: &FetchOptions) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        // The global timeout covers redirects and the body too, so a server trickling bytes forever
        // still ends at `timeout`.
        .timeout_global(Some(options.timeout))
        .timeout_connect(Some(options.connect_timeout))
        .max_redirects(options.max_redirects)
        // A redirect loop must end as an error, not as the last 3xx response.
        .max_redirects_will_error(true)
        .user_agent(options.user_agent.as_str())
        // Connections are kept alive for the next feed on the same host: as many idle ones per
        // host as the pool may use at once there.
        .max_idle_connections_per_host(options.per_host.max(1))
        .max_idle_connections(options.concurrency.max(options.per_host).max(10))
        // We want the status line ourselves, to report "HTTP 404 Not Found" rather than ureq's text.
        .http_status_as_error(false)
        .build();
    // The default connector and resolver, the resolver wrapped so a failed lookup names its host:
    // after a redirect, that is not the host of the URL asked for. (ureq's `unversioned` API, as
    // `Agent::new_with_config` builds it; Cargo.lock pins it, tests/fetch_answers.rs checks it.)
    ureq::Agent::with_parts(
        config,
        DefaultConnector::default(),
        NamingResolver::default(),
    )
}

/// A host name that did not resolve (or not in time), carried inside the I/O error ureq passes up.
#[derive(Debug)]
struct Unresolved {
    host: String,
    timed_out: bool,
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.timed_out {
            true => write!(f, "timed out resolving host {}", shorten(&self.host)),
            false => write!(f, "cannot resolve host {}", shorten(&self.host)),
        }
    }
}

impl std::error::Error for Unresolved {}

/// ureq's own resolver, whose failures say which host failed.
#[derive(Debug, Default)]
struct NamingResolver(DefaultResolver);

impl Resolver for NamingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let named = |kind, timed_out| {
            let host = uri.host().unwrap_or("(unknown)").to_owned();
            ureq::Error::Io(io::Error::new(kind, Unresolved { host, timed_out }))
        };
        match self.0.resolve(uri, config, timeout) {
            Err(ureq::Error::HostNotFound) => Err(named(io::ErrorKind::NotFound, false)),
            Err(ureq::Error::Timeout(ureq::Timeout::Resolve)) => {
                Err(named(io::ErrorKind::TimedOut, true))
            }
            // std reports a failed getaddrinfo with this text and no ErrorKind of its own.
            Err(ureq::Error::Io(e)) if e.to_string().contains("failed to lookup address") => {
                Err(named(e.kind(), false))
            }
            other => other,
        }
    }
}

/// Fetches an http(s) URL (see [`super::fetch`]).
pub(super) fn fetch_http(
    agent: &ureq::Agent,
    options: &FetchOptions,
    request: &FetchRequest,
) -> Result<Fetched, String> {
    let (call, conditional) = conditional_get(agent, request);
    let mut response = call
        .call()
        .map_err(|e| describe_error(e, &request.url, options))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        // "Not modified" since nothing: the caller would keep what it has, which may be nothing,
        // and say nothing. A broken or hostile server, so an error for that feed.
        return match conditional {
            true => Ok(Fetched::NotModified),
            false => Err(UNASKED_304.to_owned()),
        };
    }
    if !status.is_success() {
        return Err(describe_status(status));
    }
    let header = |name: &str| header_text(&response, name);
    let etag = header("etag");
    let last_modified = header("last-modified");
    let charset = header("content-type").and_then(|t| charset_of(&t));
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
        charset,
    })
}

/// The `charset` parameter of a `Content-Type` (`application/rss+xml; charset="EUC-JP"`).
fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        let value = value.trim().trim_matches(['"', '\'']);
        (name.trim().eq_ignore_ascii_case("charset") && !value.is_empty())
            .then(|| value.to_string())
    })
}

/// Fetches a web page for reader mode (see [`super::fetch_page`]): a plain GET, the same limits.
pub(super) fn fetch_page_http(
    agent: &ureq::Agent,
    options: &FetchOptions,
    url: &str,
) -> Result<Page, String> {
    use ureq::ResponseExt;
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| describe_error(e, url, options))?;
    if !response.status().is_success() {
        return Err(describe_status(response.status()));
    }
    let content_type = header_text(&response, "content-type");
    // Relative links resolve against where the page is, after redirects.
    let final_url = response.get_uri().to_string();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(options.max_bytes)
        .read_to_vec()
        .map_err(|e| describe_error(e, url, options))?;
    Ok(Page {
        url: final_url,
        content_type,
        bytes,
    })
}

/// A response header's value, when it is there, not empty, and visible ASCII (`to_str` takes
/// nothing else, so a validator kept can be sent back verbatim).
pub(crate) fn header_text(
    response: &ureq::http::Response<ureq::Body>,
    name: &str,
) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|v| !v.is_empty())
}

/// What a 304 to a request without validators is.
const UNASKED_304: &str =
    "the server answered 304 Not Modified to a request that was not conditional";

/// The GET for `request`, with `If-None-Match` / `If-Modified-Since` from its validators, and
/// whether it has either.
fn conditional_get(
    agent: &ureq::Agent,
    request: &FetchRequest,
) -> (ureq::RequestBuilder<ureq::typestate::WithoutBody>, bool) {
    let mut call = agent.get(request.url.as_str());
    // A subscription's own User-Agent (a header the agent's default yields to), when it is one.
    if let Some(agent) = request.user_agent.as_deref().filter(|v| is_header_value(v)) {
        call = call.header("User-Agent", agent);
    }
    // A validator that is not a legal header value (it came from somewhere odd) would make the whole
    // request fail; fetching unconditionally is the better fallback.
    let etag = request.etag.as_deref().filter(|v| is_header_value(v));
    let date = request.last_modified.as_deref();
    let date = date.filter(|v| is_header_value(v));
    if let Some(etag) = etag {
        call = call.header("If-None-Match", etag);
    }
    if let Some(date) = date {
        call = call.header("If-Modified-Since", date);
    }
    (call, etag.is_some() || date.is_some())
}

fn is_header_value(value: &str) -> bool {
    !value.is_empty() && HeaderValue::from_str(value).is_ok()
}

/// "HTTP 404 Not Found". The canonical phrase is used, never the server's: it is untrusted and often
/// empty.
pub(crate) fn describe_status(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {}", status.as_u16(), reason),
        None => format!("HTTP {}", status.as_u16()),
    }
}

/// Turns a ureq error into a sentence for a person, naming the limit that was hit where there is one.
pub(crate) fn describe_error(error: ureq::Error, url: &str, options: &FetchOptions) -> String {
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
        ureq::Error::Io(e) => match e.get_ref().and_then(|e| e.downcast_ref::<Unresolved>()) {
            // Our resolver's failure, naming the host that failed (perhaps a redirect's).
            Some(unresolved) => unresolved.to_string(),
            None => describe_network_io(&e, &host, options),
        },
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
