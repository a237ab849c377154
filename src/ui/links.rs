//! The links overlay: the selected story's links by number, the highlighted one to open or copy.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::app::{App, LinkPicker};
use crate::text::truncate;

/// Draws the list of links centred over `area`, scrolled to keep the highlighted one in view.
pub fn render_links(frame: &mut Frame, app: &App, picker: &LinkPicker, area: Rect) {
    let rows: Vec<(usize, &str)> = picker.rows().collect();
    let Some(popup) = super::popup(area, 100, rows.len()) else {
        return;
    };
    let room = usize::from(popup.width.saturating_sub(2));
    let height = usize::from(popup.height.saturating_sub(2)).max(1);
    let at = rows
        .iter()
        .position(|&(n, _)| n == picker.selected)
        .unwrap_or(0);
    let first = at.saturating_sub(height - 1);
    let lines: Vec<Line> = rows
        .iter()
        .skip(first)
        .take(height)
        .map(|&(n, link)| {
            // Links come from feeds and pages: cleaned if anything got past the sanitiser.
            let text = truncate(&format!(" {n:>3}  {}", super::safe(link)), room);
            let style = if n == picker.selected {
                app.theme.selected
            } else {
                ratatui::style::Style::new()
            };
            Line::from(Span::styled(format!("{text:<room$}"), style))
        })
        .collect();
    frame.render_widget(Clear, popup);
    let keys = &app.config.keymap;
    let copy = keys
        .first_key(crate::action::Action::CopyLink)
        .map(|k| format!(" · {k} copies"))
        .unwrap_or_default();
    let title = truncate(
        &format!(" Links · a number or Enter opens{copy} · Esc closes "),
        room,
    );
    let block = Block::bordered()
        .title(title)
        .border_style(app.theme.focused);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
