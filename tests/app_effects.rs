//! What `App::update` asks of the outside world, with no thread, terminal or store: actions go in,
//! effects come out, and the answers go back in by hand as the runtime would send them.

use gazette::action::{Action, Effect, Effects, TextRequest};
use gazette::app::App;
use gazette::config::Config;
use gazette::keymap::InputMode;
use gazette::news::{Paragraph, Pending, Story};
use gazette::source::Library;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod support;

use support::answer;

/// Applies each action in turn; returns every effect asked for, in order.
fn drive(app: &mut App, actions: impl IntoIterator<Item = Action>) -> Vec<Effect> {
    actions.into_iter().flat_map(|a| app.update(a)).collect()
}

/// A story as a feed gives it when its text is in the store.
fn stored(title: &str, id: &str, published: i64) -> Story {
    Story {
        title: title.into(),
        id: Some(id.into()),
        link: Some(format!("https://example.com/{id}")),
        published: Some(published),
        pending: Pending::Stored,
        ..Story::default()
    }
}

/// Two feeds, fetched once: "Alpha" (newest, feed 0), "Bravo" (feed 1), "Charlie" (feed 0).
fn two_feeds() -> App {
    let mut library = Library::default();
    library.add_subscription("https://one.example/feed", Some("One"));
    library.add_subscription("https://two.example/feed", Some("Two"));
    let mut app = App::new(library, Config::defaults());
    drive(
        &mut app,
        [
            Action::Resize(100, 30),
            Action::RefreshAll,
            answer(
                0,
                vec![stored("Alpha", "a", 300), stored("Charlie", "c", 100)],
            ),
            answer(1, vec![stored("Bravo", "b", 200)]),
        ],
    );
    app
}

fn text_loads(effects: &[Effect]) -> Vec<&TextRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadText(request) => Some(request),
            _ => None,
        })
        .collect()
}

fn fetched_urls(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch(requests) => Some(requests.iter().map(|r| r.url.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn r_fetches_the_selected_storys_feed_and_only_that() {
    let mut app = two_feeds();
    let effects = drive(&mut app, [Action::Down]);
    assert_eq!(
        app.stories.story(app.selected_story().unwrap()).title,
        "Bravo"
    );
    assert!(fetched_urls(&effects).is_empty(), "a move fetches nothing");
    let effects = drive(&mut app, [Action::Refresh]);
    assert_eq!(fetched_urls(&effects), ["https://two.example/feed"]);
    let effects = drive(&mut app, [Action::RefreshAll]);
    assert_eq!(
        fetched_urls(&effects),
        ["https://one.example/feed"],
        "the other feed; the one under way is not asked twice"
    );
}

#[test]
fn down_asks_for_the_text_of_the_story_it_opens_once() {
    let mut app = two_feeds();
    let first = app.selected_story().unwrap();
    // The first story's text was asked for as soon as it was listed on a sized screen.
    let effects = drive(&mut app, [Action::Resize(101, 30)]);
    assert!(text_loads(&effects).is_empty(), "asked once, not again");
    let effects = drive(&mut app, [Action::Down]);
    let next = app.selected_story().unwrap();
    assert_ne!(next, first);
    let loads = text_loads(&effects);
    assert_eq!(loads.len(), 1, "{effects:?}");
    assert_eq!(loads[0].story, next);
    assert_eq!(loads[0].key, app.key(next));
    assert_eq!(loads[0].pending, Pending::Stored);
    // The one after it is asked for ahead, for after the frame.
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::PrefetchText(r) if r.story == app.visible[2])));

    // The answer comes back as an action; then nothing more is asked for it.
    let body = (vec![Paragraph::plain("Bravo's text.")], Vec::new());
    let effects = drive(&mut app, [Action::BodyLoaded(next, Box::new(body))]);
    assert!(text_loads(&effects).is_empty());
    assert_eq!(app.wanted_body(), None);
}

#[test]
fn a_text_asked_for_before_its_row_was_stored_is_asked_again_once_stored() {
    let mut app = two_feeds();
    let open = app.selected_story().unwrap();
    assert_eq!(app.wanted_body(), Some(open));
    // The runtime found no row yet (the batch is still on its way to the store): no answer.
    let effects = drive(&mut app, [Action::Stored]);
    let loads = text_loads(&effects);
    assert_eq!(loads.len(), 1, "{effects:?}");
    assert_eq!(loads[0].story, open);
    let again = app.update(Action::Stored);
    assert!(
        !again.changes_screen(),
        "a batch stored shows nothing by itself"
    );
    let again: Vec<Effect> = again.into_iter().collect();
    assert_eq!(
        text_loads(&again).len(),
        1,
        "asked at each batch until it is there"
    );
}

