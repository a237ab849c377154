//! Story layout: `reader::layout_story` at any width from 1 to 300 never panics; no line (prefix
//! included) is wider than the width in unicode-width columns unless its text is a single
//! grapheme (a wide char in a narrow pane), preformatted lines excepted; each wrapped line is the
//! slice of its paragraph at its offset, with spans inside it on char boundaries; and the lines
//! of a paragraph hold its graphemes in order, whitespace aside (nothing lost, added, reordered
//! or split).
//!
//! Input: two bytes of width, a flag byte, then text. Flag bit 0 set: the text is entry HTML
//! (`html::html_to_text` makes the paragraphs); else one paragraph per line, its kind by its first
//! character (`#` heading, `>` quote, `-` bullet item, `=` raw list item, `` ` `` preformatted
//! with `\r` as its line break, `@` a reference, `!` a meta line), with a span on every other word.
#![no_main]

mod common;

use gazette::news::{Inline, Paragraph, ParagraphKind, Span, Story};
use gazette::reader::{layout_story, LineKind, StoryLine};
use gazette::sanitize::clean_line;
use libfuzzer_sys::fuzz_target;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

fuzz_target!(|data: &[u8]| {
    common::tolerate_caught_panics();
    let [w0, w1, flags, rest @ ..] = data else {
        return;
    };
    let width = 1 + u16::from_le_bytes([*w0, *w1]) % 300;
    let text = String::from_utf8_lossy(rest);
    common::run(|| {
        let (story, meta) = if flags & 1 == 1 {
            from_html(&text)
        } else {
            from_lines(&text)
        };
        check(&story, &meta, width);
        if width > 1 {
            check(&story, &meta, 1);
        }
    });
});

fn from_html(text: &str) -> (Story, Vec<String>) {
    let (title, body) = text.split_once('\n').unwrap_or((text, ""));
    let converted = gazette::html::html_to_text(body, Some("https://example.com/a/"));
    let story = Story {
        title: clean_line(title),
        paragraphs: converted.paragraphs,
        references: converted.references,
        ..Default::default()
    };
    (story, vec!["Source: fuzz".to_string()])
}

fn from_lines(text: &str) -> (Story, Vec<String>) {
    let mut lines = text.split('\n');
    let mut story = Story {
        title: clean_line(lines.next().unwrap_or("")),
        ..Default::default()
    };
    let mut meta = Vec::new();
    for line in lines {
        let mut chars = line.chars();
        let first = chars.next();
        let rest = chars.as_str();
        let (kind, text) = match first {
            Some('#') => (ParagraphKind::Heading, clean_line(rest)),
            Some('>') => (ParagraphKind::Quote, clean_line(rest)),
            Some('-') => (ParagraphKind::ListItem, format!("• {}", clean_line(rest))),
            Some('=') => (ParagraphKind::ListItem, clean_line(rest)),
            Some('`') => {
                let pre: Vec<String> = rest.split('\r').map(clean_line).collect();
                (ParagraphKind::Preformatted, pre.join("\n"))
            }
            Some('@') => {
                story.references.push(clean_line(rest));
                continue;
            }
            Some('!') => {
                meta.push(clean_line(rest));
                continue;
            }
            _ => (ParagraphKind::Text, clean_line(line)),
        };
        let spans = if kind == ParagraphKind::Preformatted {
            Vec::new()
        } else {
            every_other_word(&text)
        };
        story.paragraphs.push(Paragraph { text, kind, spans });
    }
    (story, meta)
}

/// A strong span over every other word (split on ASCII spaces).
fn every_other_word(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = None;
    let mut word = 0;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c == ' ', start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                if word % 2 == 1 {
                    spans.push(Span {
                        range: s..i,
                        style: Inline::Strong,
                    });
                }
                word += 1;
                start = None;
            }
            _ => {}
        }
    }
    spans
}

/// The text of layout block `block`: the title, the meta lines, a paragraph or a reference.
fn block_text(story: &Story, meta: &[String], block: usize) -> Option<(String, ParagraphKind)> {
    match block {
        0 => Some((story.title.clone(), ParagraphKind::Text)),
        1 => Some((meta.join(" "), ParagraphKind::Text)),
        b if b - 2 < story.paragraphs.len() => {
            let p = &story.paragraphs[b - 2];
            Some((p.text.clone(), p.kind))
        }
        b => {
            let i = b - 2 - story.paragraphs.len();
            let url = story.references.get(i)?;
            Some((format!("[{}] {url}", i + 1), ParagraphKind::Text))
        }
    }
}

