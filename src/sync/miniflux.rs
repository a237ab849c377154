//! Miniflux's REST API client (`/v1/`), written from miniflux.app/docs/api.html: new entries by
//! `after_entry_id`, state changes by `changed_after` (entries whose `changed_at` is later), marks
//! by `PUT /v1/entries`, and the bookmark, which the API only toggles.

use serde::Deserialize;

use super::http::{Client, Request};
use super::{Changes, Credentials, EntryState, Mark, RemoteEntry, RemoteFeed, Service, States};
use super::{SyncError, SyncResult};

/// Entries a page: Miniflux's own default is 100; 250 keeps a page of text around a MiB or two.
const PAGE: usize = 250;
/// Ids a `PUT /v1/entries` (the JSON body stays a few KB).
const MARK_BATCH: usize = 500;
/// How far before the cursor's time `changed_after` asks: `changed_at` is set by the database at
/// the start of its transaction, so a change can land with a time a little before the newest
/// seen. Asking again about a state costs nothing (states are absolute).
const CHANGED_OVERLAP_SECS: i64 = 60;

/// A Miniflux server. No session: every request carries the token or the user and password.
pub struct Miniflux {
    base: String,
    client: Client,
    /// The header that authenticates (`X-Auth-Token` or `Authorization: Basic`).
    auth: (&'static str, String),
    /// The credentials were accepted and no request has been refused since.
    checked: bool,
}

/// `GET /v1/feeds` and `/v1/feeds/{id}`.
#[derive(Deserialize)]
struct Feed {
    id: i64,
    #[serde(default)]
    title: String,
    feed_url: String,
    #[serde(default)]
    category: Option<Category>,
}

/// A category.
#[derive(Deserialize)]
struct Category {
    id: i64,
    title: String,
}

/// `GET /v1/entries`.
#[derive(Deserialize)]
struct EntryPage {
    entries: Vec<Entry>,
}

/// One entry.
#[derive(Deserialize)]
struct Entry {
    id: i64,
    feed_id: i64,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    changed_at: Option<String>,
    status: String,
    #[serde(default)]
    starred: bool,
}

impl Entry {
    fn read(&self) -> bool {
        // "removed" entries count as read: they are gone from every list Miniflux shows.
        self.status != "unread"
    }

    fn changed(&self) -> i64 {
        self.changed_at.as_deref().and_then(unix_time).unwrap_or(0)
    }

    fn into_remote(self) -> RemoteEntry {
        RemoteEntry {
            id: self.id.to_string(),
            feed_id: self.feed_id.to_string(),
            read: self.read(),
            starred: self.starred,
            published: self.published_at.as_deref().and_then(unix_time),
            title: self.title,
            link: Some(self.url).filter(|u| !u.is_empty()),
            author: Some(self.author).filter(|a| !a.is_empty()),
            content_html: self.content,
        }
    }
}

/// RFC 3339 text as seconds since the epoch.
fn unix_time(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp())
}

/// Where the last sync got to: the highest entry id seen and the latest `changed_at` seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Cursor {
    max_id: i64,
    changed: i64,
}

impl Cursor {
    fn text(&self) -> String {
        format!("mf1 {} {}", self.max_id, self.changed)
    }

    fn parse(text: &str) -> Option<Cursor> {
        let mut parts = text.split(' ');
        if parts.next()? != "mf1" {
            return None;
        }
        let max_id = parts.next()?.parse().ok()?;
        let changed = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Cursor { max_id, changed })
    }
}

impl Miniflux {
    /// A client for the server at `credentials.url`: with an empty user, the password field is
    /// an API token (`X-Auth-Token`); else HTTP Basic with the user and password.
    pub fn new(credentials: Credentials, user_agent: &str) -> Miniflux {
        let auth = if credentials.user.is_empty() {
            ("X-Auth-Token", credentials.password.clone())
        } else {
            let pair = format!("{}:{}", credentials.user, credentials.password);
            (
                "Authorization",
                format!("Basic {}", base64(pair.as_bytes())),
            )
        };
        Miniflux {
            base: credentials.url.trim_end_matches('/').to_owned(),
            client: Client::new(&credentials.url, user_agent),
            auth,
            checked: false,
        }
    }

    /// Sends `method` to `path` (from `/v1/`) with a JSON body if given; the answer's text.
    fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> SyncResult<String> {
        let url = format!("{}{path}", self.base);
        let answer = self.client.send(&Request {
            method,
            url: &url,
            headers: vec![(self.auth.0, self.auth.1.clone())],
            body: body.map(|b| ("application/json", b.to_string().into_bytes())),
        });
        if matches!(answer, Err(SyncError::Auth(_))) {
            self.checked = false;
        }
        answer
    }

