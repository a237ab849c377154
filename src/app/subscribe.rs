//! Managing subscriptions from the reader: `a` adds a feed (a prompt for its URL), `d` removes
//! the selected one after a y/n confirmation, `e` renames it and `t` retags it (prompts). The
//! prompt lives in the status bar; the work (discovery, feeds.toml written atomically) is an
//! effect the runtime carries out off the UI thread, and its answer comes back as an action.

use super::App;
use crate::action::{Action, Effect, Effects};
use crate::source::Edition;
use crate::subscriptions::Subscription;

/// What a prompt in the status bar is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// The URL of a feed to add.
    AddFeed,
    /// A new name for source `.0`.
    Rename(usize),
    /// New tags for source `.0`, separated by commas.
    Retag(usize),
    /// y/n: remove source `.0`.
    Remove(usize),
}

/// A prompt being answered in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// What it asks.
    pub kind: PromptKind,
    /// What has been typed.
    pub text: String,
}

impl Prompt {
    /// The question, before what is typed.
    pub fn label(&self, app: &App) -> String {
        let name = |s: usize| app.editions[s].name.clone();
        match self.kind {
            PromptKind::AddFeed => "Add feed (URL): ".into(),
            PromptKind::Rename(s) => format!("Rename {}: ", name(s)),
            PromptKind::Retag(s) => format!("Tags of {} (commas between): ", name(s)),
            PromptKind::Remove(s) => {
                format!("Remove {}? Its stories leave the list (y/n) ", name(s))
            }
        }
    }
}

impl App {
    /// Takes the keys that open a prompt, and the answers of the runtime; returns any other.
    pub(super) fn subscription_action(
        &mut self,
        action: Action,
        effects: &mut Effects,
    ) -> Option<Action> {
        match action {
            Action::AddFeed => self.open_prompt(PromptKind::AddFeed, String::new()),
            Action::RemoveFeed => {
                if let Some(s) = self.subscription_in_view() {
                    self.open_prompt(PromptKind::Remove(s), String::new());
                }
            }
            Action::RenameFeed => {
                if let Some(s) = self.subscription_in_view() {
                    let name = self.editions[s].name.clone();
                    self.open_prompt(PromptKind::Rename(s), name);
                }
            }
            Action::RetagFeed => {
                if let Some(s) = self.subscription_in_view() {
                    let tags = self.editions[s].tags.join(", ");
                    self.open_prompt(PromptKind::Retag(s), tags);
                }
            }
            Action::FeedAdded(result) => self.feed_added(result, effects),
            Action::FeedRemoved(result) => self.feed_removed(result),
            Action::FeedEdited(result) => self.feed_edited(result),
            other => return Some(other),
        }
        None
    }

    fn open_prompt(&mut self, kind: PromptKind, text: String) {
        if self.feeds_file.is_none() {
            self.message = Some("No config directory for feeds.toml (--config FILE).".into());
            return;
        }
        self.filtering = false;
        self.prompt = Some(Prompt { kind, text });
    }

    /// The subscription the keys act on: the feed selected in the pane (when focused), else the
    /// selected story's feed. Feed files named on the command line and editions are not
    /// subscriptions: the status bar says so.
    fn subscription_in_view(&mut self) -> Option<usize> {
        let source = match self.pane.rows.get(self.pane.selected) {
            Some(super::PaneRow::Feed(s, _)) if self.focus == super::Focus::Feeds => Some(*s),
            _ if self.focus == super::Focus::Feeds => None,
            _ => self.selected_story().map(|i| self.stories.source(i)),
        };
        let found = source.filter(|&s| self.editions[s].is_feed() && !self.editions[s].named_file);
        if found.is_none() {
            self.message = Some("Select a subscribed feed first (in the feeds pane, F).".into());
        }
        found
    }

    /// While a prompt is open it takes every key: typing, Enter, Esc (the keymap is in its
    /// typing mode, as for the filter). Returns true when it took the action.
    pub(super) fn prompt_takes(&mut self, action: &Action, effects: &mut Effects) -> bool {
        let Some(prompt) = self.prompt.as_mut() else {
            return false;
        };
        if !action.is_from_user() || *action == Action::Interrupt {
            return false;
        }
        if let (Action::FilterInput(c), PromptKind::Remove(source)) = (action, &prompt.kind) {
            // y removes; any other key keeps the feed.
            let source = *source;
            self.prompt = None;
            if matches!(c, 'y' | 'Y') {
                self.confirm_remove(source, effects);
            } else {
                self.message = Some("Kept.".into());
            }
            return true;
        }
        match action {
            Action::FilterInput(c) if !crate::sanitize::is_removed(*c) => prompt.text.push(*c),
            Action::Paste(text) => prompt.text.push_str(&crate::sanitize::clean_line(text)),
            Action::FilterBackspace => drop(prompt.text.pop()),
            Action::FilterDeleteWord => {
                let kept = prompt.text.trim_end().rfind(' ').map_or(0, |i| i + 1);
                prompt.text.truncate(kept);
            }
            Action::FilterClear => prompt.text.clear(),
            Action::FilterAccept => {
                let prompt = self.prompt.take().expect("open");
                self.submit(prompt, effects);
            }
            Action::Close | Action::Quit => self.prompt = None,
            _ => {}
        }
        true
    }

