//! A fake Google Reader API server, in two flavours written from their documents:
//!
//! - Miniflux (`internal/googlereader/README.md`): a POST is authenticated by `T` only, which is
//!   the auth token itself; every 401 under `/reader/api/0` is plain text with
//!   `X-Reader-Google-Bad-Token: true`; `continuation` is a numeric offset in a string; ids are
//!   decimal in `stream/items/ids` and long form in `stream/items/contents`; `ot` filters by
//!   publication time; `edit-tag` reads `a`/`r` from the body only; `ac=edit` with `a` moves the
//!   feed to that one label and `r` is ignored; quickadd puts the feed in the first category; an
//!   unknown endpoint answers `[]` with 200; user ids in categories are numbers (`user/1/...`).
//! - FreshRSS (freshrss.github.io/FreshRSS/en/developers/06_GoogleReader_API.html, greader.php):
//!   the `Authorization` header on every request and a separate write token `T` on writes;
//!   ids are arrival times in µs (16 digits: a client must not take them for hex); the
//!   continuation is an opaque string (here the next item's id); `ot` filters by arrival time;
//!   items carry their text in `summary` only; labels are added and removed one by one.
//!
//! Both cap `n` at `cap` (10,000 unless a test changes it).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{values, Req, Resp};

/// Which server the fake behaves like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Miniflux,
    FreshRss,
}

/// A subscription.
#[derive(Debug, Clone)]
pub struct Feed {
    pub id: u64,
    pub url: String,
    pub title: String,
    pub labels: Vec<String>,
}

/// An item.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: u64,
    pub feed: u64,
    pub title: String,
    pub published: i64,
    /// When it arrived (FreshRSS's id is this in µs).
    pub arrived: i64,
    pub content: String,
    pub read: bool,
    pub starred: bool,
}

/// The server's state.
pub struct GReader {
    pub flavor: Flavor,
    pub user: String,
    pub password: String,
    /// The session ClientLogin hands out (a test can change it to expire sessions).
    pub auth: String,
    /// FreshRSS's write token (Miniflux's is `auth`).
    pub write_token: String,
    pub feeds: Vec<Feed>,
    pub entries: BTreeMap<u64, Entry>,
    /// The largest `n` honoured.
    pub cap: usize,
    /// ClientLogin requests seen.
    pub logins: usize,
    next_feed: u64,
    clock: i64,
}

/// The time the fake's clock starts at.
pub const START: i64 = 1_700_000_000;
const READ: &str = "/state/com.google/read";
const STARRED: &str = "/state/com.google/starred";
const READING_LIST: &str = "/state/com.google/reading-list";
const LONG: &str = "tag:google.com,2005:reader/item/";

impl GReader {
    /// An empty account of `user` with `password`.
    pub fn new(flavor: Flavor, user: &str, password: &str) -> GReader {
        GReader {
            flavor,
            user: user.to_owned(),
            password: password.to_owned(),
            auth: format!("{user}/0123456789abcdef"),
            write_token: "WRITETOKEN0123456789".to_owned(),
            feeds: Vec::new(),
            entries: BTreeMap::new(),
            cap: 10_000,
            logins: 0,
            next_feed: 1,
            clock: START,
        }
    }

    /// Subscribes to `url` with these labels; the feed's id.
    pub fn add_feed(&mut self, url: &str, title: &str, labels: &[&str]) -> u64 {
        let id = self.next_feed;
        self.next_feed += 1;
        let labels = labels.iter().map(|l| l.to_string()).collect();
        let (url, title) = (url.to_owned(), title.to_owned());
        self.feeds.push(Feed {
            id,
            url,
            title,
            labels,
        });
        id
    }

    /// An item arriving now in `feed`, published at `published`; its id.
    pub fn add_entry(&mut self, feed: u64, published: i64) -> u64 {
        self.clock += 1;
        let id = match self.flavor {
            Flavor::Miniflux => self.entries.len() as u64 + 1,
            Flavor::FreshRss => self.clock as u64 * 1_000_000 + 1,
        };
        let entry = Entry {
            id,
            feed,
            title: format!("Story {id}"),
            published,
            arrived: self.clock,
            content: format!("<p>Text of {id}</p>"),
            read: false,
            starred: false,
        };
        self.entries.insert(id, entry);
        id
    }

    /// The user part of state and label ids.
    fn user_part(&self) -> &'static str {
        match self.flavor {
            Flavor::Miniflux => "user/1",
            Flavor::FreshRss => "user/-",
        }
    }
}