    fn get<T: serde::de::DeserializeOwned>(&mut self, path: &str) -> SyncResult<T> {
        let text = self.send("GET", path, None)?;
        self.client.parse(&text)
    }

    /// Every entry of `query` (without `after_entry_id`, `order`, `direction`, `limit`), oldest
    /// id first, paged by `after_entry_id` (stable while entries arrive, unlike an offset).
    fn entries_after(&mut self, query: &str, mut after: i64) -> SyncResult<Vec<Entry>> {
        let mut all = Vec::new();
        loop {
            let path = format!(
                "/v1/entries?{query}after_entry_id={after}&order=id&direction=asc&limit={PAGE}"
            );
            let page: EntryPage = self.get(&path)?;
            let full = page.entries.len() >= PAGE;
            let last = page.entries.iter().map(|e| e.id).max();
            all.extend(page.entries);
            match last {
                Some(id) if full && id > after => after = id,
                _ => return Ok(all),
            }
        }
    }

    /// The category titled `tag` (case-insensitively), created if missing; with no tag, "All"
    /// (Miniflux's default), else the first.
    fn category(&mut self, tag: Option<&str>) -> SyncResult<i64> {
        let categories: Vec<Category> = self.get("/v1/categories")?;
        let wanted = tag.unwrap_or("All");
        if let Some(c) = categories
            .iter()
            .find(|c| c.title.eq_ignore_ascii_case(wanted))
        {
            return Ok(c.id);
        }
        match (tag, categories.first()) {
            (None, Some(first)) => Ok(first.id),
            _ => {
                let text = self.send(
                    "POST",
                    "/v1/categories",
                    Some(serde_json::json!({ "title": wanted })),
                )?;
                let created: Category = self.client.parse(&text)?;
                Ok(created.id)
            }
        }
    }

    /// An entry id as Miniflux's number.
    fn number(&self, id: &str) -> SyncResult<i64> {
        id.parse()
            .map_err(|_| self.client.malformed(&format!("not a Miniflux id: {id}")))
    }

    /// Sets the bookmark on `id` to `on`. The API only toggles, so the entry's state is read
    /// first and the toggle sent only when it differs: sending the same mark twice never flips it
    /// back (a change made elsewhere between the two requests can still be undone: the API
    /// offers nothing better).
    fn set_bookmark(&mut self, id: i64, on: bool) -> SyncResult<()> {
        let entry: Entry = self.get(&format!("/v1/entries/{id}"))?;
        if entry.starred != on {
            self.send("PUT", &format!("/v1/entries/{id}/bookmark"), None)?;
        }
        Ok(())
    }

    fn to_remote(feed: Feed) -> RemoteFeed {
        let tags = feed
            .category
            .map(|c| c.title)
            .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("All"))
            .into_iter()
            .collect();
        RemoteFeed {
            id: feed.id.to_string(),
            url: feed.feed_url,
            title: feed.title,
            tags,
        }
    }
}

impl Service for Miniflux {
    fn login(&mut self) -> SyncResult<()> {
        // Checked once (the engine calls this at the start of every sync): a token revoked
        // since is refused on the next request, which makes the next login ask again.
        if self.checked {
            return Ok(());
        }
        let me: serde_json::Value = self.get("/v1/me")?;
        if me.get("id").is_none() {
            return Err(self.client.malformed("/v1/me named no user"));
        }
        self.checked = true;
        Ok(())
    }

    fn feeds(&mut self) -> SyncResult<Vec<RemoteFeed>> {
        let feeds: Vec<Feed> = self.get("/v1/feeds")?;
        Ok(feeds.into_iter().map(Miniflux::to_remote).collect())
    }

