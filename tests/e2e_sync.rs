//! Sync end to end: the real `gazette` binary in a pseudo-terminal, syncing with a loopback fake of
//! Miniflux's REST API (tests/fakes/miniflux.rs, written from its documentation). Marks made in
//! the reader reach the server and the server's come back; a failing server is said and the reader
//! goes on; `kill -9` in the middle of a sync loses no mark and doubles no story. The same against a
//! real Tiny Tiny RSS is in e2e_sync_ttrss.rs.

mod common;
mod fakes;

use std::path::Path;
use std::thread;
use std::time::Duration;

use common::Gazette;
use fakes::miniflux::{route, Miniflux as Fake, START};
use fakes::{FakeServer, Fault};
use gazette::store::{entry_of_key, Store};

const TOKEN: &str = "tok-e2e";
const FEED: &str = "https://a.example/feed.xml";

/// A fake account with one feed ("A", in "Tech") of `n` entries a minute apart; their ids.
fn server(n: usize) -> (FakeServer<Fake>, Vec<i64>) {
    let fake = FakeServer::start(Fake::new("ann", "s3cret", TOKEN), route);
    let ids = fake.with(|s| {
        let tech = s.add_category("Tech");
        let feed = s.add_feed(FEED, "A", tech);
        (0..n)
            .map(|i| s.add_entry(feed, START + 60 * i as i64))
            .collect()
    });
    (fake, ids)
}

/// gazette with `[sync]` for the fake, its store in `data` (kept across runs).
fn start(fake: &FakeServer<Fake>, data: &Path, token: &str) -> Gazette {
    let config = format!(
        "[sync]\nservice = \"miniflux\"\nurl = \"{}/\"\npassword_env = \"MINIFLUX_TOKEN\"\n",
        fake.url
    );
    let data = data.to_str().unwrap().to_string();
    let token = token.to_string();
    Gazette::start_with_env(160, 40, &["--data-dir", &data], move |home| {
        std::fs::create_dir_all(home.join("gazette")).unwrap();
        std::fs::write(home.join("gazette/config.toml"), config).unwrap();
        vec![("MINIFLUX_TOKEN".into(), token.into())]
    })
}

/// Each stored story of the feed: (entry id, read, starred).
fn stored(data: &Path) -> Vec<(i64, bool, bool)> {
    let store = Store::open(data).unwrap();
    let mut all: Vec<(i64, bool, bool)> = (store.load_source(FEED).unwrap().iter())
        .map(|s| {
            (
                entry_of_key(&s.key).unwrap().parse().unwrap(),
                s.read,
                s.starred,
            )
        })
        .collect();
    all.sort();
    all
}

fn status_says(g: &Gazette, what: &str) {
    g.wait_for(what, |s| s.lines().last().is_some_and(|l| l.contains(what)));
}

#[test]
fn marks_go_to_the_server_and_its_changes_come_back() {
    let (fake, ids) = server(3);
    let data = tempfile::tempdir().unwrap();
    let mut g = start(&fake, data.path(), TOKEN);
    status_says(&g, "Synced with");
    g.wait_for("the stories", |s| s.contains(&format!("Story {}", ids[2])));
    // The newest is selected: star it, then mark every listed story read, and sync.
    g.send("s");
    g.send("A");
    thread::sleep(Duration::from_millis(300));
    g.send("r");
    status_says(&g, "4 marks sent");
    fake.with(|s| {
        assert!(
            ids.iter().all(|id| s.entries[id].status == "read"),
            "read on the server"
        );
        assert!(s.entries[&ids[2]].starred, "starred on the server");
        assert!(!s.entries[&ids[0]].starred);
    });
    // Unread again on the phone: the next sync brings it.
    fake.with(|s| s.set_status(ids[0], "unread"));
    g.send("r");
    g.wait_for("the next sync", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains(": 0 new stories") && !l.contains("sent"))
    });
    g.send("q");
    g.assert_exit(0);
    assert_eq!(
        stored(data.path()),
        vec![
            (ids[0], false, false),
            (ids[1], true, false),
            (ids[2], true, true)
        ]
    );
}

#[test]
fn a_failing_server_is_said_listed_and_retried_on_r() {
    let (fake, ids) = server(2);
    let data = tempfile::tempdir().unwrap();
    fake.fail_next(Fault::Status(500));
    let mut g = start(&fake, data.path(), TOKEN);
    status_says(&g, "Sync failed");
    g.wait_for("the reason", |s| s.contains("HTTP 500"));
    g.send("E");
    g.wait_for("the problems list", |s| {
        s.contains("Problems (1)") && s.contains("sync")
    });
    g.send_esc();
    g.send("r");
    g.wait_for("the stories", |s| s.contains(&format!("Story {}", ids[1])));
    g.send("q");
    g.assert_exit(0);

    // A wrong token: said, and not retried on its own.
    let mut g = start(&fake, data.path(), "tok-wrong");
    status_says(&g, "Sync failed");
    g.wait_for("the reason", |s| s.contains("401"));
    let asked = fake.requests();
    thread::sleep(Duration::from_millis(500));
    assert_eq!(
        fake.requests(),
        asked,
        "a wrong token is not retried by itself"
    );
    // What was stored is still listed.
    g.wait_for("the stored stories", |s| {
        s.contains(&format!("Story {}", ids[1]))
    });
    g.send("q");
    g.assert_exit(0);
}

