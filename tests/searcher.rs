//! The search thread's searcher (`store::Searcher`): the index's row ids turned into the reader's
//! list positions through a table filled from the rows (read as they are saved) and the list's
//! keys (told as stories are listed), kept right while another connection saves, moves a story
//! to a new key, and deletes rows, whichever side is known first.

use std::collections::BTreeSet;

use gazette::news::{Paragraph, Story};
use gazette::store::{key_hash, story_key, Retention, Searcher, Store};

const FEED: &str = "https://example.com/feed.xml";
const NOW: i64 = 1_800_000_000;

fn story(guid: &str, link: Option<&str>, title: &str, published: i64) -> Story {
    Story {
        title: title.into(),
        paragraphs: vec![Paragraph::plain(format!("The text of {title}."))],
        published: Some(published),
        id: Some(guid.to_string()),
        link: link.map(str::to_string),
        ..Story::default()
    }
}

/// The reader's list, as the searcher is told of it: story keys by position.
#[derive(Default)]
struct List {
    keys: Vec<String>,
    told: usize,
}

impl List {
    fn add(&mut self, stories: &[Story]) {
        self.keys.extend(stories.iter().map(|s| story_key(FEED, s)));
    }

    /// Tells the searcher of the keys listed since the last time.
    fn tell(&mut self, searcher: &mut Searcher) {
        let new = (self.told..self.keys.len()).map(|i| (i as u32, key_hash(&self.keys[i])));
        searcher.place(new.collect());
        self.told = self.keys.len();
    }

    /// The keys at the searcher's positions.
    fn keys(&self, positions: Vec<u32>) -> BTreeSet<String> {
        positions
            .into_iter()
            .map(|p| self.keys[p as usize].clone())
            .collect()
    }
}

/// A new store, a searcher on it and an empty list (the directory kept while the test runs).
fn fresh() -> (tempfile::TempDir, Store, Searcher, List) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let searcher = Searcher::open(dir.path()).unwrap();
    (dir, store, searcher, List::default())
}

/// What the index itself says, through the join with the stories table.
fn truth(store: &mut Store, query: &str) -> BTreeSet<String> {
    store.index_pending(usize::MAX).unwrap();
    store
        .search(query, usize::MAX)
        .unwrap()
        .into_iter()
        .collect()
}

#[test]
fn the_searcher_finds_what_the_index_finds_as_stories_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut searcher = Searcher::open(dir.path()).unwrap();
    searcher.catch_up().unwrap();
    let mut list = List::default();
    let words = ["river", "harbour", "summit"];
    for batch in 0..5 {
        let stories: Vec<Story> = (0..40)
            .map(|i| {
                let n = batch * 40 + i;
                let title = format!("{} story {n}", words[n % 3]);
                story(&format!("g{n}"), None, &title, NOW - n as i64)
            })
            .collect();
        store
            .save_source(FEED, &stories, NOW + batch as i64, Retention::default())
            .unwrap();
        // The reader hears of a batch before it is stored, or after: either way round.
        list.add(&stories);
        if batch % 2 == 0 {
            list.tell(&mut searcher);
        }
        searcher.catch_up().unwrap();
        list.tell(&mut searcher);
        for query in ["river", "harb", "summit story", "text", "nothing"] {
            let expected = truth(&mut store, query);
            assert_eq!(
                list.keys(searcher.search(query).unwrap()),
                expected,
                "{query:?} after batch {batch}"
            );
        }
    }
    assert_eq!(searcher.search("story").unwrap().len(), 200);
    assert!(searcher.search("  ").unwrap().is_empty());

    // Stories stored and not listed are not found.
    let unlisted = story("u1", None, "river unlisted", NOW);
    store
        .save_source(FEED, &[unlisted], NOW + 10, Retention::default())
        .unwrap();
    assert_eq!(truth(&mut store, "unlisted").len(), 1);
    assert!(searcher.search("unlisted").unwrap().is_empty());
}

