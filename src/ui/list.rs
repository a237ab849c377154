//! The headline list pane.

use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

use crate::app::{App, Focus};
use crate::dates::{self, SHORT_WIDTH};
use crate::layout::{inner, TITLE_GOAL};
use crate::text::{truncate, width, ELLIPSIS};

/// The mark of a story not read yet.
pub const UNREAD_MARK: &str = "●";
/// The mark of a starred story (in place of the full-text mark).
pub const STAR_MARK: &str = "★ ";
/// The mark before a story that has its full text; headline-only stories get blanks.
pub const FULL_TEXT_MARK: &str = "▪ ";
const NO_TEXT_MARK: &str = "  ";
/// Edition labels are cut to at most this many columns.
const MAX_LABEL_WIDTH: usize = 16;
/// Characters kept before a match when the title is shifted to show it.
const MATCH_CONTEXT: usize = 8;

/// Draws the headlines that pass the filter, the selected one highlighted and on screen.
pub fn render_list(frame: &mut Frame, app: &App, area: Rect) {
    frame.render_widget(list_block(app, area), area);
    let rows = inner(area);
    let height = usize::from(rows.height);
    if height == 0 || rows.width == 0 {
        return;
    }
    // The same rule as the state's scrolling, in case this frame is not the size the app saw.
    let mut offset = app.list_offset.min(app.selected);
    if app.selected >= offset + height {
        offset = app.selected + 1 - height;
    }
    let shown = &app.visible[offset.min(app.visible.len())..];
    let shown = &shown[..height.min(shown.len())];
    let columns = Columns::for_rows(app, rows, shown);
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .map(|(row, &index)| row_line(app, &columns, index, offset + row == app.selected))
        .collect();
    // Lines are pre-cut to the width: set straight into the buffer (a `Paragraph` would cut them
    // into graphemes again, a fifth of a frame's cost).
    super::set_lines(frame, rows, &lines);
}

/// The pane's border: the count of headlines on top, the selected row's place at the bottom.
fn list_block(app: &App, area: Rect) -> Block<'static> {
    let focused = app.focus == Focus::List && !app.full_view;
    let counts = if app.parsed_query.is_empty() {
        format!("({})", app.stories.len())
    } else {
        format!("({}/{})", app.visible.len(), app.stories.len())
    };
    // Shorter titles on narrow panes rather than a number cut short by the corner.
    let room = usize::from(area.width).saturating_sub(2);
    let short = if app.parsed_query.is_empty() {
        " Headlines ".to_string()
    } else {
        format!(" {counts} ")
    };
    let count = [format!(" Headlines {counts} "), short]
        .into_iter()
        .find(|t| width(t) <= room)
        .unwrap_or_else(|| truncate(" Headlines", room));
    let border = if focused {
        app.theme.focused
    } else {
        app.theme.border
    };
    let mut block = Block::bordered().title(count).border_style(border);
    if !app.visible.is_empty() {
        let position = format!(" {}/{} ", app.selected + 1, app.visible.len());
        if width(&position) + 2 <= usize::from(area.width) {
            block = block.title_bottom(Line::from(position).alignment(Alignment::Right));
        }
    }
    block
}

/// What every row on screen shows besides its title: the width of the rows, of the edition
/// column (0 for none) and whether there is a date column.
struct Columns {
    row_width: usize,
    label_width: usize,
    dated: bool,
    now: chrono::DateTime<chrono::Local>,
}

impl Columns {
    /// The columns for these rows. The source column is left out when every listed story has one
    /// source; then, while a listed headline would get fewer than [`TITLE_GOAL`] columns (or
    /// fewer than the widest needs), the source column goes, and next the date.
    fn for_rows(app: &App, rows: Rect, shown: &[usize]) -> Columns {
        let row_width = usize::from(rows.width);
        let title_room = row_width.saturating_sub(width(UNREAD_MARK) + width(NO_TEXT_MARK));
        // No column makes way for headlines that fit beside it.
        let goal = usize::from(TITLE_GOAL).min(app.listed_title_width());
        let mut label_width = if app.editions.len() > 1 && !app.one_source_listed() {
            let widest = app
                .editions
                .iter()
                .map(|e| width(&super::safe(&e.name)))
                .max()
                .unwrap_or(0);
            widest.min(MAX_LABEL_WIDTH).min(row_width / 4)
        } else {
            0
        };
        // A date column when any row on screen has a date.
        let mut dated = shown.iter().any(|&i| app.stories.published(i).is_some());
        let date_width = |dated: bool| if dated { SHORT_WIDTH + 1 } else { 0 };
        let label_room = |label: usize| if label > 0 { label + 1 } else { 0 };
        if title_room.saturating_sub(date_width(dated) + label_room(label_width)) < goal {
            label_width = 0;
        }
        if title_room.saturating_sub(date_width(dated)) < goal {
            dated = false;
        }
        Columns {
            row_width,
            label_width,
            dated,
            now: chrono::Local::now(),
        }
    }
}

