//! From `[sync]` to a working account: the client connected with its credentials, the
//! subscriptions the store kept from the last sync (so the reader starts offline and at once),
//! and a sync run to its end for the commands that do not open the reader (`--list`, `import`).

use std::path::Path;

use super::engine::{sync_once, Synced};
use super::settings::SyncSettings;
use super::{Service, ServiceKind, SyncError};
use crate::config::Config;
use crate::runtime::sync::SyncSetup;
use crate::store::Store;
use crate::subscriptions::Subscription;

/// The client for `settings`, the password read now (a command may ask for it on the terminal:
/// this runs before the reader takes the screen).
pub fn connect(settings: &SyncSettings, config: &Config) -> Result<Box<dyn Service>, String> {
    let credentials = settings.credentials()?;
    let user_agent = config.fetch.options().user_agent;
    match settings.service {
        kind @ (ServiceKind::TtRss | ServiceKind::GoogleReader | ServiceKind::Miniflux) => {
            let _ = (credentials, user_agent);
            Err(format!("[sync] service {kind:?}: not in this build yet"))
        }
    }
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
