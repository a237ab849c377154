//! Saved searches and rules from the config: `[[searches]]` (a name and a filter-language query,
//! shown in the feeds pane with live counts) and `[[rules]]` (a filter-language `match` and an
//! action: `hide`, a killfile, or `mark_read`, applied as a story arrives); and a search saved from
//! the prompt, appended to the config file atomically with the rest of the file kept as written.
//!
//! ```toml
//! [[searches]]
//! name = "Ukraine, unread"
//! query = "is:unread ukraine"
//!
//! [[rules]]
//! match = "source:tabloid"
//! action = "hide"
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::filter::{Facts, Query};
use crate::sanitize::clean_field;

/// A search kept in the config, listed in the feeds pane as a virtual feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSearch {
    /// Its name in the pane (cleaned).
    pub name: String,
    /// The query, in the filter's language (`is:unread ukraine`).
    pub query: String,
}

/// What a rule does to the stories it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleAction {
    /// Leave them out of the list and the counts (a killfile); a key shows them again.
    Hide,
    /// Mark them read as they arrive from a refresh.
    MarkRead,
}

/// A `[[rules]]` table: stories matching `query` get `action`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The `match` query, in the filter's language.
    pub query: String,
    /// What it does.
    pub action: RuleAction,
}

/// A `[[searches]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSearch {
    name: String,
    query: String,
}

/// A `[[rules]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    #[serde(rename = "match")]
    query: String,
    action: String,
}

impl RawSearch {
    /// The search as kept: name and query cleaned; an empty one is an error (the message).
    pub fn checked(&self) -> Result<SavedSearch, String> {
        let name = clean_field(&self.name);
        let query = clean_field(&self.query);
        if name.is_empty() || query.is_empty() {
            return Err("searches: a search needs a name and a query".into());
        }
        Ok(SavedSearch { name, query })
    }
}

impl RawRule {
    /// The rule as kept, or why not (an unknown action, an empty match).
    pub fn checked(&self) -> Result<Rule, String> {
        let action = match self.action.as_str() {
            "hide" => RuleAction::Hide,
            "mark_read" => RuleAction::MarkRead,
            other => {
                return Err(format!(
                    "rules: action {other:?} is not \"hide\" or \"mark_read\""
                ))
            }
        };
        let query = clean_field(&self.query);
        if query.is_empty() {
            return Err("rules: an empty match would take every story".into());
        }
        Ok(Rule { query, action })
    }
}

/// The rules parsed once, for matching stories as they arrive.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    hide: Vec<Query>,
    mark_read: Vec<Query>,
}

impl Rules {
    /// Parses every rule's query.
    pub fn new(rules: &[Rule]) -> Rules {
        let of = |action| {
            (rules.iter())
                .filter(|r| r.action == action)
                .map(|r| Query::new(&r.query))
                .collect()
        };
        Rules {
            hide: of(RuleAction::Hide),
            mark_read: of(RuleAction::MarkRead),
        }
    }

    /// True when a `hide` rule matches the story (title, its search key, its facts).
    pub fn hides(&self, title: &str, key: &str, facts: &Facts<'_>) -> bool {
        any_match(&self.hide, title, key, facts)
    }

    /// True when a `mark_read` rule matches the story.
    pub fn marks_read(&self, title: &str, key: &str, facts: &Facts<'_>) -> bool {
        any_match(&self.mark_read, title, key, facts)
    }
}

fn any_match(queries: &[Query], title: &str, key: &str, facts: &Facts<'_>) -> bool {
    queries
        .iter()
        .any(|q| q.matches_prepared(title, key) && q.conditions_hold(facts))
}

/// Appends a `[[searches]]` table to the config file at `path` (made if missing), keeping the
/// rest of the file as written, and replaces it atomically. The file is checked to still parse
/// as TOML with the table added.
pub fn append_search(path: &Path, search: &SavedSearch) -> anyhow::Result<()> {
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(anyhow::anyhow!("{}: {e}", path.display())),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    text.push_str(&format!(
        "\n[[searches]]\nname = {}\nquery = {}\n",
        quote(&search.name),
        quote(&search.query)
    ));
    toml::from_str::<toml::Table>(&text)
        .map_err(|e| anyhow::anyhow!("{}: not valid TOML: {e}", path.display()))?;
    crate::subscriptions::write_atomically(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_searches_are_checked() {
        let rule = RawRule {
            query: "source:x".into(),
            action: "hide".into(),
        };
        assert_eq!(rule.checked().unwrap().action, RuleAction::Hide);
        let bad = RawRule {
            query: "x".into(),
            action: "delete".into(),
        };
        assert!(bad.checked().unwrap_err().contains("delete"));
        let empty = RawSearch {
            name: " ".into(),
            query: "x".into(),
        };
        assert!(empty.checked().is_err());
    }

    #[test]
    fn appending_a_search_keeps_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "# mine\n[layout]\nlist_width = 50").unwrap();
        let search = SavedSearch {
            name: "Quote \" here".into(),
            query: "is:unread ukraine".into(),
        };
        append_search(&path, &search).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# mine\n[layout]\nlist_width = 50\n"));
        let table: toml::Table = toml::from_str(&text).unwrap();
        let searches = table["searches"].as_array().unwrap();
        assert_eq!(searches[0]["name"].as_str(), Some("Quote \" here"));
    }
}
