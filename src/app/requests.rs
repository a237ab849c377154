//! What the app asks of the outside world after each update: the open story's text (and the next
//! one's, ahead), the marks to save, the keys and searches for the full-text index. Each is asked
//! for once, as an [`Effect`]; answers come back as actions.

use super::App;
use crate::action::{Effect, Effects, TextRequest};
use crate::news::Paragraph;

impl App {
    /// The story whose text is wanted now: the open one, while its text is pending (see
    /// [`crate::news::Pending`]).
    pub fn wanted_body(&self) -> Option<usize> {
        self.panes()?;
        self.selected_story()
            .filter(|&story| self.stories.text_pending(story))
    }

    /// The story after the selected one in the list (the one Down opens), if its text is still in
    /// the store or unconverted.
    pub fn next_wanted_body(&self) -> Option<usize> {
        self.panes()?;
        self.visible
            .get(self.selected + 1)
            .copied()
            .filter(|&story| self.stories.text_pending(story))
    }

    /// Puts a story's loaded text in place, keeping the reading place if it is open. A text loaded
    /// ahead changes nothing on screen.
    pub(super) fn set_body(
        &mut self,
        story: usize,
        (paragraphs, references): (Vec<Paragraph>, Vec<String>),
        effects: &mut Effects,
    ) {
        if story >= self.stories.len() {
            return;
        }
        self.stories.set_body(story, paragraphs, references);
        self.story_changed(story, effects);
    }

    /// Puts a story's link and author, read from the store, in place (the open story's lines under
    /// its title show them).
    pub(super) fn set_details(
        &mut self,
        story: usize,
        (link, author): (Option<String>, Option<String>),
        effects: &mut Effects,
    ) {
        self.stories.set_details(story, link, author);
        self.story_changed(story, effects);
    }

    /// Story `story`'s text or details changed: laid out again if it is the one open (from its
    /// top line, as it was), else the next frame only needs drawing.
    fn story_changed(&mut self, story: usize, effects: &mut Effects) {
        if self.laid_out_for.is_some_and(|(s, _)| s == story) {
            self.laid_out_for = Some((story, 0));
            self.relayout();
        } else {
            effects.mark_unseen();
        }
    }

    /// A batch of stories was stored: a story whose text was asked for before its row was written
    /// is asked for again, and the index may read the new rows.
    pub(super) fn stories_stored(&mut self, effects: &mut Effects) {
        self.text_asked = None;
        self.prefetch_asked = None;
        if self.indexed_search {
            effects.push(Effect::CatchUpIndex);
        }
        effects.mark_unseen();
    }

    /// The index holds more stories: a text search under way is asked again, since its answer
    /// may have missed them (typed before the stories were indexed).
    pub(super) fn stories_indexed(&mut self, effects: &mut Effects) {
        if !self.indexed_search {
            return;
        }
        effects.push(Effect::CatchUpIndex);
        let searching = self.text_results.is_some() || self.pending_words.is_some();
        if self.text_mode && searching {
            self.text_results = None;
            self.refilter(false);
        }
        effects.mark_unseen();
    }

    /// Adds the requests this update's changes call for, each once.
    pub(super) fn ask_for_what_is_needed(&mut self, effects: &mut Effects) {
        let details = (self.selected_story()).filter(|&i| self.stories.details_in_store(i));
        if std::mem::replace(&mut self.details_asked, details) != details {
            effects.extend(details.map(|i| Effect::LoadDetails(i, self.key(i))));
        }
        let wanted = self.wanted_body();
        let asked = std::mem::replace(&mut self.text_asked, wanted);
        effects.extend(self.text_request_once(wanted, asked).map(Effect::LoadText));
        let ahead = self.next_wanted_body();
        let asked = std::mem::replace(&mut self.prefetch_asked, ahead);
        effects.extend(
            self.text_request_once(ahead, asked)
                .map(Effect::PrefetchText),
        );
        if !self.pending_marks.is_empty() {
            effects.push(Effect::SaveMarks(self.take_mark_changes()));
        }
        self.place_listed(effects);
        if let Some(request) = self.search_request.take() {
            self.pending_words = Some(request.clone());
            effects.push(Effect::Search(request.0, request.1));
        }
    }

    /// The request for story `wanted`'s text, unless it is the one `asked` for already.
    fn text_request_once(
        &self,
        wanted: Option<usize>,
        asked: Option<usize>,
    ) -> Option<TextRequest> {
        wanted
            .filter(|_| wanted != asked)
            .and_then(|story| self.text_request(story))
    }

    fn text_request(&self, story: usize) -> Option<TextRequest> {
        let pending = self.stories.pending(story);
        (pending != crate::news::Pending::Nothing).then(|| TextRequest {
            story,
            key: self.key(story),
            pending,
        })
    }

    /// Tells the index where the stories listed since the last time are: restored stories by
    /// their rows, any other by its key.
    fn place_listed(&mut self, effects: &mut Effects) {
        let (first, rows) = std::mem::take(&mut self.restored_rows);
        if !self.indexed_search {
            return;
        }
        let listed = self.take_listed_keys();
        // Row 0 is none: lists made in tests from `StoredStory`s have no rows.
        let by_row =
            |i: usize| (i.checked_sub(first).and_then(|r| rows.get(r))).is_some_and(|&row| row > 0);
        let mut key = String::new();
        let keys: Vec<(u32, u64)> = (listed.into_iter())
            .filter(|&i| !by_row(i))
            .filter_map(|i| {
                let position = u32::try_from(i).ok()?;
                key.clear();
                self.push_key(&mut key, i);
                Some((position, crate::store::key_hash(&key)))
            })
            .collect();
        if !keys.is_empty() {
            effects.push(Effect::PlaceKeys(keys));
        }
        if rows.iter().any(|&row| row > 0) {
            if let Ok(first) = u32::try_from(first) {
                effects.push(Effect::PlaceRows(first, rows));
            }
        }
    }
}
