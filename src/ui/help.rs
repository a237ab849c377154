//! The help overlay, generated from the active keymap.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::keymap::BINDABLE;
use crate::text::truncate;

/// Lines about input that is not rebindable: typing a filter, the mouse, Ctrl-C.
const FIXED_HELP: &[(&str, &str)] = &[
    ("Ctrl-C", "quit, always"),
    (
        "filter: text",
        "narrows as you type (smart case, words AND)",
    ),
    ("filter: Bksp", "widens; Ctrl-W word, Ctrl-U all"),
    ("filter: Enter", "keep the filter; Esc clears it"),
    ("mouse", "click selects; wheel scrolls the pane"),
];

/// The help text: one line per bound action, then the fixed keys.
pub fn help_lines(app: &App) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = app
        .config
        .keymap
        .bindings()
        .iter()
        .filter(|(_, keys)| !keys.is_empty())
        .map(|(action, keys)| {
            let description = BINDABLE
                .iter()
                .find(|(_, a, _)| a == action)
                .map_or("", |(_, _, d)| *d);
            let keys = keys
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            (keys, description.to_string())
        })
        .collect();
    lines.extend(
        FIXED_HELP
            .iter()
            .map(|(k, d)| (k.to_string(), d.to_string())),
    );
    lines
}

/// Draws the help overlay centred over `area`.
pub fn render_help(frame: &mut Frame, app: &App, area: Rect) {
    let entries = help_lines(app);
    let key_width = entries
        .iter()
        .map(|(k, _)| crate::text::width(k))
        .max()
        .unwrap_or(0)
        .min(18);
    let width = area.width.saturating_sub(4).min(64);
    let height = area.height.saturating_sub(2).min(entries.len() as u16 + 2);
    if width < 10 || height < 3 {
        return;
    }
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let room = usize::from(width - 2);
    let lines: Vec<Line> = entries
        .iter()
        .map(|(keys, description)| {
            let keys = truncate(keys, key_width);
            let pad = key_width - crate::text::width(&keys);
            let description = truncate(description, room.saturating_sub(key_width + 3));
            Line::from(vec![
                Span::styled(format!(" {keys}{} ", " ".repeat(pad)), app.theme.title),
                Span::raw(format!(" {description}")),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Keys (Esc closes) ")
        .border_style(app.theme.focused);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
