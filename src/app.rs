//! The app state: stories, the filtered headline list, selection, focus and scrolling, changed only
//! through [`App::update`]. No terminal here: every test can drive it with plain [`Action`]s.

mod feeds;
mod filtering;
mod marks;
mod pointer;

use ratatui::layout::{Position, Rect};

use crate::action::{Action, Effect};
use crate::config::Config;
use crate::filter::{search_key, Query};
use crate::layout::Panes;
use crate::news::{Paragraph, Story};
use crate::reader::{layout_story, line_at, StoryLine};
use crate::source::{Edition, Library};
use crate::ui::theme::Theme;

/// Which pane receives navigation keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The headline list.
    List,
    /// The story text.
    Story,
}

/// Progress of a refresh, for the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refresh {
    /// Feeds asked for.
    pub total: usize,
    /// Feeds answered.
    pub done: usize,
    /// New stories so far.
    pub new_stories: usize,
    /// Feeds that failed.
    pub failed: usize,
}

impl Refresh {
    /// The line shown when the refresh is over.
    fn summary(&self, keymap: &crate::keymap::Keymap) -> String {
        let feeds = if self.total == 1 { "feed" } else { "feeds" };
        let stories = if self.new_stories == 1 {
            "story"
        } else {
            "stories"
        };
        let mut line = format!(
            "Refreshed {} {feeds}: {} new {stories}",
            self.total, self.new_stories
        );
        if self.failed > 0 {
            line += &format!(", {} failed", self.failed);
            if let Some(key) = keymap.first_key(Action::FeedErrors) {
                line += &format!(" ({key} lists them)");
            }
        }
        line
    }
}

/// Lines the mouse wheel scrolls a story per notch.
const WHEEL_LINES: usize = 3;

/// The whole state of the reader.
#[derive(Debug)]
pub struct App {
    /// The editions the stories came from.
    pub editions: Vec<Edition>,
    /// Every story, in source order.
    pub stories: Vec<Story>,
    /// Each story's title folded for case-insensitive matching, prepared once.
    search_keys: Vec<String>,
    /// Display order: indices into `stories`, newest first or grouped by source.
    order: Vec<usize>,
    /// Per story: read (opened) or not. Changed only through `set_read_flag` and `push_read`,
    /// which keep `unread_count` (the status bar's figure, drawn every frame) true.
    read: Vec<bool>,
    /// How many of `read` are false.
    unread_count: usize,
    /// Per story: starred or not.
    pub starred: Vec<bool>,
    /// Per story: its stable key in the store ([`crate::store::story_key`]).
    pub keys: Vec<String>,
    /// Stories whose marks changed since the event loop last took them, for the store.
    pending_marks: Vec<usize>,
    /// Stories whose marks the user changed in this run (stored marks arriving late yield).
    marked: std::collections::HashSet<usize>,
    /// True while applying an action of the user's (not a background one).
    by_user: bool,
    /// True once the user has moved the selection.
    user_moved: bool,
    /// True with `--offline`: nothing is fetched.
    pub offline: bool,
    /// True when the filter searches story text, not only headlines.
    pub text_mode: bool,
    /// True when a full-text index (the store's) answers text searches, on another thread;
    /// without one, story text is scanned here.
    pub indexed_search: bool,
    /// The latest search asked of the index, for the event loop to send.
    search_request: Option<(u64, Vec<String>)>,
    /// The search sent and not answered yet.
    pending_words: Option<(u64, Vec<String>)>,
    /// Counts searches, so an answer to an older one is known as such.
    search_generation: u64,
    /// How many stories' keys the index's searcher has been told of (it answers with positions
    /// in this list), and stories whose key changed since.
    keys_told: usize,
    keys_changed: Vec<usize>,
    /// The index's last answer: the words, and which stories hold them all.
    /// (`hits[i]`: story `i` holds them all; stories added since are not hits.)
    text_results: Option<(Vec<String>, Vec<bool>)>,
    /// True when the list is grouped by source rather than newest first.
    pub group_by_source: bool,
    /// True while the feed errors overlay is open.
    pub show_errors: bool,
    /// The refresh under way, if any.
    pub refresh: Option<Refresh>,
    /// Notes from reading the files (skipped files, legacy encodings), for the problems list.
    pub notes: Vec<String>,
    /// Indices into `stories` of the headlines that pass the filter, in order.
    pub visible: Vec<usize>,
    /// Index into `visible` of the selected headline.
    pub selected: usize,
    /// First row of `visible` shown in the list.
    pub list_offset: usize,
    /// The focused pane.
    pub focus: Focus,
    /// True while the user is typing the filter.
    pub filtering: bool,
    /// The filter as typed.
    pub query: String,
    /// The filter, parsed.
    pub parsed_query: Query,
    /// True in the full-width reading view.
    pub full_view: bool,
    /// True while the help overlay is open.
    pub show_help: bool,
    /// First help entry shown.
    pub help_scroll: usize,
    /// The selected story laid out at the current text width.
    pub story_lines: Vec<StoryLine>,
    /// First story line shown.
    pub story_scroll: usize,
    /// The terminal size, columns and rows.
    pub size: (u16, u16),
    /// A message for the status bar, cleared by the next key.
    pub message: Option<String>,
    /// The configuration (layout, colours, keys).
    pub config: Config,
    /// The styles the view draws with (colourless under `NO_COLOR`: see [`Theme::from_env`]).
    pub theme: Theme,
    /// Which story and width `story_lines` were laid out for.
    laid_out_for: Option<(usize, u16)>,
    /// Lookups of the sources whose feed file is being read in parts (see `merge_stories`).
    merging: std::collections::HashMap<usize, feeds::Known>,
}

