//! The app state driven by `Action`s alone, with no terminal.

use gazette::action::{Action, Effect, Effects};
use gazette::app::{App, Focus};
use gazette::config::Config;
use gazette::reader::LineKind;
use gazette::source::Library;

fn seed_app(width: u16, height: u16) -> App {
    let mut app = App::new(Library::bundled(), Config::defaults());
    app.update(Action::Resize(width, height));
    app
}

fn type_filter(app: &mut App, text: &str) {
    app.update(Action::StartFilter);
    for c in text.chars() {
        app.update(Action::FilterInput(c));
    }
}

fn visible_titles(app: &App) -> Vec<&str> {
    app.visible.iter().map(|&i| app.stories.title(i)).collect()
}

#[test]
fn selection_moves_and_stops_at_the_ends() {
    let mut app = seed_app(100, 30);
    assert_eq!(app.selected, 0);
    app.update(Action::Up);
    assert_eq!(app.selected, 0);
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(app.selected, 2);
    app.update(Action::Bottom);
    assert_eq!(app.selected, 17);
    app.update(Action::Down);
    assert_eq!(app.selected, 17);
    app.update(Action::Top);
    assert_eq!(app.selected, 0);
}

#[test]
fn page_keys_move_by_the_list_height_and_keep_the_selection_visible() {
    let mut app = seed_app(60, 10); // list rows: 10 - status - 2 borders = 7
    assert_eq!(app.list_height(), 7);
    app.update(Action::PageDown);
    assert_eq!(app.selected, 6);
    app.update(Action::PageDown);
    assert_eq!(app.selected, 12);
    assert!(
        app.list_offset <= 12 && 12 < app.list_offset + 7,
        "offset {}",
        app.list_offset
    );
    app.update(Action::Bottom);
    assert_eq!(app.list_offset, 18 - 7);
    app.update(Action::PageUp);
    assert_eq!(app.selected, 11);
    app.update(Action::Top);
    assert_eq!(app.list_offset, 0);
}

#[test]
fn focus_moves_between_list_and_story() {
    let mut app = seed_app(100, 30);
    assert_eq!(app.focus, Focus::List);
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Focus::Story);
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Focus::List);
    app.update(Action::FocusStory);
    assert_eq!(app.focus, Focus::Story);
    app.update(Action::FocusList);
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn with_the_story_focused_keys_scroll_within_limits() {
    let mut app = seed_app(60, 20);
    let max = app.max_story_scroll();
    assert!(
        max > 10,
        "the seed story is longer than a 20-row pane ({} lines)",
        app.story_lines.len()
    );
    app.update(Action::FocusStory);
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(app.story_scroll, 2);
    assert_eq!(app.selected, 0, "scrolling does not change the selection");
    app.update(Action::Up);
    assert_eq!(app.story_scroll, 1);
    app.update(Action::PageDown);
    assert_eq!(app.story_scroll, 1 + app.story_height() - 1);
    app.update(Action::Bottom);
    assert_eq!(app.story_scroll, max);
    app.update(Action::Down);
    app.update(Action::ReadOn);
    assert_eq!(app.story_scroll, max, "never past the last line");
    app.update(Action::Top);
    assert_eq!(app.story_scroll, 0);
    app.update(Action::Up);
    assert_eq!(app.story_scroll, 0);
}

#[test]
fn space_reads_on_from_the_list_and_a_new_story_starts_at_the_top() {
    let mut app = seed_app(60, 20);
    app.update(Action::ReadOn);
    assert_eq!(app.story_scroll, app.story_height() - 1);
    assert_eq!(app.focus, Focus::List);
    app.update(Action::Down);
    assert_eq!(app.story_scroll, 0);
    assert_eq!(app.max_story_scroll(), 0, "a headline-only story fits");
}

#[test]
fn filter_narrows_on_each_keystroke_and_widens_on_backspace() {
    let mut app = seed_app(100, 30);
    app.update(Action::StartFilter);
    assert!(app.filtering);
    let mut counts = Vec::new();
    for c in "nato".chars() {
        app.update(Action::FilterInput(c));
        counts.push(app.visible.len());
    }
    assert_eq!(counts[3], 2);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(
        visible_titles(&app),
        [
            "Zelenskiy Signals Willingness to Drop NATO Bid as Ukraine, U.S. Hold Crucial Peace Talks in Berlin",
            "Ukraine’s NATO Concession Unlikely to Shift Peace Talks, Experts Say",
        ]
    );
    app.update(Action::FilterBackspace);
    assert_eq!(app.query, "nat");
    assert_eq!(app.visible.len(), counts[2]);
    for _ in 0..3 {
        app.update(Action::FilterBackspace);
    }
    assert_eq!(app.visible.len(), 18);
}

