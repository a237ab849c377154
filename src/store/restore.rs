//! Every stored story, read for the reader as compact lists ([`StoryList`]): at a million stories,
//! a `StoredStory` each (a `Story`, its key and four more strings on the heap) was 400 MB made on
//! the restoring thread and dropped a moment later, and what the allocator kept of it stayed in
//! the reader's memory. Here each row's text is copied once, into the lists' buffers, and a key is
//! kept only when it is not the one [`super::story_key`] gives (a story whose guid changed keeps
//! its first key).

use std::collections::HashMap;

use anyhow::anyhow;
use rusqlite::OptionalExtension;

use super::{push_key, KeyParts, Store, StoredStory};
use crate::news::{Pending, Story};
use crate::story_list::StoryList;

/// Stored stories by source (each story's source is an index into the sources asked for), each
/// source's newest first, with their marks and rows: one list for every source, so its buffers
/// are few and large, given back to the system whole when the reader has copied them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StoredList {
    /// The stories (their source: the index of theirs among the sources asked for).
    pub stories: StoryList,
    /// Per story: read.
    pub read: Vec<bool>,
    /// Per story: starred.
    pub starred: Vec<bool>,
    /// Per story: its row id, so the search thread knows the row without its key.
    pub rows: Vec<i64>,
    /// The keys that are not the one [`super::story_key`] gives, by index.
    pub odd_keys: HashMap<usize, String>,
}

impl StoredList {
    /// Story `i`'s store key, given its source's key.
    pub fn key(&self, source: &str, i: usize) -> String {
        if let Some(key) = self.odd_keys.get(&i) {
            return key.clone();
        }
        let mut key = String::new();
        push_key(&mut key, source, KeyParts::of(&self.stories, i));
        key
    }

    /// How many stories there are.
    pub fn len(&self) -> usize {
        self.stories.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// Adds a story with its marks (`row` 0: no row known); `key` is its key when that is not
    /// the one [`super::story_key`] gives.
    fn push(&mut self, story: Story, key: Option<String>, read: bool, starred: bool, row: i64) {
        if let Some(key) = key {
            self.odd_keys.insert(self.stories.len(), key);
        }
        if row > 0 {
            // Read from the store: its link and author can be read again when it is opened.
            self.stories.push_lean(story);
        } else {
            self.stories.push(story);
        }
        self.read.push(read);
        self.starred.push(starred);
        self.rows.push(row);
    }

    /// The same stories by source, each source's newest first (published desc, undated after,
    /// otherwise in row order), as [`Store::load_sources`] gives them.
    fn sorted(self) -> StoredList {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        let stories = &self.stories;
        order.sort_by_key(|&i| {
            let (source, date) = (stories.source(i as usize), stories.published(i as usize));
            (source, date.is_none(), std::cmp::Reverse(date))
        });
        let mut sorted = StoredList::default();
        sorted.stories.reserve(self.len());
        for (to, from) in order.into_iter().enumerate() {
            let from = from as usize;
            sorted
                .stories
                .push_from(&self.stories, from, self.stories.source(from));
            sorted.read.push(self.read[from]);
            sorted.starred.push(self.starred[from]);
            sorted.rows.push(self.rows[from]);
            if let Some(key) = self.odd_keys.get(&from) {
                sorted.odd_keys.insert(to, key.clone());
            }
        }
        sorted
    }
}

/// Lists of [`StoredStory`]s, one per source of `sources`, as one compact list (keys kept where
/// they are not derived; no rows).
pub fn lists_of(lists: Vec<Vec<StoredStory>>, sources: &[String]) -> StoredList {
    let mut key = String::new();
    let mut compact = StoredList::default();
    for (n, list) in lists.into_iter().enumerate() {
        for stored in list {
            key.clear();
            let source = sources.get(n).map_or("", String::as_str);
            push_key(&mut key, source, parts(&stored.story));
            let odd = (key != stored.key).then_some(stored.key);
            let story = Story {
                edition: n,
                ..stored.story
            };
            compact.push(story, odd, stored.read, stored.starred, 0);
        }
    }
    compact
}

fn parts(story: &Story) -> KeyParts<'_> {
    KeyParts {
        id: story.id.as_deref(),
        link: story.link.as_deref(),
        title: &story.title,
        published: story.published,
    }
}

impl Store {
    /// [`Store::load_sources`] as one compact list: every stored story of `sources`, by source
    /// in the order given, each source's newest first, with marks and row ids.
    pub fn load_lists(&self, sources: &[String]) -> anyhow::Result<StoredList> {
        let wanted: HashMap<&str, usize> = (sources.iter().enumerate())
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let load = || -> rusqlite::Result<StoredList> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT source, key, guid, link, title, published, author, has_text, read,
                 starred, enclosures, id FROM stories ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            let mut list = StoredList::default();
            let mut key = String::new();
            while let Some(r) = rows.next()? {
                let Some(&source) = wanted.get(r.get_ref(0)?.as_str()?) else {
                    continue;
                };
                let story = story_of(r, source)?;
                key.clear();
                push_key(&mut key, &sources[source], parts(&story));
                let stored_key = r.get_ref(1)?.as_str()?;
                let odd = (stored_key != key).then(|| stored_key.to_string());
                list.push(story, odd, r.get(8)?, r.get(9)?, r.get(11)?);
            }
            Ok(list.sorted())
        };
        load().map_err(|e| anyhow!("{}: loading stored stories: {e}", self.path.display()))
    }
}

impl Store {
    /// The link and author of the story stored under `key`; None when no such story is stored.
    pub fn load_details(
        &self,
        key: &str,
    ) -> anyhow::Result<Option<(Option<String>, Option<String>)>> {
        let read = || {
            self.conn
                .prepare_cached("SELECT link, author FROM stories WHERE key = ?1")?
                .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        };
        read().map_err(|e| anyhow!("{}: reading a story: {e}", self.path.display()))
    }
}

/// The story of a row of `SELECT source, key, guid, link, title, published, author, has_text,
/// ...enclosures` (its text left in the store), of source `source`: [`Store::load_lists`]'s rows
/// and `load_sources`' alike.
pub(super) fn story_of(r: &rusqlite::Row<'_>, source: usize) -> rusqlite::Result<Story> {
    let has_text: bool = r.get(7)?;
    let enclosures = r.get_ref(10)?.as_str_or_null()?;
    Ok(Story {
        title: r.get(4)?,
        edition: source,
        link: r.get(3)?,
        published: r.get(5)?,
        author: r.get(6)?,
        id: r.get(2)?,
        pending: if has_text {
            Pending::Stored
        } else {
            Pending::Nothing
        },
        // Damaged enclosures are left out rather than failing the whole list.
        enclosures: enclosures
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default(),
        ..Story::default()
    })
}
