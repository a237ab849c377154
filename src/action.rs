//! Everything the user can ask of the app, as values: keys and mouse events become `Action`s.

use crate::feed::FeedUpdate;
use crate::fetch::FetchRequest;
use crate::news::Paragraph;
use crate::store::StoredStory;

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
    /// Quit the program.
    Quit,
    /// Refresh the selected story's feed.
    Refresh,
    /// Refresh every feed.
    RefreshAll,
    /// Open the selected story's link in the browser.
    OpenLink,
    /// Copy the selected story's link to the clipboard.
    CopyLink,
    /// Switch the list between newest first and grouped by source.
    ToggleGrouping,
    /// Toggle the selected story's read mark.
    ToggleRead,
    /// Toggle the selected story's star.
    ToggleStar,
    /// Mark every listed (filtered) story read.
    MarkAllRead,
    /// Select the next unread story.
    NextUnread,
    /// Switch the filter between headlines and whole stories (title and text).
    FilterToggleText,
    /// Show or hide the list of feed errors.
    FeedErrors,
    /// A feed fetch finished (parsed off the UI thread).
    FeedUpdated(Box<FeedUpdate>),
    /// Part of a feed file being read: more stories follow, then a `FeedUpdated` ends it.
    FeedBatch(Box<FeedUpdate>),
    /// Every stored story, per source (in the order of the editions), with its marks: the reader
    /// started with the newest of each.
    Restored(Box<Vec<Vec<StoredStory>>>),
    /// The text of story `.0` (an index into the stories), loaded or converted when it was opened.
    BodyLoaded(usize, Box<(Vec<Paragraph>, Vec<String>)>),
    /// Text pasted into the terminal (bracketed paste): goes into the filter being typed.
    Paste(String),
    /// Clear and redraw the whole screen.
    Redraw,
    /// Suspend to the shell (Ctrl-Z), resuming where it was on `fg`.
    Suspend,
    /// The full-text index's answer to search number `.0`: the list positions of the matching
    /// stories.
    TextResults(u64, Vec<u32>),
    /// Something the event loop wants the user to know (a link that could not be opened).
    Notify(String),
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

/// What the event loop must do after an update: side effects are values, carried out outside the
/// state code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the program.
    Quit,
    /// Fetch these feeds in the background.
    Fetch(Vec<FetchRequest>),
    /// Open this http(s) link in the browser.
    Open(String),
    /// Copy this text to the clipboard.
    Copy(String),
    /// Clear the terminal and draw everything again.
    Redraw,
    /// Give the terminal back, stop until resumed, then take it again.
    Suspend,
}
