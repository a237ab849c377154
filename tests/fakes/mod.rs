//! Loopback fakes of the feed servers gazette syncs with: one HTTP loop on 127.0.0.1:0 (requests
//! counted, faults injected on demand) and each service's state and routes beside it.

// Each test crate uses its own part of this.
#![allow(dead_code)]

pub mod greader;
pub mod miniflux;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// A request as a route sees it.
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Req {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }

    /// Every value of query parameter `name`.
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        values(&self.query, name)
    }

    /// The first value of query parameter `name`.
    pub fn query_one(&self, name: &str) -> Option<&str> {
        self.query_all(name).into_iter().next()
    }

    /// The body read as a form.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .into_owned()
            .collect()
    }

    /// The body as JSON (Null when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Every value of `name` among `pairs`.
pub fn values<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// An answer.
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Resp {
    /// A JSON answer.
    pub fn json(status: u16, value: serde_json::Value) -> Resp {
        let headers = vec![("Content-Type", "application/json".to_owned())];
        Resp {
            status,
            body: value.to_string(),
            headers,
        }
    }

    /// A plain-text answer.
    pub fn text(status: u16, body: &str) -> Resp {
        let headers = vec![("Content-Type", "text/plain; charset=utf-8".to_owned())];
        Resp {
            status,
            body: body.to_owned(),
            headers,
        }
    }

    /// This answer with one more header.
    pub fn with_header(mut self, name: &'static str, value: &str) -> Resp {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// A failure the fake gives instead of its answer.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// This HTTP status, with a short body.
    Status(u16),
    /// 429 with `Retry-After: <seconds>`.
    RateLimited(u64),
    /// 200 with a body that is not JSON.
    Malformed,
    /// The real answer, after this long.
    Slow(Duration),
}

/// What the loop and the tests share.
pub struct Shared<S> {
    pub state: S,
    pub requests: usize,
    /// `METHOD path` of every request, in order.
    pub log: Vec<String>,
    faults: VecDeque<Fault>,
}

/// A fake server: its URL, its state, and the loop answering on a thread.
pub struct FakeServer<S: Send + 'static> {
    pub url: String,
    shared: Arc<Mutex<Shared<S>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl<S: Send + 'static> FakeServer<S> {
    /// Serves `state` with `route` on a port of its own.
    pub fn start(state: S, route: fn(&mut S, &Req) -> Resp) -> FakeServer<S> {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let shared = Arc::new(Mutex::new(Shared {
            state,
            requests: 0,
            log: Vec::new(),
            faults: VecDeque::new(),
        }));
        let (loop_server, loop_shared) = (Arc::clone(&server), Arc::clone(&shared));
        let thread = std::thread::spawn(move || {
            for request in loop_server.incoming_requests() {
                answer(request, &loop_shared, route);
            }
        });
        FakeServer {
            url: format!("http://127.0.0.1:{port}"),
            shared,
            server,
            thread: Some(thread),
        }
    }

    /// The shared state, locked.
    pub fn lock(&self) -> MutexGuard<'_, Shared<S>> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the service's state.
    pub fn with<R>(&self, f: impl FnOnce(&mut S) -> R) -> R {
        f(&mut self.lock().state)
    }

    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.lock().requests
    }

    /// The next request gets `fault` instead of its answer (faults queue up).
    pub fn fail_next(&self, fault: Fault) {
        self.lock().faults.push_back(fault);
    }
}

impl<S: Send + 'static> Drop for FakeServer<S> {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request, routes it (or applies the next fault), and answers.
fn answer<S>(
    mut request: tiny_http::Request,
    shared: &Mutex<Shared<S>>,
    route: fn(&mut S, &Req) -> Resp,
) {
    let req = read(&mut request);
    let fault = {
        let mut shared = shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.requests += 1;
        let line = format!("{} {}", req.method, req.path);
        shared.log.push(line);
        shared.faults.pop_front()
    };
    let resp = match fault {
        Some(Fault::Status(status)) => Resp::text(status, "broken"),
        Some(Fault::RateLimited(secs)) => {
            Resp::text(429, "slow down").with_header("Retry-After", &secs.to_string())
        }
        Some(Fault::Malformed) => Resp::text(200, "{\"itemRefs\": [{\"id\": \"1\"},"),
        Some(Fault::Slow(wait)) => {
            std::thread::sleep(wait);
            route(
                &mut shared.lock().unwrap_or_else(|e| e.into_inner()).state,
                &req,
            )
        }
        None => route(
            &mut shared.lock().unwrap_or_else(|e| e.into_inner()).state,
            &req,
        ),
    };
    let mut response = tiny_http::Response::from_string(resp.body).with_status_code(resp.status);
    for (name, value) in resp.headers {
        let header = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes());
        response = response.with_header(header.expect("a valid header"));
    }
    let _ = request.respond(response);
}

/// The request's method, path, query, headers and body.
fn read(request: &mut tiny_http::Request) -> Req {
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let (path, query) = match request.url().split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (request.url().to_owned(), String::new()),
    };
    Req {
        method: request.method().as_str().to_owned(),
        path,
        query: url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        headers: request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_owned(),
                    h.value.as_str().to_owned(),
                )
            })
            .collect(),
        body,
    }
}

/// Standard base64 with padding, to check HTTP Basic.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            let c = ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char;
            out.push(if i <= chunk.len() { c } else { '=' });
        }
    }
    out
}
