//! The app with feeds, driven by `Action`s: refreshes as effects, fetched stories merged without
//! moving the reader, errors, links, grouping.

use gazette::action::{Action, Effect};
use gazette::app::App;
use gazette::config::Config;
use gazette::feed::{FeedFetched, FeedUpdate, ParsedFeed};
use gazette::fetch::FetchRequest;
use gazette::news::{Paragraph, Story};
use gazette::source::Library;

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
    app.visible
        .iter()
        .map(|&i| app.stories[i].title.as_str())
        .collect()
}

#[test]
fn a_refresh_is_an_effect_and_its_result_fills_the_list_newest_first() {
    let mut app = feed_app();
    assert_eq!(
        app.editions[0].name, "example.com",
        "named after the host until the feed says"
    );
    let effect = app.update(Action::RefreshAll);
    let Some(Effect::Fetch(requests)) = effect else {
        panic!("{effect:?}")
    };
    assert_eq!(
        requests,
        [FetchRequest {
            source: 0,
            url: "https://example.com/feed.xml".into(),
            etag: None,
            last_modified: None
        }]
    );
    assert!(app.refresh.is_some(), "progress shows while fetching");
    assert_eq!(
        app.update(Action::RefreshAll),
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
    let Some(Effect::Fetch(requests)) = app.update(Action::Refresh) else {
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
    assert_eq!(app.stories[selected.unwrap()].title, "Two");

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
        !app.read[0],
        "selected automatically, not opened by the user"
    );
    app.update(Action::ToggleRead);
    assert!(app.read[0]);
    app.update(Action::RefreshAll);
    app.update(parsed(
        vec![story("Final title", "1", 100), story("Other", "2", 50)],
        "v2",
    ));
    assert_eq!(app.stories.len(), 2, "no duplicate");
    assert_eq!(app.stories[0].title, "Final title");
    assert!(app.read[0]);
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
    let Some(Effect::Fetch(requests)) = app.update(Action::RefreshAll) else {
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
    assert_eq!(
        app.update(Action::OpenLink),
        Some(Effect::Open("https://example.com/1".into()))
    );
    assert_eq!(
        app.update(Action::CopyLink),
        Some(Effect::Copy("https://example.com/1".into()))
    );
    app.update(Action::Down);
    assert_eq!(app.update(Action::OpenLink), None);
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
    assert_eq!(app.update(Action::Paste("nato\rq".into())), None);
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
    assert_eq!(app.stories[0].id.as_deref(), Some("new-guid"));
    assert!(app.starred[0], "its marks stay with it");
}
