//! The Tiny Tiny RSS client against a real tt-rss (tests/servers/ttrss-up.sh starts one on
//! 127.0.0.1 and writes the `env` file `GAZETTE_TTRSS_ENV` names), and against a fake server
//! answering hostile JSON (those tests always run).
//!
//! Tests run in parallel threads on one server: each uses its own feeds (names unique to the test
//! and the run) and looks only at its own feeds' entries; the server's state is checked with raw
//! API calls, not through the client under test.

use gazette::sync::ttrss::TtRss;
use gazette::sync::{Changes, Mark, RemoteEntry, Service, States, SyncError};
use serde_json::json;

#[path = "sync_ttrss/fake.rs"]
mod fake;

#[path = "support/ttrss_kit.rs"]
mod ttrss_kit;
use ttrss_kit::{kit, unique};

fn of_feed<'a>(changes: &'a Changes, feed_id: &str) -> Vec<&'a RemoteEntry> {
    changes
        .entries
        .iter()
        .filter(|e| e.feed_id == feed_id)
        .collect()
}

fn sets(
    changes: &Changes,
) -> (
    &std::collections::HashSet<String>,
    &std::collections::HashSet<String>,
) {
    match &changes.states {
        States::Sets { unread, starred } => (unread, starred),
        other => panic!("tt-rss gives whole sets, not {other:?}"),
    }
}

#[test]
fn login_with_the_right_password_makes_one_request() {
    let Some(kit) = kit() else { return };
    let client = kit.client();
    assert_eq!(client.requests(), 1);
}

