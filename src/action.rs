//! The app's inputs and outputs as values: what happened (`Action`: a key, a resize, a feed's
//! answer) goes into `App::update`; what it asks of the outside world comes out as `Effects`.

use crate::feed::FeedUpdate;
use crate::fetch::FetchRequest;
use crate::news::{Paragraph, Pending, Story};
use crate::store::StoredList;

/// A request to change the app's state. Produced by the keymap (keys), the mouse handling and the
/// event loop (resizes, fetch results); consumed by [`crate::app::App::update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Previous headline, or scroll the story up a line when it has focus.
    Up,
    /// Next headline, or scroll the story down a line when it has focus.
    Down,
    /// A page up in the focused pane.
    PageUp,
    /// A page down in the focused pane.
    PageDown,
    /// First headline, or the top of the story.
    Top,
    /// Last headline, or the end of the story.
    Bottom,
    /// Scroll the story a page down, whichever pane has focus (Space).
    ReadOn,
    /// Move focus to the other pane.
    FocusNext,
    /// Focus the headline list.
    FocusList,
    /// Focus the story.
    FocusStory,
    /// Toggle the full-width reading view of the selected story.
    ToggleFullView,
    /// Start typing a filter.
    StartFilter,
    /// Toggle the help overlay.
    Help,
    /// Close whatever is open: help, filter, full view.
    Close,
    /// Quit from the main view; anywhere else, close what is open (help, problems, full view),
    /// one level at a time.
    Quit,
    /// Ctrl-C: quit from anywhere, as an interrupted program does (exit status 130).
    Interrupt,
    /// Refresh the selected story's feed.
    Refresh,
    /// Refresh every feed.
    RefreshAll,
    /// A feed's own refresh period is up (`refresh_minutes`): refresh source `.0` and set the
    /// timer again.
    RefreshSource(usize),
    /// Open the selected story's link in the browser.
    OpenLink,
    /// Copy the selected story's link to the clipboard.
    CopyLink,
    /// List the selected story's links (its own, then the numbered references) to open or copy.
    ShowLinks,
    /// Reader mode: fetch the selected story's web page and show its article, or switch between
    /// the article and the feed's text.
    ToggleArticle,
    /// The article of story `.0`'s page, or why there is none.
    ArticleLoaded(usize, Result<Box<crate::article::Article>, String>),
    /// The article the store kept for story `.0` (reader mode, in an earlier run).
    ArticleStored(usize, Box<crate::article::Article>),
    /// A digit typed in the list of links: picks the link with that number.
    PickLink(u8),
    /// Play the selected story's enclosure (or the one picked in the list of links).
    PlayEnclosure,
    /// Download the selected story's enclosure (or the one picked in the list of links).
    DownloadEnclosure,
    /// A download's progress: bytes written so far, and its whole size when known.
    DownloadProgress {
        /// The enclosure's URL.
        url: String,
        /// Bytes written, resumed ones included.
        done: u64,
        /// The whole size, when the server says it.
        total: Option<u64>,
    },
    /// A download ended.
    DownloadFinished {
        /// The enclosure's URL.
        url: String,
        /// Where it went, or why it failed (one line).
        result: Result<crate::fetch::Downloaded, String>,
    },
    /// Switch the list between newest first and grouped by source.
    ToggleGrouping,
    /// Toggle the selected story's read mark.
    ToggleRead,
    /// Toggle the selected story's star.
    ToggleStar,
    /// Mark every listed (filtered) story read.
    MarkAllRead,
    /// Select the next unread story; with the story focused and a full-text search's matches in
    /// it, go to the next match.
    NextUnread,
    /// Go to the previous match of a full-text search in the story.
    PreviousMatch,
    /// Switch the filter between headlines and whole stories (title and text).
    FilterToggleText,
    /// Show or hide the list of feed errors.
    FeedErrors,
    /// Show or hide the feeds pane.
    ToggleFeeds,
    /// Make the feeds pane narrower.
    FeedsNarrower,
    /// Make the feeds pane wider.
    FeedsWider,
    /// Show the stories the `hide` rules hide, or hide them again.
    ToggleHidden,
    /// Keep the filter being typed as a saved search (in the config file and the feeds pane).
    SaveSearch,
    /// Subscribe to a feed: a prompt for its URL (or a page's that names one).
    AddFeed,
    /// Unsubscribe from the selected feed, after a y/n confirmation.
    RemoveFeed,
    /// Rename the selected feed: a prompt.
    RenameFeed,
    /// Retag the selected feed: a prompt (tags separated by commas).
    RetagFeed,
    /// A subscription was added (found and saved), or why not.
    FeedAdded(Result<Box<crate::subscriptions::Subscription>, String>),
    /// The subscription with this URL was removed from feeds.toml, or why not.
    FeedRemoved(Result<String, String>),
    /// A subscription was renamed or retagged (as now saved), or why not.
    FeedEdited(Result<Box<crate::subscriptions::Subscription>, String>),
    /// A sync with the feed server finished: its subscriptions, new stories and changed marks.
    Synced(Box<crate::sync::engine::Synced>),
    /// A sync with the feed server failed: one line why (the reader goes on from the store).
    SyncFailed(String),
    /// A feed fetch finished (parsed off the UI thread).
    FeedUpdated(Box<FeedUpdate>),
    /// Part of a feed file being read: more stories follow, then a `FeedUpdated` ends it.
    FeedBatch(Box<FeedUpdate>),
    /// The reader is on screen: time to fetch the feeds and load the rest of the store.
    Start,
    /// The store committed stories it was sent (a story waiting for its text may have it now).
    Stored,
    /// The store added stories to its full-text index (a text search may find more now).
    Indexed,
    /// Every stored story, by source (in the order of the editions), with its marks, as one
    /// compact list: the reader started with the newest of each.
    Restored(Box<StoredList>),
    /// The text of story `.0` (an index into the stories), loaded or converted when it was opened.
    BodyLoaded(usize, Box<(Vec<Paragraph>, Vec<String>)>),
    /// The link and author of story `.0`, read from the store when it was opened (a story restored
    /// from the store holds neither: see [`crate::story_list`]).
    DetailsLoaded(usize, Box<(Option<String>, Option<String>)>),
    /// Text pasted into the terminal (bracketed paste): goes into the filter being typed.
    Paste(String),
    /// Clear and redraw the whole screen.
    Redraw,
    /// Suspend to the shell (Ctrl-Z), resuming where it was on `fg`.
    Suspend,
    /// The full-text index's answer to search number `.0`: the list positions of the matching
    /// stories.
    TextResults(u64, Vec<u32>),
    /// The newest of search number `.0`'s matches (list positions), the whole answer to follow as
    /// [`Action::TextResults`]: at a million stories a common word's whole answer takes a few
    /// hundred milliseconds, its newest matches a few.
    TextResultsSoFar(u64, Vec<u32>),
    /// Something the event loop wants the user to know (a link that could not be opened).
    Notify(String),
    /// A store write failed: why (one line), and the marks it carried, not saved.
    StoreFailed(String, Vec<(String, bool, bool)>),
    /// A store write succeeded after one had failed.
    StoreRecovered,
    /// Time to try saving the marks that could not be saved again.
    RetryStore,
    /// Add a character to the filter being typed.
    FilterInput(char),
    /// Delete the filter's last character.
    FilterBackspace,
    /// Delete the filter's last word.
    FilterDeleteWord,
    /// Clear the filter text, staying in the filter.
    FilterClear,
    /// Keep the filter and return to browsing.
    FilterAccept,
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
    /// A mouse click at a column and row.
    Click(u16, u16),
    /// Mouse wheel at a column and row: negative up, positive down.
    Wheel(u16, u16, i8),
}

