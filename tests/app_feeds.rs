//! The app with feeds, driven by `Action`s: refreshes as effects, fetched stories merged without
//! moving the reader, errors, links, grouping.

use gazette::action::{Action, Effect, Effects};
use gazette::app::App;
use gazette::config::Config;
use gazette::feed::{FeedFetched, FeedUpdate, ParsedFeed};
use gazette::fetch::FetchRequest;
use gazette::news::{Paragraph, Story};
use gazette::source::Library;

/// The fetches an update asks for, if any.
fn fetches(effects: Effects) -> Option<Vec<FetchRequest>> {
    effects.into_iter().find_map(|e| match e {
        Effect::Fetch(requests) => Some(requests),
        _ => None,
    })
}

/// The list positions an update tells the index of.
fn placed(effects: &Effects) -> Vec<usize> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::PlaceKeys(keys) => Some(keys.iter().map(|(p, _)| *p as usize)),
            _ => None,
        })
        .flatten()
        .collect()
}

fn story(title: &str, id: &str, published: i64) -> Story {
    Story {
        title: title.into(),
        id: Some(id.into()),
        link: Some(format!("https://example.com/{id}")),
        published: Some(published),
        paragraphs: (0..30)
            .map(|i| {
                Paragraph::plain(format!(
                    "Paragraph {i} of {title}, long enough to wrap twice in a narrow pane."
                ))
            })
            .collect(),
        ..Story::default()
    }
}

fn parsed(stories: Vec<Story>, etag: &str) -> Action {
    Action::FeedUpdated(Box::new(FeedUpdate {
        source: 0,
        outcome: Ok(FeedFetched::Parsed {
            feed: ParsedFeed {
                title: Some("Example Wire".into()),
                stories,
                problem: None,
            },
            etag: Some(etag.into()),
            last_modified: None,
        }),
    }))
}

fn feed_app() -> App {
    let mut library = Library::default();
    library.add_subscription("https://example.com/feed.xml", None);
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(100, 30));
    app
}

fn titles(app: &App) -> Vec<&str> {
    app.visible.iter().map(|&i| app.stories.title(i)).collect()
}

#[test]
fn a_refresh_is_an_effect_and_its_result_fills_the_list_newest_first() {
    let mut app = feed_app();
    assert_eq!(
        app.editions[0].name, "example.com",
        "named after the host until the feed says"
    );
    let effect = app.update(Action::RefreshAll);
    let Some(requests) = fetches(effect.clone()) else {
        panic!("{effect:?}")
    };
    assert_eq!(
        requests,
        [FetchRequest {
            source: 0,
            url: "https://example.com/feed.xml".into(),
            etag: None,
            last_modified: None,
            ..Default::default()
        }]
    );
    assert!(app.refresh.is_some(), "progress shows while fetching");
    assert_eq!(
        fetches(app.update(Action::RefreshAll)),
        None,
        "no second fetch while one is under way"
    );

    app.update(parsed(
        vec![story("Older", "a", 100), story("Newer", "b", 200)],
        "v1",
    ));
    assert_eq!(titles(&app), ["Newer", "Older"]);
    assert_eq!(app.editions[0].name, "Example Wire");
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 1 feed: 2 new stories")
    );
    assert!(app.refresh.is_none());

    // The next request is conditional.
    let Some(requests) = fetches(app.update(Action::Refresh)) else {
        panic!()
    };
    assert_eq!(requests[0].etag.as_deref(), Some("v1"));
}

