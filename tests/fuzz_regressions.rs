//! Inputs the fuzz targets (`fuzz/`) found bugs with, kept in `fuzz/regressions/<target>/`, run
//! here through the same checks so `cargo test` guards the fixes.

use std::fs;
use std::path::Path;

use gazette::html::html_to_text;
use gazette::news::{parse_document, Paragraph, ParagraphKind, Story};
use gazette::reader::{layout_story, LineKind};
use gazette::sanitize::clean_line;
use gazette::source::decode;
use gazette::text::width;
use ratatui::style::Style;
use ratatui::text::Span;

/// Every file in `fuzz/regressions/<target>/`.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), fs::read(&p).unwrap()))
        .collect()
}

/// The edition target's checks: titles and paragraphs present and clean.
fn check_edition(name: &str, bytes: &[u8]) {
    let Ok((text, _)) = decode(bytes) else {
        return;
    };
    for story in parse_document(&text, 0) {
        assert!(
            !story.title.trim().is_empty(),
            "{name}: empty title in {story:?}"
        );
        for p in &story.paragraphs {
            assert!(
                !p.text.trim().is_empty(),
                "{name}: empty paragraph in {story:?}"
            );
        }
    }
}

/// The feed target's checks (in part): parsing ends (no endless salvage of a document whose XML
/// declaration the two readers read differently: `encoding%"utf-8"`) and titles are not blank.
#[test]
fn feed_regressions() {
    for (name, bytes) in inputs("feed") {
        // An endless recursion overflows the stack and aborts the run: that is the failure.
        let parsed = std::thread::spawn(move || gazette::feed::parse_feed(&bytes, None))
            .join()
            .unwrap_or_else(|_| panic!("{name}: the parse did not return"));
        for story in parsed.map(|f| f.stories).unwrap_or_default() {
            assert!(!story.title.trim().is_empty(), "{name}: {story:?}");
        }
    }
}

#[test]
fn edition_regressions() {
    for (name, bytes) in inputs("edition") {
        check_edition(&name, &bytes);
    }
}

/// A block that is only a period is an untitled story whose derived title was "" (the period
/// stripped from the one-"sentence" paragraph): a blank row in the list.
#[test]
fn a_story_of_only_a_period_still_has_a_title() {
    let stories = parse_document(".", 0);
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0].title, ".");
    assert_eq!(parse_document("Fine words .", 0)[0].title, "Fine words");
}

/// The html target's checks: no empty paragraph outside `<pre>`, nothing unclean.
#[test]
fn html_regressions() {
    let bases = [
        None,
        Some("https://example.com/news/story.html?x=1#top"),
        Some("http://a/b/c/d;p?q"),
        Some("::"),
    ];
    for (name, bytes) in inputs("html") {
        let Some((&selector, rest)) = bytes.split_first() else {
            continue;
        };
        let Ok(html) = std::str::from_utf8(rest) else {
            continue;
        };
        let out = html_to_text(html, bases[usize::from(selector) % bases.len()]);
        for p in &out.paragraphs {
            if p.kind != ParagraphKind::Preformatted {
                assert!(!p.text.trim().is_empty(), "{name}: empty paragraph {p:?}");
            }
            assert!(
                !p.text.chars().any(|c| c.is_control() && c != '\n'),
                "{name}: {p:?}"
            );
        }
    }
}

