//! The Google Reader API client against a loopback fake that behaves like Miniflux's
//! implementation or like FreshRSS's (tests/fakes/greader.rs): every operation of `Service`.

mod fakes;

use std::collections::HashSet;
use std::time::Duration;

use fakes::greader::{route, Flavor, GReader as Fake, START};
use fakes::{FakeServer, Fault};
use gazette::sync::greader::GoogleReader;
use gazette::sync::{Changes, Credentials, Mark, Service, States, SyncError};

const FLAVORS: [Flavor; 2] = [Flavor::Miniflux, Flavor::FreshRss];

fn server(flavor: Flavor) -> FakeServer<Fake> {
    FakeServer::start(Fake::new(flavor, "ann", "s3cret"), route)
}

/// A client of `fake` (FreshRSS's API lives under `api/greader.php`).
fn client_with(fake: &FakeServer<Fake>, password: &str) -> GoogleReader {
    let flavor = fake.with(|s| s.flavor);
    let url = match flavor {
        Flavor::Miniflux => fake.url.clone(),
        Flavor::FreshRss => format!("{}/api/greader.php/", fake.url),
    };
    let credentials = Credentials {
        url,
        user: "ann".to_owned(),
        password: password.to_owned(),
    };
    GoogleReader::new(credentials, "gazette-test")
}

fn client(fake: &FakeServer<Fake>) -> GoogleReader {
    client_with(fake, "s3cret")
}

fn sets(changes: &Changes) -> (HashSet<String>, HashSet<String>) {
    match &changes.states {
        States::Sets { unread, starred } => (unread.clone(), starred.clone()),
        other => panic!("expected sets, got {other:?}"),
    }
}

fn ids(ids: &[u64]) -> HashSet<String> {
    ids.iter().map(u64::to_string).collect()
}

/// A fake with one feed and `n` entries published a minute apart; the entries' ids.
fn with_entries(fake: &FakeServer<Fake>, n: usize) -> Vec<u64> {
    fake.with(|s| {
        let feed = s.add_feed("https://a.example/feed.xml", "A", &["Tech"]);
        (0..n)
            .map(|i| s.add_entry(feed, START + 60 * i as i64))
            .collect()
    })
}

#[test]
fn login_accepts_the_password_and_refuses_a_wrong_one_as_auth() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        let mut gr = client(&fake);
        assert_eq!(gr.login(), Ok(()), "{flavor:?}");
        assert_eq!(gr.login(), Ok(()));
        // The engine logs in every sync: a kept session is not asked for again.
        assert_eq!(fake.with(|s| s.logins), 1);
        let error = client_with(&fake, "wrong").login().unwrap_err();
        assert!(matches!(error, SyncError::Auth(_)), "{flavor:?}: {error:?}");
        assert!(
            !error.message().contains("wrong"),
            "the password must not show: {error}"
        );
    }
}

#[test]
fn feeds_come_with_their_labels_as_tags() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        fake.with(|s| {
            s.add_feed("https://a.example/feed.xml", "A", &["Tech", "Daily"]);
            s.add_feed("https://b.example/rss", "B", &[]);
        });
        let feeds = client(&fake).feeds().unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(
            (feeds[0].id.as_str(), feeds[0].url.as_str()),
            ("feed/1", "https://a.example/feed.xml")
        );
        assert_eq!(feeds[0].title, "A");
        assert_eq!(feeds[0].tags, vec!["Tech", "Daily"], "{flavor:?}");
        assert!(feeds[1].tags.is_empty());
    }
}

