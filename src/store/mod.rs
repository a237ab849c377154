//! The offline store: every story fetched, with its read and starred marks, in the SQLite database
//! `gazette.db` in the data directory, searchable in full text.
//!
//! # The file
//!
//! WAL journal, `synchronous = FULL` (a commit survives a crash or power cut), a 5 s busy timeout
//! so two gazette processes on one data directory take turns, `application_id` 0x67617A65
//! ("gaze"), and the schema version in `user_version`. Migrations are an ordered list of SQL steps
//! applied from the file's `user_version` up to [`SCHEMA_VERSION`] in one transaction; an empty
//! file is version 0. A file that is not SQLite, has a damaged header or schema
//! (`PRAGMA quick_check(sqlite_schema)`), is shorter than its header says, belongs to another
//! program, or comes from a newer gazette is refused before anything is written to it. Opening
//! does not read the whole file (a full `quick_check` of 100,000 stories takes seconds): damage
//! deeper in is reported, as an error naming the file, by the operation that meets it.
//!
//! # Schema 1
//!
//! ```sql
//! CREATE TABLE stories (
//!     id         INTEGER PRIMARY KEY,    -- insertion order; also the full-text rowid
//!     source     TEXT NOT NULL,          -- feed URL, or "edition:<name>"
//!     key        TEXT NOT NULL UNIQUE,   -- story_key()
//!     guid       TEXT,                   -- Story::id
//!     link       TEXT,
//!     title      TEXT NOT NULL,
//!     published  INTEGER,                -- seconds since the Unix epoch, UTC
//!     author     TEXT,
//!     body       TEXT NOT NULL,          -- JSON: paragraphs (text, kind, spans) and references
//!     fetched_at INTEGER NOT NULL,       -- when first stored
//!     read       INTEGER NOT NULL DEFAULT 0,
//!     starred    INTEGER NOT NULL DEFAULT 0
//! );
//! CREATE INDEX stories_source_published ON stories (source, published);
//! CREATE INDEX stories_source_link ON stories (source, link);
//! CREATE VIRTUAL TABLE stories_fts USING fts5 (title, body, content = '',
//!     contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
//! INSERT INTO stories_fts (stories_fts, rank) VALUES ('hashsize', 16777216);
//! ```
//!
//! `stories_fts` is contentless (the text is not stored twice): its rowid is `stories.id`, `body`
//! is the paragraph texts joined by newlines. The body JSON is described in `body.rs`.
//!
//! # Schema 2
//!
//! ```sql
//! CREATE TABLE sources (source TEXT PRIMARY KEY, title TEXT, etag TEXT, last_modified TEXT);
//! ```
//!
//! A feed's title (so offline reading names it) and its last answer's validators (so the first
//! refresh after a restart is a conditional request). For a feed file, the validator is the file's
//! size and modification time ([`crate::ingest::signature`]): an unchanged file is not read again.
//!
//! # Schema 3
//!
//! ```sql
//! ALTER TABLE stories ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1;
//! ALTER TABLE stories ADD COLUMN has_text INTEGER NOT NULL DEFAULT 1;
//! CREATE INDEX stories_unindexed ON stories (id) WHERE NOT indexed;
//! CREATE TABLE bodies (id INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
//!                      body TEXT NOT NULL);
//! -- bodies moved from stories.body, which is dropped
//! ```
//!
//! Built for 100,000 stories: listing headlines reads the compact `stories` table, a story's text
//! is read from `bodies` when it is opened, and the full-text index is no longer kept in the
//! same transaction as a save: a save marks new or changed text `indexed = 0` (removing changed
//! text from the index at once), and the writer thread indexes such rows when it is idle, a
//! chunk per transaction ([`Store::index_pending`]).
//!
//! # Schema 4
//!
//! ```sql
//! PRAGMA user_version = 4;  -- nothing else: the tables are those of schema 3
//! ```
//!
//! Bodies are written compressed, as BLOBs (LZ4, about half the size of the JSON; see `body.rs`):
//! a 2.3 KB body filled a 4 KiB page on its own, so saving 100,000 stories from a feed file wrote
//! a 360 MB file (and as much again through the log); now 160 MB. Rows written before stay TEXT
//! and are read as they are, so nothing is migrated; the version changes only so that an older
//! gazette, which cannot read a BLOB body, refuses the file as one from a newer gazette.
//!
//! # Schema 5
//!
//! ```sql
//! CREATE TABLE articles (id INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
//!                        url TEXT NOT NULL, title TEXT NOT NULL, byline TEXT, published INTEGER,
//!                        site_name TEXT, words INTEGER NOT NULL, page_bytes INTEGER NOT NULL,
//!                        body BLOB NOT NULL);
//! ```
//!
//! Reader mode's articles (see `article.rs`): there offline, part of the full-text index, kept
//! when a refresh brings the story again, dropped with it.
//!
//! # Schema 6
//!
//! ```sql
//! ALTER TABLE stories ADD COLUMN enclosures TEXT;  -- JSON array of {url, mime, bytes, seconds}
//! ```
//!
//! A story's enclosures (a podcast's episode, see `news::Enclosure`), NULL for none: read with
//! the headlines, since the list filters on them (`has:enclosure`) and the keys act on them.
//!
//! # Schema 7
//!
//! ```sql
//! ALTER TABLE sources ADD COLUMN fetched_at INTEGER;  -- the last good fetch (an answer or a 304)
//! ALTER TABLE sources ADD COLUMN error TEXT;          -- the last attempt's error, NULL if none
//! ```
//!
//! What `gazette feeds` says of each subscription ([`Store::note_fetches`], [`Store::fetch_state`]).
//!
//! Schemas 8 (sync with a feed server, see `sync.rs`) and 9 (an index on `published`, for the
//! first screen at a thousand feeds) are described where `schema.rs` makes them.
//!
//! # Schema 10
//!
//! ```sql
//! DROP TABLE IF EXISTS stories_fts;
//! UPDATE stories SET indexed = 0 WHERE indexed;
//! -- then, as rows are indexed, one table per 131,072 row ids (see `shards.rs`):
//! CREATE VIRTUAL TABLE stories_fts_<id / 131072> USING fts5 (title, body, content = '',
//!     contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
//! ```
//!
//! The full-text index split by row id, so a search reads the newest stories' table first and
//! its first matches do not wait for FTS5 to merge a prefix's doclists over a million stories.
//! Upgrading drops the old index; the writer builds the new one behind the reader.
//!
//! A new database also gets 16 KiB pages (SQLite's default is 4 KiB, see
//! `schema::NEW_PAGE_SIZE`); a page size cannot change once a file has tables in WAL mode, so an
//! older file keeps its own.

