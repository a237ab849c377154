//! The keymap: key events become [`Action`]s here and nowhere else.

use std::collections::HashMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::action::Action;

/// The actions a user can bind, with their config names and help text, in help order.
pub const BINDABLE: &[(&str, Action, &str)] = &[
    ("up", Action::Up, "previous headline (story: scroll up)"),
    ("down", Action::Down, "next headline (story: scroll down)"),
    ("page_up", Action::PageUp, "a page up"),
    ("page_down", Action::PageDown, "a page down"),
    ("top", Action::Top, "first headline (story: top)"),
    ("bottom", Action::Bottom, "last headline (story: end)"),
    ("read_on", Action::ReadOn, "scroll the story a page down"),
    (
        "focus_next",
        Action::FocusNext,
        "switch focus: list / story",
    ),
    (
        "focus_list",
        Action::FocusList,
        "focus the headline list (from it: the feeds pane)",
    ),
    ("focus_story", Action::FocusStory, "focus the story"),
    (
        "full_view",
        Action::ToggleFullView,
        "full-width reading view",
    ),
    ("filter", Action::StartFilter, "filter headlines"),
    ("help", Action::Help, "this help"),
    ("close", Action::Close, "close help, filter, full view"),
    (
        "next_unread",
        Action::NextUnread,
        "next unread story (story: next match of a text search)",
    ),
    (
        "previous_match",
        Action::PreviousMatch,
        "previous match of a text search in the story",
    ),
    ("toggle_read", Action::ToggleRead, "mark read / unread"),
    ("star", Action::ToggleStar, "star / unstar"),
    (
        "mark_all_read",
        Action::MarkAllRead,
        "mark every listed story read",
    ),
    (
        "refresh",
        Action::Refresh,
        "refresh the selected story's feed",
    ),
    ("refresh_all", Action::RefreshAll, "refresh all feeds"),
    (
        "open_link",
        Action::OpenLink,
        "open the story's link in the browser",
    ),
    (
        "copy_link",
        Action::CopyLink,
        "copy the story's link (OSC 52)",
    ),
    (
        "article",
        Action::ToggleArticle,
        "reader mode: the whole article from the web page / the feed's text",
    ),
    (
        "links",
        Action::ShowLinks,
        "list the story's links: a number opens one",
    ),
    (
        "play",
        Action::PlayEnclosure,
        "play the story's enclosure (podcast) with the player",
    ),
    (
        "download",
        Action::DownloadEnclosure,
        "download the story's enclosure (resumes, never overwrites)",
    ),
    (
        "group_by_source",
        Action::ToggleGrouping,
        "newest first / grouped by source",
    ),
    ("feed_errors", Action::FeedErrors, "list feed errors"),
    (
        "feeds_pane",
        Action::ToggleFeeds,
        "show / hide the feeds pane (Left, Right: between panes)",
    ),
    (
        "feeds_narrower",
        Action::FeedsNarrower,
        "narrower feeds pane",
    ),
    ("feeds_wider", Action::FeedsWider, "wider feeds pane"),
    (
        "show_hidden",
        Action::ToggleHidden,
        "show / hide the stories rules hide",
    ),
    (
        "add_feed",
        Action::AddFeed,
        "add a feed (its URL, or a page's)",
    ),
    (
        "remove_feed",
        Action::RemoveFeed,
        "remove the selected feed (y/n)",
    ),
    (
        "rename_feed",
        Action::RenameFeed,
        "rename the selected feed",
    ),
    ("retag_feed", Action::RetagFeed, "retag the selected feed"),
    (
        "save_search",
        Action::SaveSearch,
        "filter: save it as a search in the feeds pane",
    ),
    ("redraw", Action::Redraw, "redraw the screen"),
    (
        "suspend",
        Action::Suspend,
        "suspend to the shell (fg resumes)",
    ),
    (
        "quit",
        Action::Quit,
        "quit; in help or the full view, back out",
    ),
];

/// Help for input that is not rebindable: Ctrl-C, typing a filter, the mouse.
const FIXED_HELP: &[(&str, &str)] = &[
    ("Ctrl-C", "quit from anywhere (exit status 130)"),
    (
        "filter: text",
        "narrows as you type (smart case, words AND)",
    ),
    ("filter: Bksp", "widens; Ctrl-W word, Ctrl-U all"),
    ("filter: Enter", "keep the filter; Esc clears it"),
    ("filter: Tab", "search headlines / whole stories"),
    (
        "filter: is:unread",
        "also is:read, is:starred, has:enclosure, source:NAME, tag:NAME",
    ),
    ("help: ↑↓", "scroll this help"),
    ("mouse", "click selects; wheel scrolls the pane"),
];