#[test]
fn new_stories_arrive_without_moving_the_selection_or_the_reading_place() {
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    app.update(parsed(
        vec![
            story("One", "1", 100),
            story("Two", "2", 200),
            story("Three", "3", 300),
        ],
        "v1",
    ));
    app.update(Action::Down); // "Two"
    app.update(Action::FocusStory);
    for _ in 0..7 {
        app.update(Action::Down);
    }
    let (selected, scroll) = (app.selected_story(), app.story_scroll);
    assert_eq!(app.stories.story(selected.unwrap()).title, "Two");

    app.update(Action::RefreshAll);
    let fresh = vec![
        story("Four", "4", 400),
        story("One", "1", 100),
        story("Two", "2", 200),
        story("Three", "3", 300),
    ];
    app.update(parsed(fresh, "v2"));
    assert_eq!(titles(&app), ["Four", "Three", "Two", "One"]);
    assert_eq!(app.selected_story(), selected, "still on the same story");
    assert_eq!(app.story_scroll, scroll, "still at the same place in it");
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 1 feed: 1 new story")
    );
}

#[test]
fn a_changed_entry_is_updated_in_place_and_keeps_its_read_state() {
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    app.update(parsed(
        vec![story("Draft title", "1", 100), story("Other", "2", 50)],
        "v1",
    ));
    assert!(
        !app.read()[0],
        "selected automatically, not opened by the user"
    );
    app.update(Action::ToggleRead);
    assert!(app.read()[0]);
    app.update(Action::RefreshAll);
    app.update(parsed(
        vec![story("Final title", "1", 100), story("Other", "2", 50)],
        "v2",
    ));
    assert_eq!(app.stories.len(), 2, "no duplicate");
    assert_eq!(app.stories.story(0).title, "Final title");
    assert!(app.read()[0]);
    assert_eq!(
        app.story_lines[0].text, "Final title",
        "the open story shows the new version"
    );
}

#[test]
fn failures_are_reported_per_feed_and_listed() {
    let mut library = Library::default();
    library.add_subscription("https://good.example/feed", Some("Good"));
    library.add_subscription("https://bad.example/feed", Some("Bad"));
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(100, 30));
    let Some(requests) = fetches(app.update(Action::RefreshAll)) else {
        panic!()
    };
    assert_eq!(requests.len(), 2);
    app.update(Action::FeedUpdated(Box::new(FeedUpdate {
        source: 1,
        outcome: Err("HTTP 404 Not Found".into()),
    })));
    assert!(app.refresh.is_some());
    app.update(parsed(vec![story("Fine", "1", 1)], "v1"));
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 2 feeds: 1 new story, 1 failed (E lists them)")
    );
    assert_eq!(app.feed_errors(), [("Bad", "HTTP 404 Not Found")]);
    app.update(Action::FeedErrors);
    assert!(app.show_errors);
    app.update(Action::Down);
    assert!(!app.show_errors, "any key closes it");
    assert_eq!(titles(&app), ["Fine"], "the good feed is read all the same");
}

#[test]
fn not_modified_changes_nothing_and_clears_an_old_error() {
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    app.update(Action::FeedUpdated(Box::new(FeedUpdate {
        source: 0,
        outcome: Err("timed out after 30 s".into()),
    })));
    assert_eq!(app.feed_errors().len(), 1);
    app.update(Action::RefreshAll);
    app.update(Action::FeedUpdated(Box::new(FeedUpdate {
        source: 0,
        outcome: Ok(FeedFetched::NotModified),
    })));
    assert!(app.feed_errors().is_empty());
    assert!(app.stories.is_empty());
}

#[test]
fn links_open_and_copy_only_when_they_are_web_links() {
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    let mut no_link = story("No link", "2", 50);
    no_link.link = None;
    app.update(parsed(vec![story("Linked", "1", 100), no_link], "v1"));
    // The first key reads the story on screen (its mark saved); then no more marks change.
    app.update(Action::FocusList);
    assert_eq!(
        app.update(Action::OpenLink),
        Effects::from(vec![Effect::Open("https://example.com/1".into())])
    );
    assert_eq!(
        app.update(Action::CopyLink),
        Effects::from(vec![Effect::Copy("https://example.com/1".into())])
    );
    app.update(Action::Down);
    assert!(app.update(Action::OpenLink).is_empty());
    assert_eq!(app.message.as_deref(), Some("This story has no web link."));
}