#[test]
fn the_first_sync_fetches_the_newest_entries_whole_with_every_state() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        let all = with_entries(&fake, 30);
        fake.with(|s| {
            s.entries.get_mut(&all[29]).unwrap().read = true;
            s.entries.get_mut(&all[28]).unwrap().starred = true;
            s.entries.get_mut(&all[0]).unwrap().starred = true;
        });
        let changes = client(&fake).changes(None, 10).unwrap();
        let got: Vec<String> = changes.entries.iter().map(|e| e.id.clone()).collect();
        let newest: Vec<String> = all[20..].iter().map(u64::to_string).collect();
        assert_eq!(
            got, newest,
            "{flavor:?}: the newest 10, oldest first, ids in decimal"
        );
        let last = &changes.entries[9];
        assert_eq!(last.content_html, format!("<p>Text of {}</p>", all[29]));
        assert_eq!(last.feed_id, "feed/1");
        assert_eq!(
            last.link.as_deref(),
            Some(format!("https://site.example/{}", all[29]).as_str())
        );
        assert_eq!(last.published, Some(START + 60 * 29));
        assert!(last.read && !last.starred);
        assert!(changes.entries[8].starred && !changes.entries[8].read);
        let (unread, starred) = sets(&changes);
        assert_eq!(unread, ids(&all[..29]), "{flavor:?}");
        assert_eq!(starred, ids(&[all[0], all[28]]));
    }
}

#[test]
fn marks_reach_the_server_and_sending_one_twice_changes_nothing() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        let all = with_entries(&fake, 3);
        let mut gr = client(&fake);
        let first: Vec<String> = all[..2].iter().map(u64::to_string).collect();
        gr.mark(&first, Mark::Read(true)).unwrap();
        gr.mark(&first, Mark::Read(true)).unwrap();
        gr.mark(&[all[2].to_string()], Mark::Starred(true)).unwrap();
        gr.mark(&[all[2].to_string()], Mark::Starred(true)).unwrap();
        let state = |fake: &FakeServer<Fake>| {
            fake.with(|s| {
                all.iter()
                    .map(|id| (s.entries[id].read, s.entries[id].starred))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            state(&fake),
            vec![(true, false), (true, false), (false, true)],
            "{flavor:?}"
        );
        gr.mark(&[all[0].to_string()], Mark::Read(false)).unwrap();
        gr.mark(&[all[2].to_string()], Mark::Starred(false))
            .unwrap();
        assert_eq!(
            state(&fake),
            vec![(false, false), (true, false), (false, false)]
        );
        let error = gr.mark(&["x1".to_owned()], Mark::Read(true)).unwrap_err();
        assert!(matches!(error, SyncError::Malformed(_)), "{error:?}");
    }
}

#[test]
fn marks_go_in_batches() {
    let fake = server(Flavor::Miniflux);
    let all = with_entries(&fake, 600);
    let mut gr = client(&fake);
    gr.login().unwrap();
    let before = fake.requests();
    let every: Vec<String> = all.iter().map(u64::to_string).collect();
    gr.mark(&every, Mark::Read(true)).unwrap();
    // The write token, then 600 ids in batches of 250.
    assert_eq!(fake.requests() - before, 1 + 3);
    assert!(fake.with(|s| s.entries.values().all(|e| e.read)));
}

#[test]
fn a_state_changed_on_the_server_shows_in_the_next_sync_without_old_entries() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        let all = with_entries(&fake, 5);
        let mut gr = client(&fake);
        let first = gr.changes(None, 100).unwrap();
        assert_eq!(first.entries.len(), 5);
        fake.with(|s| {
            s.entries.get_mut(&all[1]).unwrap().read = true;
            s.entries.get_mut(&all[3]).unwrap().starred = true;
        });
        let next = gr.changes(Some(&first.cursor), 100).unwrap();
        assert!(
            next.entries.is_empty(),
            "{flavor:?}: old entries came again: {:?}",
            next.entries
        );
        let (unread, starred) = sets(&next);
        assert!(!unread.contains(&all[1].to_string()) && unread.contains(&all[0].to_string()));
        assert_eq!(starred, ids(&[all[3]]));
    }
}

#[test]
fn a_cursor_it_did_not_write_starts_over() {
    let fake = server(Flavor::Miniflux);
    let all = with_entries(&fake, 3);
    for cursor in ["mf1 1 2", "gr1 x 1", ""] {
        let changes = client(&fake).changes(Some(cursor), 100).unwrap();
        assert_eq!(changes.entries.len(), all.len(), "{cursor:?}");
        assert!(changes.cursor.starts_with("gr1 "));
    }
}

