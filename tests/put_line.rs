//! `ui::put_line`, the view's fast way to set a pre-cut line into the buffer, leaves every cell as
//! ratatui's `Buffer::set_line` does for any line that fits, whatever mix of ASCII and characters
//! that join their neighbours (combining marks, ZWJ emoji, prepended marks, flags, Hangul jamo,
//! halfwidth sound marks, wide CJK, controls) and styles it holds; a line that does not fit is
//! clipped at the width.

use gazette::ui::put_line;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Pieces a span is built from: each joins, splits or widens graphemes in its own way.
const PIECES: &[&str] = &[
    "a",
    "Z",
    " ",
    "~",
    "word ",
    "\u{301}",          // combining acute: joins the character before
    "e\u{301}",         // e + combining acute
    "\u{200d}",         // ZWJ
    "👩\u{200d}👧",     // an emoji ZWJ sequence
    "\u{600}",          // Arabic number sign: a prepended mark, joins the one after
    "\u{600}1",         // ... here with an ASCII digit
    "🇫🇷",               // a flag: two regional indicators
    "\u{1f1eb}",        // a lone regional indicator
    "\u{1100}\u{1161}", // Hangul jamo L + V: one grapheme
    "\u{ff76}\u{ff9e}", // halfwidth katakana with a sound mark
    "漢字",             // wide
    "“quoted”",         // curly quotes
    "—",                // em dash
    "\t",               // controls: dropped
    "\r\n",
    "\u{1b}",
    "#\u{fe0f}\u{20e3}", // keycap: ASCII base with extenders
    "\u{e9}",            // precomposed é
    "x\u{200b}y",        // zero-width space between
];

fn span_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..6).prop_map(|p| p.concat())
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        Just(Style::new()),
        Just(Style::new().fg(Color::Yellow)),
        Just(Style::new().bg(Color::Blue).add_modifier(Modifier::BOLD)),
        Just(Style::new().add_modifier(Modifier::UNDERLINED | Modifier::REVERSED)),
    ]
}

fn line() -> impl Strategy<Value = Line<'static>> {
    (prop::collection::vec((span_text(), style()), 0..5), style()).prop_map(|(spans, base)| {
        Line::from(
            spans
                .into_iter()
                .map(|(text, style)| Span::styled(text, style))
                .collect::<Vec<_>>(),
        )
        .style(base)
    })
}

/// A buffer with something in every cell already, as a frame's buffer has after widgets drew.
fn canvas(width: u16) -> Buffer {
    let area = Rect::new(0, 0, width, 3);
    let mut buffer = Buffer::empty(area);
    for y in 0..3 {
        buffer.set_string(
            0,
            y,
            "·".repeat(usize::from(width)),
            Style::new().fg(Color::Red),
        );
    }
    buffer
}

/// Where `set_line` ends the line when nothing stops it: its width as ratatui measures it.
fn ratatui_width(line: &Line) -> u16 {
    let mut wide = Buffer::empty(Rect::new(0, 0, 400, 1));
    wide.set_line(0, 0, line, 400).0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_line_that_fits_is_set_as_set_line_sets_it(line in line(), x in 0u16..4, spare in 0u16..3) {
        let width = ratatui_width(&line) + spare;
        let area_width = x + width + 2;
        let mut expected = canvas(area_width);
        let end = expected.set_line(x, 1, &line, width).0;
        let mut fast = canvas(area_width);
        let fast_end = put_line(&mut fast, x, 1, &line, width);
        prop_assert_eq!(fast_end, end, "the column after the line");
        prop_assert_eq!(fast, expected, "{:?}", line);
    }

    #[test]
    fn a_line_that_does_not_fit_is_clipped_at_the_width(line in line(), x in 0u16..4, width in 0u16..8) {
        let area_width = x + width + 2;
        let mut buffer = canvas(area_width);
        let untouched = canvas(area_width);
        let end = put_line(&mut buffer, x, 1, &line, width);
        prop_assert!(end <= x + width);
        for column in (0..x).chain(x + width..area_width) {
            prop_assert_eq!(&buffer[(column, 1)], &untouched[(column, 1)], "column {}", column);
        }
        for y in [0, 2] {
            for column in 0..area_width {
                prop_assert_eq!(&buffer[(column, y)], &untouched[(column, y)]);
            }
        }
    }
}