/// The config name of a bindable action.
pub fn action_name(action: Action) -> Option<&'static str> {
    BINDABLE
        .iter()
        .find(|(_, a, _)| *a == action)
        .map(|(n, _, _)| *n)
}

/// The bindable action with this config name.
pub fn action_by_name(name: &str) -> Option<Action> {
    BINDABLE
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, a, _)| a.clone())
}

/// One key with its modifiers, normalised so that a config string and a terminal event compare
/// equal: a typed character carries its case in the char itself, never in SHIFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    modifiers: KeyModifiers,
}

impl Key {
    /// A key with modifiers, normalised. A terminal sends Ctrl with a letter as one control
    /// byte, the same for either case, so `ctrl-D` is `ctrl-d`.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        let modifiers = match code {
            KeyCode::Char(_) | KeyCode::BackTab => modifiers - KeyModifiers::SHIFT,
            _ => modifiers,
        };
        let code = match code {
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Key {
            code,
            modifiers: modifiers
                & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT),
        }
    }

    /// Parses a key as written in the config: `k`, `G`, `?`, `pagedown`, `ctrl-d`, `alt-enter`.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break; // "ctrl-" alone: let the key name fail below
            }
            modifiers |= m;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            // A control or invisible character is no key to type, and would be printed raw in
            // the help.
            (Some(c), None) if !is_visible(c) => {
                return Err(format!(
                    "{text:?} is not a key (an invisible or control character)"
                ))
            }
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                f if f.starts_with('f') && f.len() > 1 => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key {text:?}")),
                },
                _ => return Err(format!("unknown key {text:?}")),
            },
        };
        // "shift-k" means the key that types "K".
        let code = match code {
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            }
            other => other,
        };
        let key = Key::new(code, modifiers);
        if key == Key::new(KeyCode::Char('c'), KeyModifiers::CONTROL) {
            return Err("ctrl-c always quits and cannot be bound".to_string());
        }
        Ok(key)
    }
}