mod article;
mod body;
mod key;
mod restore;
mod save;
mod schema;
mod search;
mod shards;
mod sources;
mod sync;
mod writer;

pub use sync::{entry_of_key, QueuedMark, SyncAnswer, SyncedEntry, SYNC_GUID_PREFIX};

use std::collections::HashMap;
use std::fmt::Display;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::news::{Paragraph, Story};

use key::non_empty;
pub use key::{push_key, story_key, KeyParts};
pub use restore::{lists_of, StoredList};
pub use save::SourceSave;
pub use search::{key_hash, Searcher};
pub use sources::FetchState;
pub use writer::{StoreEvent, StoreWriter, Write};

/// The schema this gazette writes; stored in `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 10;

/// The database's file name in the data directory.
pub const DB_FILE: &str = "gazette.db";

/// Separates the parts of a [`story_key`] (U+001F, the unit separator).
const KEY_SEPARATOR: char = '\u{1f}';

/// A story as stored, with its marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStory {
    /// Its [`story_key`].
    pub key: String,
    /// The story; its `edition` is 0 (callers set it).
    pub story: Story,
    /// Read.
    pub read: bool,
    /// Starred.
    pub starred: bool,
}

/// What to keep. None = no limit. Starred stories are never dropped, nor the stories just saved
/// (they are in the source now, and would come back unread on the next save).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    /// Keep at most this many stories per source, the newest.
    pub max_per_source: Option<usize>,
    /// Drop read stories older than this many days (by published date, else by fetch time).
    pub max_age_days: Option<u32>,
}

/// The data directory: `--data-dir` if given, else $XDG_DATA_HOME/gazette (directories::ProjectDirs
/// data_dir).
pub fn data_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(dir) => Some(dir.to_path_buf()),
        None => {
            directories::ProjectDirs::from("", "", "gazette").map(|d| d.data_dir().to_path_buf())
        }
    }
}

