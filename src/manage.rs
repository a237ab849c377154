//! Managing subscriptions from the command line: `gazette add` (finding the feed a page names),
//! `gazette remove` and `gazette feeds`. What they change is feeds.toml, written atomically; the
//! hand-written config.toml is only read.

use std::path::Path;

use anyhow::{anyhow, bail};

use crate::discover::{discover, Found};
use crate::fetch::FetchOptions;
use crate::store::Store;
use crate::subscriptions::{load_feeds_file, url_key, write_feeds_file, Subscription};

/// What `gazette add` was asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddRequest {
    /// A feed's URL, or a page's that names one.
    pub url: String,
    /// The name to show instead of the feed's title.
    pub name: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Take the first of several feeds found rather than listing them.
    pub first: bool,
}

/// What `gazette add` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Subscribed to this feed.
    Added(Found),
    /// Already subscribed to this feed: nothing written.
    Already(Found),
    /// Several feeds found and none chosen: they are listed for the user to pick one.
    Several(Vec<Found>),
}

/// `gazette add`: finds the feed (see [`discover`]), checks it is not subscribed already (in
/// config.toml or feeds.toml), and adds it to feeds.toml.
pub fn add(
    request: &AddRequest,
    feeds_file: &Path,
    config_feeds: &[Subscription],
    options: &FetchOptions,
) -> anyhow::Result<Added> {
    let url = request.url.trim();
    let mut found = discover(url, options).map_err(|e| anyhow!("{url}: {e}"))?;
    if found.len() > 1 && !request.first {
        return Ok(Added::Several(found));
    }
    let feed = found.swap_remove(0);
    let mut current = load_feeds_file(feeds_file)?;
    let key = url_key(&feed.url);
    if config_feeds
        .iter()
        .chain(&current)
        .any(|s| url_key(&s.url) == key)
    {
        return Ok(Added::Already(feed));
    }
    let subscription = Subscription {
        url: feed.url.clone(),
        name: request.name.clone(),
        tags: request.tags.clone(),
        ..Subscription::default()
    }
    .sanitised();
    current.push(subscription);
    write_feeds_file(feeds_file, &current)?;
    Ok(Added::Added(feed))
}

/// `gazette remove URL|NAME`: drops the subscription with that URL (or that name, ignoring case)
/// from feeds.toml and returns it. One in config.toml is not touched: the error says to remove it
/// there. Its stories stay in the store (starred ones with them) until retention drops them.
pub fn remove(
    which: &str,
    feeds_file: &Path,
    config_feeds: &[Subscription],
) -> anyhow::Result<Subscription> {
    let matches = |s: &Subscription| {
        url_key(&s.url) == url_key(which)
            || s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(which.trim()))
    };
    let mut current = load_feeds_file(feeds_file)?;
    match current.iter().filter(|s| matches(s)).count() {
        1 => {}
        0 if config_feeds.iter().any(matches) => {
            bail!("{which}: listed in config.toml, which gazette never rewrites: remove it there")
        }
        0 => bail!("{which}: no such subscription (gazette feeds lists them)"),
        n => bail!("{which}: {n} subscriptions have this name: give the URL"),
    }
    let at = current.iter().position(matches).expect("counted one");
    let removed = current.remove(at);
    write_feeds_file(feeds_file, &current)?;
    Ok(removed)
}

/// Renames or retags the subscription with URL `url` in feeds.toml (`None` leaves that part as
/// it is; an empty name drops the name) and returns it as now saved. One in config.toml is not
/// touched: the error says to change it there.
pub fn edit(
    url: &str,
    change: (Option<String>, Option<Vec<String>>),
    feeds_file: &Path,
    config_feeds: &[Subscription],
) -> anyhow::Result<Subscription> {
    let (name, tags) = change;
    let key = url_key(url);
    let mut current = load_feeds_file(feeds_file)?;
    let Some(at) = current.iter().position(|s| url_key(&s.url) == key) else {
        if config_feeds.iter().any(|s| url_key(&s.url) == key) {
            bail!("{url}: listed in config.toml, which gazette never rewrites: change it there")
        }
        bail!("{url}: no such subscription in feeds.toml")
    };
    let feed = &mut current[at];
    if let Some(name) = name {
        feed.name = Some(name);
    }
    if let Some(tags) = tags {
        feed.tags = tags;
    }
    *feed = feed.sanitised();
    let saved = feed.clone();
    write_feeds_file(feeds_file, &current)?;
    Ok(saved)
}

/// `gazette feeds`: one line per subscription, tab-separated: name (or `-`), URL, tags (comma
/// separated, or `-`), stories stored and how many are unread, when it was last fetched well
/// (`never`), and its last fetch's error (`-` for none); the last three `-` without a store. Each
/// line is clean: fit for a terminal.
pub fn feed_lines(feeds: &[Subscription], store: Option<&Store>) -> Vec<String> {
    let counts = store.and_then(|s| s.story_counts().ok());
    feeds
        .iter()
        .map(|feed| {
            let name = feed.name.as_deref().unwrap_or("-");
            let tags = if feed.tags.is_empty() {
                "-".to_string()
            } else {
                feed.tags.join(",")
            };
            let counts = counts
                .as_ref()
                .map(|counts| {
                    let (stored, unread) = counts.get(&feed.url).copied().unwrap_or_default();
                    format!("{stored} stories, {unread} unread")
                })
                .unwrap_or_else(|| "-".into());
            let (fetched, error) = match store.map(|s| s.fetch_state(&feed.url)) {
                Some(Ok((at, error))) => (
                    at.map_or_else(|| "never".to_string(), crate::dates::long),
                    error.unwrap_or_else(|| "-".into()),
                ),
                _ => ("-".to_string(), "-".to_string()),
            };
            // Each field cleaned (tabs become spaces), so the tabs between them are the only ones.
            [name, &feed.url, &tags, &counts, &fetched, &error]
                .map(crate::sanitize::clean_line)
                .join("\t")
        })
        .collect()
}