#[test]
fn a_story_whose_key_changed_is_found_under_its_new_key_with_its_marks() {
    let (_dir, mut store, mut searcher, mut list) = fresh();
    let link = Some("https://example.com/lighthouse");
    let old = story("old-guid", link, "Lighthouse keeper retires", NOW);
    list.add(std::slice::from_ref(&old));
    list.tell(&mut searcher);
    store
        .save_source(FEED, std::slice::from_ref(&old), NOW, Retention::default())
        .unwrap();
    store.index_pending(usize::MAX).unwrap();
    let old_key = story_key(FEED, &old);
    store.set_marks(&[(old_key.clone(), true, true)]).unwrap();
    assert_eq!(
        list.keys(searcher.search("lighthouse").unwrap()),
        [old_key.clone()].into()
    );

    // The feed gives the story a new guid: matched by its link, it takes the new key.
    let new = story("new-guid", link, "Lighthouse keeper retires", NOW);
    store
        .save_source(
            FEED,
            std::slice::from_ref(&new),
            NOW + 60,
            Retention::default(),
        )
        .unwrap();
    let new_key = story_key(FEED, &new);
    assert_eq!(truth(&mut store, "lighthouse"), [new_key.clone()].into());
    // The reader merges the story into the same list position, under its new key.
    list.keys[0] = new_key.clone();
    searcher.place(vec![(0, key_hash(&new_key))]);
    assert_eq!(
        searcher.search("lighthouse").unwrap(),
        [0],
        "the story, once, at its place in the list"
    );
    let stored = store.load_source(FEED).unwrap();
    assert_eq!(stored.len(), 1, "one story, not two");
    assert_eq!(stored[0].key, new_key);
    assert!(
        stored[0].read && stored[0].starred,
        "the marks moved with it"
    );
}

#[test]
fn ids_of_deleted_stories_are_never_given_to_new_ones_while_the_searcher_knows_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut searcher = Searcher::open(dir.path()).unwrap();
    // Stored in this order, the oldest last: the rows with the highest ids are the oldest.
    let first = [
        story("a", None, "Alpha orchard", NOW),
        story("b", None, "Bravo orchard", NOW - 100),
        story("c", None, "Charlie orchard", NOW - 200),
    ];
    store
        .save_source(FEED, &first, NOW, Retention::default())
        .unwrap();
    store.index_pending(usize::MAX).unwrap();
    let mut list = List::default();
    list.add(&first);
    list.tell(&mut searcher);
    assert_eq!(searcher.search("orchard").unwrap().len(), 3);

    // Keeping one story per feed drops b and c, the rows with the highest ids; SQLite would give
    // their ids to the next rows.
    let keep_one = Retention {
        max_per_source: Some(1),
        max_age_days: None,
    };
    store
        .save_source(FEED, &first[..1], NOW + 1, keep_one)
        .unwrap();
    let later = [
        story("d", None, "Delta vineyard", NOW + 50),
        story("e", None, "Echo vineyard", NOW + 40),
    ];
    store
        .save_source(FEED, &later, NOW + 2, Retention::default())
        .unwrap();
    list.add(&later);
    list.tell(&mut searcher);
    let expected: BTreeSet<String> = later.iter().map(|s| story_key(FEED, s)).collect();
    assert_eq!(truth(&mut store, "vineyard"), expected);
    assert_eq!(list.keys(searcher.search("vineyard").unwrap()), expected);
    assert_eq!(
        list.keys(searcher.search("orchard").unwrap()),
        [story_key(FEED, &first[0])].into()
    );
}

