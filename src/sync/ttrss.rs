//! Tiny Tiny RSS's JSON API (`<url>/api/`, API level 15 and later): every call a POST of one JSON
//! object, the session id (`sid`) kept from one login and sent with each call.
//!
//! Request counts (what README quotes): an unchanged sync — [`Service::feeds`] then
//! [`Service::changes`] with a cursor — costs 5 requests whatever the number of feeds: getCategories
//! and getFeeds (one list of every feed), one getHeadlines for new entries (empty), one for the
//! unread ids and one for the starred ids, plus one more for each further 200 new, unread or
//! starred entries. The first call of a session adds the login.
//!
//! What this API cannot do (checked against tt-rss 21~git20210204, API level 15): create a
//! category, rename a feed, or move a feed to another category. [`Service::rename`] and
//! [`Service::retag`] say so with [`SyncError::Unsupported`]; [`Service::subscribe`] puts a feed in
//! an existing category of that name, or uncategorized when there is none.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use super::http::{Client, Request};
use super::SyncResult;
use super::{Changes, Credentials, Mark, RemoteEntry, RemoteFeed, Service, States, SyncError};

mod answer;

use answer::Answer;

/// tt-rss hands over at most 200 headlines a call (more is cut to 200).
const PAGE: usize = 200;

/// Ids a single updateArticle carries (comma-joined in the request).
const MARK_BATCH: usize = 200;

/// Pages of headlines read before giving up on a server that never ends its list (a million
/// entries: far past any account, and a bound on memory).
const MAX_PAGES: usize = 5_000;

/// A Tiny Tiny RSS account.
pub struct TtRss {
    client: Client,
    /// `<url>/api/`.
    endpoint: String,
    credentials: Credentials,
    /// The session, once logged in.
    sid: Option<String>,
}

/// `<url>/api/` from the configured URL, with or without its trailing `/` or `api/`.
fn endpoint(url: &str) -> String {
    let base = url.trim().trim_end_matches('/');
    let base = base.strip_suffix("/api").unwrap_or(base);
    format!("{base}/api/")
}

impl TtRss {
    /// A client for the tt-rss at `credentials.url`, sending `user_agent`. Nothing is sent yet.
    pub fn new(credentials: Credentials, user_agent: &str) -> TtRss {
        TtRss {
            client: Client::new(&credentials.url, user_agent),
            endpoint: endpoint(&credentials.url),
            credentials,
            sid: None,
        }
    }

