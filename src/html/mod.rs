//! Entry HTML to story text: html2text lays the HTML out, this module maps its lines onto paragraphs.
//!
//! A custom decorator makes html2text tag inline styles (links, emphasis, code, `<pre>`) and mark
//! blocks (headings, quotes, list items) with prefixes starting with NUL. The source is cleaned
//! first, which removes any NUL, and the parser turns `&#0;` into U+FFFD, so a document cannot
//! forge structure. html2text gets a width no line of a capped body reaches: each output line is
//! one paragraph, or one line of a `<pre>`, and the view wraps later.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use html2text::config::ImageRenderMode;
use html2text::render::{TaggedLine, TaggedLineElement, TextDecorator};

use crate::news::{Inline, Paragraph, ParagraphKind, Span};
use crate::sanitize::clean_line;
use links::resolve;
use lists::{number_lists, parse_prefix, Lists, Prefix};
use nesting::flatten_deep_nesting;

mod links;
mod lists;
mod nesting;

/// Bodies longer than this are cut (at a char boundary) before conversion, with a note paragraph saying so.
pub const MAX_HTML_BYTES: usize = 512 * 1024;
/// Deeper nesting than this is flattened/refused before conversion (html2text is quadratic in depth).
pub const MAX_NESTING: usize = 100;

/// The text of one entry: paragraphs and the link targets they reference as [n].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Converted {
    /// Unwrapped paragraphs, cleaned of control characters.
    pub paragraphs: Vec<Paragraph>,
    /// Link targets, resolved against the base; `[n]` in the text is entry `n - 1`.
    pub references: Vec<String>,
}

/// Wider than any line a capped body can give, prefixes included, so html2text never wraps.
const WIDTH: usize = 1 << 24;
const HEADING: &str = "\0H";
const QUOTE: &str = "\0Q";
const BULLET: &str = "\0U";
const NUMBER: &str = "\0O";
/// Every list prefix is this long (room for any i64), so each enclosing list indents a
/// continuation line by exactly this many spaces and nesting levels can be counted.
const LIST_PREFIX: usize = 22;

/// Converts entry HTML. `base` is the entry's or feed's URL, used to resolve relative links and images.
pub fn html_to_text(html: &str, base: Option<&str>) -> Converted {
    html_to_text_capped(html, base, MAX_HTML_BYTES)
}

/// Drops the tags (not the text) of elements nested deeper than `max`, before a parser sees the
/// page (`None`: nothing to drop); see `nesting.rs`. Reader mode caps whole pages with it.
pub fn flatten_nesting_deeper_than(html: &str, max: usize) -> Option<String> {
    flatten_deep_nesting(html, max)
}

/// [`html_to_text`] with another size cap: reader mode's articles may be longer than entries.
pub fn html_to_text_capped(html: &str, base: Option<&str>, max_bytes: usize) -> Converted {
    let cut = html.len() > max_bytes;
    let end = (0..=max_bytes.min(html.len()))
        .rev()
        .find(|&i| html.is_char_boundary(i));
    // html2text drops ESC and BEL but not what follows them, so raw escape sequences are removed
    // whole first. Tabs and line ends separate the cleaned pieces: `<pre>` needs them as they are.
    let mut source = String::with_capacity(html.len());
    for piece in html[..end.unwrap_or(0)].split_inclusive(['\n', '\r', '\t']) {
        let body = piece.trim_end_matches(['\n', '\r', '\t']);
        source.push_str(&clean_line(body));
        source.push_str(&piece[body.len()..]);
    }
    let (source, lists) = if looks_like_markup(&source) {
        number_lists(&flatten_deep_nesting(&source, MAX_NESTING).unwrap_or(source))
    } else {
        (plain_to_html(&source), Lists::default())
    };
    let config = html2text::config::with_decorator(Marks)
        .raw_mode(true) // tables: cell after cell, no borders (feeds use them for layout)
        .allow_width_overflow() // deep quotes would otherwise fail with TooNarrow
        .unicode_strikeout(false)
        .empty_img_mode(ImageRenderMode::ShowAlways);
    // One bad entry must not take the reader down if html2text panics.
    let lines = catch_unwind(AssertUnwindSafe(|| {
        config.lines_from_read(source.as_bytes(), WIDTH)
    }));
    let mut builder = Builder {
        base,
        lists,
        ..Builder::default()
    };
    let lines = lines.ok().and_then(Result::ok);
    lines.iter().flatten().for_each(|line| builder.line(line));
    builder.close_pre();
    let failed = "[gazette: this entry's HTML could not be converted]";
    let failed = lines.is_none().then(|| failed.to_string());
    let kib = max_bytes / 1024;
    let cut = cut
        .then(|| format!("[gazette: the rest of this entry was cut: it is larger than {kib} KiB]"));
    let notes = failed.into_iter().chain(cut).map(Paragraph::plain);
    builder.out.paragraphs.extend(notes);
    builder.out
}

