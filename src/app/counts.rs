//! The feeds pane's counts, kept as stories arrive and marks change rather than recounted per
//! frame: per source and per saved search, how many stories, unread and starred (hidden stories
//! not counted); and which stories the rules hide or mark read as they arrive.

use super::App;
use crate::filter::Query;
use crate::rules::{Rules, SavedSearch};

/// How many stories, unread and starred.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Stories.
    pub total: usize,
    /// Of them, unread.
    pub unread: usize,
    /// Of them, starred.
    pub starred: usize,
}

impl Count {
    fn change(&mut self, read: bool, starred: bool, add: bool) {
        let step = |n: &mut usize, yes: bool| {
            if yes {
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        };
        step(&mut self.total, true);
        step(&mut self.unread, !read);
        step(&mut self.starred, starred);
    }

    /// Adds another count to this one.
    pub fn plus(self, other: Count) -> Count {
        Count {
            total: self.total + other.total,
            unread: self.unread + other.unread,
            starred: self.starred + other.starred,
        }
    }
}

/// The counts, and what they are kept from.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// Per source (by edition index).
    pub sources: Vec<Count>,
    /// Per saved search (in config order).
    pub searches: Vec<Count>,
    /// Per source: the newest story's date (for the pane's quiet mark).
    pub newest: Vec<Option<i64>>,
    /// The saved searches' queries.
    pub queries: Vec<Query>,
    /// Per saved search, per story: the query holds but for its `is:` terms (which follow marks).
    matched: Vec<Vec<bool>>,
    /// The rules, parsed.
    pub rules: Rules,
}

impl Tally {
    /// A tally for these searches and rules, with no story yet.
    pub fn new(searches: &[SavedSearch], rules: &Rules) -> Tally {
        let queries: Vec<Query> = searches.iter().map(|s| Query::new(&s.query)).collect();
        Tally {
            searches: vec![Count::default(); queries.len()],
            matched: vec![Vec::new(); queries.len()],
            queries,
            rules: rules.clone(),
            ..Tally::default()
        }
    }
}

impl App {
    /// Takes story `i` (just pushed, with its marks) into the counts: whether a rule hides it,
    /// which searches it matches, its source's newest date.
    pub(super) fn admit(&mut self, i: usize) {
        let facts = self.facts(i);
        let (title, key) = (self.stories.title(i), self.search_keys.get(i));
        let hidden = self.tally.rules.hides(title, key, &facts);
        let matched: Vec<bool> = (self.tally.queries.iter())
            .map(|q| q.holds_except_marks(title, key, &facts))
            .collect();
        for (k, m) in matched.into_iter().enumerate() {
            self.tally.matched[k].push(m);
        }
        self.hidden.push(hidden);
        let source = self.stories.source(i);
        if self.tally.newest.len() <= source {
            self.tally
                .newest
                .resize(self.editions.len().max(source + 1), None);
        }
        let newest = &mut self.tally.newest[source];
        *newest = (*newest).max(self.stories.published(i));
        self.tally_story(i, true);
    }

    /// True when a `mark_read` rule takes story `i` (applied to new stories from a refresh).
    pub(super) fn rule_marks_read(&self, i: usize) -> bool {
        let facts = self.facts(i);
        (self.tally.rules).marks_read(self.stories.title(i), self.search_keys.get(i), &facts)
    }

    /// Story `i`'s title changed: which searches it matches is worked out again.
    pub(super) fn rematch(&mut self, i: usize) {
        self.tally_story(i, false);
        let facts = self.facts(i);
        let (title, key) = (self.stories.title(i), self.search_keys.get(i));
        let matched: Vec<bool> = (self.tally.queries.iter())
            .map(|q| q.holds_except_marks(title, key, &facts))
            .collect();
        for (k, m) in matched.into_iter().enumerate() {
            self.tally.matched[k][i] = m;
        }
        self.tally_story(i, true);
    }

    /// Adds story `i` to its counts, or takes it out (before its marks change, then back in).
    pub(super) fn tally_story(&mut self, i: usize, add: bool) {
        if self.hidden.get(i).copied().unwrap_or(true) {
            return;
        }
        let (read, starred) = (self.read[i], self.starred[i]);
        let source = self.stories.source(i);
        if self.editions[source].removed {
            // Taken out of every count when it was removed.
            return;
        }
        if self.tally.sources.len() <= source {
            let len = self.editions.len().max(source + 1);
            self.tally.sources.resize(len, Count::default());
        }
        self.tally.sources[source].change(read, starred, add);
        for k in 0..self.tally.queries.len() {
            if self.tally.matched[k][i] && self.tally.queries[k].marks_hold(read, starred) {
                self.tally.searches[k].change(read, starred, add);
            }
        }
    }

    /// Sets story `i`'s star, keeping the counts.
    pub(super) fn set_star_flag(&mut self, i: usize, starred: bool) {
        if self.starred[i] != starred {
            self.tally_story(i, false);
            self.starred[i] = starred;
            self.tally_story(i, true);
        }
    }

    /// Source `source`'s counts (hidden stories left out).
    pub fn source_count(&self, source: usize) -> Count {
        self.tally.sources.get(source).copied().unwrap_or_default()
    }

    /// Saved search `k`'s counts: the stories it lists now.
    pub fn search_count(&self, k: usize) -> Count {
        self.tally.searches.get(k).copied().unwrap_or_default()
    }

    /// Every source's counts summed (hidden stories left out).
    pub fn all_count(&self) -> Count {
        (0..self.editions.len())
            .filter(|&s| !self.editions[s].removed)
            .map(|s| self.source_count(s))
            .fold(Count::default(), Count::plus)
    }

    /// The newest story's date of source `source`, if any is dated.
    pub fn newest_story(&self, source: usize) -> Option<i64> {
        self.tally.newest.get(source).copied().flatten()
    }

    /// Per story: hidden by a rule.
    pub fn hidden(&self) -> &[bool] {
        &self.hidden
    }

    /// Adds a saved search to the counts (matched against every story once) and the pane.
    pub(super) fn add_search(&mut self, search: SavedSearch) {
        let query = Query::new(&search.query);
        let matched: Vec<bool> = (0..self.stories.len())
            .map(|i| {
                query.holds_except_marks(
                    self.stories.title(i),
                    self.search_keys.get(i),
                    &self.facts(i),
                )
            })
            .collect();
        let mut count = Count::default();
        for (i, _) in matched.iter().enumerate().filter(|(_, m)| **m) {
            let (read, starred) = (self.read[i], self.starred[i]);
            if !self.hidden[i] && query.marks_hold(read, starred) {
                count.change(read, starred, true);
            }
        }
        self.tally.queries.push(query);
        self.tally.matched.push(matched);
        self.tally.searches.push(count);
        self.config.searches.push(search);
        self.build_pane_rows();
    }

    /// True when saved search `k` lists story `i`.
    pub(super) fn search_lists(&self, k: usize, i: usize) -> bool {
        self.tally.matched.get(k).is_some_and(|m| m[i])
            && self.tally.queries[k].marks_hold(self.read[i], self.starred[i])
    }
}
