//! The subscription changes asked for in the reader, carried out on threads of their own (a
//! discovery fetches pages, a write syncs a file): adding (found as `gazette add --yes` finds
//! it), removing, renaming and retagging, each in feeds.toml through [`crate::manage`]; every
//! answer goes back to the loop as an action.

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread;

use super::Message;
use crate::action::Action;
use crate::config::Config;
use crate::manage::{self, AddRequest, Added};
use crate::subscriptions::Subscription;

/// What to change in feeds.toml.
pub enum Change {
    /// Subscribe to the feed this URL leads to.
    Add(String),
    /// Unsubscribe from this feed.
    Remove(String),
    /// Rename or retag this feed.
    Edit(String, Option<String>, Option<Vec<String>>),
}

/// Makes `change` to `feeds_file` on a thread of its own; the answer goes to `tx`.
pub fn spawn(change: Change, feeds_file: PathBuf, config: &Config, tx: Sender<Message>) {
    let config_feeds = config.feeds.clone();
    let options = config.fetch.options();
    let _ = thread::Builder::new()
        .name("gazette-subscribe".into())
        .spawn(move || {
            let answer = match change {
                Change::Add(url) => {
                    let request = AddRequest {
                        url,
                        first: true,
                        ..AddRequest::default()
                    };
                    let added = manage::add(&request, &feeds_file, &config_feeds, &options);
                    Action::FeedAdded(added_feed(added))
                }
                Change::Remove(url) => Action::FeedRemoved(
                    manage::remove(&url, &feeds_file, &config_feeds)
                        .map(|removed| removed.url)
                        .map_err(|e| format!("{e:#}")),
                ),
                Change::Edit(url, name, tags) => Action::FeedEdited(
                    manage::edit(&url, (name, tags), &feeds_file, &config_feeds)
                        .map(Box::new)
                        .map_err(|e| format!("{e:#}")),
                ),
            };
            let _ = tx.send(Message::App(answer));
        });
}

/// What `gazette add` did, as the reader takes it: the subscription saved, or one line why not.
fn added_feed(added: anyhow::Result<Added>) -> Result<Box<Subscription>, String> {
    match added {
        Ok(Added::Added(found)) => Ok(Box::new(Subscription {
            url: found.url,
            ..Subscription::default()
        })),
        Ok(Added::Already(found)) => Err(format!("Already subscribed: {}", found.url)),
        Ok(Added::Several(found)) => {
            Err(format!("{} feeds found: add one by its URL", found.len()))
        }
        Err(e) => Err(format!("{e:#}")),
    }
}