/// True when the text has a tag, comment or declaration; plain text (common in RSS
/// descriptions) keeps its blank-line paragraphs instead.
fn looks_like_markup(text: &str) -> bool {
    let tag_start = |c: u8| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?');
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && tag_start(w[1]))
}

/// Plain text as HTML: blocks between blank lines become `<p>`s; entities are still decoded.
fn plain_to_html(text: &str) -> String {
    let blocks = text.split('\n').collect::<Vec<_>>();
    let blocks = blocks
        .split(|line| line.trim().is_empty())
        .filter(|b| !b.is_empty());
    blocks.map(|b| b.join("\n")).collect::<Vec<_>>().join("<p>")
}

/// What html2text attaches to text; a line's pieces carry the stack, outermost first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Tag {
    #[default]
    Plain,
    Link(String),
    /// An image and its `src`.
    Image(String),
    Emphasis,
    Strong,
    Code,
    Pre,
}

/// The decorator: annotations for inline styles, NUL-marked prefixes for blocks, no other text.
#[derive(Clone, Copy, Debug)]
struct Marks;

/// Decorator methods that add no text: `start => tag` or just an end.
macro_rules! no_text {
    ($($start:ident => $tag:expr),* ; $($end:ident),*) => {
        $(fn $start(&self) -> (String, Tag) { (String::new(), $tag) })*
        $(fn $end(&self) -> String { String::new() })*
    };
}

impl TextDecorator for Marks {
    type Annotation = Tag;
    no_text!(decorate_em_start => Tag::Emphasis, decorate_strong_start => Tag::Strong,
        decorate_strikeout_start => Tag::Plain, decorate_code_start => Tag::Code;
        decorate_em_end, decorate_strong_end, decorate_strikeout_end, decorate_code_end);
    fn decorate_link_start(&mut self, url: &str) -> (String, Tag) {
        (String::new(), Tag::Link(url.to_string()))
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) -> Tag {
        Tag::Pre
    }
    fn decorate_preformat_cont(&self) -> Tag {
        Tag::Pre
    }
    fn decorate_image(&mut self, src: &str, title: &str) -> (String, Tag) {
        let text = match title.trim() {
            "" => "[image]".to_string(),
            alt => format!("[image: {alt}]"),
        };
        (text, Tag::Image(src.to_string()))
    }
    fn header_prefix(&self, _level: usize) -> String {
        HEADING.to_string()
    }
    fn quote_prefix(&self) -> String {
        QUOTE.to_string()
    }
    fn unordered_item_prefix(&self) -> String {
        format!("{BULLET:<LIST_PREFIX$}")
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{:<LIST_PREFIX$}", format!("{NUMBER}{i}"))
    }
    fn make_subblock_decorator(&self) -> Self {
        Marks
    }
}

/// Collects paragraphs and references line by line.
#[derive(Default)]
struct Builder<'a> {
    base: Option<&'a str>,
    /// What each ordered list asked for, to number its items.
    lists: Lists,
    out: Converted,
    /// The number of each URL already referenced.
    numbers: HashMap<String, usize>,
    /// The open `<pre>` paragraph and the blank lines since its last line (kept if it goes on:
    /// html2text gives blank lines inside a `<pre>` and between blocks alike).
    pre: Option<(Paragraph, usize)>,
}

