//! The reading view's text: a story laid out as wrapped lines for one width, computed once per
//! story and width (not per frame), so scrolling knows exact heights.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::news::{Inline, Paragraph, ParagraphKind, Story};
use crate::text::width as text_width;

/// What a laid-out line is, so the view can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Part of the story's title.
    Title,
    /// The source, author, date and link lines.
    Meta,
    /// Story text.
    Body,
    /// A heading inside the text.
    Heading,
    /// A line of a block quote (drawn after a bar).
    Quote,
    /// A line of preformatted text, never wrapped (cut at the pane's edge).
    Preformatted,
    /// A numbered link reference under the story (`[1] https://…`).
    Reference,
    /// A note from gazette (e.g. that the source has no text).
    Note,
    /// Spacing between blocks.
    Blank,
}

/// One display line of a story, with where it came from: `block` is the title (0), the meta lines
/// (1), a paragraph (2 and up) or the references (after the paragraphs), and `offset` the byte
/// offset in that block where the line starts. The pair finds the same place again after the
/// story is wrapped to another width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryLine {
    /// The text, at most the wrap width in columns with its prefix (longer only for a word wider
    /// than the pane, or preformatted text).
    pub text: String,
    /// How it is styled.
    pub kind: LineKind,
    /// The source block.
    pub block: usize,
    /// Byte offset of the line's start within its block.
    pub offset: usize,
    /// Drawn before the text: a quote bar or a list item's hanging indent.
    pub prefix: String,
    /// Inline styles, as byte ranges of `text`.
    pub spans: Vec<(Range<usize>, Inline)>,
}

/// Shown for a story whose text is still being read (from a feed file or the store).
pub const LOADING_NOTE: &str = "Loading the story…";
/// Shown for a headline-only story.
pub const NO_TEXT_NOTE: &str = "This source has only the headline of this story, not its text.";
/// The bar drawn before quoted lines.
pub const QUOTE_BAR: &str = "│ ";

/// Lays out `story` at `width` columns: title, the `meta` lines (source, author, date, link), then
/// paragraphs with a blank line between, then the numbered link references.
pub fn layout_story(story: &Story, meta: &[String], width: u16) -> Vec<StoryLine> {
    let width = usize::from(width.max(1));
    let mut lines = Vec::new();
    push_wrapped(
        &mut lines,
        &Paragraph::plain(story.title.as_str()),
        LineKind::Title,
        0,
        width,
        "",
    );
    for meta_line in meta {
        push_wrapped(
            &mut lines,
            &Paragraph::plain(meta_line.as_str()),
            LineKind::Meta,
            1,
            width,
            "",
        );
    }
    if !story.has_text() || story.text_pending() {
        let note = if story.text_pending() {
            LOADING_NOTE
        } else {
            NO_TEXT_NOTE
        };
        blank(&mut lines, 1);
        push_wrapped(
            &mut lines,
            &Paragraph::plain(note),
            LineKind::Note,
            2,
            width,
            "",
        );
        return lines;
    }
    for (i, paragraph) in story.paragraphs.iter().enumerate() {
        let block = i + 2;
        // List items and quote lines that follow one another stay together, as in print.
        let tight = i > 0
            && paragraph.kind == story.paragraphs[i - 1].kind
            && matches!(
                paragraph.kind,
                ParagraphKind::ListItem | ParagraphKind::Quote
            );
        if !tight {
            blank(&mut lines, block - 1);
        }
        match paragraph.kind {
            ParagraphKind::Text => {
                push_wrapped(&mut lines, paragraph, LineKind::Body, block, width, "")
            }
            ParagraphKind::Heading => {
                push_wrapped(&mut lines, paragraph, LineKind::Heading, block, width, "")
            }
            ParagraphKind::Quote => push_wrapped(
                &mut lines,
                paragraph,
                LineKind::Quote,
                block,
                width,
                QUOTE_BAR,
            ),
            ParagraphKind::ListItem => {
                // A hanging indent: wrapped lines start under the item's text, not its bullet.
                // A paragraph continuing an item has no bullet: it hangs under its own indent.
                let indent = paragraph.text.len() - paragraph.text.trim_start().len();
                let bullet = paragraph.text[indent..]
                    .find(' ')
                    .filter(|&i| is_bullet(&paragraph.text[indent..indent + i]))
                    .map_or(indent, |i| indent + i + 1);
                let hang = " ".repeat(text_width(&paragraph.text[..bullet]));
                push_wrapped(&mut lines, paragraph, LineKind::Body, block, width, &hang);
            }
            ParagraphKind::Preformatted => {
                let mut offset = 0;
                for line in paragraph.text.split('\n') {
                    lines.push(StoryLine {
                        text: line.to_string(),
                        kind: LineKind::Preformatted,
                        block,
                        offset,
                        prefix: String::new(),
                        spans: Vec::new(),
                    });
                    offset += line.len() + 1;
                }
            }
        }
    }
    if !story.references.is_empty() {
        let block = story.paragraphs.len() + 2;
        blank(&mut lines, block - 1);
        for (i, url) in story.references.iter().enumerate() {
            let reference = Paragraph::plain(format!("[{}] {url}", i + 1));
            push_wrapped(
                &mut lines,
                &reference,
                LineKind::Reference,
                block + i,
                width,
                "",
            );
        }
    }
    lines
}

