//! The schema, its migrations, and the checks made before a database file is touched.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::SCHEMA_VERSION;

/// `PRAGMA application_id` of a gazette database ("gaze" in ASCII). A file with another non-zero
/// id belongs to another program and is refused.
pub(super) const APPLICATION_ID: i64 = 0x6761_7A65;

/// `PRAGMA page_size` of a new database (SQLite's default is 4 KiB). A compressed body takes about
/// 1.2 KB, so a 16 KiB page holds a dozen, and a page of the stories table or of the full-text
/// index several times more rows: saving 100,000 stories from a feed file took 11% less time
/// (3.3 s instead of 3.75 s), indexing them 5% less, and the file is 7% smaller.
pub(super) const NEW_PAGE_SIZE: i64 = 16384;

/// The most the write-ahead log keeps on disk once checkpointed (64 MiB).
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// The migrations: step `i` takes a database from `user_version` `i` to `i + 1`. A later schema
/// appends a step (and bumps [`SCHEMA_VERSION`]); steps already released never change.
pub(super) const MIGRATIONS: &[&str] = &[
    // 0 → 1: stories and their full-text index.
    "PRAGMA application_id = 1734441573;
     CREATE TABLE stories (
         id         INTEGER PRIMARY KEY,
         source     TEXT NOT NULL,
         key        TEXT NOT NULL UNIQUE,
         guid       TEXT,
         link       TEXT,
         title      TEXT NOT NULL,
         published  INTEGER,
         author     TEXT,
         body       TEXT NOT NULL,
         fetched_at INTEGER NOT NULL,
         read       INTEGER NOT NULL DEFAULT 0,
         starred    INTEGER NOT NULL DEFAULT 0
     );
     CREATE INDEX stories_source_published ON stories (source, published);
     CREATE INDEX stories_source_link ON stories (source, link);
     CREATE VIRTUAL TABLE stories_fts USING fts5 (
         title, body,
         content = '', contentless_delete = 1,
         tokenize = 'unicode61 remove_diacritics 2'
     );
     -- Index 16 MiB of new text in memory before writing a segment (default 1 MiB): a large first
     -- save spends a quarter less time merging segments.
     INSERT INTO stories_fts (stories_fts, rank) VALUES ('hashsize', 16777216);",
    // 1 → 2: what is known of each feed between runs: its title (for offline reading) and the
    // validators of its last answer (so the first refresh after a restart is conditional).
    "CREATE TABLE sources (
         source        TEXT PRIMARY KEY,
         title         TEXT,
         etag          TEXT,
         last_modified TEXT
     );",
    // 2 → 3, for 100,000 stories and more:
    //  - bodies move to a table of their own, so listing the headlines reads a compact table (a
    //    2 KB body in each row made the list read the whole database);
    //  - rows say whether they have text, and whether the full-text index has them yet: the index
    //    is built behind the saves, while the reader is in use (rows of older versions were
    //    indexed as they were saved).
    "ALTER TABLE stories ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1;
     ALTER TABLE stories ADD COLUMN has_text INTEGER NOT NULL DEFAULT 1;
     CREATE INDEX stories_unindexed ON stories (id) WHERE NOT indexed;
     CREATE TABLE bodies (
         id   INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
         body TEXT NOT NULL
     );
     INSERT INTO bodies (id, body) SELECT id, body FROM stories;
     UPDATE stories SET has_text = (body <> '{}');
     ALTER TABLE stories DROP COLUMN body;",
    // 3 → 4: bodies are written compressed, as BLOBs (see `body.rs`); TEXT bodies written before
    // are read as they are, so there is nothing to migrate. The step only raises the version, so
    // that an older gazette, which cannot read a BLOB body, refuses the file as from a newer one.
    "PRAGMA user_version = 4;",
    // 4 → 5: reader mode's articles, a row per story whose page's article was extracted, its text
    // compressed as a body is (see `article.rs`); dropped with its story.
    "CREATE TABLE articles (
         id         INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
         url        TEXT NOT NULL,
         title      TEXT NOT NULL,
         byline     TEXT,
         published  INTEGER,
         site_name  TEXT,
         words      INTEGER NOT NULL,
         page_bytes INTEGER NOT NULL,
         body       BLOB NOT NULL
     );",
    // 5 → 6: a story's enclosures (a podcast's episode), as a JSON array; NULL for none, as most
    // stories have. Listing reads them with the headlines, for `has:enclosure` and the keys.
    "ALTER TABLE stories ADD COLUMN enclosures TEXT;",
    // 6 → 7: each source's last good fetch (an answer or a 304, seconds since the epoch) and the
    // last attempt's error (NULL when it went well), for `gazette feeds`.
    "ALTER TABLE sources ADD COLUMN fetched_at INTEGER;
     ALTER TABLE sources ADD COLUMN error TEXT;",
    // 7 → 8: sync with a feed server. The marks made in gazette wait in `sync_queue` (written in
    // the transaction of the mark itself) until the server has them; `sync_entries` maps the
    // server's entry ids to stories; `sync_feeds` is the server's list of subscriptions, for
    // starting offline; `sync_state` holds the account and the cursor of the last sync.
    "CREATE TABLE sync_queue (
         seq   INTEGER PRIMARY KEY AUTOINCREMENT,
         key   TEXT NOT NULL,
         field TEXT NOT NULL,
         value INTEGER NOT NULL
     );
     CREATE TABLE sync_entries (
         id  TEXT PRIMARY KEY,
         key TEXT NOT NULL
     );
     CREATE TABLE sync_feeds (
         url   TEXT PRIMARY KEY,
         id    TEXT NOT NULL,
         title TEXT NOT NULL,
         tags  TEXT NOT NULL
     );
     CREATE TABLE sync_state (
         name  TEXT PRIMARY KEY,
         value TEXT NOT NULL
     );",
    // 8 → 9: the newest stories of every source at once, for the first screen: with a thousand
    // feeds, a query a source (the newest 500 of each) read half a million rows before the
    // reader could show forty.
    "CREATE INDEX stories_published ON stories (published DESC, id);",
    // 9 → 10: the full-text index split by row id into tables of 131,072 rows (`shards.rs`),
    // made as their first rows are indexed: a prefix's newest matches come after merging one
    // table's doclists rather than a million stories'. The old index goes, and every row is
    // indexed again, behind the reader, as saved rows are.
    "DROP TABLE IF EXISTS stories_fts;
     UPDATE stories SET indexed = 0 WHERE indexed;",
];