impl Builder<'_> {
    fn line(&mut self, line: &TaggedLine<Vec<Tag>>) {
        let pieces: Vec<(&str, &[Tag])> = line
            .iter()
            .filter_map(|e| match e {
                TaggedLineElement::Str(ts) => Some((ts.s.as_str(), ts.tag.as_slice())),
                _ => None,
            })
            .collect();
        let text: String = pieces.iter().map(|(s, _)| *s).collect();
        let pre = pieces.iter().position(|(_, tags)| tags.contains(&Tag::Pre));
        let pre_at = pre.map_or(text.len(), |i| {
            pieces[..i].iter().map(|(s, _)| s.len()).sum()
        });
        let (prefix, mut start) = parse_prefix(&text, pre_at, &self.lists);
        if pre.is_none() {
            start = text.len() - text[start..].trim_start().len();
        }
        let end = start + text[start..].trim_end().len();
        if pre.is_some() {
            let open = self.pre.take().map(|(para, blanks)| (para, blanks + 1));
            let (mut para, blanks) = open.unwrap_or_default();
            para.kind = ParagraphKind::Preformatted;
            para.text.extend(std::iter::repeat_n('\n', blanks));
            self.pre = Some((self.styled(&pieces, start..end, true, (para, 0)).0, 0));
        } else if start == end {
            if let Some((_, blanks)) = &mut self.pre {
                *blanks += 1;
            }
        } else {
            self.close_pre();
            let kind = match prefix {
                Prefix { levels: 1.., .. } => ParagraphKind::ListItem,
                Prefix { heading: true, .. } => ParagraphKind::Heading,
                Prefix { quote: true, .. } => ParagraphKind::Quote,
                _ => ParagraphKind::Text,
            };
            let text = match (prefix.levels, prefix.bullet) {
                (0, _) => String::new(),
                (n, Some(bullet)) => format!("{}{bullet} ", "  ".repeat(n - 1)),
                (n, None) => "  ".repeat(n),
            };
            let bullet = text.len();
            let mut para = Paragraph::plain(text);
            para.kind = kind;
            let (para, bullet) = self.styled(&pieces, start..end, false, (para, bullet));
            self.push_unless_blank(para, bullet);
        }
    }

    /// Keeps a paragraph unless nothing follows its `lead` (a bullet or indentation): a line of
    /// nothing but controls (`&#x202e;`) is empty once cleaned.
    fn push_unless_blank(&mut self, para: Paragraph, lead: usize) {
        if !para.text[lead..].trim().is_empty() {
            self.out.paragraphs.push(para);
        }
    }

    /// An image on a line of its own, `[image: alt] [n]` with its URL among the references (not
    /// a `data:` URL, which is the picture itself, often a lazy-loading placeholder): `para`, the
    /// text before it (its first `lead` bytes a bullet), is pushed and starts again empty.
    fn image(&mut self, para: &mut Paragraph, lead: usize, label: &str, src: &str) {
        let mut before = std::mem::replace(para, Paragraph::plain(""));
        para.kind = before.kind;
        trim_end(&mut before);
        self.push_unless_blank(before, lead);
        let label = clean_line(label);
        let mut para = Paragraph::plain(label.clone());
        if !label.is_empty() {
            let style = Inline::Image;
            para.spans.push(Span {
                range: 0..label.len(),
                style,
            });
        }
        let src = src.trim();
        if !src.is_empty()
            && !src
                .get(..5)
                .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
        {
            para.text.push_str(&format!(" [{}]", self.reference(src)));
        }
        self.push_unless_blank(para, 0);
    }

    fn close_pre(&mut self) {
        if let Some((para, _)) = self.pre.take() {
            self.out.paragraphs.push(para);
        }
    }

    /// Appends the cleaned text of bytes `range` of the line's pieces to `para` (whose first
    /// `lead` bytes are its bullet or indentation), with spans and " [n]" after each link. Outside
    /// `<pre>` each image becomes a paragraph of its own ([`Builder::image`]): the text before it
    /// is pushed, and what follows it (a caption) goes on in a new paragraph of the same kind,
    /// returned with its lead.
    fn styled(
        &mut self,
        pieces: &[(&str, &[Tag])],
        range: std::ops::Range<usize>,
        pre: bool,
        (mut para, mut lead): (Paragraph, usize),
    ) -> (Paragraph, usize) {
        let (mut link, mut offset): (Option<(&str, usize)>, usize) = (None, 0);
        for &(s, tags) in pieces {
            let clip = |at: usize| at.clamp(offset, offset + s.len()) - offset;
            let piece = &s[clip(range.start)..clip(range.end)];
            offset += s.len();
            let href = tags.iter().find_map(|t| match t {
                Tag::Link(href) => Some(href.as_str()),
                _ => None,
            });
            if piece.is_empty() {
                continue;
            }
            let image = tags.iter().find_map(|t| match t {
                Tag::Image(src) if !pre => Some(src.as_str()),
                _ => None,
            });
            if let Some((_, n)) = link.filter(|(h, _)| Some(*h) != href || image.is_some()) {
                para.text.push_str(&format!(" [{n}]"));
                link = None;
            }
            if let Some(src) = image {
                self.image(&mut para, lead, piece, src);
                lead = 0;
                continue;
            }
            // A caption after an image starts its paragraph without the space between them.
            let piece = if para.text.len() == lead && !pre {
                piece.trim_start()
            } else {
                piece
            };
            let style = match href {
                Some(href) => {
                    let n = link.map_or_else(|| self.reference(href), |(_, n)| n);
                    link = Some((href, n));
                    Some(Inline::Link(n))
                }
                // The innermost style wins; code inside `<pre>` is the norm, not a style.
                None => tags.iter().rev().find_map(|t| match t {
                    Tag::Image(_) => Some(Inline::Image),
                    Tag::Code if !pre => Some(Inline::Code),
                    Tag::Strong => Some(Inline::Strong),
                    Tag::Emphasis => Some(Inline::Emphasis),
                    _ => None,
                }),
            };
            append(&mut para, piece, style);
        }
        if let Some((_, n)) = link {
            para.text.push_str(&format!(" [{n}]"));
        }
        (para, lead)
    }

    /// The number of a link target, adding it to the references when new.
    fn reference(&mut self, href: &str) -> usize {
        let refs = &mut self.out.references;
        *self
            .numbers
            .entry(clean_line(&resolve(self.base, href)))
            .or_insert_with_key(|url| {
                refs.push(url.clone());
                refs.len()
            })
    }
}