/// What is kept of a source between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceInfo {
    /// The feed's own title.
    pub title: Option<String>,
    /// The last answer's ETag.
    pub etag: Option<String>,
    /// The last answer's Last-Modified.
    pub last_modified: Option<String>,
}

/// An open store: one connection to `gazette.db`.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The lowest id this connection may give a new row (see `save_stories`).
    next_id: i64,
}

impl Store {
    /// Opens (creating the directory and file if needed) `dir/gazette.db`: WAL journal,
    /// synchronous=FULL, busy_timeout 5 s (so two gazette processes on one data dir both work,
    /// taking turns), foreign keys, then migrations in one transaction. Errors are one line naming
    /// the file, and never modify the file:
    ///  - from a newer gazette:
    ///    `<path>: made by a newer gazette (schema 7; this one reads up to 1)`
    ///  - not SQLite, damaged, or another program's: `<path>: not a gazette database, or damaged
    ///    (<sqlite message>)`; the checks (user_version, application_id, `PRAGMA
    ///    quick_check(sqlite_schema)`, the length against the header's page count) only read,
    ///    and run before WAL is set or anything is migrated.
    pub fn open(dir: &Path) -> anyhow::Result<Store> {
        let path = dir.join(DB_FILE);
        let fail = |e: &dyn Display| anyhow!("{}: {e}", path.display());
        std::fs::create_dir_all(dir).map_err(|e| anyhow!("{}: {e}", dir.display()))?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&path, flags).map_err(|e| fail(&e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| fail(&e))?;
        schema::check(&conn, &path).map_err(|e| fail(&e))?;
        schema::configure_and_migrate(&mut conn).map_err(|e| fail(&e))?;
        Ok(Store {
            conn,
            path,
            next_id: 0,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fail(&self, doing: &str, e: impl Display) -> anyhow::Error {
        anyhow!("{}: {doing}: {e}", self.path.display())
    }

    /// Every stored story of `source`, newest first (published desc, undated after, then
    /// insertion order): headlines only, each story's text left in the store
    /// ([`crate::news::Pending::Stored`], read with [`Store::load_body`] when the story is opened), so 100,000
    /// stories load in a blink and take little memory.
    pub fn load_source(&self, source: &str) -> anyhow::Result<Vec<StoredStory>> {
        let mut all = self.load_sources(&[source.to_string()])?;
        Ok(all.pop().unwrap_or_default())
    }

    /// [`Store::load_source`] for several sources at once: one list per source, in the order
    /// given. One pass over the table, in storage order, is far quicker than looking each story
    /// up through an index (a third of a second for 100,000 stories).
    pub fn load_sources(&self, sources: &[String]) -> anyhow::Result<Vec<Vec<StoredStory>>> {
        let wanted: HashMap<&str, usize> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let load = || -> rusqlite::Result<Vec<Vec<StoredStory>>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT source, key, guid, link, title, published, author, has_text, read,
                 starred, enclosures FROM stories ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            let mut lists: Vec<Vec<StoredStory>> = vec![Vec::new(); sources.len()];
            while let Some(r) = rows.next()? {
                let Some(&list) = wanted.get(r.get_ref(0)?.as_str()?) else {
                    continue;
                };
                lists[list].push(stored_story(r)?);
            }
            for list in &mut lists {
                // Stable: stories of the same date (or none) stay in insertion order.
                list.sort_by_key(|s| {
                    (
                        s.story.published.is_none(),
                        std::cmp::Reverse(s.story.published),
                    )
                });
            }
            Ok(lists)
        };
        load().map_err(|e| self.fail("loading stored stories", e))
    }

    /// The newest `limit` stories of all `sources` together (through the index on the date), one
    /// list per source in the order given, each in [`Store::load_sources`]'s order: enough for the
    /// first screen, at once, however many sources and stories the store holds; the rest can
    /// follow.
    pub fn load_newest(
        &self,
        sources: &[String],
        limit: usize,
    ) -> anyhow::Result<Vec<Vec<StoredStory>>> {
        let wanted: HashMap<&str, usize> = (sources.iter().enumerate())
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let load = || -> rusqlite::Result<Vec<Vec<StoredStory>>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT source, key, guid, link, title, published, author, has_text, read,
                 starred, enclosures FROM stories ORDER BY published DESC, id",
            )?;
            let mut rows = stmt.query([])?;
            let mut lists: Vec<Vec<StoredStory>> = vec![Vec::new(); sources.len()];
            let mut taken = 0;
            while taken < limit {
                let Some(r) = rows.next()? else { break };
                let Some(&list) = wanted.get(r.get_ref(0)?.as_str()?) else {
                    continue;
                };
                lists[list].push(stored_story(r)?);
                taken += 1;
            }
            Ok(lists)
        };
        load().map_err(|e| self.fail("loading stored stories", e))
    }

