//! The app's modal help and the mouse: scrolling the help overlay, clicks and the wheel.

use ratatui::layout::Position;

use super::{App, Focus, WHEEL_LINES};
use crate::action::Action;

impl App {
    pub(super) fn help_action(&mut self, action: Action) {
        let rows = usize::from(self.size.1.saturating_sub(4)).max(1);
        let entries = self.config.keymap.help_entries();
        let lines = crate::layout::help_rows(&entries, self.size.0).len();
        let max = lines.saturating_sub(rows);
        let scroll = self.help_scroll.min(max);
        self.help_scroll = match action {
            Action::Help | Action::Close | Action::Quit => {
                self.show_help = false;
                0
            }
            Action::Up => scroll.saturating_sub(1),
            Action::Down => (scroll + 1).min(max),
            Action::PageUp => scroll.saturating_sub(rows),
            Action::PageDown | Action::ReadOn => (scroll + rows).min(max),
            Action::Top => 0,
            Action::Bottom => max,
            _ => scroll,
        };
    }

    pub(super) fn click(&mut self, at: Position) {
        let Some(panes) = self.panes() else { return };
        if let Some(list) = panes.list.filter(|r| r.contains(at)) {
            // A click on a row selects it; anywhere on the pane, borders included, focuses it.
            let rows = crate::layout::inner(list);
            if rows.contains(at) {
                let row = self.list_offset + usize::from(at.y - rows.y);
                if row < self.visible.len() {
                    self.select(row);
                }
            }
            self.focus = Focus::List;
        } else if panes.story.contains(at) {
            self.focus = Focus::Story;
        }
    }

    pub(super) fn wheel(&mut self, at: Position, delta: i8) {
        let Some(panes) = self.panes() else { return };
        if panes.list.is_some_and(|r| r.contains(at)) {
            self.move_selection(isize::from(delta));
        } else if panes.story.contains(at) {
            self.scroll_by(isize::from(delta) * WHEEL_LINES as isize);
        }
    }
}
