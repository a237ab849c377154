//! Lists: the block prefixes read off html2text's lines, and the numbers of ordered lists.
//!
//! html2text numbers an `<ol>` from its `start` with i64 arithmetic that wraps (or panics) near
//! `i64::MAX`, and ignores `reversed`. So before it sees the document, each `<ol>` gets a `start`
//! of its own as its first attribute (the parser keeps the first of duplicate attributes): a code
//! naming the list. The number html2text gives an item is then the list's code plus the item's
//! index, which [`Lists::label`] turns into the number the HTML asks for, counted in i128.

use super::{BULLET, HEADING, LIST_PREFIX, NUMBER, QUOTE};

/// The first list's code; each list's is `STRIDE` more than the one before. Far from any number
/// a feed writes itself, and every code plus any index stays within 19 digits.
const BASE: i64 = 1 << 60;
/// Items per list told apart (more than a capped entry can hold).
const STRIDE: i64 = 1 << 32;

/// One `<ol>`: its own `start`, whether it counts down, and how many items it has.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Ordered {
    start: Option<i64>,
    reversed: bool,
    items: i64,
}

/// The ordered lists of a document, by code.
#[derive(Debug, Default)]
pub(super) struct Lists(Vec<Ordered>);

impl Lists {
    /// The label of the item html2text numbered `number`: "3.", "-2.", "9223372036854775808.".
    fn label(&self, number: &str) -> String {
        let decoded = number.parse::<i64>().ok().and_then(|n| {
            let offset = n.checked_sub(BASE).filter(|offset| *offset >= 0)?;
            let list = self.0.get(usize::try_from(offset / STRIDE).ok()?)?;
            let index = i128::from(offset % STRIDE);
            Some(match (list.reversed, list.start) {
                (false, start) => i128::from(start.unwrap_or(1)) + index,
                (true, start) => i128::from(start.unwrap_or(list.items)) - index,
            })
        });
        // A number that is no code (html2text saw a list this scan missed) is shown as given.
        match decoded {
            Some(n) => format!("{n}."),
            None => format!("{number}."),
        }
    }
}

/// Gives each `<ol>` of `html` its code (see the module's notes), and returns what each list
/// asked for. Comments, the insides of tags and of `<script>` and `<style>` are skipped, as the
/// parser skips them; the items of a list are its `<li>`s outside any list nested in it.
pub(super) fn number_lists(html: &str) -> (String, Lists) {
    let lower = html.to_ascii_lowercase(); // same byte offsets as `html`
    let (mut out, mut copied, mut at) = (String::with_capacity(html.len() + 64), 0, 0);
    let mut lists = Vec::new();
    // The lists open around `at`: the code of an `<ol>`, None for a `<ul>` or `<menu>`.
    let mut open: Vec<Option<usize>> = Vec::new();
    while let Some(found) = lower[at..].find('<') {
        let start = at + found;
        if lower[start..].starts_with("<!--") {
            at = lower[start..]
                .find("-->")
                .map_or(lower.len(), |e| start + e + 3);
            continue;
        }
        let end = tag_end(&lower, start + 1);
        let (closing, name) = tag_name(&lower[start + 1..end]);
        at = end;
        match (closing, name) {
            (false, "ol") => {
                lists.push(ordered(&html[start + 3..end]));
                out.push_str(&html[copied..start + 3]);
                let code = BASE + STRIDE * (lists.len() as i64 - 1);
                out.push_str(&format!(" start=\"{code}\""));
                copied = start + 3;
                open.push(Some(lists.len() - 1));
            }
            (false, "ul" | "menu") => open.push(None),
            (false, "li") => {
                if let Some(Some(list)) = open.last() {
                    lists[*list].items += 1;
                }
            }
            (true, "ol" | "ul" | "menu") => {
                let kind = |n: &Option<usize>| n.is_some() == (name == "ol");
                open.truncate(open.iter().rposition(kind).unwrap_or(open.len()));
            }
            (false, "script" | "style") => {
                at = lower[at..]
                    .find(&format!("</{name}"))
                    .map_or(lower.len(), |e| at + e);
            }
            _ => {}
        }
    }
    out.push_str(&html[copied..]);
    (out, Lists(lists))
}

/// Where the tag whose name starts at `from` ends: after its `>`, quoted values skipped.
fn tag_end(lower: &str, from: usize) -> usize {
    let mut quote = None;
    for (i, c) in lower[from..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return from + i + 1,
            _ => {}
        }
    }
    lower.len()
}

/// Whether a tag (the text after its `<`) is an end tag, and its name.
fn tag_name(tag: &str) -> (bool, &str) {
    let closing = tag.starts_with('/');
    let tag = &tag[usize::from(closing)..];
    let len = tag.bytes().take_while(u8::is_ascii_alphanumeric).count();
    // `<olé>` is an element of another name, not an `<ol>`.
    let ends = |b: &u8| b.is_ascii_whitespace() || matches!(b, b'/' | b'>');
    match tag.as_bytes().get(len) {
        Some(next) if !ends(next) => (closing, ""),
        _ => (closing, &tag[..len]),
    }
}

/// What an `<ol>` tag's attributes (the text after `<ol`) ask for.
fn ordered(attributes: &str) -> Ordered {
    let mut list = Ordered::default();
    let mut rest = attributes.trim_end_matches('>');
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '/'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            return list;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        rest = rest[name_len..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (&after[1..close], after.get(close + 1..).unwrap_or(""))
                }
                _ => after.split_at(
                    after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len()),
                ),
            };
            (value, rest) = (v, r);
        }
        // The first of duplicate attributes counts, as in the parser.
        match name.as_str() {
            "start" if list.start.is_none() => list.start = Some(integer(value).unwrap_or(1)),
            "reversed" => list.reversed = true,
            _ => {}
        }
    }
}

