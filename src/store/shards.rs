//! The full-text index, split by row id into tables of [`SHARD_ROWS`] rows each (`stories_fts_0`
//! holds rows 0 to 131,071, `stories_fts_1` the next, and so on): which table holds a row,
//! creating a table when its first row is indexed, and removing a row from its table.
//!
//! Why split: FTS5 answers a prefix (every word typed is one) by merging the doclists of all the
//! prefix's terms into one before it gives a row, so at a million stories a word in every one
//! cost 30-45 ms before the first match. Read newest table first, the newest matches come after
//! merging one table's doclists, an eighth of a million stories' at most, and a search can stop
//! between tables when a newer query waits.

use rusqlite::{Connection, OptionalExtension};

/// Row ids per table (2^17): a table's prefix merge for a word in every story takes a few
/// milliseconds, and a million stories make eight tables.
pub const SHARD_ROWS: i64 = 1 << 17;

/// The number of the table that holds row `id` (a negative id, which gazette never gives, goes
/// to the first).
pub fn shard_of(id: i64) -> i64 {
    id.max(0) / SHARD_ROWS
}

/// The name of table `shard`.
pub fn table(shard: i64) -> String {
    format!("stories_fts_{shard}")
}

/// The numbers of the index's tables, newest (highest row ids) first.
pub fn existing(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 'stories_fts_[0-9]*'",
    )?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut shards = Vec::new();
    for name in names {
        // The tables' own shadow tables (`stories_fts_3_data`, ...) match the pattern too.
        if let Some(shard) = name?
            .strip_prefix("stories_fts_")
            .and_then(|n| n.parse::<i64>().ok())
        {
            shards.push(shard);
        }
    }
    shards.sort_unstable_by(|a, b| b.cmp(a));
    Ok(shards)
}

/// True when table `shard` exists.
fn exists(conn: &Connection, shard: i64) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1")?
        .query_row([table(shard)], |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
}

/// Creates table `shard` unless it exists.
fn create(conn: &Connection, shard: i64) -> rusqlite::Result<()> {
    if exists(conn, shard)? {
        return Ok(());
    }
    let name = table(shard);
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {name} USING fts5 (
             title, body,
             content = '', contentless_delete = 1,
             tokenize = 'unicode61 remove_diacritics 2'
         );
         -- Index 16 MiB of new text in memory before writing a segment (default 1 MiB): a large
         -- first save spends a quarter less time merging segments.
         INSERT INTO {name} ({name}, rank) VALUES ('hashsize', 16777216);"
    ))
}

/// Adds row `id`'s title and text to its table, creating the table if it is the first.
pub fn insert(conn: &Connection, id: i64, title: &str, text: &str) -> rusqlite::Result<()> {
    let name = table(shard_of(id));
    let sql = format!("INSERT INTO {name} (rowid, title, body) VALUES (?1, ?2, ?3)");
    let mut stmt = match conn.prepare_cached(&sql) {
        Ok(stmt) => stmt,
        Err(_) => {
            create(conn, shard_of(id))?;
            conn.prepare_cached(&sql)?
        }
    };
    stmt.execute(rusqlite::params![id, title, text])?;
    Ok(())
}

/// Removes row `id` from the index (nothing when its table was never made).
pub fn remove(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    let shard = shard_of(id);
    if !exists(conn, shard)? {
        return Ok(());
    }
    let name = table(shard);
    conn.prepare_cached(&format!("DELETE FROM {name} WHERE rowid = ?1"))?
        .execute([id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_to_the_table_of_their_id_range() {
        assert_eq!(shard_of(0), 0);
        assert_eq!(shard_of(SHARD_ROWS - 1), 0);
        assert_eq!(shard_of(SHARD_ROWS), 1);
        assert_eq!(shard_of(8 * SHARD_ROWS + 5), 8);
        assert_eq!(shard_of(-3), 0);
        assert_eq!(table(12), "stories_fts_12");
    }

    #[test]
    fn tables_are_made_on_first_use_and_listed_newest_first() {
        let conn = Connection::open_in_memory().unwrap();
        assert!(existing(&conn).unwrap().is_empty());
        remove(&conn, 5).unwrap();
        insert(&conn, 5, "harbour", "text").unwrap();
        insert(&conn, 3 * SHARD_ROWS, "harbour", "text").unwrap();
        insert(&conn, 3 * SHARD_ROWS + 1, "lighthouse", "").unwrap();
        assert_eq!(existing(&conn).unwrap(), vec![3, 0]);
        let count = |shard: i64| -> i64 {
            let name = table(shard);
            let sql = format!("SELECT count(*) FROM {name} WHERE {name} MATCH 'harbour'");
            conn.query_row(&sql, [], |r| r.get(0)).unwrap()
        };
        assert_eq!((count(0), count(3)), (1, 1));
        remove(&conn, 3 * SHARD_ROWS).unwrap();
        assert_eq!((count(0), count(3)), (1, 0));
    }
}
