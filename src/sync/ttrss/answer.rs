//! Reading tt-rss's answers: the `{"seq", "status", "content"}` envelope, feeds, categories and
//! headlines. Pure functions over JSON, so every hostile answer can be tried without a server;
//! nothing here panics, whatever the JSON.

use std::collections::HashMap;

use serde_json::Value;

use crate::sync::{RemoteEntry, RemoteFeed};

/// What the envelope held.
#[derive(Debug, PartialEq)]
pub enum Answer {
    /// `status: 0`: the content.
    Content(Value),
    /// `status: 1` with `NOT_LOGGED_IN`: the session is gone (log in again and retry once).
    NotLoggedIn,
    /// `status: 1` with another error code (`LOGIN_ERROR`, `API_DISABLED`, `FEED_NOT_FOUND`, …).
    Error(String),
}

/// Reads the envelope, or says what is wrong with it.
pub fn envelope(answer: Value) -> Result<Answer, String> {
    let Value::Object(mut map) = answer else {
        return Err("not a JSON object".into());
    };
    let content = map.remove("content").ok_or("no \"content\"")?;
    match map.get("status").and_then(Value::as_i64) {
        Some(0) => Ok(Answer::Content(content)),
        Some(1) => {
            let code = content
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("UNKNOWN");
            if code == "NOT_LOGGED_IN" {
                Ok(Answer::NotLoggedIn)
            } else {
                Ok(Answer::Error(code.to_owned()))
            }
        }
        _ => Err("no \"status\" 0 or 1".into()),
    }
}

