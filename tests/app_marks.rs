//! Read and starred marks, the keys that set them, and the filter's `is:`/`source:`/`tag:` terms
//! and whole-text mode, driven by `Action`s.

use gazette::action::{Action, Effect, Effects};
use gazette::app::App;
use gazette::config::Config;
use gazette::source::Library;

/// The marks an update asks the store to save.
fn saved_marks(effects: &Effects) -> Vec<(String, bool, bool)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveMarks(marks) => Some(marks.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The searches an update asks of the index.
fn searches(effects: &Effects) -> Vec<(u64, Vec<String>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Search(generation, words) => Some((*generation, words.clone())),
            _ => None,
        })
        .collect()
}

/// The list positions an update tells the index of.
fn placed(effects: &Effects) -> Vec<u32> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::PlaceKeys(keys) => Some(keys.iter().map(|(p, _)| *p)),
            _ => None,
        })
        .flatten()
        .collect()
}

fn seed() -> App {
    let mut app = App::new(Library::bundled(), Config::defaults());
    app.update(Action::Resize(100, 30));
    app
}

fn type_filter(app: &mut App, text: &str) {
    app.update(Action::StartFilter);
    for c in text.chars() {
        app.update(Action::FilterInput(c));
    }
}

#[test]
fn selecting_reads_and_the_changes_are_handed_over_once() {
    let mut app = seed();
    assert_eq!(
        app.unread(),
        18,
        "the first story is on screen, but the user has not acted yet"
    );
    // The user's first action reads the story shown at start, as if they had selected it; the
    // Down then reads the next.
    let mut changes = saved_marks(&app.update(Action::Down));
    assert!(app.read()[0] && app.read()[1]);
    assert_eq!(app.unread(), 16);
    changes.extend(saved_marks(&app.update(Action::Up)));
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(changes.iter().all(|(key, read, starred)| key
        .starts_with("edition:000_ee9c147485efd3c5.txt\u{1f}")
        && *read
        && !starred));
    assert!(
        saved_marks(&app.update(Action::Resize(100, 30))).is_empty(),
        "handed over once"
    );
}

#[test]
fn the_story_shown_at_start_is_read_by_the_first_action_of_any_kind() {
    // Any key of the user's: the story was on screen when they pressed it.
    for action in [
        Action::Quit,
        Action::ToggleStar,
        Action::StartFilter,
        Action::Help,
    ] {
        let mut app = seed();
        let marks = saved_marks(&app.update(action.clone()));
        assert!(app.read()[0], "{action:?}");
        assert_eq!(marks.len(), 1, "{action:?}: {marks:?}");
    }
    // m acts on the mark as shown: unread, so it marks it read (and m again, unread).
    let mut app = seed();
    app.update(Action::ToggleRead);
    assert!(app.read()[0]);
    app.update(Action::ToggleRead);
    assert!(!app.read()[0]);
    app.update(Action::Down);
    assert!(!app.read()[0], "made unread by the user, it stays so");
    // What happens around the user reads nothing.
    let mut app = seed();
    app.update(Action::Resize(80, 24));
    app.update(Action::Start);
    assert_eq!(app.unread(), 18);
}

#[test]
fn news_arriving_before_the_user_acts_reads_nothing_it_moves_past() {
    // The automatic selection follows the newest story until the user moves; a story it passed
    // over was never looked at, so it stays unread. The one on screen when the user acts is read.
    let mut app = seed();
    let first = app.selected_story().unwrap();
    let newer = gazette::news::Story {
        title: "A newer story".into(),
        published: Some(4_000_000_000),
        ..Default::default()
    };
    app.update(Action::FeedUpdated(Box::new(gazette::feed::FeedUpdate {
        source: 0,
        outcome: Ok(gazette::feed::FeedFetched::Parsed {
            feed: gazette::feed::ParsedFeed {
                title: None,
                stories: vec![newer],
                problem: None,
            },
            etag: None,
            last_modified: None,
        }),
    })));
    let shown = app.selected_story().unwrap();
    assert_eq!(app.stories.story(shown).title, "A newer story");
    app.update(Action::Down);
    assert!(app.read()[shown], "on screen when the user acted");
    assert!(app.read()[first], "then selected by the Down");
    assert_eq!(app.unread(), 17);
}

#[test]
fn reading_on_open_can_be_turned_off() {
    let config =
        Config::from_str_with_defaults(Some(("t.toml", "[reading]\nmark_read_on_open = false\n")))
            .unwrap();
    let mut app = App::new(Library::bundled(), config);
    app.update(Action::Resize(100, 30));
    app.update(Action::Down);
    assert_eq!(app.unread(), 18);
    app.update(Action::ToggleRead);
    assert!(app.read()[1]);
}

