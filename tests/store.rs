//! The offline store: round trips, matching on refresh, marks, retention, migrations, refusing
//! files it must not touch, full-text search, concurrency, the writer thread, and crash safety.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gazette::news::{Inline, Paragraph, ParagraphKind, Pending, Span, Story};
use gazette::store::{
    story_key, Retention, Store, StoreEvent, StoreWriter, StoredStory, Write, DB_FILE,
    SCHEMA_VERSION,
};
use rusqlite::Connection;

const FEED: &str = "https://example.com/feed.xml";
const DAY: i64 = 86_400;
const NOW: i64 = 1_800_000_000;

/// Creates a current database in `dir` holding one story, and closes it.
fn store_one_story(dir: &Path) {
    let mut store = Store::open(dir).unwrap();
    store
        .save_source(
            FEED,
            &[story("a", "A", Some(NOW))],
            NOW,
            Retention::default(),
        )
        .unwrap();
    store.index_pending(usize::MAX).unwrap();
}

fn story(guid: &str, title: &str, published: Option<i64>) -> Story {
    Story {
        title: title.into(),
        paragraphs: vec![Paragraph::plain(format!("Text of {title}."))],
        published,
        id: (!guid.is_empty()).then(|| guid.to_string()),
        ..Story::default()
    }
}

/// A source's stories with their text: `load_source` gives the headlines (each story's text
/// pending in the store), `load_body` the text.
fn load_full(store: &Store, source: &str) -> Vec<StoredStory> {
    let mut stored = store.load_source(source).unwrap();
    for s in &mut stored {
        let has_text = s.story.pending == Pending::Stored;
        let (paragraphs, references) = store.load_body(&s.key).unwrap().expect("the row is there");
        assert_eq!(has_text, !paragraphs.is_empty(), "{}", s.key);
        s.story.paragraphs = paragraphs;
        s.story.references = references;
        s.story.pending = Pending::Nothing;
    }
    stored
}

/// Searches after indexing what was saved (the writer thread does that when idle).
/// FEED's stories as the reader holds them after `load_source`: without their text
/// (`Pending::Stored`).
fn held_stories(store: &Store) -> Vec<Story> {
    store
        .load_source(FEED)
        .unwrap()
        .into_iter()
        .map(|s| s.story)
        .collect()
}

fn search(store: &mut Store, query: &str, limit: usize) -> Vec<String> {
    store.index_pending(usize::MAX).unwrap();
    store.search(query, limit).unwrap()
}

fn titles(stored: &[StoredStory]) -> Vec<&str> {
    stored.iter().map(|s| s.story.title.as_str()).collect()
}

fn raw(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join(DB_FILE)).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn
}

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM stories", [], |r| r.get(0))
        .unwrap()
}

/// Changes committed by other connections since `conn` last looked.
fn data_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn stories_round_trip_with_every_field_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.path(), dir.path().join("gazette.db"));
    let rich = Story {
        title: "Rich «story» 東京".into(),
        pending: Pending::Nothing,
        paragraphs: vec![
            Paragraph {
                text: "Heading".into(),
                kind: ParagraphKind::Heading,
                spans: vec![],
            },
            Paragraph {
                text: "Some bold, é, a link and code.".into(),
                kind: ParagraphKind::Text,
                spans: vec![
                    Span {
                        range: 5..9,
                        style: Inline::Strong,
                    },
                    Span {
                        range: 11..13,
                        style: Inline::Emphasis,
                    },
                    Span {
                        range: 17..21,
                        style: Inline::Link(1),
                    },
                    Span {
                        range: 26..30,
                        style: Inline::Code,
                    },
                ],
            },
            Paragraph {
                text: "quoted".into(),
                kind: ParagraphKind::Quote,
                spans: vec![],
            },
            Paragraph {
                text: "• item".into(),
                kind: ParagraphKind::ListItem,
                spans: vec![],
            },
            Paragraph {
                text: "[image: a cat]".into(),
                kind: ParagraphKind::Text,
                spans: vec![Span {
                    range: 0..14,
                    style: Inline::Image,
                }],
            },
            Paragraph {
                text: "  fn main() {\n      x\n  }".into(),
                kind: ParagraphKind::Preformatted,
                spans: vec![],
            },
        ],
        edition: 3,
        link: Some("https://example.com/rich".into()),
        published: Some(NOW - 10),
        author: Some("Ann Author".into()),
        references: vec!["https://example.com/ref".into()],
        id: Some("tag:rich".into()),
        enclosures: vec![
            gazette::news::Enclosure {
                url: "https://example.com/ep1.mp3".into(),
                mime: Some("audio/mpeg".into()),
                bytes: Some(24_300_000),
                seconds: Some(2530),
            },
            gazette::news::Enclosure {
                url: "https://example.com/ep1.ogg".into(),
                mime: None,
                bytes: None,
                seconds: None,
            },
        ],
    };
    let stories = vec![
        story("", "Undated first", None),
        story("b", "Older", Some(NOW - DAY)),
        rich.clone(),
        story("", "Undated second", None),
        Story {
            title: "Headline only".into(),
            published: Some(NOW - 5),
            ..Story::default()
        },
    ];
    assert_eq!(
        store
            .save_source(FEED, &stories, NOW, Retention::default())
            .unwrap(),
        5
    );
    store
        .save_source(
            "edition:other",
            &[story("z", "Elsewhere", Some(NOW))],
            NOW,
            Retention::default(),
        )
        .unwrap();

    let loaded = load_full(&store, FEED);
    assert_eq!(
        titles(&loaded),
        [
            "Headline only",
            "Rich «story» 東京",
            "Older",
            "Undated first",
            "Undated second"
        ]
    );
    let expected = Story {
        edition: 0,
        ..rich.clone()
    };
    assert_eq!(loaded[1].story, expected);
    assert_eq!(loaded[1].key, story_key(FEED, &rich));
    assert!(!loaded[1].read && !loaded[1].starred);
    assert!(loaded[0].story.paragraphs.is_empty());
    assert_eq!(loaded[0].story.id, None);
    for stored in &loaded {
        assert_eq!(stored.key, story_key(FEED, &stored.story));
    }
    assert!(load_full(&store, "nothing here").is_empty());
}

#[test]
fn resaving_unchanged_stories_inserts_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let stories = vec![
        story("a", "A", Some(NOW)),
        story("", "B", None),
        Story {
            link: Some("https://example.com/c".into()),
            ..story("", "C", Some(NOW - 1))
        },
    ];
    assert_eq!(
        store
            .save_source(FEED, &stories, NOW, Retention::default())
            .unwrap(),
        3
    );
    let before = load_full(&store, FEED);
    let watcher = raw(dir.path());
    let version = data_version(&watcher);
    assert_eq!(
        store
            .save_source(FEED, &stories, NOW + 60, Retention::default())
            .unwrap(),
        0
    );
    assert_eq!(
        data_version(&watcher),
        version,
        "an unchanged save wrote something"
    );
    assert_eq!(load_full(&store, FEED), before);
    // (The watcher does see a save that changes something.)
    let changed = story("a", "A, corrected", Some(NOW));
    assert_eq!(
        store
            .save_source(FEED, &[changed], NOW + 60, Retention::default())
            .unwrap(),
        0
    );
    assert_ne!(data_version(&watcher), version);
}

