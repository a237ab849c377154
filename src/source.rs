//! Loading editions: reading files and directories, decoding their text, the bundled edition.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

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
}

impl Edition {
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
}

impl Library {
    /// The bundled edition alone.
    pub fn bundled() -> Library {
        let mut library = Library::default();
        library.add(BUNDLED_NAME.to_string(), BUNDLED_TEXT);
        library
    }

    /// Loads every path: a file is one edition; a directory contributes each regular,
    /// non-hidden file in it, by name. A named file that cannot be read or parsed is an error; a
    /// bad file inside a directory is skipped with a note.
    pub fn load(paths: &[PathBuf]) -> Result<Library> {
        let mut library = Library::default();
        for path in paths {
            if path.is_dir() {
                library.load_dir(path)?;
            } else {
                let (text, note) = read_document(path)?;
                library.notes.extend(note);
                if library.add(display_name(path), &text) == 0 {
                    bail!("{}: no headlines or text in this document", shown(path));
                }
            }
        }
        Ok(library)
    }

    fn load_dir(&mut self, dir: &Path) -> Result<()> {
        let entries =
            fs::read_dir(dir).with_context(|| format!("{}: cannot read directory", shown(dir)))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && !display_name(p).starts_with('.'))
            .collect();
        files.sort();
        let before = self.editions.len();
        for file in files {
            match read_document(&file) {
                Ok((text, note)) => {
                    self.notes.extend(note);
                    self.add(display_name(&file), &text);
                }
                Err(e) => self.notes.push(format!("skipped {e:#}")),
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

/// Reads and decodes one document, returning its text and an optional note for the status bar.
/// Errors name the file and say what is wrong with it, on one line.
pub fn read_document(path: &Path) -> Result<(String, Option<String>)> {
    let shown = shown(path);
    let meta = fs::metadata(path).map_err(|e| anyhow::anyhow!("{shown}: {}", io_reason(&e)))?;
    if meta.len() > MAX_DOCUMENT_BYTES {
        bail!(
            "{shown}: too large ({} MiB; the limit is {} MiB)",
            meta.len() >> 20,
            MAX_DOCUMENT_BYTES >> 20
        );
    }
    let bytes = fs::read(path).map_err(|e| anyhow::anyhow!("{shown}: {}", io_reason(&e)))?;
    let (text, note) = decode(&bytes).map_err(|problem| anyhow::anyhow!("{shown}: {problem}"))?;
    Ok((text, note.map(|n| format!("{}: {n}", display_name(path)))))
}

/// Decodes a document's bytes: UTF-8 (BOM optional), UTF-16 with a BOM, or else Windows-1252, the
/// usual legacy encoding of news text. Returns the text and a note when it was not UTF-8, or the
/// problem when the bytes are not a text document at all.
pub fn decode(bytes: &[u8]) -> std::result::Result<(String, Option<String>), String> {
    let (text, note) = if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        let note = (encoding != encoding_rs::UTF_8 || had_errors)
            .then(|| format!("decoded as {}", encoding.name()));
        (text.into_owned(), note)
    } else if bytes.contains(&0) {
        return Err("not a text document (it contains NUL bytes)".to_string());
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_string(), None),
            Err(_) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                (
                    text.into_owned(),
                    Some("not UTF-8, decoded as Windows-1252".to_string()),
                )
            }
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

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