#[test]
fn the_newest_matches_come_first_and_say_whether_there_are_more() {
    let (_dir, mut store, mut searcher, mut list) = fresh();
    for batch in 0..3 {
        let stories: Vec<Story> = (0..10)
            .map(|i| {
                let n = batch * 10 + i;
                story(
                    &format!("g{n}"),
                    None,
                    &format!("river story {n}"),
                    NOW + n as i64,
                )
            })
            .collect();
        store
            .save_source(FEED, &stories, NOW + batch as i64, Retention::default())
            .unwrap();
        list.add(&stories);
    }
    store.index_pending(usize::MAX).unwrap();
    list.tell(&mut searcher);

    // The last batch stored is the newest ten.
    let (positions, complete) = searcher.search_newest("river", 10).unwrap();
    assert!(!complete, "ten of thirty");
    let newest: BTreeSet<String> = list.keys[20..].iter().cloned().collect();
    assert_eq!(list.keys(positions), newest);

    let (positions, complete) = searcher.search_newest("river", 31).unwrap();
    assert!(complete);
    assert_eq!(positions.len(), 30);
    let (positions, complete) = searcher.search_newest("story 25", 10).unwrap();
    assert!(complete, "one match, fewer than asked");
    assert_eq!(
        list.keys(positions),
        BTreeSet::from([list.keys[25].clone()])
    );
    assert_eq!(searcher.search("river").unwrap().len(), 30);
}

#[test]
fn the_search_thread_answers_with_the_newest_matches_then_all_of_them() {
    use gazette::action::Action;
    use gazette::runtime::{spawn_searcher, Message, SearchRequest, FIRST_ANSWER};
    let (dir, _searcher, list) = stored(FIRST_ANSWER + 100);
    let (tx, rx) = std::sync::mpsc::channel();
    let requests = spawn_searcher(dir.path(), tx).unwrap();
    let keys = (0..list.keys.len()).map(|i| (i as u32, key_hash(&list.keys[i])));
    requests.send(SearchRequest::Place(keys.collect())).unwrap();
    requests
        .send(SearchRequest::Find(7, vec!["river".into()]))
        .unwrap();
    let next = || match rx.recv_timeout(std::time::Duration::from_secs(20)) {
        Ok(Message::App(action)) => action,
        other => panic!("an answer, not {other:?}"),
    };
    match next() {
        Action::TextResultsSoFar(7, positions) => assert_eq!(positions.len(), FIRST_ANSWER),
        other => panic!("the newest matches first, not {other:?}"),
    }
    match next() {
        Action::TextResults(7, positions) => assert_eq!(positions.len(), FIRST_ANSWER + 100),
        other => panic!("then all of them, not {other:?}"),
    }
    // Fewer matches than the first answer holds: one answer, whole.
    requests
        .send(SearchRequest::Find(8, vec!["river".into(), "2050".into()]))
        .unwrap();
    match next() {
        Action::TextResults(8, positions) => assert_eq!(positions.len(), 1),
        other => panic!("one whole answer, not {other:?}"),
    }
}

/// A store of `n` stories ("river story N", all matching "river"), listed in the order stored,
/// with the searcher told of them.
fn stored(n: usize) -> (tempfile::TempDir, Searcher, List) {
    let (dir, mut store, mut searcher, mut list) = fresh();
    let stories: Vec<Story> = (0..n)
        .map(|n| {
            let title = format!("river story {n}");
            story(&format!("g{n}"), None, &title, NOW + n as i64)
        })
        .collect();
    store
        .save_source(FEED, &stories, NOW, Retention::default())
        .unwrap();
    store.index_pending(usize::MAX).unwrap();
    list.add(&stories);
    list.tell(&mut searcher);
    (dir, searcher, list)
}

#[test]
fn a_streamed_search_answers_newest_first_and_tells_the_newest_once() {
    let (_dir, mut searcher, _list) = stored(6000);
    let mut told = Vec::new();
    let whole = searcher
        .search_streaming("river", 10, |first| told.push(first), || false)
        .unwrap()
        .expect("not abandoned");
    // Stored in list order, so newest stored first is the list backwards.
    let expected: Vec<u32> = (0..6000).rev().collect();
    assert_eq!(whole, expected);
    assert_eq!(told, vec![expected[..10].to_vec()], "the newest ten, once");
    // No more matches than the first answer holds: nothing told ahead of the whole answer.
    let mut told = 0;
    let whole = searcher.search_streaming("story 1234", 10, |_| told += 1, || false);
    assert_eq!(whole.unwrap(), Some(vec![1234]));
    assert_eq!(told, 0);
}