    /// The text of the story stored under `key`: its paragraphs and references (a body kept as
    /// HTML is converted here). None when no such story is stored (yet).
    pub fn load_body(&self, key: &str) -> anyhow::Result<Option<(Vec<Paragraph>, Vec<String>)>> {
        let stored: Option<Result<String, String>> = self
            .conn
            .prepare_cached(
                "SELECT b.body FROM stories s JOIN bodies b ON b.id = s.id WHERE s.key = ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_row([key], |r| {
                    Ok(body::from_sql(r.get_ref(0)?).map(std::borrow::Cow::into_owned))
                })
                .optional()
            })
            .map_err(|e| self.fail("reading a story", e))?;
        stored
            .map(|json| {
                json.and_then(|json| body::decode(&json).map_err(|e| e.to_string()))
                    .map_err(|e| self.fail(&format!("the body of {key:?} is damaged"), e))
            })
            .transpose()
    }

    /// Adds up to `limit` stories saved but not yet searchable to the full-text index, in one
    /// transaction; returns how many (0: the index is complete).
    pub fn index_pending(&mut self, limit: usize) -> anyhow::Result<usize> {
        let index = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let count = save::index_pending(&tx, limit)?;
            tx.commit()?;
            Ok(count)
        };
        index(&mut self.conn).map_err(|e| anyhow!("{}: indexing: {e}", self.path.display()))
    }

    /// Saves reader mode's article for the story stored under `key` (replacing any); returns false
    /// when no story has that key.
    pub fn save_article(
        &mut self,
        key: &str,
        article: &crate::article::Article,
    ) -> anyhow::Result<bool> {
        let save = |conn: &mut Connection| -> rusqlite::Result<bool> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let saved = article::save(&tx, key, article)?;
            tx.commit()?;
            Ok(saved)
        };
        save(&mut self.conn).map_err(|e| anyhow!("{}: saving an article: {e}", self.path.display()))
    }

    /// True when some story has an article kept (so opening a story need not look for one
    /// otherwise).
    pub fn has_articles(&self) -> bool {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM articles)", [], |r| r.get(0))
            .unwrap_or(true)
    }

    /// Reader mode's article of the story stored under `key`, if one was saved.
    pub fn load_article(&self, key: &str) -> anyhow::Result<Option<crate::article::Article>> {
        article::load(&self.conn, key).map_err(|e| anyhow!("{}: {e}", self.path.display()))
    }

    /// Read/starred marks for these keys (stories not stored are absent from the map).
    pub fn marks(&self, keys: &[String]) -> anyhow::Result<HashMap<String, (bool, bool)>> {
        let read = || -> rusqlite::Result<HashMap<String, (bool, bool)>> {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT read, starred FROM stories WHERE key = ?1")?;
            let mut marks = HashMap::new();
            for key in keys {
                let found = stmt
                    .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some(m) = found {
                    marks.insert(key.clone(), m);
                }
            }
            Ok(marks)
        };
        read().map_err(|e| self.fail("reading marks", e))
    }

    /// Saves a source's stories in one transaction: each story is matched to a stored one of the
    /// same source by key, else by the same link, else by the same title and published date (a
    /// story whose guid changed is not duplicated: the row is updated, its key and guid too);
    /// matched rows are updated in place only if something changed, keeping read/starred; others
    /// are inserted unread. Then applies `retention` to that source (never dropping starred, nor
    /// the stories of this save; max_per_source keeps the newest; max_age_days drops read,
    /// unstarred stories older than D days by published, else fetched time). New or changed text
    /// waits for [`Store::index_pending`] (changed text leaves the index at once). Returns how
    /// many were inserted.
    ///
    /// The fallbacks are careful not to merge different stories: a link (or title and date) is
    /// used only when no other story of this save has it, only a stored row that no story of this
    /// save claims by key is taken, an undated title is never matched on its own, and only rows
    /// fetched before `now` are considered (a feed file is saved in parts that share one `now`,
    /// so two of its entries are never merged by a fallback whichever parts they are in).
    pub fn save_source(
        &mut self,
        source: &str,
        stories: &[Story],
        now: i64,
        retention: Retention,
    ) -> anyhow::Result<usize> {
        let next_id = &mut self.next_id;
        let mut save = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (inserted, kept) = save::save_stories(&tx, source, stories, now, next_id)?;
            save::apply_retention(&tx, source, now, retention, &kept)?;
            tx.commit()?;
            Ok(inserted)
        };
        save(&mut self.conn).map_err(|e| anyhow!("{}: saving {source}: {e}", self.path.display()))
    }

    /// Sets read/starred on stories by key, in one transaction (unknown keys ignored). A synced
    /// story's changed fields join the sync queue in the same transaction.
    pub fn set_marks(&mut self, marks: &[(String, bool, bool)]) -> anyhow::Result<()> {
        let set = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut stmt =
                    tx.prepare_cached("UPDATE stories SET read = ?2, starred = ?3 WHERE key = ?1")?;
                for (key, read, starred) in marks {
                    sync::queue_changed_marks(&tx, key, *read, *starred)?;
                    stmt.execute(params![key, read, starred])?;
                }
            }
            tx.commit()
        };
        set(&mut self.conn).map_err(|e| anyhow!("{}: saving marks: {e}", self.path.display()))
    }

    /// Full-text search over title and body of every stored story: each whitespace-separated word
    /// of `query` is a prefix term, all must match (FTS5, case- and diacritic-insensitive). User
    /// text is always quoted, so it is never FTS syntax; words without a letter or digit are
    /// ignored (a query of only those matches nothing). Returns the matching keys (any order), at
    /// most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> anyhow::Result<Vec<String>> {
        let Some(expression) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let search = || -> rusqlite::Result<Vec<String>> {
            let mut keys = Vec::new();
            for shard in shards::existing(&self.conn)? {
                if keys.len() >= limit {
                    break;
                }
                let left = i64::try_from(limit - keys.len()).unwrap_or(i64::MAX);
                let name = shards::table(shard);
                let mut stmt = self.conn.prepare_cached(&format!(
                    "SELECT s.key FROM {name} JOIN stories s ON s.id = {name}.rowid
                     WHERE {name} MATCH ?1 LIMIT ?2"
                ))?;
                let found = stmt.query_map(params![expression, left], |r| r.get(0))?;
                for key in found {
                    keys.push(key?);
                }
            }
            Ok(keys)
        };
        search().map_err(|e| self.fail("searching", e))
    }
}