impl App {
    /// A new app over a library's stories, with its notes shown in the status bar.
    pub fn new(library: Library, config: Config) -> App {
        let count = library.stories.len();
        // One note fits the status bar; several are summed up there and listed by the problems key.
        let message = match library.notes.len() {
            0 => None,
            1 => Some(library.notes[0].clone()),
            n => Some(match config.keymap.first_key(Action::FeedErrors) {
                Some(key) => format!("{n} notes on the files read ({key} lists them)"),
                None => library.notes.join("; "),
            }),
        };
        let search_keys = library
            .stories
            .iter()
            .map(|s| search_key(&s.title))
            .collect();
        let mut app = App {
            search_keys,
            order: Vec::new(),
            read: vec![false; count],
            unread_count: count,
            starred: vec![false; count],
            keys: Vec::new(),
            pending_marks: Vec::new(),
            marked: Default::default(),
            by_user: false,
            user_moved: false,
            offline: false,
            text_mode: false,
            indexed_search: false,
            search_request: None,
            pending_words: None,
            search_generation: 0,
            keys_told: 0,
            keys_changed: Vec::new(),
            text_results: None,
            group_by_source: false,
            show_errors: false,
            refresh: None,
            notes: library.notes,
            editions: library.editions,
            stories: library.stories,
            visible: Vec::new(),
            selected: 0,
            list_offset: 0,
            focus: Focus::List,
            filtering: false,
            query: String::new(),
            parsed_query: Query::new(""),
            full_view: false,
            show_help: false,
            help_scroll: 0,
            story_lines: Vec::new(),
            story_scroll: 0,
            // Nothing is laid out until the event loop says how big the terminal is.
            size: (0, 0),
            message,
            theme: Theme::new(&config.colors, false),
            config,
            laid_out_for: None,
            merging: Default::default(),
        };
        let sources: Vec<String> = app.editions.iter().map(|e| e.source_key()).collect();
        app.keys = app
            .stories
            .iter()
            .map(|s| crate::store::story_key(&sources[s.edition], s))
            .collect();
        app.rebuild_order();
        app.visible = app.order.clone();
        app.select(0);
        app
    }

    /// The store key of a story (the one [`crate::store::story_key`] gives it).
    fn key_of(&self, story: &Story) -> String {
        crate::store::story_key(&self.editions[story.edition].source_key(), story)
    }

