//! What the store keeps for sync with a feed server: the queue of marks the server has not had
//! yet (written in the mark's own transaction), the map from the server's entry ids to stories,
//! the server's subscriptions, the account and the cursor; and a sync's answer applied in one
//! transaction.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{save, story_key, Retention, Store, KEY_SEPARATOR};
use crate::news::Story;
use crate::sync::{Mark, RemoteFeed, States};

/// What a synced story's guid starts with: `sync:<the server's entry id>`.
pub const SYNC_GUID_PREFIX: &str = "sync:";

/// A mark made in gazette that the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMark {
    /// Its place in the queue (later marks have higher numbers).
    pub seq: i64,
    /// The server's id of the entry.
    pub entry: String,
    /// The story's key.
    pub key: String,
    /// The field and its value.
    pub mark: Mark,
}

/// A new entry to keep: its story, the server's id, read, starred.
pub type SyncedEntry = (Story, String, bool, bool);

/// A sync's answer, as the store keeps it.
#[derive(Debug, Clone)]
pub struct SyncAnswer<'a> {
    /// The server's subscriptions (replacing those kept).
    pub feeds: &'a [RemoteFeed],
    /// New entries by source (feed URL): the stories, each with its entry id, read and starred.
    pub stories: &'a [(String, Vec<SyncedEntry>)],
    /// Read and starred states.
    pub states: &'a States,
    /// The cursor for the next sync.
    pub cursor: &'a str,
    /// Now, seconds since the Unix epoch.
    pub now: i64,
    /// What to keep of each source.
    pub retention: Retention,
}

/// The server's entry id of a synced story's key, if it is one.
pub fn entry_of_key(key: &str) -> Option<&str> {
    let guid = &key[key.rfind(KEY_SEPARATOR)? + KEY_SEPARATOR.len_utf8()..];
    guid.strip_prefix(SYNC_GUID_PREFIX)
}

impl Store {
    /// The account (service, URL and user) the synced data belongs to.
    pub fn sync_account(&self) -> anyhow::Result<Option<String>> {
        self.sync_value("account")
    }

    /// The cursor of the last sync.
    pub fn sync_cursor(&self) -> anyhow::Result<Option<String>> {
        self.sync_value("cursor")
    }

    fn sync_value(&self, name: &str) -> anyhow::Result<Option<String>> {
        let read = || {
            self.conn
                .query_row(
                    "SELECT value FROM sync_state WHERE name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()
        };
        read().map_err(|e| self.fail("reading the sync state", e))
    }

    /// Makes `account` the one synced data belongs to. Another account's cursor, queue, entry
    /// map and subscriptions meant another server: they are dropped (the stories stay, as any
    /// unsubscribed feed's do). Returns whether it changed.
    pub fn set_sync_account(&mut self, account: &str) -> anyhow::Result<bool> {
        if self.sync_account()?.as_deref() == Some(account) {
            return Ok(false);
        }
        let set = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(
                "DELETE FROM sync_state; DELETE FROM sync_queue;
                 DELETE FROM sync_entries; DELETE FROM sync_feeds;",
            )?;
            tx.execute(
                "INSERT INTO sync_state (name, value) VALUES ('account', ?1)",
                [account],
            )?;
            tx.commit()
        };
        set(&mut self.conn).map_err(|e| self.fail("saving the sync account", e))?;
        Ok(true)
    }

    /// The server's subscriptions as the last sync found them, by URL.
    pub fn sync_feeds(&self) -> anyhow::Result<Vec<RemoteFeed>> {
        let read = || -> rusqlite::Result<Vec<RemoteFeed>> {
            let mut stmt = self
                .conn
                .prepare("SELECT id, url, title, tags FROM sync_feeds ORDER BY url")?;
            let rows = stmt.query_map([], |r| {
                let tags: String = r.get(3)?;
                Ok(RemoteFeed {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    title: r.get(2)?,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                })
            })?;
            rows.collect()
        };
        read().map_err(|e| self.fail("reading the synced feeds", e))
    }

    /// Every mark waiting for the server, oldest first.
    pub fn sync_queue(&self) -> anyhow::Result<Vec<QueuedMark>> {
        let read = || -> rusqlite::Result<Vec<QueuedMark>> {
            let mut stmt = self
                .conn
                .prepare("SELECT seq, key, field, value FROM sync_queue ORDER BY seq")?;
            let rows = stmt.query_map([], |r| {
                let (seq, key, field, value): (i64, String, String, bool) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                Ok((seq, key, field, value))
            })?;
            let mut queue = Vec::new();
            for row in rows {
                let (seq, key, field, value) = row?;
                let mark = match field.as_str() {
                    "read" => Mark::Read(value),
                    _ => Mark::Starred(value),
                };
                if let Some(entry) = entry_of_key(&key) {
                    let entry = entry.to_string();
                    queue.push(QueuedMark {
                        seq,
                        entry,
                        key,
                        mark,
                    });
                }
            }
            Ok(queue)
        };
        read().map_err(|e| self.fail("reading the marks to sync", e))
    }

    /// The server has every queued mark up to `seq`: they leave the queue (marks made since stay).
    pub fn sync_sent(&mut self, seq: i64) -> anyhow::Result<()> {
        (self.conn)
            .execute("DELETE FROM sync_queue WHERE seq <= ?1", [seq])
            .map(drop)
            .map_err(|e| self.fail("clearing the synced marks", e))
    }

