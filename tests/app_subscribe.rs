//! Managing subscriptions in the reader as pure state: `a`, `d`, `e`, `t` open prompts whose
//! answers become effects; the runtime's answers (as actions) change the sources. And
//! `manage::edit`, which the runtime runs for a rename or a retag.

mod support;

use gazette::action::{Action, Effect, Effects};
use gazette::app::{App, PaneRow, PromptKind};
use gazette::subscriptions::{load_feeds_file, write_feeds_file, Subscription};
use support::{answer, listed_titles as titles, story, three_feeds_app};

const FEEDS_FILE: &str = "/home/me/.config/gazette/feeds.toml";

fn app() -> App {
    let mut app = three_feeds_app(120, 30);
    app.feeds_file = Some(FEEDS_FILE.into());
    app
}

fn type_text(app: &mut App, text: &str) -> Effects {
    for c in text.chars() {
        app.update(Action::FilterInput(c));
    }
    app.update(Action::FilterAccept)
}

#[test]
fn a_adds_a_feed_whose_stories_appear_once_fetched() {
    let mut app = app();
    app.update(Action::AddFeed);
    assert_eq!(app.prompt.as_ref().unwrap().kind, PromptKind::AddFeed);
    let effects = type_text(&mut app, "https://new.example/");
    assert!(app.prompt.is_none());
    let asked = Effect::AddFeed {
        url: "https://new.example/".into(),
        feeds_file: FEEDS_FILE.into(),
    };
    assert!(effects.contains(&asked), "{effects:?}");
    assert!(app
        .message
        .as_deref()
        .unwrap()
        .contains("Looking for a feed"));
    let found = Subscription {
        url: "https://new.example/feed.xml".into(),
        ..Subscription::default()
    };
    let effects = app.update(Action::FeedAdded(Ok(Box::new(found))));
    let fetch = effects.iter().find_map(|e| match e {
        Effect::Fetch(requests) => Some(requests.clone()),
        _ => None,
    });
    let requests = fetch.expect("the new feed is fetched");
    assert_eq!(requests[0].source, 3);
    assert_eq!(requests[0].url, "https://new.example/feed.xml");
    assert_eq!(app.editions[3].name, "new.example");
    assert!(app.pane.rows.contains(&PaneRow::Feed(3, true)));
    app.update(answer(3, vec![story("Brand new story", 9)]));
    assert_eq!(titles(&app)[0], "Brand new story");
    assert_eq!(app.pane_count(&PaneRow::Feed(3, true)), 1);
}

#[test]
fn an_add_that_fails_says_why() {
    let mut app = app();
    app.update(Action::FeedAdded(Err("Already subscribed: x".into())));
    assert_eq!(app.message.as_deref(), Some("Already subscribed: x"));
    assert_eq!(app.editions.len(), 3);
}