    /// How many stories are unread.
    pub fn unread(&self) -> usize {
        self.unread_count
    }

    /// Per story: read (opened) or not.
    pub fn read(&self) -> &[bool] {
        &self.read
    }

    /// Sets story `i`'s read flag, keeping the unread count.
    fn set_read_flag(&mut self, i: usize, read: bool) {
        if self.read[i] != read {
            self.read[i] = read;
            if read {
                self.unread_count -= 1;
            } else {
                self.unread_count += 1;
            }
        }
    }

    /// Adds the read flag of a story just added.
    fn push_read(&mut self, read: bool) {
        self.read.push(read);
        self.unread_count += usize::from(!read);
    }

    /// What went wrong: feeds whose last fetch failed (name, reason), then the notes from reading
    /// files (skipped files, legacy encodings).
    pub fn feed_errors(&self) -> Vec<(&str, &str)> {
        let feeds = self
            .editions
            .iter()
            .filter_map(|e| e.error.as_deref().map(|r| (e.full_name(), r)));
        feeds
            .chain(self.notes.iter().map(|n| ("file", n.as_str())))
            .collect()
    }

    /// The screen geometry for the current size and view, `None` when the terminal is too small.
    pub fn panes(&self) -> Option<Panes> {
        let layout = self.config.layout;
        Panes::new(
            Rect::new(0, 0, self.size.0, self.size.1),
            layout.list_width,
            layout.reading_width,
            self.full_view,
        )
    }

