//! The story pane: the selected story's pre-wrapped lines, scrolled.

use std::ops::Range;

use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use crate::app::{App, Focus};
use crate::news::Inline;
use crate::reader::{LineKind, StoryLine};
use crate::theme::Theme;

/// How an inline style looks.
fn inline_style(inline: Inline, theme: &Theme) -> Style {
    match inline {
        Inline::Strong => Style::new().add_modifier(Modifier::BOLD),
        Inline::Emphasis => Style::new().add_modifier(Modifier::ITALIC),
        Inline::Code => theme.full_text,
        Inline::Link(_) => theme.focused.add_modifier(Modifier::UNDERLINED),
        Inline::Image => theme.dim.add_modifier(Modifier::ITALIC),
    }
}

/// Draws the story pane: border, the visible slice of the laid-out story, and the scroll position.
pub fn render_story(frame: &mut Frame, app: &App, area: Rect, text: Rect) {
    let total = app.story_lines.len();
    let height = usize::from(text.height);
    let scroll = app.story_scroll.min(total.saturating_sub(height));
    frame.render_widget(story_block(app, area, scroll, height), area);
    if app.selected_story().is_none() {
        let note = if app.stories.is_empty() {
            "No stories."
        } else {
            "No headlines match the filter."
        };
        frame.render_widget(Paragraph::new(Line::styled(note, app.theme.dim)), text);
        return;
    }
    let lines: Vec<Line> = app.story_lines[scroll.min(total)..]
        .iter()
        .take(height)
        .enumerate()
        .map(|(i, line)| {
            let marks = match_marks(app, scroll + i);
            story_line(line, &app.theme, usize::from(text.width), &marks)
        })
        .collect();
    // The lines were wrapped for this width in the state: no `Paragraph::wrap` here (ratatui #2679),
    // and no `Paragraph` at all (it would cut them into graphemes again).
    super::set_lines(frame, text, &lines);
}

/// The pane's border, with the scroll position at the bottom when the story is longer than it.
fn story_block(app: &App, area: Rect, scroll: usize, height: usize) -> Block<'static> {
    let focused = app.focus == Focus::Story || app.full_view;
    let border = if focused {
        app.theme.focused
    } else {
        app.theme.border
    };
    let title = if app.full_view {
        " Story (full view) "
    } else {
        " Story "
    };
    let block = Block::bordered().title(title).border_style(border);
    let total = app.story_lines.len();
    if total <= height || height == 0 {
        return block;
    }
    let last = (scroll + height).min(total);
    let percent = last * 100 / total;
    // The full position when it fits the border, else just the percentage: never a cut number.
    let room = usize::from(area.width).saturating_sub(4);
    let position = [
        format!(" {}-{last}/{total} {percent}% ", scroll + 1),
        format!(" {percent}% "),
    ]
    .into_iter()
    .find(|p| p.len() <= room);
    match position {
        Some(position) => block.title_bottom(Line::from(position).alignment(Alignment::Right)),
        None => block,
    }
}

/// The full-text search's matches on story line `line`, each with how it is marked: the current
/// one (where `n` and `N` went) stands out from the others.
fn match_marks(app: &App, line: usize) -> Vec<(Range<usize>, Style)> {
    let (first, found) = app.matches.on_line(line);
    let theme = &app.theme;
    (found.iter().enumerate())
        .map(|(k, (_, range))| {
            let style = if first + k == app.matches.current {
                theme.selected.add_modifier(Modifier::BOLD)
            } else {
                theme.matched.add_modifier(Modifier::REVERSED)
            };
            (range.clone(), style)
        })
        .collect()
}

/// One laid-out line of the story, styled by its kind, its inline styles and the search's
/// `marks` (byte ranges of its text), within `width`.
fn story_line<'a>(
    line: &'a StoryLine,
    theme: &Theme,
    width: usize,
    marks: &[(Range<usize>, Style)],
) -> Line<'a> {
    let style = match line.kind {
        LineKind::Title => theme.title,
        LineKind::Meta => theme.dim,
        LineKind::Note => theme.dim.add_modifier(Modifier::ITALIC),
        LineKind::Heading => Style::new().add_modifier(Modifier::BOLD),
        LineKind::Quote => theme.dim.add_modifier(Modifier::ITALIC),
        LineKind::Reference => theme.dim,
        LineKind::Body | LineKind::Preformatted | LineKind::Blank => Style::new(),
    };
    if let std::borrow::Cow::Owned(cleaned) = super::safe(&line.text) {
        // Text that missed the sanitiser: shown cleaned, without its inline styles (their byte
        // ranges are the uncleaned text's).
        let cut = crate::text::truncate(&cleaned, width);
        return Line::from(Span::styled(cut, style));
    }
    if line.kind == LineKind::Preformatted && crate::text::width(&line.text) > width {
        // Preformatted lines are never wrapped: a cut one says so.
        let cut = crate::text::truncate(&line.text, width);
        return Line::from(Span::styled(cut, style));
    }
    let mut spans = Vec::new();
    if !line.prefix.is_empty() {
        spans.push(Span::styled(super::safe(&line.prefix), theme.dim));
    }
    // The text, cut into runs at the inline styles' edges, then at the marks'.
    let mut runs = Vec::new();
    let mut at = 0;
    for (range, inline) in &line.spans {
        if range.start > at {
            runs.push((at..range.start, style));
        }
        runs.push((range.clone(), style.patch(inline_style(*inline, theme))));
        at = range.end;
    }
    if at < line.text.len() {
        runs.push((at..line.text.len(), style));
    }
    for (range, run_style) in mark(runs, marks) {
        spans.push(Span::styled(&line.text[range], run_style));
    }
    Line::from(spans)
}

/// Styled runs (in order, covering a text) with the `marks` laid over them: a run is cut where a
/// mark begins or ends, and its part under a mark takes the mark's style on top of its own.
fn mark(
    runs: Vec<(Range<usize>, Style)>,
    marks: &[(Range<usize>, Style)],
) -> Vec<(Range<usize>, Style)> {
    if marks.is_empty() {
        return runs;
    }
    let mut out = Vec::new();
    for (range, style) in runs {
        let mut at = range.start;
        for (marked, mark_style) in marks {
            let (start, end) = (marked.start.max(at), marked.end.min(range.end));
            if start >= end {
                continue;
            }
            if start > at {
                out.push((at..start, style));
            }
            out.push((start..end, style.patch(*mark_style)));
            at = end;
        }
        if at < range.end {
            out.push((at..range.end, style));
        }
    }
    out
}
