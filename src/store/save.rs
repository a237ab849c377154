//! Saving a source's stories: matching them to stored rows, and retention.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use super::{body, non_empty, story_key, Retention, SourceInfo, Store};
use crate::news::{Pending, Story};

/// One source's part of [`Store::save_sources`]: its key, its stories as fetched, and what its
/// answer said of it.
pub struct SourceSave<'a> {
    /// The source (feed URL, or `edition:<name>`).
    pub source: &'a str,
    /// Its stories, as fetched.
    pub stories: &'a [Story],
    /// Its title and validators.
    pub info: &'a SourceInfo,
}

impl Store {
    /// Saves several sources at once (as [`Store::save_source`] and [`Store::set_source_info`]
    /// each would), in one transaction: a refresh of a thousand feeds commits (and waits for the
    /// disk) once rather than twice a feed. All or nothing: on an error, nothing is saved, and
    /// the caller can save them one by one to find the one that fails.
    pub fn save_sources(
        &mut self,
        saves: &[SourceSave<'_>],
        now: i64,
        retention: Retention,
    ) -> anyhow::Result<()> {
        let next_id = &mut self.next_id;
        let mut save = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for part in saves {
                let (_, kept) = save_stories(&tx, part.source, part.stories, now, next_id)?;
                apply_retention(&tx, part.source, now, retention, &kept)?;
                super::sources::write_source_info(&tx, part.source, part.info)?;
            }
            tx.commit()
        };
        save(&mut self.conn).map_err(|e| {
            anyhow::anyhow!("{}: saving {} feeds: {e}", self.path.display(), saves.len())
        })
    }
}

/// A stored row, as compared against a story being saved.
struct Row {
    id: i64,
    key: String,
    guid: Option<String>,
    link: Option<String>,
    title: String,
    published: Option<i64>,
    author: Option<String>,
    /// The JSON body; None when the stored value is damaged (see `body::from_sql`).
    body: Option<String>,
    read: bool,
    starred: bool,
    fetched_at: i64,
    /// The enclosures' JSON (None: none).
    enclosures: Option<String>,
}

const ROW_COLUMNS: &str =
    "s.id, s.key, s.guid, s.link, s.title, s.published, s.author, b.body, s.read, s.starred, \
     s.fetched_at, s.enclosures";
const ROWS: &str = "stories s JOIN bodies b ON b.id = s.id";

impl Row {
    fn from_sql(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        Ok(Row {
            id: r.get(0)?,
            key: r.get(1)?,
            guid: r.get(2)?,
            link: r.get(3)?,
            title: r.get(4)?,
            published: r.get(5)?,
            author: r.get(6)?,
            body: body::from_sql(r.get_ref(7)?).ok().map(Cow::into_owned),
            read: r.get(8)?,
            starred: r.get(9)?,
            fetched_at: r.get(10)?,
            enclosures: r.get(11)?,
        })
    }
}