#[test]
fn grouping_by_source_and_back() {
    let mut library = Library::default();
    library.add_subscription("https://a.example/feed", Some("A"));
    library.add_subscription("https://b.example/feed", Some("B"));
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(100, 30));
    app.update(Action::RefreshAll);
    app.update(parsed(
        vec![story("A old", "a1", 100), story("A new", "a2", 300)],
        "x",
    ));
    app.update(Action::FeedUpdated(Box::new(FeedUpdate {
        source: 1,
        outcome: Ok(FeedFetched::Parsed {
            feed: ParsedFeed {
                title: None,
                stories: vec![story("B mid", "b1", 200)],
                problem: None,
            },
            etag: None,
            last_modified: None,
        }),
    })));
    assert_eq!(titles(&app), ["A new", "B mid", "A old"]);
    app.update(Action::ToggleGrouping);
    assert_eq!(titles(&app), ["A new", "A old", "B mid"]);
    app.update(Action::ToggleGrouping);
    assert_eq!(titles(&app), ["A new", "B mid", "A old"]);
}

#[test]
fn a_paste_into_the_filter_is_text_not_keys() {
    let mut app = App::new(Library::bundled(), Config::defaults());
    app.update(Action::Resize(100, 30));
    app.update(Action::StartFilter);
    assert!(app.update(Action::Paste("nato\rq".into())).is_empty());
    assert_eq!(app.query, "nato q");
    assert!(
        app.filtering,
        "the newline did not accept, the q did not quit"
    );
    app.update(Action::FilterClear);
    app.update(Action::Paste("nato".into()));
    assert_eq!(app.visible.len(), 2);
    app.update(Action::FilterAccept);
    app.update(Action::Paste("ukraine".into()));
    assert_eq!(app.query, "nato", "outside the prompt a paste does nothing");
}

#[test]
fn a_link_many_stories_share_does_not_merge_them_but_a_new_guid_alone_does() {
    let mut app = feed_app();
    let comic = |title: &str, id: &str, published: i64| Story {
        link: Some("https://example.com/comic".into()),
        ..story(title, id, published)
    };
    app.update(Action::RefreshAll);
    app.update(parsed(vec![comic("Comic day one", "c1", 100)], "v1"));
    app.update(Action::RefreshAll);
    app.update(parsed(
        vec![
            comic("Comic day two", "c2", 200),
            comic("Comic day one", "c1", 100),
        ],
        "v2",
    ));
    assert_eq!(
        titles(&app),
        ["Comic day two", "Comic day one"],
        "both kept"
    );
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 1 feed: 1 new story")
    );

    // The same story under a new guid (same link, alone in the feed) is updated, not doubled.
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    app.update(parsed(vec![story("Moved", "old-guid", 100)], "v1"));
    app.update(Action::ToggleStar);
    app.update(Action::RefreshAll);
    let mut moved = story("Moved", "new-guid", 100);
    moved.link = Some("https://example.com/old-guid".into());
    app.update(parsed(vec![moved], "v2"));
    assert_eq!(app.stories.len(), 1);
    assert_eq!(app.stories.story(0).id.as_deref(), Some("new-guid"));
    assert!(app.starred[0], "its marks stay with it");
}

// ---------------------------------------------------------------------------------------------
// Feed files read in parts, texts loaded when opened, stored stories restored after the first
// screen.

use gazette::news::Pending;
use gazette::reader::LOADING_NOTE;
use gazette::store::{story_key, StoredStory};

const FEED_URL: &str = "https://example.com/feed.xml";

/// One part of a feed file being read: more follow.
fn part(stories: Vec<Story>) -> Action {
    Action::FeedBatch(Box::new(FeedUpdate {
        source: 0,
        outcome: Ok(FeedFetched::Parsed {
            feed: ParsedFeed {
                title: Some("Example Wire".into()),
                stories,
                problem: None,
            },
            etag: None,
            last_modified: None,
        }),
    }))
}

