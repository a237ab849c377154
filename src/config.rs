//! Configuration: the embedded defaults from `assets/config.toml`, overlaid by the user's file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::Color;
use serde::Deserialize;
use toml::Spanned;

use crate::action::Action;
pub use crate::config_error::ConfigError;
use crate::config_error::{from_toml, located};
pub use crate::config_programs::{Browser, Podcasts};
use crate::config_programs::{RawBrowser, RawPodcasts};
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
    /// The feeds pane's width, in columns (until resized with its keys, which is remembered).
    pub feeds_width: u16,
    /// The feeds pane starts shown on a terminal at least this wide (0: only when toggled on).
    pub feeds_min_width: u16,
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
    /// Of those, at most this many from one host at once.
    pub per_host: u16,
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
            per_host: usize::from(self.per_host),
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
    /// Reader mode for every subscription's new stories, unless a subscription says otherwise.
    pub full_text: bool,
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
    /// Playing and downloading enclosures.
    pub podcasts: Podcasts,
    /// How links are opened.
    pub browser: Browser,
    /// Sync with a feed server (`[sync]`), if set.
    pub sync: Option<crate::sync::settings::SyncSettings>,
    /// Subscriptions listed in the config file itself (`[[feeds]]`).
    pub feeds: Vec<Subscription>,
    /// Saved searches (`[[searches]]`), shown in the feeds pane.
    pub searches: Vec<crate::rules::SavedSearch>,
    /// Rules (`[[rules]]`): hide or mark read the stories a query matches.
    pub rules: Vec<crate::rules::Rule>,
    /// Colours.
    pub colors: Colors,
    /// Key bindings.
    pub keymap: Keymap,
}

