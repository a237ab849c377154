//! Subscriptions: the feeds gazette follows, their files, and OPML import and export.
//!
//! # Where subscriptions live
//!
//! Two files, one format, read together:
//!
//! - the user's `config.toml` (`$XDG_CONFIG_HOME/gazette/config.toml`, or `--config PATH`) may hold
//!   `[[feeds]]` tables. That file is written by hand and gazette **never rewrites it**, so the
//!   user's comments and layout survive;
//! - `feeds.toml` beside it ([`feeds_path`]) belongs to gazette. `gazette import` adds to it, and it
//!   is always rewritten whole and atomically ([`write_feeds_file`]): a temporary file in the same
//!   directory, fsync, rename over the old one, so an interrupted write leaves either the old file
//!   or the new one, never half of one.
//!
//! Each `[[feeds]]` table has `url` (required: an `http`, `https` or `file` URL), `name` (optional)
//! and `tags` (optional list of strings). Any other key is an error, reported on one line as
//! `file:line:col: feeds.key: message` like every config error.
//!
//! ```toml
//! [[feeds]]
//! url = "https://blog.rust-lang.org/feed.xml"
//! name = "Rust Blog"
//! tags = ["tech", "rust"]
//! ```
//!
//! # OPML
//!
//! [`parse_opml`] takes every outline with an `xmlUrl` (read by [`crate::opml`], which owns the
//! format): its name is its `title` (or `text`), its tags the folders it sits in, outermost first,
//! then the tags of its `category` attribute. A feed listed twice in one file (a feed in two
//! folders) becomes one subscription with both folders as tags. Only `http` and `https` URLs are
//! taken, and `file` URLs when asked for ([`ImportOptions::allow_files`]: a file such as
//! `/dev/tty` is not a feed to take on a file's word); anything else (`javascript:`, `data:`, …)
//! is refused and reported, so nothing in an OPML file can make gazette run a command. All text
//! is cleaned with [`clean_field`] before it goes anywhere, so no control, escape sequence or
//! character XML forbids gets in. [`export_opml`] writes folders from each feed's first tag and
//! the other tags as `category`, so export then import gives back every subscription exactly as
//! [`Subscription::sanitised`] has it.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::config_error::{from_toml, located, ConfigError};
use crate::opml;
use crate::sanitize::{clean_field, error_line};

/// OPML files larger than this are refused rather than read into memory. A reader's export takes
/// 150-200 bytes an outline: 100,000 feeds are about 18 MB.
const MAX_OPML_BYTES: u64 = 64 * 1024 * 1024;

/// The most memory the tags of one OPML file's feeds may take, counted as each tag's bytes plus
/// [`TAG_OVERHEAD`]. A feed inherits every folder around it, so a small file of deep folders,
/// or of one feed in many folders, could otherwise ask for gigabytes.
const MAX_TAG_BYTES: usize = 64 << 20;

/// What a tag costs beyond its bytes (the `String` and its allocation), for [`MAX_TAG_BYTES`].
const TAG_OVERHEAD: usize = 32;

/// Why a `file:` URL is left out of an import without [`ImportOptions::allow_files`].
const LOCAL_FILE: &str = "a local file";

/// The first lines of `feeds.toml`.
const HEADER: &str = "\
# gazette's subscriptions. gazette writes this file (`gazette import` adds to it) and rewrites it
# whole each time, so comments added here are lost. You may edit or delete [[feeds]] entries while
# gazette is not running. Feeds you want to annotate belong in config.toml, beside this file, which
# gazette reads but never rewrites. Each entry: url (required), name and tags (optional).
";

/// One feed the user follows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// Where the feed is fetched from: an `http`, `https` or `file` URL.
    pub url: String,
    /// The name to show instead of the feed's own title, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tags (folders), outermost first; the first one is the feed's folder in OPML.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Reader mode for this feed's new stories (their articles fetched in the background); unset,
    /// `[reading] full_text` decides. Not carried by OPML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_text: Option<bool>,
    /// Refresh this feed every this many minutes while gazette runs (besides `r`, `R` and
    /// `[fetch] auto_refresh_minutes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_minutes: Option<u32>,
    /// Keep at most this many of its stories in the store (starred ones always kept); unset,
    /// `[store] max_stories_per_feed` decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_stories: Option<u32>,
    /// The User-Agent sent on this feed's requests, in place of gazette's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// `false`: the subscription is kept but neither fetched nor listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A subscription's own settings, as its source carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedSettings {
    /// Minutes between this feed's own refreshes; `None` for none.
    pub refresh_minutes: Option<u32>,
    /// Stories of it the store keeps; `None`: the `[store]` setting.
    pub max_stories: Option<u32>,
    /// The User-Agent for its requests; `None`: gazette's.
    pub user_agent: Option<String>,
}

