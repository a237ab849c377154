//! The article service (reader mode): a few worker threads fetch story pages with the feeds'
//! agent and limits (User-Agent, timeouts, size cap, redirects; http and https only), extract the
//! article, and send it back as [`Action::ArticleLoaded`]. At most [`WORKERS`] pages are fetched
//! at once, so no host gets more than that from gazette.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use super::Message;
use crate::action::Action;
use crate::fetch::FetchOptions;

/// Pages fetched at once.
pub const WORKERS: usize = 3;

/// The queue of pages to fetch.
pub struct Articles {
    queue: Sender<(usize, String)>,
}

impl Articles {
    /// Starts the workers; their answers go to `tx`.
    pub fn spawn(options: FetchOptions, tx: Sender<Message>) -> Articles {
        let (queue, jobs) = mpsc::channel::<(usize, String)>();
        // The workers take turns at one queue (the lock is held only to take a job).
        let jobs = Arc::new(Mutex::new(jobs));
        let agent = crate::fetch::agent(&options);
        for _ in 0..WORKERS {
            let (jobs, tx, agent, options) =
                (jobs.clone(), tx.clone(), agent.clone(), options.clone());
            let _ = thread::Builder::new()
                .name("gazette-article".into())
                .spawn(move || work(&jobs, &tx, &agent, &options));
        }
        Articles { queue }
    }

    /// Queues story `story`'s page at `url`.
    pub fn fetch(&self, story: usize, url: String) {
        let _ = self.queue.send((story, url));
    }
}

fn work(
    jobs: &Mutex<Receiver<(usize, String)>>,
    tx: &Sender<Message>,
    agent: &ureq::Agent,
    options: &FetchOptions,
) {
    loop {
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((story, url)) = job else {
            return;
        };
        let result = crate::fetch::fetch_page(agent, options, &url).and_then(|page| {
            // Extraction parses hostile HTML: a panic in it is this article's failure only.
            std::panic::catch_unwind(|| crate::article::extract_page(&page).map(Box::new))
                .unwrap_or_else(|_| Err("the page could not be read".to_string()))
        });
        if tx
            .send(Message::App(Action::ArticleLoaded(story, result)))
            .is_err()
        {
            return;
        }
    }
}
