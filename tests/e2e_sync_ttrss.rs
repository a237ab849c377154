//! Sync end to end against a real Tiny Tiny RSS (tests/servers/ttrss-up.sh; `GAZETTE_TTRSS_ENV`
//! names its env file, and without it these tests say SKIPPED, or fail under
//! `GAZETTE_REQUIRE_SERVERS=1`): the real binary in a pseudo-terminal subscribes nothing itself,
//! syncs, marks read and starred; the server's state is checked through its own API; a change made
//! on the server comes back; `kill -9` mid-sync loses and doubles nothing.
//!
//! Other tests use the same account at the same time: each works on feeds and titles of its own,
//! and narrows the reader's list to them before marking anything.

mod common;

use std::path::Path;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{Gazette, ENTER};
use gazette::store::Store;
use serde_json::json;

#[path = "support/ttrss_kit.rs"]
mod ttrss_kit;
use ttrss_kit::{kit, unique, Kit};

/// A word no other test or run has: titles are found by it.
fn word(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{name}{}x{}", std::process::id() % 1000, nanos % 1_000_000)
}

fn start(kit: &Kit, data: &Path) -> Gazette {
    let config = format!(
        "[sync]\nservice = \"ttrss\"\nurl = \"{}\"\nuser = \"{}\"\npassword_env = \"TTRSS_PASSWORD\"\n",
        kit.var("BASE_URL"),
        kit.var("USER")
    );
    let password = kit.var("PASSWORD").to_string();
    let data = data.to_str().unwrap().to_string();
    Gazette::start_with_env(160, 40, &["--data-dir", &data], move |home| {
        std::fs::create_dir_all(home.join("gazette")).unwrap();
        std::fs::write(home.join("gazette/config.toml"), config).unwrap();
        vec![("TTRSS_PASSWORD".into(), password.into())]
    })
}

/// The status bar's line says `what` (a sync's answer is said there).
fn status_says(g: &Gazette, what: &str, not: &str) {
    g.wait_longer(what, Duration::from_secs(60), |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains(what) && (not.is_empty() || !l.contains(not)))
    });
}

/// Narrows the list to the stories whose title holds `text`.
fn narrow(g: &mut Gazette, text: &str) {
    g.send("/");
    g.send(text);
    g.send(ENTER);
}

/// The stored stories whose title holds `text`: (title, read, starred), by title.
fn stored(data: &Path, url: &str) -> Vec<(String, bool, bool)> {
    let store = Store::open(data).unwrap();
    let mut all: Vec<(String, bool, bool)> = (store.load_source(url).unwrap().into_iter())
        .map(|s| (s.story.title, s.read, s.starred))
        .collect();
    all.sort();
    all
}

/// The server's ids of a feed's headlines, by title.
fn article_id(kit: &Kit, feed_id: &str, title: &str) -> i64 {
    let list = kit.raw(
        "getHeadlines",
        json!({"feed_id": feed_id.parse::<i64>().unwrap()}),
    );
    let found = list
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["title"] == title);
    found.unwrap_or_else(|| panic!("{title} not on the server"))["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn marks_reach_tt_rss_and_its_changes_come_back() {
    let Some(kit) = kit() else { return };
    let tag = word("Ts");
    let titles = [
        format!("Alpha {tag}"),
        format!("Beta {tag}"),
        format!("Gamma {tag}"),
    ];
    let items: Vec<&str> = titles.iter().map(String::as_str).collect();
    let url = kit.write_feed(&unique("e2e"), &items);
    let feed = gazette::sync::Service::subscribe(&mut kit.client(), &url, None).unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut g = start(&kit, data.path());
    status_says(&g, "Synced with", "");
    narrow(&mut g, &titles[0]);
    g.wait_for("the list narrowed to Alpha", |s| {
        s.contains("Headlines (1/") && s.contains(&titles[0])
    });
    g.send("s");
    g.send("A");
    thread::sleep(Duration::from_millis(300));
    g.send("r");
    status_says(&g, "sent", "");
    let on_server = kit.states(&feed.id);
    assert_eq!(
        on_server[&titles[0]],
        (false, true),
        "read and starred on tt-rss"
    );
    assert_eq!(on_server[&titles[1]], (true, false));
    // Read on the server (a phone): the next sync brings it.
    let beta = article_id(&kit, &feed.id, &titles[1]);
    let read = json!({"article_ids": beta.to_string(), "field": 2, "mode": 0});
    kit.raw("updateArticle", read);
    g.send("r");
    status_says(&g, ": 0 new stories", "sent");
    g.send("q");
    g.assert_exit(0);
    let stored = stored(data.path(), &url);
    assert_eq!(stored[0], (titles[0].clone(), true, true));
    assert_eq!(stored[1], (titles[1].clone(), true, false));
    // Gamma may have been the story shown at the start (read by the first key): either way, the
    // store and the server agree on it.
    let (unread, starred) = kit.states(&feed.id)[&titles[2]];
    assert_eq!(stored[2], (titles[2].clone(), !unread, starred));
}

#[test]
fn kill_9_mid_sync_with_tt_rss_loses_and_doubles_nothing() {
    let Some(kit) = kit() else { return };
    let tag = word("Tk");
    let titles: Vec<String> = (0..450).map(|i| format!("Item {i} {tag}")).collect();
    let items: Vec<&str> = titles.iter().map(String::as_str).collect();
    let url = kit.write_feed(&unique("e2e-kill"), &items);
    let feed = gazette::sync::Service::subscribe(&mut kit.client(), &url, None).unwrap();
    let data = tempfile::tempdir().unwrap();
    // Killed as soon as the first sync is under way.
    let g = start(&kit, data.path());
    g.wait_for("the sync under way", |s| s.contains("Syncing"));
    common::send_signal(g.pid(), "KILL");
    drop(g);
    let mut g = start(&kit, data.path());
    status_says(&g, "Synced with", "");
    narrow(&mut g, &tag);
    g.wait_for("the feed's 450 stories", |s| s.contains("Headlines (450/"));
    g.send("A");
    thread::sleep(Duration::from_millis(500));
    // The sync that sends the marks killed as it starts.
    g.send("r");
    g.wait_for("the sync under way", |s| s.contains("Syncing"));
    common::send_signal(g.pid(), "KILL");
    drop(g);
    let queued = Store::open(data.path())
        .unwrap()
        .sync_queue()
        .unwrap()
        .len();
    // (And the story shown at the start, read by the first key.)
    assert!(queued >= 450, "the marks wait in the store: {queued}");
    let mut g = start(&kit, data.path());
    status_says(&g, "Synced with", "");
    g.send("q");
    g.assert_exit(0);
    let all = stored(data.path(), &url);
    assert_eq!(all.len(), 450, "each story once");
    assert!(all.iter().all(|(_, read, _)| *read), "every mark kept");
    assert!(Store::open(data.path())
        .unwrap()
        .sync_queue()
        .unwrap()
        .is_empty());
    let id = feed.id.parse::<i64>().unwrap();
    let unread = kit.raw(
        "getHeadlines",
        json!({"feed_id": id, "view_mode": "unread"}),
    );
    assert_eq!(
        unread.as_array().map(Vec::len),
        Some(0),
        "every mark reached tt-rss"
    );
    let some = kit.raw("getHeadlines", json!({"feed_id": id, "limit": 10}));
    assert_eq!(some.as_array().map(Vec::len), Some(10), "the feed is there");
}