/// Routes one request.
pub fn route(s: &mut GReader, r: &Req) -> Resp {
    if r.path.ends_with("/accounts/ClientLogin") {
        return client_login(s, r);
    }
    let Some((_, api)) = r.path.split_once("/reader/api/0/") else {
        return Resp::text(404, "not found");
    };
    let form = r.form();
    if !authorized(s, r, &form, api) {
        return Resp::text(401, "Unauthorized").with_header("X-Reader-Google-Bad-Token", "true");
    }
    // Miniflux reads merged form values (query and body) for most POSTs.
    let mut merged = r.query.clone();
    merged.extend(form.iter().cloned());
    match (r.method.as_str(), api) {
        ("GET", "token") => Resp::text(200, &token_of(s)),
        ("GET", "subscription/list") => subscription_list(s),
        ("GET", "stream/items/ids") => item_ids(s, r),
        ("POST", "stream/items/contents") => contents(s, &merged),
        // Both read `a`, `r` and (FreshRSS) `i` from the body only.
        ("POST", "edit-tag") => edit_tag(s, &form),
        ("POST", "subscription/quickadd") => quickadd(s, r, &merged),
        ("POST", "subscription/edit") => subscription_edit(s, &merged),
        _ if s.flavor == Flavor::Miniflux => Resp::text(200, "[]"),
        _ => Resp::text(404, "not found"),
    }
}

fn token_of(s: &GReader) -> String {
    match s.flavor {
        Flavor::Miniflux => s.auth.clone(),
        Flavor::FreshRss => s.write_token.clone(),
    }
}

fn client_login(s: &mut GReader, r: &Req) -> Resp {
    s.logins += 1;
    let mut merged = r.query.clone();
    merged.extend(r.form());
    let email = values(&merged, "Email").first().copied();
    let passwd = values(&merged, "Passwd").first().copied();
    if email != Some(s.user.as_str()) || passwd != Some(s.password.as_str()) {
        return match s.flavor {
            Flavor::Miniflux => Resp::json(401, json!({"error_message": "access unauthorized"})),
            Flavor::FreshRss => {
                Resp::text(401, "Unauthorized!").with_header("Google-Bad-Token", "true")
            }
        };
    }
    let a = &s.auth;
    Resp::text(200, &format!("SID={a}\nLSID={a}\nAuth={a}\n"))
}

/// Miniflux: GET by the header, POST by `T` alone. FreshRSS: the header always, and the write
/// token on writes.
fn authorized(s: &GReader, r: &Req, form: &[(String, String)], api: &str) -> bool {
    let header_ok = r.header("Authorization") == Some(&format!("GoogleLogin auth={}", s.auth));
    let mut merged = r.query.clone();
    merged.extend(form.iter().cloned());
    let t = values(&merged, "T").first().copied();
    match (s.flavor, r.method.as_str()) {
        (Flavor::Miniflux, "POST") => t == Some(s.auth.as_str()),
        (Flavor::Miniflux, _) => header_ok,
        (Flavor::FreshRss, "POST") if api != "stream/items/contents" => {
            header_ok && t == Some(s.write_token.as_str())
        }
        (Flavor::FreshRss, _) => header_ok,
    }
}

fn label_id(s: &GReader, label: &str) -> String {
    format!("{}/label/{label}", s.user_part())
}

fn subscription_list(s: &GReader) -> Resp {
    let subs: Vec<Value> = s
        .feeds
        .iter()
        .map(|f| {
            let cats: Vec<Value> = f
                .labels
                .iter()
                .map(|l| json!({"id": label_id(s, l), "label": l, "type": "folder"}))
                .collect();
            json!({"id": format!("feed/{}", f.id), "title": f.title, "categories": cats,
                   "url": f.url, "htmlUrl": f.url, "iconUrl": ""})
        })
        .collect();
    Resp::json(200, json!({ "subscriptions": subs }))
}

/// The items of the request's stream (`s`), less `xt` read, since `ot`.
fn stream_items<'a>(s: &'a GReader, r: &Req) -> Vec<&'a Entry> {
    let stream = r.query_one("s").unwrap_or("");
    let unread_only = r.query_all("xt").iter().any(|x| x.ends_with(READ));
    let ot: Option<i64> = r.query_one("ot").and_then(|v| v.parse().ok());
    s.entries
        .values()
        .filter(|e| match stream {
            st if st.ends_with(STARRED) => e.starred,
            st if st.ends_with(READ) => e.read,
            st if st.ends_with(READING_LIST) => true,
            st => st.strip_prefix("feed/").and_then(|f| f.parse().ok()) == Some(e.feed),
        })
        .filter(|e| !unread_only || !e.read)
        .filter(|e| match (ot, s.flavor) {
            (None, _) => true,
            (Some(ot), Flavor::Miniflux) => e.published > ot,
            (Some(ot), Flavor::FreshRss) => e.arrived >= ot,
        })
        .collect()
}