#[test]
fn a_changed_story_is_updated_in_place_keeping_its_marks() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let first = story("g", "Old title", Some(NOW));
    store
        .save_source(
            FEED,
            std::slice::from_ref(&first),
            NOW,
            Retention::default(),
        )
        .unwrap();
    let key = story_key(FEED, &first);
    store.set_marks(&[(key.clone(), true, true)]).unwrap();

    let mut changed = story("g", "New title", Some(NOW));
    changed.paragraphs.push(Paragraph::plain("A correction."));
    assert_eq!(
        store
            .save_source(FEED, &[changed.clone()], NOW + 60, Retention::default())
            .unwrap(),
        0
    );
    let loaded = load_full(&store, FEED);
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].story, changed);
    assert!(loaded[0].read && loaded[0].starred);
    // The index follows the new text.
    assert_eq!(search(&mut store, "correction", 10), [key.as_str()]);
    assert_eq!(search(&mut store, "new title", 10), [key]);
    assert!(search(&mut store, "old", 10).is_empty());
}

#[test]
fn a_new_guid_on_the_same_link_updates_the_story_and_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let link = Some("https://example.com/story".to_string());
    let old = Story {
        link: link.clone(),
        ..story("http://old/1", "Story", Some(NOW))
    };
    store
        .save_source(FEED, std::slice::from_ref(&old), NOW, Retention::default())
        .unwrap();
    store
        .set_marks(&[(story_key(FEED, &old), true, false)])
        .unwrap();

    let new = Story {
        link,
        ..story("https://new/1", "Story", Some(NOW))
    };
    // A later fetch (the fallbacks look at what earlier fetches stored).
    assert_eq!(
        store
            .save_source(
                FEED,
                std::slice::from_ref(&new),
                NOW + 60,
                Retention::default()
            )
            .unwrap(),
        0
    );
    let loaded = load_full(&store, FEED);
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].key, story_key(FEED, &new));
    assert_eq!(loaded[0].story.id.as_deref(), Some("https://new/1"));
    assert!(loaded[0].read);
    let marks = store
        .marks(&[story_key(FEED, &old), story_key(FEED, &new)])
        .unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[&story_key(FEED, &new)], (true, false));
}

#[test]
fn the_same_title_and_date_is_the_same_story() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    // No guid, no link: the key is the title and date.
    let plain = story("", "Plain", Some(NOW));
    store
        .save_source(
            FEED,
            std::slice::from_ref(&plain),
            NOW,
            Retention::default(),
        )
        .unwrap();
    assert_eq!(
        store
            .save_source(FEED, &[plain], NOW, Retention::default())
            .unwrap(),
        0
    );
    // A guid that changed, no link: matched by title and date.
    store
        .save_source(
            FEED,
            &[story("g1", "Dated", Some(NOW - 9))],
            NOW,
            Retention::default(),
        )
        .unwrap();
    let moved = story("g2", "Dated", Some(NOW - 9));
    assert_eq!(
        store
            .save_source(
                FEED,
                std::slice::from_ref(&moved),
                NOW + 60,
                Retention::default()
            )
            .unwrap(),
        0
    );
    let loaded = load_full(&store, FEED);
    assert_eq!(titles(&loaded), ["Plain", "Dated"]);
    assert_eq!(loaded[1].key, story_key(FEED, &moved));
    // Undated stories with their own guids are different stories, even with one title.
    store
        .save_source(
            FEED,
            &[story("d1", "Daily briefing", None)],
            NOW,
            Retention::default(),
        )
        .unwrap();
    assert_eq!(
        store
            .save_source(
                FEED,
                &[story("d2", "Daily briefing", None)],
                NOW + 60,
                Retention::default()
            )
            .unwrap(),
        1
    );
}

#[test]
fn the_parts_of_one_reading_are_never_merged_by_a_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let link = Some("https://example.com/same".to_string());
    // Two entries of one file, different guids, one link, saved in two parts of one reading.
    for guid in ["a", "b"] {
        let part = Story {
            link: link.clone(),
            ..story(guid, guid, Some(NOW))
        };
        store
            .save_source(FEED, &[part], NOW, Retention::default())
            .unwrap();
    }
    assert_eq!(titles(&load_full(&store, FEED)), ["a", "b"]);
    // A later reading whose entry has a new guid on that link: the link is two stories', so it
    // names neither, and the entry is new.
    let moved = Story {
        link,
        ..story("c", "c", Some(NOW))
    };
    assert_eq!(
        store
            .save_source(FEED, &[moved], NOW + 60, Retention::default())
            .unwrap(),
        1
    );
}

#[test]
fn a_link_shared_by_many_stories_does_not_merge_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let home = Some("https://example.com/".to_string());
    let entry = |guid: &str, t: i64| Story {
        link: home.clone(),
        ..story(guid, guid, Some(NOW - t))
    };
    let first = [entry("a", 1), entry("b", 2)];
    assert_eq!(
        store
            .save_source(FEED, &first, NOW, Retention::default())
            .unwrap(),
        2
    );
    let next = [entry("a", 1), entry("b", 2), entry("c", 0)];
    assert_eq!(
        store
            .save_source(FEED, &next, NOW, Retention::default())
            .unwrap(),
        1
    );
    // "a" left the feed; "d" and "e" share the home page link with each other: nothing merges.
    let later = [entry("d", 0), entry("e", 0), entry("b", 2)];
    assert_eq!(
        store
            .save_source(FEED, &later, NOW, Retention::default())
            .unwrap(),
        2
    );
    let mut all = titles(&load_full(&store, FEED))
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    all.sort();
    assert_eq!(all, ["a", "b", "c", "d", "e"]);
}

#[test]
fn marks_round_trip_across_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let stories: Vec<Story> = (0..4)
        .map(|i| story(&format!("g{i}"), &format!("S{i}"), Some(NOW - i)))
        .collect();
    let keys: Vec<String> = stories.iter().map(|s| story_key(FEED, s)).collect();
    {
        let mut store = Store::open(dir.path()).unwrap();
        store
            .save_source(FEED, &stories, NOW, Retention::default())
            .unwrap();
        store
            .set_marks(&[
                (keys[0].clone(), true, false),
                (keys[1].clone(), false, true),
                (keys[2].clone(), true, true),
                ("unknown key".into(), true, true),
            ])
            .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let mut asked = keys.clone();
    asked.push("unknown key".into());
    let marks = store.marks(&asked).unwrap();
    assert_eq!(marks.len(), 4);
    assert_eq!(marks[&keys[0]], (true, false));
    assert_eq!(marks[&keys[1]], (false, true));
    assert_eq!(marks[&keys[2]], (true, true));
    assert_eq!(marks[&keys[3]], (false, false));
    let loaded = load_full(&store, FEED);
    assert_eq!(
        loaded
            .iter()
            .map(|s| (s.read, s.starred))
            .collect::<Vec<_>>(),
        [(true, false), (false, true), (true, true), (false, false)]
    );
}