/// `[keys]` as written: action name → key names, with their places in the file.
type RawKeys = HashMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    layout: RawLayout,
    #[serde(default)]
    colors: RawColors,
    #[serde(default)]
    keys: RawKeys,
    #[serde(default)]
    fetch: RawFetch,
    #[serde(default)]
    reading: RawReading,
    #[serde(default)]
    store: RawStore,
    #[serde(default)]
    podcasts: RawPodcasts,
    #[serde(default)]
    browser: RawBrowser,
    #[serde(default)]
    sync: Option<Spanned<crate::sync::settings::RawSync>>,
    #[serde(default)]
    feeds: Vec<Spanned<Subscription>>,
    #[serde(default)]
    searches: Vec<Spanned<crate::rules::RawSearch>>,
    #[serde(default)]
    rules: Vec<Spanned<crate::rules::RawRule>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawReading {
    mark_read_on_open: Option<bool>,
    full_text: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStore {
    max_stories_per_feed: Option<Spanned<i64>>,
    max_age_days: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFetch {
    concurrency: Option<Spanned<i64>>,
    per_host: Option<Spanned<i64>>,
    connect_timeout: Option<Spanned<i64>>,
    timeout: Option<Spanned<i64>>,
    max_size_mib: Option<Spanned<i64>>,
    auto_refresh_minutes: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    list_width: Option<Spanned<i64>>,
    reading_width: Option<Spanned<i64>>,
    feeds_width: Option<Spanned<i64>>,
    feeds_min_width: Option<Spanned<i64>>,
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
pub(crate) struct Source<'a> {
    name: String,
    text: &'a str,
}

impl Source<'_> {
    /// A one-line error at `span`: "file:line:column: section.key: message", the key found from
    /// the line the span is on.
    pub(crate) fn error(&self, span: std::ops::Range<usize>, message: &str) -> ConfigError {
        self.error_at(span, None, message)
    }

    /// Like [`Source::error`], naming `key` ("keys.quit") rather than the one found on the line.
    /// The message is cleaned like any untrusted text: it quotes the file's name and values.
    fn error_at(
        &self,
        span: std::ops::Range<usize>,
        key: Option<&str>,
        message: &str,
    ) -> ConfigError {
        located(&self.name, self.text, span, key, message)
    }
}

impl Config {
    /// The built-in defaults.
    pub fn defaults() -> Config {
        Config::from_str_with_defaults(None).expect("the embedded default config is valid")
    }

    /// The defaults overlaid with the config file at `path`.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = read_config_text(path).map_err(|reason| {
            ConfigError::new(&format!("{}: cannot read config: {reason}", path.display()))
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
                feeds_width: 28,
                feeds_min_width: 120,
            },
            fetch: FetchSettings {
                concurrency: 6,
                per_host: 4,
                connect_timeout: 10,
                timeout: 30,
                max_size_mib: 10,
                auto_refresh_minutes: 0,
            },
            feeds: Vec::new(),
            searches: Vec::new(),
            rules: Vec::new(),
            reading: Reading {
                mark_read_on_open: true,
                full_text: false,
            },
            store: StoreSettings {
                max_stories_per_feed: 0,
                max_age_days: 0,
            },
            podcasts: Podcasts::default(),
            browser: Browser::default(),
            sync: None,
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
        let raw: RawConfig =
            toml::from_str(source.text).map_err(|e| from_toml(&source.name, source.text, &e))?;
        self.overlay_settings(source, &raw)?;
        self.overlay_browser(source, &raw.browser)?;
        self.overlay_sync(source, &raw.sync)?;
        for feed in &raw.feeds {
            let url = feed.get_ref().url.trim();
            if !(url.starts_with("http://")
                || url.starts_with("https://")
                || url.starts_with("file://"))
            {
                return Err(source.error(
                    feed.span(),
                    &format!("feeds: {url:?} is not an http, https or file URL"),
                ));
            }
            self.feeds.push(feed.get_ref().sanitised());
        }
        for search in &raw.searches {
            let checked = search.get_ref().checked();
            self.searches
                .push(checked.map_err(|e| source.error(search.span(), &e))?);
        }
        for rule in &raw.rules {
            let checked = rule.get_ref().checked();
            self.rules
                .push(checked.map_err(|e| source.error(rule.span(), &e))?);
        }
        self.overlay_colors(source, &raw.colors)?;
        overlay_keys(source, &raw.keys, bindings)
    }

    /// The numbers and switches: layout, fetching, reading, the store.
    fn overlay_settings(
        &mut self,
        source: &Source<'_>,
        raw: &RawConfig,
    ) -> Result<(), ConfigError> {
        let range = |value: &Option<Spanned<i64>>, min: u16, max: u16, target: &mut u16| {
            if let Some(v) = number(source, value, i64::from(min), i64::from(max))? {
                *target = u16::try_from(v).unwrap_or(max);
            }
            Ok::<(), ConfigError>(())
        };
        range(&raw.layout.list_width, 10, 90, &mut self.layout.list_width)?;
        range(
            &raw.layout.reading_width,
            20,
            400,
            &mut self.layout.reading_width,
        )?;
        range(
            &raw.layout.feeds_width,
            12,
            80,
            &mut self.layout.feeds_width,
        )?;
        range(
            &raw.layout.feeds_min_width,
            0,
            1000,
            &mut self.layout.feeds_min_width,
        )?;
        let f = &raw.fetch;
        range(&f.concurrency, 1, 64, &mut self.fetch.concurrency)?;
        range(&f.per_host, 1, 64, &mut self.fetch.per_host)?;
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
        if let Some(v) = raw.reading.full_text {
            self.reading.full_text = v;
        }
        let store = &raw.store;
        if let Some(v) = number(source, &store.max_stories_per_feed, 0, MAX_STORIES_PER_FEED)? {
            self.store.max_stories_per_feed = u32::try_from(v).unwrap_or(u32::MAX);
        }
        if let Some(v) = number(source, &store.max_age_days, 0, MAX_AGE_DAYS)? {
            self.store.max_age_days = u32::try_from(v).unwrap_or(u32::MAX);
        }
        self.overlay_podcasts(source, &raw.podcasts)
    }

    fn overlay_colors(&mut self, source: &Source<'_>, c: &RawColors) -> Result<(), ConfigError> {
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
                    source.error(
                        v.span(),
                        &format!(
                            "colors.{name}: {:?} is not a colour (a name like \"cyan\" or \"#rrggbb\")",
                            v.get_ref()
                        ),
                    )
                })?;
            }
        }
        Ok(())
    }
}

/// A whole number from the file, checked against its range. Whole numbers are read as i64 so
/// that any of them, negative or huge, gets this message.
fn number(
    source: &Source<'_>,
    value: &Option<Spanned<i64>>,
    min: i64,
    max: i64,
) -> Result<Option<i64>, ConfigError> {
    match value {
        Some(v) if !(min..=max).contains(v.get_ref()) => Err(source.error(
            v.span(),
            &format!("must be from {min} to {max}, not {}", v.get_ref()),
        )),
        Some(v) => Ok(Some(*v.get_ref())),
        None => Ok(None),
    }
}