/// `stream/items/ids`: the stream sorted, and cut at the continuation and `n`.
fn item_ids(s: &GReader, r: &Req) -> Resp {
    let mut items = stream_items(s, r);
    // Miniflux sorts by publication time, FreshRSS by id (arrival).
    match s.flavor {
        Flavor::Miniflux => items.sort_by_key(|e| (e.published, e.id)),
        Flavor::FreshRss => items.sort_by_key(|e| e.id),
    }
    if r.query_one("r") != Some("o") {
        items.reverse();
    }
    let default_n = match s.flavor {
        Flavor::Miniflux => usize::MAX,
        Flavor::FreshRss => 20,
    };
    let n = r
        .query_one("n")
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_n)
        .min(s.cap);
    // Miniflux: `c` is an offset. FreshRSS: the last id sent; the page starts just after it.
    let start = match (r.query_one("c"), s.flavor) {
        (None, _) => 0,
        (Some(c), Flavor::Miniflux) => c.parse().unwrap_or(0),
        (Some(c), Flavor::FreshRss) => {
            let at = items.iter().position(|e| e.id.to_string() == c);
            at.map_or(items.len(), |i| i + 1)
        }
    };
    let page: Vec<&Entry> = items.iter().skip(start).take(n).copied().collect();
    let refs: Vec<Value> = page
        .iter()
        .map(|e| json!({"id": e.id.to_string()}))
        .collect();
    let mut answer = json!({ "itemRefs": refs });
    match s.flavor {
        // An offset in a string, left out when nothing follows (`omitempty,string`).
        Flavor::Miniflux if start + page.len() < items.len() => {
            answer["continuation"] = json!((start + page.len()).to_string());
        }
        // The last id whenever the page is full, even if nothing follows.
        Flavor::FreshRss if page.len() >= n && !page.is_empty() => {
            answer["continuation"] = json!(page[page.len() - 1].id.to_string());
        }
        _ => {}
    }
    Resp::json(200, answer)
}

/// An `i` value as the server reads it: the long form's hex; otherwise Miniflux's older handler
/// (`getItemIDs`) reads hex too, FreshRSS decimal.
fn parse_item_id(flavor: Flavor, i: &str) -> Option<u64> {
    match (i.strip_prefix(LONG), flavor) {
        (Some(hex), _) => u64::from_str_radix(hex, 16).ok(),
        (None, Flavor::Miniflux) => u64::from_str_radix(i, 16).ok(),
        (None, Flavor::FreshRss) => i.parse().ok(),
    }
}

fn contents(s: &GReader, merged: &[(String, String)]) -> Resp {
    let mut items: Vec<&Entry> = values(merged, "i")
        .into_iter()
        .filter_map(|i| parse_item_id(s.flavor, i))
        .filter_map(|id| s.entries.get(&id))
        .collect();
    items.sort_by_key(|e| std::cmp::Reverse(e.published));
    let u = s.user_part();
    let items: Vec<Value> = items
        .iter()
        .map(|e| {
            let feed = s.feeds.iter().find(|f| f.id == e.feed);
            let mut cats = vec![format!("{u}/state/com.google/reading-list")];
            cats.extend(feed.iter().flat_map(|f| f.labels.iter().map(|l| label_id(s, l))));
            if e.read {
                cats.push(format!("{u}/state/com.google/read"));
            }
            if e.starred {
                cats.push(format!("{u}/state/com.google/starred"));
            }
            let mut item = json!({
                "id": format!("{LONG}{:016x}", e.id), "categories": cats, "title": e.title,
                "published": e.published, "crawlTimeMsec": (e.arrived * 1000).to_string(),
                "author": "Ann Author",
                "alternate": [{"href": format!("https://site.example/{}", e.id), "type": "text/html"}],
                "summary": {"direction": "ltr", "content": e.content},
                "origin": {"streamId": format!("feed/{}", e.feed), "title": feed.map(|f| f.title.clone())},
            });
            if s.flavor == Flavor::Miniflux {
                item["content"] = json!({"direction": "ltr", "content": e.content});
            }
            item
        })
        .collect();
    Resp::json(
        200,
        json!({"id": "user/-/state/com.google/reading-list", "items": items}),
    )
}

