//! Read and starred marks: setting them, the keys that toggle them, and collecting the changes
//! for the store.

use std::time::Duration;

use super::App;
use crate::action::{Action, Effect, Effects};

/// The first wait before marks that could not be saved are tried again, doubled after each
/// failure up to the longest.
pub(super) const FIRST_RETRY_WAIT: Duration = Duration::from_secs(2);
const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

impl App {
    /// Takes the actions that change marks; returns any other.
    pub(super) fn change_marks(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::ToggleRead => self.toggle_read(),
            Action::ToggleStar => self.toggle_star(),
            Action::MarkAllRead => self.mark_listed_read(),
            Action::NextUnread => self.next_unread(),
            other => return Some(other),
        }
        None
    }

    /// Takes the store's news about writes: a failure keeps its marks to retry (with backoff)
    /// and is said until a write succeeds; returns any other action.
    pub(super) fn store_news(&mut self, action: Action, effects: &mut Effects) -> Option<Action> {
        match action {
            Action::StoreFailed(reason, marks) => {
                // The failure replaces a note such as "Starred", which is no longer true.
                self.message = None;
                self.store_problem = Some(reason);
                self.unsaved_marks
                    .extend(marks.into_iter().map(|(key, ..)| key));
                if !self.unsaved_marks.is_empty() && !self.retry_pending {
                    self.retry_pending = true;
                    let wait = self.retry_wait;
                    self.retry_wait = (wait * 2).min(MAX_RETRY_WAIT);
                    effects.push(Effect::Later(wait, Box::new(Action::RetryStore)));
                }
            }
            Action::StoreRecovered if self.unsaved_marks.is_empty() => {
                self.store_problem = None;
                self.retry_wait = FIRST_RETRY_WAIT;
                self.message = Some("The store is written again.".into());
            }
            // Writes work again: the marks waiting need not wait for their timer.
            Action::StoreRecovered => self.retry_marks(effects),
            Action::RetryStore => {
                self.retry_pending = false;
                self.retry_marks(effects);
            }
            other => return Some(other),
        }
        None
    }

    /// Sends the marks whose last save failed again, as they are now; a new failure brings them
    /// back.
    pub(super) fn retry_marks(&mut self, effects: &mut Effects) {
        if self.unsaved_marks.is_empty() {
            return;
        }
        let unsaved = std::mem::take(&mut self.unsaved_marks);
        let marks = (self.all_keys().into_iter().enumerate())
            .filter(|(_, key)| unsaved.contains(key))
            .map(|(i, key)| (key, self.read[i], self.starred[i]))
            .collect();
        effects.push(Effect::SaveMarks(marks));
    }

    /// How many marks could not be saved and wait for a retry.
    pub fn unsaved_marks(&self) -> usize {
        self.unsaved_marks.len()
    }

    /// Marks story `i` read or unread.
    pub(super) fn set_read(&mut self, i: usize, read: bool) {
        if self.read[i] != read {
            self.set_read_flag(i, read);
            self.pending_marks.push(i);
            self.marked.insert(i);
        }
    }

    /// Selects the first story on the app's own account (not the user's): it is shown but not
    /// read until the user acts (see [`App::read_the_shown_story`]). News arriving in the
    /// background can move such a selection before anyone has looked at it.
    pub(super) fn select_automatically(&mut self) {
        self.select(0);
        self.auto_shown = self.selected_story();
    }

    /// The user acts while the story selected automatically is on screen: it has been read, as
    /// a story the user selects is. Not for the read toggle, which acts on the mark as shown
    /// (`m` on the story shown at start marks it read).
    pub(super) fn read_the_shown_story(&mut self, action: &Action) {
        let Some(story) = self.auto_shown.take() else {
            return;
        };
        let still_shown = self.selected_story() == Some(story) && !self.show_help;
        if still_shown && self.config.reading.mark_read_on_open && *action != Action::ToggleRead {
            self.set_read(story, true);
        }
    }

    /// `m`: toggles the selected story's read mark.
    fn toggle_read(&mut self) {
        if let Some(i) = self.selected_story() {
            self.set_read(i, !self.read[i]);
        }
    }

    /// `s`: toggles the selected story's star.
    fn toggle_star(&mut self) {
        if let Some(i) = self.selected_story() {
            self.set_star_flag(i, !self.starred[i]);
            self.pending_marks.push(i);
            self.marked.insert(i);
            self.message = Some(
                if self.starred[i] {
                    "Starred"
                } else {
                    "Star removed"
                }
                .into(),
            );
        }
    }

    /// `A`: marks every listed (filtered) story read.
    fn mark_listed_read(&mut self) {
        let listed = self.visible.clone();
        let count = listed.iter().filter(|&&i| !self.read[i]).count();
        for i in listed {
            self.set_read(i, true);
        }
        self.message = Some(format!(
            "Marked {count} {} read",
            if count == 1 { "story" } else { "stories" }
        ));
    }

    /// `n`: selects the next unread story in the list after the selection, wrapping around.
    fn next_unread(&mut self) {
        let n = self.visible.len();
        let next = (1..=n)
            .map(|step| (self.selected + step) % n.max(1))
            .find(|&row| !self.read[self.visible[row]]);
        match next {
            Some(row) => self.select(row),
            None => self.message = Some("No unread stories in the list.".into()),
        }
    }

    /// Sets the marks the store remembers (key → read, starred), as they were last time; these
    /// are not changes to save again.
    pub fn restore_marks(&mut self, marks: &std::collections::HashMap<String, (bool, bool)>) {
        for (i, key) in self.all_keys().into_iter().enumerate() {
            if let Some(&(read, starred)) = marks.get(&key) {
                self.set_read_flag(i, read);
                self.set_star_flag(i, starred);
            }
        }
        self.refilter(false);
    }

    /// The marks changed since the last call, as (key, read, starred), for the store to save.
    pub(super) fn take_mark_changes(&mut self) -> Vec<(String, bool, bool)> {
        let mut changed = std::mem::take(&mut self.pending_marks);
        changed.sort_unstable();
        changed.dedup();
        changed
            .into_iter()
            .map(|i| (self.key(i), self.read[i], self.starred[i]))
            .collect()
    }
}
