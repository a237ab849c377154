//! The feeds pane: 'All', 'Unread', 'Starred', the saved searches, each tag with its feeds, each
//! row with its count; a feed whose last refresh failed is marked `!`, one quiet for long `~`.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

use crate::app::{App, Focus, PaneRow};
use crate::layout::inner;
use crate::text::{truncate, width};

/// The mark of a feed whose last refresh failed (the reason: on selection, and in the problems
/// list).
pub const FAILED_MARK: &str = "!";
/// The mark of a feed with no new story for [`crate::app::QUIET_DAYS`] days.
pub const QUIET_MARK: &str = "~";

/// Draws the pane: only the rows on screen, each count read from the app's tallies.
pub fn render_feeds(frame: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Feeds;
    let border = if focused {
        app.theme.focused
    } else {
        app.theme.border
    };
    let title = truncate(" Feeds ", usize::from(area.width).saturating_sub(2));
    frame.render_widget(Block::bordered().title(title).border_style(border), area);
    let rows = inner(area);
    let height = usize::from(rows.height);
    if height == 0 || rows.width == 0 {
        return;
    }
    let pane = &app.pane;
    let mut offset = pane.offset.min(pane.selected);
    if pane.selected >= offset + height {
        offset = pane.selected + 1 - height;
    }
    let now = chrono::Utc::now().timestamp();
    let lines: Vec<Line> = (pane.rows.iter().enumerate().skip(offset).take(height))
        .map(|(i, row)| {
            let style = match (i == pane.selected, focused) {
                (true, true) => app.theme.selected,
                (true, false) => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                _ => Style::new(),
            };
            row_line(app, row, usize::from(rows.width), now, style)
        })
        .collect();
    super::set_lines(frame, rows, &lines);
}

/// One row: marks, the name (cut to fit) and the count at the right edge.
fn row_line(app: &App, row: &PaneRow, room: usize, now: i64, style: Style) -> Line<'static> {
    let (marks, name) = match row {
        PaneRow::All => (String::new(), "All".to_string()),
        PaneRow::Unread => (String::new(), "Unread".to_string()),
        PaneRow::Starred => (String::new(), "Starred".to_string()),
        PaneRow::Search(k) => ("/ ".to_string(), app.config.searches[*k].name.clone()),
        PaneRow::Tag(tag, _) => (String::new(), format!("[{tag}]")),
        PaneRow::Untagged(_) => (String::new(), "[no tag]".to_string()),
        PaneRow::Feed(s, indented) => {
            let source = &app.editions[*s];
            let failed = if source.error.is_some() {
                FAILED_MARK
            } else {
                " "
            };
            let quiet = if app.is_quiet(*s, now) {
                QUIET_MARK
            } else {
                " "
            };
            let indent = if *indented { " " } else { "" };
            (format!("{indent}{failed}{quiet}"), source.name.clone())
        }
    };
    let count = match app.pane_count(row) {
        0 if matches!(row, PaneRow::Feed(..)) => String::new(),
        n => n.to_string(),
    };
    let name = super::safe(&name);
    let name_room = room.saturating_sub(width(&marks) + width(&count) + 1);
    let name = truncate(&name, name_room);
    let gap = room.saturating_sub(width(&marks) + width(&name) + width(&count));
    let mark_style = if style == Style::new() {
        app.theme.message
    } else {
        style
    };
    let dim = if style == Style::new() {
        app.theme.dim
    } else {
        style
    };
    Line::from(vec![
        Span::styled(marks, mark_style),
        Span::styled(name, style),
        Span::styled(" ".repeat(gap), style),
        Span::styled(count, dim),
    ])
}
