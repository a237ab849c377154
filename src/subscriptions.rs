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
//! [`parse_opml`] takes every outline with an `xmlUrl`: its name is its `title` (or `text`), its
//! tags the folders it sits in, outermost first, then the tags of its `category` attribute. A feed
//! listed twice in one file (a feed in two folders) becomes one subscription with both folders as
//! tags. Only `http`, `https` and `file` URLs are taken; anything else (`javascript:`, `data:`, …)
//! is refused and reported, so nothing in an OPML file can make gazette run a command. All text is
//! cleaned with [`clean_line`] before it goes anywhere. [`export_opml`] writes folders from each
//! feed's first tag and the other tags as `category`, so export then import keeps every tag.

use std::collections::HashSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::config::ConfigError;
use crate::sanitize::clean_line;

/// OPML files larger than this are refused rather than read into memory.
const MAX_OPML_BYTES: u64 = 16 * 1024 * 1024;

/// The first lines of `feeds.toml`.
const HEADER: &str = "\
# gazette's subscriptions. gazette writes this file (`gazette import` adds to it) and rewrites it
# whole each time, so comments added here are lost. You may edit or delete [[feeds]] entries while
# gazette is not running. Feeds you want to annotate belong in config.toml, beside this file, which
# gazette reads but never rewrites. Each entry: url (required), name and tags (optional).
";

/// One feed the user follows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
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
}

/// `feeds.toml` beside the user's config file (`$XDG_CONFIG_HOME/gazette/feeds.toml`).
pub fn feeds_path(config_path: &Path) -> PathBuf {
    config_path
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join("feeds.toml")
}

/// Reads a feeds file; a missing file is an empty list; errors are one line with file:line:col
/// like config errors.
pub fn load_feeds_file(path: &Path) -> Result<Vec<Subscription>, ConfigError> {
    let name = path.display().to_string();
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ConfigError(format!("{name}: cannot read feeds: {e}"))),
    };
    let error = |span: std::ops::Range<usize>, message: &str| located(&name, &text, span, message);
    let raw: FeedsFile<RawFeed> =
        toml::from_str(&text).map_err(|e| error(e.span().unwrap_or(0..0), e.message()))?;
    raw.feeds
        .into_iter()
        .map(|feed| {
            let url = tidy(feed.url.get_ref());
            check_url(&url)
                .map_err(|reason| error(feed.url.span(), &format!("\"{url}\" is {reason}")))?;
            Ok(Subscription {
                url,
                name: feed.name.map(|n| tidy(&n)).filter(|n| !n.is_empty()),
                tags: unique(feed.tags.iter().map(|t| tidy(t))),
            })
        })
        .collect()
}