#[test]
fn max_per_source_keeps_the_newest_and_every_starred_story() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let keep3 = Retention {
        max_per_source: Some(3),
        max_age_days: None,
    };
    // Six days of two stories a day; each save is one day's feed.
    for day in 0..6 {
        let feed: Vec<Story> = (0..2)
            .map(|i| {
                story(
                    &format!("d{day}s{i}"),
                    &format!("d{day}s{i}"),
                    Some(NOW + day * DAY - i),
                )
            })
            .collect();
        if day == 1 {
            // Star an old one before it would go.
            store
                .save_source(FEED, &feed, NOW, Retention::default())
                .unwrap();
            store
                .set_marks(&[(story_key(FEED, &feed[1]), true, true)])
                .unwrap();
            continue;
        }
        store
            .save_source(FEED, &feed, NOW + day * DAY, keep3)
            .unwrap();
    }
    assert_eq!(
        titles(&load_full(&store, FEED)),
        ["d5s0", "d5s1", "d4s0", "d1s1"]
    );
    // The stories of the save itself stay even beyond the limit (else they would come back next
    // time, unread).
    let big: Vec<Story> = (0..5)
        .map(|i| {
            story(
                &format!("b{i}"),
                &format!("b{i}"),
                Some(NOW - 100 * DAY - i),
            )
        })
        .collect();
    assert_eq!(store.save_source(FEED, &big, NOW, keep3).unwrap(), 5);
    assert_eq!(store.save_source(FEED, &big, NOW, keep3).unwrap(), 0);
    assert_eq!(
        titles(&load_full(&store, FEED)),
        ["d5s0", "d5s1", "d4s0", "d1s1", "b0", "b1", "b2", "b3", "b4"]
    );
    // Other sources are left alone.
    store
        .save_source("edition:x", &big, NOW, Retention::default())
        .unwrap();
    store
        .save_source(
            FEED,
            &[],
            NOW,
            Retention {
                max_per_source: Some(0),
                max_age_days: None,
            },
        )
        .unwrap();
    assert_eq!(titles(&load_full(&store, FEED)), ["d1s1"]);
    assert_eq!(load_full(&store, "edition:x").len(), 5);
}

#[test]
fn max_age_drops_only_old_read_unstarred_stories() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let stories = vec![
        story("old-read", "old read", Some(NOW - 40 * DAY)),
        story("old-unread", "old unread", Some(NOW - 40 * DAY)),
        story("old-starred", "old starred", Some(NOW - 40 * DAY)),
        story("new-read", "new read", Some(NOW - 2 * DAY)),
        story("undated-read", "undated read", None),
    ];
    let keys: Vec<String> = stories.iter().map(|s| story_key(FEED, s)).collect();
    // Fetched 40 days ago.
    store
        .save_source(FEED, &stories, NOW - 40 * DAY, Retention::default())
        .unwrap();
    store
        .set_marks(&[
            (keys[0].clone(), true, false),
            (keys[2].clone(), true, true),
            (keys[3].clone(), true, false),
            (keys[4].clone(), true, false),
        ])
        .unwrap();
    let month = Retention {
        max_per_source: None,
        max_age_days: Some(30),
    };
    // They are all still in the feed: nothing goes.
    store.save_source(FEED, &stories, NOW, month).unwrap();
    assert_eq!(load_full(&store, FEED).len(), 5);
    // Now they have left the feed.
    store
        .save_source(FEED, &[story("fresh", "fresh", Some(NOW))], NOW, month)
        .unwrap();
    assert_eq!(
        titles(&load_full(&store, FEED)),
        ["fresh", "new read", "old unread", "old starred"]
    );
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

fn schema_sql(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        .unwrap();
    let sql = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    sql
}

#[test]
fn a_fresh_directory_and_an_empty_file_both_reach_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("new/nested");
    let store = Store::open(&fresh).unwrap();
    drop(store);
    assert_eq!(user_version(&fresh.join(DB_FILE)), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 10);

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join(DB_FILE), b"").unwrap();
    let mut store = Store::open(&empty).unwrap();
    store
        .save_source(FEED, &[story("a", "A", None)], NOW, Retention::default())
        .unwrap();
    drop(store);
    assert_eq!(user_version(&empty.join(DB_FILE)), SCHEMA_VERSION);
    assert_eq!(
        schema_sql(&empty.join(DB_FILE)),
        schema_sql(&fresh.join(DB_FILE))
    );
    let conn = Connection::open(empty.join(DB_FILE)).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopening_a_current_database_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    store_one_story(dir.path());
    let path = dir.path().join(DB_FILE);
    let schema = schema_sql(&path);
    assert!(schema.iter().any(|s| s.contains("CREATE TABLE stories")));
    assert!(schema.iter().any(|s| s.contains("fts5")));
    for _ in 0..3 {
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(load_full(&store, FEED).len(), 1);
        assert_eq!(store.search("a", 5).unwrap().len(), 1);
    }
    assert_eq!(schema_sql(&path), schema);
    assert_eq!(user_version(&path), SCHEMA_VERSION);
}

/// Opening `dir` fails with a message naming the file and containing `expected`, and leaves the
/// file byte for byte as it was.
fn assert_refused(dir: &Path, expected: &str) {
    let path = dir.join(DB_FILE);
    let before = std::fs::read(&path).unwrap();
    let error = Store::open(dir)
        .err()
        .expect("opened a file it should refuse")
        .to_string();
    assert!(
        error.starts_with(&format!("{}: ", path.display())),
        "{error}"
    );
    assert!(error.contains(expected), "{error}");
    assert!(!error.contains('\n'), "{error}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the refused file was modified"
    );
    // Still refused the second time, and still untouched.
    assert!(Store::open(dir).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_database_from_a_newer_gazette_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    store_one_story(dir.path());
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    assert_refused(
        dir.path(),
        &format!("made by a newer gazette (schema 99; this one reads up to {SCHEMA_VERSION})"),
    );
}

/// A valid store with a few stories, closed (so the file holds everything).
fn built_store(dir: &Path) -> Vec<u8> {
    let mut store = Store::open(dir).unwrap();
    // Texts that hardly compress, so that they fill most of the file's pages.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut words = |n: usize| -> String {
        let words: Vec<String> = (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                format!("{:x}", state & 0xFF_FFFF)
            })
            .collect();
        words.join(" ")
    };
    let stories: Vec<Story> = (0..40)
        .map(|i| Story {
            paragraphs: vec![Paragraph::plain(words(1000))],
            ..story(&format!("g{i}"), &format!("T{i}"), Some(NOW - i))
        })
        .collect();
    store
        .save_source(FEED, &stories, NOW, Retention::default())
        .unwrap();
    drop(store);
    std::fs::read(dir.join(DB_FILE)).unwrap()
}

#[test]
fn a_file_of_random_bytes_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(dir.path().join(DB_FILE), &bytes).unwrap();
    assert_refused(dir.path(), "not a gazette database, or damaged (");
    std::fs::write(dir.path().join(DB_FILE), b"hello, this is a text file\n").unwrap();
    assert_refused(dir.path(), "not a gazette database, or damaged (");
}

#[test]
fn a_damaged_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let good = built_store(dir.path());
    assert!(good.len() > 16 * 4096, "{}", good.len());
    let path = dir.path().join(DB_FILE);

    let mut zeroed = good.clone();
    zeroed[..100].fill(0);
    std::fs::write(&path, &zeroed).unwrap();
    assert_refused(dir.path(), "not a gazette database, or damaged (");

    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    assert_refused(dir.path(), "not a gazette database, or damaged (");

    let mut schema = good.clone();
    schema[100..4096].fill(0xA5);
    std::fs::write(&path, &schema).unwrap();
    assert_refused(dir.path(), "not a gazette database, or damaged (");

    // And the intact file still opens.
    std::fs::write(&path, &good).unwrap();
    assert_eq!(
        Store::open(dir.path())
            .unwrap()
            .load_source(FEED)
            .unwrap()
            .len(),
        40
    );
}

