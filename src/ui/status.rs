//! The status bar: counts, the filter, messages and key hints.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::action::Action;
use crate::app::App;
use crate::text::{truncate, truncate_start, width};

/// Draws the status bar; while the filter is typed, puts the cursor after the query.
pub fn render_status(frame: &mut Frame, app: &App, area: Rect) {
    let room = usize::from(area.width);
    let typing = app.filtering || app.prompt.is_some();
    let left = match &app.prompt {
        Some(prompt) => format!(
            " {}{}",
            super::safe(&prompt.label(app)),
            super::safe(&prompt.text)
        ),
        None => counts_and_filter(app, room),
    };
    // While typing, the end of the query (where the cursor is) stays in view.
    let left = if typing && width(&left) + 1 > room {
        truncate_start(&left, room.saturating_sub(1))
    } else {
        truncate(&left, room)
    };
    let right_room = room.saturating_sub(width(&left) + 2);
    let right = truncate(&right_side(app), right_room);
    let gap = room.saturating_sub(width(&left) + width(&right));
    let right_style = if app.message.is_some() || app.store_problem.is_some() {
        app.theme.message
    } else {
        app.theme.dim
    };
    let line = Line::from(vec![
        Span::raw(left.clone()),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, right_style),
    ]);
    super::set_lines(frame, area, &[line]);
    if typing {
        let x = area.x + (width(&left) as u16).min(area.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(x, area.y));
    }
}

/// The left side: how many stories (or matches), how many unread, and the filter.
fn counts_and_filter(app: &App, room: usize) -> String {
    let total = app.stories.len();
    let counts = if app.parsed_query.is_empty() && app.visible.len() == total {
        format!(" {total} {}", if total == 1 { "story" } else { "stories" })
    } else {
        // "+" while a text search's whole answer is still being found: these, and maybe more.
        let more = if app.text_search_pending() { "+" } else { "" };
        format!(" {}{more} of {total} match", app.visible.len())
    };
    // The pane's count: stories hidden by rules or of a removed feed are not waiting to be read.
    let unread = match app.all_count().unread {
        0 => String::new(),
        n => format!(", {n} unread"),
    };
    // What the feeds pane narrows the list to, in the filter's words, before the typed filter.
    let scope = app
        .scope_label()
        .map(|label| format!("  in {}", super::safe(&label)))
        .unwrap_or_default();
    let filter = if app.filtering || !app.query.is_empty() {
        // Text mode searches whole stories: the prompt says so.
        let prompt = if app.text_mode { "text/" } else { "/" };
        format!("  {prompt}{}", super::safe(&app.query))
    } else {
        String::new()
    };
    // The unread count is the first thing to go when the bar is short.
    [
        format!("{counts}{unread}{scope}{filter}"),
        format!("{counts}{scope}{filter}"),
    ]
    .into_iter()
    .find(|l| width(l) < room)
    .unwrap_or_else(|| format!("{counts}{scope}{filter}"))
}

/// The right side: the message; else a problem with the store; else the refresh's progress; else
/// the keys that matter now.
fn right_side(app: &App) -> String {
    match &app.message {
        None if app.prompt.is_some() => "Enter ok · Esc cancel ".to_string(),
        Some(message) => super::safe(message).into_owned(),
        // Said until a write succeeds: marks that cannot be saved are never a passing note.
        None if app.store_problem.is_some() => store_problem(app),
        None if !app.downloads.is_empty() => app.download_status().unwrap_or_default(),
        None if app.sync.as_ref().is_some_and(|s| s.running) => "Syncing… ".to_string(),
        None if app.articles_fetching() > 0 => match app.articles_fetching() {
            1 => "Fetching the article… ".to_string(),
            n => format!("Fetching {n} articles… "),
        },
        None if app.refresh.is_some() => {
            let r = app.refresh.as_ref().map_or((0, 0), |r| (r.done, r.total));
            let feeds = if r.1 == 1 { "feed" } else { "feeds" };
            format!("Refreshing {}/{} {feeds}… ", r.0.min(r.1), r.1)
        }
        None if app.filtering => {
            let mode = if app.text_mode {
                "Tab headlines"
            } else {
                "Tab whole text"
            };
            format!("Enter keep · Esc clear · {mode} · ↑↓ move ")
        }
        None => key_hints(app),
    }
}

/// The hints for the keys a newcomer needs: filter, read, help, quit.
fn key_hints(app: &App) -> String {
    let read = if app.full_view { "back" } else { "read" };
    let hints: Vec<String> = [
        (Action::StartFilter, "filter"),
        (Action::ToggleFullView, read),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
    ]
    .iter()
    .map(
        |(action, label)| match app.config.keymap.first_key(action.clone()) {
            Some(key) => format!("{key} {label}"),
            // Ctrl-C always quits, so there is always a quit hint.
            None if *action == Action::Quit => format!("Ctrl-C {label}"),
            None => String::new(),
        },
    )
    .filter(|hint| !hint.is_empty())
    .collect();
    hints.join(" · ") + " "
}

/// The status bar's line while the store cannot be written.
fn store_problem(app: &App) -> String {
    let list = app
        .config
        .keymap
        .first_key(Action::FeedErrors)
        .map(|key| format!(" ({key} says why)"))
        .unwrap_or_default();
    match app.unsaved_marks() {
        0 => format!("The store cannot be written{list} "),
        1 => format!("1 story's marks not saved yet: the store cannot be written{list} "),
        n => format!("{n} stories' marks not saved yet: the store cannot be written{list} "),
    }
}