/// Kills gazette once the fake has been asked `requests` more requests, the last of which it
/// holds back (so the kill lands in the middle of the sync, never after it).
fn kill_at_request(g: Gazette, fake: &FakeServer<Fake>, requests: usize) {
    let before = fake.requests();
    for _ in 1..requests {
        fake.fail_next(Fault::Slow(Duration::ZERO));
    }
    fake.fail_next(Fault::Slow(Duration::from_secs(3)));
    g.wait_for("the request held back", |_| {
        fake.requests() >= before + requests
    });
    common::send_signal(g.pid(), "KILL");
}

#[test]
fn kill_9_in_the_middle_of_a_sync_loses_no_mark_and_doubles_no_story() {
    let (fake, ids) = server(600);
    let data = tempfile::tempdir().unwrap();
    // The first sync is killed while it pages through the entries (login, feeds, a page).
    let g = start(&fake, data.path(), TOKEN);
    kill_at_request(g, &fake, 3);
    assert!(stored(data.path()).is_empty(), "nothing half kept");
    let mut g = start(&fake, data.path(), TOKEN);
    status_says(&g, "Synced with");
    // Every listed story marked read; the sync that sends them is killed as it sends them.
    g.send("A");
    thread::sleep(Duration::from_millis(500));
    g.send("r");
    kill_at_request(g, &fake, 1);
    let queued = Store::open(data.path())
        .unwrap()
        .sync_queue()
        .unwrap()
        .len();
    assert_eq!(queued, 600, "the marks wait in the store");
    let mut g = start(&fake, data.path(), TOKEN);
    status_says(&g, "600 marks sent");
    g.send("q");
    g.assert_exit(0);
    let all = stored(data.path());
    assert_eq!(all.len(), 600, "each story once");
    assert!(all.iter().all(|(_, read, _)| *read));
    assert!(Store::open(data.path())
        .unwrap()
        .sync_queue()
        .unwrap()
        .is_empty());
    fake.with(|s| assert!(ids.iter().all(|id| s.entries[id].status == "read")));
}

/// `gazette ARGS` (no terminal) with `[sync]` for the fake, config in `home`.
fn command(
    fake: &FakeServer<Fake>,
    home: &Path,
    data: &Path,
    args: &[&str],
) -> std::process::Output {
    let config = format!(
        "[sync]\nservice = \"miniflux\"\nurl = \"{}/\"\npassword_env = \"MINIFLUX_TOKEN\"\n",
        fake.url
    );
    std::fs::create_dir_all(home.join("gazette")).unwrap();
    std::fs::write(home.join("gazette/config.toml"), config).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["--data-dir", data.to_str().unwrap()])
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("MINIFLUX_TOKEN", TOKEN)
        .output()
        .unwrap()
}

#[test]
fn with_sync_import_add_remove_and_list_go_through_the_server() {
    let (fake, _) = server(2);
    let (home, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let opml = home.path().join("feeds.opml");
    std::fs::write(
        &opml,
        r#"<opml version="2.0"><body><outline text="News">
             <outline text="B" xmlUrl="https://b.example/feed.xml"/>
             <outline text="Tty" xmlUrl="file:///dev/tty"/>
           </outline></body></opml>"#,
    )
    .unwrap();
    let out = command(
        &fake,
        home.path(),
        data.path(),
        &["import", opml.to_str().unwrap()],
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("to 1 feed") && said.contains("left out 1"),
        "{said}"
    );
    assert!(
        !home.path().join("gazette/feeds.toml").exists(),
        "nothing written to feeds.toml"
    );
    fake.with(|s| {
        let b = s
            .feeds
            .iter()
            .find(|f| f.url == "https://b.example/feed.xml")
            .expect("on the server");
        assert_eq!(
            s.categories[&b.category], "News",
            "the folder as its category"
        );
    });
    let out = command(
        &fake,
        home.path(),
        data.path(),
        &["add", "https://c.example/feed.xml"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --list syncs, then lists what the server has; `feeds` shows its subscriptions.
    let out = command(&fake, home.path(), data.path(), &["--list"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Story"),
        "{out:?}"
    );
    let out = command(&fake, home.path(), data.path(), &["feeds"]);
    let feeds = String::from_utf8_lossy(&out.stdout);
    for url in [
        FEED,
        "https://b.example/feed.xml",
        "https://c.example/feed.xml",
    ] {
        assert!(feeds.contains(url), "{url} missing: {feeds}");
    }
    let out = command(
        &fake,
        home.path(),
        data.path(),
        &["remove", "https://c.example/feed.xml"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fake.with(|s| {
        assert!(!s
            .feeds
            .iter()
            .any(|f| f.url == "https://c.example/feed.xml"))
    });
    // A wrong token: one line, exit 1.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args([
            "--data-dir",
            data.path().to_str().unwrap(),
            "add",
            "https://d.example/",
        ])
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("MINIFLUX_TOKEN", "wrong")
        .output()
        .unwrap();
    let error = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        error.starts_with("gazette: ") && error.contains("401") && error.lines().count() == 1,
        "{error}"
    );
}
