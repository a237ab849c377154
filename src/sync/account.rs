//! From `[sync]` to a working account: the client connected with its credentials, the
//! subscriptions the store kept from the last sync (so the reader starts offline and at once),
//! and a sync run to its end for the commands that do not open the reader (`--list`, `import`).

use std::path::Path;

use super::engine::{sync_once, Synced};
use super::settings::SyncSettings;
use super::{RemoteFeed, Service, ServiceKind, SyncError};
use crate::config::Config;
use crate::runtime::sync::SyncSetup;
use crate::store::Store;
use crate::subscriptions::Subscription;

/// The client for `settings`, the password read now (a command may ask for it on the terminal:
/// this runs before the reader takes the screen).
pub fn connect(settings: &SyncSettings, config: &Config) -> Result<Box<dyn Service>, String> {
    let credentials = settings.credentials()?;
    let user_agent = config.fetch.options().user_agent;
    Ok(match settings.service {
        ServiceKind::TtRss => Box::new(super::ttrss::TtRss::new(credentials, &user_agent)),
        ServiceKind::GoogleReader => {
            Box::new(super::greader::GoogleReader::new(credentials, &user_agent))
        }
        ServiceKind::Miniflux => Box::new(super::miniflux::Miniflux::new(credentials, &user_agent)),
    })
}

/// The subscriptions as the last sync with this account found them (none if the store's synced
/// data belongs to another account, or there was no sync yet).
pub fn stored_subscriptions(
    store: &Store,
    settings: &SyncSettings,
) -> anyhow::Result<Vec<Subscription>> {
    if store.sync_account()?.as_deref() != Some(settings.account().as_str()) {
        return Ok(Vec::new());
    }
    Ok(store
        .sync_feeds()?
        .iter()
        .map(super::RemoteFeed::subscription)
        .collect())
}

/// What the reader's sync thread needs.
pub fn setup(
    settings: &SyncSettings,
    config: &Config,
    data_dir: &Path,
) -> Result<SyncSetup, String> {
    Ok(SyncSetup {
        service: connect(settings, config)?,
        account: settings.account(),
        data_dir: data_dir.to_path_buf(),
        retention: crate::runtime::retention(config),
    })
}

/// One sync, to its end, for the commands that do not open the reader.
pub fn sync_now(
    settings: &SyncSettings,
    config: &Config,
    store: &mut Store,
) -> Result<Synced, String> {
    let mut service = connect(settings, config)?;
    store
        .set_sync_account(&settings.account())
        .map_err(|e| format!("{e:#}"))?;
    let retention = crate::runtime::retention(config);
    sync_once(service.as_mut(), store, crate::runtime::now(), retention)
        .map_err(|e| format!("sync with {}: {}", settings.server(), e.message()))
}

/// Subscribes the server to each of `feeds` (an OPML import with sync on); returns how many were
/// added and the failures, one line each.
pub fn subscribe_all(
    settings: &SyncSettings,
    config: &Config,
    feeds: &[Subscription],
) -> Result<(usize, Vec<String>), String> {
    let mut service = connect(settings, config)?;
    service.login().map_err(|e| e.message().to_string())?;
    let mut added = 0;
    let mut failed = Vec::new();
    for feed in feeds {
        match service.subscribe(&feed.url, feed.tags.first().map(String::as_str)) {
            Ok(_) => added += 1,
            Err(SyncError::Auth(m)) => return Err(m),
            Err(e) => failed.push(format!("{}: {}", feed.url, e.message())),
        }
    }
    Ok((added, failed))
}

/// `gazette import FILE` with sync on: the OPML file's http(s) feeds are subscribed on the server
/// (a server cannot read this machine's files). Returns the report for stdout.
pub fn import_opml(
    settings: &SyncSettings,
    config: &Config,
    file: &Path,
) -> Result<String, String> {
    let options = crate::subscriptions::ImportOptions::default();
    let found = crate::subscriptions::read_opml_file(file, &options)
        .map_err(|e| crate::sanitize::error_line(&format!("{}: {e}", file.display())))?;
    if found.feeds.is_empty() {
        return Err(format!(
            "{}: no http(s) feeds in this OPML file",
            file.display()
        ));
    }
    let (added, failed) = subscribe_all(settings, config, &found.feeds)?;
    let plural = if added == 1 { "" } else { "s" };
    let mut report = format!("Subscribed {} to {added} feed{plural}", settings.server());
    if !failed.is_empty() {
        report.push_str(&format!("; {} failed: {}", failed.len(), failed.join("; ")));
    }
    if !found.rejected.is_empty() {
        report.push_str(&format!(
            "; left out {} (not http or https)",
            found.rejected.len()
        ));
    }
    Ok(crate::sanitize::clean_line(&report) + ".")
}

/// `gazette add URL` with sync on: the server subscribes (and finds the feed a page names, as
/// each service does).
pub fn add_feed(
    settings: &SyncSettings,
    config: &Config,
    url: &str,
    tag: Option<&str>,
) -> Result<RemoteFeed, String> {
    let mut service = connect(settings, config)?;
    service
        .subscribe(url, tag)
        .map_err(|e| e.message().to_string())
}

/// `gazette remove FEED` with sync on: the server's feed with this URL or title unsubscribed.
pub fn remove_feed(
    settings: &SyncSettings,
    config: &Config,
    feed: &str,
) -> Result<RemoteFeed, String> {
    let mut service = connect(settings, config)?;
    let feeds = service.feeds().map_err(|e| e.message().to_string())?;
    let found = (feeds.iter())
        .find(|f| f.url == feed)
        .or_else(|| feeds.iter().find(|f| f.title == feed))
        .ok_or_else(|| {
            format!(
                "{}: no subscription with the URL or name {feed}",
                settings.server()
            )
        })?
        .clone();
    service
        .unsubscribe(&found)
        .map_err(|e| e.message().to_string())?;
    Ok(found)
}
