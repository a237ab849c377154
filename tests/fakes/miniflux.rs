//! A fake Miniflux REST API (`/v1/`), written from miniflux.app/docs/api.html: `X-Auth-Token` or
//! HTTP Basic, else 401 `{"error_message": ...}`; `GET /v1/entries` with `status`, `starred`,
//! `after_entry_id`, `before_entry_id`, `changed_after` (strictly later `changed_at`), `limit`
//! (100 unless given; 0 means none), `offset`, `order`, `direction`; `changed_at` moved by every
//! status change and bookmark toggle; `PUT /v1/entries/{id}/bookmark` a toggle; `POST /v1/feeds`
//! answering 201 `{"feed_id"}` and 400 for a feed already there or a missing category;
//! `PUT /v1/feeds/{id}` answering 201; `DELETE` 204; a duplicate category title 400.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{base64, Req, Resp};

/// A feed.
#[derive(Debug, Clone)]
pub struct Feed {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub category: i64,
}

/// An entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub feed: i64,
    pub title: String,
    pub published: i64,
    pub changed: i64,
    pub content: String,
    pub status: String,
    pub starred: bool,
}

/// The server's state.
pub struct Miniflux {
    pub user: String,
    pub password: String,
    pub token: String,
    pub feeds: Vec<Feed>,
    /// Categories by id ("All" is 1, as in a new account).
    pub categories: BTreeMap<i64, String>,
    pub entries: BTreeMap<i64, Entry>,
    /// The server's clock: moves 10 s with every change.
    pub clock: i64,
    /// `PUT /v1/entries/{id}/bookmark` requests seen.
    pub toggles: usize,
    next_id: i64,
}

/// The time the fake's clock starts at.
pub const START: i64 = 1_700_000_000;

impl Miniflux {
    /// An account with only the "All" category.
    pub fn new(user: &str, password: &str, token: &str) -> Miniflux {
        Miniflux {
            user: user.to_owned(),
            password: password.to_owned(),
            token: token.to_owned(),
            feeds: Vec::new(),
            categories: BTreeMap::from([(1, "All".to_owned())]),
            entries: BTreeMap::new(),
            clock: START,
            toggles: 0,
            next_id: 2,
        }
    }

    fn tick(&mut self) -> i64 {
        self.clock += 10;
        self.clock
    }

    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// A category titled `title`; its id.
    pub fn add_category(&mut self, title: &str) -> i64 {
        let id = self.id();
        self.categories.insert(id, title.to_owned());
        id
    }

    /// A feed in `category`; its id.
    pub fn add_feed(&mut self, url: &str, title: &str, category: i64) -> i64 {
        let id = self.id();
        let (url, title) = (url.to_owned(), title.to_owned());
        self.feeds.push(Feed {
            id,
            url,
            title,
            category,
        });
        id
    }

    /// An unread entry arriving now in `feed`, published at `published`; its id.
    pub fn add_entry(&mut self, feed: i64, published: i64) -> i64 {
        let id = self.id();
        let changed = self.tick();
        let entry = Entry {
            id,
            feed,
            title: format!("Story {id}"),
            published,
            changed,
            content: format!("<p>Text of {id}</p>"),
            status: "unread".to_owned(),
            starred: false,
        };
        self.entries.insert(id, entry);
        id
    }

    /// Sets an entry's status as the web UI would (moving `changed_at`).
    pub fn set_status(&mut self, id: i64, status: &str) {
        let now = self.tick();
        if let Some(e) = self.entries.get_mut(&id) {
            e.status = status.to_owned();
            e.changed = now;
        }
    }
}

