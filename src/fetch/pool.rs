//! The fetch pool: worker threads sharing one agent, each handing its results to the caller's
//! callback on its own thread.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;

use super::{agent, fetch, FetchOptions, FetchRequest, FetchResult};

/// The callback a [`Fetcher`] hands each result to.
type OnResult = Arc<dyn Fn(FetchResult) + Send + Sync>;

/// The requests waiting, and how many are in flight per host: a worker takes the first waiting
/// request whose host has fewer than `per_host` in flight, so one slow or large host never holds
/// every worker while the others' feeds wait.
#[derive(Default)]
struct Queue {
    waiting: VecDeque<FetchRequest>,
    in_flight: HashMap<String, usize>,
    /// Set when the Fetcher is dropped: workers skip what is still queued and exit.
    closed: bool,
}

/// The queue and the bell rung when it changes.
#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

/// A pool of `options.concurrency` worker threads, at most `options.per_host` of them on one host
/// at a time. [`fetch_all`](Fetcher::fetch_all) queues requests; each worker calls
/// `on_result(result)` on ITS OWN thread (the caller parses the body there, off the UI thread,
/// then sends a message to the UI). Dropping the pool lets the workers finish the fetches in
/// flight and exit; requests still queued are dropped unreported. Dropping never blocks the
/// caller.
pub struct Fetcher {
    shared: Arc<Shared>,
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
    /// pool (connections are kept alive and reused).
    ///
    /// `on_result` should not panic; if it does, the panic is caught so the worker keeps serving
    /// the queue (the process's panic hook still runs).
    pub fn new(
        options: FetchOptions,
        on_result: impl Fn(FetchResult) + Send + Sync + 'static,
    ) -> Fetcher {
        let on_result: OnResult = Arc::new(on_result);
        let shared = Arc::new(Shared::default());
        let agent = agent(&options);
        let options = Arc::new(options);
        let mut workers = 0;
        for n in 0..options.concurrency.max(1) {
            let worker = Worker {
                shared: Arc::clone(&shared),
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
            shared,
            on_result,
            workers,
        }
    }

    /// Queues `requests`; returns at once. Each result arrives through `on_result` on a worker
    /// thread, in completion order, not request order.
    pub fn fetch_all(&self, requests: impl IntoIterator<Item = FetchRequest>) {
        if self.workers == 0 {
            // The OS refused every thread: say so per request rather than losing them silently.
            for request in requests {
                (self.on_result)(FetchResult {
                    request,
                    outcome: Err("cannot start a fetch thread".to_owned()),
                });
            }
            return;
        }
        self.shared.lock().waiting.extend(requests);
        self.shared.changed.notify_all();
    }
}

impl Drop for Fetcher {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.changed.notify_all();
    }
}

impl Shared {
    /// The queue; a poisoned lock only means a worker panicked holding it, and the queue is whole.
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a request whose host has room, and counts it in flight; None once closed.
    fn take(&self, per_host: usize) -> Option<(FetchRequest, String)> {
        let mut queue = self.lock();
        loop {
            if queue.closed {
                return None;
            }
            let room =
                |q: &Queue, host: &str| q.in_flight.get(host).copied().unwrap_or(0) < per_host;
            let next = queue
                .waiting
                .iter()
                .position(|r| room(&queue, &host_of(&r.url)));
            if let Some(at) = next {
                let request = queue.waiting.remove(at)?;
                let host = host_of(&request.url);
                *queue.in_flight.entry(host.clone()).or_default() += 1;
                return Some((request, host));
            }
            queue = self
                .changed
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// A request to `host` is done: its room goes to whoever waits for it.
    fn done(&self, host: &str) {
        let mut queue = self.lock();
        if let Some(n) = queue.in_flight.get_mut(host) {
            *n -= 1;
            if *n == 0 {
                queue.in_flight.remove(host);
            }
        }
        drop(queue);
        self.changed.notify_all();
    }
}

/// The host a URL names, lower-cased; empty for none (`file:` URLs, which so share one host's
/// room).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.split(':').next().unwrap_or(host),
    };
    host.to_ascii_lowercase()
}

/// One worker thread's share of the pool.
struct Worker {
    shared: Arc<Shared>,
    on_result: OnResult,
    agent: ureq::Agent,
    options: Arc<FetchOptions>,
}

impl Worker {
    fn run(self) {
        let per_host = self.options.per_host.max(1);
        while let Some((request, host)) = self.shared.take(per_host) {
            let attempt = request.clone();
            let result = panic::catch_unwind(AssertUnwindSafe(|| {
                fetch(&self.agent, &self.options, attempt)
            }))
            .unwrap_or_else(|_| FetchResult {
                request,
                outcome: Err("internal error while fetching".to_owned()),
            });
            // The host's room is given back before the result is parsed: parsing is not fetching.
            self.shared.done(&host);
            // A panicking callback must not shrink the pool.
            let _ = panic::catch_unwind(AssertUnwindSafe(|| (self.on_result)(result)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts_are_read_from_urls() {
        assert_eq!(host_of("https://Example.COM:8443/feed?x"), "example.com");
        assert_eq!(host_of("http://user:pw@host/a"), "host");
        assert_eq!(host_of("http://[::1]:80/"), "::1");
        assert_eq!(host_of("file:///tmp/a.xml"), "");
    }
}
