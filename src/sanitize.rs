//! Sanitising untrusted text: nothing from a document may drive the terminal.
//!
//! Every string that comes from a source passes through [`clean_line`] before it enters the model, so
//! rendering can trust what it draws. Written by hand on purpose: no crate found keeps tabs, strips C1
//! controls *and* removes bidirectional overrides, and unicode-width counts ESC as one column, so
//! unsanitised text would also break wrapping.

use unicode_width::UnicodeWidthChar;

/// Columns between tab stops when a tab is expanded to spaces.
pub const TAB_WIDTH: usize = 4;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// The 8-bit String Terminator (C1 `ST`).
const ST_C1: char = '\u{9c}';

/// Cleans one line of untrusted text.
///
/// - ESC-introduced sequences (CSI, OSC, DCS, APC, PM, SOS and two-byte escapes) are removed whole,
///   parameters and payload included;
/// - every other C0 or C1 control character and DEL is removed, alone: an 8-bit introducer (CSI,
///   OSC, DCS...) is removed but what follows it is kept, because such characters mostly come from
///   mis-decoded text (Windows-1252 leaves 0x90 and 0x9D as C1 controls) and swallowing the rest of
///   the line would lose real text; without its introducer the rest is inert;
/// - line and paragraph separators (U+2028, U+2029) become spaces;
/// - bidirectional embeddings, overrides, isolates and marks are removed (they can reorder what the
///   user sees, e.g. to disguise a link);
/// - tabs are expanded to spaces at [`TAB_WIDTH`]-column stops.
///
/// Text is otherwise kept exactly, including zero-width joiners and combining marks.
pub fn clean_line(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut column = 0usize;
    let mut chars = input.chars().peekable();
    // Set when a string payload ended at an ESC that starts another sequence.
    let mut pending_esc = false;
    loop {
        let c = if std::mem::take(&mut pending_esc) {
            ESC
        } else {
            match chars.next() {
                Some(c) => c,
                None => break,
            }
        };
        match c {
            '\t' => {
                let spaces = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            ESC => match chars.next() {
                // ESC ESC: the first is cut short by the second, which starts a sequence.
                Some(ESC) => pending_esc = true,
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | '_' | '^' | 'X') => pending_esc = skip_string(&mut chars),
                // nF escapes: intermediate bytes, then one final byte.
                Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
                    while chars
                        .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                        .is_some()
                    {}
                    // The final byte, unless an ESC cuts the sequence short.
                    chars.next_if(|&c| c != ESC);
                }
                // Two-byte escapes (ESC 7, ESC c, ...): the second byte is dropped with the ESC.
                _ => {}
            },
            // Line and paragraph separators would break a line the layout thinks is one.
            '\u{2028}' | '\u{2029}' => {
                out.push(' ');
                column += 1;
            }
            c if is_removed(c) => {}
            c => {
                out.push(c);
                column += c.width().unwrap_or(0);
            }
        }
    }
    out
}

/// True for characters that are dropped on their own: controls and bidi formatting characters.
/// (Escape sequences go whole in [`clean_line`]; this is the test for what may never be shown.)
pub fn is_removed(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' // LRM, RLM, ALM
            | '\u{202a}'..='\u{202e}'             // LRE, RLE, PDF, LRO, RLO
            | '\u{2066}'..='\u{2069}'             // LRI, RLI, FSI, PDI
        )
}

/// The longest [`error_line`] in characters, the ellipsis included: enough for a long path, a
/// position and a sentence, short enough for one terminal line or two.
pub const MAX_ERROR_CHARS: usize = 300;

/// One line of error text, safe and short: line breaks become spaces, controls and escape
/// sequences go as in [`clean_line`], and a message longer than [`MAX_ERROR_CHARS`] keeps its
/// start (which names the file and the position) and ends with `…`.
pub fn error_line(message: &str) -> String {
    let flat = message.replace(['\n', '\r'], " ");
    let clean = clean_line(&flat);
    let mut ends = clean
        .char_indices()
        .map(|(at, _)| at)
        .skip(MAX_ERROR_CHARS - 1);
    match (ends.next(), ends.next()) {
        // More than MAX_ERROR_CHARS: keep MAX_ERROR_CHARS - 1 and the ellipsis.
        (Some(end), Some(_)) => format!("{}…", clean[..end].trim_end()),
        _ => clean,
    }
}