#[test]
fn damage_in_the_middle_is_reported_by_what_meets_it() {
    let dir = tempfile::tempdir().unwrap();
    let good = built_store(dir.path());
    let path = dir.path().join(DB_FILE);
    // Open does not read the whole file; the damaged page is found when it is needed.
    let mut scribbled = good.clone();
    let page = usize::from(u16::from_be_bytes([good[16], good[17]]));
    // Three quarters in: among the texts, which fill most of the file (the first pages are the
    // tables' and indexes' roots, a small one's whole content).
    let middle = good.len() * 3 / 4 / page * page;
    scribbled[middle..middle + page].fill(0xA5);
    std::fs::write(&path, &scribbled).unwrap();
    let store = Store::open(dir.path()).unwrap();
    // The page holds headlines, texts, or the index by date: listing them, opening each story,
    // or the first screen's query meets it.
    let error = match store.load_source(FEED) {
        Err(e) => e,
        Ok(stories) => stories
            .iter()
            .find_map(|s| store.load_body(&s.key).err())
            .or_else(|| store.load_newest(&[FEED.to_string()], 1000).err())
            .expect("read a damaged page"),
    }
    .to_string();
    assert!(
        error.starts_with(&format!("{}: ", path.display())),
        "{error}"
    );
    assert!(error.contains("malformed"), "{error}");
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), scribbled);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    assert_refused(dir.path(), "no gazette schema");

    let other = tempfile::tempdir().unwrap();
    let conn = Connection::open(other.path().join(DB_FILE)).unwrap();
    conn.execute_batch("PRAGMA application_id = 42; PRAGMA user_version = 1;")
        .unwrap();
    drop(conn);
    assert_refused(other.path(), "another program");
}

#[test]
fn search_matches_prefixes_of_every_word_in_titles_and_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let cafe = Story {
        paragraphs: vec![
            Paragraph::plain("Le déjeuner sur l'herbe."),
            Paragraph::plain("Second paragraph about Zürich."),
        ],
        ..story("cafe", "Café Society", Some(NOW))
    };
    let market = Story {
        paragraphs: vec![Paragraph::plain(
            "Markets rallied on Tuesday; the café index rose.",
        )],
        ..story("market", "Stocks Rally", Some(NOW))
    };
    let other = story("other", "Weather report", None);
    store
        .save_source(
            FEED,
            &[cafe.clone(), market.clone()],
            NOW,
            Retention::default(),
        )
        .unwrap();
    store
        .save_source(
            "edition:e",
            std::slice::from_ref(&other),
            NOW,
            Retention::default(),
        )
        .unwrap();
    let (cafe, market, other) = (
        story_key(FEED, &cafe),
        story_key(FEED, &market),
        story_key("edition:e", &other),
    );
    store.index_pending(usize::MAX).unwrap();
    let search = |q: &str| {
        let mut keys = store.search(q, 100).unwrap();
        keys.sort();
        keys
    };
    let mut both = vec![cafe.clone(), market.clone()];
    both.sort();
    assert_eq!(search("caf"), both);
    assert_eq!(search("CAFE"), both);
    assert_eq!(search("Café"), both);
    assert_eq!(search("dejeuner"), [cafe.as_str()]);
    assert_eq!(search("zurich"), [cafe.as_str()]);
    assert_eq!(search("café soc"), [cafe.as_str()]);
    assert_eq!(search("  rall   TUES "), [market.as_str()]);
    assert_eq!(search("café weather"), Vec::<String>::new());
    assert_eq!(search("weath"), [other]);
    assert_eq!(search("l'herbe"), [cafe.as_str()]);
    assert_eq!(store.search("caf", 1).unwrap().len(), 1);
    assert!(store.search("caf", 0).unwrap().is_empty());
    assert!(store.search("", 10).unwrap().is_empty());
    for q in [
        "AND",
        "OR",
        "NOT",
        "a AND",
        "\"",
        "\"café",
        "*",
        "caf*",
        "NEAR(",
        "NEAR(café market)",
        "-",
        "-café",
        ":",
        "title:café",
        "body:",
        "(",
        ")",
        "^café",
        "+",
        "{title}: x",
        "caf\"é",
        "' OR 1=1 --",
        "\u{0}",
        "🙂",
    ] {
        store.search(q, 10).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
    assert_eq!(search("\"café\""), both);
    assert_eq!(search("title:café"), Vec::<String>::new());
}

#[test]
fn two_stores_on_one_directory_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open(dir.path()).unwrap();
    let mut b = Store::open(dir.path()).unwrap();
    for i in 0..20 {
        let (writer, reader) = if i % 2 == 0 {
            (&mut a, &mut b)
        } else {
            (&mut b, &mut a)
        };
        let s = story(&format!("g{i}"), &format!("T{i}"), Some(NOW + i));
        assert_eq!(
            writer
                .save_source(FEED, std::slice::from_ref(&s), NOW, Retention::default())
                .unwrap(),
            1
        );
        reader
            .set_marks(&[(story_key(FEED, &s), true, false)])
            .unwrap();
        assert_eq!(
            writer.marks(&[story_key(FEED, &s)]).unwrap()[&story_key(FEED, &s)],
            (true, false)
        );
        assert_eq!(load_full(reader, FEED).len() as i64, i + 1);
    }
}

#[test]
fn a_thread_writes_while_another_reads() {
    let dir = tempfile::tempdir().unwrap();
    let reader = Store::open(dir.path()).unwrap();
    let path = dir.path().to_path_buf();
    let writer = std::thread::spawn(move || {
        let mut store = Store::open(&path).unwrap();
        for batch in 0..30 {
            let stories: Vec<Story> = (0..10)
                .map(|i| Story {
                    paragraphs: vec![Paragraph::plain("words ".repeat(200))],
                    ..story(
                        &format!("{batch}-{i}"),
                        &format!("T{batch}-{i}"),
                        Some(NOW - i),
                    )
                })
                .collect();
            store
                .save_source(FEED, &stories, NOW, Retention::default())
                .unwrap();
        }
    });
    let mut loads = 0;
    while !writer.is_finished() {
        let n = load_full(&reader, FEED).len();
        assert_eq!(n % 10, 0, "saw part of a transaction");
        reader.search("words", 5).unwrap();
        loads += 1;
    }
    writer.join().unwrap();
    assert_eq!(load_full(&reader, FEED).len(), 300);
    assert!(loads > 0);
}

#[test]
fn the_writer_applies_writes_in_order_and_flush_waits_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let (errors_to, errors) = mpsc::channel();
    // Failures only: the index catching up reports too (`StoreEvent::Indexed`).
    let writer = StoreWriter::spawn(dir.path(), move |e| {
        if e != StoreEvent::Indexed {
            errors_to.send(e).unwrap()
        }
    })
    .unwrap();
    let first = story("g", "First", Some(NOW));
    let key = story_key(FEED, &first);
    for i in 0..50 {
        let s = story(&format!("n{i}"), &format!("N{i}"), Some(NOW - 1 - i));
        writer.send(Write::SaveSource {
            source: FEED.into(),
            stories: vec![s],
            now: NOW,
            retention: Retention::default(),
        });
    }
    writer.send(Write::SaveSource {
        source: FEED.into(),
        stories: vec![first],
        now: NOW,
        retention: Retention::default(),
    });
    // Only works if the save above came first.
    writer.send(Write::Marks(vec![(key.clone(), true, true)]));
    writer.send(Write::SaveSource {
        source: FEED.into(),
        stories: vec![story("g", "Second", Some(NOW))],
        now: NOW,
        retention: Retention::default(),
    });
    writer.flush();
    let store = Store::open(dir.path()).unwrap();
    let loaded = load_full(&store, FEED);
    assert_eq!(loaded.len(), 51);
    assert_eq!(loaded[0].story.title, "Second");
    assert!(loaded[0].read && loaded[0].starred);

    let (done_to, done) = mpsc::channel();
    writer.send(Write::Flush(done_to));
    done.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(errors.try_recv().is_err());

    // A failing write is reported, in one line naming the file, and the writer carries on.
    raw(dir.path()).execute_batch("DROP TABLE stories").unwrap();
    writer.send(Write::Marks(vec![(key.clone(), false, false)]));
    writer.flush();
    let StoreEvent::Failed {
        reason: error,
        marks,
    } = errors.recv_timeout(Duration::from_secs(5)).unwrap()
    else {
        panic!("a failure")
    };
    assert_eq!(
        marks,
        [(key, false, false)],
        "the marks not saved come back"
    );
    assert!(
        error.contains(&*dir.path().join(DB_FILE).to_string_lossy()),
        "{error}"
    );
    assert!(error.contains("no such table"), "{error}");
    assert!(!error.contains('\n'));
    drop(writer);
}