impl Subscription {
    /// The settings its source carries.
    pub fn settings(&self) -> FeedSettings {
        FeedSettings {
            refresh_minutes: self.refresh_minutes.filter(|&m| m > 0),
            max_stories: self.max_stories.filter(|&m| m > 0),
            user_agent: self.user_agent.clone().filter(|a| !a.is_empty()),
        }
    }

    /// False for a subscription with `enabled = false`.
    pub fn is_enabled(&self) -> bool {
        self.enabled != Some(false)
    }

    /// The subscription as gazette keeps it, and as an OPML export then import gives it back: URL,
    /// name and tags cleaned with [`clean_field`] (no controls, escape sequences, runs of white
    /// space or characters XML forbids), an empty name or one that is just the URL dropped, empty
    /// and repeated tags dropped.
    pub fn sanitised(&self) -> Subscription {
        let url = clean_field(&self.url);
        let name = (self.name.as_deref().map(clean_field)).filter(|n| !n.is_empty() && *n != url);
        let tags = unique(self.tags.iter().map(|t| clean_field(t)));
        Subscription {
            url,
            name,
            tags,
            // A header value holds no controls (clean_field) and no non-ASCII (ureq refuses it).
            user_agent: (self.user_agent.as_deref().map(clean_field))
                .filter(|a| a.is_ascii() && !a.is_empty()),
            ..self.clone()
        }
    }
}

/// What [`parse_opml`] may take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Take `file:` URLs too (`gazette import --allow-files`). Off by default: an OPML file is
    /// someone else's list, and a local path in it (`file:///dev/tty`) is not a feed to follow on
    /// its word.
    pub allow_files: bool,
}

/// What [`parse_opml`] found: the feeds it takes, and the ones it refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpmlFeeds {
    /// Accepted feeds, in document order, duplicates folded together.
    pub feeds: Vec<Subscription>,
    /// Refused feeds: the (cleaned) URL and why.
    pub rejected: Vec<(String, String)>,
}

/// How a feeds file is read: `[[feeds]]` tables and nothing else.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
struct FeedsFile<T> {
    #[serde(default = "Vec::new")]
    feeds: Vec<T>,
}

/// A `[[feeds]]` table as read, with the URL's position for error messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    url: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    full_text: Option<bool>,
    #[serde(default)]
    refresh_minutes: Option<u32>,
    #[serde(default)]
    max_stories: Option<u32>,
    #[serde(default)]
    user_agent: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
}

/// `feeds.toml` beside the user's config file (`$XDG_CONFIG_HOME/gazette/feeds.toml`).
pub fn feeds_path(config_path: &Path) -> PathBuf {
    config_path
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join("feeds.toml")
}

/// Reads a feeds file; a missing file is an empty list; errors are one line with file:line:col
/// like config errors. Every subscription comes back [`Subscription::sanitised`].
pub fn load_feeds_file(path: &Path) -> Result<Vec<Subscription>, ConfigError> {
    let name = path.display().to_string();
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ConfigError::new(&format!("{name}: cannot read feeds: {e}"))),
    };
    let error =
        |span: std::ops::Range<usize>, message: &str| located(&name, &text, span, None, message);
    let raw: FeedsFile<RawFeed> = toml::from_str(&text).map_err(|e| from_toml(&name, &text, &e))?;
    raw.feeds
        .into_iter()
        .map(|feed| {
            let span = feed.url.span();
            let feed = Subscription {
                url: feed.url.into_inner(),
                name: feed.name,
                tags: feed.tags,
                full_text: feed.full_text,
                refresh_minutes: feed.refresh_minutes,
                max_stories: feed.max_stories,
                user_agent: feed.user_agent,
                enabled: feed.enabled,
            }
            .sanitised();
            check_url(&feed.url, true)
                .map_err(|reason| error(span, &format!("\"{}\" is {reason}", feed.url)))?;
            Ok(feed)
        })
        .collect()
}

/// Writes the feeds file atomically: a temp file in the same directory, fsync, rename over (so an
/// interrupted write never leaves a half-written file), with a header comment saying gazette writes
/// it and how to edit it. Creates the directory if needed.
pub fn write_feeds_file(path: &Path, feeds: &[Subscription]) -> anyhow::Result<()> {
    let mut text = HEADER.to_string();
    if !feeds.is_empty() {
        text.push('\n');
        text.push_str(&toml::to_string(&FeedsFile {
            feeds: feeds.to_vec(),
        })?);
    }
    write_atomically(path, &text)
}