/// A story as the reader gets it from a feed file when there is a store: its text in the store.
fn stored(title: &str, id: &str, published: i64) -> Story {
    Story {
        paragraphs: Vec::new(),
        pending: Pending::Stored,
        ..story(title, id, published)
    }
}

/// The restorer's answer: these stored stories of the feed, as compact lists.
fn restored_lists(lists: Vec<Vec<StoredStory>>) -> Action {
    let sources = vec![FEED_URL.to_string(); lists.len()];
    Action::Restored(Box::new(gazette::store::lists_of(lists, &sources)))
}

/// A stored story of the feed, with its marks, as the store's restorer gives it.
fn restored(story: Story, read: bool, starred: bool) -> StoredStory {
    StoredStory {
        key: story_key(FEED_URL, &story),
        story,
        read,
        starred,
    }
}

fn selected_title(app: &App) -> &str {
    app.stories
        .title(app.selected_story().expect("a selection"))
}

fn lines(app: &App) -> Vec<&str> {
    app.story_lines.iter().map(|l| l.text.as_str()).collect()
}

#[test]
fn a_feed_file_read_in_parts_fills_the_list_part_by_part() {
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    assert!(app.editions[0].fetching);

    app.update(part(vec![
        stored("Alpha", "a", 300),
        stored("Bravo", "b", 200),
    ]));
    assert!(app.editions[0].fetching, "still reading after a part");
    assert_eq!(titles(&app), ["Alpha", "Bravo"]);
    assert_eq!(app.message, None, "no summary before the end");
    assert_eq!(app.editions[0].name, "Example Wire");

    // The same guid again in a later part (a file may repeat an entry): listed once.
    app.update(part(vec![
        stored("Charlie", "c", 250),
        stored("Bravo", "b", 200),
        stored("Delta", "d", 100),
    ]));
    assert!(app.editions[0].fetching);
    assert_eq!(titles(&app), ["Alpha", "Charlie", "Bravo", "Delta"]);
    assert_eq!(app.stories.len(), 4);
    assert_eq!(
        selected_title(&app),
        "Alpha",
        "the newest, until the user moves"
    );

    // The end: no stories, the file's signature as the validator.
    app.update(parsed(Vec::new(), "file:1:2.3"));
    assert!(!app.editions[0].fetching);
    assert_eq!(app.editions[0].etag.as_deref(), Some("file:1:2.3"));
    assert_eq!(titles(&app), ["Alpha", "Charlie", "Bravo", "Delta"]);
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 1 feed: 4 new stories")
    );

    // Read again in parts: nothing new, nothing doubled.
    let Some(requests) = fetches(app.update(Action::RefreshAll)) else {
        panic!("a second read")
    };
    assert_eq!(requests[0].etag.as_deref(), Some("file:1:2.3"));
    app.update(part(vec![stored("Alpha", "a", 300)]));
    app.update(part(vec![
        stored("Bravo", "b", 200),
        stored("Charlie", "c", 250),
        stored("Delta", "d", 100),
        stored("Echo", "e", 50),
    ]));
    app.update(parsed(Vec::new(), "file:1:2.4"));
    assert_eq!(titles(&app), ["Alpha", "Charlie", "Bravo", "Delta", "Echo"]);
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 1 feed: 1 new story")
    );
}

#[test]
fn a_file_that_fails_after_some_parts_keeps_them_and_says_why() {
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    app.update(part(vec![stored("Alpha", "a", 300)]));
    app.update(Action::FeedUpdated(Box::new(FeedUpdate {
        source: 0,
        outcome: Err("not a feed: the file ends inside an entry".into()),
    })));
    assert!(!app.editions[0].fetching);
    assert_eq!(titles(&app), ["Alpha"]);
    assert_eq!(
        app.editions[0].etag, None,
        "no validator for a file read in part"
    );
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 1 feed: 1 new story, 1 failed (E lists them)")
    );
    assert_eq!(
        app.feed_errors(),
        [("Example Wire", "not a feed: the file ends inside an entry")]
    );
}