fn blank(lines: &mut Vec<StoryLine>, block: usize) {
    lines.push(StoryLine {
        text: String::new(),
        kind: LineKind::Blank,
        block,
        offset: usize::MAX,
        prefix: String::new(),
        spans: Vec::new(),
    });
}

/// Wraps a paragraph to `width` columns, carrying its inline styles onto the wrapped lines. Lines
/// after the first start with `hang` (a quote bar or a list item's hanging indent); the first line
/// has it too when it is a quote bar.
fn push_wrapped(
    lines: &mut Vec<StoryLine>,
    paragraph: &Paragraph,
    kind: LineKind,
    block: usize,
    width: usize,
    hang: &str,
) {
    let text = paragraph.text.as_str();
    let first_prefix = if kind == LineKind::Quote { hang } else { "" };
    let width = width.max(text_width(hang) + 1);
    // First fit never lets a line overflow (textwrap's optimal fit would, rather than leave a long
    // gap), and costs less. Lines break at spaces; a run too long for a line (a long word, CJK
    // text, which needs no spaces) is broken here, between graphemes: textwrap breaks between
    // chars, and Unicode line breaking allows breaks inside some graphemes (before an emoji
    // modifier), so both split emoji and accented letters.
    let options = textwrap::Options::new(width)
        .initial_indent(first_prefix)
        .subsequent_indent(hang)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .break_words(false);
    let mut cursor = 0;
    let mut first = true;
    for piece in textwrap::wrap(text, options).iter() {
        let prefix = if first { first_prefix } else { hang };
        let body = piece.strip_prefix(prefix).unwrap_or(piece);
        // Lines come in order and are slices of the text, so each is found from where the last
        // ended: its offset places it in the block.
        let offset = text[cursor..].find(body).map_or(cursor, |at| cursor + at);
        cursor = offset + body.len();
        for (at, part) in fit_graphemes(body, width - text_width(prefix), width - text_width(hang))
        {
            let prefix = if first { first_prefix } else { hang };
            first = false;
            lines.push(story_line(
                paragraph,
                kind,
                block,
                offset + at,
                part,
                prefix,
            ));
        }
    }
}

/// True for a list item's marker: a bullet (`•`, `◦`, `-`, `*`, …) or a number (`1.`, `2)`, `iv.`).
fn is_bullet(token: &str) -> bool {
    let numbered = token
        .strip_suffix(['.', ')'])
        .is_some_and(|n| !n.is_empty() && n.len() <= 6 && n.chars().all(char::is_alphanumeric));
    numbered
        || matches!(
            token,
            "•" | "◦" | "▪" | "▫" | "‣" | "⁃" | "-" | "*" | "+" | "–"
        )
}

/// Splits a line too wide for `width` columns (`rest` after the first) between graphemes: (byte
/// offset, part) pairs; a grapheme wider than a whole line gets one of its own.
fn fit_graphemes(line: &str, width: usize, rest: usize) -> Vec<(usize, &str)> {
    if text_width(line) <= width {
        return vec![(0, line)];
    }
    let mut parts = Vec::new();
    let (mut start, mut used, mut limit) = (0, 0, width.max(1));
    for (at, grapheme) in line.grapheme_indices(true) {
        let w = text_width(grapheme);
        if used + w > limit && at > start {
            parts.push((start, &line[start..at]));
            (start, used, limit) = (at, 0, rest.max(1));
        }
        used += w;
    }
    parts.push((start, &line[start..]));
    parts
}

/// One line of a paragraph: `text` at byte `offset` of it, with the spans that fall in it.
fn story_line(
    paragraph: &Paragraph,
    kind: LineKind,
    block: usize,
    offset: usize,
    text: &str,
    prefix: &str,
) -> StoryLine {
    let end = offset + text.len();
    let spans = paragraph
        .spans
        .iter()
        .filter(|s| s.range.start < end && s.range.end > offset)
        .map(|s| {
            (
                s.range.start.max(offset) - offset..s.range.end.min(end) - offset,
                s.style,
            )
        })
        .collect();
    StoryLine {
        text: text.to_string(),
        kind,
        block,
        offset,
        prefix: prefix.to_string(),
        spans,
    }
}