#[test]
fn a_writer_on_an_unusable_directory_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(DB_FILE),
        b"not a database at all, not even close",
    )
    .unwrap();
    assert!(StoreWriter::spawn(dir.path(), |_| {}).is_err());
}

const CHILD_ENV: &str = "GAZETTE_STORE_CHILD";
const STORIES_PER_SAVE: usize = 10;

/// Not a test of its own: the child process of `killing_a_writer_midway_leaves_whole_transactions`,
/// which saves batches of stories until it is killed (or gives up after 20 s).
#[test]
fn store_child_writer() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut store = Store::open(Path::new(&dir)).unwrap();
    let started = Instant::now();
    let body = vec![Paragraph::plain("crash test ".repeat(200)); 3];
    let mut batch = 0;
    while started.elapsed() < Duration::from_secs(20) {
        let stories: Vec<Story> = (0..STORIES_PER_SAVE)
            .map(|i| Story {
                paragraphs: body.clone(),
                ..story(
                    &format!("{}-{batch}-{i}", std::process::id()),
                    &format!("Crash {batch} {i}"),
                    Some(NOW),
                )
            })
            .collect();
        store
            .save_source(FEED, &stories, NOW, Retention::default())
            .unwrap();
        batch += 1;
    }
}

#[test]
fn killing_a_writer_midway_leaves_whole_transactions() {
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap();
    let watcher = raw(dir.path());
    for round in 1..=3 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "store_child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = count(&watcher);
        let deadline = Instant::now() + Duration::from_secs(5);
        while count(&watcher) < start + 50 {
            assert!(Instant::now() < deadline, "the child wrote nothing");
            assert!(child.try_wait().unwrap().is_none(), "the child stopped");
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(7 * round));
        // SIGKILL: no destructor, no rollback, no checkpoint runs in the child.
        child.kill().unwrap();
        child.wait().unwrap();

        let mut store = Store::open(dir.path()).unwrap();
        let conn = raw(dir.path());
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let n = load_full(&store, FEED).len();
        assert!(n > 0);
        assert_eq!(
            n % STORIES_PER_SAVE,
            0,
            "a transaction was cut in half: {n} stories"
        );
        assert_eq!(count(&conn) as usize, n);
        assert_eq!(
            search(&mut store, "crash", 1_000_000).len(),
            n,
            "the index is out of step"
        );
    }
}

#[test]
fn a_version_1_database_migrates_to_the_current_schema_keeping_its_stories() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        let story = gazette::news::Story {
            title: "Kept".into(),
            id: Some("g1".into()),
            ..Default::default()
        };
        store
            .save_source("https://v1.example/feed", &[story], 1, Retention::default())
            .unwrap();
    }
    // Turn it back into what gazette 1 left: no sources table, no `indexed` column (every row
    // indexed as it was saved), user_version 1.
    {
        let mut store = Store::open(dir.path()).unwrap();
        store.index_pending(usize::MAX).unwrap();
        drop(store);
        let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        // Gazette 1 kept the body JSON as TEXT in the row; this story has no text: `{}`.
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             ALTER TABLE stories ADD COLUMN body TEXT NOT NULL DEFAULT '{}';
             DROP TABLE articles; DROP TABLE bodies; DROP TABLE sources;
             DROP INDEX stories_unindexed;
             ALTER TABLE stories DROP COLUMN indexed; ALTER TABLE stories DROP COLUMN has_text;
             ALTER TABLE stories DROP COLUMN enclosures;
             DROP TABLE sync_queue; DROP TABLE sync_entries; DROP TABLE sync_feeds;
             DROP TABLE sync_state; DROP INDEX stories_published;
             DROP TABLE stories_fts_0;
             CREATE VIRTUAL TABLE stories_fts USING fts5 (title, body, content = '',
                 contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
             INSERT INTO stories_fts (rowid, title, body) SELECT id, title, '' FROM stories;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(user_version(&dir.path().join(DB_FILE)), SCHEMA_VERSION);
    // Schema 10 splits the index by row id: the old one is dropped and every row indexed again.
    assert_eq!(store.search("kept", 5).unwrap().len(), 0);
    assert_eq!(store.index_pending(usize::MAX).unwrap(), 1);
    assert_eq!(store.search("kept", 5).unwrap().len(), 1);
    assert_eq!(
        load_full(&store, "https://v1.example/feed")[0].story.title,
        "Kept"
    );
    let info = gazette::store::SourceInfo {
        title: Some("V1 Wire".into()),
        etag: Some("\"e1\"".into()),
        last_modified: None,
    };
    store
        .set_source_info("https://v1.example/feed", &info)
        .unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.source_info("https://v1.example/feed").unwrap(),
        Some(info)
    );
    assert_eq!(
        store.source_info("https://elsewhere.example/").unwrap(),
        None
    );
}

// ---------------------------------------------------------------------------------------------
// Schema 3 at scale: bodies apart (HTML kept until a story is opened), indexing behind the saves,
// the newest stories first.

/// A story whose body is the feed's HTML, as a feed file's stories come (see `gazette::ingest`).
fn html_story(guid: &str, title: &str, published: Option<i64>, html: &str) -> Story {
    Story {
        paragraphs: Vec::new(),
        pending: Pending::Html {
            html: html.into(),
            base: Some("https://example.com/news/".into()),
        },
        ..story(guid, title, published)
    }
}

/// Sorted keys found by a search, without indexing first.
fn found(store: &Store, query: &str) -> Vec<String> {
    let mut keys = store.search(query, 1000).unwrap();
    keys.sort();
    keys
}

#[test]
fn an_html_body_is_listed_as_stored_and_converted_when_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let html = "<p>Hello <b>bold</b> world.</p><p>See <a href=\"more/1\">more</a>.</p>";
    let lazy = html_story("h", "Lazy", Some(NOW), html);
    let headline = Story {
        paragraphs: Vec::new(),
        ..story("n", "Headline only", Some(NOW - 1))
    };
    let plain = story("p", "Plain", Some(NOW - 2));
    store
        .save_source(
            FEED,
            &[lazy.clone(), headline.clone(), plain.clone()],
            NOW,
            Retention::default(),
        )
        .unwrap();

    let listed = store.load_source(FEED).unwrap();
    assert_eq!(titles(&listed), ["Lazy", "Headline only", "Plain"]);
    let pending: Vec<&Pending> = listed.iter().map(|s| &s.story.pending).collect();
    assert_eq!(
        pending,
        [&Pending::Stored, &Pending::Nothing, &Pending::Stored],
        "text in the store, or none at all"
    );
    for s in &listed {
        assert!(s.story.paragraphs.is_empty(), "{}: listed with text", s.key);
        assert!(s.story.references.is_empty());
    }

    let converted = gazette::html::html_to_text(html, Some("https://example.com/news/"));
    let (paragraphs, references) = store.load_body(&story_key(FEED, &lazy)).unwrap().unwrap();
    assert_eq!(paragraphs, converted.paragraphs);
    assert_eq!(paragraphs[0].text, "Hello bold world.");
    assert_eq!(references, ["https://example.com/news/more/1"]);
    assert_eq!(
        store.load_body(&story_key(FEED, &plain)).unwrap().unwrap(),
        (plain.paragraphs.clone(), Vec::new())
    );
    let (none, _) = store
        .load_body(&story_key(FEED, &headline))
        .unwrap()
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(store.load_body("no such key").unwrap(), None);
}

