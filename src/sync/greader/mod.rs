//! The Google Reader API client (FreshRSS's `greader.php`, Miniflux's `/reader/api/0`, and the
//! other servers that speak it): ClientLogin, ids by stream, items by id, `edit-tag`.
//!
//! Written from FreshRSS's API page (freshrss.github.io/FreshRSS/en/developers/
//! 06_GoogleReader_API.html) and Miniflux's `internal/googlereader/README.md`, whose quirks it
//! allows for: a POST is authenticated by its `T` field only (so `T` goes with every POST, even
//! `stream/items/contents`), every 401 under `/reader/api/0` carries `X-Reader-Google-Bad-Token`
//! (so a 401 cannot tell an expired write token from an expired session: both are renewed),
//! `continuation` is a numeric offset in a string, ids are decimal in `stream/items/ids` and long
//! form in `stream/items/contents`, and an unknown endpoint answers `[]` with 200 (so a write's
//! answer is checked to be `OK`).

mod parse;

use std::collections::{HashMap, HashSet};

use self::parse::{long_id, Contents, Cursor, IdsPage, SubscriptionList};
use super::http::{form, Client, Request};
use super::SyncResult;
use super::{Changes, Credentials, Mark, RemoteEntry, RemoteFeed, Service, States, SyncError};

/// The stream of every item.
const READING_LIST: &str = "user/-/state/com.google/reading-list";
/// The read state (a tag on items).
const READ: &str = "user/-/state/com.google/read";
/// The starred state.
const STARRED: &str = "user/-/state/com.google/starred";
/// Ids a page: Miniflux caps `n` at 10,000 (FreshRSS too), so asking for more gains nothing.
const IDS_PAGE: usize = 10_000;
/// Items a `stream/items/contents` or `edit-tag` request: a form of 250 long ids is 12 KB, well
/// under any server's form limit, and 250 items' text stays a few MiB.
const ITEMS_BATCH: usize = 250;
/// How far before the cursor's time `ot` asks: `ot` filters by publication time on Miniflux, and
/// a feed's clock or a late fetch can put a new item a little before the newest seen. Items at
/// or below the cursor's id are dropped, so the overlap costs ids, never doubled entries.
const OT_OVERLAP_SECS: i64 = 24 * 3600;

/// A Google Reader API server, with the session (the `Auth` token from ClientLogin and the write
/// token `T`) kept between calls.
pub struct GoogleReader {
    credentials: Credentials,
    client: Client,
    auth: Option<String>,
    token: Option<String>,
}

impl GoogleReader {
    /// A client for the server at `credentials.url` (the API's base, e.g.
    /// `https://example.org/api/greader.php`); nothing is sent until the first call.
    pub fn new(credentials: Credentials, user_agent: &str) -> GoogleReader {
        let client = Client::new(&credentials.url, user_agent);
        GoogleReader {
            credentials,
            client,
            auth: None,
            token: None,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.credentials.url.trim_end_matches('/'))
    }