#[test]
fn a_wrong_password_is_an_auth_error() {
    let Some(kit) = kit() else { return };
    let mut client = TtRss::new(kit.credentials("not-the-password"), "gazette-test");
    match client.login() {
        Err(SyncError::Auth(m)) => {
            assert!(m.contains("LOGIN_ERROR"), "{m}");
            assert!(!m.contains("not-the-password"), "{m}");
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    assert!(matches!(client.feeds(), Err(SyncError::Auth(_))));
}

#[test]
fn subscribe_lists_two_feeds_with_their_tags() {
    let Some(kit) = kit() else { return };
    let category = unique("Category");
    kit.sql(&format!(
        "INSERT INTO ttrss_feed_categories (owner_uid, title) SELECT id, '{category}' FROM ttrss_users WHERE login = 'admin'"
    ));
    let one = kit.write_feed(&unique("tagged"), &["a1", "a2"]);
    let two = kit.write_feed(&unique("untagged"), &["b1"]);
    let mut client = kit.client();
    let first = client
        .subscribe(&one, Some(&category))
        .expect("subscribe one");
    // No such category, and the API cannot make one: the feed goes uncategorized.
    let second = client
        .subscribe(&two, Some(&unique("NoSuchCategory")))
        .expect("subscribe two");
    assert_eq!(
        (first.url.as_str(), first.tags.clone()),
        (one.as_str(), vec![category.clone()])
    );
    assert!(
        first.title.starts_with("Feed tagged-"),
        "fetched once: {first:?}"
    );
    assert!(second.tags.is_empty(), "{second:?}");
    let feeds = client.feeds().expect("feeds");
    assert!(
        feeds.contains(&first) && feeds.contains(&second),
        "{feeds:?}"
    );
    // Already subscribed (code 0) is the same feed again.
    assert_eq!(client.subscribe(&one, None).expect("again"), first);
}

#[test]
fn a_feed_the_server_cannot_fetch_is_a_readable_server_error() {
    let Some(kit) = kit() else { return };
    let mut client = kit.client();
    // tt-rss refuses loopback URLs (its "extended validation"): code 5.
    match client.subscribe("http://127.0.0.1:1/nothing.xml", None) {
        Err(SyncError::Server(m)) => assert!(m.contains("could not fetch the feed (code 5"), "{m}"),
        other => panic!("expected Server, got {other:?}"),
    }
}

#[test]
fn the_first_changes_bring_entries_with_their_text() {
    let Some(kit) = kit() else { return };
    let url = kit.write_feed(&unique("first"), &["c1", "c2", "c3"]);
    let mut client = kit.client();
    let feed = client.subscribe(&url, None).expect("subscribe");
    let changes = client.changes(None, 100_000).expect("changes");
    let mut mine: Vec<_> = of_feed(&changes, &feed.id)
        .iter()
        .map(|e| (*e).clone())
        .collect();
    mine.sort_by(|a, b| a.title.cmp(&b.title));
    let titles: Vec<_> = mine.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["c1", "c2", "c3"]);
    for entry in &mine {
        assert!(
            entry
                .content_html
                .contains(&format!("Body of {}", entry.title)),
            "{entry:?}"
        );
        assert!(
            entry.link.as_deref().unwrap().ends_with(&entry.title),
            "{entry:?}"
        );
        assert!(!entry.read && !entry.starred);
        assert!(
            entry.published.is_some_and(|t| t > 1_600_000_000),
            "{entry:?}"
        );
    }
    let (unread, _) = sets(&changes);
    assert!(mine.iter().all(|e| unread.contains(&e.id)));
    let highest = changes
        .entries
        .iter()
        .map(|e| e.id.parse::<i64>().unwrap())
        .max();
    assert_eq!(changes.cursor, highest.unwrap().to_string());
    // The first sync keeps to the newest `first_limit`.
    let two = client.changes(None, 2).expect("changes");
    assert_eq!(two.entries.len(), 2);
    assert!(client.changes(None, 0).expect("changes").entries.is_empty());
}

#[test]
fn marks_reach_the_server() {
    let Some(kit) = kit() else { return };
    let url = kit.write_feed(&unique("marks"), &["m1", "m2", "m3"]);
    let mut client = kit.client();
    let feed = client.subscribe(&url, None).expect("subscribe");
    let changes = client.changes(None, 100_000).expect("changes");
    let ids = |titles: &[&str]| -> Vec<String> {
        let mine = of_feed(&changes, &feed.id);
        titles
            .iter()
            .map(|t| {
                mine.iter()
                    .find(|e| e.title == *t)
                    .expect("entry")
                    .id
                    .clone()
            })
            .collect()
    };
    client
        .mark(&ids(&["m1", "m2"]), Mark::Read(true))
        .expect("read");
    client
        .mark(&ids(&["m3"]), Mark::Starred(true))
        .expect("star");
    let states = kit.states(&feed.id);
    assert_eq!(states["m1"], (false, false));
    assert_eq!(states["m2"], (false, false));
    assert_eq!(states["m3"], (true, true));
    client
        .mark(&ids(&["m2"]), Mark::Read(false))
        .expect("unread");
    client
        .mark(&ids(&["m3"]), Mark::Starred(false))
        .expect("unstar");
    let states = kit.states(&feed.id);
    assert_eq!(
        (states["m1"], states["m2"], states["m3"]),
        ((false, false), (true, false), (true, false))
    );
}

#[test]
fn marks_are_batched_by_200() {
    let Some(kit) = kit() else { return };
    let url = kit.write_feed(&unique("batch"), &["x1"]);
    let mut client = kit.client();
    let feed = client.subscribe(&url, None).expect("subscribe");
    let id = client.changes(None, 100_000).expect("changes");
    let id = of_feed(&id, &feed.id)[0].id.clone();
    // 401 ids: the real one last, in the third request; the others name no entry.
    let mut ids: Vec<String> = (0..400).map(|n| (1_900_000_000 + n).to_string()).collect();
    ids.push(id);
    let before = client.requests();
    client.mark(&ids, Mark::Read(true)).expect("read");
    assert_eq!(client.requests() - before, 3);
    assert_eq!(kit.states(&feed.id)["x1"], (false, false));
}

#[test]
fn state_changed_on_the_server_shows_in_the_next_sets() {
    let Some(kit) = kit() else { return };
    let url = kit.write_feed(&unique("server-side"), &["s1", "s2"]);
    let mut client = kit.client();
    let feed = client.subscribe(&url, None).expect("subscribe");
    let first = client.changes(None, 100_000).expect("changes");
    let mine = of_feed(&first, &feed.id);
    let (s1, s2) = (
        mine.iter().find(|e| e.title == "s1").unwrap().id.clone(),
        mine.iter().find(|e| e.title == "s2").unwrap().id.clone(),
    );
    kit.raw(
        "updateArticle",
        json!({"article_ids": s1, "field": 2, "mode": 0}),
    );
    kit.raw(
        "updateArticle",
        json!({"article_ids": s2, "field": 0, "mode": 1}),
    );
    let next = client.changes(Some(&first.cursor), 100).expect("changes");
    assert!(
        of_feed(&next, &feed.id).is_empty(),
        "nothing new in this feed"
    );
    let (unread, starred) = sets(&next);
    assert!(!unread.contains(&s1) && unread.contains(&s2));
    assert!(starred.contains(&s2) && !starred.contains(&s1));
    assert!(next.cursor.parse::<i64>().unwrap() >= first.cursor.parse::<i64>().unwrap());
}

#[test]
fn a_new_item_arrives_after_the_cursor() {
    let Some(kit) = kit() else { return };
    let name = unique("new-item");
    let url = kit.write_feed(&name, &["n1", "n2"]);
    let mut client = kit.client();
    let feed = client.subscribe(&url, None).expect("subscribe");
    let first = client.changes(None, 100_000).expect("changes");
    assert_eq!(of_feed(&first, &feed.id).len(), 2);
    kit.write_feed(&name, &["n1", "n2", "n3"]);
    kit.raw(
        "updateFeed",
        json!({"feed_id": feed.id.parse::<i64>().unwrap()}),
    );
    let next = client.changes(Some(&first.cursor), 100).expect("changes");
    let titles: Vec<_> = of_feed(&next, &feed.id)
        .iter()
        .map(|e| e.title.clone())
        .collect();
    assert_eq!(titles, ["n3"]);
    let n3 = &of_feed(&next, &feed.id)[0];
    assert!(n3.content_html.contains("Body of n3"));
    assert!(n3.id.parse::<i64>().unwrap() > first.cursor.parse::<i64>().unwrap());
    assert!(next.cursor.parse::<i64>().unwrap() >= n3.id.parse::<i64>().unwrap());
}

#[test]
fn unsubscribe_removes_the_feed() {
    let Some(kit) = kit() else { return };
    let url = kit.write_feed(&unique("gone"), &["g1"]);
    let mut client = kit.client();
    let feed = client.subscribe(&url, None).expect("subscribe");
    client.unsubscribe(&feed).expect("unsubscribe");
    assert!(!client
        .feeds()
        .expect("feeds")
        .iter()
        .any(|f| f.id == feed.id));
    match client.unsubscribe(&feed) {
        Err(SyncError::Server(m)) => assert!(m.contains("FEED_NOT_FOUND"), "{m}"),
        other => panic!("expected Server, got {other:?}"),
    }
}

#[test]
fn rename_and_retag_are_unsupported() {
    let Some(kit) = kit() else { return };
    let url = kit.write_feed(&unique("fixed"), &["f1"]);
    let mut client = kit.client();
    let feed = client.subscribe(&url, None).expect("subscribe");
    let renamed = client.rename(&feed, "Another title");
    assert!(
        matches!(&renamed, Err(SyncError::Unsupported(m)) if m.starts_with("Tiny Tiny RSS's API cannot")),
        "{renamed:?}"
    );
    let retagged = client.retag(&feed, &["Elsewhere".to_owned()]);
    assert!(matches!(retagged, Err(SyncError::Unsupported(_))));
    let listed = client
        .feeds()
        .expect("feeds")
        .into_iter()
        .find(|f| f.id == feed.id)
        .unwrap();
    assert_eq!(listed, feed, "nothing changed on the server");
}

/// The requests an unchanged sync (feeds, then changes with the cursor) costs.
fn unchanged_sync(client: &mut TtRss) -> (usize, usize) {
    let cursor = client.changes(None, 100_000).expect("changes").cursor;
    let before = client.requests();
    client.feeds().expect("feeds");
    let changes = client.changes(Some(&cursor), 100_000).expect("changes");
    // Other tests may add entries meanwhile; each list costs one request a started 200.
    let (unread, starred) = sets(&changes);
    let pages = |n: usize| n / 200 + 1;
    let expected = 2 + pages(changes.entries.len()) + pages(unread.len()) + pages(starred.len());
    (client.requests() - before, expected)
}

#[test]
fn an_unchanged_sync_costs_five_requests_whatever_the_feeds() {
    let Some(kit) = kit() else { return };
    let mut client = kit.client();
    let (few, expected) = unchanged_sync(&mut client);
    // 5 while every list fits in a page (a fresh kit, but tests in parallel may add entries).
    assert_eq!(few, expected);
    for n in 0..3 {
        let url = kit.write_feed(&unique(&format!("count{n}")), &["k"]);
        client.subscribe(&url, None).expect("subscribe");
    }
    let (more, expected) = unchanged_sync(&mut client);
    eprintln!("an unchanged sync: {few} requests, {more} with three more feeds");
    assert_eq!(more, expected, "three more feeds, no more requests");
}

#[test]
fn an_ended_session_is_renewed_once() {
    let Some(kit) = kit() else { return };
    let mut client = kit.client();
    // Every session ends (as after a server restart); other tests' clients log in again too.
    kit.sql("DELETE FROM ttrss_sessions");
    let before = client.requests();
    client.feeds().expect("feeds after a new login");
    // NOT_LOGGED_IN, login, getCategories again, getFeeds.
    assert_eq!(client.requests() - before, 4);
}

#[test]
fn pages_of_200_bring_every_entry_once() {
    let Some(kit) = kit() else { return };
    let titles: Vec<String> = (0..450).map(|n| format!("p{n:03}")).collect();
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    let url = kit.write_feed(&unique("paged"), &titles);
    let mut client = kit.client();
    let cursor = client.changes(None, 1).expect("changes").cursor;
    let feed = client.subscribe(&url, None).expect("subscribe");
    let before = client.requests();
    let changes = client.changes(Some(&cursor), 1).expect("changes");
    let mine = of_feed(&changes, &feed.id);
    let mut got: Vec<&str> = mine.iter().map(|e| e.title.as_str()).collect();
    got.sort_unstable();
    assert_eq!(got, titles, "all 450, each once, whatever first_limit says");
    let ids: Vec<i64> = changes
        .entries
        .iter()
        .map(|e| e.id.parse().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "oldest first, no id twice"
    );
    let (unread, _) = sets(&changes);
    assert!(mine.iter().all(|e| unread.contains(&e.id)));
    // At least three pages of new entries and three of unread ids.
    assert!(
        client.requests() - before >= 7,
        "{}",
        client.requests() - before
    );
    // A first sync keeps to the newest `first_limit`, across pages too.
    let first = client.changes(None, 250).expect("changes");
    assert_eq!(first.entries.len(), 250);
    let newest = first.cursor.parse::<i64>().unwrap();
    assert!(
        newest >= *ids.iter().max().unwrap(),
        "the newest are kept, not the oldest"
    );
    // Keeps a kit that outlives the run small (the other tests' lists stay one page).
    client.unsubscribe(&feed).expect("unsubscribe");
}
