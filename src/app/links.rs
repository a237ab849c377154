//! The story's links as a numbered list to open or copy one: the main link (0), then the
//! references as the story text numbers them ([1], [2], ...), then its enclosures. Arrows move,
//! Enter opens, the copy key copies, the play and download keys play or download it, and typing a
//! number picks that link.

use super::App;
use crate::action::{Action, Effect, Effects};
use crate::source::is_http_url;

/// The open list of a story's links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPicker {
    /// The links by number: 0 is the story's own link (empty when it has none), then the
    /// references in the order the text numbers them, then the enclosures.
    pub links: Vec<String>,
    /// The highlighted row (an index into `links`).
    pub selected: usize,
    /// The digits typed so far.
    pub typed: String,
}

impl LinkPicker {
    /// The numbers shown, with their links: the story's own link when it has one, then the
    /// references.
    pub fn rows(&self) -> impl Iterator<Item = (usize, &str)> {
        self.links
            .iter()
            .enumerate()
            .filter(|(_, link)| !link.is_empty())
            .map(|(n, link)| (n, link.as_str()))
    }
}

impl App {
    /// `u`: lists the selected story's links, or says it has none.
    pub(super) fn show_links(&mut self) {
        let Some(story) = self.selected_story().map(|i| self.stories.story(i)) else {
            return;
        };
        let mut links = vec![story.link.clone().unwrap_or_default()];
        links.extend(story.references.iter().cloned());
        links.extend(story.enclosures.iter().map(|e| e.url.clone()));
        if links.iter().all(String::is_empty) {
            self.message = Some("This story has no links.".into());
            return;
        }
        let selected = links.iter().position(|l| !l.is_empty()).unwrap_or(0);
        self.links = Some(LinkPicker {
            links,
            selected,
            typed: String::new(),
        });
    }

    /// Takes every action while the list is open (it is modal).
    pub(super) fn pick_link(&mut self, action: Action, effects: &mut Effects) {
        let Some(picker) = self.links.as_mut() else {
            return;
        };
        let shown: Vec<usize> = picker.rows().map(|(n, _)| n).collect();
        let row = shown
            .iter()
            .position(|&n| n == picker.selected)
            .unwrap_or(0);
        let last = shown.len().saturating_sub(1);
        let target = match action {
            Action::Up => row.saturating_sub(1),
            Action::Down => (row + 1).min(last),
            Action::Top | Action::PageUp => 0,
            Action::Bottom | Action::PageDown => last,
            Action::PickLink(digit) => return self.type_number(digit, effects),
            Action::ToggleFullView | Action::OpenLink => return self.use_link(false, effects),
            Action::CopyLink => return self.use_link(true, effects),
            // Any link can be played (a player takes video pages too) or downloaded.
            Action::PlayEnclosure | Action::DownloadEnclosure => {
                let link = picker.links[picker.selected].clone();
                self.links = None;
                match action {
                    Action::PlayEnclosure => self.play(link, effects),
                    _ => self.download(link, effects),
                }
                return;
            }
            Action::Close | Action::Quit | Action::ShowLinks => {
                self.links = None;
                return;
            }
            _ => return,
        };
        picker.selected = shown.get(target).copied().unwrap_or(picker.selected);
        picker.typed.clear();
    }

    /// A digit typed: the number so far picks its link, and opens it once no longer number
    /// could be meant.
    fn type_number(&mut self, digit: u8, effects: &mut Effects) {
        let Some(picker) = self.links.as_mut() else {
            return;
        };
        picker.typed.push(char::from(b'0' + digit));
        let number: usize = picker.typed.parse().unwrap_or(usize::MAX);
        match picker.links.get(number).filter(|l| !l.is_empty()) {
            Some(_) => {
                picker.selected = number;
                // Another digit would make a number past the last: this one is complete.
                if number.saturating_mul(10) >= picker.links.len() {
                    self.use_link(false, effects);
                }
            }
            None => {
                picker.typed.clear();
                self.message = Some(format!("No link numbered {number}."));
            }
        }
    }

    /// Opens (or copies) the highlighted link and closes the list.
    fn use_link(&mut self, copy: bool, effects: &mut Effects) {
        let Some(picker) = self.links.take() else {
            return;
        };
        let link = picker.links[picker.selected].clone();
        if copy {
            self.message = Some(format!("Copied {link}"));
            effects.push(Effect::Copy(link));
        } else if is_http_url(&link) {
            self.message = Some(format!("Opening {link}"));
            effects.push(Effect::Open(link));
        } else {
            self.message = Some("Only http and https links are opened.".into());
        }
    }
}