/// An id given as a number or as decimal text (older PHP hands database integers over as text).
pub fn id(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The array `content` must be, or what it was instead.
pub fn array(content: &Value, what: &str) -> Result<Vec<Value>, String> {
    content
        .as_array()
        .cloned()
        .ok_or_else(|| format!("{what} is not a list"))
}

/// Category ids to titles, from getCategories: real categories only (ids above 0; "Uncategorized"
/// is 0, and -1/-2 are the special and label groups).
pub fn categories(content: &Value) -> Result<HashMap<i64, String>, String> {
    let mut titles = HashMap::new();
    for category in array(content, "the category list")? {
        let cat_id = id(category.get("id")).ok_or("a category without an id")?;
        let title = category.get("title").and_then(Value::as_str).unwrap_or("");
        if cat_id > 0 && !title.is_empty() {
            titles.insert(cat_id, title.to_owned());
        }
    }
    Ok(titles)
}

/// Feeds from getFeeds(cat_id -3), their category title as the tag. Special feeds (negative ids:
/// starred, published, labels) are skipped.
pub fn feeds(content: &Value, titles: &HashMap<i64, String>) -> Result<Vec<RemoteFeed>, String> {
    let mut feeds = Vec::new();
    for feed in array(content, "the feed list")? {
        let feed_id = id(feed.get("id")).ok_or("a feed without an id")?;
        if feed_id <= 0 || feed.get("is_cat").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let url = feed.get("feed_url").and_then(Value::as_str);
        let url = url.ok_or_else(|| format!("feed {feed_id} has no feed_url"))?;
        let tag = id(feed.get("cat_id")).and_then(|c| titles.get(&c));
        feeds.push(RemoteFeed {
            id: feed_id.to_string(),
            url: url.to_owned(),
            title: text(feed.get("title")).unwrap_or_default(),
            tags: tag.into_iter().cloned().collect(),
        });
    }
    Ok(feeds)
}

/// A headline from getHeadlines: its id, and the entry (fields a headline must have: id, unread,
/// marked; the rest may be missing or null).
pub fn entry(headline: &Value) -> Result<RemoteEntry, String> {
    let entry_id = id(headline.get("id")).ok_or("a headline without an id")?;
    let flag = |name: &str| {
        headline
            .get(name)
            .and_then(Value::as_bool)
            .ok_or_else(|| format!("headline {entry_id} has no \"{name}\""))
    };
    Ok(RemoteEntry {
        id: entry_id.to_string(),
        // Archived entries (their feed unsubscribed, kept starred) have feed 0.
        feed_id: id(headline.get("feed_id")).unwrap_or(0).to_string(),
        title: text(headline.get("title")).unwrap_or_default(),
        link: text(headline.get("link")),
        author: text(headline.get("author")),
        // 0 is what tt-rss sends when it has no date (strtotime failed).
        published: headline
            .get("updated")
            .and_then(Value::as_i64)
            .filter(|&t| t > 0),
        content_html: text(headline.get("content")).unwrap_or_default(),
        read: !flag("unread")?,
        starred: flag("marked")?,
    })
}

/// Only the ids of a page of headlines (the unread and starred lists).
pub fn ids(content: &Value) -> Result<Vec<i64>, String> {
    array(content, "the headline list")?
        .iter()
        .map(|h| id(h.get("id")).ok_or_else(|| "a headline without an id".to_owned()))
        .collect()
}

/// Non-empty text, or None (null, a number, an empty string).
fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// subscribeToFeed's `status.code` as a reason, for the codes other than 0 (already subscribed)
/// and 1 (subscribed); `message` is the server's own words when it gave some.
pub fn subscribe_failure(code: i64, message: Option<&str>) -> String {
    let reason = match code {
        2 => "the URL is not valid",
        3 => "no feed was found at the URL",
        4 => "the page names several feeds: subscribe to one of them",
        5 => "the server could not fetch the feed",
        6 => "the feed is not valid XML",
        _ => "the server refused the subscription",
    };
    match message.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => format!("{reason} (code {code}: {m})"),
        None => format!("{reason} (code {code})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;
    use serde_json::json;

    #[test]
    fn envelope_tells_content_session_and_errors_apart() {
        let ok = json!({"seq": 0, "status": 0, "content": {"level": 15}});
        assert_eq!(envelope(ok), Ok(Answer::Content(json!({"level": 15}))));
        let gone = json!({"seq": null, "status": 1, "content": {"error": "NOT_LOGGED_IN"}});
        assert_eq!(envelope(gone), Ok(Answer::NotLoggedIn));
        let bad = json!({"status": 1, "content": {"error": "LOGIN_ERROR"}});
        assert_eq!(envelope(bad), Ok(Answer::Error("LOGIN_ERROR".into())));
        let odd = json!({"status": 1, "content": []});
        assert_eq!(envelope(odd), Ok(Answer::Error("UNKNOWN".into())));
    }

    #[test]
    fn hostile_envelopes_are_errors_not_panics() {
        for hostile in [
            json!(null),
            json!([]),
            json!("status"),
            json!({"status": 0}),
            json!({"content": {}}),
            json!({"status": "0", "content": {}}),
            json!({"status": 2, "content": {}}),
            json!({"status": 0.5, "content": {}}),
        ] {
            assert!(envelope(hostile.clone()).is_err(), "{hostile}");
        }
    }

    #[test]
    fn ids_are_numbers_or_decimal_text() {
        assert_eq!(id(Some(&json!(7))), Some(7));
        assert_eq!(id(Some(&json!("12"))), Some(12));
        for bad in [json!(null), json!("x"), json!(1.5), json!([1]), json!(true)] {
            assert_eq!(id(Some(&bad)), None, "{bad}");
        }
        assert_eq!(id(None), None);
    }

    #[test]
    fn feeds_take_their_category_title_and_skip_special_ones() {
        let titles = categories(&json!([
            {"id": 3, "title": "News"},
            {"id": 0, "title": "Uncategorized"},
            {"id": -1, "title": "Special"}
        ]))
        .unwrap();
        assert_eq!(titles.len(), 1);
        let list = json!([
            {"id": 1, "feed_url": "http://a/", "title": "A", "cat_id": 3},
            {"id": "2", "feed_url": "http://b/", "title": null, "cat_id": 0},
            {"id": -1, "title": "Starred articles", "cat_id": -1},
            {"id": 4, "title": "Child", "is_cat": true}
        ]);
        let got = feeds(&list, &titles).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].tags, vec!["News".to_owned()]);
        assert_eq!((got[1].id.as_str(), got[1].title.as_str()), ("2", ""));
        assert!(got[1].tags.is_empty());
    }

    #[test]
    fn hostile_feed_lists_are_errors() {
        let none = HashMap::new();
        for hostile in [
            json!({}),
            json!([1]),
            json!([{"feed_url": "http://a/"}]),
            json!([{"id": 1, "title": "no url"}]),
            json!([{"id": 1, "feed_url": 5}]),
        ] {
            assert!(feeds(&hostile, &none).is_err(), "{hostile}");
        }
        assert!(categories(&json!([{"title": "x"}])).is_err());
        assert!(categories(&json!("x")).is_err());
    }

    #[test]
    fn a_headline_becomes_an_entry() {
        let headline = json!({
            "id": 9, "feed_id": "2", "title": "T", "link": "http://x/9", "author": "",
            "updated": 1700000000, "content": "<p>Hi</p>", "unread": false, "marked": true
        });
        let e = entry(&headline).unwrap();
        assert_eq!((e.id.as_str(), e.feed_id.as_str()), ("9", "2"));
        assert_eq!(e.link.as_deref(), Some("http://x/9"));
        assert_eq!(e.author, None);
        assert_eq!(e.published, Some(1_700_000_000));
        assert_eq!(e.content_html, "<p>Hi</p>");
        assert!(e.read && e.starred);
    }

    #[test]
    fn hostile_headlines_are_errors_or_empty_fields() {
        for hostile in [
            json!({}),
            json!({"id": 1, "unread": true}),
            json!({"id": 1, "marked": true}),
            json!({"id": 1, "unread": "t", "marked": false}),
            json!({"id": [], "unread": true, "marked": false}),
            json!(null),
        ] {
            assert!(entry(&hostile).is_err(), "{hostile}");
        }
        let odd = json!({"id": 1, "unread": true, "marked": false, "title": 5,
            "link": {}, "updated": "yesterday", "content": null, "feed_id": null});
        let e = entry(&odd).unwrap();
        assert_eq!((e.title.as_str(), e.link, e.published), ("", None, None));
        assert_eq!(e.feed_id, "0");
        assert!(ids(&json!([{"id": 1}, {"x": 2}])).is_err());
        assert_eq!(ids(&json!([{"id": 1}, {"id": "2"}])), Ok(vec![1, 2]));
    }

    /// Any JSON, with the keys tt-rss's answers use, so the readers go past their first check.
    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[0-9a-zA-Z_ -]{0,6}".prop_map(Value::from),
        ];
        let keys = select(vec![
            "id",
            "status",
            "content",
            "error",
            "title",
            "feed_url",
            "cat_id",
            "feed_id",
            "unread",
            "marked",
            "updated",
            "link",
            "author",
            "is_cat",
            "session_id",
            "x",
        ]);
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|pairs| {
                    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn no_answer_makes_a_reader_panic(value in any_json()) {
            let titles = categories(&value).unwrap_or_default();
            let _ = feeds(&value, &titles);
            let _ = ids(&value);
            let _ = entry(&value);
            if let Some(Value::Array(list)) = value.get("content") {
                list.iter().for_each(|h| { let _ = entry(h); });
            }
            let content_ok = value.get("status").and_then(Value::as_i64) == Some(0)
                && value.get("content").is_some();
            let read = envelope(value);
            prop_assert_eq!(matches!(read, Ok(Answer::Content(_))), content_ok);
        }
    }

    #[test]
    fn subscribe_failures_read_plainly() {
        let five = subscribe_failure(5, Some("Requested URL failed extended validation."));
        assert!(five.starts_with("the server could not fetch the feed (code 5: Requested"));
        assert_eq!(
            subscribe_failure(3, None),
            "no feed was found at the URL (code 3)"
        );
        assert!(subscribe_failure(42, Some(" ")).ends_with("(code 42)"));
    }
}