/// Replaces the file at `path` with `text` atomically (see [`write_feeds_file`]): through a
/// symlink, keeping the file's permissions, creating its directory if needed.
pub fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    // Write through a symlink (dotfiles kept elsewhere) rather than replacing the link.
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path)
            .with_context(|| format!("{}: cannot follow the symlink", path.display()))?,
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file_name = target
        .file_name()
        .map_or_else(|| "feeds.toml".into(), |n| n.to_string_lossy().into_owned());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    if let Ok(old) = fs::metadata(&target) {
        // Keep the permissions the user gave the file; ignore failure (the default is private).
        let _ = fs::set_permissions(temp.path(), old.permissions());
    }
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", target.display()))?;
    // On failure the PersistError drops the temporary file, which deletes it.
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    // Make the rename itself durable; not every platform can open a directory, so best effort.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Parses OPML text into subscriptions: every outline with an xmlUrl; nested outlines' titles (the
/// folders containing a feed) become its tags; name from `title` or `text`; only http and https
/// URLs are accepted, and file URLs if `options` allow them; others are returned as rejected (with
/// the reason), so nothing in an OPML file can make gazette run a command. Names, tags and URLs
/// are cleaned ([`Subscription::sanitised`]). Linear in the file's size, and bounded: nesting
/// deeper than [`opml::MAX_DEPTH`] or more than 64 MiB of tags is an error.
pub fn parse_opml(text: &str, options: &ImportOptions) -> Result<OpmlFeeds, String> {
    let mut found = OpmlFeeds::default();
    // Where each URL (by its `url_key`) is in `found.feeds`, and the tags each feed has.
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut tagged: HashSet<(usize, String)> = HashSet::new();
    let mut budget = MAX_TAG_BYTES;
    opml::read(text, |outline| {
        let url = outline.url;
        if let Err(reason) = check_url(&url, options.allow_files) {
            found.rejected.push((url, reason.to_string()));
            return Ok(());
        }
        let name = outline.label.filter(|l| *l != url);
        let tags = outline.folders.iter().cloned().chain(outline.categories);
        let at = *position.entry(url_key(&url)).or_insert_with(|| {
            found.feeds.push(Subscription {
                url,
                ..Subscription::default()
            });
            found.feeds.len() - 1
        });
        let feed = &mut found.feeds[at];
        feed.name = feed.name.take().or(name);
        for tag in tags {
            if tag.is_empty() || !tagged.insert((at, tag.clone())) {
                continue;
            }
            budget = (budget.checked_sub(2 * (tag.len() + TAG_OVERHEAD))).ok_or_else(|| {
                format!(
                    "too many folders: the feeds' tags add up to over {} MiB",
                    MAX_TAG_BYTES >> 20
                )
            })?;
            feed.tags.push(tag);
        }
        Ok(())
    })?;
    Ok(found)
}

/// Adds `new` to `existing`, skipping duplicates (same URL after trimming, and ignoring a trailing
/// slash and scheme/host case), returning what was added and how many were skipped.
pub fn merge(existing: &[Subscription], new: Vec<Subscription>) -> (Vec<Subscription>, usize) {
    let mut seen: HashSet<String> = existing.iter().map(|s| url_key(&s.url)).collect();
    let offered = new.len();
    let added: Vec<Subscription> = (new.into_iter())
        .filter(|feed| seen.insert(url_key(&feed.url)))
        .collect();
    let skipped = offered - added.len();
    (added, skipped)
}

/// The whole `gazette import FILE` command, taking http and https feeds only: see [`import_with`].
pub fn import(
    opml_path: &Path,
    feeds_file: &Path,
    config_feeds: &[Subscription],
) -> anyhow::Result<String> {
    import_with(
        opml_path,
        feeds_file,
        config_feeds,
        &ImportOptions::default(),
    )
}

