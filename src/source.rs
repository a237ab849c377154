//! Loading editions: reading files and directories, decoding their text, the bundled edition.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use crate::feed::{parse_feed, sniff, Format};
use crate::fetch::open_feed_file;
use crate::ingest::FeedStream;
use crate::news::{parse_document, Story};
use crate::sanitize::clean_line;

/// The bundled edition's file name under `seeds/`.
pub const BUNDLED_NAME: &str = "000_ee9c147485efd3c5.txt";
/// The bundled edition, embedded so `gazette` works from any directory.
pub const BUNDLED_TEXT: &str = include_str!("../seeds/000_ee9c147485efd3c5.txt");
/// Files larger than this are refused rather than read into memory.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// A source of stories: a news document or a feed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Edition {
    /// Short name shown beside headlines: the feed's name or title, or the file name.
    pub name: String,
    /// Where a feed is fetched from (http, https or file URL); `None` for a plain-text edition.
    pub url: Option<String>,
    /// Why the last fetch failed, if it did.
    pub error: Option<String>,
    /// The last response's ETag, for a conditional request next time.
    pub etag: Option<String>,
    /// The last response's Last-Modified, for a conditional request next time.
    pub last_modified: Option<String>,
    /// True while a fetch is under way.
    pub fetching: bool,
    /// True when `name` is a stand-in (the URL's host) for the feed's own title to replace.
    pub name_from_feed: bool,
    /// Tags from the subscription, for the `tag:` filter.
    pub tags: Vec<String>,
    /// Reader mode for this source's new stories: their articles are fetched in the background.
    pub full_text: bool,
    /// True for a feed file named on the command line (read at any size), false for a `file:`
    /// subscription (read within the HTTP limits) and every other source.
    pub named_file: bool,
    /// True for an http(s) URL named on the command line: when it answers with a web page, the
    /// feed the page leads to is read in its place (see [`crate::discover::follow_page`]).
    pub follow_page: bool,
    /// True once the feed was unsubscribed from the reader: its stories leave the list (they
    /// stay in the store).
    pub removed: bool,
    /// The subscription's own settings: User-Agent, retention, refresh period.
    pub settings: crate::subscriptions::FeedSettings,
}

impl Edition {
    /// The name of this source in the store: the feed's URL, or `edition:NAME`.
    pub fn source_key(&self) -> String {
        match &self.url {
            Some(url) => url.clone(),
            None => format!("edition:{}", self.name),
        }
    }

    /// The name that tells this source from others in a list of problems: a feed still named
    /// after its host goes by its URL, since one site's feeds share a host.
    pub fn full_name(&self) -> &str {
        match (&self.url, self.name_from_feed) {
            (Some(url), true) => url,
            _ => &self.name,
        }
    }

    /// True for a feed (something that can be refreshed).
    pub fn is_feed(&self) -> bool {
        self.url.is_some()
    }
}

/// Everything loaded from the command line: editions, their stories in order, and notes for the
/// status bar (legacy encodings, skipped files).
#[derive(Debug, Default)]
pub struct Library {
    /// The editions, in the order given.
    pub editions: Vec<Edition>,
    /// All stories, edition by edition, each in file order.
    pub stories: Vec<Story>,
    /// Warnings to show the user once the screen is up.
    pub notes: Vec<String>,
    /// Feed files, by edition index: only their first entries are read here (enough to know the
    /// file is a feed, and for the first screen); the rest is read in the background.
    pub feed_files: Vec<(usize, PathBuf)>,
}

impl Library {
    /// The bundled edition alone.
    pub fn bundled() -> Library {
        let mut library = Library::default();
        library.add(BUNDLED_NAME.to_string(), BUNDLED_TEXT);
        library
    }

    /// Loads every argument: an http(s) URL is a feed to fetch; a file is an edition or a feed,
    /// recognised by its content; a directory contributes each regular, non-hidden file in it, by
    /// name. A named file that cannot be read or parsed is an error; a bad file inside a directory
    /// is skipped with a note.
    pub fn load(args: &[PathBuf]) -> Result<Library> {
        let mut library = Library::default();
        for arg in args {
            let text = arg.to_str().unwrap_or_default();
            if is_http_url(text) {
                let source = library.add_subscription(text, None);
                library.editions[source].follow_page = true;
                continue;
            }
            if text == "-" {
                let bytes = read_stdin()?;
                library.load_bytes("standard input", Path::new("standard input"), bytes)?;
                continue;
            }
            let path = text
                .strip_prefix("file://")
                .map_or_else(|| arg.clone(), PathBuf::from);
            if path.is_dir() {
                library.load_dir(&path)?;
            } else {
                library.load_file(&path)?;
            }
        }
        Ok(library)
    }