fn edit_tag(s: &mut GReader, form: &[(String, String)]) -> Resp {
    let (mut add, mut remove) = (values(form, "a"), values(form, "r"));
    // FreshRSS reads one `a` and one `r` ($_POST keeps the last).
    if s.flavor == Flavor::FreshRss {
        add = add.last().into_iter().copied().collect();
        remove = remove.last().into_iter().copied().collect();
    }
    if add
        .iter()
        .chain(&remove)
        .any(|t| !t.contains("/state/com.google/"))
    {
        return Resp::json(400, json!({"error_message": "unsupported tag"}));
    }
    let ids: Vec<u64> = values(form, "i")
        .into_iter()
        .filter_map(|i| parse_item_id(s.flavor, i))
        .collect();
    for id in ids {
        let Some(e) = s.entries.get_mut(&id) else {
            continue;
        };
        for (tags, on) in [(&add, true), (&remove, false)] {
            for t in tags.iter() {
                if t.ends_with(READ) {
                    e.read = on;
                } else if t.ends_with(STARRED) {
                    e.starred = on;
                }
            }
        }
    }
    Resp::text(200, "OK")
}

/// The default category FreshRSS puts a feed in.
pub const UNCATEGORIZED: &str = "Uncategorized";

fn quickadd(s: &mut GReader, r: &Req, merged: &[(String, String)]) -> Resp {
    // FreshRSS reads `quickadd` from the query only.
    let url = match s.flavor {
        Flavor::Miniflux => values(merged, "quickadd").first().copied(),
        Flavor::FreshRss => r.query_one("quickadd"),
    };
    let Some(url) = url.filter(|u| u.starts_with("http") && !u.contains("nofeed")) else {
        return match s.flavor {
            Flavor::Miniflux => Resp::json(200, json!({"numResults": 0})),
            Flavor::FreshRss => Resp::text(400, "Bad Request!"),
        };
    };
    // A page's URL: the feed found behind it has another URL.
    let feed_url = url
        .strip_suffix(".html")
        .map_or(url.to_owned(), |u| format!("{u}.xml"));
    // Miniflux: the user's first category; FreshRSS: its default one.
    let label = match s.flavor {
        Flavor::Miniflux => s.feeds.iter().find_map(|f| f.labels.first().cloned()),
        Flavor::FreshRss => Some(UNCATEGORIZED.to_owned()),
    };
    let labels: Vec<&str> = label.iter().map(String::as_str).collect();
    let id = s.add_feed(&feed_url, "Found Feed", &labels);
    match s.flavor {
        Flavor::Miniflux => Resp::json(
            200,
            json!({"numResults": 1, "query": url, "streamId": format!("feed/{id}"), "streamName": "Found Feed"}),
        ),
        // FreshRSS answers the bare number.
        Flavor::FreshRss => Resp::json(200, json!({"numResults": 1, "streamId": id})),
    }
}

fn subscription_edit(s: &mut GReader, merged: &[(String, String)]) -> Resp {
    let ac = values(merged, "ac").first().copied().unwrap_or("");
    let streams = values(merged, "s");
    let label = |key: &str| -> Option<String> {
        let found = values(merged, key)
            .into_iter()
            .filter_map(|a| a.split_once("/label/"));
        // Both read one value: Go's Form.Get the first, PHP's $_REQUEST the last.
        let mut labels = found.map(|(_, l)| l.to_owned());
        match s.flavor {
            Flavor::Miniflux => labels.next(),
            Flavor::FreshRss => labels.next_back(),
        }
    };
    let (add, remove) = (label("a"), label("r"));
    let feed_id = |st: &str| st.strip_prefix("feed/").and_then(|f| f.parse::<u64>().ok());
    match ac {
        "unsubscribe" => {
            let ids: Vec<u64> = streams.iter().filter_map(|st| feed_id(st)).collect();
            s.feeds.retain(|f| !ids.contains(&f.id));
            s.entries.retain(|_, e| !ids.contains(&e.feed));
        }
        "edit" => {
            let id = streams.first().and_then(|st| feed_id(st));
            let flavor = s.flavor;
            let Some(f) = s.feeds.iter_mut().find(|f| Some(f.id) == id) else {
                return Resp::json(400, json!({"error_message": "no such feed"}));
            };
            if let Some(t) = values(merged, "t").first() {
                f.title = t.to_string();
            }
            // One category a feed on both: `a` moves the feed there; on FreshRSS `r` alone moves
            // it back to the default category; Miniflux does not implement `r`.
            match (add, remove, flavor) {
                (Some(a), _, _) => f.labels = vec![a],
                (None, Some(_), Flavor::FreshRss) => f.labels = vec![UNCATEGORIZED.to_owned()],
                _ => {}
            }
        }
        _ => return Resp::json(400, json!({"error_message": "unsupported action"})),
    }
    Resp::text(200, "OK")
}
