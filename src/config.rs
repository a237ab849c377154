//! Configuration: the embedded defaults from `assets/config.toml`, overlaid by the user's file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::Color;
use serde::Deserialize;
use toml::Spanned;

use crate::action::Action;
use crate::keymap::{action_by_name, Key, Keymap, BINDABLE};
use crate::subscriptions::Subscription;

/// The default configuration, every setting commented.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

/// Pane sizes and the reading measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Headline list width, percent of the terminal.
    pub list_width: u16,
    /// Widest line of story text, in columns.
    pub reading_width: u16,
}

/// Colours, as configured (before `NO_COLOR` is applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colors {
    /// Focused border and titles.
    pub accent: Color,
    /// Selected headline text.
    pub selected_fg: Color,
    /// Selected headline background.
    pub selected_bg: Color,
    /// Characters matched by the filter.
    pub matched: Color,
    /// Secondary text.
    pub dim: Color,
    /// The full-text mark.
    pub full_text: Color,
}

/// Fetching feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchSettings {
    /// Feeds fetched at once.
    pub concurrency: u16,
    /// Seconds to wait for a connection.
    pub connect_timeout: u16,
    /// Seconds to wait for a whole response.
    pub timeout: u16,
    /// The largest response accepted, in MiB.
    pub max_size_mib: u16,
    /// Minutes between automatic refreshes; 0 for none.
    pub auto_refresh_minutes: u16,
}

impl FetchSettings {
    /// The fetcher's options for these settings.
    pub fn options(&self) -> crate::fetch::FetchOptions {
        use std::time::Duration;
        crate::fetch::FetchOptions {
            concurrency: usize::from(self.concurrency),
            connect_timeout: Duration::from_secs(u64::from(self.connect_timeout)),
            timeout: Duration::from_secs(u64::from(self.timeout)),
            max_bytes: u64::from(self.max_size_mib) << 20,
            ..crate::fetch::FetchOptions::default()
        }
    }
}

/// Reading behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Mark a story read when it is selected.
    pub mark_read_on_open: bool,
}

/// Retention in the offline store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreSettings {
    /// Stories kept per feed; 0 for all.
    pub max_stories_per_feed: u32,
    /// Days after which read, unstarred stories go; 0 for never.
    pub max_age_days: u32,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Pane sizes.
    pub layout: Layout,
    /// Fetching.
    pub fetch: FetchSettings,
    /// Reading.
    pub reading: Reading,
    /// What the offline store keeps.
    pub store: StoreSettings,
    /// Subscriptions listed in the config file itself (`[[feeds]]`).
    pub feeds: Vec<Subscription>,
    /// Colours.
    pub colors: Colors,
    /// Key bindings.
    pub keymap: Keymap,
}

