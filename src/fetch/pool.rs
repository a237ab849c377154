//! The fetch pool: worker threads sharing one agent, each handing its results to the caller's
//! callback on its own thread.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

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
    /// When each fetch under way started, by a number of its own.
    started: HashMap<u64, Instant>,
    next_fetch: u64,
    /// Worker threads alive.
    workers: usize,
    /// Set when the Fetcher is dropped: workers skip what is still queued and exit.
    closed: bool,
}

/// A fetch under way this long no longer counts as a worker's: a server that accepts and never
/// answers holds its worker until the timeout (30 s), and ten such feeds held every worker while
/// 900 good ones waited. The pool starts another worker for each, up to [`MAX_WORKERS_FACTOR`]
/// times its size. At 3 s the 900 good feeds of 1,000 were all stored after 6.9-7.3 s beside 100
/// faulty ones, against 4.4 s without them; at 1 s, after 4.7-4.8 s (`bench/refresh_keys.py`).
/// A slow server that does answer costs a thread for a while, never a second request.
const STALLED: Duration = Duration::from_secs(1);
/// The pool grows to at most this many times `concurrency` workers while fetches stall.
const MAX_WORKERS_FACTOR: usize = 4;

impl Queue {
    /// Fetches under way for longer than [`STALLED`].
    fn stalled(&self, now: Instant) -> usize {
        (self.started.values())
            .filter(|&&t| now.duration_since(t) >= STALLED)
            .count()
    }
}

/// The queue and the bell rung when it changes.
#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

/// A pool of `options.concurrency` worker threads, at most `options.per_host` of them on one host
/// at a time; while fetches stall (a server that never answers), one more worker for each, so
/// the other feeds go on (up to four times the pool's size). [`fetch_all`](Fetcher::fetch_all) queues requests; each worker calls
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
        let concurrency = options.concurrency.max(1);
        let spawn = {
            let (shared, on_result) = (Arc::clone(&shared), Arc::clone(&on_result));
            let started = std::sync::atomic::AtomicUsize::new(0);
            move || {
                let n = started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let worker = Worker {
                    shared: Arc::clone(&shared),
                    on_result: Arc::clone(&on_result),
                    agent: agent.clone(),
                    options: Arc::clone(&options),
                };
                let spawned = thread::Builder::new()
                    .name(format!("gazette-fetch-{n}"))
                    .spawn(move || {
                        crate::process::run_in_background();
                        worker.run()
                    });
                spawned.is_ok()
            }
        };
        let mut workers = 0;
        for _ in 0..concurrency {
            // Fewer workers than asked is still a working pool; none is handled in `fetch_all`.
            if spawn() {
                workers += 1;
            }
        }
        shared.lock().workers = workers;
        let watched = Arc::clone(&shared);
        let _ = thread::Builder::new()
            .name("gazette-fetch-watch".into())
            .spawn(move || watch_stalls(watched, spawn, concurrency));
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

    /// Waits for a request whose host has room, and counts it in flight (with the number of its
    /// start); None once closed.
    fn take(&self, per_host: usize) -> Option<(FetchRequest, String, u64)> {
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
                let fetch = queue.next_fetch;
                queue.next_fetch += 1;
                queue.started.insert(fetch, Instant::now());
                return Some((request, host, fetch));
            }
            queue = self
                .changed
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// A request to `host` is done: its room goes to whoever waits for it.
    fn done(&self, host: &str, fetch: u64) {
        let mut queue = self.lock();
        queue.started.remove(&fetch);
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
        while let Some((request, host, fetch_number)) = self.shared.take(per_host) {
            let attempt = request.clone();
            let result = panic::catch_unwind(AssertUnwindSafe(|| {
                fetch(&self.agent, &self.options, attempt)
            }))
            .unwrap_or_else(|_| FetchResult {
                request,
                outcome: Err("internal error while fetching".to_owned()),
            });
            // The host's room is given back before the result is parsed: parsing is not fetching.
            self.shared.done(&host, fetch_number);
            // A panicking callback must not shrink the pool.
            let _ = panic::catch_unwind(AssertUnwindSafe(|| (self.on_result)(result)));
            if self.shared.surplus(self.options.concurrency.max(1)) {
                return;
            }
        }
        let mut queue = self.shared.lock();
        queue.workers = queue.workers.saturating_sub(1);
    }
}

impl Shared {
    /// True (and counted out) when this worker was started for a stalled fetch that has ended:
    /// the pool goes back to its size.
    fn surplus(&self, concurrency: usize) -> bool {
        let mut queue = self.lock();
        let wanted = concurrency + queue.stalled(Instant::now());
        if queue.workers > wanted {
            queue.workers -= 1;
            return true;
        }
        false
    }
}

/// Watches the fetches under way: for each that stalls, one more worker (up to
/// [`MAX_WORKERS_FACTOR`] times the pool's size), so stalled servers never hold the others'
/// feeds. Ends when the pool is dropped.
fn watch_stalls(shared: Arc<Shared>, spawn: impl Fn() -> bool, concurrency: usize) {
    let most = concurrency * MAX_WORKERS_FACTOR;
    let mut queue = shared.lock();
    while !queue.closed {
        let wanted = (concurrency + queue.stalled(Instant::now())).min(most);
        if queue.workers < wanted && !queue.waiting.is_empty() {
            queue.workers += 1;
            drop(queue);
            if !spawn() {
                let mut queue = shared.lock();
                queue.workers = queue.workers.saturating_sub(1);
            }
            queue = shared.lock();
            continue;
        }
        queue = (shared.changed)
            .wait_timeout(queue, STALLED / 3)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
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
