//! The view: draws an [`App`] into a frame. Reads state, never changes it; one `render_*` per pane.

mod feeds;
mod help;
mod links;
mod list;
mod problems;
mod status;
mod story;
// The styles live beside the app state (which holds them), not under the view.
pub use crate::theme;

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::App;
use crate::sanitize::{clean_line, is_removed};
use crate::text::truncate;

pub use feeds::render_feeds;
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
    let Some((feeds, panes)) = app.screen_in(area) else {
        render_too_small(frame, area);
        return;
    };
    if let Some(feeds) = feeds {
        render_feeds(frame, app, feeds);
    }
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
    if let Some(picker) = &app.links {
        links::render_links(frame, app, picker, area);
    }
    scrub(frame.buffer_mut());
}

/// Text as it may be drawn: as it is when clean (text from a source was cleaned on the way in),
/// cleaned here when not (a message quoting an error, typed or pasted text, anything that missed
/// the sanitiser), so that what reaches the screen never depends on the backend dropping controls.
pub fn safe(text: &str) -> Cow<'_, str> {
    if text
        .chars()
        .any(|c| is_removed(c) || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        Cow::Owned(clean_line(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// The last check before the frame goes out: a cell holding a control or bidi character (set by
/// a widget that skipped [`safe`]) is blanked of it. ratatui drops control characters when it
/// writes strings, but not every way into a cell does, and bidi controls are not controls to it.
fn scrub(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().chars().any(is_removed) {
            let kept: String = cell.symbol().chars().filter(|&c| !is_removed(c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
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

/// Draws lines already cut to `area`'s width, one per row from the top, into the frame's buffer.
fn set_lines(frame: &mut Frame, area: Rect, lines: &[Line]) {
    let buffer = frame.buffer_mut();
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        put_line(buffer, area.x, y, line, area.width);
    }
}

/// What `Buffer::set_line` does for a line that fits in `max_width` columns, at a fraction of
/// the cost: a printable ASCII character between two ASCII bytes is a grapheme of its own, one
/// column wide, and goes straight into its cell; only the runs around other characters are cut
/// into graphemes (by `set_stringn`). Grapheme segmentation was a third of a frame: story text
/// is mostly ASCII, with a curly quote or a dash here and there. A line wider than `max_width`
/// is clipped at it (where `set_line` may stop a span early before a wide character).
pub fn put_line(buffer: &mut Buffer, x: u16, y: u16, line: &Line, max_width: u16) -> u16 {
    let right = buffer.area.right().min(x.saturating_add(max_width));
    let mut x = x;
    for span in line {
        if x >= right {
            break;
        }
        x = put_str(
            buffer,
            x,
            y,
            &span.content,
            right,
            line.style.patch(span.style),
        );
    }
    x
}

/// Draws `text` from column `x` up to `right` (see [`put_line`]); returns the column after it.
fn put_str(buffer: &mut Buffer, mut x: u16, y: u16, text: &str, right: u16, style: Style) -> u16 {
    let bytes = text.as_bytes();
    // A byte that is a grapheme on its own: printable ASCII, with no non-ASCII neighbour that
    // could join it (a combining mark after, a prepended mark before).
    let alone = |k: usize| {
        matches!(bytes[k], b' '..=b'~')
            && (k == 0 || bytes[k - 1].is_ascii())
            && bytes.get(k + 1).is_none_or(u8::is_ascii)
    };
    let mut i = 0;
    while i < bytes.len() && x < right {
        if alone(i) {
            let cell = &mut buffer[(x, y)];
            cell.set_char(char::from(bytes[i])).set_style(style);
            x += 1;
            i += 1;
            continue;
        }
        // Up to the next byte that stands alone: an ASCII byte, so a char boundary.
        let end = (i + 1..bytes.len())
            .find(|&k| alone(k))
            .unwrap_or(bytes.len());
        x = buffer
            .set_stringn(x, y, &text[i..end], usize::from(right - x), style)
            .0;
        i = end;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_blanks_what_a_widget_wrote_straight_into_a_cell() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 4, 1));
        buffer[(0, 0)].set_symbol("\u{1b}");
        buffer[(1, 0)].set_symbol("a\u{202e}");
        buffer[(2, 0)].set_symbol("e\u{301}");
        buffer[(3, 0)].set_symbol("\u{9b}");
        scrub(&mut buffer);
        let symbols: Vec<&str> = buffer.content().iter().map(|c| c.symbol()).collect();
        assert_eq!(symbols, [" ", "a", "e\u{301}", " "]);
    }

    #[test]
    fn safe_borrows_clean_text_and_cleans_the_rest() {
        assert!(matches!(safe("plain 👩\u{200d}👧"), Cow::Borrowed(_)));
        assert_eq!(safe("a\u{1b}]0;x\u{7}b\u{2066}c"), "abc");
        assert_eq!(safe("a\u{2028}b"), "a b");
    }
}