#[test]
fn m_toggles_read_s_toggles_star_a_marks_the_list_n_finds_unread() {
    let mut app = seed();
    app.update(Action::ToggleRead);
    assert!(app.read()[0]);
    app.update(Action::ToggleRead);
    assert!(!app.read()[0], "m makes a read story unread again");
    app.update(Action::ToggleStar);
    assert!(app.starred[0]);
    app.update(Action::ToggleStar);
    assert!(!app.starred[0]);

    // n goes to the next unread story after the selection.
    app.update(Action::ToggleRead); // story 0 read again
    app.update(Action::NextUnread);
    assert_eq!(app.selected, 1);

    type_filter(&mut app, "ukraine");
    app.update(Action::FilterAccept);
    app.update(Action::MarkAllRead);
    assert!(app.visible.iter().all(|&i| app.read()[i]));
    assert_eq!(
        app.message.as_deref(),
        Some("Marked 3 stories read"),
        "moves the filter made read nothing"
    );
    app.update(Action::Close);
    assert!(app.unread() > 0, "only the listed stories");
    // With everything read, n says so instead of moving.
    for i in 0..app.stories.len() {
        if !app.read()[i] {
            app.select(app.visible.iter().position(|&v| v == i).unwrap());
        }
    }
    let selected = app.selected;
    app.update(Action::NextUnread);
    assert_eq!(app.selected, selected);
    assert_eq!(
        app.message.as_deref(),
        Some("No unread stories in the list.")
    );
}

#[test]
fn is_terms_filter_by_state_and_combine_with_words() {
    let mut app = seed();
    app.update(Action::Down);
    app.update(Action::ToggleStar); // story 1 starred (and read)
    type_filter(&mut app, "is:starred");
    assert_eq!(app.visible, [1]);
    app.update(Action::FilterClear);
    type_filter(&mut app, "is:unread u.s.");
    let unread_us: Vec<usize> = (2..18)
        .filter(|&i| app.stories.story(i).title.to_lowercase().contains("u.s."))
        .collect();
    assert!(!unread_us.is_empty());
    // The selection moved onto a match and was read by that: it stays listed until the filter changes.
    assert!(app.visible.iter().all(|&i| app
        .stories
        .story(i)
        .title
        .to_lowercase()
        .contains("u.s.")));
    app.update(Action::FilterClear);
    type_filter(&mut app, "source:000_ee9c");
    assert_eq!(app.visible.len(), 18);
    app.update(Action::FilterClear);
    type_filter(&mut app, "source:nowhere");
    assert!(app.visible.is_empty());
}

#[test]
fn a_condition_typed_letter_by_letter_widens_as_it_completes() {
    let mut app = seed();
    type_filter(&mut app, "is:");
    assert!(
        app.visible.is_empty(),
        "`is:` alone is a word no headline has"
    );
    app.update(Action::FilterInput('u'));
    app.update(Action::FilterInput('n'));
    type_filter(&mut app, "read");
    assert_eq!(app.query, "is:unread");
    assert!(
        !app.visible.is_empty(),
        "a complete condition is not narrowed from the empty list"
    );
}

#[test]
fn tab_searches_whole_stories_not_only_headlines() {
    let mut app = seed();
    type_filter(&mut app, "sheinbaum");
    assert!(app.visible.is_empty(), "no headline names her");
    app.update(Action::FilterToggleText);
    assert!(app.text_mode);
    assert_eq!(app.visible, [0], "the story's text does");
    app.update(Action::FilterToggleText);
    assert!(app.visible.is_empty());
}

#[test]
fn the_filter_moving_the_selection_reads_nothing() {
    let mut app = seed();
    type_filter(&mut app, "nato");
    assert_eq!(
        app.unread(),
        17,
        "the filter jumped to a match; the user opened nothing (the story on screen when / was \
         pressed was read)"
    );
    app.update(Action::Down);
    assert_eq!(app.unread(), 16, "moving is opening");
}

#[test]
fn with_an_index_text_search_is_asked_for_and_the_newest_answer_wins() {
    let mut app = seed();
    app.indexed_search = true;
    type_filter(&mut app, "shein");
    let asked = searches(&app.update(Action::FilterToggleText));
    let [(first, words)] = asked.as_slice() else {
        panic!("one search for the index: {asked:?}");
    };
    let first = *first;
    assert_eq!(*words, ["shein"]);
    assert_eq!(
        app.visible.len(),
        0,
        "headline matches until the index answers"
    );
    let asked = searches(&app.update(Action::FilterInput('b')));
    let [(second, _)] = asked.as_slice() else {
        panic!("the longer query is asked too: {asked:?}");
    };
    let second = *second;
    assert!(second > first);
    // The answer to the older query comes late and is dropped.
    app.update(Action::TextResults(first, vec![0, 1]));
    assert_eq!(app.visible.len(), 0);
    // Positions past the list (stories the searcher knows of that are not listed) are ignored.
    let answered = app.update(Action::TextResults(second, vec![0, 1_000_000]));
    assert_eq!(app.visible, [0]);
    assert!(
        searches(&answered).is_empty(),
        "answered: nothing more to ask"
    );
}

#[test]
fn with_an_index_each_listed_key_is_told_to_the_searcher_once() {
    let mut app = seed();
    assert!(
        placed(&app.update(Action::Down)).is_empty(),
        "no index: nothing to tell"
    );
    app.indexed_search = true;
    let told = placed(&app.update(Action::Down));
    assert_eq!(told, (0..app.stories.len() as u32).collect::<Vec<_>>());
    assert!(placed(&app.update(Action::Down)).is_empty(), "told once");
}
