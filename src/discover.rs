//! Finding a site's feeds from a URL, as `gazette add` does: the URL itself when it answers with
//! a feed; else the feeds its page names (`<link rel="alternate">` of RSS, Atom or JSON Feed
//! types); else the common paths (/feed, /rss.xml, /atom.xml, ...). Every candidate is fetched
//! and must parse as a feed before it is offered.

use crate::fetch::{FetchOptions, FetchRequest, FetchResult, Fetched};
use crate::sanitize::clean_line;

/// A feed found for a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The feed's URL (absolute, http or https).
    pub url: String,
    /// Its own title, when it gives one.
    pub title: Option<String>,
}

/// Paths tried on the page's site when the page names no feed, in this order.
pub const COMMON_PATHS: &[&str] = &[
    "/feed",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feed.xml",
    "/rss",
];

/// The `type`s of `<link rel="alternate">` that name a feed.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
    "application/json",
];

/// At most this many candidates named by a page are fetched.
const MAX_CANDIDATES: usize = 10;

/// The feeds `url` leads to: itself if it is one, else those its page names, else the first
/// common path that answers with a feed. An error is one line saying what was found instead.
pub fn discover(url: &str, options: &FetchOptions) -> Result<Vec<Found>, String> {
    if !crate::source::is_http_url(url) {
        return Err("only http and https URLs can be added".into());
    }
    let agent = crate::fetch::agent(options);
    // The page's relative links are relative to where it finally came from.
    let page = crate::fetch::fetch_page(&agent, options, url)?;
    if let Some(found) = as_feed(&page.url, &page.bytes) {
        return Ok(vec![found]);
    }
    let found = feeds_of_page(&agent, options, &page.url, &page.bytes, MAX_CANDIDATES)?;
    Ok(found.into_iter().map(|(found, _)| found).collect())
}

/// A fetch of a URL named on the command line, as the reader and `--list` make it: when it
/// answered with a web page rather than a feed, the answer becomes that of the feed the page
/// leads to, found as [`discover`] finds it (the page read again for its address after
/// redirects, then the feeds it names, else a common path), without validators (the next request
/// is the page's again); or one line saying the page leads to none. Any other result is returned
/// as it is.
pub fn follow_page(
    agent: &ureq::Agent,
    options: &FetchOptions,
    result: FetchResult,
) -> FetchResult {
    let Ok(Fetched::Body { bytes, .. }) = &result.outcome else {
        return result;
    };
    let url = result.request.url.as_str();
    if !crate::source::is_http_url(url)
        || !looks_like_html(&String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]))
        || as_feed(url, bytes).is_some()
    {
        return result;
    }
    // The page again, as `add` reads it: its relative links are relative to where it finally
    // came from, after redirects (which the feed fetch does not say).
    let outcome = crate::fetch::fetch_page(agent, options, url).and_then(|page| {
        let found = feeds_of_page(agent, options, &page.url, &page.bytes, 1)?;
        let (found, bytes) = found.into_iter().next().ok_or("no feed")?;
        Ok((found.url, bytes))
    });
    match outcome {
        Ok((feed, bytes)) => FetchResult {
            request: FetchRequest {
                url: feed,
                ..result.request
            },
            outcome: Ok(Fetched::Body {
                bytes,
                etag: None,
                last_modified: None,
                charset: None,
            }),
        },
        Err(reason) => FetchResult {
            outcome: Err(reason),
            ..result
        },
    }
}

/// The feeds a web page at `url` leads to, each with its body: up to `wanted` of those it names
/// (`<link rel="alternate">`), else the first common path that answers with a feed.
fn feeds_of_page(
    agent: &ureq::Agent,
    options: &FetchOptions,
    url: &str,
    body: &[u8],
    wanted: usize,
) -> Result<Vec<(Found, Vec<u8>)>, String> {
    let page = String::from_utf8_lossy(body);
    if !looks_like_html(&page) {
        return Err("neither a feed nor a web page".into());
    }
    let named: Vec<String> = alternate_links(&page, url)
        .into_iter()
        .take(MAX_CANDIDATES)
        .collect();
    let found: Vec<(Found, Vec<u8>)> = named
        .iter()
        .filter_map(|candidate| check(agent, options, candidate))
        .take(wanted)
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    let tried = if named.is_empty() {
        "names no feed"
    } else {
        "names feeds that do not answer as feeds"
    };
    let site = url::Url::parse(url).map_err(|e| e.to_string())?;
    for path in COMMON_PATHS {
        let Ok(candidate) = site.join(path) else {
            continue;
        };
        if let Some(found) = check(agent, options, candidate.as_str()) {
            return Ok(vec![found]);
        }
    }
    Err(format!(
        "a web page that {tried}, and none at {}",
        COMMON_PATHS.join(", ")
    ))
}