#[test]
fn the_open_story_wants_its_text_until_it_is_loaded() {
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    app.update(parsed(
        vec![stored("First", "1", 300), stored("Second", "2", 200)],
        "v1",
    ));
    let first = app.selected_story().unwrap();
    assert_eq!(app.stories.story(first).title, "First");
    assert_eq!(app.wanted_body(), Some(first));
    assert!(lines(&app).contains(&LOADING_NOTE), "{:?}", lines(&app));
    // The story a Down would open can be loaded ahead; loading it opens (and reads) nothing.
    let next = app
        .next_wanted_body()
        .expect("the next story's text is pending");
    assert_eq!(app.stories.story(next).title, "Second");
    let unread = app.unread();
    app.update(Action::BodyLoaded(
        next,
        Box::new((story("Second", "2", 200).paragraphs, Vec::new())),
    ));
    assert_eq!(app.next_wanted_body(), None, "loaded ahead");
    assert_eq!(app.selected_story(), Some(first));
    assert_eq!(app.unread(), unread);

    let text = story("First", "1", 300);
    app.update(Action::BodyLoaded(
        first,
        Box::new((text.paragraphs.clone(), vec!["https://ref.example/".into()])),
    ));
    assert_eq!(app.wanted_body(), None, "loaded");
    assert_eq!(app.stories.story(first).pending, Pending::Nothing);
    assert_eq!(
        app.stories.story(first).references,
        ["https://ref.example/"]
    );
    assert!(!lines(&app).contains(&LOADING_NOTE));
    assert!(
        lines(&app)
            .iter()
            .any(|l| l.starts_with("Paragraph 0 of First")),
        "{:?}",
        lines(&app)
    );

    // The next story, loaded ahead, has its text as soon as it is selected.
    app.update(Action::Down);
    let second = app.selected_story().unwrap();
    assert_eq!(second, next);
    assert_eq!(app.wanted_body(), None);
    app.update(Action::FocusStory);
    for _ in 0..6 {
        app.update(Action::Down);
    }
    let (scroll, shown) = (app.story_scroll, app.story_lines.clone());
    assert_eq!(scroll, 6);
    // A late answer for another story, and the same text again, leave the reader where it is.
    app.update(Action::BodyLoaded(
        first,
        Box::new((story("First", "1", 300).paragraphs, Vec::new())),
    ));
    assert_eq!((app.story_scroll, &app.story_lines), (scroll, &shown));
    app.update(Action::BodyLoaded(
        second,
        Box::new((story("Second", "2", 200).paragraphs, Vec::new())),
    ));
    assert_eq!(app.selected_story(), Some(second));
    assert_eq!((app.story_scroll, &app.story_lines), (scroll, &shown));
    // A story out of range (the list changed meanwhile) is ignored.
    app.update(Action::BodyLoaded(99, Box::new((Vec::new(), Vec::new()))));
    assert_eq!(app.story_scroll, scroll);
}