    fn confirm_remove(&mut self, source: usize, effects: &mut Effects) {
        let (Some(url), Some(feeds_file)) =
            (self.editions[source].url.clone(), self.feeds_file.clone())
        else {
            return;
        };
        self.message = Some(format!("Removing {}…", self.editions[source].name));
        effects.push(Effect::RemoveFeed { url, feeds_file });
    }

    fn submit(&mut self, prompt: Prompt, effects: &mut Effects) {
        let Some(feeds_file) = self.feeds_file.clone() else {
            return;
        };
        let text = crate::sanitize::clean_field(&prompt.text);
        let url = |s: usize| self.editions[s].url.clone().unwrap_or_default();
        let effect = match prompt.kind {
            PromptKind::AddFeed if text.is_empty() => return,
            PromptKind::AddFeed => {
                self.message = Some(format!("Looking for a feed at {text}…"));
                Effect::AddFeed {
                    url: text,
                    feeds_file,
                }
            }
            PromptKind::Rename(s) => Effect::EditFeed {
                url: url(s),
                name: Some(text),
                tags: None,
                feeds_file,
            },
            PromptKind::Retag(s) => Effect::EditFeed {
                url: url(s),
                name: None,
                tags: Some(
                    (text.split(','))
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect(),
                ),
                feeds_file,
            },
            PromptKind::Remove(_) => return,
        };
        effects.push(effect);
    }

    /// A feed was found and saved: it joins the sources and is fetched now.
    fn feed_added(&mut self, result: Result<Box<Subscription>, String>, effects: &mut Effects) {
        let feed = match result {
            Ok(feed) => feed,
            Err(reason) => {
                self.message = Some(reason);
                return;
            }
        };
        let host = crate::source::host_of(&feed.url).to_string();
        self.editions.push(Edition {
            name_from_feed: feed.name.is_none(),
            name: crate::sanitize::clean_line(feed.name.as_deref().unwrap_or(&host)),
            url: Some(feed.url.clone()),
            tags: feed.tags.clone(),
            full_text: feed.full_text.unwrap_or(self.config.reading.full_text),
            settings: feed.settings(),
            ..Edition::default()
        });
        let source = self.editions.len() - 1;
        self.build_pane_rows();
        self.message = Some(format!("Added {}: fetching it…", feed.url));
        let message = self.message.clone();
        effects.extend(self.refresh(Some(source)));
        self.message = message;
    }

    /// A subscription was removed from feeds.toml: its stories leave the list (the store keeps
    /// them, starred ones with them, until retention drops them).
    pub(super) fn feed_removed(&mut self, result: Result<String, String>) {
        let url = match result {
            Ok(url) => url,
            Err(reason) => {
                self.message = Some(reason);
                return;
            }
        };
        let Some(source) = (self.editions.iter()).position(|e| e.url.as_deref() == Some(&url))
        else {
            return;
        };
        for i in 0..self.stories.len() {
            if self.stories.source(i) == source {
                self.tally_story(i, false);
            }
        }
        self.editions[source].removed = true;
        if self.scope == super::Scope::Source(source) {
            self.scope = super::Scope::All;
        }
        self.build_pane_rows();
        self.rebuild_order();
        self.refilter(false);
        self.message = Some(format!("Removed {}", self.editions[source].name));
    }

    /// A subscription was renamed or retagged in feeds.toml: the source follows.
    fn feed_edited(&mut self, result: Result<Box<Subscription>, String>) {
        let feed = match result {
            Ok(feed) => feed,
            Err(reason) => {
                self.message = Some(reason);
                return;
            }
        };
        let Some(source) =
            (self.editions.iter()).position(|e| !e.removed && e.url.as_deref() == Some(&feed.url))
        else {
            return;
        };
        let edition = &mut self.editions[source];
        if let Some(name) = &feed.name {
            edition.name = crate::sanitize::clean_line(name);
            edition.name_from_feed = false;
        }
        edition.tags = feed.tags.clone();
        self.message = Some(format!("Saved {}", edition.name));
        self.build_pane_rows();
        self.refilter(false);
    }
}