#[test]
fn saving_a_story_as_the_reader_holds_it_keeps_its_stored_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let html = "<p>The walrus spoke at noon.</p>";
    let lazy = html_story("h", "Walrus", Some(NOW), html);
    let plain = story("p", "Plain", Some(NOW - 1));
    store
        .save_source(
            FEED,
            &[lazy.clone(), plain.clone()],
            NOW,
            Retention::default(),
        )
        .unwrap();
    store.index_pending(usize::MAX).unwrap();
    let bodies = |store: &Store| {
        [&lazy, &plain].map(|s| store.load_body(&story_key(FEED, s)).unwrap().unwrap())
    };
    let before = bodies(&store);

    // The reader holds stories without their text (`Pending::Stored`), as `load_source` gave
    // them; saving them so (the same, or retitled) must not wipe what is stored.
    let held = held_stories(&store);
    assert_eq!(
        store
            .save_source(FEED, &held, NOW + 60, Retention::default())
            .unwrap(),
        0
    );
    assert_eq!(bodies(&store), before);
    assert_eq!(
        store.index_pending(usize::MAX).unwrap(),
        0,
        "nothing changed"
    );

    let retitled: Vec<Story> = held
        .into_iter()
        .map(|s| Story {
            title: format!("{} (updated)", s.title),
            ..s
        })
        .collect();
    store
        .save_source(FEED, &retitled, NOW + 120, Retention::default())
        .unwrap();
    assert_eq!(bodies(&store), before, "a new title keeps the text");
    let listed = store.load_source(FEED).unwrap();
    assert_eq!(titles(&listed), ["Walrus (updated)", "Plain (updated)"]);
    assert!(listed.iter().all(|s| s.story.pending == Pending::Stored));
    store.index_pending(usize::MAX).unwrap();
    assert_eq!(found(&store, "walrus noon"), [story_key(FEED, &lazy)]);
    assert_eq!(found(&store, "updated").len(), 2);
}

#[test]
fn the_index_catches_up_in_chunks_and_a_changed_text_leaves_it_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let stories: Vec<Story> = (0..5)
        .map(|i| Story {
            paragraphs: vec![Paragraph::plain(format!("Penguin number {i} met a zebra."))],
            ..story(&format!("g{i}"), &format!("Story {i}"), Some(NOW - i))
        })
        .collect();
    let keys: Vec<String> = stories.iter().map(|s| story_key(FEED, s)).collect();
    let mut all = keys.clone();
    all.sort();
    store
        .save_source(FEED, &stories, NOW, Retention::default())
        .unwrap();
    assert!(
        found(&store, "penguin").is_empty(),
        "indexed behind the save"
    );
    assert_eq!(store.index_pending(2).unwrap(), 2);
    assert_eq!(store.index_pending(2).unwrap(), 2);
    assert_eq!(store.index_pending(2).unwrap(), 1);
    assert_eq!(store.index_pending(2).unwrap(), 0, "done");
    assert_eq!(found(&store, "penguin zebra"), all);
    assert_eq!(found(&store, "story"), all);

    // A changed text is out of the index with the save, and back in once indexed.
    let mut changed = stories.clone();
    changed[0].paragraphs = vec![Paragraph::plain("Penguin number 0 met a yak.".to_string())];
    changed[1].title = "Retitled one".into();
    store
        .save_source(FEED, &changed, NOW + 60, Retention::default())
        .unwrap();
    // Both changed rows leave the index whole (title and text) until they are indexed again.
    assert_eq!(
        found(&store, "zebra"),
        all[2..],
        "the old text is gone at once"
    );
    assert!(
        !found(&store, "story").contains(&keys[1]),
        "the old title is gone"
    );
    assert!(found(&store, "yak").is_empty(), "not indexed yet");
    assert!(found(&store, "retitled").is_empty(), "not indexed yet");
    assert_eq!(store.index_pending(100).unwrap(), 2);
    assert_eq!(found(&store, "yak"), [keys[0].clone()]);
    assert_eq!(found(&store, "retitled"), [keys[1].clone()]);
    assert_eq!(
        found(&store, "zebra"),
        all[1..],
        "the retitled story's text is back"
    );
    assert_eq!(found(&store, "penguin").len(), 5);
    assert_eq!(store.index_pending(100).unwrap(), 0);
    // Marks are no change of text: nothing to index again.
    store.set_marks(&[(keys[2].clone(), true, true)]).unwrap();
    assert_eq!(store.index_pending(100).unwrap(), 0);
}

#[test]
fn load_sources_gives_each_source_as_load_source_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let (a, b, c) = (
        "https://a.example/feed",
        "https://b.example/feed",
        "edition:c",
    );
    // Saved interleaved, so the sources' rows are mixed in the table.
    for round in 0..3i64 {
        for source in [a, b, c] {
            let stories: Vec<Story> = (0..3i64)
                .map(|i| {
                    let n = round * 3 + i;
                    let published = (n % 4 != 3).then_some(NOW - (n * 37) % 11);
                    story(
                        &format!("{source}-{n}"),
                        &format!("{source} {n}"),
                        published,
                    )
                })
                .collect();
            store
                .save_source(source, &stories, NOW, Retention::default())
                .unwrap();
        }
    }
    store
        .set_marks(&[(
            story_key(a, &story(&format!("{a}-4"), "", None)),
            true,
            true,
        )])
        .unwrap();
    let wanted = [
        c.to_string(),
        a.to_string(),
        "https://none.example/".to_string(),
    ];
    let lists = store.load_sources(&wanted).unwrap();
    assert_eq!(lists.len(), 3);
    assert_eq!(lists[0], store.load_source(c).unwrap());
    assert_eq!(lists[1], store.load_source(a).unwrap());
    assert!(lists[2].is_empty());
    assert_eq!(lists[0].len(), 9);
    assert_eq!(lists[1].len(), 9);
    assert!(
        lists[1].iter().any(|s| s.read && s.starred),
        "marks come too"
    );
    assert!(
        lists.iter().flatten().all(|s| !s.key.starts_with(b)),
        "another source's stories"
    );
}

#[test]
fn load_newest_gives_the_newest_of_each_source_in_load_source_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let (a, b) = ("https://a.example/feed", "https://b.example/feed");
    // Dated out of order, two on one date.
    let dates = [5, 9, 1, 7, 3, 9, 8];
    let dated: Vec<Story> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| story(&format!("a{i}"), &format!("A{i} on {d}"), Some(NOW + d)))
        .collect();
    store
        .save_source(a, &dated, NOW, Retention::default())
        .unwrap();
    store
        .save_source(
            b,
            &[story("b0", "B0", Some(NOW))],
            NOW,
            Retention::default(),
        )
        .unwrap();
    let sources = [a.to_string(), b.to_string()];
    let all = store.load_sources(&sources).unwrap();
    assert_eq!(
        titles(&all[0]),
        ["A1 on 9", "A5 on 9", "A6 on 8", "A3 on 7", "A0 on 5", "A4 on 3", "A2 on 1"]
    );
    // The newest of all sources together: B's one story is the oldest.
    let newest = store.load_newest(&sources, 3).unwrap();
    assert_eq!(newest.len(), 2);
    assert_eq!(titles(&newest[0]), ["A1 on 9", "A5 on 9", "A6 on 8"]);
    assert!(newest[1].is_empty());
    for n in 0..=8 {
        let newest = store.load_newest(&sources, n).unwrap();
        assert_eq!(newest[0], all[0][..n.min(7)], "the {n} newest: A's");
        assert_eq!(
            newest[1],
            all[1][..usize::from(n >= 8)],
            "the {n} newest: B's"
        );
    }
    // A source not asked for is passed over, not counted.
    let newest = store.load_newest(&sources[1..], 1).unwrap();
    assert_eq!(titles(&newest[0]), ["B0"]);
}

