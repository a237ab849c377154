//! Reader mode's articles in the store: one row per story whose web page's article was
//! extracted (schema 5's `articles` table), its text compressed like a body, dropped with its
//! story, carried to a story stored afresh under a new key, and part of the full-text index.

use rusqlite::{params, Connection, OptionalExtension};

use super::body;
use crate::article::Article;

/// Saves `article` as the article of the story stored under `key`, replacing any; the story
/// leaves the full-text index until the indexer adds it back with the article's text. Returns
/// false when no story has that key.
pub(super) fn save(tx: &Connection, key: &str, article: &Article) -> rusqlite::Result<bool> {
    let id: Option<i64> = tx
        .query_row("SELECT id FROM stories WHERE key = ?1", [key], |r| r.get(0))
        .optional()?;
    let Some(id) = id else {
        return Ok(false);
    };
    let json = body::encode(&article.to_story(0));
    tx.prepare_cached(
        "INSERT OR REPLACE INTO articles
             (id, url, title, byline, published, site_name, words, page_bytes, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        article.url,
        article.title,
        article.byline,
        article.published,
        article.site_name,
        i64::try_from(article.words).unwrap_or(i64::MAX),
        i64::try_from(article.page_bytes).unwrap_or(i64::MAX),
        body::to_sql(&json),
    ])?;
    super::shards::remove(tx, id)?;
    tx.prepare_cached("UPDATE stories SET indexed = 0 WHERE id = ?1")?
        .execute([id])?;
    Ok(true)
}

/// The article of the story stored under `key`, if one was saved. A damaged text is an error.
pub(super) fn load(conn: &Connection, key: &str) -> Result<Option<Article>, String> {
    let row = conn
        .prepare_cached(
            "SELECT a.url, a.title, a.byline, a.published, a.site_name, a.words, a.page_bytes,
                    a.body
             FROM articles a JOIN stories s ON s.id = a.id WHERE s.key = ?1",
        )
        .and_then(|mut stmt| {
            stmt.query_row([key], |r| {
                let json = body::from_sql(r.get_ref(7)?).map(std::borrow::Cow::into_owned);
                let article = Article {
                    url: r.get(0)?,
                    title: r.get(1)?,
                    byline: r.get(2)?,
                    published: r.get(3)?,
                    site_name: r.get(4)?,
                    words: usize::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
                    page_bytes: usize::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                    ..Article::default()
                };
                Ok((article, json))
            })
            .optional()
        })
        .map_err(|e| e.to_string())?;
    let Some((mut article, json)) = row else {
        return Ok(None);
    };
    let (paragraphs, references) = json
        .and_then(|json| body::decode(&json).map_err(|e| e.to_string()))
        .map_err(|e| format!("the article of {key:?} is damaged: {e}"))?;
    article.paragraphs = paragraphs;
    article.references = references;
    Ok(Some(article))
}

/// The text of story `id`'s article for the full-text index, if it has one.
pub(super) fn index_text(tx: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    let value = tx
        .prepare_cached("SELECT body FROM articles WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(body::from_sql(r.get_ref(0)?)
                .ok()
                .and_then(|json| body::index_text(&json)))
        })
        .optional()?;
    Ok(value.flatten())
}

/// Gives story row `to` the article of row `from` (a story stored afresh under a new key).
pub(super) fn copy(tx: &Connection, to: i64, from: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO articles
             (id, url, title, byline, published, site_name, words, page_bytes, body)
         SELECT ?1, url, title, byline, published, site_name, words, page_bytes, body
         FROM articles WHERE id = ?2",
    )?
    .execute(params![to, from])?;
    Ok(())
}
