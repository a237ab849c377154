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
    let key_width = crate::layout::help_key_width(&entries);
    // Descriptions are wrapped, never cut; the state scrolls through the same rows.
    let help = crate::layout::help_rows(&entries, area.width);
    let Some(popup) = super::popup(area, crate::layout::HELP_MAX_WIDTH, help.len()) else {
        return;
    };
    let rows = usize::from(popup.height - 2);
    let scroll = app.help_scroll.min(help.len().saturating_sub(rows));
    let lines: Vec<Line> = help[scroll..]
        .iter()
        .take(rows)
        .map(|(keys, description)| {
            let keys = truncate(&super::safe(keys), key_width);
            let pad = key_width - crate::text::width(&keys);
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
    let more = match (scroll > 0, scroll + rows < help.len()) {
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