#[test]
fn load_newest_keeps_undated_stories_in_feed_order_after_dated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    // Many feeds give no dates: their stories list in feed order, on the first run and after.
    let stories = vec![
        story("u1", "Undated first", None),
        story("d", "Dated", Some(NOW)),
        story("u2", "Undated second", None),
        story("u3", "Undated third", None),
    ];
    store
        .save_source(FEED, &stories, NOW, Retention::default())
        .unwrap();
    let all = store.load_source(FEED).unwrap();
    assert_eq!(
        titles(&all),
        ["Dated", "Undated first", "Undated second", "Undated third"]
    );
    let newest = store.load_newest(&[FEED.to_string()], 10).unwrap();
    assert_eq!(titles(&newest[0]), titles(&all));
    let newest = store.load_newest(&[FEED.to_string()], 3).unwrap();
    assert_eq!(titles(&newest[0]), titles(&all[..3]));
}

// ---------------------------------------------------------------------------------------------
// Schema 4: bodies stored compressed, as BLOBs; the TEXT bodies of schema 3 still read.

/// SQLite's type for the stored body of `key`, and its length in bytes.
fn stored_body(dir: &Path, key: &str) -> (String, i64) {
    raw(dir)
        .query_row(
            "SELECT typeof(b.body), length(CAST(b.body AS BLOB))
             FROM stories s JOIN bodies b ON b.id = s.id WHERE s.key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn page_size(dir: &Path) -> i64 {
    raw(dir)
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn bodies_are_stored_as_compressed_blobs_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let html = "<p>The walrus <b>spoke</b> at noon; the penguins listened.</p>".repeat(40);
    let lazy = html_story("h", "Walrus", Some(NOW), &html);
    let plain = Story {
        paragraphs: vec![
            Paragraph::plain("Zebras cross the road. ".repeat(50)),
            Paragraph {
                text: "Héllo world".into(),
                kind: ParagraphKind::Heading,
                spans: vec![Span {
                    range: 7..12,
                    style: Inline::Link(1),
                }],
            },
        ],
        references: vec!["https://example.com/zebras".into()],
        ..story("p", "Plain", Some(NOW - 1))
    };
    let stories = [lazy.clone(), plain.clone()];
    store
        .save_source(FEED, &stories, NOW, Retention::default())
        .unwrap();

    // The JSON of each body is longer than its text alone.
    let text_len = |s: &Story| match &s.pending {
        Pending::Html { html, .. } => html.len(),
        _ => s.paragraphs.iter().map(|p| p.text.len()).sum(),
    };
    for s in &stories {
        let (kind, len) = stored_body(dir.path(), &story_key(FEED, s));
        assert_eq!(kind, "blob", "{}", s.title);
        assert!(
            (len as usize) * 4 < text_len(s),
            "{}: {len} bytes stored for {} bytes of text",
            s.title,
            text_len(s)
        );
    }
    assert_eq!(page_size(dir.path()), 16384, "a new database's pages");

    let converted = gazette::html::html_to_text(&html, Some("https://example.com/news/"));
    let load = |store: &Store, s: &Story| store.load_body(&story_key(FEED, s)).unwrap().unwrap();
    assert_eq!(load(&store, &lazy).0, converted.paragraphs);
    assert_eq!(
        load(&store, &plain),
        (plain.paragraphs.clone(), plain.references.clone())
    );
    assert_eq!(
        search(&mut store, "walrus noon", 10),
        [story_key(FEED, &lazy)]
    );
    assert_eq!(search(&mut store, "zebras", 10), [story_key(FEED, &plain)]);

    // The same stories again change nothing: stored and new bodies compare as JSON.
    assert_eq!(
        store
            .save_source(FEED, &stories, NOW + 60, Retention::default())
            .unwrap(),
        0
    );
    assert_eq!(
        store.index_pending(usize::MAX).unwrap(),
        0,
        "nothing changed"
    );
    // A changed text replaces the stored one.
    let changed = Story {
        paragraphs: vec![Paragraph::plain("Zebras went home.")],
        ..plain.clone()
    };
    store
        .save_source(
            FEED,
            &[lazy.clone(), changed.clone()],
            NOW + 120,
            Retention::default(),
        )
        .unwrap();
    assert_eq!(store.index_pending(usize::MAX).unwrap(), 1);
    assert_eq!(load(&store, &changed).0, changed.paragraphs);
    assert_eq!(found(&store, "home"), [story_key(FEED, &plain)]);
    assert_eq!(found(&store, "road"), Vec::<String>::new());
}

/// The migrations to schema 3 as gazette released them (`src/store/schema.rs`, steps 0 to 2).
const SCHEMA_3: &str = "
    PRAGMA application_id = 1734441573;
    CREATE TABLE stories (
        id         INTEGER PRIMARY KEY,
        source     TEXT NOT NULL,
        key        TEXT NOT NULL UNIQUE,
        guid       TEXT,
        link       TEXT,
        title      TEXT NOT NULL,
        published  INTEGER,
        author     TEXT,
        body       TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        read       INTEGER NOT NULL DEFAULT 0,
        starred    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX stories_source_published ON stories (source, published);
    CREATE INDEX stories_source_link ON stories (source, link);
    CREATE VIRTUAL TABLE stories_fts USING fts5 (
        title, body,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO stories_fts (stories_fts, rank) VALUES ('hashsize', 16777216);
    CREATE TABLE sources (
        source        TEXT PRIMARY KEY,
        title         TEXT,
        etag          TEXT,
        last_modified TEXT
    );
    ALTER TABLE stories ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE stories ADD COLUMN has_text INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX stories_unindexed ON stories (id) WHERE NOT indexed;
    CREATE TABLE bodies (
        id   INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
        body TEXT NOT NULL
    );
    INSERT INTO bodies (id, body) SELECT id, body FROM stories;
    UPDATE stories SET has_text = (body <> '{}');
    ALTER TABLE stories DROP COLUMN body;
    PRAGMA user_version = 3;";

#[test]
fn a_schema_3_database_with_text_bodies_is_read_searched_and_saved_again() {
    let dir = tempfile::tempdir().unwrap();
    let plain = story("a", "Aardvark", Some(NOW));
    let lazy = html_story(
        "h",
        "Walrus",
        Some(NOW - 1),
        "<p>The walrus spoke at noon.</p>",
    );
    let headline = Story {
        paragraphs: Vec::new(),
        ..story("n", "Headline only", Some(NOW - 2))
    };
    // As gazette with schema 3 left them: JSON bodies as TEXT, the first story read and indexed,
    // the second saved but not indexed yet.
    {
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        conn.execute_batch(SCHEMA_3).unwrap();
        let rows = [
            (
                1,
                &plain,
                r#"{"paragraphs":[{"text":"Text of Aardvark."}]}"#,
                1,
                1,
                1,
            ),
            (
                2,
                &lazy,
                r#"{"html":"<p>The walrus spoke at noon.</p>","base":"https://example.com/news/"}"#,
                0,
                0,
                1,
            ),
            (3, &headline, "{}", 0, 1, 0),
        ];
        for (id, s, body, read, indexed, has_text) in rows {
            conn.execute(
                "INSERT INTO stories (id, source, key, guid, title, published, fetched_at, read,
                 indexed, has_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                rusqlite::params![
                    id,
                    FEED,
                    story_key(FEED, s),
                    s.id,
                    s.title,
                    s.published,
                    NOW - 3600,
                    read,
                    indexed,
                    has_text
                ],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO bodies (id, body) VALUES (?1, ?2)",
                rusqlite::params![id, body],
            )
            .unwrap();
        }
        for (id, title, text) in [
            (1, "Aardvark", "Text of Aardvark."),
            (3, "Headline only", ""),
        ] {
            conn.execute(
                "INSERT INTO stories_fts (rowid, title, body) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, title, text],
            )
            .unwrap();
        }
    }
    let key = |s: &Story| story_key(FEED, s);

    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(user_version(&dir.path().join(DB_FILE)), SCHEMA_VERSION);
    assert_eq!(page_size(dir.path()), 4096, "an older file keeps its pages");
    let stored = load_full(&store, FEED);
    assert_eq!(titles(&stored), ["Aardvark", "Walrus", "Headline only"]);
    assert_eq!(stored[0].story.paragraphs, plain.paragraphs);
    assert!(stored[0].read);
    let converted = gazette::html::html_to_text(
        "<p>The walrus spoke at noon.</p>",
        Some("https://example.com/news/"),
    );
    assert_eq!(stored[1].story.paragraphs, converted.paragraphs);
    assert!(stored[2].story.paragraphs.is_empty());
    // The TEXT bodies are indexed from their text: every row, as schema 10 indexes all again.
    assert_eq!(store.index_pending(usize::MAX).unwrap(), 3);
    assert_eq!(found(&store, "walrus noon"), [key(&lazy)]);
    assert_eq!(found(&store, "aardvark"), [key(&plain)]);
    for s in [&plain, &lazy, &headline] {
        assert_eq!(
            stored_body(dir.path(), &key(s)).0,
            "text",
            "nothing migrated"
        );
    }

    // Saving the same stories again changes nothing: a TEXT body and a new body of the same JSON
    // are the same text.
    let all = [plain.clone(), lazy.clone(), headline.clone()];
    assert_eq!(
        store
            .save_source(FEED, &all, NOW, Retention::default())
            .unwrap(),
        0
    );
    assert_eq!(
        store.index_pending(usize::MAX).unwrap(),
        0,
        "nothing changed"
    );
    assert_eq!(stored_body(dir.path(), &key(&plain)).0, "text");

    // A changed text is written compressed; a story held without its text keeps the TEXT body.
    let revised = Story {
        paragraphs: vec![Paragraph::plain("The aardvark was revised.")],
        ..plain.clone()
    };
    let held: Vec<Story> = store
        .load_source(FEED)
        .unwrap()
        .into_iter()
        .filter(|s| s.key == key(&lazy))
        .map(|s| Story {
            title: "Walrus (updated)".into(),
            ..s.story
        })
        .collect();
    let fresh = story("b", "Badger", Some(NOW + 1));
    let mut saving = vec![revised.clone(), fresh.clone(), headline.clone()];
    saving.extend(held);
    assert_eq!(
        store
            .save_source(FEED, &saving, NOW + 60, Retention::default())
            .unwrap(),
        1
    );
    assert_eq!(stored_body(dir.path(), &key(&plain)).0, "blob");
    assert_eq!(stored_body(dir.path(), &key(&fresh)).0, "blob");
    assert_eq!(stored_body(dir.path(), &key(&lazy)).0, "text");
    let stored = load_full(&store, FEED);
    assert_eq!(
        titles(&stored),
        ["Badger", "Aardvark", "Walrus (updated)", "Headline only"]
    );
    assert_eq!(stored[1].story.paragraphs, revised.paragraphs);
    assert!(stored[1].read, "marks are kept");
    assert_eq!(stored[2].story.paragraphs, converted.paragraphs);
    store.index_pending(usize::MAX).unwrap();
    assert_eq!(found(&store, "revised"), [key(&plain)]);
    assert_eq!(found(&store, "walrus updated"), [key(&lazy)]);
    assert_eq!(found(&store, "badger"), [key(&fresh)]);
}

#[test]
fn a_damaged_compressed_body_is_an_error_naming_the_story() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let victim = story("v", "Victim", Some(NOW));
    let other = story("o", "Other", Some(NOW - 1));
    let both = [victim.clone(), other.clone()];
    store
        .save_source(FEED, &both, NOW, Retention::default())
        .unwrap();
    store.index_pending(usize::MAX).unwrap();
    let key = story_key(FEED, &victim);
    let good = store.load_body(&key).unwrap().unwrap();

    let mut wrong_length = lz4_flex::block::compress_prepend_size(b"{}");
    wrong_length[0] = 9;
    let damages: [(&str, Vec<u8>); 6] = [
        ("claims 4 GiB", vec![0xFF, 0xFF, 0xFF, 0xFF, 0x10, b'x']),
        ("claims 64 MiB and a byte", {
            let mut blob = (64u32 << 20).wrapping_add(1).to_le_bytes().to_vec();
            blob.extend_from_slice(b"\x10x");
            blob
        }),
        ("not LZ4", [&[40, 0, 0, 0][..], &[0xF0; 12]].concat()),
        ("shorter than its length", vec![3, 0]),
        ("another length than it claims", wrong_length),
        (
            "not UTF-8",
            lz4_flex::block::compress_prepend_size(b"{\"html\":\"caf\xe9\"}"),
        ),
    ];
    for (what, blob) in damages {
        let conn = raw(dir.path());
        let id: i64 = conn
            .query_row("SELECT id FROM stories WHERE key = ?1", [&key], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute(
            "UPDATE bodies SET body = ?2 WHERE id = ?1",
            rusqlite::params![id, blob],
        )
        .unwrap();
        // As if just saved: the index reads the body too.
        conn.execute("DELETE FROM stories_fts_0 WHERE rowid = ?1", [id])
            .unwrap();
        conn.execute("UPDATE stories SET indexed = 0 WHERE id = ?1", [id])
            .unwrap();
        drop(conn);

        let error = store
            .load_body(&key)
            .err()
            .unwrap_or_else(|| panic!("{what}: read a damaged body"))
            .to_string();
        let path = dir.path().join(DB_FILE);
        assert!(
            error.starts_with(&format!(
                "{}: the body of {key:?} is damaged: ",
                path.display()
            )),
            "{what}: {error}"
        );
        assert!(!error.contains('\n'), "{what}: {error}");
        assert_eq!(
            store.load_body(&story_key(FEED, &other)).unwrap(),
            Some((other.paragraphs.clone(), Vec::new())),
            "{what}"
        );
        // The index takes the damaged story by its title alone.
        assert_eq!(store.index_pending(usize::MAX).unwrap(), 1, "{what}");
        assert_eq!(
            found(&store, "victim"),
            std::slice::from_ref(&key),
            "{what}"
        );
        // Saved as the reader holds it (without its text), it stays as it is, damaged.
        let held = held_stories(&store);
        store
            .save_source(FEED, &held, NOW + 60, Retention::default())
            .unwrap();
        assert!(store.load_body(&key).is_err(), "{what}");
        assert_eq!(store.index_pending(usize::MAX).unwrap(), 0, "{what}");
    }
    // Saved again from its feed, the story gets its text back.
    store
        .save_source(FEED, &both, NOW + 120, Retention::default())
        .unwrap();
    assert_eq!(store.load_body(&key).unwrap().unwrap(), good);
    assert_eq!(stored_body(dir.path(), &key).0, "blob");
    store.index_pending(usize::MAX).unwrap();
    assert_eq!(found(&store, "text victim"), [key]);
}