    fn load_dir(&mut self, dir: &Path) -> Result<()> {
        let entries =
            fs::read_dir(dir).with_context(|| format!("{}: cannot read directory", shown(dir)))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| !display_name(p).starts_with('.') && !p.is_dir())
            .collect();
        files.sort();
        let before = self.editions.len();
        for file in files {
            // Only regular files are read (see `load_file`): a FIFO or a device is skipped.
            if let Err(e) = self.load_file(&file) {
                self.notes.push(format!("skipped {e:#}"));
            }
        }
        if self.editions.len() == before {
            bail!(
                "{}: no readable news documents in this directory",
                shown(dir)
            );
        }
        Ok(())
    }

    /// Loads one file as a feed or a news document, by its content. Of a feed, only the first
    /// batch of entries is read (see [`Library::feed_files`]).
    fn load_file(&mut self, path: &Path) -> Result<()> {
        // A FIFO would block, a device never ends: only regular files (or links to them) are
        // read, and the first read, of the head, goes through the gate that refuses the rest
        // ("not a regular file (a FIFO)") before opening them.
        if sniff(&read_head(path)?) == Format::Feed {
            return self.open_feed_file(path);
        }
        let bytes = read_bytes(path)?;
        self.load_bytes(&display_name(path), path, bytes)
    }

    fn open_feed_file(&mut self, path: &Path) -> Result<()> {
        let url = file_url(path);
        let problem = |e: String| anyhow!("{}: {e}", shown(path));
        let mut stream = FeedStream::open(path, url.as_deref()).map_err(problem)?;
        let first = stream.next_batch().map_err(problem)?.unwrap_or_default();
        let title = stream.title().map(str::to_string);
        self.editions.push(Edition {
            name: clean_line(&title.clone().unwrap_or_else(|| display_name(path))),
            url,
            // Named here by the user, so read in the background at any size, unlike a `file:`
            // subscription, which gets the HTTP size cap (see `ingest::FileLimits`).
            named_file: true,
            ..Edition::default()
        });
        let index = self.editions.len() - 1;
        self.add_stories(index, first);
        self.feed_files.push((index, path.to_path_buf()));
        Ok(())
    }

    /// Loads a feed or a news document (by content) from `bytes`, read from `path` (named `name`).
    pub fn load_bytes(&mut self, name: &str, path: &Path, bytes: Vec<u8>) -> Result<()> {
        if sniff(&bytes) == Format::Feed {
            let url = file_url(path);
            let feed =
                parse_feed(&bytes, url.as_deref()).map_err(|e| anyhow!("{}: {e}", shown(path)))?;
            if feed.stories.is_empty() {
                self.notes
                    .push(format!("{name}: {}", crate::listing::NO_ENTRIES));
            }
            self.notes
                .extend(feed.problem.map(|p| format!("{name}: {p}")));
            let title = feed.title.unwrap_or_else(|| name.to_string());
            self.editions.push(Edition {
                name: clean_line(&title),
                url,
                ..Edition::default()
            });
            self.add_stories(self.editions.len() - 1, feed.stories);
            return Ok(());
        }
        let (text, note) =
            decode(&bytes).map_err(|problem| anyhow!("{}: {problem}", shown(path)))?;
        self.notes.extend(note.map(|n| format!("{name}: {n}")));
        if self.add(name.to_string(), &text) == 0 {
            self.editions.pop();
            bail!("{}: no headlines or text in this document", shown(path));
        }
        Ok(())
    }

    /// Adds a feed to be fetched from `url`, named `name` or else after the URL's host. Returns
    /// its index.
    pub fn add_subscription(&mut self, url: &str, name: Option<&str>) -> usize {
        let name_from_feed = name.is_none();
        let name = name
            .map(str::to_string)
            .unwrap_or_else(|| host_of(url).to_string());
        self.editions.push(Edition {
            name_from_feed,
            name: clean_line(&name),
            url: Some(clean_line(url)),
            ..Edition::default()
        });
        self.editions.len() - 1
    }

    /// Appends stories to source `index`.
    pub fn add_stories(&mut self, index: usize, stories: Vec<Story>) {
        self.stories.extend(stories.into_iter().map(|s| Story {
            edition: index,
            ..s
        }));
    }

    /// Adds one edition parsed from `text`; returns how many stories it had.
    pub fn add(&mut self, name: String, text: &str) -> usize {
        let name = clean_line(&name);
        let index = self.editions.len();
        let before = self.stories.len();
        self.stories.extend(parse_document(text, index));
        self.editions.push(Edition {
            name,
            ..Edition::default()
        });
        self.stories.len() - before
    }
}

