//! Full-text search for the reader's search thread. The index answers with row ids; the reader
//! wants positions in its list. The searcher keeps a table from row id to list position, filled
//! from both sides as they become known: the rows (read from the store as they are saved) and the
//! list's story keys (told by the reader as stories are listed). A search then costs the index's
//! answer and one table lookup per hit: at 100,000 stories, joining the answer with the stories
//! table for keys, then matching keys on the UI thread, cost three times the search itself.
//!
//! Keys are kept as 64-bit hashes (seeded afresh each run, so a feed cannot aim at a collision):
//! 100,000 keys as strings, twice over, would add a fifth to the reader's memory.
//!
//! The table is right because a row's key never changes and, within a run, an id is never given
//! to another row (see `save.rs`): rows are only added, with ids above every earlier one, or
//! deleted (and then the index no longer gives their ids).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::path::Path;
use std::sync::OnceLock;

use anyhow::anyhow;
use rusqlite::params;

use super::{fts_query, shards, Store};

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// No list position (the row's story is not listed, or not known to be yet).
const UNPLACED: u32 = u32::MAX;

/// Row ids below this are looked up in a table; any above (a store with ids far apart) in a map.
const TABLE_IDS: usize = 1 << 24;

/// A streamed search asks whether a newer query is waiting once per this many matches read (a
/// fraction of a millisecond).
const ASK_EVERY: usize = 4096;

/// A connection for searching, with the row id → list position table.
pub struct Searcher {
    store: Store,
    /// The list position of each story key the reader told of, by [`key_hash`].
    positions: FastMap<u64, u32>,
    /// By row id: the list position of the row's story, or [`UNPLACED`].
    table: Vec<u32>,
    /// The same for row ids from [`TABLE_IDS`] up.
    beyond: FastMap<i64, u32>,
    /// Rows whose key the reader has not told of (yet): [`key_hash`] → row id.
    unplaced: FastMap<u64, i64>,
    /// The highest row id read.
    last_id: i64,
    /// `PRAGMA data_version` when the rows were last read.
    version: Option<i64>,
    /// The index's tables, newest first, as of the last look.
    shards: Vec<i64>,
}

impl Searcher {
    /// Opens the store in `dir` for searching.
    pub fn open(dir: &Path) -> anyhow::Result<Searcher> {
        let store = Store::open(dir)?;
        // A statement per table of the index, and a million stories make eight tables.
        store.conn.set_prepared_statement_cache_capacity(256);
        Ok(Searcher {
            store,
            positions: FastMap::default(),
            table: Vec::new(),
            beyond: FastMap::default(),
            unplaced: FastMap::default(),
            last_id: 0,
            version: None,
            shards: Vec::new(),
        })
    }

    /// Takes in the list positions of story keys (as [`key_hash`]es): stories newly listed, or
    /// whose key changed.
    pub fn place(&mut self, keys: Vec<(u32, u64)>) {
        for (position, key) in keys {
            if let Some(id) = self.unplaced.remove(&key) {
                set(&mut self.table, &mut self.beyond, id, position);
            }
            self.positions.insert(key, position);
        }
    }

    /// Takes in the list positions of stories read from the store, by row: `rows[n]` is listed
    /// at `first + n`. No key is hashed or kept for them (a million keys' hashes were 34 MB).
    pub fn place_rows(&mut self, first: u32, rows: Vec<i64>) {
        for (position, id) in (first..).zip(rows) {
            set(&mut self.table, &mut self.beyond, id, position);
        }
        if !self.unplaced.is_empty() {
            // Rows read before the reader placed them by id wait here under their keys' hashes,
            // which no one will ask for now (a million of them at a start is 34 MB).
            let (table, beyond) = (&self.table, &self.beyond);
            self.unplaced.retain(|_, id| !is_placed(table, beyond, *id));
            self.unplaced.shrink_to_fit();
        }
    }