/// One headline's row: the unread and star or text marks, the date and edition columns, and the
/// title (shifted to show the filter's matches), filled to the width.
fn row_line(app: &App, columns: &Columns, index: usize, selected: bool) -> Line<'static> {
    let theme = &app.theme;
    let stories = &app.stories;
    // On the selected row the selection colours win over every other colour.
    let (plain, dim, mark_style, matched) = if selected {
        let bar = theme.selected;
        let matched = bar.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        (bar, bar, bar, matched)
    } else {
        (Style::new(), theme.dim, theme.full_text, theme.matched)
    };
    let mut spans = Vec::new();
    let unread = if app.read()[index] { " " } else { UNREAD_MARK };
    spans.push(Span::styled(
        unread,
        if selected { plain } else { theme.focused },
    ));
    let (mark, mark_style) = if app.starred[index] {
        (STAR_MARK, if selected { plain } else { theme.matched })
    } else if stories.has_text(index) {
        (FULL_TEXT_MARK, mark_style)
    } else {
        (NO_TEXT_MARK, mark_style)
    };
    spans.push(Span::styled(mark, mark_style));
    let mut used = width(unread) + width(mark);
    if columns.dated {
        let date = (stories.published(index))
            .map_or_else(|| " ".repeat(SHORT_WIDTH), |t| dates::short(t, columns.now));
        spans.push(Span::styled(format!("{date} "), dim));
        used += SHORT_WIDTH + 1;
    }
    if columns.label_width > 0 {
        let label = truncate(
            &super::safe(&app.editions[stories.source(index)].name),
            columns.label_width,
        );
        let pad = columns.label_width.saturating_sub(width(&label)) + 1;
        spans.push(Span::styled(format!("{label}{}", " ".repeat(pad)), dim));
        used += columns.label_width + 1;
    }
    let room = columns.row_width.saturating_sub(used);
    // Match positions index the title as stored; a title that had to be cleaned here shows
    // without them.
    let (title, positions) = match super::safe(stories.title(index)) {
        std::borrow::Cow::Borrowed(title) => {
            let positions = app.parsed_query.positions(title).unwrap_or_default();
            window(title, &positions, room)
        }
        std::borrow::Cow::Owned(title) => window(&title, &[], room),
    };
    let base = if stories.has_text(index) { plain } else { dim };
    spans.extend(highlight(&title, &positions, base, matched));
    used += width(&title);
    // Fill the row so the selection bar spans the pane.
    spans.push(Span::styled(
        " ".repeat(columns.row_width.saturating_sub(used)),
        plain,
    ));
    Line::from(spans)
}

/// The part of `title` to show in `room` columns, with the match positions moved to match: the
/// start, cut with "…", when that shows every match; else, as fzf does, a window that starts with
/// "…" and shows the matches: the end of the title when it holds them all, or else the text from a
/// little before the first match.
fn window(title: &str, positions: &[usize], room: usize) -> (String, Vec<usize>) {
    let cut = truncate(title, room);
    let shown = cut.chars().count().saturating_sub(1);
    let (Some(&first), Some(&last)) = (positions.first(), positions.last()) else {
        return (cut, Vec::new());
    };
    if width(title) <= room || last < shown {
        return (cut, positions.to_vec());
    }
    let chars: Vec<char> = title.chars().collect();
    // The earliest start from which the rest of the title fits after the "…".
    let mut tail_start = chars.len();
    let mut used = 0;
    while tail_start > 0 {
        let w = unicode_width::UnicodeWidthChar::width(chars[tail_start - 1]).unwrap_or(0);
        if used + w + 1 > room {
            break;
        }
        used += w;
        tail_start -= 1;
    }
    let start = if tail_start <= first {
        // Begin at a word when there is room to spare before the first match.
        (tail_start..=first)
            .find(|&i| i == 0 || chars[i - 1] == ' ')
            .filter(|&i| i <= first)
            .unwrap_or(tail_start)
    } else {
        first.saturating_sub(MATCH_CONTEXT)
    };
    let rest: String = chars[start..].iter().collect();
    let text = format!("{ELLIPSIS}{}", rest.trim_start());
    let skipped = rest.chars().count() - rest.trim_start().chars().count();
    let moved = positions
        .iter()
        .filter(|&&p| p >= start + skipped)
        .map(|p| p - start - skipped + 1)
        .collect();
    (truncate(&text, room), moved)
}

/// Splits `text` into spans, styling the chars at `positions` (sorted char indices) as matched.
fn highlight(text: &str, positions: &[usize], base: Style, matched: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut current = String::new();
    let mut current_matched = false;
    let mut next = positions.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        let is_match = next.next_if(|&&p| p == i).is_some();
        if is_match != current_matched && !current.is_empty() {
            let style = if current_matched {
                base.patch(matched)
            } else {
                base
            };
            spans.push(Span::styled(std::mem::take(&mut current), style));
        }
        current_matched = is_match;
        current.push(c);
    }
    if !current.is_empty() {
        spans.push(Span::styled(
            current,
            if current_matched {
                base.patch(matched)
            } else {
                base
            },
        ));
    }
    spans
}