/// The graphemes of `text` without their whitespace: wrapping drops and adds spaces, also the
/// space before a combining mark (" \u{301}", a lone accent), which leaves the mark on its own.
fn graphemes(text: &str) -> Vec<String> {
    text.graphemes(true)
        .map(|g| g.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|g| !g.is_empty())
        .collect()
}

fn check(story: &Story, meta: &[String], width: u16) {
    let lines = layout_story(story, meta, width);
    let w = usize::from(width);
    for line in &lines {
        check_line(story, meta, line, w);
    }
    // Block by block, the lines give back the text's graphemes in order.
    let has_text = story.has_text();
    let mut block = 0;
    while let Some(first) = lines.iter().position(|l| l.block == block) {
        let in_block = lines[first..]
            .iter()
            .take_while(|l| l.block == block)
            .filter(|l| !matches!(l.kind, LineKind::Blank | LineKind::Note));
        let wrapped: Vec<String> = in_block.flat_map(|l| graphemes(&l.text)).collect();
        match block_text(story, meta, block) {
            // Meta lines are separate lines of one block; the note of a story without text is not
            // story text.
            Some((text, kind)) if (has_text || block < 2) && block != 1 => {
                let text = if kind == ParagraphKind::Preformatted {
                    text.replace('\n', " ")
                } else {
                    text
                };
                // Nothing lost, added, reordered or split.
                assert_eq!(wrapped, graphemes(&text), "block {block} at width {width}");
            }
            _ => {}
        }
        block += 1;
    }
}

/// The narrowest a paragraph's lines can be: a quote bar and one column; a list item's indent,
/// bullet or number and the space after it, and one column (its hanging indent and one column).
fn floor(text: &str, kind: ParagraphKind) -> usize {
    match kind {
        ParagraphKind::Quote => 3,
        ParagraphKind::ListItem => {
            let rest = text.trim_start_matches(' ');
            let indent = text.len() - rest.len();
            let token = rest.split(' ').next().unwrap_or("");
            let bullet = if rest.contains(' ') && is_bullet(token) {
                token.width() + 1
            } else {
                0
            };
            indent + bullet + 1
        }
        _ => 1,
    }
}

/// A list item's marker as the reader knows one: a bullet character, or a number or letters (six
/// at most) ending in `.` or `)`.
fn is_bullet(token: &str) -> bool {
    let numbered = token
        .strip_suffix(['.', ')'])
        .is_some_and(|n| !n.is_empty() && n.len() <= 6 && n.chars().all(char::is_alphanumeric));
    numbered || ["•", "◦", "▪", "▫", "‣", "⁃", "-", "*", "+", "–"].contains(&token)
}

fn check_line(story: &Story, meta: &[String], line: &StoryLine, w: usize) {
    common::assert_clean("a line", &line.text);
    common::assert_clean("a prefix", &line.prefix);
    for (range, _) in &line.spans {
        assert!(
            range.start < range.end
                && range.end <= line.text.len()
                && line.text.is_char_boundary(range.start)
                && line.text.is_char_boundary(range.end),
            "span {range:?} in {:?}",
            line.text
        );
    }
    match line.kind {
        LineKind::Blank => {
            assert!(line.text.is_empty());
            return;
        }
        LineKind::Preformatted => return,
        _ => {}
    }
    let full = format!("{}{}", line.prefix, line.text);
    let cols = full.width();
    let floor = block_text(story, meta, line.block).map_or(1, |(text, kind)| floor(&text, kind));
    // At the narrowest, a bar or hanging indent and one grapheme, however wide.
    let widest = line
        .text
        .graphemes(true)
        .map(|g| g.width())
        .max()
        .unwrap_or(0);
    let limit = w.max(floor - 1 + widest.max(1));
    assert!(cols <= limit, "{cols} columns at width {w}: {full:?}");
    if line.kind != LineKind::Note && line.block != 1 {
        if let Some((text, _)) = block_text(story, meta, line.block) {
            assert!(
                text.get(line.offset..)
                    .is_some_and(|t| t.starts_with(&line.text)),
                "line {:?} is not at offset {} of {text:?}",
                line.text,
                line.offset
            );
        }
    }
}
