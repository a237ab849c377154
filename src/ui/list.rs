//! The headline list pane.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use crate::app::{App, Focus};
use crate::layout::inner;
use crate::text::{truncate, width};

/// The mark before a story that has its full text; headline-only stories get blanks.
pub const FULL_TEXT_MARK: &str = "▪ ";
const NO_TEXT_MARK: &str = "  ";
/// Edition labels are cut to at most this many columns.
const MAX_LABEL_WIDTH: usize = 16;

/// Draws the headlines that pass the filter, the selected one highlighted and on screen.
pub fn render_list(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let focused = app.focus == Focus::List && !app.full_view;
    let count = if app.parsed_query.is_empty() {
        format!(" Headlines ({}) ", app.stories.len())
    } else {
        format!(" Headlines ({}/{}) ", app.visible.len(), app.stories.len())
    };
    let block = Block::bordered().title(count).border_style(if focused {
        theme.focused
    } else {
        theme.border
    });
    frame.render_widget(block, area);

    let rows = inner(area);
    let height = usize::from(rows.height);
    if height == 0 || rows.width == 0 {
        return;
    }
    // The same rule as the state's scrolling, in case this frame is not the size the app saw.
    let mut offset = app.list_offset.min(app.selected);
    if app.selected >= offset + height {
        offset = app.selected + 1 - height;
    }
    let label_width = if app.editions.len() > 1 {
        let widest = app
            .editions
            .iter()
            .map(|e| width(&e.name))
            .max()
            .unwrap_or(0);
        widest.min(MAX_LABEL_WIDTH).min(usize::from(rows.width) / 3)
    } else {
        0
    };

    let lines: Vec<Line> = app.visible[offset.min(app.visible.len())..]
        .iter()
        .take(height)
        .enumerate()
        .map(|(row, &index)| {
            let selected = offset + row == app.selected;
            let story = &app.stories[index];
            let mut spans = Vec::new();
            let mut used = 0;
            let mark = if story.has_text() {
                Span::styled(FULL_TEXT_MARK, theme.full_text)
            } else {
                Span::raw(NO_TEXT_MARK)
            };
            spans.push(mark);
            used += 2;
            if label_width > 0 {
                let label = truncate(&app.editions[story.edition].name, label_width);
                let pad = label_width.saturating_sub(width(&label)) + 1;
                spans.push(Span::styled(
                    format!("{label}{}", " ".repeat(pad)),
                    theme.dim,
                ));
                used += label_width + 1;
            }
            let room = usize::from(rows.width).saturating_sub(used);
            let title = truncate(&story.title, room);
            let base = if story.has_text() {
                Style::new()
            } else {
                theme.dim
            };
            let positions = app.parsed_query.positions(&story.title).unwrap_or_default();
            spans.extend(highlight(&title, &positions, base, theme.matched));
            let line = Line::from(spans);
            if selected {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    // Lines are pre-cut to the width, so no wrapping is asked of the widget.
    frame.render_widget(Paragraph::new(lines), rows);
}

/// Splits `text` into spans, styling the chars at `positions` (sorted char indices) as matched.
fn highlight(text: &str, positions: &[usize], base: Style, matched: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut current = String::new();
    let mut current_matched = false;
    let mut next = positions.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        let is_match = next.next_if(|&&p| p == i).is_some();
        if is_match != current_matched && !current.is_empty() {
            let style = if current_matched {
                base.patch(matched)
            } else {
                base
            };
            spans.push(Span::styled(std::mem::take(&mut current), style));
        }
        current_matched = is_match;
        current.push(c);
    }
    if !current.is_empty() {
        spans.push(Span::styled(
            current,
            if current_matched {
                base.patch(matched)
            } else {
                base
            },
        ));
    }
    spans
}
