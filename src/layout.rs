//! Screen geometry: where each pane goes for a terminal size. Pure, shared by the view (to draw)
//! and the app state (to size pages, wrap text and map mouse clicks).

use ratatui::layout::Rect;

/// Below this many columns the panes are not drawn; the screen says it is too small.
pub const MIN_WIDTH: u16 = 20;
/// Below this many rows the panes are not drawn.
pub const MIN_HEIGHT: u16 = 5;

/// The story pane keeps at least this many columns (or half the screen, if less).
pub const MIN_STORY_WIDTH: u16 = 30;

/// Columns of headline the list aims to show on every row ([`crate::ui`]'s list drops its date
/// and source columns before it shows fewer).
pub const TITLE_GOAL: u16 = 40;
/// The list's columns besides a headline: borders (2), the unread and text marks (3).
const LIST_CHROME: u16 = 5;
/// The date and source columns at their widest (a date and a 16-column source, each with a
/// space after it).
const LIST_COLUMNS: u16 = 8 + 17;
/// A story pane at least this wide leaves room to widen the list for its date and source
/// columns; a narrower terminal keeps only the headline's room.
const COMFORTABLE_STORY_WIDTH: u16 = 66;

/// How wide the list is: the configured share of `width`, widened where that leaves fewer than
/// [`TITLE_GOAL`] columns of headline: to the headline's room (and the ellipsis) while the story
/// keeps [`MIN_STORY_WIDTH`] columns, and to that with the date and source columns while the
/// story keeps [`COMFORTABLE_STORY_WIDTH`]. At 80 columns the list is 46 wide (40% was 32, with
/// 12 characters of headline); from about 180 on, the configured share alone is enough.
fn list_width(width: u16, percent: u16) -> u16 {
    let share = (u32::from(width) * u32::from(percent) / 100) as u16;
    let bare = LIST_CHROME + TITLE_GOAL + 1;
    let readable = bare.min(width.saturating_sub(MIN_STORY_WIDTH));
    let with_columns = (bare + LIST_COLUMNS).min(width.saturating_sub(COMFORTABLE_STORY_WIDTH));
    share.max(readable).max(with_columns)
}

/// The areas of one screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The headline list with its border; `None` in the full-width reading view.
    pub list: Option<Rect>,
    /// The story pane with its border.
    pub story: Rect,
    /// Where the story's wrapped lines go, inside the border, at the reading measure.
    pub text: Rect,
    /// The status bar.
    pub status: Rect,
}

impl Panes {
    /// Computes the panes, or `None` when the terminal is too small to use.
    pub fn new(
        area: Rect,
        list_percent: u16,
        reading_width: u16,
        full_view: bool,
    ) -> Option<Panes> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let main = Rect {
            height: area.height - 1,
            ..area
        };
        let status = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        let (list, story) = if full_view {
            (None, main)
        } else {
            // The story keeps room to be read however wide the list is configured.
            let story_min = (main.width / 2).min(MIN_STORY_WIDTH);
            let list_width = list_width(main.width, list_percent).clamp(8, main.width - story_min);
            let list = Rect {
                width: list_width,
                ..main
            };
            let story = Rect {
                x: main.x + list_width,
                width: main.width - list_width,
                ..main
            };
            (Some(list), story)
        };
        let inner = inner(story);
        // One column of padding each side of the text, then the reading measure.
        let available = inner.width.saturating_sub(2).max(1);
        let text_width = available.min(reading_width);
        let left = if full_view {
            (available - text_width) / 2
        } else {
            0
        };
        let text = Rect {
            x: inner.x + (1 + left).min(inner.width.saturating_sub(1)),
            width: text_width.min(inner.width),
            ..inner
        };
        Some(Panes {
            list,
            story,
            text,
            status,
        })
    }

    /// The rows inside the list's border.
    pub fn list_inner(&self) -> Option<Rect> {
        self.list.map(inner)
    }
}

/// The screen with the feeds pane `feeds` columns wide on the left of the other panes (at most a
/// third of the width; none in the full view or with too little room), the status bar across the
/// whole width: the pane's area, if any, and the other panes. `(list_percent, reading_width)` as
/// for [`Panes::new`].
pub fn with_feeds(
    area: Rect,
    (list_percent, reading_width): (u16, u16),
    full_view: bool,
    feeds: Option<u16>,
) -> Option<(Option<Rect>, Panes)> {
    let width = feeds
        .filter(|_| !full_view)
        .map(|w| w.min(area.width / 3))
        .filter(|&w| w >= 8 && area.width - w >= MIN_WIDTH);
    let Some(width) = width else {
        let panes = Panes::new(area, list_percent, reading_width, full_view)?;
        return Some((None, panes));
    };
    let rest = Rect {
        x: area.x + width,
        width: area.width - width,
        ..area
    };
    let mut panes = Panes::new(rest, list_percent, reading_width, full_view)?;
    panes.status = Rect {
        x: area.x,
        width: area.width,
        ..panes.status
    };
    let feeds = Rect {
        width,
        height: area.height - 1,
        ..area
    };
    Some((Some(feeds), panes))
}