    /// ClientLogin: the `Auth=` line of the answer is the session.
    fn client_login(&mut self) -> SyncResult<()> {
        self.auth = None;
        self.token = None;
        let url = self.url("accounts/ClientLogin");
        let body = form(&[
            ("Email", &self.credentials.user),
            ("Passwd", &self.credentials.password),
        ]);
        let text = self.client.send(&Request {
            method: "POST",
            url: &url,
            headers: Vec::new(),
            body: Some(("application/x-www-form-urlencoded", body)),
        })?;
        let auth = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("Auth="))
            .filter(|auth| !auth.is_empty())
            .ok_or_else(|| {
                self.client
                    .malformed("no Auth= line in the ClientLogin answer")
            })?;
        self.auth = Some(auth.to_owned());
        Ok(())
    }

    /// The write token, asked for once a session.
    fn write_token(&mut self) -> SyncResult<String> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        let text = self.send_once("GET", "reader/api/0/token", &[], &[])?;
        let token = text.trim().to_owned();
        if token.is_empty() || token.contains(char::is_whitespace) {
            return Err(self.client.malformed("an empty or broken write token"));
        }
        self.token = Some(token.clone());
        Ok(token)
    }

    /// One request to `reader/api/0/...`: `query` in the URL, and for a POST `body` (with `T`)
    /// as a form.
    fn send_once(
        &mut self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[(&str, &str)],
    ) -> SyncResult<String> {
        let auth = self.auth.clone().unwrap_or_default();
        let mut url = self.url(path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&String::from_utf8_lossy(&form(query)));
        }
        let body = if method == "POST" {
            let token = self.write_token()?;
            let mut pairs = body.to_vec();
            pairs.push(("T", &token));
            Some(("application/x-www-form-urlencoded", form(&pairs)))
        } else {
            None
        };
        self.client.send(&Request {
            method,
            url: &url,
            headers: vec![("Authorization", format!("GoogleLogin auth={auth}"))],
            body,
        })
    }

    /// A request with the session: logs in first if there is none, and after a 401 logs in
    /// again (new session, new write token) and retries once.
    fn call(
        &mut self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[(&str, &str)],
    ) -> SyncResult<String> {
        let fresh = self.auth.is_none();
        if fresh {
            self.client_login()?;
        }
        match self.send_once(method, path, query, body) {
            Err(SyncError::Auth(_)) if !fresh => {
                self.client_login()?;
                self.send_once(method, path, query, body)
            }
            other => other,
        }
    }

    /// A write: the answer must be `OK` (Miniflux answers `[]` to what it does not know).
    fn write(&mut self, path: &str, body: &[(&str, &str)]) -> SyncResult<()> {
        let text = self.call("POST", path, &[("output", "json")], body)?;
        if text.trim() != "OK" {
            return Err(self.client.malformed(&format!("{path} did not answer OK")));
        }
        Ok(())
    }

    /// Every id of a stream (`params` beyond `s`), following `continuation`, newest first; at
    /// most `limit` if given.
    fn item_ids(&mut self, params: &[(&str, &str)], limit: Option<usize>) -> SyncResult<Vec<u64>> {
        let mut ids = Vec::new();
        let mut continuation: Option<String> = None;
        loop {
            let want = limit.map_or(IDS_PAGE, |l| l.saturating_sub(ids.len()).min(IDS_PAGE));
            if want == 0 {
                return Ok(ids);
            }
            let n = want.to_string();
            let mut query = vec![("output", "json"), ("n", n.as_str())];
            query.extend_from_slice(params);
            if let Some(c) = &continuation {
                query.push(("c", c));
            }
            let text = self.call("GET", "reader/api/0/stream/items/ids", &query, &[])?;
            let page: IdsPage = self.client.parse(&text)?;
            for item in &page.item_refs {
                let id = parse::decimal_id(&item.id)
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| self.client.malformed("an item id that is not a number"))?;
                ids.push(id);
            }
            let next = page.next();
            // An empty page or a continuation handed back unchanged would loop for ever.
            if next.is_none() || page.item_refs.is_empty() || next == continuation {
                return Ok(ids);
            }
            continuation = next;
        }
    }

    /// The items of these ids with their text, in batches.
    fn contents(&mut self, ids: &[u64]) -> SyncResult<Vec<RemoteEntry>> {
        let mut entries = Vec::with_capacity(ids.len());
        for batch in ids.chunks(ITEMS_BATCH) {
            let longs: Vec<String> = batch
                .iter()
                .map(|id| format!("{}{id:016x}", parse::LONG_ID_PREFIX))
                .collect();
            let body: Vec<(&str, &str)> = longs.iter().map(|l| ("i", l.as_str())).collect();
            let text = self.call(
                "POST",
                "reader/api/0/stream/items/contents",
                &[("output", "json")],
                &body,
            )?;
            let contents: Contents = self.client.parse(&text)?;
            for item in contents.items {
                let entry = item
                    .into_entry()
                    .ok_or_else(|| self.client.malformed("an item id in neither form"))?;
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    /// `subscription/edit` for `feed` with these extra fields.
    fn edit(&mut self, feed: &RemoteFeed, fields: &[(&str, &str)]) -> SyncResult<()> {
        let mut body = vec![("ac", "edit"), ("s", feed.id.as_str())];
        body.extend_from_slice(fields);
        self.write("reader/api/0/subscription/edit", &body)
    }

    /// The ids to fetch whole on a sync after the first: the recent part of the reading list
    /// (by `ot`), and every unread and starred id (so an item published long ago but new here is
    /// not missed), keeping those past the cursor's id.
    fn new_ids(&mut self, cursor: Cursor, unread: &[u64], starred: &[u64]) -> SyncResult<Vec<u64>> {
        let ot = (cursor.time - OT_OVERLAP_SECS).max(0).to_string();
        let recent = self.item_ids(&[("s", READING_LIST), ("ot", &ot)], None)?;
        let mut ids: Vec<u64> = recent
            .into_iter()
            .chain(unread.iter().copied())
            .chain(starred.iter().copied())
            .filter(|id| *id > cursor.max_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }
}

/// Ids as the decimal text [`RemoteEntry::id`] holds.
fn id_set(ids: &[u64]) -> HashSet<String> {
    ids.iter().map(u64::to_string).collect()
}

impl Service for GoogleReader {
    fn login(&mut self) -> SyncResult<()> {
        // A session kept from an earlier call was checked then (the engine calls this at the
        // start of every sync); one the server has dropped is renewed by the next request.
        if self.auth.is_some() {
            return Ok(());
        }
        self.client_login()
    }

    fn feeds(&mut self) -> SyncResult<Vec<RemoteFeed>> {
        let text = self.call(
            "GET",
            "reader/api/0/subscription/list",
            &[("output", "json")],
            &[],
        )?;
        let list: SubscriptionList = self.client.parse(&text)?;
        Ok(list
            .subscriptions
            .into_iter()
            .map(|s| s.into_feed())
            .collect())
    }

    fn changes(&mut self, cursor: Option<&str>, first_limit: usize) -> SyncResult<Changes> {
        // A cursor this client cannot read (another service's, or damaged) starts over.
        let old = cursor.and_then(Cursor::parse);
        let unread = self.item_ids(&[("s", READING_LIST), ("xt", READ)], None)?;
        let starred = self.item_ids(&[("s", STARRED)], None)?;
        let wanted = match old {
            Some(c) => self.new_ids(c, &unread, &starred)?,
            None => self.item_ids(&[("s", READING_LIST)], Some(first_limit))?,
        };
        let mut entries = self.contents(&wanted)?;
        entries.sort_by_key(|e| e.id.parse::<u64>().unwrap_or(0));
        // On the first sync the unread and starred ids past the newest `first_limit` are old
        // news: the cursor passes them so the next sync does not fetch them whole.
        let passed: &[&[u64]] = match old {
            Some(_) => &[&wanted],
            None => &[&wanted, &unread, &starred],
        };
        let base = old.unwrap_or_default();
        let next = Cursor {
            max_id: passed
                .iter()
                .flat_map(|ids| ids.iter())
                .copied()
                .max()
                .unwrap_or(0)
                .max(base.max_id),
            time: entries
                .iter()
                .filter_map(|e| e.published)
                .max()
                .unwrap_or(0)
                .max(base.time),
        };
        Ok(Changes {
            entries,
            states: States::Sets {
                unread: id_set(&unread),
                starred: id_set(&starred),
            },
            cursor: next.text(),
        })
    }

    fn mark(&mut self, ids: &[String], mark: Mark) -> SyncResult<()> {
        let (state, on) = match mark {
            Mark::Read(on) => (READ, on),
            Mark::Starred(on) => (STARRED, on),
        };
        let longs = ids
            .iter()
            .map(|id| {
                long_id(id).ok_or_else(|| self.client.malformed(&format!("not an item id: {id}")))
            })
            .collect::<Result<Vec<String>, SyncError>>()?;
        for batch in longs.chunks(ITEMS_BATCH) {
            let mut body: Vec<(&str, &str)> = batch.iter().map(|l| ("i", l.as_str())).collect();
            body.push((if on { "a" } else { "r" }, state));
            self.write("reader/api/0/edit-tag", &body)?;
        }
        Ok(())
    }

    fn subscribe(&mut self, url: &str, tag: Option<&str>) -> SyncResult<RemoteFeed> {
        // FreshRSS reads `quickadd` from the query only; Miniflux from query or body.
        let query = [("output", "json"), ("quickadd", url)];
        let text = self.call("POST", "reader/api/0/subscription/quickadd", &query, &[])?;
        let added: HashMap<String, serde_json::Value> = self.client.parse(&text)?;
        // `feed/42` (Miniflux), or FreshRSS's bare number.
        let stream = match added.get("streamId") {
            Some(serde_json::Value::String(id)) if id.starts_with("feed/") => id.clone(),
            Some(serde_json::Value::String(id)) if !id.is_empty() => format!("feed/{id}"),
            Some(serde_json::Value::Number(n)) => format!("feed/{n}"),
            _ => {
                let what = format!("found no feed at {url}");
                return Err(SyncError::Server(self.client.named(&what)));
            }
        };
        let feed = RemoteFeed {
            id: stream,
            url: url.to_owned(),
            ..RemoteFeed::default()
        };
        if let Some(tag) = tag {
            self.edit(&feed, &[("a", &label(tag))])?;
        }
        // The server may have found the feed behind a page's URL: its own record is the truth.
        let found = self.feeds()?.into_iter().find(|f| f.id == feed.id);
        Ok(found.unwrap_or(feed))
    }

    fn unsubscribe(&mut self, feed: &RemoteFeed) -> SyncResult<()> {
        let body = [("ac", "unsubscribe"), ("s", feed.id.as_str())];
        self.write("reader/api/0/subscription/edit", &body)
    }

    fn rename(&mut self, feed: &RemoteFeed, title: &str) -> SyncResult<()> {
        self.edit(feed, &[("t", title)])
    }

    fn retag(&mut self, feed: &RemoteFeed, tags: &[String]) -> SyncResult<()> {
        // FreshRSS and Miniflux keep one category a feed and read one `a` (PHP keeps the last
        // of several): the first tag is added, every other old one removed. FreshRSS reads `r`
        // only without `a` (back to its default category); Miniflux ignores `r`.
        let add = tags
            .first()
            .filter(|t| !feed.tags.contains(t))
            .map(|t| label(t));
        let remove: Vec<String> = feed
            .tags
            .iter()
            .filter(|t| tags.first() != Some(t))
            .map(|t| label(t))
            .collect();
        if add.is_none() && remove.is_empty() {
            return Ok(());
        }
        let mut fields: Vec<(&str, &str)> = add.iter().map(|a| ("a", a.as_str())).collect();
        fields.extend(remove.iter().map(|r| ("r", r.as_str())));
        self.edit(feed, &fields)
    }

    fn requests(&self) -> usize {
        self.client.requests()
    }
}

/// The stream id of label `name`.
fn label(name: &str) -> String {
    format!("user/-/label/{name}")
}
