//! The Google Reader API's answers read into gazette's values: subscriptions, pages of item ids,
//! items with their text, the two forms of item id, and the cursor.

use serde::Deserialize;

use crate::sync::{RemoteEntry, RemoteFeed};

/// The long form's prefix; the rest is the id as 16 hex digits (`stream/items/contents`).
pub const LONG_ID_PREFIX: &str = "tag:google.com,2005:reader/item/";

/// `subscription/list?output=json`.
#[derive(Deserialize)]
pub struct SubscriptionList {
    pub subscriptions: Vec<Subscription>,
}

/// One subscription.
#[derive(Deserialize)]
pub struct Subscription {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub categories: Vec<Category>,
}

/// A folder (label) a subscription is in.
#[derive(Deserialize)]
pub struct Category {
    pub id: String,
    #[serde(default)]
    pub label: Option<String>,
}

impl Subscription {
    /// The feed as gazette has it: labels from the `user/<id>/label/NAME` ids (the label field
    /// only when the id has no label part).
    pub fn into_feed(self) -> RemoteFeed {
        let tags = self
            .categories
            .into_iter()
            .filter_map(|c| match c.id.split_once("/label/") {
                Some((_, name)) if !name.is_empty() => Some(name.to_owned()),
                _ => c.label.filter(|l| !l.is_empty()),
            })
            .collect();
        RemoteFeed {
            id: self.id,
            url: self.url,
            title: self.title,
            tags,
        }
    }
}

/// A page of `stream/items/ids`.
#[derive(Deserialize)]
pub struct IdsPage {
    // FreshRSS leaves the key out of an empty answer.
    #[serde(default, rename = "itemRefs")]
    pub item_refs: Vec<ItemRef>,
    /// A number in a string (Miniflux: an offset), an opaque string (FreshRSS), or a bare
    /// number: any JSON value, handed back as text.
    #[serde(default)]
    pub continuation: Option<serde_json::Value>,
}

/// One id in a page.
#[derive(Deserialize)]
pub struct ItemRef {
    pub id: String,
}