#[test]
fn a_streamed_search_stops_when_a_newer_query_waits() {
    let (_dir, mut searcher, _list) = stored(9000);
    let mut asked = 0;
    let newer = || {
        asked += 1;
        true
    };
    let whole = searcher
        .search_streaming("river", usize::MAX, |_| {}, newer)
        .unwrap();
    assert_eq!(whole, None, "abandoned");
    assert_eq!(asked, 1, "at the first chance (4,096 matches read)");
    // Asked and told no, it answers whole.
    let (whole, asked) = whole_answer(&mut searcher, "river");
    assert_eq!(whole.map(|w| w.len()), Some(9000));
    assert_eq!(asked, 2, "every 4,096 matches");
}

#[test]
fn the_index_is_split_by_row_id_and_read_newest_table_first() {
    let (dir, mut store, mut searcher, mut list) = fresh();
    let batch = |from: usize| -> Vec<Story> {
        (from..from + 3)
            .map(|n| {
                story(
                    &format!("g{n}"),
                    None,
                    &format!("river {n}"),
                    NOW + n as i64,
                )
            })
            .collect()
    };
    let older = batch(0);
    store
        .save_source(FEED, &older, NOW, Retention::default())
        .unwrap();
    // A row far ahead (as years of stories would leave) moves the next ids two tables on.
    let raw = rusqlite::Connection::open(dir.path().join(gazette::store::DB_FILE)).unwrap();
    let far = 2 * 131_072 + 7;
    raw.execute(
        "INSERT INTO stories (id, source, key, title, fetched_at) VALUES (?1, 'x', 'x', 'x', 0)",
        [far],
    )
    .unwrap();
    let newer_batch = batch(3);
    store
        .save_source(FEED, &newer_batch, NOW, Retention::default())
        .unwrap();
    raw.execute("DELETE FROM stories WHERE id = ?1", [far])
        .unwrap();
    assert_eq!(store.index_pending(usize::MAX).unwrap(), 6);
    let tables: Vec<String> = raw
        .prepare("SELECT name FROM sqlite_schema WHERE name GLOB 'stories_fts_[0-9]' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(tables, ["stories_fts_0", "stories_fts_2"]);
    list.add(&older);
    list.add(&newer_batch);
    list.tell(&mut searcher);

    // Newest first across the tables; asked once whether to go on, between them.
    let (whole, asked) = whole_answer(&mut searcher, "river");
    assert_eq!(whole, Some(vec![5, 4, 3, 2, 1, 0]));
    assert_eq!(asked, 1);
    // The newest two are told from the newest table; a newer query then stops the search
    // before the older table is read.
    let mut told = Vec::new();
    let whole = searcher.search_streaming("river", 2, |first| told.push(first), || true);
    assert_eq!(whole.unwrap(), None);
    assert_eq!(told, vec![vec![5, 4]]);
    // A story dropped by retention leaves its table.
    store
        .save_source(
            FEED,
            &newer_batch,
            NOW,
            Retention {
                max_per_source: Some(5),
                ..Retention::default()
            },
        )
        .unwrap();
    assert_eq!(searcher.search("river").unwrap(), vec![5, 4, 3, 2, 1]);
}

/// A streamed search of `query` with no first answer, told each time it asks that no newer query
/// waits: its answer, and how many times it asked.
fn whole_answer(searcher: &mut Searcher, query: &str) -> (Option<Vec<u32>>, usize) {
    let mut asked = 0;
    let whole = searcher.search_streaming(
        query,
        usize::MAX,
        |_| {},
        || {
            asked += 1;
            false
        },
    );
    (whole.unwrap(), asked)
}