/// A row of `SELECT source, key, guid, link, title, published, author, has_text, read, starred,
/// enclosures`.
fn stored_story(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredStory> {
    Ok(StoredStory {
        story: restore::story_of(r, 0)?,
        key: r.get(1)?,
        read: r.get(8)?,
        starred: r.get(9)?,
    })
}

/// The FTS5 expression for a user's query: every word a quoted prefix phrase (`"wo""rd"*`), joined
/// by AND. None when no word has a letter or digit to search for.
fn fts_query(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fall_back_from_guid_to_link_to_title_and_date() {
        let mut story = Story {
            title: "T".into(),
            published: Some(5),
            ..Story::default()
        };
        assert_eq!(story_key("s", &story), "s\u{1f}T\u{1f}5");
        story.published = None;
        assert_eq!(story_key("s", &story), "s\u{1f}T\u{1f}");
        story.link = Some("https://x/".into());
        assert_eq!(story_key("s", &story), "s\u{1f}https://x/");
        story.id = Some(String::new());
        assert_eq!(story_key("s", &story), "s\u{1f}https://x/");
        story.id = Some("g".into());
        assert_eq!(story_key("s", &story), "s\u{1f}g");
    }

    #[test]
    fn user_text_is_quoted_into_prefix_terms() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("- * : \""), None);
        assert_eq!(
            fts_query("Caf\u{e9} AND a\"b"),
            Some("\"Caf\u{e9}\"* AND \"AND\"* AND \"a\"\"b\"*".into())
        );
    }

    #[test]
    fn data_dir_prefers_the_explicit_one() {
        assert_eq!(
            data_dir(Some(Path::new("/tmp/x"))),
            Some(PathBuf::from("/tmp/x"))
        );
    }
}