/// A path as it may be shown: file names are untrusted text too (a directory's files are named by
/// whoever made them), so they are cleaned like content before reaching a terminal or stderr.
pub fn shown(path: &Path) -> String {
    clean_line(&path.display().to_string())
}

/// The edition name for a file: its cleaned file name.
fn display_name(path: &Path) -> String {
    match path.file_name() {
        Some(name) => clean_line(&name.to_string_lossy()),
        None => shown(path),
    }
}

/// Reads standard input, refusing more than a document may hold (it may be `/dev/zero`).
pub fn read_stdin() -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), MAX_DOCUMENT_BYTES + 1),
        &mut bytes,
    )
    .context("standard input: cannot read")?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        bail!(
            "standard input: too large (more than {} MiB)",
            MAX_DOCUMENT_BYTES >> 20
        );
    }
    Ok(bytes)
}

/// The `file://` URL of a file that exists (its canonical path), the name of a feed file source.
fn file_url(path: &Path) -> Option<String> {
    fs::canonicalize(path)
        .ok()
        .map(|p| format!("file://{}", p.display()))
}

/// The first bytes of a file, enough to tell a feed from a document. Errors name the file.
fn read_head(path: &Path) -> Result<Vec<u8>> {
    let shown = shown(path);
    let mut head = Vec::new();
    // Through the gate even so: the path was checked, but may have become a FIFO since.
    let file = open_feed_file(path, None).map_err(|refusal| anyhow!("{shown}: {refusal}"))?;
    std::io::Read::read_to_end(&mut std::io::Read::take(file, 1024), &mut head)
        .map_err(|e| anyhow!("{shown}: {}", io_reason(&e)))?;
    Ok(head)
}

/// Reads a file's bytes, refusing what is too large to be a document. Errors name the file.
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let shown = shown(path);
    let meta = fs::metadata(path).map_err(|e| anyhow!("{shown}: {}", io_reason(&e)))?;
    if meta.len() > MAX_DOCUMENT_BYTES {
        bail!(
            "{shown}: too large ({} MiB; the limit is {} MiB)",
            meta.len() >> 20,
            MAX_DOCUMENT_BYTES >> 20
        );
    }
    let file = open_feed_file(path, None).map_err(|refusal| anyhow!("{shown}: {refusal}"))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_DOCUMENT_BYTES + 1),
        &mut bytes,
    )
    .map_err(|e| anyhow!("{shown}: {}", io_reason(&e)))?;
    Ok(bytes)
}

/// True for an http or https URL.
pub fn is_http_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The host part of a URL, or the URL itself when it has none.
pub fn host_of(url: &str) -> &str {
    url.split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(rest))
        .filter(|host| !host.is_empty())
        .unwrap_or(url)
}

/// Decodes a document's bytes: UTF-8 (BOM optional), UTF-16 with a BOM, or else Windows-1252, the
/// usual legacy encoding of news text. Returns the text and a note when it was not UTF-8, or the
/// problem when the bytes are not a text document at all.
pub fn decode(bytes: &[u8]) -> std::result::Result<(String, Option<String>), String> {
    let (text, note) = if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        let note = match (encoding == encoding_rs::UTF_8, had_errors) {
            (true, false) => None,
            (true, true) => Some("bytes that are not UTF-8 shown as \u{fffd}".to_string()),
            (false, _) => Some(format!("decoded as {}", encoding.name())),
        };
        (text.into_owned(), note)
    } else if bytes.contains(&0) {
        return Err("not a text document (it contains NUL bytes)".to_string());
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_string(), None),
            Err(_) => decode_invalid_utf8(bytes),
        }
    };
    if text.contains('\0') {
        return Err("not a text document (it contains NUL characters)".to_string());
    }
    if text.trim().is_empty() {
        return Err(if bytes.is_empty() {
            "empty file"
        } else {
            "blank file (no headlines or text)"
        }
        .to_string());
    }
    Ok((text, note))
}

/// Text that is not valid UTF-8: mostly UTF-8 with a few stray bytes (scraped news mixes
/// encodings) keeps its UTF-8 and marks the stray bytes; anything else is Windows-1252.
fn decode_invalid_utf8(bytes: &[u8]) -> (String, Option<String>) {
    let (mut valid_multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    if valid_multibyte > invalid {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let note = format!("{invalid} bytes that are not UTF-8 shown as \u{fffd}");
        (text, Some(note))
    } else {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (
            text.into_owned(),
            Some("not UTF-8, decoded as Windows-1252".to_string()),
        )
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
