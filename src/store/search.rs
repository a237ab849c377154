//! Full-text search for the reader's search thread: the index gives row ids, and a cache of every
//! row's key turns them into story keys. Joining the index's answer with the stories table cost
//! twice the search itself (a word every story of 100,000 holds: 55 ms, against 20 ms for the
//! ids alone).
//!
//! The cache is right because a row's key never changes and, within a run, an id is never given
//! to another row (see `save.rs`): rows are only added, with ids above every earlier one, or
//! deleted (and then the index no longer gives their ids). So the cache only has to take in the
//! rows added since it last looked, which it does when the database changed.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::anyhow;
use rusqlite::params;

use super::{fts_query, Store};

/// A connection for searching, with the row id → key cache.
pub struct Searcher {
    store: Store,
    keys: HashMap<i64, Arc<str>>,
    /// The highest id in the cache.
    last_id: i64,
    /// `PRAGMA data_version` when the cache was brought up to date.
    version: Option<i64>,
}

impl Searcher {
    /// Opens the store in `dir` for searching.
    pub fn open(dir: &Path) -> anyhow::Result<Searcher> {
        Ok(Searcher {
            store: Store::open(dir)?,
            keys: HashMap::new(),
            last_id: 0,
            version: None,
        })
    }

    /// Reads every row's key now, so the first search is as quick as the next.
    pub fn warm_up(&mut self) -> anyhow::Result<()> {
        self.catch_up()
    }

    /// The keys of the stories whose title or text hold every word of `query` (each word also as
    /// a prefix), in no particular order.
    pub fn search(&mut self, query: &str) -> anyhow::Result<Vec<Arc<str>>> {
        let Some(expression) = fts_query(query) else {
            return Ok(Vec::new());
        };
        self.catch_up()?;
        let ids = self.matching(&expression)?;
        let mut keys = Vec::with_capacity(ids.len());
        let mut missing = false;
        for id in &ids {
            match self.keys.get(id) {
                Some(key) => keys.push(key.clone()),
                None => missing = true,
            }
        }
        // Rows written between catching up and searching: once more, for them.
        if missing {
            self.version = None;
            self.catch_up()?;
            keys = ids
                .iter()
                .filter_map(|id| self.keys.get(id).cloned())
                .collect();
        }
        Ok(keys)
    }

    fn matching(&self, expression: &str) -> anyhow::Result<Vec<i64>> {
        let search = || -> rusqlite::Result<Vec<i64>> {
            let mut stmt = self
                .store
                .conn
                .prepare_cached("SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?1")?;
            let ids = stmt.query_map([expression], |r| r.get(0))?;
            ids.collect()
        };
        search().map_err(|e| self.store.fail("searching", e))
    }

    /// Takes in the rows added since the cache last looked, if the database changed.
    fn catch_up(&mut self) -> anyhow::Result<()> {
        let conn = &self.store.conn;
        let fail = |e: rusqlite::Error| anyhow!("{}: searching: {e}", self.store.path.display());
        let version: i64 = conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(fail)?;
        if self.version == Some(version) {
            return Ok(());
        }
        let mut stmt = conn
            .prepare_cached("SELECT id, key FROM stories WHERE id > ?1 ORDER BY id")
            .map_err(fail)?;
        let mut rows = stmt.query(params![self.last_id]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let id: i64 = row.get(0).map_err(fail)?;
            let key: String = row.get(1).map_err(fail)?;
            self.keys.insert(id, Arc::from(key));
            self.last_id = id;
        }
        self.version = Some(version);
        Ok(())
    }
}