#[test]
fn entries_new_since_the_cursor_come_whole_even_when_published_long_ago() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        with_entries(&fake, 3);
        let mut gr = client(&fake);
        let first = gr.changes(None, 100).unwrap();
        let (recent, old_date, read_recent) = fake.with(|s| {
            let recent = s.add_entry(1, START + 7200);
            // A feed's late item dated a year ago: `ot` misses it, the unread ids do not.
            let old_date = s.add_entry(1, START - 365 * 86400);
            let read_recent = s.add_entry(1, START + 7300);
            s.entries.get_mut(&read_recent).unwrap().read = true;
            (recent, old_date, read_recent)
        });
        let next = gr.changes(Some(&first.cursor), 100).unwrap();
        let got: Vec<String> = next.entries.iter().map(|e| e.id.clone()).collect();
        let want: Vec<String> = [recent, old_date, read_recent]
            .iter()
            .map(u64::to_string)
            .collect();
        assert_eq!(got, want, "{flavor:?}");
        assert!(next.entries[2].read && next.entries[2].content_html.contains("Text of"));
        let again = gr.changes(Some(&next.cursor), 100).unwrap();
        assert!(again.entries.is_empty(), "{flavor:?}: {:?}", again.entries);
    }
}

#[test]
fn ids_are_paged_across_continuations_with_n_capped_at_10000() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        let all = with_entries(&fake, 25_000);
        let mut gr = client(&fake);
        gr.login().unwrap();
        let before = fake.requests();
        let changes = gr.changes(None, 5).unwrap();
        let (unread, _) = sets(&changes);
        assert_eq!(unread.len(), 25_000, "{flavor:?}");
        assert_eq!(unread, ids(&all));
        assert_eq!(changes.entries.len(), 5);
        // Unread ids in 3 pages, starred 1, the newest 5 ids 1, the write token 1, contents 1.
        assert_eq!(fake.requests() - before, 3 + 1 + 1 + 1 + 1, "{flavor:?}");
        let pages = fake
            .lock()
            .log
            .iter()
            .filter(|l| l.ends_with("stream/items/ids"))
            .count();
        assert_eq!(pages, 5);
    }
}

#[test]
fn pages_end_where_the_stream_ends_without_doubles() {
    for flavor in FLAVORS {
        for total in [250, 300] {
            let fake = server(flavor);
            fake.with(|s| s.cap = 100);
            let all = with_entries(&fake, total);
            let mut gr = client(&fake);
            let changes = gr.changes(None, 250).unwrap();
            let got: Vec<String> = changes.entries.iter().map(|e| e.id.clone()).collect();
            let newest: Vec<String> = all[total - 250..].iter().map(u64::to_string).collect();
            assert_eq!(got, newest, "{flavor:?}, {total}");
            assert_eq!(sets(&changes).0.len(), total);
        }
    }
}

#[test]
fn subscribe_unsubscribe_rename_and_retag_reach_the_server() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        fake.with(|s| s.add_feed("https://a.example/feed.xml", "A", &["Tech"]));
        let mut gr = client(&fake);
        let feed = gr
            .subscribe("https://b.example/news.html", Some("News"))
            .unwrap();
        // The server found the feed behind the page: its URL is the server's.
        assert_eq!(feed.url, "https://b.example/news.xml", "{flavor:?}");
        assert_eq!(
            (feed.id.as_str(), feed.tags.clone()),
            ("feed/2", vec!["News".to_owned()])
        );
        gr.rename(&feed, "Bee").unwrap();
        gr.retag(&feed, &["Later".to_owned()]).unwrap();
        let on_server = fake.with(|s| s.feeds[1].clone());
        assert_eq!(
            (on_server.title.as_str(), on_server.labels),
            ("Bee", vec!["Later".to_owned()]),
            "{flavor:?}"
        );
        let moved = gr
            .feeds()
            .unwrap()
            .into_iter()
            .find(|f| f.id == feed.id)
            .unwrap();
        gr.retag(&moved, &[]).unwrap();
        let labels = fake.with(|s| s.feeds[1].labels.clone());
        match flavor {
            // FreshRSS moves the feed back to its default category.
            Flavor::FreshRss => assert_eq!(labels, vec![fakes::greader::UNCATEGORIZED]),
            // Miniflux does not implement removing a label: the feed stays where it is.
            Flavor::Miniflux => assert_eq!(labels, vec!["Later"]),
        }
        gr.unsubscribe(&feed).unwrap();
        assert_eq!(fake.with(|s| s.feeds.len()), 1);
        let error = gr.subscribe("https://nofeed.example/", None).unwrap_err();
        assert!(matches!(error, SyncError::Server(_)), "{error:?}");
    }
}