/// An entry whose text is only a bidi override or a control character, written as a character
/// reference, gave a paragraph that cleaning left empty: a story "with text" showing nothing.
#[test]
fn html_of_only_controls_gives_no_paragraph() {
    for html in [
        "&#x202e",
        "<p>&#27;</p>",
        "<ul><li>&#x2066;</li></ul>",
        "<p>ok</p><p>&#7;</p>",
    ] {
        let paragraphs = html_to_text(html, None).paragraphs;
        assert!(
            paragraphs.iter().all(|p| !p.text.trim().is_empty()),
            "{html:?}: {paragraphs:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The wrap target: what it found in `reader::layout_story` (textwrap's optimal fit overflowing
// lines, words broken between chars rather than graphemes, line breaks inside a grapheme before
// an emoji modifier, per-char widths, the hanging indent of a list item's continuation), fixed;
// each input is checked strictly (no grapheme split, no text lost, no line wider than the pane).

/// The wrap target's input: two bytes of width (1 + n % 300), a flag byte (bit 0: the text is
/// HTML after a title line), then one paragraph per line, its kind by its first character (`#`
/// heading, `>` quote, `-` bullet item, `=` raw list item, `` ` `` preformatted with `\r` as line
/// break, `@` reference, `!` meta line).
fn wrap_input(bytes: &[u8]) -> (Story, u16) {
    let [w0, w1, flags, rest @ ..] = bytes else {
        panic!("a wrap input has at least 3 bytes");
    };
    let width = 1 + u16::from_le_bytes([*w0, *w1]) % 300;
    let text = String::from_utf8_lossy(rest);
    let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
    let mut story = Story {
        title: clean_line(title),
        ..Default::default()
    };
    if flags & 1 == 1 {
        let converted = html_to_text(body, Some("https://example.com/a/"));
        story.paragraphs = converted.paragraphs;
        story.references = converted.references;
        return (story, width);
    }
    for line in body.split('\n').filter(|_| !body.is_empty()) {
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
            Some('!') => continue,
            _ => (ParagraphKind::Text, clean_line(line)),
        };
        story.paragraphs.push(Paragraph {
            text,
            kind,
            spans: Vec::new(),
        });
    }
    (story, width)
}

/// The graphemes of `text`, whitespace aside: a line may break at a space, and a mark combined
/// with that space (`" \u{301}"`) then starts the next line without it.
fn graphemes(text: &str) -> Vec<String> {
    Span::raw(text)
        .styled_graphemes(Style::default())
        .map(|g| g.symbol.trim_start().to_string())
        .filter(|g| !g.is_empty())
        .collect()
}

/// Lays the story out at `pane` columns (and at 1) and checks each paragraph's lines: they hold
/// its graphemes in order, whitespace aside, none split, and none is wider than the pane (than its
/// bar or bullet and one grapheme, at the narrowest).
fn check_wrap(name: &str, story: &Story, pane: u16) {
    for w in [pane, 1] {
        let lines = layout_story(story, &[], w);
        for (i, p) in story.paragraphs.iter().enumerate() {
            if p.kind == ParagraphKind::Preformatted {
                continue;
            }
            let mine: Vec<_> = lines
                .iter()
                .filter(|l| l.block == i + 2 && l.kind != LineKind::Blank)
                .collect();
            let wrapped: Vec<String> = mine.iter().flat_map(|l| graphemes(&l.text)).collect();
            assert_eq!(
                wrapped,
                graphemes(&p.text),
                "{name}: a grapheme split at {w}"
            );
            let bullet = match p.kind {
                ParagraphKind::Quote => 2,
                ParagraphKind::ListItem => {
                    let item = p.text.trim_start_matches(' ');
                    let token = item.split(' ').next().unwrap_or("");
                    let is_bullet = token == "•"
                        || token.strip_suffix('.').is_some_and(|n| {
                            !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
                        });
                    p.text.len() - item.len() + if is_bullet { width(token) + 1 } else { 0 }
                }
                _ => 0,
            };
            for line in mine {
                let full = format!("{}{}", line.prefix, line.text);
                let widest = graphemes(&line.text).iter().map(|g| width(g)).max();
                let limit = usize::from(w).max(bullet + widest.unwrap_or(1));
                assert!(
                    width(&full) <= limit,
                    "{name}: {} columns at width {w}: {full:?}",
                    width(&full)
                );
            }
        }
    }
}

#[test]
fn wrap_regressions() {
    for (name, bytes) in inputs("wrap") {
        let (story, width) = wrap_input(&bytes);
        check_wrap(&name, &story, width);
    }
}

fn one_paragraph(text: &str, kind: ParagraphKind) -> Story {
    Story {
        title: "T".into(),
        paragraphs: vec![Paragraph {
            text: text.into(),
            kind,
            spans: Vec::new(),
        }],
        ..Default::default()
    }
}

fn body_lines(story: &Story, w: u16) -> Vec<String> {
    layout_story(story, &[], w)
        .into_iter()
        .filter(|l| l.block == 2 && l.kind != LineKind::Blank)
        .map(|l| format!("{}{}", l.prefix, l.text))
        .collect()
}

/// textwrap's default optimal-fit algorithm preferred overflowing a line by a column to leaving a
/// long gap: a short word before a long unbreakable one (a hash, a long compound) came out one
/// column wider than the pane, and the pane cut its last character.
#[test]
fn a_long_word_after_a_short_one_does_not_overflow() {
    let hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
    let story = one_paragraph(&format!("Go {hash} now"), ParagraphKind::Text);
    assert_eq!(body_lines(&story, 60), ["Go", hash, "now"]);
}

/// textwrap measures char by char: "❤" is one column, U+FE0F none, but the pair is drawn two
/// columns wide (unicode-width and ratatui measure it so), so the line overflowed.
#[test]
fn emoji_presentation_counts_two_columns() {
    let story = one_paragraph("I ❤\u{fe0f} it ❤\u{fe0f} ❤\u{fe0f}", ParagraphKind::Text);
    for line in body_lines(&story, 4) {
        assert!(width(&line) <= 4, "{line:?} is {} columns", width(&line));
    }
}

/// A list item's continuation paragraph (`<li><p>a</p><p>b c</p></li>` gives "  b c", with no
/// bullet) hung its wrapped lines under its second word, as if the first were a bullet: with a
/// long first word the lines were far wider than the pane.
#[test]
fn a_list_continuation_hangs_under_its_indent() {
    let html = "<ul><li><p>first</p><p>Supercalifragilisticexpialidocious words that wrap \
                around</p></li></ul>";
    let paragraphs = html_to_text(html, None).paragraphs;
    assert_eq!(paragraphs[1].kind, ParagraphKind::ListItem);
    let story = Story {
        title: "T".into(),
        paragraphs,
        ..Default::default()
    };
    let lines: Vec<String> = layout_story(&story, &[], 20)
        .into_iter()
        .map(|l| format!("{}{}", l.prefix, l.text))
        .collect();
    for line in &lines {
        assert!(width(line) <= 20, "{line:?} in {lines:#?}");
    }
}
