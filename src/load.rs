//! Loading what the reader shows: the paths given, standard input, the subscriptions or the
//! bundled edition, and what the store holds of them (stories and marks).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::source::Library;
use crate::store::{self, Store};
use crate::subscriptions::Subscription;

/// What to read: the paths given; else a piped standard input; else the subscriptions; else the
/// bundled edition.
pub fn open_library(
    paths: &[PathBuf],
    feeds: &[Subscription],
    full_text: bool,
) -> anyhow::Result<Library> {
    if !paths.is_empty() {
        return Library::load(paths);
    }
    if !std::io::stdin().is_terminal() {
        let bytes = crate::source::read_stdin()?;
        // An empty or closed standard input (cron, /dev/null) is no document: fall through.
        if !bytes.iter().all(u8::is_ascii_whitespace) {
            let mut library = Library::default();
            library.load_bytes("standard input", Path::new("standard input"), bytes)?;
            return Ok(library);
        }
    }
    if feeds.iter().all(|f| !f.is_enabled()) {
        return Ok(Library::bundled());
    }
    let mut library = Library::default();
    // A subscription with `enabled = false` is neither listed nor fetched.
    for feed in feeds.iter().filter(|f| f.is_enabled()) {
        let index = library.add_subscription(&feed.url, feed.name.as_deref());
        let edition = &mut library.editions[index];
        edition.tags = feed.tags.clone();
        edition.full_text = feed.full_text.unwrap_or(full_text);
        edition.settings = feed.settings();
    }
    Ok(library)
}

/// Stored stories the reader loads before its first screen, the newest of all sources: a
/// screenful and more.
pub const FIRST_SCREEN_STORIES: usize = 500;

/// Marks of stored stories, by key: (read, starred).
pub type Marks = std::collections::HashMap<String, (bool, bool)>;

/// Adds the stored stories of every feed to the library (the last fetch, shown before any network
/// answer), all of them or the newest `limit` of each, and returns the stored marks of the
/// stories loaded and whether some were left for later.
pub fn load_stored(
    store: &Store,
    library: &mut Library,
    limit: Option<usize>,
) -> anyhow::Result<(Marks, bool)> {
    let sources: Vec<String> = library.editions.iter().map(|e| e.source_key()).collect();
    let mut marks = Marks::new();
    let stored = match limit {
        Some(limit) => store.load_newest(&sources, limit)?,
        None => store.load_sources(&sources)?,
    };
    let partial = limit.is_some_and(|limit| stored.iter().map(Vec::len).sum::<usize>() >= limit);
    // The keys of the stories read from feed files just now, by source, in one pass.
    let mut read_now: std::collections::HashMap<usize, std::collections::HashSet<String>> =
        std::collections::HashMap::new();
    for story in &library.stories {
        let key = store::story_key(&sources[story.edition], story);
        read_now.entry(story.edition).or_default().insert(key);
    }
    for (i, stored) in stored.into_iter().enumerate() {
        if let Some(info) = store.source_info(&sources[i])? {
            // The feed's own title and the last answer's validators, as the last run left them.
            let edition = &mut library.editions[i];
            if let Some(title) = info.title.filter(|_| edition.name_from_feed) {
                edition.name = title;
                edition.name_from_feed = false;
            }
            edition.etag = info.etag;
            edition.last_modified = info.last_modified;
        }
        if stored.is_empty() {
            continue;
        }
        // A feed file's first entries were read just now, and are newer than their stored copy;
        // keep only what they lack.
        let known = read_now.remove(&i).unwrap_or_default();
        // The marks of a feed file's first entries, wherever they are in the store (the newest
        // stories may not be them); an edition's come with the rest, a moment later.
        if limit.is_some() && library.feed_files.iter().any(|(f, _)| *f == i) {
            let first: Vec<String> = known.iter().cloned().collect();
            marks.extend(store.marks(&first)?);
        }
        let is_feed = library.editions[i].is_feed();
        let mut cached = Vec::new();
        for s in stored {
            if s.read || s.starred {
                marks.insert(s.key.clone(), (s.read, s.starred));
            }
            if is_feed && !known.contains(&s.key) {
                cached.push(s.story);
            }
        }
        library.add_stories(i, cached);
    }
    Ok((marks, partial))
}
