//! The Miniflux REST client against a loopback fake of `/v1/` (tests/fakes/miniflux.rs): every
//! operation of `Service`.

mod fakes;

use std::time::Duration;

use fakes::miniflux::{route, Miniflux as Fake, START};
use fakes::{FakeServer, Fault};
use gazette::sync::miniflux::Miniflux;
use gazette::sync::{Changes, Credentials, EntryState, Mark, Service, States, SyncError};

fn server() -> FakeServer<Fake> {
    FakeServer::start(Fake::new("ann", "s3cret", "tok-123"), route)
}

fn client_as(fake: &FakeServer<Fake>, user: &str, password: &str) -> Miniflux {
    let credentials = Credentials {
        url: format!("{}/", fake.url),
        user: user.to_owned(),
        password: password.to_owned(),
    };
    Miniflux::new(credentials, "gazette-test")
}

/// A client with the API token.
fn client(fake: &FakeServer<Fake>) -> Miniflux {
    client_as(fake, "", "tok-123")
}

fn changed(changes: &Changes) -> Vec<EntryState> {
    match &changes.states {
        States::Changed(states) => states.clone(),
        other => panic!("expected changed states, got {other:?}"),
    }
}

/// A fake with one feed in "Tech" and `n` entries published a minute apart; their ids.
fn with_entries(fake: &FakeServer<Fake>, n: usize) -> Vec<i64> {
    fake.with(|s| {
        let tech = s.add_category("Tech");
        let feed = s.add_feed("https://a.example/feed.xml", "A", tech);
        (0..n)
            .map(|i| s.add_entry(feed, START + 60 * i as i64))
            .collect()
    })
}