#[test]
fn restored_stories_join_with_their_marks_without_doubles_or_moving_the_reader() {
    let mut library = Library::default();
    library.add_subscription(FEED_URL, None);
    // The first screen: the newest stored stories (the second with its text, to scroll).
    library.add_stories(
        0,
        vec![stored("Newest", "n1", 400), story("Newer", "n2", 300)],
    );
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(100, 30));
    app.update(Action::Down);
    app.update(Action::FocusStory);
    for _ in 0..4 {
        app.update(Action::Down);
    }
    let (selected, scroll) = (app.selected_story(), app.story_scroll);
    assert_eq!(selected_title(&app), "Newer");
    assert_eq!(scroll, 4);

    app.update(restored_lists(vec![vec![
        restored(stored("Newest", "n1", 400), false, false),
        restored(story("Newer", "n2", 300), true, false),
        restored(stored("Old", "o1", 200), true, false),
        restored(stored("Older", "o2", 100), false, true),
        restored(
            Story {
                published: None,
                ..stored("Undated", "u", 0)
            },
            true,
            true,
        ),
    ]]));
    assert_eq!(
        titles(&app),
        ["Newest", "Newer", "Old", "Older", "Undated"],
        "listed once each, newest first"
    );
    assert_eq!(app.stories.len(), 5);
    let marks = |title: &str| {
        let i = app.stories.iter().position(|s| s.title == title).unwrap();
        (app.read()[i], app.starred[i])
    };
    assert_eq!(marks("Old"), (true, false));
    assert_eq!(marks("Older"), (false, true));
    assert_eq!(marks("Undated"), (true, true));
    // Newest was on screen when the first Down came, which read it: the user's mark stands.
    assert_eq!(marks("Newest"), (true, false));
    assert_eq!(app.unread(), 1, "the count follows: Older");
    assert_eq!(app.selected_story(), selected, "the selection stays");
    assert_eq!(app.story_scroll, scroll, "so does the reading place");
    assert_eq!(
        app.stories.story(3).pending,
        Pending::Stored,
        "text left in the store"
    );
}

#[test]
fn stories_restored_while_a_file_is_read_in_parts_are_not_listed_twice() {
    let mut app = feed_app();
    app.update(Action::RefreshAll);
    app.update(part(vec![stored("Fresh", "f", 500)]));
    // The rest of the store arrives between two parts of the file.
    app.update(restored_lists(vec![vec![
        restored(stored("Kept one", "k1", 400), true, false),
        restored(stored("Kept two", "k2", 300), false, true),
    ]]));
    assert_eq!(titles(&app), ["Fresh", "Kept one", "Kept two"]);
    app.update(part(vec![
        stored("Kept one", "k1", 400),
        stored("Kept two", "k2", 300),
        stored("New", "n", 100),
    ]));
    app.update(parsed(Vec::new(), "file:9:9.9"));
    assert_eq!(
        titles(&app),
        ["Fresh", "Kept one", "Kept two", "New"],
        "a stored story the file still lists is the same story"
    );
    let marks: Vec<(bool, bool)> = (1..3).map(|i| (app.read()[i], app.starred[i])).collect();
    assert_eq!(marks, [(true, false), (false, true)], "marks kept");
    assert_eq!(app.unread(), 3, "all but Kept one");
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 1 feed: 2 new stories")
    );
}

#[test]
fn with_an_index_a_story_whose_key_changed_is_told_to_the_searcher_again() {
    let mut app = feed_app();
    app.indexed_search = true;
    app.update(Action::RefreshAll);
    let effects = app.update(parsed(
        vec![
            story("Tide tables", "1", 300),
            story("Ferry times", "2", 200),
        ],
        "v1",
    ));
    let listed = placed(&effects);
    assert_eq!(listed.len(), 2, "both listed stories are told");
    assert!(
        placed(&app.update(Action::Resize(100, 30))).is_empty(),
        "and only once"
    );

    // The feed gives the ferry story a new guid on the same link: merged in place, new key.
    let mut renamed = story("Ferry times", "2b", 200);
    renamed.link = Some("https://example.com/2".into());
    app.update(Action::RefreshAll);
    let effects = app.update(parsed(vec![story("Tide tables", "1", 300), renamed], "v2"));
    let ferry = app
        .stories
        .iter()
        .position(|s| s.title == "Ferry times")
        .unwrap();
    assert_eq!(app.stories.len(), 2, "merged, not added");
    assert_eq!(placed(&effects), [ferry], "told again under its new key");
}
