//! Enclosures in the app: the keys that play or download the selected story's enclosure, the
//! downloads under way (for the status bar), and what is said when one ends.

use super::App;
use crate::action::{Action, Effect, Effects};
use crate::enclosure::{describe, size};
use crate::fetch::{file_name, Downloaded};
use crate::source::is_http_url;

/// A download under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The enclosure's URL.
    pub url: String,
    /// The file name it is saved under.
    pub name: String,
    /// Bytes written so far.
    pub done: u64,
    /// Its whole size, when known.
    pub total: Option<u64>,
}

impl App {
    /// Takes the enclosure actions; returns any other.
    pub(super) fn enclosure_action(
        &mut self,
        action: Action,
        effects: &mut Effects,
    ) -> Option<Action> {
        match action {
            Action::PlayEnclosure => {
                if let Some(url) = self.selected_enclosure() {
                    self.play(url, effects);
                }
            }
            Action::DownloadEnclosure => {
                if let Some(url) = self.selected_enclosure() {
                    self.download(url, effects);
                }
            }
            Action::DownloadProgress { url, done, total } => {
                if let Some(d) = self.downloads.iter_mut().find(|d| d.url == url) {
                    (d.done, d.total) = (done, total);
                }
            }
            Action::DownloadFinished { url, result } => self.download_finished(&url, result),
            other => return Some(other),
        }
        None
    }

    /// The selected story's first enclosure, or None having said why.
    fn selected_enclosure(&mut self) -> Option<String> {
        let story = self.selected_story()?;
        let first = self
            .stories
            .enclosures(story)
            .first()
            .map(|e| e.url.clone());
        if first.is_none() {
            let links = self
                .config
                .keymap
                .first_key(Action::ShowLinks)
                .map(|k| format!(" ({k} lists its links)"))
                .unwrap_or_default();
            self.message = Some(format!("This story has no enclosure{links}."));
        }
        first
    }

    /// Plays `url` with the configured player.
    pub(super) fn play(&mut self, url: String, effects: &mut Effects) {
        if !is_http_url(&url) {
            self.message = Some("Only http and https enclosures are played.".into());
            return;
        }
        let Some(program) = self.config.podcasts.player.first() else {
            self.message = Some("No player is set: [podcasts] player in the config.".into());
            return;
        };
        self.message = Some(format!("Playing {} with {program}", file_name(&url)));
        effects.push(Effect::Play(url));
    }

    /// Downloads `url` into the configured folder, unless it is being downloaded already.
    pub(super) fn download(&mut self, url: String, effects: &mut Effects) {
        if !is_http_url(&url) {
            self.message = Some("Only http and https enclosures are downloaded.".into());
            return;
        }
        let name = file_name(&url);
        if self.downloads.iter().any(|d| d.url == url) {
            self.message = Some(format!("Already downloading {name}"));
            return;
        }
        let Some(dir) = self.config.podcasts.download_folder() else {
            self.message = Some("No folder for downloads: [podcasts] download_dir.".into());
            return;
        };
        // The status bar shows its progress from now on (see `download_status`).
        self.downloads.push(Download {
            url: url.clone(),
            name,
            done: 0,
            total: None,
        });
        effects.push(Effect::Download { url, dir });
    }

    fn download_finished(&mut self, url: &str, result: Result<Downloaded, String>) {
        let Some(at) = self.downloads.iter().position(|d| d.url == url) else {
            return;
        };
        let download = self.downloads.remove(at);
        self.message = Some(match result {
            Ok(Downloaded::Saved(path)) => format!("Downloaded {}", path.display()),
            Ok(Downloaded::AlreadyThere(path)) => {
                format!("Already there, not replaced: {}", path.display())
            }
            Err(reason) => format!("Download of {} failed: {reason}", download.name),
        });
    }

    /// The lines under story `story`'s title for its enclosures: what each is and where, then
    /// the keys that play and download the first.
    pub(super) fn enclosure_lines(&self, story: usize) -> Vec<String> {
        let enclosures = self.stories.enclosures(story);
        let mut lines: Vec<String> = enclosures
            .iter()
            .map(|e| format!("Enclosure: {} · {}", describe(e), e.url))
            .collect();
        let keys = &self.config.keymap;
        let hints: Vec<String> = [
            (Action::PlayEnclosure, "plays"),
            (Action::DownloadEnclosure, "downloads"),
        ]
        .into_iter()
        .filter_map(|(action, verb)| keys.first_key(action).map(|k| format!("{k} {verb}")))
        .collect();
        if !enclosures.is_empty() && !hints.is_empty() {
            let which = if enclosures.len() > 1 {
                "the first"
            } else {
                "it"
            };
            lines.push(format!("({} {which})", hints.join(", ")));
        }
        lines
    }

    /// The status bar's line for the downloads under way: "↓ ep1.mp3 42% of 24.3 MB".
    pub fn download_status(&self) -> Option<String> {
        let first = self.downloads.first()?;
        let progress = match first.total {
            Some(total) if total > 0 => format!(
                "{}% of {}",
                first.done.min(total) * 100 / total,
                size(total)
            ),
            _ => size(first.done),
        };
        let more = match self.downloads.len() - 1 {
            0 => String::new(),
            n => format!(" (+{n} more)"),
        };
        Some(format!("↓ {} {progress}{more} ", first.name))
    }
}
