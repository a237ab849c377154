//! The fetch pool: worker threads sharing one agent, each handing its results to the caller's
//! callback on its own thread.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use super::{agent, fetch, FetchOptions, FetchRequest, FetchResult};

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
