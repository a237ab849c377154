//! The app's filter: narrowing the list by words in headlines (or, in text mode, in the whole
//! story) and by `is:`/`source:`/`tag:` conditions, keeping the selection.

use super::App;
use crate::action::Action;
use crate::filter::{Facts, Query};

impl App {
    /// Takes the actions that type, change or answer the filter; returns any other.
    pub(super) fn edit_filter(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::StartFilter => {
                self.filtering = true;
                self.focus = super::Focus::List;
                if self.full_view {
                    self.full_view = false;
                    self.relayout();
                }
            }
            // A control or bidi character is no text to search for (the sanitiser drops it).
            Action::FilterInput(c) if crate::sanitize::is_removed(c) => {}
            Action::FilterInput(c) => {
                self.query.push(c);
                self.refilter(true);
            }
            Action::FilterBackspace => {
                self.query.pop();
                self.refilter(false);
            }
            Action::FilterDeleteWord => self.delete_last_word(),
            Action::FilterClear => self.clear_filter(),
            Action::FilterAccept => self.filtering = false,
            Action::Paste(text) if self.filtering => {
                // A paste is text, never keys: newlines and tabs become spaces.
                let text = crate::sanitize::clean_line(&text.replace(['\n', '\r', '\t'], " "));
                self.query.push_str(&text);
                self.refilter(true);
            }
            Action::Paste(_) => {}
            Action::FilterToggleText => self.toggle_text_mode(),
            Action::TextResults(generation, keys) => self.apply_text_results(generation, keys),
            Action::TextResultsSoFar(generation, positions) => {
                self.apply_text_results_so_far(generation, positions)
            }
            other => return Some(other),
        }
        None
    }

    /// Deletes up to and with the last space before the filter's last word (a space may be wider
    /// than one byte: U+3000, the ideographic space).
    fn delete_last_word(&mut self) {
        let kept = self
            .query
            .trim_end()
            .rfind(char::is_whitespace)
            .map_or(0, |i| {
                i + self.query[i..].chars().next().map_or(1, char::len_utf8)
            });
        self.query.truncate(kept);
        self.refilter(false);
    }

    pub(super) fn clear_filter(&mut self) {
        self.query.clear();
        self.refilter(false);
    }

    /// Recomputes the visible headlines for the query, keeping the selected story when it still
    /// matches. `narrowing` says the query only grew, so the current matches are a superset.
    pub(super) fn refilter(&mut self, narrowing: bool) {
        let previous = self.selected_story();
        let query = Query::new(&self.query);
        // Growing a word narrows; a condition that appears or changes ("is:" becoming "is:unread")
        // may widen, and so may text mode (whose matches come from elsewhere).
        let superset = narrowing
            && !self.parsed_query.is_empty()
            && !self.text_mode
            && query.same_conditions(&self.parsed_query);
        // Before the list is taken apart below: while the index's answer is awaited, the hits
        // are what the list shows now.
        let text_hits = self.text_hits(&query);
        // The list's own buffer is filled and filtered in place: a new one for each keystroke
        // left the old one's 8 MB (at a million) to the allocator, which kept it.
        let mut candidates = std::mem::take(&mut self.visible);
        if !superset {
            candidates.clear();
            candidates.extend(self.order.iter().map(|&i| i as usize));
        }
        // Many titles to test (all of them, or a narrowing of most): one pass over the keys in
        // storage order, on every core, beats a jump to each in list order.
        let many = !superset || candidates.len() * 8 > self.stories.len();
        let everything = text_hits.is_none() && many && !query.words().is_empty();
        let title_hits = (everything && !query.is_case_sensitive())
            .then(|| self.search_keys.holding_all(query.words()));
        self.scope_members = self.scope_sources();
        let conditions = query.has_conditions();
        self.visible = candidates
            .into_iter()
            .filter(|&i| {
                let words = match (&text_hits, &title_hits) {
                    (Some(hits), _) => hits.get(i).copied().unwrap_or(false),
                    (None, Some(hits)) => hits[i],
                    (None, None) => {
                        // The title only for a case-sensitive query: a folded query reads the
                        // key alone, and finding a title is three more cache misses a story.
                        let sensitive = query.is_case_sensitive();
                        let title = if sensitive { self.stories.title(i) } else { "" };
                        query.matches_prepared(title, self.search_keys.get(i))
                    }
                };
                words && (!conditions || query.conditions_hold(&self.facts(i))) && self.in_scope(i)
            })
            .collect();
        self.note_listed_sources();
        self.parsed_query = query;
        let index = previous
            .and_then(|p| self.visible.iter().position(|&i| i == p))
            .unwrap_or(0);
        // The filter moving the selection is not the user opening a story.
        let by_user = std::mem::replace(&mut self.by_user, false);
        self.select_keeping(index, previous);
        self.by_user = by_user;
        // The open story's matches follow the words (a story just opened found them already).
        self.find_matches(false);
    }

    /// In text mode, which stories' title or text hold every word (from the index, or by scanning
    /// when there is none), by story index; `None` in headline mode or with no words. A flag per
    /// story rather than a set of keys: at 100,000 stories, hashing every key on each keystroke
    /// cost more than the search.
    fn text_hits(&mut self, query: &Query) -> Option<Vec<bool>> {
        // One letter is a prefix of most of a large corpus: text search starts at the second
        // (until then the words match headlines).
        let letters: usize = query.words().iter().map(|w| w.chars().count()).sum();
        if !self.text_mode || letters < 2 {
            return None;
        }
        let words = query.words();
        if self.indexed_search {
            // The index answers on its own thread, the newest query winning: until the answer for
            // these words is in, the list stays as it was.
            if self
                .text_results
                .as_ref()
                .is_some_and(|(w, _)| w.as_slice() == words)
            {
                return self.text_results.as_ref().map(|(_, hits)| hits.clone());
            }
            self.search_generation += 1;
            self.search_request = Some((self.search_generation, words.to_vec()));
            let mut shown = vec![false; self.stories.len()];
            for &i in &self.visible {
                shown[i] = true;
            }
            return Some(shown);
        }
        let stories = &self.stories;
        let hits = (0..stories.len())
            .map(|i| {
                let text = std::iter::once(stories.title(i))
                    .chain(stories.paragraphs(i).iter().map(|p| p.text.as_str()))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .to_lowercase();
                words.iter().all(|w| text.contains(&w.to_lowercase()))
            })
            .collect();
        Some(hits)
    }

    /// Takes in the index's answer to search `generation`; an answer to an older query is dropped.
    fn apply_text_results(&mut self, generation: u64, positions: Vec<u32>) {
        let Some((_, words)) = self.pending_words.take_if(|(g, _)| *g == generation) else {
            return;
        };
        self.text_results = Some((words, self.hits_at(positions)));
        self.refilter(false);
    }

    /// True while a text search's whole answer is awaited (what is listed may grow).
    pub fn text_search_pending(&self) -> bool {
        self.text_mode && self.pending_words.is_some()
    }

    /// Lists the newest matches of the search under way; its whole answer is still awaited.
    fn apply_text_results_so_far(&mut self, generation: u64, positions: Vec<u32>) {
        let Some((_, words)) = self
            .pending_words
            .as_ref()
            .filter(|(g, _)| *g == generation)
        else {
            return;
        };
        self.text_results = Some((words.clone(), self.hits_at(positions)));
        self.refilter(false);
    }

    /// Per story: at one of `positions` or not.
    fn hits_at(&self, positions: Vec<u32>) -> Vec<bool> {
        let mut hits = vec![false; self.stories.len()];
        for position in positions {
            if let Some(hit) = hits.get_mut(position as usize) {
                *hit = true;
            }
        }
        hits
    }

    /// The list positions whose keys ([`App::key`]) the index's searcher must be told of: stories
    /// listed or whose key changed since the last call (none without an index).
    pub(super) fn take_listed_keys(&mut self) -> Vec<usize> {
        if !self.indexed_search {
            return Vec::new();
        }
        let told = self.keys_told;
        let mut changed = std::mem::take(&mut self.keys_changed);
        changed.retain(|&i| i < told);
        changed.sort_unstable();
        changed.dedup();
        changed.extend(told..self.stories.len());
        self.keys_told = self.stories.len();
        changed
    }

    /// Story `i` as the filter's conditions see it.
    pub(super) fn facts(&self, i: usize) -> Facts<'_> {
        let source = &self.editions[self.stories.source(i)];
        Facts {
            read: self.read[i],
            starred: self.starred[i],
            source: &source.name,
            tags: &source.tags,
            enclosure: !self.stories.enclosures(i).is_empty(),
        }
    }

    /// Switches the filter between headlines and whole stories.
    fn toggle_text_mode(&mut self) {
        self.text_mode = !self.text_mode;
        self.refilter(false);
    }
}

impl App {
    /// True when every listed headline is from one source (the list needs no source column).
    pub fn one_source_listed(&self) -> bool {
        self.one_source
    }

    /// The widest listed headline, in columns, up to [`crate::layout::TITLE_GOAL`]: the list
    /// keeps its date and source columns while they leave this much room.
    pub fn listed_title_width(&self) -> usize {
        self.title_width
    }

    /// Notes what the list's columns depend on: whether the listed headlines are all from one
    /// source, and how wide the widest is (up to the goal). Once per change of the list, and
    /// cheap: a title shorter in bytes than the goal is narrower in columns too, and the scan
    /// stops at the first wide one.
    pub(super) fn note_listed_sources(&mut self) {
        let sources = self.stories.sources();
        let mut editions = self.visible.iter().map(|&i| sources[i]);
        let first = editions.next();
        self.one_source = editions.all(|e| Some(e) == first);
        let goal = usize::from(crate::layout::TITLE_GOAL);
        let mut widest = 0;
        for &i in &self.visible {
            let title = self.stories.title(i);
            if title.len() > widest {
                widest = widest.max(crate::text::width(title)).min(goal);
                if widest == goal {
                    break;
                }
            }
        }
        self.title_width = widest;
    }
}