impl Action {
    /// True for what the user did (a key, a click, a paste), false for what happened around them
    /// (a resize, a feed's answer, a result from the store). Only the user's actions clear the
    /// status message, close the overlays and open (and so read) a story.
    pub fn is_from_user(&self) -> bool {
        !matches!(
            self,
            Action::Resize(..)
                | Action::Start
                | Action::Stored
                | Action::Indexed
                | Action::FeedUpdated(_)
                | Action::FeedBatch(_)
                | Action::Restored(_)
                | Action::BodyLoaded(..)
                | Action::DetailsLoaded(..)
                | Action::Notify(_)
                | Action::TextResults(..)
                | Action::TextResultsSoFar(..)
                | Action::StoreFailed(..)
                | Action::ArticleLoaded(..)
                | Action::ArticleStored(..)
                | Action::DownloadProgress { .. }
                | Action::DownloadFinished { .. }
                | Action::StoreRecovered
                | Action::RetryStore
                | Action::RefreshSource(_)
                | Action::FeedAdded(_)
                | Action::FeedRemoved(_)
                | Action::FeedEdited(_)
                | Action::Synced(_)
                | Action::SyncFailed(_)
        )
    }

    /// True for the keys that move through the list or the story (and so still work, as
    /// arrows and pages, while a filter is typed).
    pub fn is_navigation(&self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
        )
    }
}

