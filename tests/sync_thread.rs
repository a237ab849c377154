//! The sync thread: a sync asked for comes back as `Synced`, a failure as `SyncFailed`, a
//! subscription change as the same answer feeds.toml's changes give; and the backoff between
//! retries.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gazette::action::Action;
use gazette::runtime::sync::{
    retry_wait, FeedChange, SyncRequest, SyncSetup, SyncThread, FIRST_RETRY_WAIT, MAX_RETRY_WAIT,
};
use gazette::runtime::Message;
use gazette::store::{Retention, Store};
use gazette::sync::{Changes, Mark, RemoteFeed, Service, SyncError, SyncResult};

#[path = "support/memory_server.rs"]
mod memory_server;
use memory_server::Memory;

/// The memory server, shared so the test can look at it while the thread owns the client.
struct Shared(Arc<Mutex<Memory>>);

impl Service for Shared {
    fn login(&mut self) -> SyncResult<()> {
        self.0.lock().unwrap().login()
    }
    fn feeds(&mut self) -> SyncResult<Vec<RemoteFeed>> {
        self.0.lock().unwrap().feeds()
    }
    fn changes(&mut self, cursor: Option<&str>, first_limit: usize) -> SyncResult<Changes> {
        self.0.lock().unwrap().changes(cursor, first_limit)
    }
    fn mark(&mut self, ids: &[String], mark: Mark) -> SyncResult<()> {
        self.0.lock().unwrap().mark(ids, mark)
    }
    fn subscribe(&mut self, url: &str, tag: Option<&str>) -> SyncResult<RemoteFeed> {
        self.0.lock().unwrap().subscribe(url, tag)
    }
    fn unsubscribe(&mut self, feed: &RemoteFeed) -> SyncResult<()> {
        self.0.lock().unwrap().unsubscribe(feed)
    }
    fn rename(&mut self, feed: &RemoteFeed, title: &str) -> SyncResult<()> {
        self.0.lock().unwrap().rename(feed, title)
    }
    fn retag(&mut self, feed: &RemoteFeed, tags: &[String]) -> SyncResult<()> {
        self.0.lock().unwrap().retag(feed, tags)
    }
    fn requests(&self) -> usize {
        self.0.lock().unwrap().requests
    }
}

/// The sync thread on `server`, its store in `data`, and where its answers come.
fn spawn(
    server: &Arc<Mutex<Memory>>,
    data: &std::path::Path,
) -> (SyncThread, mpsc::Receiver<Message>) {
    let (tx, rx) = mpsc::channel();
    let setup = SyncSetup {
        service: Box::new(Shared(server.clone())),
        account: "Memory memory: me".into(),
        data_dir: data.to_path_buf(),
        retention: Retention::default(),
    };
    (SyncThread::spawn(setup, tx), rx)
}

fn answer(rx: &mpsc::Receiver<Message>) -> Action {
    match rx.recv_timeout(Duration::from_secs(20)).expect("an answer") {
        Message::App(action) => action,
        other => panic!("not an action: {other:?}"),
    }
}

#[test]
fn syncs_changes_and_failures_come_back_as_actions() {
    let dir = tempfile::tempdir().unwrap();
    let server = Arc::new(Mutex::new(Memory::with_feed(3)));
    let (thread, rx) = spawn(&server, dir.path());
    thread.send(SyncRequest::Sync);
    match answer(&rx) {
        Action::Synced(synced) => {
            assert_eq!(synced.new_stories(), 3);
            assert_eq!(synced.feeds.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.sync_account().unwrap().as_deref(),
        Some("Memory memory: me")
    );
    assert_eq!(
        store
            .load_source("https://news.example/feed")
            .unwrap()
            .len(),
        3
    );

    // A change the server refuses is said, and the feed stays.
    thread.send(SyncRequest::Change(FeedChange::Remove(
        "https://news.example/feed".into(),
    )));
    match answer(&rx) {
        Action::FeedRemoved(Err(reason)) => assert!(reason.contains("not here"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // (The sync that follows a change.)
    assert!(matches!(answer(&rx), Action::Synced(_)));
    thread.send(SyncRequest::Change(FeedChange::Remove(
        "https://unknown.example/".into(),
    )));
    match answer(&rx) {
        Action::FeedRemoved(Err(reason)) => {
            assert!(reason.contains("not on the server"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(answer(&rx), Action::Synced(_)));

    server.lock().unwrap().fail_changes = true;
    thread.send(SyncRequest::Sync);
    match answer(&rx) {
        Action::SyncFailed(reason) => assert!(reason.contains("connection reset"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn retries_back_off_and_a_wrong_password_waits_for_the_user() {
    let network = SyncError::Network("x: connection refused".into());
    let first = retry_wait(&network, Duration::ZERO).unwrap();
    assert_eq!(first, FIRST_RETRY_WAIT);
    let second = retry_wait(&network, first).unwrap();
    assert_eq!(second, FIRST_RETRY_WAIT * 2);
    assert_eq!(
        retry_wait(&network, MAX_RETRY_WAIT).unwrap(),
        MAX_RETRY_WAIT
    );
    assert_eq!(
        retry_wait(&SyncError::Auth("x: HTTP 401".into()), first),
        None
    );
    let limited = SyncError::RateLimited("x: HTTP 429".into(), Some(600));
    assert_eq!(
        retry_wait(&limited, Duration::ZERO),
        Some(Duration::from_secs(600))
    );
    let server = SyncError::Server("x: HTTP 500".into());
    assert_eq!(retry_wait(&server, Duration::ZERO), Some(FIRST_RETRY_WAIT));
}

#[test]
fn subscription_changes_reach_the_server_and_answer_as_feeds_toml_does() {
    let dir = tempfile::tempdir().unwrap();
    let server = Arc::new(Mutex::new(Memory {
        editable: true,
        ..Memory::with_feed(1)
    }));
    let (thread, rx) = spawn(&server, dir.path());
    thread.send(SyncRequest::Sync);
    assert!(matches!(answer(&rx), Action::Synced(_)));
    let new = "https://new.example/feed";
    thread.send(SyncRequest::Change(FeedChange::Add(new.into())));
    match answer(&rx) {
        Action::FeedAdded(Ok(feed)) => assert_eq!(feed.url, new),
        other => panic!("{other:?}"),
    }
    // A new feed is synced at once: the reader hears of it with the feeds.
    match answer(&rx) {
        Action::Synced(synced) => assert!(synced.feeds.iter().any(|f| f.url == new)),
        other => panic!("{other:?}"),
    }
    let edit = FeedChange::Edit(new.into(), Some("New".into()), Some(vec!["tech".into()]));
    thread.send(SyncRequest::Change(edit));
    match answer(&rx) {
        Action::FeedEdited(Ok(feed)) => {
            assert_eq!(
                (feed.name.as_deref(), feed.tags.clone()),
                (Some("New"), vec!["tech".to_string()])
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(answer(&rx), Action::Synced(_)));
    let on_server = server.lock().unwrap().feeds.clone();
    let feed = on_server.iter().find(|f| f.url == new).unwrap();
    assert_eq!(
        (feed.title.as_str(), feed.tags.clone()),
        ("New", vec!["tech".to_string()])
    );
    thread.send(SyncRequest::Change(FeedChange::Remove(new.into())));
    assert_eq!(
        match answer(&rx) {
            Action::FeedRemoved(result) => result,
            other => panic!("{other:?}"),
        },
        Ok(new.to_string())
    );
    assert!(matches!(answer(&rx), Action::Synced(_)));
    assert!(!server.lock().unwrap().feeds.iter().any(|f| f.url == new));
}
