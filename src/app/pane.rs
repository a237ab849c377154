//! The feeds pane's state: its rows ('All', 'Unread', 'Starred', the saved searches, each tag with
//! its feeds, the feeds with no tag), its selection, showing and sizing it, and the scope the
//! selected row narrows the headline list to (applied by the filter with the typed query).

use ratatui::layout::{Position, Rect};

use super::{App, Focus};
use crate::action::{Action, Effect, Effects};
use crate::rules::SavedSearch;
use crate::ui_state::UiState;

/// A source with no story newer than this many days is marked quiet in the pane.
pub const QUIET_DAYS: i64 = 30;

/// The narrowest and widest the pane can be made, in columns.
const MIN_PANE_WIDTH: u16 = 12;
const MAX_PANE_WIDTH: u16 = 80;

/// One row of the feeds pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaneRow {
    /// Every story.
    All,
    /// The unread stories.
    Unread,
    /// The starred stories.
    Starred,
    /// Saved search `.0` (config order).
    Search(usize),
    /// A tag, and the sources that have it.
    Tag(String, Vec<usize>),
    /// The sources with no tag (shown only when some source has one).
    Untagged(Vec<usize>),
    /// Source `.0`; `.1` when it sits under a tag.
    Feed(usize, bool),
}

/// What the headline list is narrowed to by the pane (besides the typed filter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Nothing: every story.
    #[default]
    All,
    /// Unread stories (as `is:unread`).
    Unread,
    /// Starred stories (as `is:starred`).
    Starred,
    /// The stories saved search `.0` lists.
    Search(usize),
    /// The sources with this tag (as `tag:`, the whole tag).
    Tag(String),
    /// The sources with no tag.
    Untagged,
    /// One source (as `source:`, that source alone).
    Source(usize),
}

/// The pane: rows, selection, and whether and how wide it is shown.
#[derive(Debug, Clone, Default)]
pub struct FeedsPane {
    /// The rows, built when the sources, tags or searches change.
    pub rows: Vec<PaneRow>,
    /// The selected row.
    pub selected: usize,
    /// The first row on screen.
    pub offset: usize,
    /// Shown or hidden by the user (remembered); `None`: shown when the terminal is wide enough.
    pub shown: Option<bool>,
    /// Its width in columns.
    pub width: u16,
    /// True when the reader opened the user's subscriptions: only then does the pane show by
    /// itself on a wide terminal.
    pub auto: bool,
}

impl FeedsPane {
    /// The screen state to remember.
    pub fn ui_state(&self, user_width: bool) -> UiState {
        UiState {
            feeds_visible: self.shown,
            feeds_width: user_width.then_some(self.width),
        }
    }
}

impl App {
    /// Puts back what the last run remembered of the pane.
    pub fn restore_ui_state(&mut self, state: UiState) {
        self.pane.shown = state.feeds_visible;
        if let Some(width) = state.feeds_width {
            self.pane.width = width.clamp(MIN_PANE_WIDTH, MAX_PANE_WIDTH);
            self.pane_width_set = true;
        }
    }

    /// True when the feeds pane is on screen (never in the full view).
    pub fn feeds_shown(&self) -> bool {
        let min = self.config.layout.feeds_min_width;
        let auto = self.pane.auto && min > 0 && self.size.0 >= min;
        !self.full_view && self.pane.shown.unwrap_or(auto)
    }

    /// The feeds pane's area, when shown.
    pub fn feeds_area(&self) -> Option<Rect> {
        self.screen().and_then(|(feeds, _)| feeds)
    }

    /// Builds the pane's rows from the sources, their tags and the saved searches.
    pub(super) fn build_pane_rows(&mut self) {
        let mut rows = vec![PaneRow::All, PaneRow::Unread, PaneRow::Starred];
        rows.extend((0..self.config.searches.len()).map(PaneRow::Search));
        let sources: Vec<usize> = (0..self.editions.len())
            .filter(|&s| !self.editions[s].removed)
            .collect();
        let mut tags: Vec<&String> = (sources.iter())
            .flat_map(|&s| &self.editions[s].tags)
            .collect();
        tags.sort_unstable();
        tags.dedup();
        for tag in tags {
            let members: Vec<usize> = (sources.iter().copied())
                .filter(|&s| self.editions[s].tags.contains(tag))
                .collect();
            let feeds = members.iter().map(|&s| PaneRow::Feed(s, true));
            let header = PaneRow::Tag(tag.clone(), members.clone());
            rows.extend(std::iter::once(header).chain(feeds));
        }
        let untagged: Vec<usize> = (sources.iter().copied())
            .filter(|&s| self.editions[s].tags.is_empty())
            .collect();
        let grouped = untagged.len() < sources.len();
        if grouped && !untagged.is_empty() {
            rows.push(PaneRow::Untagged(untagged.clone()));
        }
        rows.extend(untagged.into_iter().map(|s| PaneRow::Feed(s, grouped)));
        self.pane.rows = rows;
        self.pane.selected = self.pane.selected.min(self.pane.rows.len() - 1);
    }