const _: () = assert!(MIGRATIONS.len() as i64 == SCHEMA_VERSION);
const _: () = assert!(APPLICATION_ID == 1_734_441_573);

/// Why a file cannot be used; the caller prefixes the file's path.
pub(super) fn damaged(detail: impl std::fmt::Display) -> String {
    let detail = detail.to_string();
    let mut line: String = detail
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if line.chars().count() > 200 {
        line = line.chars().take(199).collect::<String>() + "…";
    }
    format!("not a gazette database, or damaged ({line})")
}

/// A file cut short (a failed copy, a full disk) reads as SQLite until a missing page is needed:
/// catch it from its header's page count. Only when no write-ahead log is in use, since pages
/// not yet checkpointed live in the log, past the end of the file. The sizes are read after the
/// page count, and the log of an open database is never shortened (no `journal_size_limit`, no
/// truncating checkpoint), so a concurrent writer cannot make a whole file look short.
fn check_length(conn: &Connection, path: &Path) -> Result<(), String> {
    let pages: i64 = conn
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .map_err(damaged)?;
    let page_size: i64 = conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .map_err(damaged)?;
    let expected = u64::try_from(pages.saturating_mul(page_size)).unwrap_or(0);
    let length = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let actual = length(path);
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if length(Path::new(&wal)) == 0 && actual < expected {
        return Err(damaged(format!("cut short: {actual} bytes of {expected}")));
    }
    Ok(())
}

fn newer(version: i64) -> String {
    format!("made by a newer gazette (schema {version}; this one reads up to {SCHEMA_VERSION})")
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Checks a just-opened file with reads only, so a file that fails is left exactly as it was:
/// readable as SQLite, not from a newer gazette, not another program's database, its schema
/// intact (`PRAGMA quick_check(sqlite_schema)`), and not shorter than its header says. An empty
/// file (or none) passes as schema 0.
///
/// A full `PRAGMA quick_check` would also find a damaged page in the middle, but it reads the whole
/// file and checks the full-text index (about 5 s for 100,000 stories): such damage is reported
/// instead by the operation that meets it, and SQLite never writes over it.
pub(super) fn check(conn: &Connection, path: &Path) -> Result<(), String> {
    let version = user_version(conn).map_err(damaged)?;
    if version > SCHEMA_VERSION {
        return Err(newer(version));
    }
    if version < 0 {
        return Err(damaged(format!("schema version {version}")));
    }
    let application_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(damaged)?;
    if application_id != 0 && application_id != APPLICATION_ID {
        return Err(damaged(format!(
            "application id {application_id:#x} is another program's"
        )));
    }
    let mut problems = Vec::new();
    conn.pragma(None, "quick_check", "sqlite_schema", |row| {
        problems.push(row.get::<_, String>(0)?);
        Ok(())
    })
    .map_err(damaged)?;
    if problems != ["ok"] {
        return Err(damaged(problems.join("; ")));
    }
    check_length(conn, path)?;
    if version == 0 {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(damaged)?;
        if objects > 0 {
            return Err(damaged("it has tables but no gazette schema"));
        }
    }
    Ok(())
}

/// Sets the connection up (WAL, synchronous FULL, foreign keys) and runs the migrations from the
/// file's `user_version` up to [`SCHEMA_VERSION`] in one immediate transaction, so two processes
/// opening a new directory at once migrate it once.
pub(super) fn configure_and_migrate(conn: &mut Connection) -> Result<(), String> {
    // A new file's page size is set before its first table (it cannot change after that in WAL
    // mode); an older file keeps its own. The pragma writes nothing, and on a file that already
    // has tables (another process won the race to create it) it does nothing.
    if user_version(conn).map_err(|e| e.to_string())? == 0 {
        conn.pragma_update(None, "page_size", NEW_PAGE_SIZE)
            .map_err(|e| e.to_string())?;
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!(
            "cannot use a write-ahead log (journal mode {mode})"
        ));
    }
    // A checkpoint cannot reset the log while a reader holds an old snapshot, and indexing a
    // million stories wrote a 330 MB log that the next start then had to read back (a start of
    // 120 ms instead of 10). Past a checkpoint, the file is cut back to this size.
    conn.pragma_update(None, "synchronous", "FULL")
        .and_then(|()| conn.pragma_update(None, "foreign_keys", true))
        .and_then(|()| conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT))
        .map_err(|e| e.to_string())?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| e.to_string())?;
    // Read again inside the transaction: another process may have migrated meanwhile.
    let version = user_version(&tx).map_err(|e| e.to_string())?;
    if version > SCHEMA_VERSION {
        return Err(newer(version));
    }
    if version < SCHEMA_VERSION {
        for step in &MIGRATIONS[version.max(0) as usize..] {
            tx.execute_batch(step)
                .map_err(|e| format!("upgrading from schema {version}: {e}"))?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| e.to_string())?;
    }
    tx.commit().map_err(|e| e.to_string())
}
