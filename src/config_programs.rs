//! The settings of the programs gazette starts: the browser that opens links (`[browser]`), and
//! the player and the folder for podcast enclosures (`[podcasts]`). Parsed with the rest of the
//! config (`config.rs`), checked here.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::config::{Config, ConfigError, Source};

/// How links are opened (`[browser]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Browser {
    /// The program and its arguments, `{url}` standing for the link; empty for `$BROWSER`, else
    /// the system's opener.
    pub command: Vec<String>,
    /// Whether the browser (the command, or each of `$BROWSER`'s) is a terminal program, run in
    /// the foreground with the terminal: yes, no, or `None` for "auto" (by its name, see
    /// [`crate::links::TERMINAL_BROWSERS`]).
    pub terminal: Option<bool>,
}

/// Podcasts: what plays an enclosure and where downloads go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Podcasts {
    /// The player's argv, `{url}` standing for the enclosure's URL; empty for none.
    pub player: Vec<String>,
    /// The folder downloads go to; None for the user's Downloads folder.
    pub download_dir: Option<PathBuf>,
}

impl Podcasts {
    /// Where downloads go: the configured folder, else the user's Downloads folder (XDG), else
    /// `~/Downloads`.
    pub fn download_folder(&self) -> Option<PathBuf> {
        let home = || directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
        match &self.download_dir {
            Some(dir) => match dir.strip_prefix("~") {
                Ok(rest) => home().map(|h| h.join(rest)),
                Err(_) => Some(dir.clone()),
            },
            None => directories::UserDirs::new()
                .and_then(|u| u.download_dir().map(Path::to_path_buf))
                .or_else(|| home().map(|h| h.join("Downloads"))),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPodcasts {
    pub(crate) player: Option<Spanned<Vec<String>>>,
    pub(crate) download_dir: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBrowser {
    pub(crate) command: Option<Spanned<Vec<String>>>,
    pub(crate) terminal: Option<Spanned<RawSwitch>>,
}

/// `true`, `false` or `"auto"`.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawSwitch {
    Set(bool),
    Word(String),
}

impl Config {
    /// `[podcasts]`: a player is a program and its arguments, one of them holding `{url}`.
    pub(crate) fn overlay_podcasts(
        &mut self,
        source: &Source<'_>,
        raw: &RawPodcasts,
    ) -> Result<(), ConfigError> {
        if let Some(player) = &raw.player {
            let argv = checked_command(source, player)?;
            let placeholder = crate::enclosure::URL_PLACEHOLDER;
            if !argv.is_empty() && !argv.iter().any(|a| a.contains(placeholder)) {
                return Err(source.error(
                    player.span(),
                    &format!("no {placeholder} in the command: where does the URL go?"),
                ));
            }
            self.podcasts.player = argv;
        }
        if let Some(dir) = &raw.download_dir {
            self.podcasts.download_dir =
                Some(PathBuf::from(dir.trim())).filter(|d| !d.as_os_str().is_empty());
        }
        Ok(())
    }

    /// `[browser]`: the command (a program, then arguments; nothing is run through a shell) and
    /// whether it runs in the terminal.
    pub(crate) fn overlay_browser(
        &mut self,
        source: &Source<'_>,
        raw: &RawBrowser,
    ) -> Result<(), ConfigError> {
        if let Some(command) = &raw.command {
            self.browser.command = checked_command(source, command)?;
        }
        if let Some(terminal) = &raw.terminal {
            self.browser.terminal = match terminal.get_ref() {
                RawSwitch::Set(on) => Some(*on),
                RawSwitch::Word(word) if word == "auto" => None,
                RawSwitch::Word(word) => {
                    return Err(source.error(
                        terminal.span(),
                        &format!("{word:?} is not true, false or \"auto\""),
                    ))
                }
            };
        }
        Ok(())
    }
}

/// A command as the config gives it (a program, then its arguments; run directly, never through a
/// shell): empty, or a program name first, and no control characters anywhere.
pub(crate) fn checked_command(
    source: &Source<'_>,
    command: &Spanned<Vec<String>>,
) -> Result<Vec<String>, ConfigError> {
    let words = command.get_ref();
    if words.first().is_some_and(|w| w.trim().is_empty())
        || words.iter().any(|w| w.chars().any(char::is_control))
    {
        return Err(source.error(
            command.span(),
            "a program name first (not empty), and no control characters",
        ));
    }
    Ok(words.clone())
}
