//! The help overlay, generated from the active keymap.

use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::text::truncate;

/// Draws the help overlay centred over `area`.
pub fn render_help(frame: &mut Frame, app: &App, area: Rect) {
    let entries = app.config.keymap.help_entries();
    let key_width = entries
        .iter()
        .map(|(k, _)| crate::text::width(k))
        .max()
        .unwrap_or(0)
        .min(18);
    let Some(popup) = super::popup(area, 64, entries.len()) else {
        return;
    };
    let (width, height) = (popup.width, popup.height);
    let room = usize::from(width - 2);
    let rows = usize::from(height - 2);
    let scroll = app.help_scroll.min(entries.len().saturating_sub(rows));
    let lines: Vec<Line> = entries[scroll..]
        .iter()
        .take(rows)
        .map(|(keys, description)| {
            let keys = truncate(&super::safe(keys), key_width);
            let pad = key_width - crate::text::width(&keys);
            let description = truncate(description, room.saturating_sub(key_width + 3));
            Line::from(vec![
                Span::styled(format!(" {keys}{} ", " ".repeat(pad)), app.theme.title),
                Span::raw(format!(" {description}")),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    let mut block = Block::bordered()
        .title(" Keys (Esc closes) ")
        .border_style(app.theme.focused);
    // Say when there is more than fits, and which way.
    let more = match (scroll > 0, scroll + rows < entries.len()) {
        (true, true) => " ↑↓ more ",
        (false, true) => " ↓ more ",
        (true, false) => " ↑ more ",
        (false, false) => "",
    };
    if !more.is_empty() {
        block = block.title_bottom(Line::from(more).alignment(Alignment::Right));
    }
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