/// A configuration problem, already formatted as one line naming the file, line and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    layout: RawLayout,
    #[serde(default)]
    colors: RawColors,
    #[serde(default)]
    keys: HashMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    fetch: RawFetch,
    #[serde(default)]
    reading: RawReading,
    #[serde(default)]
    store: RawStore,
    #[serde(default)]
    feeds: Vec<Spanned<Subscription>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawReading {
    mark_read_on_open: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStore {
    max_stories_per_feed: Option<u32>,
    max_age_days: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFetch {
    concurrency: Option<Spanned<u16>>,
    connect_timeout: Option<Spanned<u16>>,
    timeout: Option<Spanned<u16>>,
    max_size_mib: Option<Spanned<u16>>,
    auto_refresh_minutes: Option<Spanned<u16>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    list_width: Option<Spanned<u16>>,
    reading_width: Option<Spanned<u16>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawColors {
    accent: Option<Spanned<String>>,
    selected_fg: Option<Spanned<String>>,
    selected_bg: Option<Spanned<String>>,
    matched: Option<Spanned<String>>,
    dim: Option<Spanned<String>>,
    full_text: Option<Spanned<String>>,
}

/// One parsed file, with what is needed to point at its lines.
struct Source<'a> {
    name: String,
    text: &'a str,
}

impl Source<'_> {
    /// A one-line error at `span`: "file:line:column: section.key: message".
    fn error(&self, span: std::ops::Range<usize>, message: &str) -> ConfigError {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        // serde speaks Rust; say what to write instead.
        let message = message
            .trim()
            .replace('\n', " ")
            .replace("expected u16", "expected a whole number")
            .replace("expected a sequence", "expected a list, like [\"k\"]");
        let key = match key_path(self.text, span.start) {
            Some(key) if !message.starts_with(&key) => format!("{key}: "),
            _ => String::new(),
        };
        ConfigError(format!("{}:{line}:{column}: {key}{message}", self.name))
    }
}

/// The dotted name ("layout.list_width") of the `key = value` line holding byte `offset`, or
/// the table's name for a `[table]` line; `None` elsewhere.
fn key_path(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?.trim();
    if line.starts_with('[') {
        return table_name(line);
    }
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || key.starts_with('#') {
        return None;
    }
    let section = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .and_then(table_name);
    Some(match section {
        Some(section) => format!("{section}.{key}"),
        None => key.to_string(),
    })
}

/// The name in a `[table]` or `[[array]]` header line, ignoring a trailing comment.
fn table_name(line: &str) -> Option<String> {
    let name = line.trim_start_matches('[');
    let name = name[..name.find(']')?].trim();
    (!name.is_empty()).then(|| name.to_string())
}

impl Config {
    /// The built-in defaults.
    pub fn defaults() -> Config {
        Config::from_str_with_defaults(None).expect("the embedded default config is valid")
    }

    /// The defaults overlaid with the config file at `path`.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let reason = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => e.to_string(),
            };
            ConfigError(format!("{}: cannot read config: {reason}", path.display()))
        })?;
        Config::from_str_with_defaults(Some((&path.display().to_string(), &text)))
    }

    /// Loads the configuration: `--config PATH` if given (it must exist), else the user's file in
    /// the XDG config directory if there is one, else the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        match explicit.map(Path::to_path_buf).or_else(user_config_path) {
            Some(path) if explicit.is_some() || path.exists() => Config::from_file(&path),
            _ => Ok(Config::defaults()),
        }
    }

    /// Parses the defaults and then `user` (a file name and its text) on top of them.
    pub fn from_str_with_defaults(user: Option<(&str, &str)>) -> Result<Config, ConfigError> {
        let defaults = Source {
            name: "built-in config".to_string(),
            text: DEFAULT_CONFIG,
        };
        let mut config = Config {
            layout: Layout {
                list_width: 40,
                reading_width: 80,
            },
            fetch: FetchSettings {
                concurrency: 6,
                connect_timeout: 10,
                timeout: 30,
                max_size_mib: 10,
                auto_refresh_minutes: 0,
            },
            feeds: Vec::new(),
            reading: Reading {
                mark_read_on_open: true,
            },
            store: StoreSettings {
                max_stories_per_feed: 0,
                max_age_days: 0,
            },
            colors: Colors {
                accent: Color::Reset,
                selected_fg: Color::Reset,
                selected_bg: Color::Reset,
                matched: Color::Reset,
                dim: Color::Reset,
                full_text: Color::Reset,
            },
            keymap: Keymap::default(),
        };
        let mut bindings: Vec<(Action, Vec<Key>)> = BINDABLE
            .iter()
            .map(|(_, a, _)| (a.clone(), Vec::new()))
            .collect();
        config.overlay(&defaults, &mut bindings)?;
        if let Some((name, text)) = user {
            config.overlay(
                &Source {
                    name: name.to_string(),
                    text,
                },
                &mut bindings,
            )?;
        }
        config.keymap = Keymap::new(bindings);
        Ok(config)
    }

    fn overlay(
        &mut self,
        source: &Source<'_>,
        bindings: &mut [(Action, Vec<Key>)],
    ) -> Result<(), ConfigError> {
        let raw: RawConfig = toml::from_str(source.text)
            .map_err(|e| source.error(e.span().unwrap_or(0..0), e.message()))?;

        let range = |value: &Option<Spanned<u16>>, min: u16, max: u16, target: &mut u16| {
            if let Some(v) = value {
                if !(min..=max).contains(v.get_ref()) {
                    return Err(source.error(
                        v.span(),
                        &format!("must be from {min} to {max}, not {}", v.get_ref()),
                    ));
                }
                *target = *v.get_ref();
            }
            Ok(())
        };
        range(&raw.layout.list_width, 10, 90, &mut self.layout.list_width)?;
        range(
            &raw.layout.reading_width,
            20,
            400,
            &mut self.layout.reading_width,
        )?;
        let f = &raw.fetch;
        range(&f.concurrency, 1, 64, &mut self.fetch.concurrency)?;
        range(&f.connect_timeout, 1, 600, &mut self.fetch.connect_timeout)?;
        range(&f.timeout, 1, 3600, &mut self.fetch.timeout)?;
        range(&f.max_size_mib, 1, 1024, &mut self.fetch.max_size_mib)?;
        range(
            &f.auto_refresh_minutes,
            0,
            10080,
            &mut self.fetch.auto_refresh_minutes,
        )?;
        if let Some(v) = raw.reading.mark_read_on_open {
            self.reading.mark_read_on_open = v;
        }
        if let Some(v) = raw.store.max_stories_per_feed {
            self.store.max_stories_per_feed = v;
        }
        if let Some(v) = raw.store.max_age_days {
            self.store.max_age_days = v;
        }
        for feed in &raw.feeds {
            let url = feed.get_ref().url.trim();
            if !(url.starts_with("http://")
                || url.starts_with("https://")
                || url.starts_with("file://"))
            {
                return Err(source.error(
                    feed.span(),
                    &format!("feeds: \"{url}\" is not an http, https or file URL"),
                ));
            }
            self.feeds.push(feed.get_ref().clone());
        }

        let c = &raw.colors;
        for (value, name, target) in [
            (&c.accent, "accent", &mut self.colors.accent),
            (&c.selected_fg, "selected_fg", &mut self.colors.selected_fg),
            (&c.selected_bg, "selected_bg", &mut self.colors.selected_bg),
            (&c.matched, "matched", &mut self.colors.matched),
            (&c.dim, "dim", &mut self.colors.dim),
            (&c.full_text, "full_text", &mut self.colors.full_text),
        ] {
            if let Some(v) = value {
                *target = Color::from_str(v.get_ref()).map_err(|_| {
                    source.error(v.span(), &format!("colors.{name}: \"{}\" is not a colour (a name like \"cyan\" or \"#rrggbb\")", v.get_ref()))
                })?;
            }
        }

        // Keys: in file order, so a conflict is reported at its second occurrence.
        let mut entries: Vec<_> = raw.keys.iter().collect();
        entries.sort_by_key(|(name, _)| name.span().start);
        let mut seen: HashMap<Key, &str> = HashMap::new();
        for (name, keys) in entries {
            let action = action_by_name(name.get_ref()).ok_or_else(|| {
                let known: Vec<&str> = BINDABLE.iter().map(|(n, _, _)| *n).collect();
                source.error(
                    name.span(),
                    &format!(
                        "keys.{}: unknown action (known: {})",
                        name.get_ref(),
                        known.join(", ")
                    ),
                )
            })?;
            let mut parsed = Vec::new();
            for key in keys.get_ref() {
                let k = Key::parse(key.get_ref()).map_err(|e| {
                    source.error(key.span(), &format!("keys.{}: {e}", name.get_ref()))
                })?;
                if let Some(other) = seen.insert(k, name.get_ref()) {
                    if other != name.get_ref() {
                        return Err(source.error(
                            key.span(),
                            &format!(
                                "key \"{}\" is bound to both {other} and {}",
                                key.get_ref(),
                                name.get_ref()
                            ),
                        ));
                    }
                }
                if !parsed.contains(&k) {
                    parsed.push(k);
                }
            }
            // This file's binding replaces the action's keys and takes its keys from other actions.
            for (a, ks) in bindings.iter_mut() {
                if *a == action {
                    *ks = parsed.clone();
                } else {
                    ks.retain(|k| !parsed.contains(k));
                }
            }
        }
        Ok(())
    }
}

/// `$XDG_CONFIG_HOME/gazette/config.toml` (or `~/.config/gazette/config.toml`).
pub fn user_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "gazette").map(|d| d.config_dir().join("config.toml"))
}