/// True for a character that shows as something: not a control, bidi or zero-width character.
fn is_visible(c: char) -> bool {
    !crate::sanitize::is_removed(c)
        && unicode_width::UnicodeWidthChar::width(c).is_some_and(|w| w > 0)
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Insert => f.write_str("Insert"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Which input the keymap is translating for: typing a filter captures printable keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMode {
    /// Browsing: every key goes through the bindings.
    Browse,
    /// Typing a filter: characters edit the query; navigation bindings still work.
    Filter,
    /// Picking a link from a list: digits pick by number; the bindings work otherwise.
    Pick,
}

/// Key bindings: which key triggers which action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    by_key: HashMap<Key, Action>,
    /// Each bindable action's keys, in [`BINDABLE`] order, for the help overlay.
    by_action: Vec<(Action, Vec<Key>)>,
}

impl Keymap {
    /// Builds a keymap from each action's keys. The caller has checked that no key appears twice.
    pub fn new(bindings: Vec<(Action, Vec<Key>)>) -> Keymap {
        let by_key = bindings
            .iter()
            .flat_map(|(action, keys)| keys.iter().map(move |k| (*k, action.clone())))
            .collect();
        Keymap {
            by_key,
            by_action: bindings,
        }
    }

    /// Each action's keys, in help order.
    pub fn bindings(&self) -> &[(Action, Vec<Key>)] {
        &self.by_action
    }

    /// The keys bound to `action`, formatted for hints ("q", "Up/k").
    pub fn keys_for(&self, action: Action) -> String {
        self.by_action
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, keys)| {
                keys.iter()
                    .map(Key::to_string)
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    }

    /// The help text, generated from the bindings: one entry (keys, what they do) per bound
    /// action, then the input that is not rebindable.
    pub fn help_entries(&self) -> Vec<(String, String)> {
        let mut entries: Vec<(String, String)> = self
            .by_action
            .iter()
            .filter(|(_, keys)| !keys.is_empty())
            .map(|(action, keys)| {
                let description = BINDABLE
                    .iter()
                    .find(|(_, a, _)| a == action)
                    .map_or("", |(_, _, d)| *d);
                let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
                (keys.join(", "), description.to_string())
            })
            .collect();
        entries.extend(
            FIXED_HELP
                .iter()
                .map(|(k, d)| (k.to_string(), d.to_string())),
        );
        entries
    }

    /// The first key bound to `action`, for short hints.
    pub fn first_key(&self, action: Action) -> Option<Key> {
        self.by_action
            .iter()
            .find(|(a, _)| *a == action)
            .and_then(|(_, keys)| keys.first().copied())
    }

    /// Translates a key event. Only presses count (not repeats' releases); Ctrl-C always quits.
    pub fn action_for(&self, event: KeyEvent, mode: InputMode) -> Option<Action> {
        if event.kind != KeyEventKind::Press {
            return None;
        }
        let key = Key::new(event.code, event.modifiers);
        if key == Key::new(KeyCode::Char('c'), KeyModifiers::CONTROL) {
            return Some(Action::Interrupt);
        }
        if mode == InputMode::Pick {
            if let KeyCode::Char(c @ '0'..='9') = event.code {
                return Some(Action::PickLink(c as u8 - b'0'));
            }
        }
        if mode == InputMode::Filter {
            let plain = !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match (event.code, plain) {
                (KeyCode::Char(c), true) => return Some(Action::FilterInput(c)),
                (KeyCode::Char('w'), false) => return Some(Action::FilterDeleteWord),
                (KeyCode::Char('u'), false) => return Some(Action::FilterClear),
                // Ctrl-H is Backspace on some terminals.
                (KeyCode::Char('h'), false) => return Some(Action::FilterBackspace),
                (KeyCode::Backspace, _) if event.modifiers.contains(KeyModifiers::ALT) => {
                    return Some(Action::FilterDeleteWord)
                }
                (KeyCode::Backspace, _) => return Some(Action::FilterBackspace),
                (KeyCode::Enter, _) => return Some(Action::FilterAccept),
                (KeyCode::Tab, _) => return Some(Action::FilterToggleText),
                (KeyCode::Esc, _) => return Some(Action::Close),
                _ => {}
            }
            return self.by_key.get(&key).cloned().filter(|a| {
                a.is_navigation()
                    || matches!(a, Action::Redraw | Action::Suspend | Action::SaveSearch)
            });
        }
        self.by_key.get(&key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn parses_names_chars_and_modifiers() {
        assert_eq!(
            Key::parse("k").unwrap(),
            Key::new(KeyCode::Char('k'), KeyModifiers::NONE)
        );
        assert_eq!(
            Key::parse("G").unwrap(),
            Key::new(KeyCode::Char('G'), KeyModifiers::SHIFT)
        );
        assert_eq!(
            Key::parse("PageDown").unwrap(),
            Key::new(KeyCode::PageDown, KeyModifiers::NONE)
        );
        assert_eq!(
            Key::parse("ctrl-d").unwrap(),
            Key::new(KeyCode::Char('d'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            Key::parse("space").unwrap(),
            Key::new(KeyCode::Char(' '), KeyModifiers::NONE)
        );
        assert_eq!(
            Key::parse("f5").unwrap(),
            Key::new(KeyCode::F(5), KeyModifiers::NONE)
        );
        assert_eq!(
            Key::parse("-").unwrap(),
            Key::new(KeyCode::Char('-'), KeyModifiers::NONE)
        );
        assert_eq!(Key::parse("shift-k").unwrap(), Key::parse("K").unwrap());
        assert!(Key::parse("hyper-x").is_err());
        assert!(Key::parse("f13").is_err());
        assert!(Key::parse("ctrl-c").is_err());
        assert_eq!(Key::parse("ctrl-d").unwrap().to_string(), "Ctrl-d");
    }

    #[test]
    fn shifted_letters_match_their_config_spelling() {
        let map = Keymap::new(vec![(Action::Bottom, vec![Key::parse("G").unwrap()])]);
        let event = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            map.action_for(event, InputMode::Browse),
            Some(Action::Bottom)
        );
    }

    #[test]
    fn only_presses_count_and_ctrl_c_always_quits() {
        let map = Keymap::new(vec![(Action::Down, vec![Key::parse("j").unwrap()])]);
        let mut release = press(KeyCode::Char('j'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(map.action_for(release, InputMode::Browse), None);
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            map.action_for(ctrl_c, InputMode::Browse),
            Some(Action::Interrupt)
        );
        assert_eq!(
            map.action_for(ctrl_c, InputMode::Filter),
            Some(Action::Interrupt)
        );
    }

    #[test]
    fn filter_mode_types_characters_but_keeps_arrow_navigation() {
        let map = Keymap::new(vec![
            (
                Action::Down,
                vec![Key::parse("down").unwrap(), Key::parse("j").unwrap()],
            ),
            (Action::Quit, vec![Key::parse("q").unwrap()]),
        ]);
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(
            map.action_for(j, InputMode::Filter),
            Some(Action::FilterInput('j'))
        );
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(
            map.action_for(q, InputMode::Filter),
            Some(Action::FilterInput('q'))
        );
        let down = press(KeyCode::Down, KeyModifiers::NONE);
        assert_eq!(map.action_for(down, InputMode::Filter), Some(Action::Down));
        let esc = press(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(map.action_for(esc, InputMode::Filter), Some(Action::Close));
    }
}
