//! Sync with a feed server (Tiny Tiny RSS, the Google Reader API, Miniflux): the one trait every
//! service implements, the values it hands over, and its errors. The services know HTTP and their
//! API only; what an answer means for the store and the reader is `engine`'s.
//!
//! Ids are the server's, as decimal strings for all three services (the Google Reader API's long
//! form `tag:google.com,2005:reader/item/<16 hex digits>` is turned into decimal by its client).

use std::collections::HashSet;
use std::fmt;

pub mod account;
pub mod engine;
pub mod greader;
pub mod http;
pub mod miniflux;
pub mod settings;
pub mod ttrss;

/// Which API the server speaks (`[sync] service`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceKind {
    /// Tiny Tiny RSS's JSON API (`/api/`).
    TtRss,
    /// The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux).
    GoogleReader,
    /// Miniflux's REST API (`/v1/`).
    Miniflux,
}

/// Where and who: the server's base URL as configured, the user, and the password or API token
/// (from `password_command` or an environment variable; never written anywhere).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The base URL as configured (`https://rss.example.org/tt-rss/`, `https://example.org/api/greader.php`,
    /// `https://miniflux.example.org`).
    pub url: String,
    /// The user name (unused by Miniflux with a token).
    pub user: String,
    /// The password, or Miniflux's API token.
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The password never reaches a log, a panic message or the problems list.
        write!(f, "Credentials({}, {}, ***)", self.url, self.user)
    }
}

/// A subscription as the server has it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RemoteFeed {
    /// The server's id of the feed.
    pub id: String,
    /// The feed's URL (what gazette keys the feed's stories by).
    pub url: String,
    /// Its title on the server.
    pub title: String,
    /// Its categories, folders or labels (tags in gazette); empty for none. tt-rss and Miniflux
    /// give one category ("Uncategorized"/"All" count as none).
    pub tags: Vec<String>,
}

impl RemoteFeed {
    /// The feed as the reader's subscriptions list it.
    pub fn subscription(&self) -> crate::subscriptions::Subscription {
        crate::subscriptions::Subscription {
            url: self.url.clone(),
            name: Some(self.title.clone()).filter(|t| !t.trim().is_empty()),
            tags: self.tags.clone(),
            ..Default::default()
        }
    }
}

/// An entry (story) as the server has it. Text is untrusted: the engine cleans it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RemoteEntry {
    /// The server's id of the entry.
    pub id: String,
    /// The id of its feed ([`RemoteFeed::id`]).
    pub feed_id: String,
    /// The title, as sent (may hold HTML entities or tags: the engine cleans it).
    pub title: String,
    /// The article's link.
    pub link: Option<String>,
    /// The author.
    pub author: Option<String>,
    /// Publication time, seconds since the Unix epoch.
    pub published: Option<i64>,
    /// The body as HTML (empty when the server sent none).
    pub content_html: String,
    /// Read on the server.
    pub read: bool,
    /// Starred (marked, bookmarked) on the server.
    pub starred: bool,
}

/// What the server says about read and starred states besides the entries' own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum States {
    /// The whole sets: every entry not in `unread` is read, every entry not in `starred` is not
    /// starred (tt-rss and the Google Reader API learn changes this way: ids only, cheap).
    Sets {
        /// Ids of every unread entry.
        unread: HashSet<String>,
        /// Ids of every starred entry.
        starred: HashSet<String>,
    },
    /// Only these entries' states changed since the cursor (Miniflux's `changed_after`).
    Changed(Vec<EntryState>),
}

/// One entry's read and starred states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryState {
    /// The server's id of the entry.
    pub id: String,
    /// Read.
    pub read: bool,
    /// Starred.
    pub starred: bool,
}

/// What changed on the server since the last sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Entries new since the cursor (whole: with their text), oldest first.
    pub entries: Vec<RemoteEntry>,
    /// Read and starred states.
    pub states: States,
    /// The cursor to hand to the next [`Service::changes`] (opaque to everyone but the service:
    /// the highest entry id seen, a time, or both). Stored in the same transaction as the
    /// entries, so a sync cut short asks again from the old cursor and nothing is lost or doubled.
    pub cursor: String,
}

/// A mark sent to the server: the field and its new value (absolute, never a toggle, so sending a
/// mark again means the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Read (true) or unread (false).
    Read(bool),
    /// Starred (true) or not (false).
    Starred(bool),
}

/// Why a request to the server failed: one line for the status bar and `E`, naming the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// Wrong user, password or token, or API access off: retrying will not help until the
    /// config changes.
    Auth(String),
    /// The server asked to slow down (HTTP 429, or 503 with Retry-After); wait at least this many
    /// seconds if it said.
    RateLimited(String, Option<u64>),
    /// Not reachable: refused, timed out, DNS, TLS.
    Network(String),
    /// The server answered with an error status or an API error.
    Server(String),
    /// The answer was not what the API documents (not JSON, a missing field, too large).
    Malformed(String),
    /// The service's API cannot do this (tt-rss cannot move a feed to another category).
    Unsupported(String),
    /// gazette's own store could not be read or written (a sync is not lost: it is asked again).
    Store(String),
}

impl SyncError {
    /// The one line, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            SyncError::Auth(m)
            | SyncError::RateLimited(m, _)
            | SyncError::Network(m)
            | SyncError::Server(m)
            | SyncError::Malformed(m)
            | SyncError::Unsupported(m)
            | SyncError::Store(m) => m,
        }
    }
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for SyncError {}

/// The result of a request to the server.
pub type SyncResult<T> = Result<T, SyncError>;

/// One feed server's API. Blocking; called from the sync thread only, one call at a time. Every
/// method logs in first if it has no session (or the session expired) and retries once after a
/// fresh login when the server says the session is gone.
pub trait Service: Send {
    /// Checks the credentials (logs in, or checks the token), so a wrong password is reported as
    /// [`SyncError::Auth`] before anything else.
    fn login(&mut self) -> SyncResult<()>;

    /// Every subscription, with its categories.
    fn feeds(&mut self) -> SyncResult<Vec<RemoteFeed>>;

    /// What changed since `cursor` (None: the first sync, which fetches the newest `first_limit`
    /// entries at most, across all feeds, plus every unread and starred one's state).
    fn changes(&mut self, cursor: Option<&str>, first_limit: usize) -> SyncResult<Changes>;

    /// Sets `mark` on these entries (ids of [`RemoteEntry::id`]), batching as the API allows.
    fn mark(&mut self, ids: &[String], mark: Mark) -> SyncResult<()>;

    /// Subscribes to `url`, in category `tag` if given (created if missing), returning the feed.
    fn subscribe(&mut self, url: &str, tag: Option<&str>) -> SyncResult<RemoteFeed>;

    /// Unsubscribes from `feed`.
    fn unsubscribe(&mut self, feed: &RemoteFeed) -> SyncResult<()>;

    /// Renames `feed` on the server.
    fn rename(&mut self, feed: &RemoteFeed, title: &str) -> SyncResult<()>;

    /// Puts `feed` in these categories (the first only, for services with one category a feed).
    fn retag(&mut self, feed: &RemoteFeed, tags: &[String]) -> SyncResult<()>;

    /// How many HTTP requests this client has made (for the request counts README gives).
    fn requests(&self) -> usize;
}