/// The area inside a one-cell border.
pub fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

/// The help overlay's widest size, in columns.
pub const HELP_MAX_WIDTH: u16 = 64;
/// Key names are cut to at most this many columns in the help.
pub const HELP_KEY_WIDTH: usize = 18;

/// The help as drawn in a terminal `width` columns wide: one row per line, the keys on an entry's
/// first row and its description wrapped beside them (never cut). Shared by the view, which
/// draws these rows, and the state, which scrolls through them.
pub fn help_rows(entries: &[(String, String)], width: u16) -> Vec<(String, String)> {
    let room = usize::from(
        width
            .saturating_sub(4)
            .min(HELP_MAX_WIDTH)
            .saturating_sub(2),
    );
    let key_width = help_key_width(entries);
    let text_room = room.saturating_sub(key_width + 3).max(8);
    let mut rows = Vec::new();
    for (keys, description) in entries {
        let wrapped = textwrap::wrap(description, text_room);
        for (i, line) in wrapped.iter().enumerate() {
            let keys = if i == 0 { keys.clone() } else { String::new() };
            rows.push((keys, line.to_string()));
        }
        if wrapped.is_empty() {
            rows.push((keys.clone(), String::new()));
        }
    }
    rows
}

/// The column the help's keys take: the widest key names, up to [`HELP_KEY_WIDTH`].
pub fn help_key_width(entries: &[(String, String)]) -> usize {
    entries
        .iter()
        .map(|(k, _)| crate::text::width(k))
        .max()
        .unwrap_or(0)
        .min(HELP_KEY_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_pane_respects_percent_and_measure() {
        let p = Panes::new(Rect::new(0, 0, 200, 30), 40, 80, false).unwrap();
        assert_eq!(p.list, Some(Rect::new(0, 0, 80, 29)));
        assert_eq!(p.story, Rect::new(80, 0, 120, 29));
        assert_eq!(p.text, Rect::new(82, 1, 80, 27));
        assert_eq!(p.status, Rect::new(0, 29, 200, 1));
    }

    #[test]
    fn the_list_widens_where_its_share_leaves_headlines_unreadable() {
        let list = |w: u16| Panes::new(Rect::new(0, 0, w, 24), 40, 80, false).unwrap();
        // (terminal width, list width): 40 columns of headline from 80 on, the date and source
        // columns too once the story keeps 66, the configured share from 178 on.
        for (width, expected) in [
            (60, 30),
            (80, 46),
            (100, 46),
            (120, 54),
            (140, 71),
            (160, 71),
            (200, 80),
        ] {
            let p = list(width);
            assert_eq!(p.list.unwrap().width, expected, "at {width}");
            assert!(p.story.width >= 30, "at {width}");
        }
    }

    #[test]
    fn a_wide_list_leaves_the_story_room() {
        let p = Panes::new(Rect::new(0, 0, 40, 20), 90, 80, false).unwrap();
        assert_eq!(p.story.width, 20);
        let p = Panes::new(Rect::new(0, 0, 100, 20), 90, 80, false).unwrap();
        assert_eq!(p.story.width, 30);
    }

    #[test]
    fn full_view_centres_the_measure() {
        let p = Panes::new(Rect::new(0, 0, 120, 40), 40, 80, true).unwrap();
        assert_eq!(p.list, None);
        assert_eq!(p.text.width, 80);
        assert_eq!(p.text.x, 1 + 1 + (116 - 80) / 2);
    }

    #[test]
    fn too_small_is_none_and_every_size_is_safe() {
        assert_eq!(Panes::new(Rect::new(0, 0, 19, 30), 40, 80, false), None);
        assert_eq!(Panes::new(Rect::new(0, 0, 100, 4), 40, 80, false), None);
        for w in MIN_WIDTH..60 {
            for h in MIN_HEIGHT..12 {
                for full in [false, true] {
                    let area = Rect::new(0, 0, w, h);
                    let p = Panes::new(area, 90, 20, full).unwrap();
                    assert!(area.contains(p.text.as_position()) && p.text.right() <= area.right());
                }
            }
        }
    }
}