    /// Sends `op` with `params` (a JSON object) once, with the session if there is one.
    fn send(&mut self, op: &str, params: &Value) -> SyncResult<Answer> {
        let mut body = match params {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        body.insert("op".into(), op.into());
        if let Some(sid) = &self.sid {
            body.insert("sid".into(), sid.clone().into());
        }
        let body = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
        let request = Request {
            method: "POST",
            url: &self.endpoint,
            headers: Vec::new(),
            body: Some(("application/json", body)),
        };
        let reply = self.client.send_json(&request)?;
        answer::envelope(reply).map_err(|what| self.client.malformed(&format!("{op}: {what}")))
    }

    /// An API error code as a [`SyncError`]: the login ones as Auth (retrying cannot help).
    fn api_error(&self, op: &str, code: &str) -> SyncError {
        match code {
            "LOGIN_ERROR" => SyncError::Auth(self.client.named(
                "tt-rss refused the login (LOGIN_ERROR): check [sync] user and the password",
            )),
            "API_DISABLED" => SyncError::Auth(self.client.named(
                "tt-rss API access is off for this user (API_DISABLED): enable API access in \
                 tt-rss preferences",
            )),
            "NOT_LOGGED_IN" => SyncError::Auth(
                self.client
                    .named("tt-rss ended the session again right after a login (NOT_LOGGED_IN)"),
            ),
            _ => SyncError::Server(self.client.named(&format!("tt-rss {op}: error {code}"))),
        }
    }

    /// Calls `op`: logs in first if there is no session, and once more if the server says the
    /// session is gone (expired, or the server restarted), then retries once.
    fn call(&mut self, op: &str, params: Value) -> SyncResult<Value> {
        if self.sid.is_none() {
            self.login()?;
        }
        let mut answer = self.send(op, &params)?;
        if answer == Answer::NotLoggedIn {
            self.sid = None;
            self.login()?;
            answer = self.send(op, &params)?;
        }
        match answer {
            Answer::Content(content) => Ok(content),
            Answer::NotLoggedIn => Err(self.api_error(op, "NOT_LOGGED_IN")),
            Answer::Error(code) => Err(self.api_error(op, &code)),
        }
    }

    /// A [`SyncError::Malformed`] for an answer to `op`.
    fn malformed(&self, op: &str, what: &str) -> SyncError {
        self.client.malformed(&format!("{op}: {what}"))
    }

    /// One page of getHeadlines' list (`params` plus the page's `limit` and `skip`).
    fn headlines(&mut self, params: &Value, limit: usize, skip: usize) -> SyncResult<Vec<Value>> {
        let mut params = params.clone();
        params["limit"] = limit.into();
        params["skip"] = skip.into();
        let content = self.call("getHeadlines", params)?;
        answer::array(&content, "the headline list").map_err(|w| self.malformed("getHeadlines", &w))
    }

    /// New entries (ids above `since`), the newest `want` at most (tt-rss sorts newest first,
    /// unless the user groups headlines by feed), each once, oldest first. Paged by `skip` to the last (short) page: tt-rss's order (score, date entered,
    /// updated, and on PostgreSQL the id last) is stable between calls; entries arriving meanwhile
    /// push older ones down a page, which only repeats them (dropped here), never skips one. Every
    /// page is read even when one brings nothing new, since the cursor (the highest id) would
    /// otherwise pass entries never seen.
    fn new_entries(&mut self, since: i64, want: usize) -> SyncResult<Vec<RemoteEntry>> {
        let params = json!({"feed_id": -4, "show_content": true, "since_id": since,
            "view_mode": "all_articles", "include_attachments": false});
        let mut seen = HashSet::new();
        let mut entries = Vec::new();
        for page in 0..MAX_PAGES {
            let limit = PAGE.min(want - entries.len());
            let list = self.headlines(&params, limit, page * PAGE)?;
            for headline in &list {
                let entry =
                    answer::entry(headline).map_err(|w| self.malformed("getHeadlines", &w))?;
                if entries.len() < want && seen.insert(entry.id.clone()) {
                    entries.push(entry);
                }
            }
            if list.len() < limit || entries.len() >= want {
                // Oldest first, as Changes hands them over: ids grow as tt-rss stores entries.
                entries.sort_by_key(|e| e.id.parse::<i64>().unwrap_or(0));
                return Ok(entries);
            }
        }
        Err(self.malformed("getHeadlines", "more pages than any account holds"))
    }

    /// Every id of the headlines getHeadlines lists for `feed_id` in `view_mode`, paged. An entry
    /// marked read on the server between two pages moves the rest up, so one unread entry may be
    /// missed: the next sync sees it again (the sets are whole each time).
    fn all_ids(&mut self, feed_id: i64, view_mode: &str) -> SyncResult<HashSet<String>> {
        let params = json!({"feed_id": feed_id, "view_mode": view_mode, "show_content": false,
            "show_excerpt": false, "include_attachments": false});
        let mut ids = HashSet::new();
        for page in 0..MAX_PAGES {
            let list = self.headlines(&params, PAGE, page * PAGE)?;
            let page_ids = answer::ids(&Value::Array(list.clone()))
                .map_err(|w| self.malformed("getHeadlines", &w))?;
            ids.extend(page_ids.iter().map(i64::to_string));
            if list.len() < PAGE {
                return Ok(ids);
            }
        }
        Err(self.malformed("getHeadlines", "more pages than any account holds"))
    }

    /// The id of a category titled `title` (as tt-rss compares: exactly), if there is one.
    fn category_id(&mut self, title: &str) -> SyncResult<Option<i64>> {
        let content = self.call("getCategories", json!({"include_empty": true}))?;
        let titles =
            answer::categories(&content).map_err(|w| self.malformed("getCategories", &w))?;
        Ok(titles
            .into_iter()
            .find(|(_, t)| t == title)
            .map(|(id, _)| id))
    }

    /// The feed numbered `feed_id` as getFeeds lists it.
    fn feed_by_id(&mut self, feed_id: i64) -> SyncResult<RemoteFeed> {
        let wanted = feed_id.to_string();
        self.feeds()?
            .into_iter()
            .find(|f| f.id == wanted)
            .ok_or_else(|| self.malformed("getFeeds", &format!("feed {feed_id} is not listed")))
    }
}

/// A feed's id as the API wants it (a number).
fn feed_number(feed: &RemoteFeed) -> SyncResult<i64> {
    feed.id
        .parse()
        .map_err(|_| SyncError::Malformed(format!("not a tt-rss feed id: {:?}", feed.id)))
}

/// The cursor's id (0 for none or one this client did not write).
fn since_id(cursor: Option<&str>) -> i64 {
    cursor
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(0)
        .max(0)
}

impl Service for TtRss {
    fn login(&mut self) -> SyncResult<()> {
        self.sid = None;
        let params = json!({"user": self.credentials.user, "password": self.credentials.password});
        let content = match self.send("login", &params)? {
            Answer::Content(content) => content,
            Answer::NotLoggedIn => return Err(self.api_error("login", "NOT_LOGGED_IN")),
            Answer::Error(code) => return Err(self.api_error("login", &code)),
        };
        let sid = content.get("session_id").and_then(Value::as_str);
        let sid = sid.filter(|s| !s.is_empty());
        let sid = sid.ok_or_else(|| self.malformed("login", "no session_id"))?;
        self.sid = Some(sid.to_owned());
        Ok(())
    }