#[test]
fn d_asks_first_then_the_feeds_stories_leave_the_list() {
    let mut app = app();
    app.update(Action::ToggleFeeds);
    app.select_pane(6); // Wire, under [news]
    assert_eq!(app.pane.rows[6], PaneRow::Feed(0, true));
    app.update(Action::RemoveFeed);
    assert_eq!(app.prompt.as_ref().unwrap().kind, PromptKind::Remove(0));
    let effects = app.update(Action::FilterInput('n'));
    assert!(effects.is_empty() && app.prompt.is_none(), "n keeps it");
    app.update(Action::RemoveFeed);
    let effects = app.update(Action::FilterInput('y'));
    let asked = Effect::RemoveFeed {
        url: "https://wire.example/f".into(),
        feeds_file: FEEDS_FILE.into(),
    };
    assert!(effects.contains(&asked), "{effects:?}");
    let all_before = app.pane_count(&PaneRow::All);
    app.update(Action::FeedRemoved(Ok("https://wire.example/f".into())));
    assert!(app.editions[0].removed);
    assert!(!app.pane.rows.contains(&PaneRow::Feed(0, true)));
    app.select_pane(0);
    assert!(!titles(&app).contains(&"Storm hits port".to_string()));
    assert_eq!(app.pane_count(&PaneRow::All), all_before - 1);
    // Gone from refreshes too.
    let effects = app.update(Action::RefreshAll);
    let fetched: Vec<usize> = effects
        .iter()
        .flat_map(|e| match e {
            Effect::Fetch(requests) => requests.iter().map(|r| r.source).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(fetched, [1, 2]);
}

#[test]
fn a_remove_refused_keeps_the_feed() {
    let mut app = app();
    let reason = "https://wire.example/f: listed in config.toml, which gazette never rewrites";
    app.update(Action::FeedRemoved(Err(reason.into())));
    assert!(!app.editions[0].removed);
    assert_eq!(app.message.as_deref(), Some(reason));
}

#[test]
fn e_renames_and_t_retags_the_selected_stories_feed() {
    let mut app = app();
    app.update(Action::FocusList);
    let story = app.selected_story().unwrap();
    let source = app.stories.story(story).edition;
    let url = app.editions[source].url.clone().unwrap();
    app.update(Action::RenameFeed);
    let prompt = app.prompt.clone().unwrap();
    assert_eq!(prompt.text, app.editions[source].name, "prefilled");
    app.update(Action::FilterClear);
    let effects = type_text(&mut app, "Renamed");
    let asked = Effect::EditFeed {
        url: url.clone(),
        name: Some("Renamed".into()),
        tags: None,
        feeds_file: FEEDS_FILE.into(),
    };
    assert!(effects.contains(&asked), "{effects:?}");
    app.update(Action::RetagFeed);
    app.update(Action::FilterClear);
    let effects = type_text(&mut app, "alpha, beta,,");
    let asked = Effect::EditFeed {
        url: url.clone(),
        name: None,
        tags: Some(vec!["alpha".into(), "beta".into()]),
        feeds_file: FEEDS_FILE.into(),
    };
    assert!(effects.contains(&asked), "{effects:?}");
    let saved = Subscription {
        url,
        name: Some("Renamed".into()),
        tags: vec!["alpha".into(), "beta".into()],
        ..Subscription::default()
    };
    app.update(Action::FeedEdited(Ok(Box::new(saved))));
    assert_eq!(app.editions[source].name, "Renamed");
    let tag = PaneRow::Tag("alpha".into(), vec![source]);
    assert!(app.pane.rows.contains(&tag), "{:?}", app.pane.rows);
}

#[test]
fn esc_closes_a_prompt_and_keys_type_into_it() {
    let mut app = app();
    app.update(Action::AddFeed);
    app.update(Action::FilterInput('q'));
    assert_eq!(
        app.prompt.as_ref().unwrap().text,
        "q",
        "q types, it does not quit"
    );
    let effects = app.update(Action::Close);
    assert!(app.prompt.is_none() && effects.is_empty());
}

#[test]
fn without_a_feeds_file_the_keys_say_so() {
    let mut app = app();
    app.feeds_file = None;
    app.update(Action::AddFeed);
    assert!(app.prompt.is_none());
    assert!(app.message.as_deref().unwrap().contains("feeds.toml"));
}

#[test]
fn manage_edit_renames_and_retags_in_feeds_toml_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeds.toml");
    let feed = |url: &str| Subscription {
        url: url.into(),
        ..Subscription::default()
    };
    write_feeds_file(
        &path,
        &[feed("https://a.example/f"), feed("https://b.example/f")],
    )
    .unwrap();
    let change = (Some("Alpha".to_string()), Some(vec!["x".to_string()]));
    let saved = gazette::manage::edit("https://a.example/f", change, &path, &[]).unwrap();
    assert_eq!(saved.name.as_deref(), Some("Alpha"));
    let feeds = load_feeds_file(&path).unwrap();
    assert_eq!(feeds[0], saved);
    assert_eq!(feeds[1], feed("https://b.example/f"));
    let in_config = [feed("https://c.example/f")];
    let refused = gazette::manage::edit("https://c.example/f", (None, None), &path, &in_config);
    assert!(refused.unwrap_err().to_string().contains("config.toml"));
}
