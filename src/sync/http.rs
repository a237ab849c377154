//! The HTTP side every sync client shares: one agent (keep-alive, timeouts, rustls), requests
//! counted, answers read with a size cap, and every failure turned into one [`SyncError`] line
//! naming the server.

use std::time::Duration;

use ureq::http::StatusCode;

use super::{SyncError, SyncResult};
use crate::fetch::http::{describe_error, describe_status, header_text};
use crate::fetch::FetchOptions;

/// The largest answer read (after decompression): a first sync's page of entries with their text
/// is a few MiB; anything far past that is a broken or hostile server.
pub const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// A client for one server: an agent and the count of requests made.
pub struct Client {
    agent: ureq::Agent,
    options: FetchOptions,
    /// The configured URL without any user:password@, to name the server in errors.
    server: String,
    requests: usize,
}

/// A request: the method, the URL, headers, and a body with its content type.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'a str,
    /// The whole URL.
    pub url: &'a str,
    /// Extra headers (`Authorization`, `X-Auth-Token`).
    pub headers: Vec<(&'a str, String)>,
    /// The body and its content type, if any.
    pub body: Option<(&'a str, Vec<u8>)>,
}

impl Client {
    /// A client for the server at `url` (as configured), with the feeds' user agent and a 30 s
    /// timeout a request.
    pub fn new(url: &str, user_agent: &str) -> Client {
        let options = FetchOptions {
            timeout: Duration::from_secs(30),
            max_bytes: MAX_ANSWER_BYTES,
            user_agent: user_agent.to_owned(),
            concurrency: 1,
            per_host: 1,
            ..FetchOptions::default()
        };
        Client {
            agent: crate::fetch::http::agent(&options),
            options,
            server: without_userinfo(url),
            requests: 0,
        }
    }

    /// The server's URL as errors name it.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// How many requests were sent.
    pub fn requests(&self) -> usize {
        self.requests
    }

    /// Sends `request`; a 2xx answer's body as text (invalid UTF-8 replaced), else the error:
    /// 401/403 → [`SyncError::Auth`], 429 (or 503 with Retry-After) → [`SyncError::RateLimited`],
    /// other statuses → [`SyncError::Server`], no answer → [`SyncError::Network`].
    pub fn send(&mut self, request: &Request<'_>) -> SyncResult<String> {
        self.requests += 1;
        let url = request.url;
        let fail = |e| SyncError::Network(self.named(&describe_error(e, url, &self.options)));
        let mut response = match (request.method, &request.body) {
            ("GET" | "DELETE", _) => {
                // Neither takes a body (Miniflux's `DELETE /v1/feeds/{id}` needs none).
                let mut call = match request.method {
                    "DELETE" => self.agent.delete(url),
                    _ => self.agent.get(url),
                };
                for (name, value) in &request.headers {
                    call = call.header(*name, value);
                }
                call.call()
            }
            (method, body) => {
                let mut call = match method {
                    "PUT" => self.agent.put(url),
                    _ => self.agent.post(url),
                };
                for (name, value) in &request.headers {
                    call = call.header(*name, value);
                }
                match body {
                    Some((content_type, bytes)) => {
                        call.header("Content-Type", *content_type).send(&bytes[..])
                    }
                    None => call.send_empty(),
                }
            }
        }
        .map_err(fail)?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = header_text(&response, "retry-after").and_then(|v| v.parse().ok());
            return Err(self.status_error(status, retry_after));
        }
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| SyncError::Network(self.named(&describe_error(e, url, &self.options))))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Sends `request` and reads the answer as JSON.
    pub fn send_json(&mut self, request: &Request<'_>) -> SyncResult<serde_json::Value> {
        let text = self.send(request)?;
        serde_json::from_str(&text).map_err(|e| self.malformed(&format!("not JSON ({e})")))
    }

    /// `text` read as JSON into `T` (a missing field or a wrong type is
    /// [`SyncError::Malformed`], never a panic).
    pub fn parse<T: serde::de::DeserializeOwned>(&self, text: &str) -> SyncResult<T> {
        serde_json::from_str(text)
            .map_err(|e| self.malformed(&format!("not the JSON expected ({e})")))
    }

    /// A [`SyncError::Malformed`] naming the server.
    pub fn malformed(&self, what: &str) -> SyncError {
        SyncError::Malformed(self.named(&format!("unexpected answer: {what}")))
    }

    /// `"<server>: <what>"`, cleaned to one line of printable text (`what` may quote the server).
    pub fn named(&self, what: &str) -> String {
        let line = crate::sanitize::clean_line(&format!("{}: {what}", self.server));
        crate::text::truncate_words(&line, 300)
    }

    fn status_error(&self, status: StatusCode, retry_after: Option<u64>) -> SyncError {
        let what = describe_status(status);
        match status.as_u16() {
            401 | 403 => SyncError::Auth(self.named(&format!(
                "{what}: check [sync] user and the password or token"
            ))),
            429 => SyncError::RateLimited(self.named(&what), retry_after),
            503 if retry_after.is_some() => SyncError::RateLimited(self.named(&what), retry_after),
            _ => SyncError::Server(self.named(&what)),
        }
    }
}

/// `url` without a `user:password@` part (errors must never show a password).
fn without_userinfo(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

/// `application/x-www-form-urlencoded` text of these pairs.
pub fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}
