//! The app state: stories, the filtered headline list, selection, focus and scrolling, changed only
//! through [`App::update`]. No terminal here: every test can drive it with plain [`Action`]s.

mod article;
mod counts;
mod enclosures;
mod feeds;
mod filtering;
mod keys;
mod links;
mod marks;
mod matches;
mod navigation;
mod pane;
mod pointer;
mod requests;
mod subscribe;
mod sync;

use ratatui::layout::Rect;

use crate::action::{Action, Effect, Effects};
use crate::config::Config;
use crate::filter::Query;
use crate::layout::Panes;
use crate::news::Story;
use crate::reader::StoryLine;
use crate::source::{Edition, Library};
use crate::story_list::StoryList;
use crate::theme::Theme;
pub use article::ArticleState;
pub use counts::Count;
pub use enclosures::Download;
pub use links::LinkPicker;
pub use matches::StoryMatches;
pub use pane::{FeedsPane, PaneRow, Scope, QUIET_DAYS};
pub use subscribe::{Prompt, PromptKind};
pub use sync::SyncState;

/// Which pane receives navigation keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The headline list.
    List,
    /// The story text.
    Story,
    /// The feeds pane.
    Feeds,
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
    /// Every story, in source order, compact (see [`StoryList`]); each story's source is kept
    /// apart there, so a filter over a million reads 4 MB in a row.
    pub stories: StoryList,
    /// Each story's title folded for case-insensitive matching, prepared once.
    search_keys: crate::search_keys::SearchKeys,
    /// Display order: indices into `stories`, newest first or grouped by source (u32: half the
    /// memory of a million `usize`s).
    order: Vec<u32>,
    /// Per story: read (opened) or not. Changed only through `set_read_flag` and `push_read`,
    /// which keep `unread_count` (the status bar's figure, drawn every frame) true.
    read: Vec<bool>,
    /// How many of `read` are false.
    unread_count: usize,
    /// Per story: starred or not. Changed only through `set_star_flag` (and pushed with a story
    /// before `admit`), which keeps the pane's counts.
    pub starred: Vec<bool>,
    /// Per story: hidden by a `hide` rule (decided as it arrives).
    hidden: Vec<bool>,
    /// True while the stories the rules hide are listed.
    pub show_hidden: bool,
    /// The feeds pane's counts, kept as marks change.
    tally: counts::Tally,
    /// The feeds pane.
    pub pane: FeedsPane,
    /// True once the user set the pane's width (then remembered).
    pane_width_set: bool,
    /// What the pane's selection narrows the list to.
    pub scope: Scope,
    /// Per source: listed under the scope (not removed, and in the tag or the source chosen),
    /// worked out once per refilter rather than once per story.
    scope_members: Vec<bool>,
    /// The user's config file, where a saved search is added (`None`: nowhere to save).
    pub config_path: Option<std::path::PathBuf>,
    /// feeds.toml, where feeds added, removed, renamed or retagged in the reader are saved
    /// (`None`: the keys say there is nowhere).
    pub feeds_file: Option<std::path::PathBuf>,
    /// The prompt open in the status bar (adding, renaming, retagging, removing a feed).
    pub prompt: Option<Prompt>,
    /// The stories whose store key is not the one [`crate::store::story_key`] gives them (a
    /// stored story whose guid changed keeps its first key), by index; every other key is made
    /// when it is needed rather than held a million times.
    odd_keys: std::collections::HashMap<usize, String>,
    /// Stories restored from the store in this update, from the first index: their row ids, for
    /// telling the full-text index where they are without their keys.
    restored_rows: (usize, Vec<i64>),
    /// Stories whose marks changed since the last [`Effect::SaveMarks`].
    pending_marks: Vec<usize>,
    /// Stories whose marks the user changed in this run (stored marks arriving late yield).
    marked: std::collections::HashSet<usize>,
    /// True while applying an action of the user's (not a background one).
    by_user: bool,
    /// True once the user has moved the selection.
    user_moved: bool,
    /// The story selected automatically (at start, or as news arrives before the user moves),
    /// shown but not yet read: the user's next action reads it, as if they had selected it.
    auto_shown: Option<usize>,
    /// True with `--offline`: nothing is fetched.
    pub offline: bool,
    /// True when the filter searches story text, not only headlines.
    pub text_mode: bool,
    /// True when a full-text index (the store's) answers text searches, on another thread;
    /// without one, story text is scanned here.
    pub indexed_search: bool,
    /// The latest search for the index, not yet handed out as an effect.
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
    /// True when every listed headline is from one source (the list needs no source column).
    one_source: bool,
    /// The widest listed headline, up to the list's goal (see [`App::listed_title_width`]).
    title_width: usize,
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
    /// The story's links, while their list is open.
    pub links: Option<LinkPicker>,
    /// Reader mode: the stories whose web page's article was asked for, by story index.
    pub articles: std::collections::HashMap<usize, ArticleState>,
    /// Articles that could not be had (story title, why), the newest last, for the problems list.
    article_problems: Vec<(String, String)>,
    /// Enclosures being downloaded, oldest first.
    pub downloads: Vec<Download>,
    /// First help entry shown.
    pub help_scroll: usize,
    /// The selected story laid out at the current text width.
    pub story_lines: Vec<StoryLine>,
    /// First story line shown.
    pub story_scroll: usize,
    /// The full-text search's matches in the open story.
    pub matches: StoryMatches,
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
    /// True when the store holds more than the stories loaded for the first screen: `Start`
    /// asks for the rest.
    pub more_stored: bool,
    /// Why the store cannot be written, from the last failure until a write succeeds.
    pub store_problem: Option<String>,
    /// Sync with a feed server, when `[sync]` is on.
    pub sync: Option<SyncState>,
    /// Keys of the stories whose marks could not be saved, to send again.
    unsaved_marks: std::collections::HashSet<String>,
    /// True while a retry of the unsaved marks is waiting for its time; how long the next waits.
    retry_pending: bool,
    retry_wait: std::time::Duration,
    /// The story whose text was last asked for (open, and ahead), so each is asked for once.
    text_asked: Option<usize>,
    prefetch_asked: Option<usize>,
    /// The story whose link and author were last asked of the store.
    details_asked: Option<usize>,
}