/// HTML's "valid integer", leniently: leading whitespace, a sign, digits (what follows them is
/// ignored); beyond i64, the nearest i64. `None` without digits.
fn integer(text: &str) -> Option<i64> {
    let text = text.trim_start();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let digits = &digits[..digits.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    let magnitude = digits.bytes().fold(0i128, |n, d| {
        (n * 10 + i128::from(d - b'0')).min(i128::from(i64::MAX) + 1)
    });
    let value = if negative { -magnitude } else { magnitude };
    Some(value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

/// The block structure read off a line's prefixes.
#[derive(Default)]
pub(super) struct Prefix {
    pub(super) heading: bool,
    pub(super) quote: bool,
    /// Enclosing lists.
    pub(super) levels: usize,
    /// The bullet ("•", "3.") when the line starts a list item.
    pub(super) bullet: Option<String>,
}

/// Reads the prefixes at the start of a line; returns them and where the content starts. Spaces
/// before `pre_at` (where `<pre>` text begins) indent list continuations (or `<dd>`). Numbers are
/// labelled as `lists` says.
pub(super) fn parse_prefix(text: &str, pre_at: usize, lists: &Lists) -> (Prefix, usize) {
    let (mut p, mut at) = (Prefix::default(), 0);
    loop {
        let rest = &text[at..];
        let list = rest
            .get(..LIST_PREFIX)
            .filter(|m| m.starts_with(BULLET) || m.starts_with(NUMBER));
        if rest.starts_with(HEADING) || rest.starts_with(QUOTE) {
            p.heading |= rest.starts_with(HEADING);
            p.quote |= rest.starts_with(QUOTE);
            at += 2;
        } else if let Some(mark) = list {
            let number = mark.strip_prefix(NUMBER).map(|n| lists.label(n.trim_end()));
            p.bullet = Some(number.unwrap_or_else(|| "•".to_string()));
            p.levels += 1;
            at += LIST_PREFIX;
        } else if rest.starts_with(' ') && at < pre_at {
            let spaces = rest[..pre_at - at].len() - rest[..pre_at - at].trim_start().len();
            p.levels += spaces / LIST_PREFIX;
            at += spaces;
        } else {
            return (p, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::html_to_text;
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        let out = html_to_text(html, None).paragraphs;
        out.into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn a_start_near_the_end_of_i64_counts_on_without_wrapping() {
        let html = format!(
            "<ol start=\"{}\"><li>a</li><li>b</li><li>c</li></ol>",
            i64::MAX - 1
        );
        assert_eq!(
            texts(&html),
            [
                "9223372036854775806. a",
                "9223372036854775807. b",
                "9223372036854775808. c"
            ]
        );
        // Beyond i64 it is the nearest i64; below it too.
        let html = "<ol start=99999999999999999999><li>a</li></ol>\
                    <ol start=-99999999999999999999 reversed><li>b</li><li>c</li></ol>";
        assert_eq!(
            texts(html),
            [
                "9223372036854775807. a",
                "-9223372036854775808. b",
                "-9223372036854775809. c"
            ]
        );
    }

    #[test]
    fn reversed_lists_count_down() {
        let html = "<ol reversed><li>a</li><li>b</li><li>c</li></ol>\
                    <OL Reversed START='10'><li>x</li><li>y</li></OL>\
                    <ol start=\"2\" reversed=\"\"><li>p</li><li>q</li><li>r</li></ol>";
        assert_eq!(
            texts(html),
            ["3. a", "2. b", "1. c", "10. x", "9. y", "2. p", "1. q", "0. r"]
        );
    }

    #[test]
    fn nested_lists_keep_their_own_numbers() {
        let html = "<ol reversed><li>a<ol start=7><li>x</li><li>y</li></ol></li>\
                    <li>b<ul><li>u</li><li>v</li></ul></li></ol>";
        assert_eq!(
            texts(html),
            ["2. a", "  7. x", "  8. y", "1. b", "  • u", "  • v"]
        );
    }

    #[test]
    fn only_real_list_tags_are_numbered() {
        // The first `start` counts; a list in a comment, an attribute or a script is no list.
        let html = "<!-- <ol> --><p><img alt=\"<ol reversed>\" src=x></p>\
                    <script>var s = '<ol>';</script><olé><li>z</li></olé>\
                    <ol start=5 start=1><li>a</li><li>b</li></ol>";
        assert_eq!(
            texts(html),
            ["[image: <ol reversed>] [1]", "z", "5. a", "6. b"]
        );
    }

    #[test]
    fn integers_are_read_as_html_reads_them() {
        assert_eq!(integer(" 12abc"), Some(12));
        assert_eq!(integer("+3"), Some(3));
        assert_eq!(integer("-0"), Some(0));
        assert_eq!(integer("x1"), None);
        assert_eq!(integer("-"), None);
        assert_eq!(integer("-9223372036854775809"), Some(i64::MIN));
    }

    proptest::proptest! {
        #[test]
        fn every_start_counts_exactly_either_way(
            start in proptest::prelude::any::<i64>(),
            items in 1usize..5,
            reversed in proptest::prelude::any::<bool>(),
        ) {
            let lis = "<li>x</li>".repeat(items);
            let attribute = if reversed { " reversed" } else { "" };
            let html = format!("<ol start=\"{start}\"{attribute}>{lis}</ol>");
            let step: i128 = if reversed { -1 } else { 1 };
            let expected: Vec<String> = (0..items as i128)
                .map(|i| format!("{}. x", i128::from(start) + step * i))
                .collect();
            proptest::prop_assert_eq!(texts(&html), expected);
            proptest::prop_assert_eq!(integer(&start.to_string()), Some(start));
        }
    }
}