#[test]
fn the_seed_has_three_ukraine_headlines() {
    let mut app = seed_app(100, 30);
    type_filter(&mut app, "ukraine");
    assert_eq!(app.visible.len(), 3);
    assert!(visible_titles(&app)
        .iter()
        .all(|t| t.to_lowercase().contains("ukraine")));
}

#[test]
fn smart_case_and_all_words_must_match() {
    let mut app = seed_app(100, 30);
    type_filter(&mut app, "Nato");
    assert_eq!(
        app.visible.len(),
        0,
        "a capital makes the match case-sensitive"
    );
    app.update(Action::FilterClear);
    type_filter(&mut app, "peace ukraine");
    assert_eq!(app.visible.len(), 2);
    app.update(Action::FilterDeleteWord);
    assert_eq!(app.query, "peace ");
}

#[test]
fn the_selection_stays_on_the_same_story_while_it_matches() {
    let mut app = seed_app(100, 30);
    // Select "Ukraine’s NATO Concession…" (the 14th headline).
    app.update(Action::Top);
    for _ in 0..13 {
        app.update(Action::Down);
    }
    let chosen = app.selected_story().unwrap();
    assert!(app
        .stories
        .story(chosen)
        .title
        .starts_with("Ukraine’s NATO"));
    type_filter(&mut app, "nato");
    assert_eq!(app.selected_story(), Some(chosen));
    assert_eq!(app.selected, 1);
    app.update(Action::FilterBackspace);
    assert_eq!(app.selected_story(), Some(chosen), "widening keeps it too");
    // When it stops matching, the first match is selected.
    app.update(Action::FilterClear);
    type_filter(&mut app, "belarus");
    assert_eq!(app.selected, 0);
    assert!(app
        .stories
        .story(app.selected_story().unwrap())
        .title
        .starts_with("Belarus"));
}

#[test]
fn arrows_move_while_typing_enter_keeps_and_esc_clears() {
    let mut app = seed_app(100, 30);
    type_filter(&mut app, "ukraine");
    app.update(Action::Down);
    assert_eq!(app.selected, 1);
    assert!(app.filtering);
    app.update(Action::FilterAccept);
    assert!(!app.filtering);
    assert_eq!(app.query, "ukraine");
    assert_eq!(app.visible.len(), 3);
    // Esc while browsing a kept filter clears it.
    app.update(Action::Close);
    assert_eq!(app.query, "");
    assert_eq!(app.visible.len(), 18);
    // Esc while typing clears it and stops typing.
    type_filter(&mut app, "nato");
    app.update(Action::Close);
    assert!(!app.filtering);
    assert_eq!(app.visible.len(), 18);
}

#[test]
fn a_filter_matching_nothing_leaves_no_selection_and_no_story() {
    let mut app = seed_app(100, 30);
    type_filter(&mut app, "zzzz");
    assert!(app.visible.is_empty());
    assert_eq!(app.selected_story(), None);
    assert!(app.story_lines.is_empty());
    app.update(Action::Down);
    app.update(Action::Bottom);
    assert_eq!(app.selected_story(), None);
}

#[test]
fn full_view_toggles_and_esc_closes_help_then_full_view() {
    let mut app = seed_app(100, 30);
    let split_width = app.panes().unwrap().text.width;
    app.update(Action::ToggleFullView);
    assert!(app.full_view);
    assert_eq!(app.focus, Focus::Story);
    assert!(app.panes().unwrap().list.is_none());
    assert!(
        app.panes().unwrap().text.width > split_width,
        "the story gets the width"
    );
    app.update(Action::Help);
    assert!(app.show_help);
    app.update(Action::Down);
    assert_eq!(app.story_scroll, 0, "help is modal");
    app.update(Action::Close);
    assert!(!app.show_help);
    assert!(app.full_view);
    app.update(Action::Close);
    assert!(!app.full_view);
    assert_eq!(app.focus, Focus::List);
    app.update(Action::ToggleFullView);
    app.update(Action::ToggleFullView);
    assert!(!app.full_view);
}