    fn changes(&mut self, cursor: Option<&str>, first_limit: usize) -> SyncResult<Changes> {
        // A cursor this client cannot read (another service's, or damaged) starts over.
        let old = cursor.and_then(Cursor::parse);
        let (mut new, changed) = match old {
            None => {
                // limit=0 means "no limit" to Miniflux: ask for one at least.
                let limit = first_limit.max(1);
                let path = format!("/v1/entries?order=id&direction=desc&limit={limit}");
                let page: EntryPage = self.get(&path)?;
                // No states besides the entries' own: an entry not fetched is not in the store,
                // so its state has nothing to change (and Miniflux has no ids-only list).
                (page.entries, Vec::new())
            }
            Some(c) => {
                let new = self.entries_after("", c.max_id)?;
                let since = (c.changed - CHANGED_OVERLAP_SECS).max(0);
                // Only entries the last sync saw: newer ones came whole just above.
                let query = format!("changed_after={since}&before_entry_id={}&", c.max_id + 1);
                (new, self.entries_after(&query, 0)?)
            }
        };
        new.sort_by_key(|e| e.id);
        let base = old.unwrap_or_default();
        let next = Cursor {
            max_id: new.iter().map(|e| e.id).max().unwrap_or(0).max(base.max_id),
            changed: new
                .iter()
                .chain(&changed)
                .map(Entry::changed)
                .max()
                .unwrap_or(0)
                .max(base.changed),
        };
        let states = changed
            .iter()
            .map(|e| EntryState {
                id: e.id.to_string(),
                read: e.read(),
                starred: e.starred,
            })
            .collect();
        Ok(Changes {
            entries: new.into_iter().map(Entry::into_remote).collect(),
            states: States::Changed(states),
            cursor: next.text(),
        })
    }

    fn mark(&mut self, ids: &[String], mark: Mark) -> SyncResult<()> {
        let numbers = ids
            .iter()
            .map(|id| self.number(id))
            .collect::<Result<Vec<i64>, SyncError>>()?;
        match mark {
            Mark::Read(read) => {
                let status = if read { "read" } else { "unread" };
                for batch in numbers.chunks(MARK_BATCH) {
                    let body = serde_json::json!({ "entry_ids": batch, "status": status });
                    self.send("PUT", "/v1/entries", Some(body))?;
                }
            }
            Mark::Starred(on) => {
                for id in numbers {
                    self.set_bookmark(id, on)?;
                }
            }
        }
        Ok(())
    }

    fn subscribe(&mut self, url: &str, tag: Option<&str>) -> SyncResult<RemoteFeed> {
        let category = self.category(tag)?;
        let body = serde_json::json!({ "feed_url": url, "category_id": category });
        let text = self.send("POST", "/v1/feeds", Some(body))?;
        let created: serde_json::Value = self.client.parse(&text)?;
        let id = created
            .get("feed_id")
            .and_then(|v| v.as_i64())
            .ok_or_else(|| {
                self.client
                    .malformed("no feed_id in the answer to POST /v1/feeds")
            })?;
        let feed: Feed = self.get(&format!("/v1/feeds/{id}"))?;
        Ok(Miniflux::to_remote(feed))
    }

    fn unsubscribe(&mut self, feed: &RemoteFeed) -> SyncResult<()> {
        let id = self.number(&feed.id)?;
        self.send("DELETE", &format!("/v1/feeds/{id}"), None)
            .map(drop)
    }

    fn rename(&mut self, feed: &RemoteFeed, title: &str) -> SyncResult<()> {
        let id = self.number(&feed.id)?;
        let body = serde_json::json!({ "title": title });
        self.send("PUT", &format!("/v1/feeds/{id}"), Some(body))
            .map(drop)
    }

    fn retag(&mut self, feed: &RemoteFeed, tags: &[String]) -> SyncResult<()> {
        let id = self.number(&feed.id)?;
        // One category a feed: the first tag; none puts the feed back in "All".
        let category = self.category(tags.first().map(String::as_str))?;
        let body = serde_json::json!({ "category_id": category });
        self.send("PUT", &format!("/v1/feeds/{id}"), Some(body))
            .map(drop)
    }

    fn requests(&self) -> usize {
        self.client.requests()
    }
}

/// Standard base64 with padding (RFC 4648), for HTTP Basic: too small a need for a crate.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(b"user:p\xc3\xa4ss"), "dXNlcjpww6Rzcw==");
    }

    #[test]
    fn cursor_round_trips_and_rejects_others() {
        let c = Cursor {
            max_id: 7,
            changed: 1_700_000_000,
        };
        assert_eq!(Cursor::parse(&c.text()), Some(c));
        assert_eq!(Cursor::parse("gr1 7 1"), None);
        assert_eq!(Cursor::parse("mf1 x 1"), None);
    }

    #[test]
    fn rfc3339_times_with_offsets() {
        assert_eq!(unix_time("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(
            unix_time("2023-11-15T00:13:20.5+02:00"),
            Some(1_700_000_000)
        );
        assert_eq!(unix_time("yesterday"), None);
    }
}