/// One note fits the status bar; several are summed up there and listed by the problems key.
fn notes_message(notes: &[String], keymap: &crate::keymap::Keymap) -> Option<String> {
    match notes.len() {
        0 => None,
        1 => Some(notes[0].clone()),
        n => Some(match keymap.first_key(Action::FeedErrors) {
            Some(key) => format!("{n} notes on the files read ({key} lists them)"),
            None => notes.join("; "),
        }),
    }
}

impl App {
    /// A new app over a library's stories, with its notes shown in the status bar.
    pub fn new(library: Library, config: Config) -> App {
        let count = library.stories.len();
        let message = notes_message(&library.notes, &config.keymap);
        let search_keys =
            crate::search_keys::SearchKeys::of(library.stories.iter().map(|s| s.title.as_str()));
        let mut app = App {
            search_keys,
            order: Vec::new(),
            read: vec![false; count],
            unread_count: count,
            starred: vec![false; count],
            hidden: Vec::with_capacity(count),
            show_hidden: false,
            tally: counts::Tally::new(&config.searches, &crate::rules::Rules::new(&config.rules)),
            pane: FeedsPane {
                width: config.layout.feeds_width,
                ..FeedsPane::default()
            },
            pane_width_set: false,
            scope: Scope::All,
            scope_members: Vec::new(),
            config_path: None,
            feeds_file: None,
            prompt: None,
            odd_keys: Default::default(),
            restored_rows: (0, Vec::new()),
            pending_marks: Vec::new(),
            marked: Default::default(),
            by_user: false,
            user_moved: false,
            auto_shown: None,
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
            stories: library.stories.into_iter().collect(),
            visible: Vec::new(),
            one_source: true,
            title_width: 0,
            selected: 0,
            list_offset: 0,
            focus: Focus::List,
            filtering: false,
            query: String::new(),
            parsed_query: Query::new(""),
            full_view: false,
            show_help: false,
            links: None,
            articles: Default::default(),
            article_problems: Vec::new(),
            downloads: Vec::new(),
            help_scroll: 0,
            story_lines: Vec::new(),
            story_scroll: 0,
            matches: StoryMatches::default(),
            // Nothing is laid out until the event loop says how big the terminal is.
            size: (0, 0),
            message,
            theme: Theme::new(&config.colors, false),
            config,
            laid_out_for: None,
            merging: Default::default(),
            more_stored: false,
            store_problem: None,
            sync: None,
            unsaved_marks: Default::default(),
            retry_pending: false,
            retry_wait: marks::FIRST_RETRY_WAIT,
            text_asked: None,
            prefetch_asked: None,
            details_asked: None,
        };
        for i in 0..count {
            app.admit(i);
        }
        app.build_pane_rows();
        app.rebuild_order();
        app.refilter(false);
        app.select_automatically();
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
    pub(super) fn set_read_flag(&mut self, i: usize, read: bool) {
        if self.read[i] != read {
            self.tally_story(i, false);
            self.read[i] = read;
            if read {
                self.unread_count -= 1;
            } else {
                self.unread_count += 1;
            }
            self.tally_story(i, true);
        }
    }

    /// Adds the read flag of a story just added.
    fn push_read(&mut self, read: bool) {
        self.read.push(read);
        self.unread_count += usize::from(!read);
    }

    /// What went wrong: the store, when it cannot be written; feeds whose last fetch failed
    /// (name, reason); then the notes from reading files (skipped files, legacy encodings).
    pub fn feed_errors(&self) -> Vec<(&str, &str)> {
        let feeds = self
            .editions
            .iter()
            .filter_map(|e| e.error.as_deref().map(|r| (e.full_name(), r)));
        let store = self.store_problem.as_deref().map(|p| ("store", p));
        let sync = (self.sync.as_ref()).and_then(|s| s.problem.as_deref().map(|p| ("sync", p)));
        let articles = (self.article_problems.iter()).map(|(t, r)| (t.as_str(), r.as_str()));
        store
            .into_iter()
            .chain(sync)
            .chain(feeds)
            .chain(articles)
            .chain(self.notes.iter().map(|n| ("file", n.as_str())))
            .collect()
    }

    /// The screen geometry for the current size and view, `None` when the terminal is too small.
    pub fn panes(&self) -> Option<Panes> {
        self.screen().map(|(_, panes)| panes)
    }

    /// The feeds pane's area (when shown) and the other panes, for the current size and view.
    pub fn screen(&self) -> Option<(Option<Rect>, Panes)> {
        self.screen_in(Rect::new(0, 0, self.size.0, self.size.1))
    }

    /// The feeds pane's area (when shown) and the other panes, in `area`.
    pub fn screen_in(&self, area: Rect) -> Option<(Option<Rect>, Panes)> {
        let layout = self.config.layout;
        let feeds = self.feeds_shown().then_some(self.pane.width);
        crate::layout::with_feeds(
            area,
            (layout.list_width, layout.reading_width),
            self.full_view,
            feeds,
        )
    }

    /// The index in `stories` of the selected story, if any headline is listed.
    pub fn selected_story(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    /// The edition name of a story.
    pub fn edition_name(&self, story: usize) -> &str {
        &self.editions[self.stories.source(story)].name
    }

    /// The lines under a story's title: its source, author and date, and its link.
    pub fn story_meta(&self, story: usize) -> Vec<String> {
        let s = &self.stories;
        let source = &self.editions[s.source(story)];
        let mut first = vec![if source.is_feed() {
            format!("Feed: {}", source.name)
        } else {
            format!("Edition: {}", source.name)
        }];
        first.extend(s.author(story).map(|a| format!("by {a}")));
        first.extend(s.published(story).map(crate::dates::long));
        let mut meta = vec![first.join(" · ")];
        meta.extend(s.link(story).map(|l| format!("Link: {l}")));
        meta.extend(self.enclosure_lines(story));
        meta.extend(self.article_hint(story));
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

    /// Applies one action and returns what it asks of the outside world: the fetches, store
    /// writes, text loads and searches it needs, in order (see [`Effect`]).
    pub fn update(&mut self, action: Action) -> Effects {
        let mut effects = Effects::default();
        if self.intercepted(&action) || self.prompt_takes(&action, &mut effects) {
            return effects;
        }
        if self.links.is_some() && action.is_from_user() && action != Action::Interrupt {
            // The list of links is modal.
            self.pick_link(action, &mut effects);
            self.ask_for_what_is_needed(&mut effects);
            return effects;
        }
        let unhandled = self
            .pane_action(action, &mut effects)
            .and_then(|a| self.navigate(a))
            .and_then(|a| self.edit_filter(a))
            .and_then(|a| self.go_to_match(a))
            .and_then(|a| self.change_marks(a))
            .and_then(|a| self.store_news(a, &mut effects))
            .and_then(|a| self.article_action(a, &mut effects))
            .and_then(|a| self.enclosure_action(a, &mut effects))
            .and_then(|a| self.sync_action(a, &mut effects))
            .and_then(|a| self.feed_action(a, &mut effects))
            .and_then(|a| self.subscription_action(a, &mut effects));
        if let Some(action) = unhandled {
            self.general(action, &mut effects);
        }
        self.keep_focus_shown();
        self.ask_for_what_is_needed(&mut effects);
        effects
    }

    /// What every action does first: a user's action clears the status message and ends the
    /// automatic selection; an open overlay takes it. True when the overlay took it.
    fn intercepted(&mut self, action: &Action) -> bool {
        let from_user = action.is_from_user();
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
        if from_user {
            self.read_the_shown_story(action);
        }
        if !from_user || *action == Action::Interrupt {
            return false;
        }
        if self.show_errors {
            // The problems overlay is modal: the next command closes it (Esc, q, any bound key).
            self.show_errors = false;
            return true;
        }
        if self.show_help {
            // The overlay is modal: it scrolls and closes.
            self.help_action(action.clone());
            return true;
        }
        false
    }

    /// The actions of no one concern: leaving, the terminal's own, messages, links, overlays.
    fn general(&mut self, action: Action, effects: &mut Effects) {
        match action {
            // `q` backs out of the full view (as Esc does) before it quits.
            Action::Quit if self.full_view => self.close_full_view(),
            Action::Quit | Action::Interrupt => {
                // A last try for the marks that could not be saved; quitting says if it failed.
                self.retry_marks(effects);
                effects.push(if action == Action::Quit {
                    Effect::Quit
                } else {
                    Effect::Interrupt
                });
            }
            Action::Redraw => effects.push(Effect::Redraw),
            Action::Suspend => effects.push(Effect::Suspend),
            Action::Help => self.show_help = true,
            Action::ToggleHidden => self.toggle_hidden(),
            Action::SaveSearch => self.save_search(effects),
            Action::ShowLinks => self.show_links(),
            Action::Notify(text) => self.message = Some(text),
            Action::OpenLink => {
                if let Some(link) = self.selected_link() {
                    self.message = Some(format!("Opening {link}"));
                    effects.push(Effect::Open(link));
                }
            }
            Action::CopyLink => {
                if let Some(link) = self.selected_link() {
                    self.message = Some(format!("Copied {link}"));
                    effects.push(Effect::Copy(link));
                }
            }
            Action::FeedErrors => {
                if self.feed_errors().is_empty() {
                    self.message = Some("No feed errors or file problems.".into());
                } else {
                    self.show_errors = true;
                }
            }
            Action::BodyLoaded(story, body) => self.set_body(story, *body, effects),
            Action::DetailsLoaded(story, details) => self.set_details(story, *details, effects),
            // Every other action belongs to a concern above.
            _ => {}
        }
    }
}
