//! Render tests of the feeds pane on ratatui's `TestBackend`: rows, counts, tags, the failing
//! and quiet marks, at 80x24 and 100x30.

mod support;

use gazette::action::Action;
use gazette::app::App;
use gazette::feed::FeedUpdate;
use support::{answer, story, three_feeds_app};

fn draw(app: &App, width: u16, height: u16) -> Vec<String> {
    support::render::screen(&support::render::draw(app, width, height))
}

/// The text inside the pane's borders on each row (the pane `width` columns wide).
fn pane_rows(lines: &[String], width: usize) -> Vec<String> {
    lines[1..lines.len() - 2]
        .iter()
        .map(|l| l.chars().skip(1).take(width - 2).collect::<String>())
        .collect()
}

/// The three-feed app with the pane shown, the blog's last refresh failed, and a story from today
/// in the wire (so the wire is not quiet). The keys read the stories shown when they are pressed:
/// the blog's (shown at start, read by the refresh key) and the wire's newest (selected as it
/// arrives, read by the key that shows the pane).
fn shown(width: u16, height: u16) -> App {
    let mut app = three_feeds_app(width, height);
    app.update(Action::RefreshAll);
    app.update(Action::FeedUpdated(Box::new(FeedUpdate {
        source: 2,
        outcome: Err("HTTP 503".into()),
    })));
    let today = (chrono::Utc::now().timestamp() - 1_700_000_000) / 86_400;
    app.update(answer(
        0,
        vec![
            story("Storm hits port", 3),
            story("Sponsored: buy", 2),
            story("Fresh news", today),
        ],
    ));
    app.update(Action::ToggleFeeds);
    app
}

#[test]
fn the_pane_at_100x30_shows_rows_counts_tags_and_marks() {
    let app = shown(100, 30);
    let lines = draw(&app, 100, 30);
    assert!(lines[0].starts_with("┌ Feeds "), "{lines:#?}");
    let rows = pane_rows(&lines, 28);
    // Marks: `!` the last refresh failed, `~` no new story for 30 days.
    let expected = [
        "All                      5",
        "Unread                   2",
        "Starred                  0",
        "/ Storms                 2",
        "/ Unread storms          2",
        "[news]                   2",
        "   Wire                  1",
        "  ~Coast                 1",
        "[weather]                1",
        "  ~Coast                 1",
        "[no tag]                 0",
        " !~Blog                   ",
    ];
    assert_eq!(rows[..expected.len()], expected, "{lines:#?}");
    // The list starts after the pane; the status bar spans the whole width.
    assert!(lines[0][..].chars().nth(28) == Some('┌'), "{}", lines[0]);
    // The story a rule hides is not listed.
    assert!(
        lines[29].starts_with(" 5 of 6 match, 2 unread"),
        "{}",
        lines[29]
    );
}

#[test]
fn the_pane_at_80x24_fits_a_third_of_the_screen() {
    let mut app = shown(80, 24);
    app.update(Action::Down);
    let lines = draw(&app, 80, 24);
    let rows = pane_rows(&lines, 26);
    assert_eq!(rows[0], "All                    5");
    assert_eq!(rows[11], " !~Blog                 ");
    // The list still shows headlines beside it, narrowed to the unread ones.
    assert!(
        lines.iter().any(|l| l.contains("Storm warning")),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("Fresh news")),
        "read: {lines:#?}"
    );
    assert!(lines[23].contains("in is:unread"), "{}", lines[23]);
}

#[test]
fn a_failing_feed_says_why_in_the_status_bar_when_selected() {
    let mut app = shown(100, 30);
    app.select_pane(11);
    let lines = draw(&app, 100, 30);
    assert!(lines[29].contains("Blog: HTTP 503"), "{}", lines[29]);
    assert!(lines[29].contains("in source:Blog"), "{}", lines[29]);
}

#[test]
fn hidden_at_80_columns_and_below_the_width_it_starts_at() {
    let mut app = three_feeds_app(80, 24);
    app.pane.auto = true;
    let lines = draw(&app, 80, 24);
    assert!(!lines[0].contains("Feeds"), "{}", lines[0]);
    assert!(lines[0].starts_with("┌ Headlines"), "{}", lines[0]);
    app.update(Action::Resize(120, 30));
    let lines = draw(&app, 120, 30);
    assert!(lines[0].starts_with("┌ Feeds"), "{}", lines[0]);
}

#[test]
fn hostile_feed_names_are_cleaned_in_the_pane() {
    let mut app = shown(100, 30);
    app.editions[1].name = "Co\u{1b}]0;GOTCHA\u{7}ast\u{202e}".into();
    let lines = draw(&app, 100, 30);
    let text = lines.join("\n");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
    assert!(text.contains("Coast"), "{text}");
}
