//! One sync with the server, whichever service it is: the marks made in gazette go first, then
//! the subscriptions, the new entries and the read and starred states come back, and the store
//! keeps the answer and the cursor in one transaction.
//!
//! # Conflicts
//!
//! A mark made in gazette since the last sync wins: it is queued in the store with the mark
//! itself, sent before anything is asked, and a field with a mark still queued keeps gazette's
//! value whatever the server's answer says. Anything else takes the server's state: a story read
//! on the phone is read here after the next sync. Marks are absolute values (read, not "toggle"),
//! so a mark sent twice (a sync cut short after the server took it) means the same thing again.

use std::collections::HashMap;

use super::{Mark, RemoteEntry, RemoteFeed, Service, SyncError, SyncResult};
use crate::feed::{parts_story, EntryParts};
use crate::news::Story;
use crate::store::{Retention, Store, SyncAnswer, SyncedEntry, SYNC_GUID_PREFIX};

/// The first sync asks for at most this many entries (the newest), whatever the account holds.
pub const FIRST_SYNC_LIMIT: usize = 2000;

/// What a sync brought, for the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synced {
    /// The server's subscriptions.
    pub feeds: Vec<RemoteFeed>,
    /// The new stories, by feed URL, as stored.
    pub stories: Vec<(String, Vec<Story>)>,
    /// Stories whose marks the server changed: `(key, read, starred)`.
    pub marks: Vec<(String, bool, bool)>,
    /// Marks the server took from the queue.
    pub sent: usize,
    /// Requests this sync made.
    pub requests: usize,
}

impl Synced {
    /// How many new stories came.
    pub fn new_stories(&self) -> usize {
        self.stories.iter().map(|(_, s)| s.len()).sum()
    }
}

fn store_error(e: anyhow::Error) -> SyncError {
    SyncError::Store(crate::sanitize::clean_line(&format!("{e:#}")))
}

/// Runs one sync: log in, send the queued marks, then ask for the subscriptions and what changed
/// since the stored cursor, and keep the answer. `now` is seconds since the Unix epoch.
pub fn sync_once(
    service: &mut dyn Service,
    store: &mut Store,
    now: i64,
    retention: Retention,
) -> SyncResult<Synced> {
    let requests_before = service.requests();
    service.login()?;
    let sent = send_queued_marks(service, store)?;
    let feeds = service.feeds()?;
    let cursor = store.sync_cursor().map_err(store_error)?;
    let changes = service.changes(cursor.as_deref(), FIRST_SYNC_LIMIT)?;
    let stories = stories_by_feed(&feeds, &changes.entries);
    let marks = store
        .apply_sync(&SyncAnswer {
            feeds: &feeds,
            stories: &stories,
            states: &changes.states,
            cursor: &changes.cursor,
            now,
            retention,
        })
        .map_err(store_error)?;
    Ok(Synced {
        stories: (stories.into_iter())
            .map(|(url, entries)| (url, entries.into_iter().map(|e| e.0).collect()))
            .collect(),
        feeds,
        marks,
        sent,
        requests: service.requests() - requests_before,
    })
}

/// Sends every queued mark (the last of each story's field only), grouped by mark, then takes
/// them off the queue. A failure leaves the queue as it was: the next sync sends them again.
fn send_queued_marks(service: &mut dyn Service, store: &mut Store) -> SyncResult<usize> {
    let queue = store.sync_queue().map_err(store_error)?;
    let Some(last_seq) = queue.iter().map(|m| m.seq).max() else {
        return Ok(0);
    };
    // The last mark of each entry's field, in queue order.
    let mut latest: HashMap<(String, bool), Mark> = HashMap::new();
    for queued in &queue {
        let is_read = matches!(queued.mark, Mark::Read(_));
        latest.insert((queued.entry.clone(), is_read), queued.mark);
    }
    let mut groups: HashMap<Mark, Vec<String>> = HashMap::new();
    for ((entry, _), mark) in latest {
        groups.entry(mark).or_default().push(entry);
    }
    let mut sent = 0;
    let mut groups: Vec<(Mark, Vec<String>)> = groups.into_iter().collect();
    // A fixed order, so the requests are the same each run (tests count them).
    groups.sort_by_key(|(mark, _)| format!("{mark:?}"));
    for (mark, mut ids) in groups {
        ids.sort();
        service.mark(&ids, mark)?;
        sent += ids.len();
    }
    store.sync_sent(last_seq).map_err(store_error)?;
    Ok(sent)
}

/// The new entries as stories, by their feed's URL (an entry of a feed the list does not have,
/// added on the server in between, goes under `sync-feed:<id>` rather than be lost).
fn stories_by_feed(
    feeds: &[RemoteFeed],
    entries: &[RemoteEntry],
) -> Vec<(String, Vec<SyncedEntry>)> {
    let urls: HashMap<&str, &str> = feeds
        .iter()
        .map(|f| (f.id.as_str(), f.url.as_str()))
        .collect();
    let mut by_feed: Vec<(String, Vec<SyncedEntry>)> = Vec::new();
    let mut places: HashMap<String, usize> = HashMap::new();
    for entry in entries {
        let source = match urls.get(entry.feed_id.as_str()) {
            Some(url) => url.to_string(),
            None => format!("sync-feed:{}", entry.feed_id),
        };
        let story = entry_story(entry, &source);
        let place = *places.entry(source.clone()).or_insert_with(|| {
            by_feed.push((source, Vec::new()));
            by_feed.len() - 1
        });
        by_feed[place]
            .1
            .push((story, entry.id.clone(), entry.read, entry.starred));
    }
    by_feed
}

/// An entry as a story, cleaned as any feed's entry is (the server's text is untrusted): its guid
/// is `sync:<id>`, so its marks go back to the server.
pub fn entry_story(entry: &RemoteEntry, feed_url: &str) -> Story {
    let id = format!("{SYNC_GUID_PREFIX}{}", entry.id);
    let body = entry.content_html.trim();
    let parts = EntryParts {
        title: Some((entry.title.trim(), false)).filter(|(t, _)| !t.is_empty()),
        link: entry.link.as_deref(),
        body: Some((body, true)).filter(|(b, _)| !b.is_empty()),
        published: entry.published,
        author: entry.author.as_deref(),
        id: &id,
        typed: false,
    };
    let base = feed_url.starts_with("http").then_some(feed_url);
    parts_story(parts, base, false)
}