/// The whole `gazette import FILE` command: reads the OPML file, merges into feeds.toml (checking
/// duplicates against both `config_feeds` and feeds.toml), writes it atomically, and returns a
/// one-paragraph report for stdout ("Imported 12 feeds into /path/feeds.toml; skipped 3 already
/// subscribed; refused 1: javascript:… (not http or https)"). Errors are one line naming the
/// file.
pub fn import_with(
    opml_path: &Path,
    feeds_file: &Path,
    config_feeds: &[Subscription],
    options: &ImportOptions,
) -> anyhow::Result<String> {
    let shown = opml_path.display();
    let found = read_opml_file(opml_path, options)
        .map_err(|e| anyhow::anyhow!("{}", error_line(&format!("{shown}: {e}"))))?;
    if found.feeds.is_empty() && found.rejected.is_empty() {
        bail!("{shown}: no feeds in this OPML file (no outline has an xmlUrl)");
    }

    let mut current = load_feeds_file(feeds_file)?;
    let existing: Vec<Subscription> = config_feeds.iter().chain(&current).cloned().collect();
    let (added, skipped) = merge(&existing, found.feeds);
    let count = added.len();
    if count > 0 {
        current.extend(added);
        write_feeds_file(feeds_file, &current)?;
    }

    let plural = if count == 1 { "" } else { "s" };
    let mut report = format!(
        "Imported {count} feed{plural} into {}",
        feeds_file.display()
    );
    if skipped > 0 {
        report.push_str(&format!("; skipped {skipped} already subscribed"));
    }
    let (files, refused): (Vec<_>, Vec<_>) =
        (found.rejected.iter()).partition(|(_, reason)| reason == LOCAL_FILE);
    if !refused.is_empty() {
        let listed = listing(
            (refused.iter()).map(|(url, reason)| format!("{} ({reason})", opml::cut(url, 40))),
        );
        report.push_str(&format!("; refused {}: {listed}", refused.len()));
    }
    if !files.is_empty() {
        let listed = listing(files.iter().map(|(url, _)| opml::cut(url, 40)));
        let plural = if files.len() == 1 { "" } else { "s" };
        report.push_str(&format!(
            "; left out {} local file{plural} (--allow-files takes them): {listed}",
            files.len()
        ));
    }
    report.push('.');
    Ok(report)
}

/// The first five of `items`, then how many more: "a, b, c, d, e, and 3 more".
fn listing(items: impl ExactSizeIterator<Item = String>) -> String {
    let more = items.len().saturating_sub(5);
    let listed: Vec<String> = (items.take(5))
        .chain((more > 0).then(|| format!("and {more} more")))
        .collect();
    listed.join(", ")
}

/// Reads and parses an OPML file of at most [`MAX_OPML_BYTES`], or says why not.
pub(crate) fn read_opml_file(path: &Path, options: &ImportOptions) -> Result<OpmlFeeds, String> {
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_OPML_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_OPML_BYTES {
        return Err(format!(
            "too large for an OPML file (over {MAX_OPML_BYTES} bytes)"
        ));
    }
    // A BOM says the encoding (UTF-16 from Windows tools); old exports are often Latin-1, which
    // windows-1252 reads; XML parsing still fails cleanly on anything that is not OPML.
    let text = match (
        encoding_rs::Encoding::for_bom(&bytes),
        String::from_utf8(bytes),
    ) {
        (Some((encoding, _)), Err(e)) => encoding.decode_with_bom_removal(e.as_bytes()).0.into(),
        (_, Ok(text)) => text,
        (None, Err(e)) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(e.as_bytes())
            .0
            .into_owned(),
    };
    parse_opml(&text, options)
}

/// OPML 2.0 text for `feeds` (`gazette export`), each [`Subscription::sanitised`]: grouped into
/// folders by first tag, title and text the name (or the URL), `type="rss"`, `xmlUrl`, further
/// tags as `category` (escaped so that [`parse_opml`] gives each back as it was).
pub fn export_opml(feeds: &[Subscription]) -> String {
    let feeds: Vec<Subscription> = feeds.iter().map(Subscription::sanitised).collect();
    let entries: Vec<opml::Entry<'_>> = (feeds.iter())
        .map(|feed| opml::Entry {
            url: &feed.url,
            label: feed.name.as_deref().unwrap_or(&feed.url),
            tags: &feed.tags,
        })
        .collect();
    opml::write("gazette subscriptions", &entries)
}

/// Why `url` cannot be a feed, if it cannot; `file:` URLs only when `allow_files`.
fn check_url(url: &str, allow_files: bool) -> Result<(), &'static str> {
    let (scheme, rest) = url.split_once(':').unwrap_or(("", url));
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" => {
            let authority = rest.strip_prefix("//").unwrap_or("");
            let host = authority.split(['/', '?', '#']).next().unwrap_or("");
            if host.is_empty() {
                return Err("not a URL with a host");
            }
        }
        "file" if allow_files => {}
        "file" => return Err(LOCAL_FILE),
        _ if allow_files => return Err("not http, https or file"),
        _ => return Err("not http or https"),
    }
    if url.chars().any(char::is_whitespace) {
        return Err("not a URL: it contains spaces");
    }
    Ok(())
}

/// The form two URLs share when they name the same feed: trimmed, no trailing slash, scheme and
/// host lowercased. Import and [`merge`] take one feed per key.
pub fn url_key(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (host, path) = rest.split_at(end);
            format!(
                "{}://{}{path}",
                scheme.to_ascii_lowercase(),
                host.to_lowercase()
            )
        }
        None => url.to_string(),
    }
}

/// Non-empty strings of `items`, first occurrence kept.
fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    items
        .filter(|item| !item.is_empty() && seen.insert(item.clone()))
        .collect()
}