    /// Reads the rows saved since the last look, if the store changed: done ahead of a search,
    /// so the search itself is quick.
    pub fn catch_up(&mut self) -> anyhow::Result<()> {
        let version: i64 = self
            .store
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.fail(e))?;
        if self.version == Some(version) {
            return Ok(());
        }
        // Row by row, hashing each key where it lies: at a million rows, reading them into a list
        // of strings first cost 80 MB for a moment, and the allocator kept much of it.
        let Searcher {
            store,
            positions,
            table,
            beyond,
            unplaced,
            last_id,
            ..
        } = self;
        let mut read = || -> rusqlite::Result<()> {
            let mut stmt = store
                .conn
                .prepare_cached("SELECT id, key FROM stories WHERE id > ?1 ORDER BY id")?;
            let mut rows = stmt.query(params![*last_id])?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                *last_id = id;
                if is_placed(table, beyond, id) {
                    continue;
                }
                let key = key_hash(row.get_ref(1)?.as_str()?);
                match positions.get(&key) {
                    Some(&position) => set(table, beyond, id, position),
                    None => {
                        unplaced.insert(key, id);
                    }
                }
            }
            Ok(())
        };
        read().map_err(|e| anyhow!("{}: searching: {e}", store.path.display()))?;
        self.shards = shards::existing(&self.store.conn).map_err(|e| self.fail(e))?;
        self.version = Some(version);
        Ok(())
    }

    /// The list positions of the stories whose title or text hold every word of `query` (each
    /// word also as a prefix), newest stored first. Stories not listed are left out.
    pub fn search(&mut self, query: &str) -> anyhow::Result<Vec<u32>> {
        let whole = self.search_streaming(query, usize::MAX, |_| {}, || false)?;
        Ok(whole.unwrap_or_default())
    }

    /// As [`Searcher::search`], in one pass, newest first, that says what it has found along
    /// the way: when there are more than `first` matches, `first_answer` is given the newest
    /// `first` of them as soon as they are read; `newer` is asked every [`ASK_EVERY`] matches
    /// whether a newer query waits, and if so the search is abandoned (`None`). The index merges
    /// a prefix's terms once per query (30-45 ms for a word in every one of a million stories),
    /// so this costs one search where a first answer and then a whole one cost two.
    pub fn search_streaming(
        &mut self,
        query: &str,
        first: usize,
        mut first_answer: impl FnMut(Vec<u32>),
        mut newer: impl FnMut() -> bool,
    ) -> anyhow::Result<Option<Vec<u32>>> {
        let Some(expression) = fts_query(query) else {
            return Ok(Some(Vec::new()));
        };
        self.catch_up()?;
        let (table, beyond) = (&self.table, &self.beyond);
        let mut tell_first = |ids: &[i64]| {
            let positions = ids.iter().filter_map(|&id| position(table, beyond, id));
            first_answer(positions.collect());
        };
        let ids = newest_first(
            &self.store,
            &self.shards,
            &expression,
            first,
            &mut tell_first,
            &mut newer,
        )
        .map_err(|e| self.fail(e))?;
        match ids {
            Some(ids) => Ok(Some(self.positions_of(&ids)?)),
            None => Ok(None),
        }
    }

    /// As [`Searcher::search`], for the `limit` matches stored last (row ids grow as stories
    /// arrive), and whether they are all there is: the index reads its matches newest first and
    /// stops there (a word in every one of a million stories: 34 ms, against 111-120 ms for all;
    /// most of the 34 is FTS5 merging the prefix's whole doclist before it can stop).
    pub fn search_newest(&mut self, query: &str, limit: usize) -> anyhow::Result<(Vec<u32>, bool)> {
        let Some(expression) = fts_query(query) else {
            return Ok((Vec::new(), true));
        };
        self.catch_up()?;
        let ids = self.matching(&expression, limit)?;
        let complete = ids.len() < limit;
        Ok((self.positions_of(&ids)?, complete))
    }

    /// The list positions of rows `ids`, in their order; rows not listed are left out.
    fn positions_of(&mut self, ids: &[i64]) -> anyhow::Result<Vec<u32>> {
        // Rows saved between catching up and searching: read them too.
        if ids.iter().any(|&id| id > self.last_id) {
            self.version = None;
            self.catch_up()?;
        }
        let (table, beyond) = (&self.table, &self.beyond);
        Ok(ids
            .iter()
            .filter_map(|&id| position(table, beyond, id))
            .collect())
    }

    fn matching(&self, expression: &str, limit: usize) -> anyhow::Result<Vec<i64>> {
        let search = || -> rusqlite::Result<Vec<i64>> {
            let mut ids = Vec::new();
            for &shard in &self.shards {
                if ids.len() >= limit {
                    break;
                }
                // SQLite reads a negative LIMIT as none.
                let left = i64::try_from(limit - ids.len()).unwrap_or(-1);
                let mut stmt = self
                    .store
                    .conn
                    .prepare_cached(&newest_in(shard, " LIMIT ?2"))?;
                for id in stmt.query_map(params![expression, left], |r| r.get(0))? {
                    ids.push(id?);
                }
            }
            Ok(ids)
        };
        search().map_err(|e| self.fail(e))
    }

    fn fail(&self, e: rusqlite::Error) -> anyhow::Error {
        anyhow!("{}: searching: {e}", self.store.path.display())
    }
}

