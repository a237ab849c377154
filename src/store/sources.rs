//! What is known of each source between runs: its title and its last answer's validators (so
//! offline reading names it and the next refresh is conditional), and how its last fetch went.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{SourceInfo, Store};
use anyhow::anyhow;

/// A source's last good fetch (seconds since the epoch) and its last attempt's error.
pub type FetchState = (Option<i64>, Option<String>);

impl Store {
    /// What is known of a source between runs: its title and its last answer's validators.
    pub fn source_info(&self, source: &str) -> anyhow::Result<Option<SourceInfo>> {
        self.conn
            .query_row(
                "SELECT title, etag, last_modified FROM sources WHERE source = ?1",
                params![source],
                |r| {
                    Ok(SourceInfo {
                        title: r.get(0)?,
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| anyhow!("{}: {e}", self.path.display()))
    }

    /// Remembers a source's title and validators (replacing what was known).
    pub fn set_source_info(&mut self, source: &str, info: &SourceInfo) -> anyhow::Result<()> {
        write_source_info(&self.conn, source, info)
            .map_err(|e| anyhow!("{}: {e}", self.path.display()))
    }

    /// Notes how each source's fetch went at `now`, in one transaction: a success (None) sets
    /// its last good fetch and clears its error; a failure keeps the last good fetch and sets
    /// the error.
    pub fn note_fetches(
        &mut self,
        fetches: &[(String, Option<String>)],
        now: i64,
    ) -> anyhow::Result<()> {
        let note = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO sources (source, fetched_at, error) VALUES (?1, ?2, ?3)
                     ON CONFLICT (source) DO UPDATE SET
                     fetched_at = coalesce(excluded.fetched_at, fetched_at), error = excluded.error",
                )?;
                for (source, error) in fetches {
                    let at = error.is_none().then_some(now);
                    stmt.execute(params![source, at, error])?;
                }
            }
            tx.commit()
        };
        note(&mut self.conn).map_err(|e| anyhow!("{}: {e}", self.path.display()))
    }

    /// Every source's stories stored and how many of them are unread, in one pass over the
    /// stories (reading each source's stories in turn was a pass each: 277 s for 1,000 sources
    /// of 1,000 stories).
    pub fn story_counts(&self) -> anyhow::Result<HashMap<String, (usize, usize)>> {
        let count = || -> rusqlite::Result<HashMap<String, (usize, usize)>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT source, count(*), count(*) FILTER (WHERE NOT read) FROM stories
                 GROUP BY source",
            )?;
            let rows = stmt.query_map([], |r| {
                let stored: i64 = r.get(1)?;
                let unread: i64 = r.get(2)?;
                Ok((r.get(0)?, (stored as usize, unread as usize)))
            })?;
            rows.collect()
        };
        count().map_err(|e| anyhow!("{}: counting stories: {e}", self.path.display()))
    }

    /// What [`Store::note_fetches`] last noted of `source`.
    pub fn fetch_state(&self, source: &str) -> anyhow::Result<FetchState> {
        self.conn
            .prepare_cached("SELECT fetched_at, error FROM sources WHERE source = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([source], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map(Option::unwrap_or_default)
            .map_err(|e| anyhow!("{}: {e}", self.path.display()))
    }
}

/// Remembers a source's title and validators (inside whatever transaction `conn` is in).
pub(super) fn write_source_info(
    conn: &Connection,
    source: &str,
    info: &SourceInfo,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO sources (source, title, etag, last_modified) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (source) DO UPDATE SET title = excluded.title, etag = excluded.etag,
         last_modified = excluded.last_modified",
    )?
    .execute(params![source, info.title, info.etag, info.last_modified])
    .map(drop)
}
