//! The sync engine against a service held in memory: what the store keeps of a sync, the queue
//! of marks made in gazette, conflicts, failures and a sync cut short.

use std::collections::HashSet;

use gazette::store::{entry_of_key, Retention, Store};
use gazette::sync::engine::{entry_story, sync_once};
use gazette::sync::{Mark, States, SyncError};

#[path = "support/memory_server.rs"]
mod memory_server;
use memory_server::{Memory, NOW};

fn stored(store: &Store) -> Vec<gazette::store::StoredStory> {
    store.load_source("https://news.example/feed").unwrap()
}

fn key_of(store: &Store, entry: &str) -> String {
    let all = stored(store);
    all.iter()
        .find(|s| entry_of_key(&s.key) == Some(entry))
        .unwrap_or_else(|| panic!("entry {entry} not stored"))
        .key
        .clone()
}

fn marks_of(store: &Store, entry: &str) -> (bool, bool) {
    let all = stored(store);
    let s = all
        .iter()
        .find(|s| entry_of_key(&s.key) == Some(entry))
        .unwrap();
    (s.read, s.starred)
}

#[test]
fn a_first_sync_stores_the_feeds_and_clean_stories_with_the_servers_marks() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut server = Memory::with_feed(3);
    server.entry("2").read = true;
    server.entry("3").starred = true;
    let synced = sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    assert_eq!(synced.new_stories(), 3);
    assert_eq!(synced.feeds, server.feeds);
    assert_eq!(store.sync_feeds().unwrap(), server.feeds);
    assert_eq!(store.sync_cursor().unwrap().as_deref(), Some("3"));
    let all = stored(&store);
    assert_eq!(all.len(), 3);
    assert!(
        all.iter().all(|s| !s.story.title.contains('\u{1b}')),
        "escape kept"
    );
    assert_eq!(marks_of(&store, "1"), (false, false));
    assert_eq!(marks_of(&store, "2"), (true, false));
    assert_eq!(marks_of(&store, "3"), (false, true));
    // The reader is told which stored stories the server marked.
    let told: HashSet<&str> = synced
        .marks
        .iter()
        .map(|m| entry_of_key(&m.0).unwrap())
        .collect();
    assert_eq!(told, HashSet::from(["2", "3"]));
    let body = store.load_body(&key_of(&store, "1")).unwrap().unwrap();
    assert_eq!(body.0[0].text, "Body of story 1");
}

#[test]
fn marks_made_in_gazette_are_queued_with_the_mark_and_sent_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut server = Memory::with_feed(3);
    sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    let (one, two) = (key_of(&store, "1"), key_of(&store, "2"));
    store
        .set_marks(&[(one.clone(), true, false), (two.clone(), true, true)])
        .unwrap();
    // Read, then unread, then read again: only the last value counts.
    store.set_marks(&[(one.clone(), false, false)]).unwrap();
    store.set_marks(&[(one.clone(), true, false)]).unwrap();
    assert_eq!(store.sync_queue().unwrap().len(), 5);
    // A story of another source (an edition) is never queued.
    store
        .set_marks(&[("edition:x\u{1f}y".into(), true, false)])
        .unwrap();
    assert_eq!(store.sync_queue().unwrap().len(), 5);

    let synced = sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    assert_eq!(synced.sent, 3);
    assert_eq!(
        server.sent,
        vec![
            (vec!["1".to_string(), "2".to_string()], Mark::Read(true)),
            (vec!["2".to_string()], Mark::Starred(true)),
        ]
    );
    assert!(store.sync_queue().unwrap().is_empty());
    assert!(server.entry("1").read && server.entry("2").starred);
    // Nothing queued: the next sync sends nothing, and the server's answer changes nothing.
    let again = sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    assert_eq!(
        (again.sent, again.marks.len(), again.new_stories()),
        (0, 0, 0)
    );
    assert_eq!(server.sent.len(), 2);
}

#[test]
fn the_servers_changes_come_back_and_a_queued_mark_wins_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut server = Memory::with_feed(3);
    sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    // Read on the phone: 1 and 2. Starred in gazette, offline: 2; read in gazette: 3.
    server.entry("1").read = true;
    server.entry("2").read = true;
    let (two, three) = (key_of(&store, "2"), key_of(&store, "3"));
    store
        .set_marks(&[(two, false, true), (three, true, false)])
        .unwrap();
    // And the server unread 3 again at the same time: gazette's queued mark wins.
    server.add_entry(4);
    let synced = sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    assert_eq!(synced.new_stories(), 1);
    assert_eq!(marks_of(&store, "1"), (true, false));
    assert_eq!(marks_of(&store, "2"), (true, true));
    assert_eq!(marks_of(&store, "3"), (true, false));
    assert_eq!(marks_of(&store, "4"), (false, false));
    assert!(server.entry("3").read && server.entry("2").starred);
    let told: HashSet<&str> = synced
        .marks
        .iter()
        .map(|m| entry_of_key(&m.0).unwrap())
        .collect();
    assert_eq!(told, HashSet::from(["1", "2"]));
}

#[test]
fn a_failed_sync_loses_no_mark_and_a_repeated_one_doubles_no_story() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut server = Memory::with_feed(2);
    sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    let one = key_of(&store, "1");
    store.set_marks(&[(one, true, false)]).unwrap();
    server.fail_marks = true;
    let error = sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap_err();
    assert!(matches!(error, SyncError::Server(_)), "{error:?}");
    assert_eq!(
        store.sync_queue().unwrap().len(),
        1,
        "the mark stays queued"
    );
    server.fail_marks = false;
    // New entries, then the server fails before the answer is kept: the cursor stays.
    server.add_entry(3);
    server.fail_changes = true;
    assert!(sync_once(&mut server, &mut store, NOW, Retention::default()).is_err());
    assert!(server.entry("1").read, "the marks went before the failure");
    assert!(store.sync_queue().unwrap().is_empty());
    assert_eq!(store.sync_cursor().unwrap().as_deref(), Some("2"));
    server.fail_changes = false;
    // Asked again from the old cursor twice over (a cut-short sync repeated): no story twice.
    sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    store
        .apply_sync(&gazette::store::SyncAnswer {
            feeds: &server.feeds.clone(),
            stories: &[(
                "https://news.example/feed".into(),
                vec![(
                    entry_story(&server.entries[2], "https://news.example/feed"),
                    "3".into(),
                    false,
                    false,
                )],
            )],
            states: &States::Changed(Vec::new()),
            cursor: "3",
            now: NOW,
            retention: Retention::default(),
        })
        .unwrap();
    assert_eq!(stored(&store).len(), 3);
    assert_eq!(marks_of(&store, "1"), (true, false));
}

#[test]
fn another_account_starts_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    assert!(store
        .set_sync_account("TtRss https://a.example/ me")
        .unwrap());
    assert!(!store
        .set_sync_account("TtRss https://a.example/ me")
        .unwrap());
    let mut server = Memory::with_feed(2);
    sync_once(&mut server, &mut store, NOW, Retention::default()).unwrap();
    store
        .set_marks(&[(key_of(&store, "1"), true, false)])
        .unwrap();
    assert!(store
        .set_sync_account("Miniflux https://b.example/ me")
        .unwrap());
    assert_eq!(store.sync_cursor().unwrap(), None);
    assert!(
        store.sync_queue().unwrap().is_empty(),
        "marks for another server dropped"
    );
    assert!(store.sync_feeds().unwrap().is_empty());
}