/// Routes one request.
pub fn route(s: &mut Miniflux, r: &Req) -> Resp {
    let basic = format!(
        "Basic {}",
        base64(format!("{}:{}", s.user, s.password).as_bytes())
    );
    let token_ok = !s.token.is_empty() && r.header("X-Auth-Token") == Some(s.token.as_str());
    if !token_ok && r.header("Authorization") != Some(basic.as_str()) {
        return error(401, "Access Unauthorized");
    }
    let parts: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
    let number = |i: usize| parts.get(i).and_then(|p| p.parse::<i64>().ok());
    match (r.method.as_str(), parts.as_slice()) {
        ("GET", ["v1", "me"]) => Resp::json(200, json!({"id": 1, "username": s.user})),
        ("GET", ["v1", "feeds"]) => {
            let feeds: Vec<Value> = s.feeds.iter().map(|f| feed_json(s, f)).collect();
            Resp::json(200, Value::Array(feeds))
        }
        ("GET", ["v1", "feeds", _]) => match s.feeds.iter().find(|f| Some(f.id) == number(2)) {
            Some(f) => Resp::json(200, feed_json(s, f)),
            None => error(404, "Resource not found"),
        },
        ("POST", ["v1", "feeds"]) => create_feed(s, &r.json()),
        ("PUT", ["v1", "feeds", _]) => update_feed(s, number(2), &r.json()),
        ("DELETE", ["v1", "feeds", _]) => {
            let id = number(2);
            s.feeds.retain(|f| Some(f.id) != id);
            s.entries.retain(|_, e| Some(e.feed) != id);
            Resp::text(204, "")
        }
        ("GET", ["v1", "categories"]) => {
            let all: Vec<Value> = s
                .categories
                .iter()
                .map(|(id, t)| json!({"id": id, "title": t, "user_id": 1}))
                .collect();
            Resp::json(200, Value::Array(all))
        }
        ("POST", ["v1", "categories"]) => create_category(s, &r.json()),
        ("GET", ["v1", "entries"]) => entries(s, r),
        ("GET", ["v1", "entries", _]) => match number(2).and_then(|id| s.entries.get(&id)) {
            Some(e) => Resp::json(200, entry_json(s, e)),
            None => error(404, "Resource not found"),
        },
        ("PUT", ["v1", "entries"]) => update_entries(s, &r.json()),
        ("PUT", ["v1", "entries", _, "bookmark"]) => toggle_bookmark(s, number(2)),
        _ => error(404, "Resource not found"),
    }
}

/// `PUT /v1/entries/{id}/bookmark`: a toggle, moving `changed_at`.
fn toggle_bookmark(s: &mut Miniflux, id: Option<i64>) -> Resp {
    s.toggles += 1;
    let now = s.tick();
    match id.and_then(|id| s.entries.get_mut(&id)) {
        Some(e) => {
            e.starred = !e.starred;
            e.changed = now;
            Resp::text(204, "")
        }
        None => error(404, "Resource not found"),
    }
}

fn error(status: u16, message: &str) -> Resp {
    Resp::json(status, json!({ "error_message": message }))
}

fn rfc3339(t: i64) -> String {
    let time = chrono::DateTime::from_timestamp(t, 0).expect("a time in range");
    // Miniflux answers in the user's time zone; an offset other than Z is what a client must read.
    time.with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).expect("an offset"))
        .to_rfc3339()
}

fn feed_json(s: &Miniflux, f: &Feed) -> Value {
    let title = s.categories.get(&f.category).cloned().unwrap_or_default();
    json!({"id": f.id, "user_id": 1, "title": f.title, "site_url": f.url, "feed_url": f.url,
           "category": {"id": f.category, "title": title, "user_id": 1}})
}

fn entry_json(s: &Miniflux, e: &Entry) -> Value {
    let feed = s
        .feeds
        .iter()
        .find(|f| f.id == e.feed)
        .map(|f| feed_json(s, f));
    json!({"id": e.id, "user_id": 1, "feed_id": e.feed, "status": e.status, "title": e.title,
           "url": format!("https://site.example/{}", e.id), "author": "Ann Author",
           "content": e.content, "published_at": rfc3339(e.published),
           "created_at": rfc3339(e.changed), "changed_at": rfc3339(e.changed),
           "starred": e.starred, "reading_time": 1, "enclosures": [], "feed": feed})
}