/// The file's `[keys]`, in file order (so a conflict is reported at its second occurrence): each
/// binding replaces its action's keys and takes its keys from other actions. A file that leaves
/// quit without a key is refused.
fn overlay_keys(
    source: &Source<'_>,
    keys: &RawKeys,
    bindings: &mut [(Action, Vec<Key>)],
) -> Result<(), ConfigError> {
    let mut entries: Vec<_> = keys.iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let mut seen: HashMap<Key, &str> = HashMap::new();
    // Where this file last changed quit's keys, for the error if it leaves none.
    let mut quit_changed: Option<(std::ops::Range<usize>, String, String)> = None;
    for (name, keys) in entries {
        let (action, key_name, parsed) = parse_binding(source, name, keys, &mut seen)?;
        if action == Action::Quit {
            quit_changed = Some((keys.span(), key_name.clone(), String::new()));
        } else if let Some(taken) = keys.get_ref().iter().find(|k| {
            Key::parse(k.get_ref()).is_ok_and(|k| {
                bindings
                    .iter()
                    .any(|(a, ks)| *a == Action::Quit && ks.contains(&k))
            })
        }) {
            quit_changed = Some((taken.span(), key_name.clone(), taken.get_ref().clone()));
        }
        for (a, ks) in bindings.iter_mut() {
            if *a == action {
                *ks = parsed.clone();
            } else {
                ks.retain(|k| !parsed.contains(k));
            }
        }
    }
    // Ctrl-C always quits, but a reader whose bindings cannot quit is a mistake worth saying.
    let no_quit = bindings
        .iter()
        .any(|(a, ks)| *a == Action::Quit && ks.is_empty());
    if !no_quit {
        return Ok(());
    }
    let (span, key, taken) = quit_changed.unwrap_or((0..0, "keys.quit".to_string(), String::new()));
    let message = if taken.is_empty() {
        "no key is bound to quit; bind at least one, like quit = [\"q\"]".to_string()
    } else {
        format!(
            "this takes {taken:?}, the last key bound to quit, leaving none; \
             bind quit to another key, like quit = [\"ctrl-q\"]"
        )
    };
    Err(source.error_at(span, Some(&key), &message))
}

/// One `[keys]` entry: its action, its name as errors quote it (`keys.quit`), and its keys, each
/// once; a key another action of this file already has is an error.
fn parse_binding<'a>(
    source: &Source<'_>,
    name: &'a Spanned<String>,
    keys: &Spanned<Vec<Spanned<String>>>,
    seen: &mut HashMap<Key, &'a str>,
) -> Result<(Action, String, Vec<Key>), ConfigError> {
    let bare = name
        .get_ref()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key_name = if bare && !name.get_ref().is_empty() {
        format!("keys.{}", name.get_ref())
    } else {
        format!("keys.{:?}", name.get_ref())
    };
    let action = action_by_name(name.get_ref()).ok_or_else(|| {
        let known: Vec<&str> = BINDABLE.iter().map(|(n, _, _)| *n).collect();
        source.error_at(
            name.span(),
            Some(&key_name),
            &format!("unknown action (known: {})", known.join(", ")),
        )
    })?;
    let mut parsed = Vec::new();
    for key in keys.get_ref() {
        let k = Key::parse(key.get_ref())
            .map_err(|e| source.error_at(key.span(), Some(&key_name), &e))?;
        if let Some(other) = seen.insert(k, name.get_ref()) {
            if other != name.get_ref() {
                return Err(source.error_at(
                    key.span(),
                    Some(&key_name),
                    &format!(
                        "key {:?} is bound to both {other} and {}",
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
    Ok((action, key_name, parsed))
}

/// A config file larger than this is refused: no hand-written config comes near it.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Reads a config file's text, or says why not. Only a regular file is read (a FIFO would block,
/// `/dev/zero` never ends), and at most [`MAX_CONFIG_BYTES`] of it.
fn read_config_text(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let reason = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(reason)?;
    if meta.is_dir() {
        return Err("a directory, not a file".to_string());
    }
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(reason)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!("larger than {} KiB", MAX_CONFIG_BYTES >> 10));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("not UTF-8 text (line {line}); save it as UTF-8")
    })
}

/// The most stories per feed the store can be asked to keep (`[store] max_stories_per_feed`).
const MAX_STORIES_PER_FEED: i64 = 1_000_000;
/// The oldest a read story can be asked to get before it goes (`[store] max_age_days`): a century.
const MAX_AGE_DAYS: i64 = 36_500;

/// `$XDG_CONFIG_HOME/gazette/config.toml` (or `~/.config/gazette/config.toml`).
pub fn user_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "gazette").map(|d| d.config_dir().join("config.toml"))
}
