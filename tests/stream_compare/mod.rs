//! Comparing a feed file read as a stream with the same file parsed whole by feed-rs, story by
//! story (shared by the ingest tests).

// Each test crate uses its own part.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gazette::feed::{parse_feed, ParsedFeed};
use gazette::html::html_to_text;
use gazette::ingest::read_all;
use gazette::news::{Pending, Story};

/// The `file://` URL gazette names a feed file by (its canonical path).
pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// feed-rs makes up a random UUID for an entry with no guid, no link and no title.
pub fn random_id(id: Option<&str>) -> bool {
    id.is_some_and(|id| {
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        parts == [8, 4, 4, 4, 12] && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
    })
}

/// The stream's story `s` with its text as it shows once opened.
pub fn opened(s: &Story) -> Story {
    match &s.pending {
        Pending::Html { html, base } => {
            assert!(s.paragraphs.is_empty(), "{}: text before opening", s.title);
            let converted = html_to_text(html, base.as_deref());
            Story {
                paragraphs: converted.paragraphs,
                references: converted.references,
                pending: Pending::Nothing,
                ..s.clone()
            }
        }
        Pending::Nothing => s.clone(),
        Pending::Stored => panic!("{}: a file story cannot be in the store", s.title),
    }
}

/// Asserts that the streamed feed is the whole-document one: the feed's title, and every story's
/// title, id, link, date, author, and text (converted, for a body kept as HTML).
pub fn assert_same(what: &str, streamed: &ParsedFeed, whole: &ParsedFeed) {
    assert_eq!(streamed.title, whole.title, "{what}: feed title");
    assert_eq!(
        streamed.stories.len(),
        whole.stories.len(),
        "{what}: story count"
    );
    for (i, (s, w)) in streamed.stories.iter().zip(&whole.stories).enumerate() {
        let at = format!("{what}: story {i} ({:?})", w.title);
        assert_eq!(
            w.pending,
            Pending::Nothing,
            "{at}: the whole parse converts"
        );
        assert_eq!(s.title, w.title, "{at}: title");
        assert_eq!(s.link, w.link, "{at}: link");
        assert_eq!(s.published, w.published, "{at}: published");
        assert_eq!(s.author, w.author, "{at}: author");
        if random_id(w.id.as_deref()) {
            assert!(random_id(s.id.as_deref()), "{at}: id {:?}", s.id);
        } else {
            assert_eq!(s.id, w.id, "{at}: id");
        }
        assert_eq!(s.has_text(), w.has_text(), "{at}: has text");
        let s = opened(s);
        assert_eq!(s.paragraphs, w.paragraphs, "{at}: paragraphs");
        assert_eq!(s.references, w.references, "{at}: references");
    }
}

/// Reads `path` both ways and checks they agree; returns the streamed feed.
pub fn compare(path: &Path) -> ParsedFeed {
    let url = file_url(path);
    let whole = parse_feed(&std::fs::read(path).unwrap(), Some(&url)).unwrap();
    let streamed = read_all(path, Some(&url)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_same(&path.display().to_string(), &streamed, &whole);
    streamed
}