impl IdsPage {
    /// The continuation to send as `c`, none when the stream is done.
    pub fn next(&self) -> Option<String> {
        match &self.continuation {
            // Miniflux's offset is never 0 when more follow (0 is its "done", left out).
            Some(serde_json::Value::String(s)) if !s.is_empty() && s != "0" => Some(s.clone()),
            Some(serde_json::Value::Number(n)) if n.as_u64() != Some(0) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// `stream/items/contents`.
#[derive(Deserialize)]
pub struct Contents {
    #[serde(default)]
    pub items: Vec<Item>,
}

/// One item with its text.
#[derive(Deserialize)]
pub struct Item {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub published: Option<i64>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub alternate: Vec<Link>,
    #[serde(default)]
    pub canonical: Vec<Link>,
    #[serde(default)]
    pub summary: Option<Text>,
    #[serde(default)]
    pub content: Option<Text>,
    #[serde(default)]
    pub categories: Vec<String>,
    pub origin: Origin,
}

/// A link.
#[derive(Deserialize)]
pub struct Link {
    pub href: String,
}

/// A text field (`{"content": "..."}`).
#[derive(Deserialize)]
pub struct Text {
    #[serde(default)]
    pub content: String,
}

/// The feed an item came from.
#[derive(Deserialize)]
pub struct Origin {
    #[serde(rename = "streamId")]
    pub stream_id: String,
}

impl Item {
    /// The entry as gazette has it (decimal id; states from the item's state categories, which
    /// name the user by number on Miniflux and by `-` elsewhere).
    pub fn into_entry(self) -> Option<RemoteEntry> {
        let id = decimal_id(&self.id)?;
        let has = |state: &str| self.categories.iter().any(|c| c.ends_with(state));
        let read = has("/state/com.google/read");
        let starred = has("/state/com.google/starred");
        let link = self.alternate.into_iter().chain(self.canonical).next();
        let content = self.content.or(self.summary).map(|t| t.content);
        Some(RemoteEntry {
            id,
            feed_id: self.origin.stream_id,
            title: self.title.unwrap_or_default(),
            link: link.map(|l| l.href).filter(|h| !h.is_empty()),
            author: self.author.filter(|a| !a.is_empty()),
            published: self.published,
            content_html: content.unwrap_or_default(),
            read,
            starred,
        })
    }
}

/// An item id as decimal text: the long form's 16 hex digits read as an unsigned 64-bit number;
/// a decimal id as it is (a negative one, as Google's own short form could be, as the same 64
/// bits unsigned). None for anything else.
pub fn decimal_id(id: &str) -> Option<String> {
    if let Some(hex) = id.strip_prefix(LONG_ID_PREFIX) {
        return u64::from_str_radix(hex, 16).ok().map(|n| n.to_string());
    }
    if let Ok(n) = id.parse::<u64>() {
        return Some(n.to_string());
    }
    id.parse::<i64>().ok().map(|n| (n as u64).to_string())
}

/// The long form of a decimal id (what `edit-tag` and `stream/items/contents` are sent: every
/// server reads it, while a bare 16-digit decimal id can be taken for hex by some).
pub fn long_id(decimal: &str) -> Option<String> {
    let n: u64 = decimal_id(decimal)?.parse().ok()?;
    Some(format!("{LONG_ID_PREFIX}{n:016x}"))
}

/// Where the last sync got to: the highest item id seen (ids grow as items arrive, on Miniflux a
/// sequence, on FreshRSS the arrival time in µs) and the newest publication time seen (for `ot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub max_id: u64,
    pub time: i64,
}

impl Cursor {
    /// The cursor's text (`gr1 <max id> <time>`).
    pub fn text(&self) -> String {
        format!("gr1 {} {}", self.max_id, self.time)
    }

    /// Reads a cursor's text; None for anything this client did not write.
    pub fn parse(text: &str) -> Option<Cursor> {
        let mut parts = text.split(' ');
        if parts.next()? != "gr1" {
            return None;
        }
        let max_id = parts.next()?.parse().ok()?;
        let time = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Cursor { max_id, time })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_become_unsigned_decimal() {
        let long = "tag:google.com,2005:reader/item/00000000148b9369";
        assert_eq!(decimal_id(long).as_deref(), Some("344691561"));
        let top = "tag:google.com,2005:reader/item/ffffffffffffffff";
        assert_eq!(decimal_id(top).as_deref(), Some("18446744073709551615"));
        assert_eq!(decimal_id("-1").as_deref(), Some("18446744073709551615"));
        assert_eq!(
            decimal_id("1700000000000001").as_deref(),
            Some("1700000000000001")
        );
        assert_eq!(decimal_id("tag:google.com,2005:reader/item/xyz"), None);
        assert_eq!(decimal_id("abc"), None);
    }

    #[test]
    fn long_form_round_trips() {
        let long = long_id("344691561").unwrap();
        assert_eq!(long, "tag:google.com,2005:reader/item/00000000148b9369");
        assert_eq!(decimal_id(&long).as_deref(), Some("344691561"));
    }

    #[test]
    fn cursor_text_round_trips_and_rejects_others() {
        let c = Cursor {
            max_id: 42,
            time: 1_700_000_000,
        };
        assert_eq!(Cursor::parse(&c.text()), Some(c));
        assert_eq!(Cursor::parse("mf1 1 2"), None);
        assert_eq!(Cursor::parse("gr1 1"), None);
        assert_eq!(Cursor::parse("gr1 1 2 3"), None);
    }

    #[test]
    fn continuation_numeric_or_string_or_absent() {
        let page: IdsPage = serde_json::from_str(r#"{"itemRefs":[],"continuation":"2"}"#).unwrap();
        assert_eq!(page.next().as_deref(), Some("2"));
        let page: IdsPage = serde_json::from_str(r#"{"continuation":10000}"#).unwrap();
        assert_eq!(page.next().as_deref(), Some("10000"));
        let page: IdsPage = serde_json::from_str(r#"{"itemRefs":[],"continuation":""}"#).unwrap();
        assert_eq!(page.next(), None);
        let page: IdsPage = serde_json::from_str(r#"{"continuation":0}"#).unwrap();
        assert_eq!(page.next(), None);
    }

    #[test]
    fn labels_come_from_the_ids() {
        let s: Subscription = serde_json::from_str(
            r#"{"id":"feed/1","title":"T","url":"u","categories":[
                {"id":"user/1/label/Tech","label":"Other"},{"id":"x","label":"L"}]}"#,
        )
        .unwrap();
        assert_eq!(s.into_feed().tags, vec!["Tech", "L"]);
    }
}