#[test]
fn a_mark_asks_for_a_save_of_that_story_only() {
    let mut app = two_feeds();
    let open = app.selected_story().unwrap();
    // The first key also reads the story shown at start: one save, with both marks.
    let effects = drive(&mut app, [Action::ToggleStar]);
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::SaveMarks(_)))
            .collect::<Vec<_>>(),
        [&Effect::SaveMarks(vec![(app.key(open), true, true)])]
    );
    let effects = drive(&mut app, [Action::FocusStory, Action::Down]);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::SaveMarks(_))),
        "scrolling the story changes no mark: {effects:?}"
    );
}

#[test]
fn enter_in_the_filter_keeps_it_and_fetches_or_opens_nothing() {
    let mut app = two_feeds();
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut app, [Action::StartFilter]);
    let effects = drive(&mut app, "brav".chars().map(Action::FilterInput));
    assert!(fetched_urls(&effects).is_empty());
    let action = app
        .config
        .keymap
        .action_for(enter, InputMode::Filter)
        .expect("Enter is bound while filtering");
    let effects = drive(&mut app, [action]);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Fetch(_) | Effect::Open(_) | Effect::Quit)),
        "{effects:?}"
    );
    assert!(
        !app.filtering,
        "Enter keeps the filter and returns to the list"
    );
    assert_eq!(app.query, "brav");
    assert_eq!(app.visible.len(), 1);
}

#[test]
fn the_start_fetches_every_feed_loads_the_rest_and_stores_editions() {
    let mut library = Library::bundled();
    library.add_subscription("https://one.example/feed", Some("One"));
    let mut app = App::new(library, Config::defaults());
    app.more_stored = true;
    let effects = drive(&mut app, [Action::Resize(100, 30), Action::Start]);
    assert_eq!(fetched_urls(&effects), ["https://one.example/feed"]);
    let saved: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveStories { source, stories } => {
                assert!(source.starts_with("edition:"), "{source}");
                Some(stories.len())
            }
            _ => None,
        })
        .collect();
    assert_eq!(saved, [18], "the bundled edition is stored whole");
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::RestoreStored(s) if s.len() == 2)));

    // Offline: nothing is fetched, and the status bar says why.
    let mut offline = App::new(Library::bundled(), Config::defaults());
    offline.offline = true;
    offline.update(Action::Resize(100, 30));
    let effects = drive(&mut offline, [Action::Start]);
    assert!(fetched_urls(&effects).is_empty());
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RestoreStored(_))),
        "all was loaded"
    );
}

#[test]
fn answers_that_change_nothing_on_screen_cost_no_frame() {
    let mut app = two_feeds();
    let ahead = app.visible[1];
    let body = (vec![Paragraph::plain("Loaded ahead.")], Vec::new());
    let effects: Effects = app.update(Action::BodyLoaded(ahead, Box::new(body)));
    assert!(
        !effects.changes_screen(),
        "a text loaded ahead is not shown"
    );
    let open = app.selected_story().unwrap();
    let body = (vec![Paragraph::plain("The open one.")], Vec::new());
    let effects = app.update(Action::BodyLoaded(open, Box::new(body)));
    assert!(effects.changes_screen(), "the open story's text is");
    assert!(app.update(Action::Down).changes_screen());
}

