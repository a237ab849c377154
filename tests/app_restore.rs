//! The reader over stories restored from a real store as a compact list: the list gives the
//! stored titles, sources and dates; the index is told their rows, not their keys; an opened
//! story's link and author are asked of the store and shown; a refresh of the same entries adds
//! and changes nothing; the filter finds what `str::contains` finds.

use gazette::action::{Action, Effect, Effects};
use gazette::app::App;
use gazette::config::Config;
use gazette::feed::{FeedFetched, FeedUpdate, ParsedFeed};
use gazette::news::{Paragraph, Pending, Story};
use gazette::source::Library;
use gazette::store::{Retention, Store};

const FEED_URL: &str = "https://example.com/feed.xml";

/// Story `n` as the feed gives it.
fn entry(n: usize) -> Story {
    Story {
        title: format!("{} harbour story {n}", ["Storm", "Ferry", "Budget"][n % 3]),
        id: Some(format!("g{n}")),
        link: Some(format!("https://example.com/{n}")),
        author: Some(format!("Writer {n}")),
        published: Some(1_700_000_000 + n as i64 * 60),
        paragraphs: vec![Paragraph::plain(format!("Body of {n}."))],
        ..Story::default()
    }
}

/// An app on the feed, its 40 entries stored, all restored (as the restorer gives them), with a
/// full-text index.
fn restored_app() -> (App, tempfile::TempDir) {
    let (app, _, dir) = restoring();
    (app, dir)
}

/// The same, with what the restore asked for.
fn restoring() -> (App, Effects, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let entries: Vec<Story> = (0..40).map(entry).collect();
    store
        .save_source(FEED_URL, &entries, 1_700_000_000, Retention::default())
        .unwrap();
    let mut library = Library::default();
    library.add_subscription(FEED_URL, None);
    let mut app = App::new(library, Config::defaults());
    app.indexed_search = true;
    app.update(Action::Resize(120, 30));
    let list = store.load_lists(&[FEED_URL.to_string()]).unwrap();
    let effects = app.update(Action::Restored(Box::new(list)));
    (app, effects, dir)
}

fn titles(app: &App) -> Vec<&str> {
    app.visible.iter().map(|&i| app.stories.title(i)).collect()
}

#[test]
fn restored_stories_are_listed_newest_first_and_placed_by_row() {
    let (app, effects, _dir) = restoring();
    let expected: Vec<String> = (0..40).rev().map(|n| entry(n).title).collect();
    assert_eq!(titles(&app), expected);
    for (row, &i) in app.visible.iter().enumerate() {
        let n = 39 - row;
        assert_eq!(app.stories.source(i), 0);
        assert_eq!(app.stories.published(i), entry(n).published);
        assert_eq!(app.key(i), format!("{FEED_URL}\u{1f}g{n}"));
    }
    let rows: Vec<&Effect> = (effects.iter())
        .filter(|e| matches!(e, Effect::PlaceRows(..) | Effect::PlaceKeys(_)))
        .collect();
    assert!(
        matches!(rows.as_slice(), [Effect::PlaceRows(0, rows)] if rows.len() == 40),
        "{rows:?}"
    );
}

#[test]
fn an_opened_restored_story_asks_for_its_link_and_author_and_shows_them() {
    let (mut app, _dir) = restored_app();
    let effects: Effects = app.update(Action::Down);
    let open = app.selected_story().unwrap();
    assert_eq!(app.stories.link(open), None, "not held for every story");
    let asked: Vec<&Effect> = (effects.iter())
        .filter(|e| matches!(e, Effect::LoadDetails(..)))
        .collect();
    assert_eq!(asked, [&Effect::LoadDetails(open, app.key(open))]);
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::LoadText(r) if r.pending == Pending::Stored)));

    let n = 38;
    let details = (entry(n).link, entry(n).author);
    app.update(Action::DetailsLoaded(open, Box::new(details)));
    assert_eq!(app.stories.link(open), Some("https://example.com/38"));
    let meta = app.story_meta(open).join("\n");
    assert!(meta.contains("by Writer 38") && meta.contains("Link: https://example.com/38"));
    let effects = app.update(Action::OpenLink);
    assert!(effects.contains(&Effect::Open("https://example.com/38".into())));
    // Asked once.
    let again = app.update(Action::ToggleRead);
    assert!(!again.iter().any(|e| matches!(e, Effect::LoadDetails(..))));
}

#[test]
fn a_refresh_of_the_same_entries_adds_and_changes_nothing() {
    let (mut app, _dir) = restored_app();
    let before = app.stories.clone();
    let lean: Vec<Story> = (0..40)
        .map(|n| Story {
            paragraphs: Vec::new(),
            pending: Pending::Stored,
            ..entry(n)
        })
        .collect();
    app.update(Action::RefreshAll);
    app.update(Action::FeedUpdated(Box::new(FeedUpdate {
        source: 0,
        outcome: Ok(FeedFetched::Parsed {
            feed: ParsedFeed {
                title: None,
                stories: lean,
                problem: None,
            },
            etag: None,
            last_modified: None,
        }),
    })));
    assert_eq!(app.stories.len(), 40);
    assert_eq!(app.stories, before, "no story taken for changed");
}

#[test]
fn the_filter_over_restored_stories_finds_what_contains_finds() {
    let (mut app, _dir) = restored_app();
    for query in ["storm", "Harbour", "ferry 3", "y 1", "zzz"] {
        app.update(Action::StartFilter);
        app.update(Action::FilterClear);
        for c in query.chars() {
            app.update(Action::FilterInput(c));
        }
        let expected: Vec<String> = (0..40)
            .rev()
            .map(|n| entry(n).title)
            .filter(|t| {
                let (t, q) = if query.chars().any(char::is_uppercase) {
                    (t.clone(), query.to_string())
                } else {
                    (t.to_lowercase(), query.to_lowercase())
                };
                q.split_whitespace().all(|w| t.contains(w))
            })
            .collect();
        assert_eq!(titles(&app), expected, "{query}");
    }
}