/// Upserts the stories (see [`Store::save_source`]); returns how many were inserted and the ids of
/// every row this save matched or inserted.
///
/// Two rules let the search thread keep a table from row id to list position (see `search.rs`):
/// a row's key
/// never changes (a story whose key changed is stored afresh, marks and all, and its old row
/// goes), and no id is given twice while this process runs: new rows get ids from `next_id` up,
/// even when the rows with the highest ids were deleted (SQLite would give their ids again).
pub(super) fn save_stories(
    tx: &Connection,
    source: &str,
    stories: &[Story],
    now: i64,
    next_id: &mut i64,
) -> rusqlite::Result<(usize, HashSet<i64>)> {
    let keys: Vec<String> = stories.iter().map(|s| story_key(source, s)).collect();
    let batch_keys: HashSet<&str> = keys.iter().map(String::as_str).collect();
    let mut links: HashMap<&str, usize> = HashMap::new();
    let mut titles: HashMap<(&str, i64), usize> = HashMap::new();
    for story in stories {
        if let Some(link) = non_empty(&story.link) {
            *links.entry(link).or_default() += 1;
        }
        if let Some(published) = story.published {
            *titles.entry((&story.title, published)).or_default() += 1;
        }
    }

    let mut by_key = tx.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM {ROWS} WHERE s.key = ?1"
    ))?;
    // The fallbacks look only at rows stored before this save began (a feed file is saved in
    // parts, all with the same `now`: two entries of one file are never merged by a fallback,
    // whichever parts they are in), and not at all when the source had none.
    let mut by_link = tx.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM {ROWS}
         WHERE s.source = ?1 AND s.link = ?2 AND s.fetched_at < ?3 ORDER BY s.id"
    ))?;
    let mut by_title = tx.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM {ROWS}
         WHERE s.source = ?1 AND s.published = ?2 AND s.title = ?3 AND s.fetched_at < ?4
         ORDER BY s.id"
    ))?;
    let older: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM stories WHERE source = ?1 AND fetched_at < ?2)",
        )?
        .query_row(params![source, now], |r| r.get(0))?;
    // Both statements take the story's own fields (`fields` below) as ?1 to ?7.
    let mut insert = tx.prepare_cached(
        "INSERT INTO stories (key, guid, link, title, published, author, enclosures, has_text,
         source, fetched_at, read, starred, id, indexed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                 max(?13, (SELECT coalesce(max(id), 0) + 1 FROM stories)), 0)",
    )?;
    let mut delete = tx.prepare_cached("DELETE FROM stories WHERE id = ?1")?;
    // A story stored afresh under a new key keeps its stored body, whatever its form.
    let mut copy_body = tx.prepare_cached(
        "INSERT INTO bodies (id, body) SELECT ?1, body FROM bodies WHERE id = ?2",
    )?;
    let mut insert_body = tx.prepare_cached("INSERT INTO bodies (id, body) VALUES (?1, ?2)")?;
    let mut update_body = tx.prepare_cached("UPDATE bodies SET body = ?2 WHERE id = ?1")?;
    // New text leaves the index until the indexer (run when the writer is idle) gets to it.
    let mut update = tx.prepare_cached(
        "UPDATE stories SET key = ?1, guid = ?2, link = ?3, title = ?4, published = ?5,
         author = ?6, enclosures = ?7, has_text = ?8, indexed = indexed AND ?9 WHERE id = ?10",
    )?;

    let mut claimed: HashSet<i64> = HashSet::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut inserted = 0;
    for (story, key) in stories.iter().zip(&keys) {
        // The same story twice in one source: the first one counts.
        if !seen.insert(key) {
            continue;
        }
        // A fallback may take a row that no story of this save claims by key, and not twice.
        let free = |row: &Row| !claimed.contains(&row.id) && !batch_keys.contains(row.key.as_str());
        let mut found = by_key.query_row([key], Row::from_sql).optional()?;
        if found.is_none() && older {
            if let Some(link) = non_empty(&story.link).filter(|l| links[l] == 1) {
                // A link several stored stories share (a site's home page) names none of them.
                let mut rows = by_link
                    .query_map(params![source, link, now], Row::from_sql)?
                    .collect::<rusqlite::Result<Vec<Row>>>()?;
                if rows.len() == 1 {
                    found = rows.pop().filter(free);
                }
            }
        }
        if found.is_none() && older {
            if let Some(published) = story.published {
                if titles[&(story.title.as_str(), published)] == 1 {
                    let rows = by_title
                        .query_map(params![source, published, story.title, now], Row::from_sql)?;
                    found = first_free(rows, free)?;
                }
            }
        }

        // A story whose text was never loaded from the store keeps the stored text (None).
        let body = match (&story.pending, &found) {
            (Pending::Stored, Some(_)) => None,
            _ => Some(body::encode(story)),
        };
        // Whether the row will have text: a damaged body kept as it is counts as text (opening
        // the story reports it).
        let keeps_text = |row: &Row| match (&body, &row.body) {
            (Some(b), _) | (None, Some(b)) => has_text(b),
            (None, None) => true,
        };
        let enclosures = enclosures_json(story);
        // The story's own fields: ?1 to ?7 of both the insert and the update.
        let fields = params![
            key,
            story.id,
            story.link,
            story.title,
            story.published,
            story.author,
            enclosures
        ];
        // Inserts the story as a new row, with its text flag, first fetch time and marks.
        let mut insert_row =
            |has_text: bool, fetched_at: i64, read: bool, starred: bool| -> rusqlite::Result<i64> {
                insert.execute(params_from_iter(fields.iter().chain(params![
                    has_text, source, fetched_at, read, starred, *next_id
                ])))?;
                let id = tx.last_insert_rowid();
                *next_id = id + 1;
                Ok(id)
            };
        match found {
            // Stored afresh under its new key, with the old row's marks and first fetch time.
            Some(row) if row.key != *key => {
                let id = insert_row(keeps_text(&row), row.fetched_at, row.read, row.starred)?;
                match &body {
                    Some(body) => insert_body.execute(params![id, body::to_sql(body)])?,
                    None => copy_body.execute(params![id, row.id])?,
                };
                super::article::copy(tx, id, row.id)?;
                delete.execute([row.id])?;
                super::shards::remove(tx, row.id)?;
                claimed.insert(id);
            }
            Some(row) => {
                claimed.insert(row.id);
                // The JSON is compared, not the stored bytes: a row of schema 3 holds it as TEXT,
                // and the compressed bytes of one JSON could differ between lz4_flex versions. A
                // damaged stored body differs from any new one, so the save replaces it.
                let same_text = row.title == story.title
                    && body.as_ref().is_none_or(|b| row.body.as_ref() == Some(b));
                let has_text = keeps_text(&row);
                let unchanged = same_text
                    && row.key == *key
                    && row.guid == story.id
                    && row.link == story.link
                    && row.published == story.published
                    && row.author == story.author
                    && row.enclosures == enclosures;
                if unchanged {
                    continue;
                }
                update.execute(params_from_iter(
                    fields.iter().chain(params![has_text, same_text, row.id]),
                ))?;
                if !same_text {
                    if let Some(body) = &body {
                        update_body.execute(params![row.id, body::to_sql(body)])?;
                    }
                    super::shards::remove(tx, row.id)?;
                }
            }
            None => {
                let body = body.unwrap_or_else(|| body::encode(story));
                let id = insert_row(has_text(&body), now, false, false)?;
                insert_body.execute(params![id, body::to_sql(&body)])?;
                claimed.insert(id);
                inserted += 1;
            }
        }
    }
    Ok((inserted, claimed))
}