/// One request `update` makes of the outside world. The app never does any of this itself: the
/// terminal loop carries out the terminal's (quit, redraw, suspend, copy) and hands the rest to
/// [`crate::runtime::Runtime`], whose answers come back as actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the program.
    Quit,
    /// Leave the program as an interrupted one does (Ctrl-C: exit status 130).
    Interrupt,
    /// Fetch these feeds in the background.
    Fetch(Vec<FetchRequest>),
    /// Save these changed marks: (story key, read, starred).
    SaveMarks(Vec<(String, bool, bool)>),
    /// Store a plain-text edition's stories (so they join the index and carry marks).
    SaveStories {
        /// The source's store key.
        source: String,
        /// Its stories, as read.
        stories: Vec<Story>,
    },
    /// Load every stored story of these sources (the reader started with the newest of each).
    RestoreStored(Vec<String>),
    /// Get the text of the open story: answered with [`Action::BodyLoaded`].
    LoadText(TextRequest),
    /// Read the link and author of story `.0`, stored under key `.1`, from the store: answered
    /// with [`Action::DetailsLoaded`].
    LoadDetails(usize, String),
    /// Get the text of the story a Down would open, once the frame is out.
    PrefetchText(TextRequest),
    /// Ask the full-text index which stories hold these words (query number `.0`).
    Search(u64, Vec<String>),
    /// Tell the full-text index the list positions of these story keys (see
    /// [`crate::store::key_hash`]).
    PlaceKeys(Vec<(u32, u64)>),
    /// Tell the full-text index that the stories of these rows are listed from position `.0` on
    /// (stories restored from the store: no key made or hashed for each).
    PlaceRows(u32, Vec<i64>),
    /// Stories were stored: the index may read them now rather than at the next search.
    CatchUpIndex,
    /// Fetch story `story`'s web page at `url` and extract its article: answered with
    /// [`Action::ArticleLoaded`].
    FetchArticle {
        /// The story's index.
        story: usize,
        /// Its link (http or https).
        url: String,
    },
    /// Keep story `key`'s article in the store.
    SaveArticle {
        /// The story's store key.
        key: String,
        /// The article.
        article: Box<crate::article::Article>,
    },
    /// Open this http(s) link in the browser.
    Open(String),
    /// Play this http(s) enclosure with the configured player.
    Play(String),
    /// Download this http(s) enclosure into `dir`: answered with [`Action::DownloadProgress`]
    /// and [`Action::DownloadFinished`].
    Download {
        /// The enclosure's URL.
        url: String,
        /// The folder it goes to.
        dir: std::path::PathBuf,
    },
    /// Copy this text to the clipboard.
    Copy(String),
    /// Sync with the feed server (`[sync]`): answered with [`Action::Synced`] or
    /// [`Action::SyncFailed`].
    Sync,
    /// Send this action back after this long (a retry with backoff).
    Later(std::time::Duration, Box<Action>),
    /// Remember the screen state (the feeds pane) for the next run, in the data directory.
    SaveUiState(crate::ui_state::UiState),
    /// Find the feed `url` leads to and add it to `feeds_file` (as `gazette add --yes` does):
    /// answered with [`Action::FeedAdded`].
    AddFeed {
        /// A feed's URL, or a page's that names one.
        url: String,
        /// feeds.toml.
        feeds_file: std::path::PathBuf,
    },
    /// Remove the subscription `url` from `feeds_file`: answered with [`Action::FeedRemoved`].
    RemoveFeed {
        /// The feed's URL.
        url: String,
        /// feeds.toml.
        feeds_file: std::path::PathBuf,
    },
    /// Rename (`name`) or retag (`tags`) the subscription `url` in `feeds_file`: answered with
    /// [`Action::FeedEdited`].
    EditFeed {
        /// The feed's URL.
        url: String,
        /// Its new name (empty: none), if it changes.
        name: Option<String>,
        /// Its new tags, if they change.
        tags: Option<Vec<String>>,
        /// feeds.toml.
        feeds_file: std::path::PathBuf,
    },
    /// Append this saved search to the config file at `path`.
    SaveSearch {
        /// The user's config file.
        path: std::path::PathBuf,
        /// The search.
        search: crate::rules::SavedSearch,
    },
    /// Clear the terminal and draw everything again.
    Redraw,
    /// Give the terminal back, stop until resumed, then take it again.
    Suspend,
}

/// Which story's text is wanted, and where it is: in the store under its key, or HTML to convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRequest {
    /// The story's index in the app's stories.
    pub story: usize,
    /// Its store key.
    pub key: String,
    /// Where its text is (never [`Pending::Nothing`]).
    pub pending: Pending,
}

/// What one `update` asks for, in order, and whether anything on screen may have changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    list: Vec<Effect>,
    unseen: bool,
}

impl Effects {
    /// Adds an effect.
    pub fn push(&mut self, effect: Effect) {
        self.list.push(effect);
    }

    /// True when the update asked for nothing.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// True when this effect is among them.
    pub fn contains(&self, effect: &Effect) -> bool {
        self.list.contains(effect)
    }

    /// The effects, in the order asked.
    pub fn iter(&self) -> std::slice::Iter<'_, Effect> {
        self.list.iter()
    }

    /// Says that the update changed nothing the screen shows (a text loaded ahead, a batch
    /// stored), so no frame need be drawn for it.
    pub fn mark_unseen(&mut self) {
        self.unseen = true;
    }

    /// True when a frame should be drawn after this update.
    pub fn changes_screen(&self) -> bool {
        !self.unseen
    }
}

impl Extend<Effect> for Effects {
    fn extend<T: IntoIterator<Item = Effect>>(&mut self, effects: T) {
        self.list.extend(effects);
    }
}

impl IntoIterator for Effects {
    type Item = Effect;
    type IntoIter = std::vec::IntoIter<Effect>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl From<Vec<Effect>> for Effects {
    fn from(list: Vec<Effect>) -> Effects {
        Effects {
            list,
            unseen: false,
        }
    }
}