    /// The index in `stories` of the selected story, if any headline is listed.
    pub fn selected_story(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    /// The edition name of a story.
    pub fn edition_name(&self, story: usize) -> &str {
        &self.editions[self.stories[story].edition].name
    }

    /// The lines under a story's title: its source, author and date, and its link.
    pub fn story_meta(&self, story: usize) -> Vec<String> {
        let s = &self.stories[story];
        let source = &self.editions[s.edition];
        let mut first = vec![if source.is_feed() {
            format!("Feed: {}", source.name)
        } else {
            format!("Edition: {}", source.name)
        }];
        first.extend(s.author.as_ref().map(|a| format!("by {a}")));
        first.extend(s.published.map(crate::dates::long));
        let mut meta = vec![first.join(" · ")];
        meta.extend(s.link.as_ref().map(|l| format!("Link: {l}")));
        meta
    }

    /// Rows of the headline list on screen.
    pub fn list_height(&self) -> usize {
        self.panes()
            .and_then(|p| p.list_inner())
            .map_or(1, |r| usize::from(r.height).max(1))
    }

    /// Rows of story text on screen.
    pub fn story_height(&self) -> usize {
        self.panes()
            .map_or(1, |p| usize::from(p.text.height).max(1))
    }

    /// The largest useful story scroll: the last line at the bottom of the pane.
    pub fn max_story_scroll(&self) -> usize {
        self.story_lines.len().saturating_sub(self.story_height())
    }

    /// Applies one action. Returns an effect the event loop must carry out, if any.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        // Background news and resizes are not the user's answer to a message.
        let from_user = !matches!(
            action,
            Action::Resize(..)
                | Action::FeedUpdated(_)
                | Action::FeedBatch(_)
                | Action::Restored(_)
                | Action::BodyLoaded(..)
                | Action::Notify(_)
                | Action::TextResults(..)
        );
        if from_user {
            self.message = None;
        }
        // Only the user's own moves open (and so read) a story, and once they have moved, news
        // arriving in the background no longer pulls the selection to the top.
        self.by_user = from_user;
        self.user_moved |= from_user
            && (action.is_navigation()
                || matches!(
                    action,
                    Action::Click(..)
                        | Action::Wheel(..)
                        | Action::NextUnread
                        | Action::ToggleFullView
                ));
        if from_user && self.show_errors && action != Action::Quit {
            // The problems overlay is modal: the next command closes it (Esc, or any bound key).
            self.show_errors = false;
            return None;
        }
        if self.show_help && from_user && action != Action::Quit {
            // The overlay is modal: it scrolls and closes.
            self.help_action(action);
            return None;
        }
        let story_keys = self.focus == Focus::Story && !self.filtering;
        let page = self.list_height().saturating_sub(1).max(1);
        let story_page = self.story_height().saturating_sub(1).max(1);
        match action {
            Action::Quit => return Some(Effect::Quit),
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.relayout();
            }
            Action::Help => self.show_help = true,
            Action::Close => self.close(),
            Action::Up if story_keys => self.scroll_by(-1),
            Action::Down if story_keys => self.scroll_by(1),
            Action::PageUp if story_keys => self.scroll_by(-(story_page as isize)),
            Action::PageDown if story_keys => self.scroll_by(story_page as isize),
            Action::Top if story_keys => self.story_scroll = 0,
            Action::Bottom if story_keys => self.story_scroll = self.max_story_scroll(),
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-(page as isize)),
            Action::PageDown => self.move_selection(page as isize),
            Action::Top => self.select(0),
            Action::Bottom => self.select(self.visible.len().saturating_sub(1)),
            Action::ReadOn => self.scroll_by(story_page as isize),
            Action::FocusNext if !self.full_view => {
                self.focus = if self.focus == Focus::List {
                    Focus::Story
                } else {
                    Focus::List
                };
            }
            Action::FocusList if !self.full_view => self.focus = Focus::List,
            Action::FocusStory => self.focus = Focus::Story,
            Action::FocusNext | Action::FocusList => {}
            Action::ToggleFullView if self.selected_story().is_none() && !self.full_view => {}
            Action::ToggleFullView => {
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
            Action::StartFilter => {
                self.filtering = true;
                self.focus = Focus::List;
                if self.full_view {
                    self.full_view = false;
                    self.relayout();
                }
            }
            // A control or bidi character is no text to search for (the sanitiser drops it).
            Action::FilterInput(c) if crate::sanitize::is_removed(c) => {}
            Action::FilterInput(c) => {
                self.query.push(c);
                self.refilter(true);
            }
            Action::FilterBackspace => {
                self.query.pop();
                self.refilter(false);
            }
            Action::FilterDeleteWord => {
                // Up to and with the last space before the last word (a space may be wider than
                // one byte: U+3000, the ideographic space).
                let kept = self
                    .query
                    .trim_end()
                    .rfind(char::is_whitespace)
                    .map_or(0, |i| {
                        i + self.query[i..].chars().next().map_or(1, char::len_utf8)
                    });
                self.query.truncate(kept);
                self.refilter(false);
            }
            Action::FilterClear => {
                self.query.clear();
                self.refilter(false);
            }
            Action::FilterAccept => self.filtering = false,
            Action::Click(x, y) => self.click(Position::new(x, y)),
            Action::Wheel(x, y, delta) => self.wheel(Position::new(x, y), delta),
            Action::Refresh => {
                let source = self.selected_story().map(|s| self.stories[s].edition);
                return match source {
                    Some(source) => self.refresh(Some(source)),
                    None => self.refresh(None),
                };
            }
            Action::RefreshAll => return self.refresh(None),
            Action::OpenLink => {
                let link = self.selected_link()?;
                self.message = Some(format!("Opening {link}"));
                return Some(Effect::Open(link));
            }
            Action::CopyLink => {
                let link = self.selected_link()?;
                self.message = Some(format!("Copied {link}"));
                return Some(Effect::Copy(link));
            }
            Action::ToggleGrouping => {
                self.group_by_source = !self.group_by_source;
                self.rebuild_order();
                self.refilter(false);
                self.message = Some(
                    if self.group_by_source {
                        "Grouped by source"
                    } else {
                        "Newest first"
                    }
                    .into(),
                );
            }
            Action::FeedErrors => {
                if self.feed_errors().is_empty() {
                    self.message = Some("No feed errors or file problems.".into());
                } else {
                    self.show_errors = true;
                }
            }
            Action::FeedUpdated(update) => self.apply_feed(*update, true),
            Action::FeedBatch(update) => self.apply_feed(*update, false),
            Action::Restored(lists) => self.restore_stored(*lists),
            Action::BodyLoaded(story, body) => self.set_body(story, *body),
            Action::ToggleRead => self.toggle_read(),
            Action::ToggleStar => self.toggle_star(),
            Action::MarkAllRead => self.mark_listed_read(),
            Action::NextUnread => self.next_unread(),
            Action::FilterToggleText => self.toggle_text_mode(),
            Action::TextResults(generation, keys) => self.apply_text_results(generation, keys),
            Action::Notify(text) => self.message = Some(text),
            Action::Paste(text) if self.filtering => {
                // A paste is text, never keys: newlines and tabs become spaces.
                let text = crate::sanitize::clean_line(&text.replace(['\n', '\r', '\t'], " "));
                self.query.push_str(&text);
                self.refilter(true);
            }
            Action::Paste(_) => {}
            Action::Redraw => return Some(Effect::Redraw),
            Action::Suspend => return Some(Effect::Suspend),
        }
        None
    }

    /// Esc: closes the innermost open thing: the filter being typed (clearing it), the full view,
    /// then an applied filter.
    fn close(&mut self) {
        if self.filtering {
            self.filtering = false;
            self.clear_filter();
        } else if self.full_view {
            self.full_view = false;
            self.focus = Focus::List;
            self.relayout();
        } else if !self.query.is_empty() {
            self.clear_filter();
        } else {
            self.focus = Focus::List;
        }
    }

    fn clear_filter(&mut self) {
        self.query.clear();
        self.refilter(false);
    }

    fn move_selection(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        let target = self.selected.saturating_add_signed(delta).min(last);
        self.select(target);
    }

    /// Selects row `index` of the visible list (clamped), keeping it on screen.
    pub fn select(&mut self, index: usize) {
        let previous = self.selected_story();
        self.select_keeping(index, previous);
    }

    fn select_keeping(&mut self, index: usize, previous: Option<usize>) {
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

    /// The story whose text the event loop should load or convert now: the open one, while its
    /// text is pending (see [`crate::news::Pending`]).
    pub fn wanted_body(&self) -> Option<usize> {
        self.panes()?;
        self.selected_story()
            .filter(|&story| self.stories[story].text_pending())
    }

    /// The story after the selected one in the list (the one Down opens), if its text is still in
    /// the store or unconverted.
    pub fn next_wanted_body(&self) -> Option<usize> {
        self.panes()?;
        self.visible
            .get(self.selected + 1)
            .copied()
            .filter(|&story| self.stories[story].text_pending())
    }

    /// Puts a story's loaded text in place, keeping the reading place if it is open.
    fn set_body(&mut self, story: usize, (paragraphs, references): (Vec<Paragraph>, Vec<String>)) {
        let Some(s) = self.stories.get_mut(story) else {
            return;
        };
        s.paragraphs = paragraphs;
        s.references = references;
        s.pending = crate::news::Pending::Nothing;
        if self.laid_out_for.is_some_and(|(s, _)| s == story) {
            self.laid_out_for = Some((story, 0));
            self.relayout();
        }
    }

    fn scroll_by(&mut self, delta: isize) {
        self.story_scroll = self
            .story_scroll
            .saturating_add_signed(delta)
            .min(self.max_story_scroll());
    }

    /// Brings derived layout state up to date after a change of size, view or selection: the story
    /// is re-wrapped only when the story or the width changed, keeping the reading place, and the
    /// selected row is kept on screen.
    fn relayout(&mut self) {
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
                let meta = self.story_meta(story);
                self.story_lines = layout_story(&self.stories[story], &meta, width);
                self.story_scroll = match place {
                    Some((block, offset)) if same_story => {
                        line_at(&self.story_lines, block, offset)
                    }
                    _ => 0,
                };
                self.laid_out_for = Some((story, width));
            }
            Some(_) => {}
            None => {
                self.story_lines.clear();
                self.story_scroll = 0;
                self.laid_out_for = None;
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