/// `GET /v1/entries` with the filters the docs list.
fn entries(s: &Miniflux, r: &Req) -> Resp {
    let int = |name: &str| r.query_one(name).and_then(|v| v.parse::<i64>().ok());
    let statuses = r.query_all("status");
    let starred = r.query_one("starred").map(|v| v == "true" || v == "1");
    let mut found: Vec<&Entry> = s
        .entries
        .values()
        .filter(|e| statuses.is_empty() || statuses.contains(&e.status.as_str()))
        .filter(|e| starred.is_none_or(|st| e.starred == st))
        .filter(|e| int("after_entry_id").is_none_or(|a| e.id > a))
        .filter(|e| int("before_entry_id").is_none_or(|b| e.id < b))
        .filter(|e| int("changed_after").is_none_or(|c| e.changed > c))
        .filter(|e| int("published_after").is_none_or(|p| e.published > p))
        .collect();
    match r.query_one("order").unwrap_or("published_at") {
        "id" => found.sort_by_key(|e| e.id),
        _ => found.sort_by_key(|e| (e.published, e.id)),
    }
    if r.query_one("direction") == Some("desc") {
        found.reverse();
    }
    let total = found.len();
    let limit = match int("limit").unwrap_or(100) {
        0 => usize::MAX,
        n => n as usize,
    };
    let offset = int("offset").unwrap_or(0) as usize;
    let page: Vec<Value> = found
        .iter()
        .skip(offset)
        .take(limit)
        .map(|e| entry_json(s, e))
        .collect();
    Resp::json(200, json!({"total": total, "entries": page}))
}

fn update_entries(s: &mut Miniflux, body: &Value) -> Resp {
    let ids: Vec<i64> = body["entry_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .collect();
    let status = body["status"].as_str().unwrap_or("");
    if ids.is_empty() || !["read", "unread", "removed"].contains(&status) {
        return error(400, "Invalid request");
    }
    let now = s.tick();
    for id in ids {
        if let Some(e) = s.entries.get_mut(&id) {
            e.status = status.to_owned();
            e.changed = now;
        }
    }
    Resp::text(204, "")
}

fn create_feed(s: &mut Miniflux, body: &Value) -> Resp {
    let url = body["feed_url"].as_str().unwrap_or("");
    let category = body["category_id"].as_i64().unwrap_or(0);
    if !s.categories.contains_key(&category) {
        return error(
            400,
            "This category does not exist or does not belong to this user.",
        );
    }
    if url.is_empty() || s.feeds.iter().any(|f| f.url == url) {
        return error(400, "This feed already exists.");
    }
    let id = s.add_feed(url, "Found Feed", category);
    Resp::json(201, json!({ "feed_id": id }))
}

fn update_feed(s: &mut Miniflux, id: Option<i64>, body: &Value) -> Resp {
    let category = body["category_id"].as_i64();
    if category.is_some_and(|c| !s.categories.contains_key(&c)) {
        return error(
            400,
            "This category does not exist or does not belong to this user.",
        );
    }
    let Some(f) = s.feeds.iter_mut().find(|f| Some(f.id) == id) else {
        return error(404, "Resource not found");
    };
    if let Some(t) = body["title"].as_str() {
        f.title = t.to_owned();
    }
    if let Some(c) = category {
        f.category = c;
    }
    let f = f.clone();
    Resp::json(201, feed_json(s, &f))
}

fn create_category(s: &mut Miniflux, body: &Value) -> Resp {
    let title = body["title"].as_str().unwrap_or("");
    if title.is_empty() || s.categories.values().any(|t| t == title) {
        return error(400, "This category already exists.");
    }
    let id = s.add_category(title);
    Resp::json(201, json!({"id": id, "title": title, "user_id": 1}))
}
