//! A story's key in the store: its source and, of its fields, the first that names it.

use super::KEY_SEPARATOR;
use crate::news::Story;

/// The stable key of a story within a source (a feed URL, or `edition:<name>` for a plain-text
/// edition): source + U+001F + (guid if any, else link if any, else title + U+001F +
/// published-or-empty). An empty guid or link counts as none.
pub fn story_key(source: &str, story: &Story) -> String {
    let mut key = String::new();
    push_key(
        &mut key,
        source,
        KeyParts {
            id: story.id.as_deref(),
            link: story.link.as_deref(),
            title: &story.title,
            published: story.published,
        },
    );
    key
}

/// What a [`story_key`] is made of, borrowed from wherever the story is kept.
#[derive(Debug, Clone, Copy)]
pub struct KeyParts<'a> {
    /// The guid.
    pub id: Option<&'a str>,
    /// The link.
    pub link: Option<&'a str>,
    /// The title.
    pub title: &'a str,
    /// The date.
    pub published: Option<i64>,
}

impl<'a> KeyParts<'a> {
    /// Story `i` of a list's key parts.
    pub fn of(stories: &'a crate::story_list::StoryList, i: usize) -> KeyParts<'a> {
        KeyParts {
            id: stories.id(i),
            link: stories.link(i),
            title: stories.title(i),
            published: stories.published(i),
        }
    }
}

pub(super) fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// Appends the [`story_key`] of a story of `source` with these parts to `key` (a buffer used
/// again and again spares an allocation a story over a million).
pub fn push_key(key: &mut String, source: &str, parts: KeyParts<'_>) {
    key.push_str(source);
    key.push(KEY_SEPARATOR);
    let (id, link) = (
        parts.id.filter(|s| !s.is_empty()),
        parts.link.filter(|s| !s.is_empty()),
    );
    match (id, link) {
        (Some(guid), _) => key.push_str(guid),
        (None, Some(link)) => key.push_str(link),
        (None, None) => {
            key.push_str(parts.title);
            key.push(KEY_SEPARATOR);
            if let Some(published) = parts.published {
                key.push_str(&published.to_string());
            }
        }
    }
}
