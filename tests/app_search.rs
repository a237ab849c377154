//! A whole-text search's matches in the open story, as pure state: found and scrolled to as the
//! words are typed, `n` and `N` (with the story focused) going from one to the next and round.

use gazette::action::Action;
use gazette::app::{App, Focus};
use gazette::news::{Paragraph, Story};

mod support;

/// A feed of two stories; the first names the quokka three times, far below its top.
fn app() -> App {
    let mut app = support::one_feed_app();
    let filler = |n: usize| Paragraph::plain(format!("Filler paragraph number {n} of the story."));
    let mut paragraphs: Vec<Paragraph> = (0..30).map(filler).collect();
    paragraphs.push(Paragraph::plain("A Quokka was seen near the harbour."));
    paragraphs.extend((30..45).map(filler));
    paragraphs.push(Paragraph::plain("Then quokkas, and one more quokka."));
    let sighting = Story {
        title: "Sighting on the island".into(),
        id: Some("1".into()),
        published: Some(200),
        paragraphs,
        ..Story::default()
    };
    let other = Story {
        title: "Council budget".into(),
        id: Some("2".into()),
        published: Some(100),
        paragraphs: vec![Paragraph::plain("Nothing about animals.")],
        ..Story::default()
    };
    app.update(support::answer(0, vec![sighting, other]));
    app
}

fn search(app: &mut App, words: &str) {
    app.update(Action::StartFilter);
    app.update(Action::FilterToggleText);
    for c in words.chars() {
        app.update(Action::FilterInput(c));
    }
}

/// The matched words, as the story's lines hold them.
fn matched(app: &App) -> Vec<String> {
    let lines = &app.story_lines;
    (app.matches.found.iter())
        .map(|(line, range)| lines[*line].text[range.clone()].to_string())
        .collect()
}

/// The line of the current match, and whether it is on screen.
fn current_line(app: &App) -> (usize, bool) {
    let (line, _) = &app.matches.found[app.matches.current];
    let shown = app.story_scroll..app.story_scroll + app.story_height();
    (*line, shown.contains(line))
}

#[test]
fn a_text_search_finds_its_words_in_the_story_and_scrolls_to_the_first() {
    let mut app = app();
    assert_eq!(app.story_scroll, 0);
    search(&mut app, "quok");
    assert_eq!(app.visible.len(), 1, "the text search found the story");
    assert_eq!(matched(&app), ["Quokka", "quokkas", "quokka"]);
    let (line, shown) = current_line(&app);
    assert!(line > app.story_height(), "below the first screen: {line}");
    assert!(shown && app.story_scroll > 0, "scrolled to it");
    // Headlines only (Tab again): no match marked in the text.
    app.update(Action::FilterToggleText);
    assert!(app.matches.found.is_empty());
    // One letter is not searched yet, in the text as in the list.
    let mut app = self::app();
    search(&mut app, "q");
    assert!(app.matches.found.is_empty());
}

#[test]
fn n_and_shift_n_go_from_match_to_match_in_the_story() {
    let mut app = app();
    search(&mut app, "quokka");
    app.update(Action::FilterAccept);
    let first = current_line(&app).0;
    // With the list focused, n is still the next unread story.
    app.update(Action::NextUnread);
    assert_eq!(app.matches.current, 0);
    app.update(Action::FocusStory);
    assert_eq!(app.focus, Focus::Story);
    app.update(Action::NextUnread);
    assert_eq!(app.matches.current, 1);
    assert_eq!(app.message.as_deref(), Some("Match 2 of 3"));
    let (second, shown) = current_line(&app);
    assert!(second > first && shown, "{first} {second}");
    app.update(Action::NextUnread);
    app.update(Action::NextUnread);
    assert_eq!(app.matches.current, 0, "round to the first");
    assert!(current_line(&app).1);
    app.update(Action::PreviousMatch);
    assert_eq!(app.matches.current, 2, "and back round to the last");
    assert!(current_line(&app).1);
    // Scrolled away, N brings the match back on screen.
    app.update(Action::Top);
    assert!(!current_line(&app).1);
    app.update(Action::PreviousMatch);
    assert_eq!(app.matches.current, 1);
    assert!(current_line(&app).1);
}

#[test]
fn without_matches_shift_n_says_so_and_a_new_story_finds_its_own() {
    let mut app = app();
    app.update(Action::FocusStory);
    app.update(Action::PreviousMatch);
    assert_eq!(
        app.message.as_deref(),
        Some("No matches of a text search in this story.")
    );
    // The matches follow the open story: a search that lists both stories marks each one's.
    search(&mut app, "an");
    app.update(Action::FilterAccept);
    assert_eq!(app.visible.len(), 2);
    assert_eq!(matched(&app), ["and"]);
    app.update(Action::Down);
    assert_eq!(matched(&app), ["animals"]);
    app.update(Action::Up);
    assert_eq!(matched(&app), ["and"]);
    assert_eq!(app.matches.current, 0);
}
