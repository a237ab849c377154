//! The sync thread: the one place that talks to the feed server. It owns the service's client and
//! a store connection of its own, runs a sync when asked (the start, `r`, the refresh timer) and
//! the subscription changes made in the reader, and after a failure tries again with backoff.
//! Every answer goes back to the loop as an action.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use super::Message;
use crate::action::Action;
use crate::store::{Retention, Store};
use crate::sync::engine::sync_once;
use crate::sync::{RemoteFeed, Service, SyncError};

/// The first wait before a failed sync is tried again; doubled after each failure up to
/// [`MAX_RETRY_WAIT`]. A wrong password is not retried: it waits for the user's `r`.
pub const FIRST_RETRY_WAIT: Duration = Duration::from_secs(30);
/// The longest wait between retries.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(30 * 60);

/// What the reader needs to sync: the client, and where the store is.
pub struct SyncSetup {
    /// The service's client, credentials in it.
    pub service: Box<dyn Service>,
    /// The account (service, URL, user) the store's synced data belongs to.
    pub account: String,
    /// The data directory (the store).
    pub data_dir: PathBuf,
    /// What to keep of each feed.
    pub retention: Retention,
}

/// A request to the sync thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncRequest {
    /// Sync now.
    Sync,
    /// Change a subscription on the server.
    Change(FeedChange),
}

/// A subscription change made in the reader, for the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedChange {
    /// Subscribe to this feed URL (then sync).
    Add(String),
    /// Unsubscribe from the feed with this URL.
    Remove(String),
    /// Rename (`.1`) or retag (`.2`) the feed with this URL.
    Edit(String, Option<String>, Option<Vec<String>>),
}

/// The handle the runtime keeps.
pub struct SyncThread {
    requests: Sender<SyncRequest>,
}

impl SyncThread {
    /// Starts the thread; answers go to `tx`.
    pub fn spawn(setup: SyncSetup, tx: Sender<Message>) -> SyncThread {
        let (requests, rx) = mpsc::channel();
        let _ = thread::Builder::new()
            .name("gazette-sync".into())
            .spawn(move || run(setup, &rx, &tx));
        SyncThread { requests }
    }

    /// Asks for `request`.
    pub fn send(&self, request: SyncRequest) {
        let _ = self.requests.send(request);
    }
}

fn run(mut setup: SyncSetup, rx: &Receiver<SyncRequest>, tx: &Sender<Message>) {
    let send = |action| tx.send(Message::App(action)).is_ok();
    let mut store = match Store::open(&setup.data_dir).and_then(|mut store| {
        store.set_sync_account(&setup.account)?;
        Ok(store)
    }) {
        Ok(store) => store,
        Err(e) => {
            send(Action::SyncFailed(format!("{e:#}")));
            return;
        }
    };
    let mut retry: Option<Duration> = None;
    let mut last_wait = Duration::ZERO;
    loop {
        let request = match retry {
            Some(wait) => match rx.recv_timeout(wait) {
                Ok(request) => request,
                Err(RecvTimeoutError::Timeout) => SyncRequest::Sync,
                Err(RecvTimeoutError::Disconnected) => return,
            },
            None => match rx.recv() {
                Ok(request) => request,
                Err(_) => return,
            },
        };
        // Syncs asked for while one ran are one sync.
        let mut sync = true;
        if let SyncRequest::Change(request) = request {
            let (answer, then_sync) = change(setup.service.as_mut(), &mut store, request);
            if !send(answer) {
                return;
            }
            sync = then_sync;
        }
        while let Ok(SyncRequest::Sync) = rx.try_recv() {
            sync = true;
        }
        if !sync {
            continue;
        }
        let outcome = sync_once(
            setup.service.as_mut(),
            &mut store,
            super::now(),
            setup.retention,
        );
        let answer = match outcome {
            Ok(synced) => {
                (retry, last_wait) = (None, Duration::ZERO);
                Action::Synced(Box::new(synced))
            }
            Err(error) => {
                retry = retry_wait(&error, last_wait);
                last_wait = retry.unwrap_or(last_wait);
                Action::SyncFailed(error.message().to_string())
            }
        };
        if !send(answer) {
            return;
        }
    }
}

/// How long to wait before trying again after `error` (None: not until asked).
pub fn retry_wait(error: &SyncError, last: Duration) -> Option<Duration> {
    let next = match last.is_zero() {
        true => FIRST_RETRY_WAIT,
        false => (last * 2).min(MAX_RETRY_WAIT),
    };
    match error {
        SyncError::Auth(_) | SyncError::Unsupported(_) => None,
        SyncError::RateLimited(_, Some(seconds)) => {
            Some(next.max(Duration::from_secs(*seconds)).min(MAX_RETRY_WAIT))
        }
        _ => Some(next),
    }
}

/// Makes a subscription change on the server; returns the answer for the reader and whether a
/// sync should follow (a new feed's stories).
fn change(service: &mut dyn Service, store: &mut Store, request: FeedChange) -> (Action, bool) {
    let feeds = store.sync_feeds().unwrap_or_default();
    let find = |url: &str| -> Result<RemoteFeed, String> {
        feeds
            .iter()
            .find(|f| f.url == url)
            .cloned()
            .ok_or_else(|| format!("{url} is not on the server (sync first)"))
    };
    let message = |e: SyncError| e.message().to_string();
    match request {
        FeedChange::Add(url) => {
            let added = service.subscribe(&url, None).map_err(message);
            let ok = added.is_ok();
            (
                Action::FeedAdded(added.map(|f| Box::new(f.subscription()))),
                ok,
            )
        }
        FeedChange::Remove(url) => {
            let removed = find(&url).and_then(|feed| service.unsubscribe(&feed).map_err(message));
            (Action::FeedRemoved(removed.map(|()| url)), true)
        }
        FeedChange::Edit(url, name, tags) => {
            let edited = find(&url).and_then(|mut feed| {
                if let Some(name) = &name {
                    service.rename(&feed, name).map_err(message)?;
                    feed.title = name.clone();
                }
                if let Some(tags) = &tags {
                    service.retag(&feed, tags).map_err(message)?;
                    feed.tags = tags.clone();
                }
                Ok(Box::new(feed.subscription()))
            });
            (Action::FeedEdited(edited), true)
        }
    }
}