/// Writes the feeds file atomically: a temp file in the same directory, fsync, rename over (so an
/// interrupted write never leaves a half-written file), with a header comment saying gazette writes
/// it and how to edit it. Creates the directory if needed.
pub fn write_feeds_file(path: &Path, feeds: &[Subscription]) -> anyhow::Result<()> {
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

    let mut text = HEADER.to_string();
    if !feeds.is_empty() {
        text.push('\n');
        text.push_str(&toml::to_string(&FeedsFile {
            feeds: feeds.to_vec(),
        })?);
    }
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
/// folders containing a feed) become its tags; name from `title` or `text`; only http, https and
/// file URLs are accepted, others are returned as rejected (with the reason), so nothing in an
/// OPML file can make gazette run a command; names, tags and URLs pass through
/// [`clean_line`]; whitespace trimmed.
pub fn parse_opml(text: &str) -> Result<OpmlFeeds, String> {
    let document = opml::OPML::from_str(text).map_err(|e| {
        clean_line(&match e {
            opml::Error::XmlError(e) => format!("not an OPML file: {e}"),
            opml::Error::UnsupportedVersion(v) => {
                format!("unsupported OPML version \"{v}\" (expected 1.0, 1.1 or 2.0)")
            }
            e => format!("not an OPML file: {e}"),
        })
    })?;
    let mut found = OpmlFeeds::default();
    let mut folders = Vec::new();
    walk(&document.body.outlines, &mut folders, &mut found);
    Ok(found)
}

/// Collects the feeds of `outlines`, which sit inside `folders`.
fn walk(outlines: &[opml::Outline], folders: &mut Vec<String>, found: &mut OpmlFeeds) {
    for outline in outlines {
        let label = [outline.title.as_deref(), Some(outline.text.as_str())]
            .into_iter()
            .flatten()
            .map(tidy)
            .find(|l| !l.is_empty());
        let url = outline.xml_url.as_deref().map(tidy).unwrap_or_default();
        if !url.is_empty() {
            if let Err(reason) = check_url(&url) {
                found.rejected.push((url, reason.to_string()));
            } else {
                let categories = outline.category.iter().flat_map(|c| c.split(','));
                let tags = folders.iter().cloned();
                let tags =
                    unique(tags.chain(categories.map(|c| tidy(c).trim_matches('/').to_string())));
                let name = label.clone().filter(|l| *l != url);
                let key = url_key(&url);
                match found.feeds.iter_mut().find(|f| url_key(&f.url) == key) {
                    Some(seen) => {
                        seen.name = seen.name.take().or(name);
                        seen.tags = unique(seen.tags.drain(..).chain(tags));
                    }
                    None => found.feeds.push(Subscription { url, name, tags }),
                }
            }
        }
        let depth = folders.len();
        folders.extend(label);
        walk(&outline.outlines, folders, found);
        folders.truncate(depth);
    }
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

/// The whole `gazette import FILE` command: reads the OPML file, merges into feeds.toml (checking
/// duplicates against both `config_feeds` and feeds.toml), writes it atomically, and returns a
/// one-paragraph report for stdout ("Imported 12 feeds into /path/feeds.toml; skipped 3 already
/// subscribed; refused 1: javascript:… (not http, https or file)"). Errors name the file.
pub fn import(
    opml_path: &Path,
    feeds_file: &Path,
    config_feeds: &[Subscription],
) -> anyhow::Result<String> {
    let shown = opml_path.display();
    let mut bytes = Vec::new();
    fs::File::open(opml_path)
        .and_then(|f| f.take(MAX_OPML_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("{shown}: cannot read"))?;
    if bytes.len() as u64 > MAX_OPML_BYTES {
        bail!("{shown}: too large for an OPML file (over {MAX_OPML_BYTES} bytes)");
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
    let found = parse_opml(&text).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
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
    let refused = &found.rejected;
    if !refused.is_empty() {
        let listed: Vec<String> = (refused.iter().take(5))
            .map(|(url, reason)| format!("{} ({reason})", shorten(url, 40)))
            .chain((refused.len() > 5).then(|| format!("and {} more", refused.len() - 5)))
            .collect();
        report.push_str(&format!(
            "; refused {}: {}",
            refused.len(),
            listed.join(", ")
        ));
    }
    report.push('.');
    Ok(report)
}

/// OPML 2.0 text for `feeds` (`gazette export`): grouped into folders by first tag, title/text =
/// name or URL, type="rss", xmlUrl, further tags as `category`; escaped by the opml crate's
/// serializer.
pub fn export_opml(feeds: &[Subscription]) -> String {
    let mut document = opml::OPML::default();
    if let Some(head) = document.head.as_mut() {
        head.title = Some("gazette subscriptions".to_string());
    }
    let outlines = &mut document.body.outlines;
    for feed in feeds {
        let url = clean_line(&feed.url);
        let label = feed.name.as_deref().map_or_else(|| url.clone(), clean_line);
        let tags: Vec<String> = feed.tags.iter().map(|t| clean_line(t)).collect();
        let category: Vec<&str> = (tags.iter().skip(1))
            .map(String::as_str)
            .filter(|t| !t.contains(','))
            .collect();
        let outline = opml::Outline {
            text: label.clone(),
            title: Some(label),
            r#type: Some("rss".to_string()),
            xml_url: Some(url),
            category: (!category.is_empty()).then(|| category.join(",")),
            ..opml::Outline::default()
        };
        let Some(folder) = tags.first() else {
            outlines.push(outline);
            continue;
        };
        let position = outlines
            .iter()
            .position(|o| o.xml_url.is_none() && o.text == *folder);
        let index = position.unwrap_or_else(|| {
            outlines.push(opml::Outline {
                text: folder.clone(),
                title: Some(folder.clone()),
                ..opml::Outline::default()
            });
            outlines.len() - 1
        });
        outlines[index].outlines.push(outline);
    }
    let xml = document
        .to_string()
        .expect("serialising OPML into a String cannot fail");
    // One element a line, indented. Safe to split at "><": the serializer escapes `<` and `>` in
    // attribute values and text, so they only meet between tags.
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut depth = 0usize;
    for line in xml.replace("><", ">\n<").lines() {
        let closing = line.starts_with("</");
        depth -= usize::from(closing && depth > 0);
        out.extend(std::iter::repeat_n("  ", depth).chain([line, "\n"]));
        depth += usize::from(!closing && !line.ends_with("/>") && !line.contains("</"));
    }
    out
}

/// One-line error "file:line:col: feeds.key: message" for byte range `span` of `text`.
fn located(name: &str, text: &str, span: std::ops::Range<usize>, message: &str) -> ConfigError {
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let message = message.trim().replace('\n', " ");
    let key = match key_path(text, start) {
        Some(key) if !message.starts_with(&key) => format!("{key}: "),
        _ => String::new(),
    };
    ConfigError(format!("{name}:{line}:{column}: {key}{message}"))
}

/// The dotted name ("feeds.url") of the key or table header on the line holding byte `offset`.
fn key_path(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?.trim();
    let section = |l: &str| l.trim_matches(|c| c == '[' || c == ']').trim().to_string();
    if line.starts_with('[') {
        return Some(section(line));
    }
    let key = line.split_once('=')?.0.trim();
    if key.is_empty() || key.starts_with('#') {
        return None;
    }
    let header = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['));
    Some(match header {
        Some(header) => format!("{}.{key}", section(header)),
        None => key.to_string(),
    })
}

/// Why `url` cannot be a feed, if it cannot.
fn check_url(url: &str) -> Result<(), &'static str> {
    let (scheme, rest) = url.split_once(':').unwrap_or(("", url));
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" => {
            let authority = rest.strip_prefix("//").unwrap_or("");
            let host = authority.split(['/', '?', '#']).next().unwrap_or("");
            if host.is_empty() {
                return Err("not a URL with a host");
            }
        }
        "file" => {}
        _ => return Err("not http, https or file"),
    }
    if url.chars().any(char::is_whitespace) {
        return Err("not a URL: it contains spaces");
    }
    Ok(())
}

/// The form two URLs share when they name the same feed: trimmed, no trailing slash, scheme and
/// host lowercased.
fn url_key(url: &str) -> String {
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

/// Untrusted text made safe: runs of whitespace (newlines too) become one space, then
/// [`clean_line`], then trimmed.
fn tidy(text: &str) -> String {
    let spaced: Vec<&str> = text.split_whitespace().collect();
    clean_line(&spaced.join(" ")).trim().to_string()
}

/// Non-empty strings of `items`, first occurrence kept.
fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// `text` cut to `max` characters, with "…" marking the cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if text.chars().count() > max => format!("{}…", &text[..end]),
        _ => text.to_string(),
    }
}
