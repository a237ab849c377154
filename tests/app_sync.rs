//! Sync in the reader as pure state: with `[sync]` on, the start and `r` ask for one sync (never
//! two at once) and never fetch a feed; a sync's answer brings the server's feeds, stories and
//! marks; a failure is said and listed by `E` until a sync works.

use gazette::action::{Action, Effect};
use gazette::app::App;
use gazette::config::Config;
use gazette::source::Library;
use gazette::store::story_key;
use gazette::sync::engine::{entry_story, Synced};
use gazette::sync::{RemoteEntry, RemoteFeed};

mod support;
use support::listed_titles as titles;

const WIRE: &str = "https://wire.example/feed";
const COAST: &str = "https://coast.example/feed";

fn synced_app() -> App {
    let mut library = Library::default();
    // The feed list as the last sync left it: Coast only.
    library.add_subscription(COAST, Some("Coast"));
    let mut app = App::new(library, Config::from_str_with_defaults(None).unwrap());
    app.enable_sync("https://rss.example/");
    app.update(Action::Resize(120, 30));
    app
}

fn feed(id: &str, url: &str, title: &str, tags: &[&str]) -> RemoteFeed {
    RemoteFeed {
        id: id.into(),
        url: url.into(),
        title: title.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

fn entry(id: &str, feed: &str, title: &str) -> RemoteEntry {
    RemoteEntry {
        id: id.into(),
        feed_id: feed.into(),
        title: title.into(),
        link: Some(format!("https://wire.example/{id}")),
        content_html: "<p>Text</p>".into(),
        published: Some(1_800_000_000 + id.parse::<i64>().unwrap()),
        ..RemoteEntry::default()
    }
}

#[test]
fn the_start_and_r_sync_once_and_fetch_no_feed() {
    let mut app = synced_app();
    let effects = app.update(Action::Start);
    assert!(effects.contains(&Effect::Sync), "{effects:?}");
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Fetch(_))),
        "{effects:?}"
    );
    assert!(app
        .message
        .as_deref()
        .unwrap()
        .contains("Syncing with https://rss.example/"));
    // A second refresh while the first runs asks for nothing.
    let effects = app.update(Action::RefreshAll);
    assert!(!effects.contains(&Effect::Sync));
    assert!(app.message.as_deref().unwrap().contains("already"));
    app.update(Action::Synced(Box::default()));
    let effects = app.update(Action::Refresh);
    assert!(effects.contains(&Effect::Sync), "{effects:?}");
}

#[test]
fn an_empty_reader_syncs_at_the_start_too() {
    let mut app = App::new(
        Library::default(),
        Config::from_str_with_defaults(None).unwrap(),
    );
    app.enable_sync("https://rss.example/");
    app.update(Action::Resize(120, 30));
    assert!(app.update(Action::Start).contains(&Effect::Sync));
}

#[test]
fn a_sync_brings_feeds_stories_and_marks_and_drops_gone_feeds() {
    let mut app = synced_app();
    app.update(Action::Start);
    let stories = vec![
        entry_story(&entry("1", "7", "Storm hits port"), WIRE),
        entry_story(&entry("2", "7", "Ferry late"), WIRE),
    ];
    let read_key = story_key(WIRE, &stories[0]);
    let synced = Synced {
        feeds: vec![feed("7", WIRE, "Wire", &["news"])],
        stories: vec![(WIRE.into(), stories)],
        marks: vec![(read_key.clone(), true, true)],
        sent: 2,
        requests: 4,
    };
    app.update(Action::Synced(Box::new(synced)));
    let wire = app
        .editions
        .iter()
        .position(|e| e.url.as_deref() == Some(WIRE))
        .unwrap();
    assert_eq!(app.editions[wire].name, "Wire");
    assert_eq!(app.editions[wire].tags, vec!["news".to_string()]);
    let coast = app
        .editions
        .iter()
        .position(|e| e.url.as_deref() == Some(COAST))
        .unwrap();
    assert!(
        app.editions[coast].removed,
        "a feed the server no longer has leaves"
    );
    assert_eq!(titles(&app), vec!["Ferry late", "Storm hits port"]);
    let i = (0..app.stories.len())
        .position(|i| app.key(i) == read_key)
        .unwrap();
    assert!(app.read()[i] && app.starred[i]);
    assert_eq!(
        app.message.as_deref(),
        Some("Synced with https://rss.example/: 2 new stories, 2 marks sent")
    );
}

#[test]
fn a_failed_sync_is_said_and_listed_until_one_works() {
    let mut app = synced_app();
    app.update(Action::Start);
    let reason =
        "https://rss.example/: HTTP 401 Unauthorized: check [sync] user and the password or token";
    app.update(Action::SyncFailed(reason.into()));
    assert_eq!(
        app.message.as_deref(),
        Some(format!("Sync failed: {reason}").as_str())
    );
    assert!(app.feed_errors().contains(&("sync", reason)));
    // The reader goes on, and a new sync may be asked for.
    assert!(app.update(Action::Refresh).contains(&Effect::Sync));
    app.update(Action::Synced(Box::default()));
    assert!(!app.feed_errors().iter().any(|(name, _)| *name == "sync"));
}

#[test]
fn offline_a_refresh_syncs_nothing() {
    let mut app = synced_app();
    app.offline = true;
    assert!(!app.update(Action::Start).contains(&Effect::Sync));
    assert!(!app.update(Action::RefreshAll).contains(&Effect::Sync));
}
