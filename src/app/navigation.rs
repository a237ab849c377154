//! Moving through the reader: the selection, the focused pane, scrolling, the full view, and
//! laying the open story out again when the size, view or selection changes.

use ratatui::layout::Position;

use super::{App, Focus};
use crate::action::Action;
use crate::reader::{layout_story, line_at};

impl App {
    /// Takes the actions that move the selection, the focus or the story; returns any other.
    pub(super) fn navigate(&mut self, action: Action) -> Option<Action> {
        let story_keys = self.focus == Focus::Story && !self.filtering;
        let page = self.list_height().saturating_sub(1).max(1) as isize;
        let story_page = self.story_height().saturating_sub(1).max(1) as isize;
        match action {
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.relayout();
            }
            Action::Close => self.close(),
            Action::Up if story_keys => self.scroll_by(-1),
            Action::Down if story_keys => self.scroll_by(1),
            Action::PageUp if story_keys => self.scroll_by(-story_page),
            Action::PageDown if story_keys => self.scroll_by(story_page),
            Action::Top if story_keys => self.story_scroll = 0,
            Action::Bottom if story_keys => self.story_scroll = self.max_story_scroll(),
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.select(0),
            Action::Bottom => self.select(self.visible.len().saturating_sub(1)),
            Action::ReadOn => self.scroll_by(story_page),
            Action::FocusNext if !self.full_view => {
                self.focus = match self.focus {
                    Focus::List => Focus::Story,
                    Focus::Story | Focus::Feeds => Focus::List,
                };
            }
            Action::FocusList if !self.full_view => self.focus = Focus::List,
            Action::FocusStory => self.focus = Focus::Story,
            Action::FocusNext | Action::FocusList => {}
            Action::ToggleFullView => self.toggle_full_view(),
            Action::Click(x, y) => self.click(Position::new(x, y)),
            Action::Wheel(x, y, delta) => self.wheel(Position::new(x, y), delta),
            other => return Some(other),
        }
        None
    }

    /// Opens or closes the full-width reading view (with a story to show).
    fn toggle_full_view(&mut self) {
        if self.selected_story().is_none() && !self.full_view {
            return;
        }
        // Opening the reading view reads the story, even one selected automatically.
        if let Some(story) = self
            .selected_story()
            .filter(|_| self.config.reading.mark_read_on_open)
        {
            self.set_read(story, true);
        }
        self.full_view = !self.full_view;
        self.focus = if self.full_view {
            Focus::Story
        } else {
            Focus::List
        };
        self.filtering = false;
        self.relayout();
    }

    /// Esc: closes the innermost open thing: the filter being typed (clearing it), the full view,
    /// then an applied filter.
    fn close(&mut self) {
        if self.filtering {
            self.filtering = false;
            self.clear_filter();
        } else if self.full_view {
            self.close_full_view();
        } else if !self.query.is_empty() {
            self.clear_filter();
        } else {
            self.focus = Focus::List;
        }
    }

    /// Back from the full-width view to the split, the list focused.
    pub(super) fn close_full_view(&mut self) {
        self.full_view = false;
        self.focus = Focus::List;
        self.relayout();
    }

    pub(super) fn move_selection(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        let target = self.selected.saturating_add_signed(delta).min(last);
        self.select(target);
    }

    /// Selects row `index` of the visible list (clamped), keeping it on screen.
    pub fn select(&mut self, index: usize) {
        let previous = self.selected_story();
        self.select_keeping(index, previous);
    }

    pub(super) fn select_keeping(&mut self, index: usize, previous: Option<usize>) {
        self.selected = index.min(self.visible.len().saturating_sub(1));
        if self.selected_story() != previous {
            self.story_scroll = 0;
        }
        self.relayout();
        if let Some(story) = self.selected_story() {
            if self.config.reading.mark_read_on_open && self.by_user {
                self.set_read(story, true);
            }
        }
    }

    pub(super) fn scroll_by(&mut self, delta: isize) {
        self.story_scroll = self
            .story_scroll
            .saturating_add_signed(delta)
            .min(self.max_story_scroll());
    }

    /// Brings derived layout state up to date after a change of size, view or selection: the story
    /// is re-wrapped only when the story or the width changed, keeping the reading place, and the
    /// selected row is kept on screen.
    pub(super) fn relayout(&mut self) {
        // Too small to show a story: keep what is laid out (and the place in it) for later.
        let Some(width) = self.panes().map(|p| p.text.width) else {
            return;
        };
        match self.selected_story() {
            Some(story) if self.laid_out_for != Some((story, width)) => {
                let same_story = self.laid_out_for.is_some_and(|(s, _)| s == story);
                let place = self
                    .story_lines
                    .get(self.story_scroll)
                    .map(|l| (l.block, l.offset));
                self.story_lines = match self.shown_article(story) {
                    Some(article) => {
                        let meta = self.article_meta(article);
                        let edition = self.stories.source(story);
                        layout_story(&article.to_story(edition), &meta, width)
                    }
                    None => {
                        let meta = self.story_meta(story);
                        layout_story(&self.stories.story(story), &meta, width)
                    }
                };
                self.story_scroll = match place {
                    Some((block, offset)) if same_story => {
                        line_at(&self.story_lines, block, offset)
                    }
                    _ => 0,
                };
                self.laid_out_for = Some((story, width));
                self.find_matches(!same_story);
            }
            Some(_) => {}
            None => {
                self.story_lines.clear();
                self.story_scroll = 0;
                self.laid_out_for = None;
                self.find_matches(true);
            }
        }
        self.story_scroll = self.story_scroll.min(self.max_story_scroll());
        let height = self.list_height();
        if self.selected < self.list_offset {
            self.list_offset = self.selected;
        } else if self.selected >= self.list_offset + height {
            self.list_offset = self.selected + 1 - height;
        }
        self.list_offset = self
            .list_offset
            .min(self.visible.len().saturating_sub(height));
    }
}