/// A story's enclosures as stored: a JSON array, None for none.
fn enclosures_json(story: &Story) -> Option<String> {
    (!story.enclosures.is_empty())
        .then(|| serde_json::to_string(&story.enclosures).ok())
        .flatten()
}

/// Adds up to `limit` stories saved since the last call to the full-text index, oldest first;
/// returns how many.
pub(super) fn index_pending(tx: &Connection, limit: usize) -> rusqlite::Result<usize> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut pending = tx.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM {ROWS} WHERE NOT s.indexed ORDER BY s.id LIMIT ?1"
    ))?;
    let mut done = tx.prepare_cached("UPDATE stories SET indexed = 1 WHERE id = ?1")?;
    let mut rows = pending.query([limit])?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let Row {
            id,
            title,
            body: json,
            ..
        } = Row::from_sql(row)?;
        // A damaged body is indexed by its title alone; reading it reports the damage.
        let mut text = json
            .as_deref()
            .and_then(body::index_text)
            .unwrap_or_default();
        // Reader mode's article, when the story has one, is searched with it.
        if let Some(article) = super::article::index_text(tx, id)? {
            text.push('\n');
            text.push_str(&article);
        }
        super::shards::insert(tx, id, &title, &text)?;
        done.execute([id])?;
        count += 1;
    }
    Ok(count)
}

/// Whether a stored body has any text (a headline-only story's body is `{}`).
fn has_text(body: &str) -> bool {
    body != "{}"
}

/// The first row accepted by `free`.
fn first_free(
    rows: impl Iterator<Item = rusqlite::Result<Row>>,
    free: impl Fn(&Row) -> bool,
) -> rusqlite::Result<Option<Row>> {
    for row in rows {
        let row = row?;
        if free(&row) {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// Drops what `retention` does not keep of `source`, never a starred story nor one in `kept`.
pub(super) fn apply_retention(
    tx: &Connection,
    source: &str,
    now: i64,
    retention: Retention,
    kept: &HashSet<i64>,
) -> rusqlite::Result<()> {
    let mut doomed: Vec<i64> = Vec::new();
    if let Some(days) = retention.max_age_days {
        let cutoff = now.saturating_sub(i64::from(days) * 86_400);
        let mut stmt = tx.prepare_cached(
            "SELECT id FROM stories WHERE source = ?1 AND read AND NOT starred
             AND coalesce(published, fetched_at) < ?2",
        )?;
        for id in stmt.query_map(params![source, cutoff], |r| r.get(0))? {
            doomed.push(id?);
        }
    }
    if let Some(max) = retention.max_per_source {
        let offset = i64::try_from(max).unwrap_or(i64::MAX);
        let mut stmt = tx.prepare_cached(
            "SELECT id FROM stories WHERE source = ?1
             ORDER BY published IS NULL, published DESC, id LIMIT -1 OFFSET ?2",
        )?;
        let mut starred = tx.prepare_cached("SELECT starred FROM stories WHERE id = ?1")?;
        for id in stmt.query_map(params![source, offset], |r| r.get::<_, i64>(0))? {
            let id = id?;
            if !starred.query_row([id], |r| r.get::<_, bool>(0))? {
                doomed.push(id);
            }
        }
    }
    let mut delete = tx.prepare_cached("DELETE FROM stories WHERE id = ?1")?;
    for id in doomed {
        if !kept.contains(&id) && delete.execute([id])? > 0 {
            super::shards::remove(tx, id)?;
        }
    }
    Ok(())
}