/// The rows that match `expression`, newest first, read from the index's tables `shards` (newest
/// first) in turn; the newest `first` are told to `first_answer` as soon as they are read, when
/// there are more. `None` when `newer` said to stop: it is asked before each table and every
/// [`ASK_EVERY`] matches.
fn newest_first(
    store: &Store,
    shards: &[i64],
    expression: &str,
    first: usize,
    first_answer: &mut impl FnMut(&[i64]),
    newer: &mut impl FnMut() -> bool,
) -> rusqlite::Result<Option<Vec<i64>>> {
    let mut ids = Vec::new();
    for (n, &shard) in shards.iter().enumerate() {
        if n > 0 && newer() {
            return Ok(None);
        }
        let mut stmt = store.conn.prepare_cached(&newest_in(shard, ""))?;
        let mut rows = stmt.query(params![expression])?;
        while let Some(row) = rows.next()? {
            if ids.len() == first {
                first_answer(&ids);
            }
            ids.push(row.get(0)?);
            if ids.len() % ASK_EVERY == 0 && newer() {
                return Ok(None);
            }
        }
    }
    Ok(Some(ids))
}

/// The query for table `shard`'s matches of `?1`, newest first, then `tail`.
fn newest_in(shard: i64, tail: &str) -> String {
    let name = shards::table(shard);
    format!("SELECT rowid FROM {name} WHERE {name} MATCH ?1 ORDER BY rowid DESC{tail}")
}

/// Row `id`'s list position, if it has one.
fn position(table: &[u32], beyond: &FastMap<i64, u32>, id: i64) -> Option<u32> {
    let found = match usize::try_from(id) {
        Ok(i) if i < TABLE_IDS => table.get(i).copied(),
        _ => beyond.get(&id).copied(),
    };
    found.filter(|&position| position != UNPLACED)
}

/// Sets row `id`'s list position.
fn set(table: &mut Vec<u32>, beyond: &mut FastMap<i64, u32>, id: i64, position: u32) {
    match usize::try_from(id) {
        Ok(i) if i < TABLE_IDS => {
            if i >= table.len() {
                table.resize(i + 1, UNPLACED);
            }
            table[i] = position;
        }
        _ => {
            beyond.insert(id, position);
        }
    }
}

/// True when row `id` has a list position.
fn is_placed(table: &[u32], beyond: &FastMap<i64, u32>, id: i64) -> bool {
    match usize::try_from(id) {
        Ok(i) if i < TABLE_IDS => table.get(i).is_some_and(|&p| p != UNPLACED),
        _ => beyond.contains_key(&id),
    }
}

/// A story key's hash, as the reader tells the searcher of it: 64 bits, seeded at random once
/// per run.
pub fn key_hash(key: &str) -> u64 {
    static SEEDED: OnceLock<foldhash::quality::FixedState> = OnceLock::new();
    SEEDED
        .get_or_init(|| {
            let seed = std::collections::hash_map::RandomState::new().hash_one(0u64);
            foldhash::quality::FixedState::with_seed(seed)
        })
        .hash_one(key)
}
