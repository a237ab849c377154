//! The app's side of sync with a feed server: with `[sync]` on, a refresh (the start, `r`, the
//! timer) is a sync; its answer brings the server's subscriptions, new stories and changed marks
//! into the reader; a failure is said in the status bar and listed by `E` until a sync works.

use std::collections::HashMap;

use super::App;
use crate::action::{Action, Effect, Effects};
use crate::source::Edition;
use crate::sync::engine::Synced;
use crate::sync::RemoteFeed;

/// Sync, as the reader sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// The server, as people know it (its URL).
    pub server: String,
    /// A sync is under way.
    pub running: bool,
    /// Why the last sync failed, until one works.
    pub problem: Option<String>,
}

impl App {
    /// Syncs with `server`: refreshing asks it rather than each feed.
    pub fn enable_sync(&mut self, server: &str) {
        self.sync = Some(SyncState {
            server: crate::sanitize::clean_line(server),
            ..SyncState::default()
        });
    }

    /// Takes the sync's answers; returns any other action.
    pub(super) fn sync_action(&mut self, action: Action, effects: &mut Effects) -> Option<Action> {
        match action {
            Action::Synced(synced) => self.synced(*synced, effects),
            Action::SyncFailed(reason) => {
                if let Some(sync) = &mut self.sync {
                    sync.running = false;
                    let reason = crate::sanitize::clean_line(&reason);
                    self.message = Some(format!("Sync failed: {reason}"));
                    sync.problem = Some(reason);
                }
            }
            other => return Some(other),
        }
        None
    }

    /// A refresh with sync on: one sync, unless one is under way.
    pub(super) fn ask_sync(&mut self) -> Option<Effect> {
        let sync = self.sync.as_mut()?;
        if sync.running {
            self.message = Some(format!("Syncing with {} already.", sync.server));
            return None;
        }
        sync.running = true;
        self.message = Some(format!("Syncing with {}…", sync.server));
        Some(Effect::Sync)
    }

    fn synced(&mut self, synced: Synced, effects: &mut Effects) {
        let Some(sync) = &mut self.sync else {
            return;
        };
        sync.running = false;
        sync.problem = None;
        let server = sync.server.clone();
        self.follow_server_feeds(&synced.feeds);
        let mut new = 0;
        for (url, stories) in synced.stories {
            let source = self.synced_source(&url);
            let before = self.stories.len();
            new += self.merge_stories(source, stories, true);
            self.fetch_new_articles(source, before, effects);
        }
        let keys = self.all_keys();
        let places: HashMap<&str, usize> = (keys.iter().enumerate())
            .map(|(i, key)| (key.as_str(), i))
            .collect();
        let marks: Vec<(usize, bool, bool)> = (synced.marks.iter())
            .filter_map(|(key, read, starred)| Some((*places.get(key.as_str())?, *read, *starred)))
            .collect();
        for (i, read, starred) in marks {
            self.set_read_flag(i, read);
            self.set_star_flag(i, starred);
        }
        self.rebuild_order();
        self.text_results = None;
        self.refilter(false);
        if !self.user_moved {
            self.select_automatically();
        }
        let stories = if new == 1 { "story" } else { "stories" };
        let mut said = format!("Synced with {server}: {new} new {stories}");
        if synced.sent > 0 {
            let marks = if synced.sent == 1 { "mark" } else { "marks" };
            said.push_str(&format!(", {} {marks} sent", synced.sent));
        }
        self.message = Some(said);
    }

    /// The reader's feeds become the server's: new ones join, gone ones leave the list, titles
    /// and tags follow.
    fn follow_server_feeds(&mut self, feeds: &[RemoteFeed]) {
        for feed in feeds {
            let source = self.synced_source(&feed.url);
            let edition = &mut self.editions[source];
            if !feed.title.trim().is_empty() {
                edition.name = crate::sanitize::clean_line(&feed.title);
                edition.name_from_feed = false;
            }
            edition.tags = feed
                .tags
                .iter()
                .map(|t| crate::sanitize::clean_line(t))
                .collect();
        }
        let gone: Vec<String> = (self.editions.iter())
            .filter(|e| e.is_feed() && !e.removed && !e.named_file)
            .filter_map(|e| e.url.clone())
            .filter(|url| !feeds.iter().any(|f| &f.url == url))
            .collect();
        let message = self.message.take();
        for url in gone {
            self.feed_removed(Ok(url));
        }
        self.message = message;
        self.build_pane_rows();
    }

    /// The source of the feed `url`, added if the reader does not have it yet.
    fn synced_source(&mut self, url: &str) -> usize {
        let found =
            (self.editions.iter()).position(|e| !e.removed && e.url.as_deref() == Some(url));
        found.unwrap_or_else(|| {
            self.editions.push(Edition {
                name: crate::sanitize::clean_line(crate::source::host_of(url)),
                name_from_feed: true,
                url: Some(url.to_string()),
                full_text: self.config.reading.full_text,
                ..Edition::default()
            });
            self.editions.len() - 1
        })
    }
}
