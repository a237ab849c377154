//! A refresh of many feeds saved in one transaction (`Store::save_sources`, as `--list` does), and
//! feeds parsed lazily (long HTML bodies converted when opened): the store ends up holding what
//! saving them one by one, converted, would have given.

use gazette::feed::{parse_feed, parse_feed_lazily};
use gazette::news::Pending;
use gazette::store::{Retention, SourceInfo, SourceSave, Store};

const NOW: i64 = 1_750_000_000;

fn feed(name: &str, items: usize) -> Vec<u8> {
    let body = "&lt;p&gt;A long paragraph of the story, long enough to be kept as HTML until it \
                is opened, and then some more words to be sure of that: harbour, tide, ferry, \
                lighthouse, council, budget.&lt;/p&gt;&lt;p&gt;A second paragraph.&lt;/p&gt;"
        .repeat(3);
    let items: String = (0..items)
        .map(|i| {
            format!(
                "<item><title>{name} {i}</title><guid>{name}-{i}</guid>\
                 <link>https://{name}.example/{i}</link><description>{body}</description></item>"
            )
        })
        .collect();
    format!("<rss version=\"2.0\"><channel><title>{name}</title>{items}</channel></rss>")
        .into_bytes()
}

#[test]
fn many_feeds_saved_together_read_back_as_saved_one_by_one() {
    let (together, apart) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let names = ["alpha", "beta", "gamma"];
    let lazy: Vec<_> = names
        .iter()
        .map(|n| parse_feed_lazily(&feed(n, 4), Some("https://x.example/"), None).unwrap())
        .collect();
    assert!(
        lazy[0]
            .stories
            .iter()
            .all(|s| matches!(s.pending, Pending::Html { .. })),
        "long bodies are left as HTML"
    );
    let info = |i: usize| SourceInfo {
        title: Some(names[i].to_string()),
        etag: Some(format!("\"e{i}\"")),
        last_modified: None,
    };
    let infos: Vec<SourceInfo> = (0..names.len()).map(info).collect();
    let saves: Vec<SourceSave<'_>> = names
        .iter()
        .zip(&lazy)
        .zip(&infos)
        .map(|((name, parsed), info)| SourceSave {
            source: name,
            stories: &parsed.stories,
            info,
        })
        .collect();
    let mut store = Store::open(together.path()).unwrap();
    store
        .save_sources(&saves, NOW, Retention::default())
        .unwrap();

    let mut one_by_one = Store::open(apart.path()).unwrap();
    for (i, name) in names.iter().enumerate() {
        let eager = parse_feed(&feed(name, 4), Some("https://x.example/")).unwrap();
        one_by_one
            .save_source(name, &eager.stories, NOW, Retention::default())
            .unwrap();
        one_by_one.set_source_info(name, &infos[i]).unwrap();
    }
    for name in names {
        let a = store.load_source(name).unwrap();
        let b = one_by_one.load_source(name).unwrap();
        assert_eq!(a.len(), 4);
        let keys =
            |s: &[gazette::store::StoredStory]| s.iter().map(|s| s.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&a), keys(&b));
        for (x, y) in a.iter().zip(&b) {
            // The HTML kept lazily converts, when opened, to the text converted at once.
            assert_eq!(
                store.load_body(&x.key).unwrap(),
                one_by_one.load_body(&y.key).unwrap()
            );
            assert!(store.load_body(&x.key).unwrap().unwrap().0.len() >= 2);
        }
        assert_eq!(
            store.source_info(name).unwrap(),
            one_by_one.source_info(name).unwrap()
        );
    }
}

#[test]
fn a_batch_that_fails_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let parsed = parse_feed(&feed("alpha", 2), None).unwrap();
    let info = SourceInfo::default();
    let saves = [SourceSave {
        source: "alpha",
        stories: &parsed.stories,
        info: &info,
    }];
    // The file made read-only under the store: the one transaction fails as a whole.
    let db = dir.path().join("gazette.db");
    let read_only = rusqlite::Connection::open(&db).unwrap();
    read_only.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let error = store
        .save_sources(&saves, NOW, Retention::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("saving 1 feeds"), "{error}");
    read_only.execute_batch("ROLLBACK").unwrap();
    assert!(store.load_source("alpha").unwrap().is_empty());
    store
        .save_sources(&saves, NOW, Retention::default())
        .unwrap();
    assert_eq!(store.load_source("alpha").unwrap().len(), 2);
}

#[test]
fn a_failed_fetch_keeps_the_last_good_one_and_a_good_one_clears_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.fetch_state("alpha").unwrap(), (None, None));
    store.note_fetches(&[("alpha".into(), None)], NOW).unwrap();
    assert_eq!(store.fetch_state("alpha").unwrap(), (Some(NOW), None));
    let failed = (
        "alpha".to_string(),
        Some("HTTP 503 Service Unavailable".to_string()),
    );
    store.note_fetches(&[failed], NOW + 60).unwrap();
    assert_eq!(
        store.fetch_state("alpha").unwrap(),
        (Some(NOW), Some("HTTP 503 Service Unavailable".into()))
    );
    store
        .note_fetches(&[("alpha".into(), None)], NOW + 120)
        .unwrap();
    assert_eq!(store.fetch_state("alpha").unwrap(), (Some(NOW + 120), None));
}
