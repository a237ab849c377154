//! The view: draws an [`App`] into a frame. Reads state, never changes it; one `render_*` per pane.

mod help;
mod list;
mod problems;
mod status;
mod story;
pub mod theme;

use ratatui::layout::{Alignment, Rect};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::App;
use crate::text::truncate;

pub use help::render_help;
pub use list::render_list;
pub use problems::render_feed_errors;
pub use status::render_status;
pub use story::render_story;

/// The message shown when the terminal is below the usable minimum.
pub const TOO_SMALL: &str = "Terminal too small";

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    // The app lays out for its own idea of the size; the frame is the truth when they differ.
    let layout = app.config.layout;
    let Some(panes) =
        crate::layout::Panes::new(area, layout.list_width, layout.reading_width, app.full_view)
    else {
        render_too_small(frame, area);
        return;
    };
    if let Some(list) = panes.list {
        render_list(frame, app, list);
    }
    render_story(frame, app, panes.story, panes.text);
    render_status(frame, app, panes.status);
    if app.show_help {
        render_help(frame, app, area);
    }
    if app.show_errors {
        render_feed_errors(frame, app, area);
    }
}

/// A bordered overlay centred over `area`: at most `max_width` columns, tall enough for `rows`
/// lines of content where it fits; `None` when there is no useful room.
pub fn popup(area: Rect, max_width: u16, rows: usize) -> Option<Rect> {
    let width = area.width.saturating_sub(4).min(max_width);
    let height = area
        .height
        .saturating_sub(2)
        .min(u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2));
    (width >= 10 && height >= 3).then(|| Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    })
}

/// Says the terminal is too small, as much of it as fits.
pub fn render_too_small(frame: &mut Frame, area: Rect) {
    if area.is_empty() {
        return;
    }
    let text = truncate(TOO_SMALL, usize::from(area.width));
    let row = Rect {
        y: area.y + area.height / 2,
        height: 1,
        ..area
    };
    frame.render_widget(Paragraph::new(text).alignment(Alignment::Center), row);
}