    /// Keeps a sync's answer in one transaction: the subscriptions, the new stories (matched to
    /// stored ones as any feed's are, then given the server's marks), the server's states for
    /// every synced story, and the cursor. A story with a mark still queued keeps the mark made
    /// in gazette (it was made after the server's state the answer carries, and goes to the
    /// server next). Returns the stories whose marks changed: `(key, read, starred)`.
    pub fn apply_sync(
        &mut self,
        answer: &SyncAnswer<'_>,
    ) -> anyhow::Result<Vec<(String, bool, bool)>> {
        let next_id = &mut self.next_id;
        let mut apply = |conn: &mut Connection| -> rusqlite::Result<Vec<(String, bool, bool)>> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            save_feeds(&tx, answer.feeds)?;
            let mut server: HashMap<String, (bool, bool)> = HashMap::new();
            for (source, entries) in answer.stories {
                let stories: Vec<Story> = entries.iter().map(|e| e.0.clone()).collect();
                let (_, kept) = save::save_stories(&tx, source, &stories, answer.now, next_id)?;
                save::apply_retention(&tx, source, answer.now, answer.retention, &kept)?;
                let mut map = tx.prepare_cached(
                    "INSERT OR REPLACE INTO sync_entries (id, key) VALUES (?1, ?2)",
                )?;
                for (story, id, read, starred) in entries {
                    map.execute(params![id, story_key(source, story)])?;
                    server.insert(id.clone(), (*read, *starred));
                }
            }
            let changed = apply_states(&tx, answer.states, &server)?;
            tx.execute(
                "INSERT OR REPLACE INTO sync_state (name, value) VALUES ('cursor', ?1)",
                [answer.cursor],
            )?;
            tx.commit()?;
            Ok(changed)
        };
        apply(&mut self.conn)
            .map_err(|e| anyhow::anyhow!("{}: saving a sync: {e}", self.path.display()))
    }
}

fn save_feeds(tx: &Connection, feeds: &[RemoteFeed]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM sync_feeds", [])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO sync_feeds (url, id, title, tags) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for feed in feeds {
        let tags = serde_json::to_string(&feed.tags).unwrap_or_else(|_| "[]".into());
        insert.execute(params![feed.url, feed.id, feed.title, tags])?;
    }
    Ok(())
}

/// Gives every synced story the server's marks (the new entries' own, then `states`), except a
/// field with a mark still queued. Returns the stories that changed.
fn apply_states(
    tx: &Connection,
    states: &States,
    new_entries: &HashMap<String, (bool, bool)>,
) -> rusqlite::Result<Vec<(String, bool, bool)>> {
    let queued: HashSet<(String, String)> = {
        let mut stmt = tx.prepare("SELECT key, field FROM sync_queue")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let changed_states: HashMap<&str, (bool, bool)> = match states {
        States::Changed(list) => list
            .iter()
            .map(|s| (s.id.as_str(), (s.read, s.starred)))
            .collect(),
        States::Sets { .. } => HashMap::new(),
    };
    let mut stmt = tx.prepare(
        "SELECT e.id, s.key, s.read, s.starred FROM sync_entries e JOIN stories s ON s.key = e.key",
    )?;
    let mut rows = stmt.query([])?;
    let mut changes = Vec::new();
    while let Some(r) = rows.next()? {
        let (id, key, read, starred): (String, String, bool, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let wanted = match states {
            States::Sets { unread, starred } => {
                Some((!unread.contains(&id), starred.contains(&id)))
            }
            States::Changed(_) => changed_states
                .get(id.as_str())
                .or(new_entries.get(&id))
                .copied(),
        };
        let Some((mut want_read, mut want_starred)) = wanted else {
            continue;
        };
        if queued.contains(&(key.clone(), "read".to_string())) {
            want_read = read;
        }
        if queued.contains(&(key.clone(), "starred".to_string())) {
            want_starred = starred;
        }
        if (want_read, want_starred) != (read, starred) {
            changes.push((key, want_read, want_starred));
        }
    }
    drop(rows);
    let mut update =
        tx.prepare_cached("UPDATE stories SET read = ?2, starred = ?3 WHERE key = ?1")?;
    for (key, read, starred) in &changes {
        update.execute(params![key, read, starred])?;
    }
    // Rows retention dropped leave the map too.
    tx.execute(
        "DELETE FROM sync_entries WHERE key NOT IN (SELECT key FROM stories)",
        [],
    )?;
    Ok(changes)
}

/// Queues the fields of a synced story's marks that `read` and `starred` change (called in the
/// transaction that sets them).
pub(super) fn queue_changed_marks(
    tx: &Connection,
    key: &str,
    read: bool,
    starred: bool,
) -> rusqlite::Result<()> {
    if entry_of_key(key).is_none() {
        return Ok(());
    }
    let old: Option<(bool, bool)> = tx
        .prepare_cached("SELECT read, starred FROM stories WHERE key = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((old_read, old_starred)) = old else {
        return Ok(());
    };
    let mut queue =
        tx.prepare_cached("INSERT INTO sync_queue (key, field, value) VALUES (?1, ?2, ?3)")?;
    if old_read != read {
        queue.execute(params![key, "read", read])?;
    }
    if old_starred != starred {
        queue.execute(params![key, "starred", starred])?;
    }
    Ok(())
}
