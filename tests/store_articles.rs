//! Reader mode's articles in the store (schema 5): saved for a story, read back whole, searched
//! with it, carried when the story is stored afresh, and dropped with it.

use gazette::article::Article;
use gazette::news::{Paragraph, Story};
use gazette::store::{story_key, Retention, Store};

const FEED: &str = "https://wire.example/feed.xml";

fn story(id: &str, title: &str) -> Story {
    Story {
        title: title.into(),
        id: Some(id.into()),
        link: Some(format!("https://wire.example/{id}")),
        published: Some(1_000),
        paragraphs: vec![Paragraph::plain("A one-line summary.")],
        ..Story::default()
    }
}

fn article() -> Article {
    Article {
        url: "https://wire.example/1".into(),
        title: "The harbour, at length".into(),
        byline: Some("A. Reporter".into()),
        published: Some(900),
        site_name: Some("Wire".into()),
        paragraphs: vec![
            Paragraph::plain("Quayside cranes returned to work on Monday."),
            Paragraph::plain("See the notice [1]."),
        ],
        references: vec!["https://port.example/notice".into()],
        page_bytes: 12_345,
        words: 11,
    }
}

#[test]
fn an_article_is_kept_searched_and_dropped_with_its_story() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let first = story("1", "Harbour");
    let key = story_key(FEED, &first);
    store
        .save_source(FEED, std::slice::from_ref(&first), 10, Retention::default())
        .unwrap();
    assert_eq!(store.load_article(&key).unwrap(), None);
    assert!(!store.save_article("no such key", &article()).unwrap());
    assert!(store.save_article(&key, &article()).unwrap());
    assert_eq!(store.load_article(&key).unwrap(), Some(article()));

    // Searched with the story once indexed.
    while store.index_pending(100).unwrap() > 0 {}
    assert_eq!(
        store.search("quayside cranes", 10).unwrap(),
        std::slice::from_ref(&key)
    );

    // A refresh bringing the story again (changed) keeps it.
    let mut changed = first.clone();
    changed.paragraphs = vec![Paragraph::plain("An updated summary.")];
    store
        .save_source(
            FEED,
            std::slice::from_ref(&changed),
            20,
            Retention::default(),
        )
        .unwrap();
    assert_eq!(store.load_article(&key).unwrap(), Some(article()));
    while store.index_pending(100).unwrap() > 0 {}
    assert_eq!(
        store.search("quayside", 10).unwrap(),
        std::slice::from_ref(&key)
    );

    // Stored afresh under a new guid (same link): carried to the new row.
    let mut moved = changed.clone();
    moved.id = Some("1b".into());
    let new_key = story_key(FEED, &moved);
    store
        .save_source(FEED, std::slice::from_ref(&moved), 30, Retention::default())
        .unwrap();
    assert_ne!(new_key, key);
    assert_eq!(store.load_article(&new_key).unwrap(), Some(article()));

    // Dropped with its story (retention keeps one per feed: the newer story stays).
    let newer = Story {
        published: Some(5_000),
        ..story("2", "Council")
    };
    let keep_one = Retention {
        max_per_source: Some(1),
        max_age_days: None,
    };
    store
        .save_source(FEED, std::slice::from_ref(&newer), 40, keep_one)
        .unwrap();
    assert_eq!(store.load_article(&new_key).unwrap(), None);
    while store.index_pending(100).unwrap() > 0 {}
    assert!(store.search("quayside", 10).unwrap().is_empty());
}