    fn feeds(&mut self) -> SyncResult<Vec<RemoteFeed>> {
        let content = self.call("getCategories", json!({"include_empty": true}))?;
        let titles =
            answer::categories(&content).map_err(|w| self.malformed("getCategories", &w))?;
        let content = self.call("getFeeds", json!({"cat_id": -3, "include_nested": true}))?;
        answer::feeds(&content, &titles).map_err(|w| self.malformed("getFeeds", &w))
    }

    fn changes(&mut self, cursor: Option<&str>, first_limit: usize) -> SyncResult<Changes> {
        let since = since_id(cursor);
        let want = match cursor {
            Some(_) => usize::MAX,
            None => first_limit,
        };
        let entries = match want {
            0 => Vec::new(),
            _ => self.new_entries(since, want)?,
        };
        let unread = self.all_ids(-4, "unread")?;
        let starred = self.all_ids(-1, "all_articles")?;
        let newest = entries
            .iter()
            .filter_map(|e| e.id.parse::<i64>().ok())
            .max();
        // With no entry asked for on a first sync, the cursor still starts at the newest unread
        // entry, so the next sync does not fetch the whole history.
        let newest = newest.or_else(|| match cursor {
            None => unread.iter().filter_map(|id| id.parse().ok()).max(),
            Some(_) => None,
        });
        let cursor = newest.unwrap_or(0).max(since).to_string();
        Ok(Changes {
            entries,
            states: States::Sets { unread, starred },
            cursor,
        })
    }

    fn mark(&mut self, ids: &[String], mark: Mark) -> SyncResult<()> {
        // field 2 is "unread" (so Read(true) sets it false), field 0 is "marked" (starred).
        let (field, mode) = match mark {
            Mark::Read(read) => (2, u8::from(!read)),
            Mark::Starred(starred) => (0, u8::from(starred)),
        };
        // Ids go into tt-rss's SQL as a comma-joined list: anything but a number would break it
        // (a database error, not an API one), so it is refused here.
        if let Some(bad) = ids.iter().find(|id| id.parse::<u64>().is_err()) {
            return Err(SyncError::Malformed(format!(
                "not a tt-rss entry id: {bad:?}"
            )));
        }
        for batch in ids.chunks(MARK_BATCH) {
            let article_ids = batch.join(",");
            let params = json!({"article_ids": article_ids, "field": field, "mode": mode});
            self.call("updateArticle", params)?;
        }
        Ok(())
    }

