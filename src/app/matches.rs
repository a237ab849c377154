//! The full-text search's matches in the open story: found in its laid-out lines when it is laid
//! out or the search changes, the first scrolled to, `n` and `N` (with the story focused) going
//! from one to the next. The view marks them.

use std::ops::Range;

use super::{App, Focus};
use crate::action::Action;
use crate::reader::LineKind;

/// Lines of the story kept above a match scrolled to.
const MATCH_CONTEXT: usize = 2;

/// Where the search's words are in the open story.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoryMatches {
    /// The words searched for (empty: no search, no matches).
    pub words: Vec<String>,
    /// Each match: its line in `App::story_lines` and its byte range in the line's text, in order.
    pub found: Vec<(usize, Range<usize>)>,
    /// The match last gone to (by `n`, `N`, or the first, found).
    pub current: usize,
}

impl StoryMatches {
    /// The matches on line `line`, and the index of the first in `found`.
    pub fn on_line(&self, line: usize) -> (usize, &[(usize, Range<usize>)]) {
        let start = self.found.partition_point(|(l, _)| *l < line);
        let end = self.found.partition_point(|(l, _)| *l <= line);
        (start, &self.found[start..end])
    }
}

impl App {
    /// Takes `n` and `N` when the story is focused and holds matches of a full-text search;
    /// returns any other action.
    pub(super) fn go_to_match(&mut self, action: Action) -> Option<Action> {
        let in_story = self.focus == Focus::Story && !self.filtering;
        let count = self.matches.found.len();
        match action {
            Action::NextUnread if in_story && count > 0 => {
                self.matches.current = (self.matches.current + 1) % count;
            }
            Action::PreviousMatch if count > 0 => {
                self.matches.current = (self.matches.current + count - 1) % count;
            }
            Action::PreviousMatch => {
                self.message = Some("No matches of a text search in this story.".into());
                return None;
            }
            other => return Some(other),
        }
        self.show_match();
        let current = self.matches.current;
        self.message = Some(format!("Match {} of {count}", current + 1));
        None
    }

    /// The words a full-text search looks for now: the filter's, in text mode, from the second
    /// letter (as the search itself starts).
    fn searched_words(&self) -> Vec<String> {
        let words = self.parsed_query.words();
        let letters: usize = words.iter().map(|w| w.chars().count()).sum();
        if self.text_mode && letters >= 2 {
            words.to_vec()
        } else {
            Vec::new()
        }
    }

    /// Finds the search's words in the laid-out story again (after a layout, or a new search).
    /// A new story or a new search goes to its first match; a re-wrap keeps the reading place.
    pub(super) fn find_matches(&mut self, new_story: bool) {
        let words = self.searched_words();
        let new_search = words != self.matches.words;
        if !new_story && !new_search && self.matches.words.is_empty() {
            return;
        }
        let found = if words.is_empty() {
            Vec::new()
        } else {
            (self.story_lines.iter().enumerate())
                .filter(|(_, line)| !matches!(line.kind, LineKind::Meta | LineKind::Note))
                .flat_map(|(i, line)| {
                    let found = crate::filter::word_matches(&line.text, &words);
                    found.into_iter().map(move |range| (i, range))
                })
                .collect()
        };
        // Go to the first match of a new story or search, or of a story whose text just came.
        let jump = new_story || new_search || self.matches.found.is_empty();
        let current = if jump { 0 } else { self.matches.current };
        self.matches = StoryMatches {
            words,
            current: current.min(found.len().saturating_sub(1)),
            found,
        };
        if jump && !self.matches.found.is_empty() {
            self.show_match();
        }
    }

    /// Scrolls the story so the current match is on screen, a little below the top when it was
    /// not.
    fn show_match(&mut self) {
        let Some((line, _)) = self.matches.found.get(self.matches.current) else {
            return;
        };
        let height = self.story_height();
        if *line < self.story_scroll || *line >= self.story_scroll + height {
            self.story_scroll = line
                .saturating_sub(MATCH_CONTEXT)
                .min(self.max_story_scroll());
        }
    }
}
