//! The list of a story's links (`u`): numbered as the story text numbers them, picked with the
//! arrows or by typing the number, opened or copied. Pure state: actions in, effects out.

use gazette::action::{Action, Effect};
use gazette::app::App;
use gazette::config::Config;
use gazette::keymap::InputMode;
use gazette::news::Story;
use gazette::source::Library;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod support;

/// A feed app whose one story links to its page and cites `references` links.
fn app_with_links(references: usize) -> App {
    let mut app = support::one_feed_app();
    let story = Story {
        title: "Harbour".into(),
        id: Some("1".into()),
        link: Some("https://wire.example/harbour".into()),
        references: (1..=references)
            .map(|n| format!("https://ref.example/{n}"))
            .collect(),
        ..Story::default()
    };
    app.update(support::answer(0, vec![story]));
    app
}

fn opened(effects: gazette::action::Effects) -> Vec<String> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Open(url) => Some(url),
            _ => None,
        })
        .collect()
}

#[test]
fn the_list_numbers_links_as_the_story_does_and_a_number_opens_one() {
    let mut app = app_with_links(3);
    app.update(Action::ShowLinks);
    let picker = app.links.as_ref().expect("the list is open");
    let rows: Vec<(usize, &str)> = picker.rows().collect();
    assert_eq!(
        rows,
        [
            (0, "https://wire.example/harbour"),
            (1, "https://ref.example/1"),
            (2, "https://ref.example/2"),
            (3, "https://ref.example/3"),
        ]
    );
    // Fewer than ten: one digit is a whole number, and opens at once.
    assert_eq!(
        opened(app.update(Action::PickLink(2))),
        ["https://ref.example/2"]
    );
    assert!(app.links.is_none(), "closed once a link is opened");
}

#[test]
fn with_ten_or_more_links_a_number_waits_for_its_second_digit() {
    let mut app = app_with_links(12);
    app.update(Action::ShowLinks);
    assert!(opened(app.update(Action::PickLink(1))).is_empty());
    assert_eq!(app.links.as_ref().unwrap().selected, 1, "1 so far");
    assert_eq!(
        opened(app.update(Action::PickLink(2))),
        ["https://ref.example/12"]
    );
    // 1 then Enter opens 1.
    app.update(Action::ShowLinks);
    app.update(Action::PickLink(1));
    assert_eq!(
        opened(app.update(Action::ToggleFullView)),
        ["https://ref.example/1"]
    );
    // A number past the last says so and keeps the list open.
    app.update(Action::ShowLinks);
    app.update(Action::PickLink(1));
    app.update(Action::PickLink(5));
    assert!(app.links.is_some());
    assert_eq!(app.message.as_deref(), Some("No link numbered 15."));
}

#[test]
fn arrows_move_enter_opens_the_copy_key_copies_and_q_closes() {
    let mut app = app_with_links(2);
    app.update(Action::ShowLinks);
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(app.links.as_ref().unwrap().selected, 2, "stops at the last");
    app.update(Action::Up);
    assert_eq!(
        app.update(Action::CopyLink).into_iter().collect::<Vec<_>>(),
        [Effect::Copy("https://ref.example/1".into())]
    );
    app.update(Action::ShowLinks);
    assert!(
        app.update(Action::Quit).is_empty(),
        "q closes, does not quit"
    );
    assert!(app.links.is_none());
    // The list is modal: while open, a move stays in it.
    app.update(Action::ShowLinks);
    let before = app.selected_story();
    app.update(Action::Down);
    assert_eq!(app.selected_story(), before);
}

#[test]
fn digits_pick_links_only_while_the_list_is_open() {
    let app = app_with_links(2);
    let two = KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE);
    let keymap = &app.config.keymap;
    assert_eq!(
        keymap.action_for(two, InputMode::Pick),
        Some(Action::PickLink(2))
    );
    assert_ne!(
        keymap.action_for(two, InputMode::Browse),
        Some(Action::PickLink(2))
    );
    let u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE);
    assert_eq!(
        keymap.action_for(u, InputMode::Browse),
        Some(Action::ShowLinks)
    );
}

#[test]
fn a_story_without_links_says_so() {
    let mut app = App::new(Library::bundled(), Config::defaults());
    app.update(Action::Resize(100, 30));
    app.update(Action::ShowLinks);
    assert!(app.links.is_none());
    assert_eq!(app.message.as_deref(), Some("This story has no links."));
}