/// The index of the line showing the place (`block`, `offset`) in `lines`: the last line that
/// starts at or before it.
pub fn line_at(lines: &[StoryLine], block: usize, offset: usize) -> usize {
    lines
        .iter()
        .rposition(|l| (l.block, l.offset) <= (block, offset))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::news::Span;

    fn story(paragraphs: &[&str]) -> Story {
        Story {
            title: "A Title".into(),
            paragraphs: paragraphs.iter().map(|s| Paragraph::plain(*s)).collect(),
            ..Story::default()
        }
    }

    fn texts(lines: &[StoryLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| format!("{}{}", l.prefix, l.text))
            .collect()
    }

    #[test]
    fn paragraphs_wrap_to_width_with_blank_lines_between() {
        let s = story(&["one two three four five six", "seven eight"]);
        let lines = layout_story(&s, &["Edition: ed".into()], 10);
        assert_eq!(
            texts(&lines),
            [
                "A Title",
                "Edition:",
                "ed",
                "",
                "one two",
                "three four",
                "five six",
                "",
                "seven",
                "eight"
            ]
        );
        assert!(lines.iter().all(|l| text_width(&l.text) <= 10));
    }

    #[test]
    fn headline_only_story_says_it_has_no_text() {
        let lines = layout_story(&story(&[]), &[], 80);
        assert_eq!(lines.last().unwrap().text, NO_TEXT_NOTE);
        assert_eq!(lines.last().unwrap().kind, LineKind::Note);
    }

    #[test]
    fn cjk_wraps_inside_runs_and_stays_within_width() {
        let s = story(&["東京都の新しい庁舎は来年に完成する予定です。"]);
        for w in 2..12 {
            for line in layout_story(&s, &[], w) {
                assert!(
                    text_width(&line.text) <= usize::from(w),
                    "{w}: {:?}",
                    line.text
                );
            }
        }
    }

    #[test]
    fn the_reading_place_survives_a_rewrap() {
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
        let s = story(&[text]);
        let narrow = layout_story(&s, &[], 12);
        let top = narrow
            .iter()
            .position(|l| l.text.starts_with("iota"))
            .unwrap();
        let wide = layout_story(&s, &[], 30);
        let again = line_at(&wide, narrow[top].block, narrow[top].offset);
        assert!(wide[again].text.contains("iota"), "{:?}", wide[again]);
    }

    #[test]
    fn rich_paragraphs_keep_their_shape_and_styles() {
        let bold = Paragraph {
            text: "The bank held rates again today".into(),
            kind: ParagraphKind::Text,
            spans: vec![Span {
                range: 9..13,
                style: Inline::Strong,
            }],
        };
        let item = |t: &str| Paragraph {
            text: t.into(),
            kind: ParagraphKind::ListItem,
            spans: vec![],
        };
        let s = Story {
            title: "T".into(),
            paragraphs: vec![
                Paragraph {
                    text: "Background".into(),
                    kind: ParagraphKind::Heading,
                    spans: vec![],
                },
                bold,
                item("• first point that wraps"),
                item("• second"),
                Paragraph {
                    text: "We will act now".into(),
                    kind: ParagraphKind::Quote,
                    spans: vec![],
                },
                Paragraph {
                    text: "code  line 1\n    indented line 2".into(),
                    kind: ParagraphKind::Preformatted,
                    spans: vec![],
                },
            ],
            references: vec!["https://example.com/a".into()],
            ..Story::default()
        };
        let lines = layout_story(&s, &[], 14);
        assert_eq!(
            texts(&lines),
            [
                "T",
                "",
                "Background",
                "",
                "The bank held",
                "rates again",
                "today",
                "",
                "• first point",
                "  that wraps",
                "• second",
                "",
                "│ We will act",
                "│ now",
                "",
                "code  line 1",
                "    indented line 2",
                "",
                // Lines break at spaces; a word too long for one, at the width.
                "[1]",
                "https://exampl",
                "e.com/a",
            ]
        );
        let held = &lines[4];
        assert_eq!(held.spans, vec![(9..13, Inline::Strong)]);
        assert_eq!(lines[2].kind, LineKind::Heading);
        assert_eq!(lines[12].kind, LineKind::Quote);
        assert_eq!(lines[16].kind, LineKind::Preformatted);
        assert_eq!(lines[18].kind, LineKind::Reference);
    }
}
