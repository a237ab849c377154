//! The real Tiny Tiny RSS that tests/servers/ttrss-up.sh starts on 127.0.0.1, as the tests see
//! it: its `env` file (named by `GAZETTE_TTRSS_ENV`; skipped loudly without it, a failure with
//! `GAZETTE_REQUIRE_SERVERS=1`), raw API calls that check the server's state apart from the client
//! under test, and feeds written for it to fetch.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gazette::sync::ttrss::TtRss;
use gazette::sync::{Credentials, Service};
use serde_json::{json, Value};

/// The server ttrss-up.sh started, as its `env` file says.
pub struct Kit {
    pub env: HashMap<String, String>,
}

/// The kit, or None (after a loud line) when no server is configured; a panic instead when CI
/// requires the servers (`GAZETTE_REQUIRE_SERVERS=1`).
pub fn kit() -> Option<Kit> {
    let Some(path) = std::env::var_os("GAZETTE_TTRSS_ENV") else {
        if std::env::var("GAZETTE_REQUIRE_SERVERS").as_deref() == Ok("1") {
            panic!("GAZETTE_REQUIRE_SERVERS=1 but GAZETTE_TTRSS_ENV is not set");
        }
        eprintln!(
            "SKIPPED: no tt-rss server (set GAZETTE_TTRSS_ENV, see tests/servers/ttrss-up.sh)"
        );
        return None;
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading GAZETTE_TTRSS_ENV {path:?}: {e}"));
    let env = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect();
    Some(Kit { env })
}

impl Kit {
    pub fn var(&self, name: &str) -> &str {
        self.env
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing from the env file"))
    }

    pub fn credentials(&self, password: &str) -> Credentials {
        Credentials {
            url: self.var("BASE_URL").to_owned(),
            user: self.var("USER").to_owned(),
            password: password.to_owned(),
        }
    }

    /// A logged-in client under test.
    pub fn client(&self) -> TtRss {
        let mut client = TtRss::new(self.credentials(self.var("PASSWORD")), "gazette-test");
        client.login().expect("login");
        client
    }

    /// One raw API call with a fresh session (independent of the client under test); tried
    /// twice, as a test ending every session may run between the login and the call.
    pub fn raw(&self, op: &str, mut params: Value) -> Value {
        let login =
            json!({"op": "login", "user": self.var("USER"), "password": self.var("PASSWORD")});
        params["op"] = op.into();
        let mut answer = Value::Null;
        for _ in 0..2 {
            params["sid"] = post(self.var("API_URL"), &login)["content"]["session_id"].clone();
            answer = post(self.var("API_URL"), &params);
            if answer["status"] == 0 {
                return answer["content"].clone();
            }
        }
        panic!("{op}: {answer}");
    }

    /// SQL run by the kit's psql (what the API cannot do: make a category, end sessions).
    pub fn sql(&self, sql: &str) {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "{} -X -q -v ON_ERROR_STOP=1 -c \"$SQL\"",
                self.var("PSQL")
            ))
            .env("SQL", sql)
            .status()
            .expect("run psql");
        assert!(status.success(), "psql: {sql}");
    }

    /// Writes feed `name` with these items (titles) and returns the URL tt-rss fetches it by.
    /// The file's time only moves forward, so the feed server never answers 304 to tt-rss's
    /// If-Modified-Since for a changed file; tt-rss's 30 s cache is emptied.
    pub fn write_feed(&self, name: &str, items: &[&str]) -> String {
        let path = PathBuf::from(self.var("FEED_DIR")).join(format!("{name}.xml"));
        let items: String = items
            .iter()
            .map(|title| {
                format!(
                    "<item><title>{title}</title><link>http://192.0.2.1/{name}/{title}</link>\
                     <guid>http://192.0.2.1/{name}/{title}</guid>\
                     <description>Body of {title}</description></item>"
                )
            })
            .collect();
        let xml = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {name}</title>\
             <link>http://192.0.2.1/</link><description>test</description>{items}</channel></rss>"
        );
        let previous = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        std::fs::write(&path, xml).unwrap();
        let after = previous.map_or(SystemTime::now(), |p| p + Duration::from_secs(2));
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(after.max(SystemTime::now())).unwrap();
        if let Ok(cached) = std::fs::read_dir(PathBuf::from(self.var("CACHE_DIR")).join("feeds")) {
            for entry in cached.flatten() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        format!("http://192.0.2.1/{name}.xml")
    }

    /// The server's own view of a feed's headlines (title → (unread, marked)).
    pub fn states(&self, feed_id: &str) -> HashMap<String, (bool, bool)> {
        let list = self.raw(
            "getHeadlines",
            json!({"feed_id": feed_id.parse::<i64>().unwrap()}),
        );
        let list = list.as_array().expect("a list").clone();
        list.iter()
            .map(|h| {
                let flags = (
                    h["unread"].as_bool().unwrap(),
                    h["marked"].as_bool().unwrap(),
                );
                (h["title"].as_str().unwrap().to_owned(), flags)
            })
            .collect()
    }
}

pub fn post(url: &str, body: &Value) -> Value {
    let mut response = ureq::post(url)
        .header("Content-Type", "application/json")
        .send(&serde_json::to_vec(body).unwrap()[..])
        .expect("POST to tt-rss");
    let text = response.body_mut().read_to_string().unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A feed name no other test or earlier run uses (the kit's database outlives a run).
pub fn unique(test: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("{test}-{}-{nanos}-{n}", std::process::id())
}