    /// Takes the pane's own actions, and the moves and clicks meant for it; returns any other.
    pub(super) fn pane_action(&mut self, action: Action, effects: &mut Effects) -> Option<Action> {
        let on_pane = self.focus == Focus::Feeds && self.feeds_shown() && !self.filtering;
        let page = self.pane_height().saturating_sub(1).max(1) as isize;
        match action {
            Action::ToggleFeeds => {
                self.pane.shown = Some(!self.feeds_shown());
                self.focus = if self.feeds_shown() {
                    Focus::Feeds
                } else {
                    Focus::List
                };
                self.relayout();
                self.save_ui_state(effects);
            }
            Action::FeedsNarrower | Action::FeedsWider => {
                let step: i16 = if action == Action::FeedsWider { 2 } else { -2 };
                let width = self.pane.width.saturating_add_signed(step);
                self.pane.width = width.clamp(MIN_PANE_WIDTH, MAX_PANE_WIDTH);
                self.pane_width_set = true;
                self.relayout();
                self.save_ui_state(effects);
            }
            Action::Up if on_pane => self.move_pane(-1),
            Action::Down if on_pane => self.move_pane(1),
            Action::PageUp if on_pane => self.move_pane(-page),
            Action::PageDown if on_pane => self.move_pane(page),
            Action::Top if on_pane => self.select_pane(0),
            Action::Bottom if on_pane => self.select_pane(usize::MAX),
            Action::ToggleFullView | Action::FocusStory if on_pane => self.focus = Focus::List,
            Action::FocusNext if on_pane => self.focus = Focus::List,
            Action::FocusNext if self.focus == Focus::Story && self.feeds_shown() => {
                self.focus = Focus::Feeds;
            }
            Action::FocusList if self.focus == Focus::List && self.feeds_shown() => {
                self.focus = Focus::Feeds;
            }
            Action::Click(x, y) if self.pane_contains(x, y) => self.click_pane(Position::new(x, y)),
            Action::Wheel(x, y, delta) if self.pane_contains(x, y) => {
                self.move_pane(isize::from(delta));
            }
            other => return Some(other),
        }
        None
    }

    fn save_ui_state(&self, effects: &mut Effects) {
        effects.push(Effect::SaveUiState(self.pane.ui_state(self.pane_width_set)));
    }

    fn pane_contains(&self, x: u16, y: u16) -> bool {
        self.feeds_area()
            .is_some_and(|r| r.contains(Position::new(x, y)))
    }

    /// Rows of the pane on screen.
    fn pane_height(&self) -> usize {
        self.feeds_area()
            .map_or(1, |r| usize::from(crate::layout::inner(r).height).max(1))
    }

    fn click_pane(&mut self, at: Position) {
        self.focus = Focus::Feeds;
        let Some(rows) = self.feeds_area().map(crate::layout::inner) else {
            return;
        };
        if rows.contains(at) {
            self.select_pane(self.pane.offset + usize::from(at.y - rows.y));
        }
    }

    fn move_pane(&mut self, delta: isize) {
        self.select_pane(self.pane.selected.saturating_add_signed(delta));
    }

    /// Selects row `row` of the pane (clamped) and narrows the list to it.
    pub fn select_pane(&mut self, row: usize) {
        let last = self.pane.rows.len().saturating_sub(1);
        self.pane.selected = row.min(last);
        let height = self.pane_height();
        if self.pane.selected < self.pane.offset {
            self.pane.offset = self.pane.selected;
        } else if self.pane.selected >= self.pane.offset + height {
            self.pane.offset = self.pane.selected + 1 - height;
        }
        let scope = match self.pane.rows.get(self.pane.selected) {
            Some(PaneRow::Unread) => Scope::Unread,
            Some(PaneRow::Starred) => Scope::Starred,
            Some(PaneRow::Search(k)) => Scope::Search(*k),
            Some(PaneRow::Tag(tag, _)) => Scope::Tag(tag.clone()),
            Some(PaneRow::Untagged(_)) => Scope::Untagged,
            Some(PaneRow::Feed(s, _)) => Scope::Source(*s),
            Some(PaneRow::All) | None => Scope::All,
        };
        if let Scope::Source(s) = scope {
            // Why the feed's last refresh failed, on selection (and in the problems list).
            let source = &self.editions[s];
            if let Some(error) = &source.error {
                self.message = Some(format!("{}: {error}", source.full_name()));
            }
        }
        if scope != self.scope {
            self.scope = scope;
            self.refilter(false);
        }
    }

