//! The problems overlay: feeds that failed on their last fetch and why, then notes on the files read.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::text::truncate;

/// Draws the list of feed errors centred over `area`, one feed per line: its name, then the reason.
pub fn render_feed_errors(frame: &mut Frame, app: &App, area: Rect) {
    let errors = app.feed_errors();
    let Some(popup) = super::popup(area, 100, errors.len()) else {
        return;
    };
    let width = popup.width;
    let room = usize::from(width - 2);
    let lines: Vec<Line> = errors
        .iter()
        .map(|(name, reason)| {
            // Reasons quote servers and files: cleaned if anything got past the sanitiser.
            let (name, reason) = (super::safe(name), super::safe(reason));
            // The name (often a URL) gets what the reason leaves, the reason at least half.
            let reason_room = crate::text::width(&reason).min(room / 2);
            let name = truncate(&name, room.saturating_sub(reason_room + 3));
            let reason = truncate(&reason, room.saturating_sub(crate::text::width(&name) + 3));
            Line::from(vec![
                Span::styled(format!(" {name}: "), app.theme.title),
                Span::raw(reason),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    let title = format!(" Problems ({}) · Esc closes ", errors.len());
    let block = Block::bordered()
        .title(title)
        .border_style(app.theme.focused);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