fn text(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

#[test]
fn login_with_a_token_or_basic_and_refusal_as_auth() {
    let fake = server();
    assert_eq!(client(&fake).login(), Ok(()));
    assert_eq!(client_as(&fake, "ann", "s3cret").login(), Ok(()));
    for (user, password) in [("", "tok-bad"), ("ann", "wrong"), ("bob", "s3cret")] {
        let error = client_as(&fake, user, password).login().unwrap_err();
        assert!(matches!(error, SyncError::Auth(_)), "{user}: {error:?}");
        assert!(
            !error.message().contains(password),
            "the password must not show: {error}"
        );
    }
}

#[test]
fn login_is_checked_once_and_again_after_a_refusal() {
    let fake = server();
    let mut mf = client(&fake);
    mf.login().unwrap();
    mf.login().unwrap();
    assert_eq!(
        fake.requests(),
        1,
        "the engine logs in every sync: one check is enough"
    );
    fake.with(|s| s.token = "revoked".to_owned());
    assert!(matches!(mf.feeds(), Err(SyncError::Auth(_))));
    assert!(matches!(mf.login(), Err(SyncError::Auth(_))));
    assert_eq!(fake.requests(), 3);
}

#[test]
fn feeds_come_with_their_category_as_tag_and_all_as_none() {
    let fake = server();
    fake.with(|s| {
        let tech = s.add_category("Tech");
        s.add_feed("https://a.example/feed.xml", "A", tech);
        s.add_feed("https://b.example/rss", "B", 1);
    });
    let feeds = client(&fake).feeds().unwrap();
    assert_eq!(feeds.len(), 2);
    assert_eq!(
        (feeds[0].url.as_str(), feeds[0].title.as_str()),
        ("https://a.example/feed.xml", "A")
    );
    assert_eq!(feeds[0].tags, vec!["Tech"]);
    assert!(feeds[1].tags.is_empty(), "All counts as none");
    assert!(feeds[0].id.parse::<i64>().is_ok());
}

#[test]
fn the_first_sync_fetches_the_newest_entries_whole_with_their_states() {
    let fake = server();
    let all = with_entries(&fake, 30);
    fake.with(|s| {
        s.set_status(all[29], "read");
        s.entries.get_mut(&all[28]).unwrap().starred = true;
    });
    let changes = client(&fake).changes(None, 10).unwrap();
    let got: Vec<String> = changes.entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(got, text(&all[20..]), "the newest 10, oldest first");
    let last = &changes.entries[9];
    assert_eq!(last.content_html, format!("<p>Text of {}</p>", all[29]));
    assert_eq!(
        last.published,
        Some(START + 60 * 29),
        "RFC 3339 with an offset read right"
    );
    assert_eq!(last.author.as_deref(), Some("Ann Author"));
    assert!(last.read && !last.starred);
    assert!(changes.entries[8].starred && !changes.entries[8].read);
    let feed = fake.with(|s| s.feeds[0].id.to_string());
    assert_eq!(last.feed_id, feed);
}

#[test]
fn marks_reach_the_server_and_sending_one_twice_never_flips_the_bookmark_back() {
    let fake = server();
    let all = with_entries(&fake, 3);
    let mut mf = client(&fake);
    mf.mark(&text(&all[..2]), Mark::Read(true)).unwrap();
    mf.mark(&text(&all[2..]), Mark::Starred(true)).unwrap();
    mf.mark(&text(&all[2..]), Mark::Starred(true)).unwrap();
    let state = |fake: &FakeServer<Fake>| {
        fake.with(|s| {
            all.iter()
                .map(|id| (s.entries[id].status.clone(), s.entries[id].starred))
                .collect::<Vec<_>>()
        })
    };
    let read = |r: bool, st: bool| (if r { "read" } else { "unread" }.to_owned(), st);
    assert_eq!(
        state(&fake),
        vec![read(true, false), read(true, false), read(false, true)]
    );
    assert_eq!(fake.with(|s| s.toggles), 1, "the second star was not sent");
    mf.mark(&text(&all[..1]), Mark::Read(false)).unwrap();
    mf.mark(&text(&all[2..]), Mark::Starred(false)).unwrap();
    mf.mark(&text(&all[2..]), Mark::Starred(false)).unwrap();
    assert_eq!(
        state(&fake),
        vec![read(false, false), read(true, false), read(false, false)]
    );
    assert_eq!(fake.with(|s| s.toggles), 2);
    let error = mf
        .mark(&["tag:x".to_owned()], Mark::Read(true))
        .unwrap_err();
    assert!(matches!(error, SyncError::Malformed(_)), "{error:?}");
}

#[test]
fn a_state_changed_on_the_server_shows_in_the_next_sync_without_old_entries() {
    let fake = server();
    let all = with_entries(&fake, 5);
    let mut mf = client(&fake);
    let first = mf.changes(None, 100).unwrap();
    assert_eq!(first.entries.len(), 5);
    fake.with(|s| {
        // Well past the overlap, so only these two changes are asked about.
        s.clock += 3600;
        s.set_status(all[1], "read");
    });
    mf.mark(&text(&all[3..4]), Mark::Starred(true)).unwrap();
    let next = mf.changes(Some(&first.cursor), 100).unwrap();
    assert!(
        next.entries.is_empty(),
        "old entries came again: {:?}",
        next.entries
    );
    let states = changed(&next);
    let want = [
        EntryState {
            id: all[1].to_string(),
            read: true,
            starred: false,
        },
        EntryState {
            id: all[3].to_string(),
            read: false,
            starred: true,
        },
    ];
    for state in &want {
        assert!(states.contains(state), "{state:?} missing from {states:?}");
    }
    // Asked again from a little before the cursor's time: a state told twice is still true.
    assert_states_true(&fake, &states);
    assert_ne!(
        next.cursor, first.cursor,
        "the cursor moves past the changes seen"
    );
}

/// Every state reported is the server's.
fn assert_states_true(fake: &FakeServer<Fake>, states: &[EntryState]) {
    fake.with(|s| {
        for state in states {
            let e = &s.entries[&state.id.parse::<i64>().unwrap()];
            assert_eq!(
                (e.status != "unread", e.starred),
                (state.read, state.starred),
                "{state:?}"
            );
        }
    });
}

#[test]
fn a_cursor_it_did_not_write_starts_over() {
    let fake = server();
    let all = with_entries(&fake, 3);
    for cursor in ["gr1 1 2", "mf1 x 1", ""] {
        let changes = client(&fake).changes(Some(cursor), 100).unwrap();
        assert_eq!(changes.entries.len(), all.len(), "{cursor:?}");
        assert!(changes.cursor.starts_with("mf1 "));
    }
}

#[test]
fn entries_new_since_the_cursor_come_whole_and_once() {
    let fake = server();
    with_entries(&fake, 3);
    let mut mf = client(&fake);
    let first = mf.changes(None, 100).unwrap();
    let new = fake.with(|s| {
        let feed = s.feeds[0].id;
        vec![
            s.add_entry(feed, START + 7200),
            s.add_entry(feed, START - 365 * 86400),
        ]
    });
    let next = mf.changes(Some(&first.cursor), 100).unwrap();
    let got: Vec<String> = next.entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(got, text(&new));
    assert!(next.entries[1].content_html.contains("Text of"));
    let again = mf.changes(Some(&next.cursor), 100).unwrap();
    assert!(again.entries.is_empty(), "{:?}", again.entries);
}

#[test]
fn new_entries_are_paged_by_entry_id() {
    let fake = server();
    let all = with_entries(&fake, 1);
    let mut mf = client(&fake);
    let first = mf.changes(None, 1).unwrap();
    let new: Vec<i64> = fake.with(|s| {
        (0..600)
            .map(|i| s.add_entry(s.feeds[0].id, START + i))
            .collect()
    });
    let before = fake.requests();
    let next = mf.changes(Some(&first.cursor), 1).unwrap();
    let got: Vec<String> = next.entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(got, text(&new), "all 600, in id order, none twice");
    // 600 new in pages of 250 (3), then the state changes of the 1 old entry (1).
    assert_eq!(fake.requests() - before, 4);
    assert!(!got.contains(&all[0].to_string()));
}

#[test]
fn subscribe_unsubscribe_rename_and_retag_reach_the_server() {
    let fake = server();
    let mut mf = client(&fake);
    let feed = mf
        .subscribe("https://b.example/feed", Some("News"))
        .unwrap();
    assert_eq!(
        (feed.url.as_str(), feed.tags.clone()),
        ("https://b.example/feed", vec!["News".to_owned()])
    );
    let plain = mf.subscribe("https://c.example/feed", None).unwrap();
    assert!(plain.tags.is_empty());
    // The category exists now: found, not created again (the fake refuses duplicates).
    let again = mf
        .subscribe("https://d.example/feed", Some("news"))
        .unwrap();
    assert_eq!(again.tags, vec!["News"]);
    mf.rename(&feed, "Bee").unwrap();
    mf.retag(&feed, &["Later".to_owned()]).unwrap();
    let title_and_category = |fake: &FakeServer<Fake>| {
        fake.with(|s| {
            let f = s
                .feeds
                .iter()
                .find(|f| f.id.to_string() == feed.id)
                .unwrap();
            (f.title.clone(), s.categories[&f.category].clone())
        })
    };
    assert_eq!(
        title_and_category(&fake),
        ("Bee".to_owned(), "Later".to_owned())
    );
    mf.retag(&feed, &[]).unwrap();
    assert_eq!(title_and_category(&fake).1, "All");
    mf.unsubscribe(&feed).unwrap();
    assert_eq!(fake.with(|s| s.feeds.len()), 2);
    let error = mf.subscribe("https://c.example/feed", None).unwrap_err();
    assert!(
        matches!(error, SyncError::Server(_)),
        "a feed already there: {error:?}"
    );
}

#[test]
fn server_errors_rate_limits_and_garbage_are_told_apart() {
    let fake = server();
    with_entries(&fake, 2);
    let mut mf = client(&fake);
    fake.fail_next(Fault::Status(500));
    assert!(matches!(mf.feeds(), Err(SyncError::Server(_))));
    fake.fail_next(Fault::RateLimited(7));
    assert!(matches!(
        mf.changes(None, 10),
        Err(SyncError::RateLimited(_, Some(7)))
    ));
    fake.fail_next(Fault::Malformed);
    assert!(matches!(mf.changes(None, 10), Err(SyncError::Malformed(_))));
    fake.fail_next(Fault::Malformed);
    assert!(matches!(mf.login(), Err(SyncError::Malformed(_))));
    fake.fail_next(Fault::Slow(Duration::from_millis(300)));
    assert_eq!(mf.feeds().unwrap().len(), 1);
}

/// Requests of an unchanged sync (feeds, then changes from the last cursor) with `feeds` feeds
/// of 3 entries each, after one sync.
fn unchanged_sync_requests(feeds: usize) -> usize {
    let fake = server();
    fake.with(|s| {
        for i in 0..feeds {
            let feed = s.add_feed(&format!("https://f{i}.example/feed"), "F", 1);
            for j in 0..3 {
                s.add_entry(feed, START + (i * 3 + j) as i64);
            }
        }
        // The first sync is a while ago: nothing changed since.
        s.clock += 3600;
    });
    let mut mf = client(&fake);
    mf.login().unwrap();
    mf.feeds().unwrap();
    let first = mf.changes(None, 10_000).unwrap();
    assert_eq!(first.entries.len(), feeds * 3);
    let before = mf.requests();
    // As the engine does: login, feeds, changes.
    mf.login().unwrap();
    assert_eq!(mf.feeds().unwrap().len(), feeds);
    let next = mf.changes(Some(&first.cursor), 10_000).unwrap();
    assert!(next.entries.is_empty());
    // Only the entries changed within the overlap before the cursor's time come again (the
    // fake's clock moves 10 s an entry), each as it is.
    let states = changed(&next);
    assert!(states.len() <= 7, "{states:?}");
    assert_states_true(&fake, &states);
    mf.requests() - before
}

#[test]
fn an_unchanged_sync_costs_three_requests_whatever_the_number_of_feeds() {
    let few = unchanged_sync_requests(5);
    let many = unchanged_sync_requests(500);
    eprintln!("Miniflux: unchanged sync, 5 feeds: {few} requests; 500 feeds: {many}");
    assert_eq!((few, many), (3, 3));
}