/// Appends the cleaned `piece` to `para` in `style`, extending the last span when it is the same.
fn append(para: &mut Paragraph, piece: &str, style: Option<Inline>) {
    let text = clean_line(piece).replace('\u{a0}', " ");
    let range = para.text.len()..para.text.len() + text.len();
    para.text.push_str(&text);
    match (style, para.spans.last_mut()) {
        (None, _) => {}
        _ if range.is_empty() => {}
        (Some(style), Some(last)) if last.style == style && last.range.end == range.start => {
            last.range.end = range.end;
        }
        (Some(style), _) => para.spans.push(Span { range, style }),
    }
}

/// Drops a paragraph's trailing whitespace (the space before an image that now starts a line),
/// and the part of any span over it.
fn trim_end(para: &mut Paragraph) {
    let len = para.text.trim_end().len();
    para.text.truncate(len);
    for span in &mut para.spans {
        span.range.end = span.range.end.min(len);
    }
    para.spans.retain(|s| !s.range.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;
    use Inline::{Code as C, Emphasis as E, Image as I, Link as L, Strong as S};
    use ParagraphKind::*;

    fn p(kind: ParagraphKind, text: &str, spans: &[(usize, usize, Inline)]) -> Paragraph {
        let mut para = Paragraph::plain(text);
        para.kind = kind;
        para.spans = spans
            .iter()
            .map(|&(a, b, style)| Span { range: a..b, style })
            .collect();
        para
    }
    fn convert(html: &str) -> Vec<Paragraph> {
        html_to_text(html, None).paragraphs
    }

    #[test]
    fn paragraphs_entities_scripts_and_plain_text() {
        let html = "<p>Hello \n <span>world</span> &amp; it&#8217;s&nbsp;fine</p><div>Two</div>\
                    one<br><br>three<script>evil()</script><style>p { x: 1 }</style>";
        let expected = ["Hello world & it’s fine", "Two", "one", "three"];
        assert_eq!(convert(html), expected.map(Paragraph::plain));
        let plain = "First line\ncontinues.\n  \n\nSecond &amp; last, 1 < 2.\r\n";
        let expected = ["First line continues.", "Second & last, 1 < 2."];
        assert_eq!(convert(plain), expected.map(Paragraph::plain));
    }

    #[test]
    fn headings_inline_styles_and_images() {
        let html = "<h1>Title</h1><h3>Sub <em>x</em></h3><p>a <strong>b</strong> <b>c</b> \
                    <em>d</em> <i>é</i> <code>f()</code> <b>g<i>h</i></b></p>\
                    <p><img alt=\"A cat\" src=\"c.png\"> and <img src=\"d.png\"></p>";
        let (a, b) = (
            [(2, 3, S), (4, 5, S), (6, 7, E)],
            [(8, 10, E), (11, 14, C), (15, 16, S)],
        );
        let styled = [&a[..], &b, &[(16, 17, E)]].concat();
        let expected = [
            p(Heading, "Title", &[]),
            p(Heading, "Sub x", &[(4, 5, E)]),
            p(Text, "a b c d é f() gh", &styled),
            p(Text, "[image: A cat] [1]", &[(0, 14, I)]),
            p(Text, "and", &[]),
            p(Text, "[image] [2]", &[(0, 7, I)]),
        ];
        let out = html_to_text(html, Some("https://e.com/a/"));
        assert_eq!(out.paragraphs, expected);
        assert_eq!(
            out.references,
            ["https://e.com/a/c.png", "https://e.com/a/d.png"]
        );
    }

    #[test]
    fn a_gallery_gives_each_image_its_line_its_caption_and_its_reference() {
        let html = "<p>Before <a href=\"/r\">race</a><figure><img alt=\"Red sail\" src=\"/1.jpg\">\
                    </figure><figure><img src=\"/2.jpg\"></figure><figure>\
                    <a href=\"/big.jpg\"><img alt=\"Winner\" src=\"/3.jpg\"></a>\
                    <figcaption>The winner, <b>Saltwind</b>.</figcaption></figure>\
                    <ul><li>Item <img alt=\"dot\" src=\"data:image/gif;base64,R0l\"> after</li></ul>";
        let out = html_to_text(html, Some("https://e.com/x/"));
        let expected = [
            p(Text, "Before race [1]", &[(7, 11, L(1))]),
            p(Text, "[image: Red sail] [2]", &[(0, 17, I)]),
            p(Text, "[image] [3]", &[(0, 7, I)]),
            p(Text, "[image: Winner] [4]", &[(0, 15, I)]),
            p(Text, "The winner, Saltwind.", &[(12, 20, S)]),
            p(ListItem, "• Item", &[]),
            p(Text, "[image: dot]", &[(0, 12, I)]),
            p(ListItem, "after", &[]),
        ];
        assert_eq!(out.paragraphs, expected);
        let refs = ["/r", "/1.jpg", "/2.jpg", "/3.jpg"].map(|r| format!("https://e.com{r}"));
        assert_eq!(out.references, refs);
    }

    #[test]
    fn lists_get_bullets_numbers_and_indentation() {
        let html = "<ul><li>One</li><li>Two<ul><li>Nested <b>b</b></li></ul></li></ul><ol>\
                    <li>First</li><li>Second<br>more</li></ol>\
                    <ol start=\"9\"><li>x</li><li><p>y</p><p>z</p></li></ol>";
        let texts = [
            "• One",
            "• Two",
            "",
            "1. First",
            "2. Second",
            "  more",
            "9. x",
            "10. y",
            "  z",
        ];
        let mut expected = texts.map(|t| p(ListItem, t, &[]));
        expected[2] = p(ListItem, "  • Nested b", &[(13, 14, S)]);
        assert_eq!(convert(html), expected);
    }

    #[test]
    fn quotes_and_preformatted_text() {
        let html = "<blockquote><p>Said <b>this</b>.</p><p>And that.</p></blockquote><p>After</p>\
                    <pre><code>fn main() {\n    let x  =  1;\n\n    <b>x</b>\n}</code></pre><p>End</p>";
        let code = "fn main() {\n    let x  =  1;\n\n    x\n}";
        let expected = [
            p(Quote, "Said this.", &[(5, 9, S)]),
            p(Quote, "And that.", &[]),
            p(Text, "After", &[]),
            p(Preformatted, code, &[(34, 35, S)]),
            p(Text, "End", &[]),
        ];
        assert_eq!(convert(html), expected);
    }

    #[test]
    fn links_are_numbered_and_resolved() {
        let html =
            "<p>See <a href=\"../a\">this</a> and <a href=\"https://o.org/x\"><b>that</b></a>, \
                    <a href=\" ../a \">again</a>, <a href=\"mailto:me@example.com\">mail</a>.</p>";
        let out = html_to_text(html, Some("https://example.com/feed/"));
        let text = "See this [1] and that [2], again [1], mail [3].";
        let spans = [(4, 8, L(1)), (17, 21, L(2)), (27, 32, L(1)), (38, 42, L(3))];
        assert_eq!(out.paragraphs, [p(Text, text, &spans)]);
        let refs = [
            "https://example.com/a",
            "https://o.org/x",
            "mailto:me@example.com",
        ];
        assert_eq!(out.references, refs);
    }

    #[test]
    fn control_characters_and_escapes_never_survive() {
        let html = "<h2>T\u{1b}]0;title\u{7}itle</h2><p>a\u{1b}[2Jb \u{202e}c&#27;&#x202e;d \
                    <a href=\"/x\u{1b}[2J\">l\u{1b}[31mink</a></p><pre>x\u{1b}]0;t\u{7}y\n\t&#27;z</pre>\
                    <p><img alt=\"e\u{1b}[1m&#7;\" src=\"i\"></p><p>\0Hnot a heading &#0;Q</p>";
        let out = html_to_text(html, None);
        let expected = [
            p(Heading, "Title", &[]),
            p(Text, "ab cd link [1]", &[(6, 10, L(1))]),
            p(Preformatted, "xy\n        z", &[]),
            p(Text, "[image: e] [2]", &[(0, 10, I)]),
            p(Text, "Hnot a heading \u{fffd}Q", &[]), // no forged heading marker
        ];
        assert_eq!(out.paragraphs, expected);
        assert_eq!(out.references, ["/x", "i"]);
        // Nothing left once cleaned: no empty paragraph (found by fuzzing, see `fuzz/`).
        for html in [
            "&#x202e",
            "<p>&#27;&#x2066;</p><li>&#7;</li>",
            "<h1>\u{1b}[0m</h1>",
        ] {
            assert!(convert(html).is_empty(), "{html:?}");
        }
    }

    #[test]
    fn malformed_input_does_not_panic() {
        let bold = p(Text, "unclosed bold", &[(9, 13, S)]);
        assert_eq!(convert("<p>unclosed <b>bold"), [bold]);
        assert_eq!(convert("<<<>>>"), [p(Text, "<<<>>>", &[])]);
        assert_eq!(
            convert("</p></div><b></i>x</a>"),
            [p(Text, "x", &[(0, 1, S)])]
        );
        assert!(convert("").is_empty());
        for html in [
            "<table><td>a<tr><th>b</table></td>",
            "<a href=\"x",
            "<!-- x",
            "<svg><p/>",
        ] {
            html_to_text(html, Some("::"));
        }
    }

    #[test]
    fn deep_nesting_is_flattened_fast() {
        let divs = |n| format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(convert(&divs(10_000)), [p(Text, "x", &[])]);
        let quotes = format!("{}deep", "<blockquote>".repeat(1000));
        assert_eq!(convert(&quotes), [p(Quote, "deep", &[])]);
        let start = std::time::Instant::now();
        assert_eq!(convert(&divs(20_000)), [p(Text, "x", &[])]);
        let elapsed = start.elapsed();
        eprintln!("20k nested divs: {elapsed:?}");
        assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?}");
    }

    #[test]
    fn oversized_input_is_cut_with_a_note() {
        let out = convert(&"<p>wörd</p>".repeat(100_000)); // 1.2 MB
        let note = "[gazette: the rest of this entry was cut: it is larger than 512 KiB]";
        assert_eq!(out.last(), Some(&Paragraph::plain(note)));
        assert!(out[..out.len() - 1]
            .iter()
            .all(|p| *p == "wörd" || *p == "w"));
        assert_eq!(convert(&"é".repeat(MAX_HTML_BYTES)).len(), 2); // cut inside a character
    }
}