    /// Per source: whether the scope lists its stories (not removed; in the tag or the source
    /// chosen).
    pub(super) fn scope_sources(&self) -> Vec<bool> {
        (self.editions.iter().enumerate())
            .map(|(s, source)| {
                !source.removed
                    && match &self.scope {
                        Scope::Tag(tag) => source.tags.contains(tag),
                        Scope::Untagged => source.tags.is_empty(),
                        Scope::Source(only) => s == *only,
                        _ => true,
                    }
            })
            .collect()
    }

    /// True when story `i` is listed under the pane's scope (and not hidden, unless hidden
    /// stories are shown). The sources' part is `scope_members`, worked out by the refilter.
    pub(super) fn in_scope(&self, i: usize) -> bool {
        let member = self.scope_members.get(self.stories.sources()[i] as usize);
        if member != Some(&true) || (self.hidden[i] && !self.show_hidden) {
            return false;
        }
        match &self.scope {
            Scope::Unread => !self.read[i],
            Scope::Starred => self.starred[i],
            Scope::Search(k) => self.search_lists(*k, i),
            _ => true,
        }
    }

    /// The scope as the status bar says it, in the filter's words; `None` for all stories.
    pub fn scope_label(&self) -> Option<String> {
        Some(match &self.scope {
            Scope::All => return None,
            Scope::Unread => "is:unread".into(),
            Scope::Starred => "is:starred".into(),
            Scope::Search(k) => format!("search:{}", self.config.searches[*k].name),
            Scope::Tag(tag) => format!("tag:{tag}"),
            Scope::Untagged => "no tag".into(),
            Scope::Source(s) => format!("source:{}", self.editions[*s].name),
        })
    }

    /// What a pane row counts: stories for 'All', unread ones for 'Unread', starred ones for
    /// 'Starred', the stories a saved search lists, and unread ones for a tag or a feed.
    pub fn pane_count(&self, row: &PaneRow) -> usize {
        let sum = |sources: &[usize]| {
            (sources.iter().map(|&s| self.source_count(s).unread)).sum::<usize>()
        };
        match row {
            PaneRow::All => self.all_count().total,
            PaneRow::Unread => self.all_count().unread,
            PaneRow::Starred => self.all_count().starred,
            PaneRow::Search(k) => self.search_count(*k).total,
            PaneRow::Tag(_, sources) | PaneRow::Untagged(sources) => sum(sources),
            PaneRow::Feed(s, _) => self.source_count(*s).unread,
        }
    }

    /// True when source `s` has had no new story for [`QUIET_DAYS`] (as of `now`, in seconds
    /// since the Unix epoch); a source with no dated story is not called quiet.
    pub fn is_quiet(&self, s: usize, now: i64) -> bool {
        self.newest_story(s)
            .is_some_and(|newest| now - newest > QUIET_DAYS * 24 * 3600)
    }

    /// `H`: shows the stories the rules hide, or hides them again.
    pub(super) fn toggle_hidden(&mut self) {
        self.show_hidden = !self.show_hidden;
        let hidden = self.hidden.iter().filter(|&&h| h).count();
        self.message = Some(if self.show_hidden {
            format!("Showing {hidden} hidden stories")
        } else {
            format!("Hiding {hidden} stories (rules)")
        });
        self.refilter(false);
    }

    /// Ctrl-S in the filter: keeps the typed filter as a saved search named by its text, listed
    /// in the pane at once and added to the config file by the runtime.
    pub(super) fn save_search(&mut self, effects: &mut Effects) {
        let query = crate::sanitize::clean_field(&self.query);
        if query.is_empty() {
            self.message = Some("Type a filter first: it is what a search saves.".into());
            return;
        }
        let Some(path) = self.config_path.clone() else {
            self.message = Some("No config file to save the search in (--config FILE).".into());
            return;
        };
        if self.config.searches.iter().any(|s| s.query == query) {
            self.message = Some(format!("\"{query}\" is a saved search already."));
            return;
        }
        let search = SavedSearch {
            name: query.clone(),
            query,
        };
        self.message = Some(format!("Saving the search \"{}\"…", search.name));
        self.add_search(search.clone());
        effects.push(Effect::SaveSearch { path, search });
    }

    /// A focus on the pane moves to the list once the pane is gone.
    pub(super) fn keep_focus_shown(&mut self) {
        if self.focus == Focus::Feeds && !self.feeds_shown() {
            self.focus = Focus::List;
        }
    }
}