/// True for characters XML 1.0 cannot carry, or should not (noncharacters), beyond the controls
/// [`clean_line`] removes: U+FFFE, U+FFFF and the other noncharacters (U+FDD0..U+FDEF, the last
/// two code points of every plane). A file holding one is refused by XML parsers.
pub fn is_xml_forbidden(c: char) -> bool {
    let c = u32::from(c);
    (0xfdd0..=0xfdef).contains(&c)
        || c & 0xfffe == 0xfffe
        || (c < 0x20 && !matches!(c, 0x9 | 0xa | 0xd))
}

/// A short untrusted field (a subscription's URL, name or tag) made safe to show and to write as
/// XML: runs of whitespace (line breaks too) become one space, then [`clean_line`], then
/// characters XML forbids ([`is_xml_forbidden`]) are dropped, then surrounding spaces trimmed.
/// Idempotent: a cleaned field comes out as it went in.
pub fn clean_field(text: &str) -> String {
    // Most fields are plain ASCII already clean: no need to take them apart.
    let plain = text.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ");
    if plain {
        return text.to_string();
    }
    let spaced: Vec<&str> = text.split_whitespace().collect();
    let clean: String = clean_line(&spaced.join(" "))
        .chars()
        .filter(|&c| !is_xml_forbidden(c))
        .collect();
    // Dropping a character can bring two spaces together.
    let spaced: Vec<&str> = clean.split_whitespace().collect();
    spaced.join(" ")
}

/// Skips a CSI sequence's parameter and intermediate bytes and its final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // An ESC ends the sequence and starts the next one, as in a terminal: it is left for the
    // caller, so the next sequence goes whole too.
    while let Some(c) = chars.next_if(|&c| c != ESC) {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        // A stray non-CSI character ends the sequence too, so a broken sequence cannot eat a line.
        if !('\u{20}'..='\u{3f}').contains(&c) {
            break;
        }
    }
}