#[test]
fn marks_the_store_could_not_save_are_said_retried_with_backoff_and_sent_at_quit() {
    let mut app = two_feeds();
    let open = app.selected_story().unwrap();
    let key = app.key(open);
    drive(&mut app, [Action::ToggleStar]);
    let full = "gazette.db: saving marks: database or disk is full".to_string();
    let effects = drive(
        &mut app,
        [Action::StoreFailed(
            full.clone(),
            vec![(key.clone(), false, true)],
        )],
    );
    let two_seconds = std::time::Duration::from_secs(2);
    assert_eq!(
        effects,
        [Effect::Later(two_seconds, Box::new(Action::RetryStore))]
    );
    assert_eq!(app.unsaved_marks(), 1);
    assert_eq!(app.feed_errors()[0], ("store", full.as_str()));
    // A user's key does not make it go away.
    drive(&mut app, [Action::FocusStory]);
    assert!(app.store_problem.is_some());
    // Another failure while a retry waits asks for no second timer.
    let effects = drive(&mut app, [Action::StoreFailed(full.clone(), Vec::new())]);
    assert!(effects.is_empty(), "{effects:?}");

    // The retry sends the marks as they are now (unstarred since).
    drive(&mut app, [Action::ToggleStar]);
    let effects = drive(&mut app, [Action::RetryStore]);
    assert_eq!(
        effects,
        [Effect::SaveMarks(vec![(key.clone(), true, false)])]
    );
    assert_eq!(app.unsaved_marks(), 0);
    // It fails again: the next wait is longer.
    let effects = drive(
        &mut app,
        [Action::StoreFailed(
            full.clone(),
            vec![(key.clone(), false, false)],
        )],
    );
    assert_eq!(
        effects,
        [Effect::Later(2 * two_seconds, Box::new(Action::RetryStore))]
    );
    // Quitting tries once more before it quits.
    let effects = drive(&mut app, [Action::Quit]);
    assert_eq!(
        effects,
        [Effect::SaveMarks(vec![(key, true, false)]), Effect::Quit]
    );
    // A write that succeeds with nothing waiting ends the problem.
    drive(&mut app, [Action::StoreRecovered]);
    assert_eq!(app.store_problem, None);
    assert!(app.feed_errors().is_empty());
}

/// The bundled edition's app with a full-text index, `words` typed in the filter and text mode
/// turned on: the app, and the effects of the typing.
fn text_search(words: &str) -> (App, Vec<Effect>) {
    let mut app = App::new(Library::bundled(), Config::defaults());
    app.indexed_search = true;
    drive(&mut app, [Action::Resize(100, 30), Action::StartFilter]);
    let typed = drive(
        &mut app,
        words
            .chars()
            .map(Action::FilterInput)
            .chain([Action::FilterToggleText]),
    );
    (app, typed)
}

/// The numbers of the searches `effects` ask for.
fn searches(effects: &[Effect]) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Search(generation, _) => Some(*generation),
            _ => None,
        })
        .collect()
}

#[test]
fn a_text_search_is_asked_again_when_the_index_grows() {
    let (mut app, typed) = text_search("sheinbaum");
    let first = *searches(&typed).last().expect("a search");
    // Answered before the edition was indexed: nothing found.
    drive(&mut app, [Action::TextResults(first, Vec::new())]);
    assert_eq!(app.visible.len(), 0);
    // The index grows: the same words are asked again, and the new answer is taken.
    let again = drive(&mut app, [Action::Indexed]);
    assert!(again.contains(&Effect::CatchUpIndex));
    let [second] = searches(&again)[..] else {
        panic!("one new search: {again:?}");
    };
    assert!(second > first);
    drive(&mut app, [Action::TextResults(second, vec![0])]);
    assert_eq!(app.visible, [0]);

    // Out of text mode, a growing index asks for nothing but its catch-up.
    drive(&mut app, [Action::FilterToggleText]);
    let quiet = drive(&mut app, [Action::Indexed]);
    assert_eq!(quiet, [Effect::CatchUpIndex]);
}

#[test]
fn a_text_searchs_newest_matches_show_before_its_whole_answer() {
    let (mut app, typed) = text_search("the");
    let generation = |effects: &[Effect]| *searches(effects).last().expect("a search");
    let first = generation(&typed);
    let sorted = |app: &App| {
        let mut v = app.visible.clone();
        v.sort_unstable();
        v
    };
    drive(&mut app, [Action::TextResultsSoFar(first, vec![3])]);
    assert_eq!(app.visible, [3], "the newest matches, at once");
    assert!(
        app.text_search_pending(),
        "more may come: the count says so"
    );
    drive(&mut app, [Action::TextResults(first, vec![1, 3, 5])]);
    assert_eq!(sorted(&app), [1, 3, 5], "then all of them");
    assert!(!app.text_search_pending());
    // A late first answer of a search already answered changes nothing.
    drive(&mut app, [Action::TextResultsSoFar(first, vec![7])]);
    assert_eq!(sorted(&app), [1, 3, 5]);

    // Another word typed: the older search's answers no longer count.
    let second = generation(&drive(&mut app, [Action::FilterInput('y')]));
    assert!(second > first);
    assert_eq!(
        sorted(&app),
        [1, 3, 5],
        "the list as it was until the new answer"
    );
    assert!(app.text_search_pending());
    drive(&mut app, [Action::TextResultsSoFar(first, vec![9])]);
    assert!(!app.visible.contains(&9));
    drive(&mut app, [Action::TextResultsSoFar(second, vec![2])]);
    assert_eq!(app.visible, [2]);
}