/// Fetches `candidate` and keeps it, with its body, if it parses as a feed.
fn check(agent: &ureq::Agent, options: &FetchOptions, candidate: &str) -> Option<(Found, Vec<u8>)> {
    let body = fetch_bytes(agent, options, candidate).ok()?;
    as_feed(candidate, &body).map(|found| (found, body))
}

fn fetch_bytes(agent: &ureq::Agent, options: &FetchOptions, url: &str) -> Result<Vec<u8>, String> {
    crate::fetch::fetch_page(agent, options, url).map(|page| page.bytes)
}

/// `body` as the feed at `url`, if it is one.
fn as_feed(url: &str, body: &[u8]) -> Option<Found> {
    match crate::feed::parse_feed(body, Some(url)) {
        Ok(feed) => Some(Found {
            url: url.to_string(),
            title: feed.title.map(|t| clean_line(&t)),
        }),
        Err(_) => None,
    }
}

fn looks_like_html(page: &str) -> bool {
    let head = page.get(..page.len().min(4096)).unwrap_or(page);
    let head = head.to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html") || head.contains("<head")
}

/// The feed URLs a page names with `<link rel="alternate" type="…" href="…">`, resolved against
/// `base`, http and https only, each once, in page order.
pub fn alternate_links(page: &str, base: &str) -> Vec<String> {
    let Ok(base) = url::Url::parse(base) else {
        return Vec::new();
    };
    let lower = page.to_ascii_lowercase();
    let mut found: Vec<String> = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<link") {
        let start = at + start;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        at = end;
        let attributes = attributes(&page[start + 5..end]);
        let get = |name: &str| {
            attributes
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let alternate = get("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("alternate"))
        });
        let feed_type = get("type").is_some_and(|t| {
            let t = t.trim().to_ascii_lowercase();
            FEED_TYPES.iter().any(|f| t.starts_with(f))
        });
        let Some(href) = get("href").filter(|_| alternate && feed_type) else {
            continue;
        };
        let href = decode_entities(href.trim());
        if let Ok(resolved) = base.join(&href) {
            let resolved = resolved.to_string();
            if crate::source::is_http_url(&resolved) && !found.contains(&resolved) {
                found.push(resolved);
            }
        }
    }
    found
}

/// The attributes of a tag's inside (`rel="alternate" href='/feed' hidden`), as name and value.
fn attributes(inside: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = inside.trim_start_matches('/');
    loop {
        rest = rest.trim_start();
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if name_end == 0 {
            // A stray '/' or '=' (or the end): skip a character.
            let Some(c) = rest.chars().next() else {
                break;
            };
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let name = rest[..name_end].to_string();
        rest = rest[name_end..].trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            out.push((name, String::new()));
            continue;
        };
        let after = after.trim_start();
        let (value, remaining) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &after[1..];
                let close = inner.find(q).unwrap_or(inner.len());
                (&inner[..close], inner.get(close + 1..).unwrap_or(""))
            }
            _ => {
                let stop = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..stop], &after[stop..])
            }
        };
        out.push((name, value.to_string()));
        rest = remaining;
    }
    out
}

/// The few entities an href holds in practice.
fn decode_entities(text: &str) -> String {
    text.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_alternate_feed_links_resolved_against_the_page() {
        let page = r#"<html><head>
            <link rel="stylesheet" href="/style.css">
            <LINK REL="alternate" TYPE="application/rss+xml" TITLE="News" HREF="/news/rss.xml">
            <link type='application/atom+xml' rel='alternate home' href='atom.xml?a=1&amp;b=2'/>
            <link rel=alternate type=application/feed+json href=https://cdn.example/feed.json>
            <link rel="alternate" type="text/html" href="/other-language">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            <link rel="alternate" type="application/rss+xml" href="/news/rss.xml">
            </head></html>"#;
        assert_eq!(
            alternate_links(page, "https://site.example/blog/post"),
            [
                "https://site.example/news/rss.xml",
                "https://site.example/blog/atom.xml?a=1&b=2",
                "https://cdn.example/feed.json",
            ]
        );
    }

    #[test]
    fn attributes_survive_odd_markup() {
        assert_eq!(
            attributes(r#" rel="alternate"  href = '/a b' hidden x=1/"#),
            [
                ("rel".to_string(), "alternate".to_string()),
                ("href".to_string(), "/a b".to_string()),
                ("hidden".to_string(), String::new()),
                ("x".to_string(), "1/".to_string()),
            ]
        );
        // Unclosed quotes and stray characters end without a panic.
        assert_eq!(attributes(r#"href="/never-closed"#).len(), 1);
        assert!(attributes("= / =").is_empty());
    }
}
