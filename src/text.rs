//! Display-width helpers: cutting text to a number of terminal columns (CJK and emoji are two wide).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The mark appended to text that was cut short.
pub const ELLIPSIS: char = '…';

/// Display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    s.width()
}

/// Cuts `s` to at most `max` columns, ending with "…" when anything was cut.
///
/// Never splits a wide character: a two-column character that would straddle the limit is dropped
/// and the line comes out one column short rather than one column too long.
pub fn truncate(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let budget = max - 1; // room for the ellipsis
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push(ELLIPSIS);
    out
}

/// Cuts `s` from the left to at most `max` columns, starting with "…" when anything was cut: the
/// end stays in view (a query being typed).
pub fn truncate_start(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1; // the ellipsis
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > max {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once(ELLIPSIS)
        .chain(kept.into_iter().rev())
        .collect()
}

/// Cuts `s` to at most `max` columns at a word boundary, ending with "…" when anything was cut.
/// Falls back to a character cut when the first word alone is too long.
pub fn truncate_words(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(1);
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if s[..i].width() > budget {
                break;
            }
            end = i;
        }
    }
    if end == 0 {
        return truncate(s, max);
    }
    // Trailing punctuation before the ellipsis reads badly ("Mexico,…").
    let kept = s[..end].trim_end_matches(|c: char| c.is_whitespace() || ",;:—–-".contains(c));
    format!("{kept}{ELLIPSIS}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_counts_columns_not_chars() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        // Each ideograph is two columns: 3 fit in 7 with the ellipsis.
        assert_eq!(truncate("東京都庁舎ビル", 7), "東京都…");
        // A wide char that would straddle the edge is dropped.
        assert_eq!(truncate("東京都庁舎ビル", 6), "東京…");
        assert!(width(&truncate("a🌞b🌞c🌞", 4)) <= 4);
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
    }

    #[test]
    fn truncate_start_keeps_the_end() {
        assert_eq!(truncate_start("abc", 5), "abc");
        assert_eq!(truncate_start("/ukraine peace", 8), "…e peace");
        assert_eq!(truncate_start("東京都庁", 5), "…都庁");
    }

    #[test]
    fn truncate_words_cuts_at_a_space() {
        assert_eq!(truncate_words("one two three", 20), "one two three");
        assert_eq!(truncate_words("one two three", 10), "one two…");
        assert_eq!(truncate_words("cartels, and more", 12), "cartels…");
        assert_eq!(truncate_words("Supercalifragilistic word", 8), "Superca…");
    }
}