    /// Subscribes in the existing category titled `tag`; tt-rss's API cannot create categories,
    /// so with no such category the feed is subscribed uncategorized. The feed is fetched once
    /// right away (updateFeed), so it has its title and entries.
    fn subscribe(&mut self, url: &str, tag: Option<&str>) -> SyncResult<RemoteFeed> {
        let category = match tag {
            Some(title) => self.category_id(title)?.unwrap_or(0),
            None => 0,
        };
        let params = json!({"feed_url": url, "category_id": category});
        let content = self.call("subscribeToFeed", params)?;
        let status = content.get("status");
        let code = status.and_then(|s| s.get("code")).and_then(Value::as_i64);
        let code = code.ok_or_else(|| self.malformed("subscribeToFeed", "no status code"))?;
        if code != 0 && code != 1 {
            let message = status
                .and_then(|s| s.get("message"))
                .and_then(Value::as_str);
            let reason = answer::subscribe_failure(code, message);
            return Err(SyncError::Server(
                self.client
                    .named(&format!("subscribing to {url}: {reason}")),
            ));
        }
        let feed_id = answer::id(status.and_then(|s| s.get("feed_id")));
        let feed_id = feed_id.ok_or_else(|| self.malformed("subscribeToFeed", "no feed_id"))?;
        if code == 1 {
            // A failed first fetch is not a failed subscription: tt-rss's updater tries again.
            let _ = self.call("updateFeed", json!({"feed_id": feed_id}));
        }
        self.feed_by_id(feed_id)
    }

    fn unsubscribe(&mut self, feed: &RemoteFeed) -> SyncResult<()> {
        let feed_id = feed_number(feed)?;
        self.call("unsubscribeFeed", json!({"feed_id": feed_id}))?;
        Ok(())
    }

    fn rename(&mut self, _feed: &RemoteFeed, _title: &str) -> SyncResult<()> {
        Err(SyncError::Unsupported(
            "Tiny Tiny RSS's API cannot rename a feed: rename it in tt-rss's preferences".into(),
        ))
    }

    fn retag(&mut self, _feed: &RemoteFeed, _tags: &[String]) -> SyncResult<()> {
        Err(SyncError::Unsupported(
            "Tiny Tiny RSS's API cannot move a feed to another category: move it in tt-rss's \
             preferences"
                .into(),
        ))
    }

    fn requests(&self) -> usize {
        self.client.requests()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_api_under_the_configured_url() {
        for url in [
            "https://rss.example.org/tt-rss",
            "https://rss.example.org/tt-rss/",
            "https://rss.example.org/tt-rss/api",
            "https://rss.example.org/tt-rss/api/",
            " https://rss.example.org/tt-rss// ",
        ] {
            assert_eq!(
                endpoint(url),
                "https://rss.example.org/tt-rss/api/",
                "{url}"
            );
        }
    }

    #[test]
    fn cursors_are_ids_and_anything_else_starts_over() {
        assert_eq!(since_id(Some("42")), 42);
        assert_eq!(since_id(Some("-3")), 0);
        assert_eq!(since_id(Some("x")), 0);
        assert_eq!(since_id(None), 0);
    }

    #[test]
    fn rename_and_retag_are_unsupported_without_a_request() {
        let credentials = Credentials {
            url: "http://127.0.0.1:9/".into(),
            user: "u".into(),
            password: "p".into(),
        };
        let mut service = TtRss::new(credentials, "test");
        let feed = RemoteFeed::default();
        let renamed = service.rename(&feed, "x");
        assert!(matches!(renamed, Err(SyncError::Unsupported(m)) if m.contains("cannot rename")));
        let retagged = service.retag(&feed, &["a".into()]);
        assert!(matches!(retagged, Err(SyncError::Unsupported(_))));
        assert_eq!(service.requests(), 0);
    }
}