#[test]
fn server_errors_rate_limits_and_garbage_are_told_apart() {
    let fake = server(Flavor::Miniflux);
    with_entries(&fake, 2);
    let mut gr = client(&fake);
    gr.login().unwrap();
    fake.fail_next(Fault::Status(500));
    assert!(matches!(gr.feeds(), Err(SyncError::Server(_))));
    fake.fail_next(Fault::RateLimited(7));
    assert!(matches!(
        gr.feeds(),
        Err(SyncError::RateLimited(_, Some(7)))
    ));
    fake.fail_next(Fault::Malformed);
    assert!(matches!(gr.changes(None, 10), Err(SyncError::Malformed(_))));
    fake.fail_next(Fault::Malformed);
    assert!(matches!(gr.feeds(), Err(SyncError::Malformed(_))));
    fake.fail_next(Fault::Malformed);
    assert!(matches!(
        client(&fake).login(),
        Err(SyncError::Malformed(_))
    ));
    fake.fail_next(Fault::Slow(Duration::from_millis(300)));
    assert_eq!(gr.feeds().unwrap().len(), 1);
}

#[test]
fn an_expired_session_logs_in_again_once_and_a_changed_password_is_auth() {
    for flavor in FLAVORS {
        let fake = server(flavor);
        let all = with_entries(&fake, 2);
        let mut gr = client(&fake);
        gr.mark(&[all[0].to_string()], Mark::Read(true)).unwrap();
        fake.with(|s| {
            s.auth = "ann/fedcba9876543210".to_owned();
            s.write_token = "NEWWRITETOKEN".to_owned();
        });
        gr.mark(&[all[1].to_string()], Mark::Read(true)).unwrap();
        assert!(fake.with(|s| s.entries[&all[1]].read), "{flavor:?}");
        assert_eq!(fake.with(|s| s.logins), 2);
        fake.with(|s| {
            s.auth = "ann/0000".to_owned();
            s.password = "changed".to_owned();
        });
        let logins = fake.with(|s| s.logins);
        assert!(matches!(gr.feeds(), Err(SyncError::Auth(_))));
        assert_eq!(
            fake.with(|s| s.logins),
            logins + 1,
            "one new login, no loop"
        );
    }
}

/// Requests of an unchanged sync (feeds, then changes from the last cursor) with `feeds` feeds
/// of 3 entries each, on a client that has synced once.
fn unchanged_sync_requests(flavor: Flavor, feeds: usize) -> usize {
    let fake = server(flavor);
    fake.with(|s| {
        for i in 0..feeds {
            let feed = s.add_feed(&format!("https://f{i}.example/feed"), "F", &["Tag"]);
            for j in 0..3 {
                s.add_entry(feed, START + (i * 3 + j) as i64);
            }
        }
    });
    let mut gr = client(&fake);
    gr.login().unwrap();
    gr.feeds().unwrap();
    let first = gr.changes(None, 10_000).unwrap();
    assert_eq!(first.entries.len(), feeds * 3);
    let before = gr.requests();
    // As the engine does: login, feeds, changes.
    gr.login().unwrap();
    assert_eq!(gr.feeds().unwrap().len(), feeds);
    let next = gr.changes(Some(&first.cursor), 10_000).unwrap();
    assert!(next.entries.is_empty());
    assert_eq!(gr.requests() - before, fake.requests() - before);
    gr.requests() - before
}

#[test]
fn an_unchanged_sync_costs_four_requests_whatever_the_number_of_feeds() {
    for flavor in FLAVORS {
        let few = unchanged_sync_requests(flavor, 5);
        let many = unchanged_sync_requests(flavor, 500);
        eprintln!("{flavor:?}: unchanged sync, 5 feeds: {few} requests; 500 feeds: {many}");
        assert_eq!((few, many), (4, 4), "{flavor:?}");
    }
}