#[test]
fn quit_is_an_effect_for_the_loop() {
    let mut app = seed_app(100, 30);
    assert!(!app.update(Action::Down).contains(&Effect::Quit));
    assert_eq!(app.update(Action::Quit), Effects::from(vec![Effect::Quit]));
    // q backs out one level at a time: the help, the full view, then quits.
    app.update(Action::Help);
    assert!(app.update(Action::Quit).is_empty());
    assert!(!app.show_help, "q closed the help");
    app.update(Action::ToggleFullView);
    assert!(app.full_view);
    assert!(!app.update(Action::Quit).contains(&Effect::Quit));
    assert!(!app.full_view, "q left the full view");
    assert_eq!(app.update(Action::Quit), Effects::from(vec![Effect::Quit]));
    // Ctrl-C quits from anywhere, as an interrupt.
    app.update(Action::Help);
    assert_eq!(
        app.update(Action::Interrupt),
        Effects::from(vec![Effect::Interrupt]),
        "interrupts from the help too"
    );
}

#[test]
fn resize_keeps_the_selection_and_the_reading_place() {
    let mut app = seed_app(100, 30);
    app.update(Action::FocusStory);
    for _ in 0..12 {
        app.update(Action::Down);
    }
    while app.story_lines[app.story_scroll].kind != LineKind::Body {
        app.update(Action::Down);
    }
    let top = app.story_lines[app.story_scroll].clone();
    app.update(Action::Resize(70, 25));
    assert_eq!(app.selected, 0);
    // The new top line is the one holding the old top line's first character.
    let now = &app.story_lines[app.story_scroll];
    assert_eq!(now.block, top.block, "same paragraph");
    assert!(now.offset <= top.offset, "{now:?} vs {top:?}");
    let next = &app.story_lines[app.story_scroll + 1];
    assert!(
        next.block != top.block || next.offset > top.offset,
        "{next:?} vs {top:?}"
    );
    // A tiny terminal and back does not lose anything either.
    app.update(Action::Resize(5, 2));
    app.update(Action::Resize(100, 30));
    assert_eq!(app.selected, 0);
    assert_eq!(app.story_lines[app.story_scroll].block, top.block);
}

#[test]
fn mouse_click_selects_and_wheel_scrolls_the_pane_under_the_pointer() {
    let mut app = seed_app(100, 30);
    // Row 1 is the list's top border; headline 4 is on row 1 + 1 + 3.
    app.update(Action::Click(5, 5));
    assert_eq!(app.selected, 4);
    assert_eq!(app.focus, Focus::List);
    app.update(Action::Wheel(5, 5, 1));
    assert_eq!(app.selected, 5);
    app.update(Action::Top);
    app.update(Action::Wheel(60, 10, 1));
    assert_eq!(app.story_scroll, 3);
    assert_eq!(app.selected, 0);
    app.update(Action::Click(60, 10));
    assert_eq!(app.focus, Focus::Story);
    // A click below the last headline selects nothing new.
    app.update(Action::Click(5, 27));
    assert_eq!(app.selected, 0);
}

#[test]
fn help_scrolls_within_its_entries_and_reopens_at_the_top() {
    let mut app = seed_app(60, 12); // 8 help rows for about 20 entries
                                    // Descriptions are wrapped at this width, so there are more rows than entries.
    let entries = app.config.keymap.help_entries();
    let entries = gazette::layout::help_rows(&entries, 60).len();
    assert!(entries > app.config.keymap.help_entries().len());
    app.update(Action::Help);
    app.update(Action::Down);
    assert_eq!(app.help_scroll, 1);
    assert_eq!(app.selected, 0, "keys go to the help, not the list");
    app.update(Action::Bottom);
    assert_eq!(app.help_scroll, entries - 8);
    app.update(Action::Down);
    assert_eq!(app.help_scroll, entries - 8, "not past the last entry");
    app.update(Action::Help);
    assert!(!app.show_help);
    app.update(Action::Help);
    assert_eq!(app.help_scroll, 0);
}

#[test]
fn enter_with_nothing_listed_does_not_open_an_empty_view() {
    let mut app = seed_app(100, 30);
    type_filter(&mut app, "zzzz");
    app.update(Action::FilterAccept);
    app.update(Action::ToggleFullView);
    assert!(!app.full_view);
}

#[test]
fn control_and_bidi_characters_never_enter_the_filter() {
    let mut app = seed_app(100, 30);
    type_filter(&mut app, "na\u{9b}\u{202e}\u{1b}to");
    assert_eq!(app.query, "nato");
    assert_eq!(visible_titles(&app).len(), 2);
}