/// Skips an OSC/DCS/APC/PM/SOS payload up to and including its terminator (BEL, ESC \ or C1 ST).
/// An unterminated string runs to the end of the line. Returns true when the payload ended at an
/// ESC that is not part of ST: that ESC begins the next sequence and is handed back.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    while let Some(c) = chars.next() {
        match c {
            BEL | ST_C1 => return false,
            ESC => return chars.next_if_eq(&'\\').is_none(),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_kept_exactly() {
        let s = "Trump’s “sovereignty” — $300 Million, 東京 👩‍👩‍👧 e\u{301}";
        assert_eq!(clean_line(s), s);
    }

    #[test]
    fn csi_sequences_are_removed_whole() {
        assert_eq!(clean_line("a\u{1b}[31;1mred\u{1b}[0m b"), "ared b");
        assert_eq!(clean_line("x\u{1b}[2J\u{1b}[Hy"), "xy");
        // 8-bit introducers go alone: what follows is plain text without them.
        assert_eq!(clean_line("c1\u{9b}31mcsi"), "c131mcsi");
    }

    #[test]
    fn osc_title_and_clipboard_payloads_are_removed() {
        assert_eq!(clean_line("a\u{1b}]0;pwned\u{07}b"), "ab");
        assert_eq!(clean_line("a\u{1b}]52;c;ZXZpbA==\u{1b}\\b"), "ab");
        assert_eq!(
            clean_line("\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "link"
        );
        assert_eq!(clean_line("a\u{9d}0;t\u{9c}b"), "a0;tb");
        // A payload cut short by the next sequence: the next sequence still goes whole.
        assert_eq!(
            clean_line("Headline \u{1b}]0;x\u{1b}]8;;http://evil\u{1b}\\link"),
            "Headline link"
        );
        // Mis-decoded text keeps everything after a stray C1 character.
        assert_eq!(
            clean_line("Says â€\u{9d}We Stay\u{9d} After Fire"),
            "Says â€We Stay After Fire"
        );
        // Unterminated: the rest of the line is payload.
        assert_eq!(clean_line("safe\u{1b}]0;never ends"), "safe");
    }

    #[test]
    fn dcs_apc_pm_sos_are_removed() {
        for intro in ['P', '_', '^', 'X'] {
            assert_eq!(clean_line(&format!("a\u{1b}{intro}payload\u{1b}\\b")), "ab");
        }
    }

    #[test]
    fn lone_controls_del_and_c1_are_removed() {
        assert_eq!(
            clean_line("a\u{7}b\u{8}c\u{7f}d\u{85}e\u{0}f\rg"),
            "abcdefg"
        );
        assert_eq!(clean_line("a\u{1b}7b\u{1b}(Bc"), "abc");
    }

    #[test]
    fn line_separators_become_spaces() {
        assert_eq!(clean_line("a\u{2028}b\u{2029}c"), "a b c");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_removed() {
        assert_eq!(clean_line("abc\u{202e}fed\u{202c}"), "abcfed");
        assert_eq!(clean_line("\u{2067}x\u{2069}\u{200f}"), "x");
    }

    #[test]
    fn tabs_expand_to_stops() {
        assert_eq!(clean_line("a\tb"), "a   b");
        assert_eq!(clean_line("\tx"), "    x");
        assert_eq!(clean_line("abcd\te"), "abcd    e");
        assert_eq!(clean_line("東\tx"), "東  x");
    }

    #[test]
    fn output_never_contains_a_control_character() {
        let nasty: String = (0u32..0x250)
            .filter_map(char::from_u32)
            .chain("\u{202e}\u{2066}".chars())
            .collect();
        let cleaned = clean_line(&nasty);
        assert!(cleaned.chars().all(|c| !is_removed(c)), "{cleaned:?}");
        // The tab becomes a stop's worth of spaces; printable ASCII and Latin survive. (The ESC at
        // 0x1B takes the next control character with it as a two-byte escape.)
        let printable: String = "    "
            .chars()
            .chain((0x20u8..0x7f).map(char::from))
            .chain((0xa0u32..0x250).filter_map(char::from_u32))
            .collect();
        assert_eq!(cleaned, printable);
    }

    #[test]
    fn error_lines_are_one_short_clean_line_keeping_the_start() {
        assert_eq!(
            error_line("a.toml:1:2: bad\nvalue\r\u{1b}[31m!"),
            "a.toml:1:2: bad value !"
        );
        let long = format!("/etc/x.toml:3:1: {}", "a.".repeat(100_000));
        let line = error_line(&long);
        assert_eq!(line.chars().count(), MAX_ERROR_CHARS);
        assert!(line.starts_with("/etc/x.toml:3:1: a.a.a."), "{line}");
        assert!(line.ends_with('…'));
        let short = "f:1:1: ok";
        assert_eq!(error_line(short), short);
        // Exactly at the cap: kept whole.
        let full: String = "x".repeat(MAX_ERROR_CHARS);
        assert_eq!(error_line(&full), full);
    }

    #[test]
    fn fields_lose_what_xml_forbids_and_cleaning_is_idempotent() {
        assert_eq!(
            clean_field("  A\u{ffff}B \u{fffe} \u{fdd0}C\u{10ffff}\u{1fffe}  "),
            "AB C"
        );
        assert_eq!(clean_field("Multi\nline\tname"), "Multi line name");
        assert_eq!(
            clean_field("東京 \u{fffd} e\u{301}"),
            "東京 \u{fffd} e\u{301}"
        );
        for text in ["a \u{ffff} b", " x\u{1b}[1m y ", "\u{2028}z"] {
            let once = clean_field(text);
            assert_eq!(clean_field(&once), once);
        }
        assert!(!is_xml_forbidden('\u{fffd}') && !is_xml_forbidden('\u{e000}'));
        assert!(
            is_xml_forbidden('\u{ffff}')
                && is_xml_forbidden('\u{0}')
                && is_xml_forbidden('\u{8fffe}')
        );
    }
}
