//! A story's body as stored: JSON of its paragraphs (text, kind, styled spans) and references.
//!
//! The JSON shape is the database's own, independent of the in-memory model, so the model can
//! change without changing what is on disk:
//!
//! ```json
//! {"paragraphs": [{"text": "Hello world", "kind": "heading",
//!                  "spans": [{"start": 0, "end": 5, "style": "strong"},
//!                            {"start": 6, "end": 11, "style": {"link": 1}}]}],
//!  "references": ["https://example.com/"]}
//! ```
//!
//! `kind` is left out for running text, `spans` and `references` when empty, `paragraphs` for a
//! headline-only story (so its body is `{}`).
//!
//! A story read from a large feed file is stored as the entry's HTML, converted when it is opened
//! (converting 100,000 bodies up front would take half a minute): `{"html": "<p>…", "base":
//! "https://…"}`.
//!
//! # In the `bodies` table
//!
//! Since schema 4 the JSON is stored compressed, as a BLOB: LZ4 block format with the
//! decompressed length prepended, 4 bytes little endian (`lz4_flex`'s `compress_prepend_size`).
//! A 2 KB HTML body takes about half the room, so a large save writes far less (to the log, then
//! again to the file). LZ4 rather than zstd for its lower CPU cost: with zstd level 1, saving
//! 100,000 stories took a third more CPU time, for bodies 30% smaller.
//!
//! A JSON longer than [`MAX_COMPRESSED`] stays TEXT, so every body written can be read back. Rows
//! written by schema 3 hold the JSON as TEXT and are read as they are (SQLite keeps each value's
//! type): nothing is migrated, and a row becomes a BLOB when its text next changes. A BLOB that
//! does not decompress, claims more than [`MAX_COMPRESSED`] bytes, decompresses to another length
//! than it claims, or is not UTF-8 is damaged, like a TEXT that is not JSON: reading it is an
//! error, never a panic nor a huge allocation.
//!
//! Whether a save changes a stored body is decided on the JSON, decompressed, never on the stored
//! bytes: a TEXT row and a BLOB row of one JSON are the same body, and another version of
//! `lz4_flex` may compress one JSON to other bytes.

use std::borrow::Cow;

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use serde::{Deserialize, Serialize};

use crate::html::html_to_text;
use crate::news::{Inline, Paragraph, ParagraphKind, Pending, Span, Story};

#[derive(Serialize, Deserialize)]
struct Body<'a> {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    paragraphs: Vec<Para<'a>>,
    #[serde(default, skip_serializing_if = "no_references")]
    references: Cow<'a, [String]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    html: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base: Option<Cow<'a, str>>,
}

#[derive(Serialize, Deserialize)]
struct Para<'a> {
    text: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Kind::is_text")]
    kind: Kind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    spans: Vec<SpanJson>,
}

#[derive(Serialize, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    #[default]
    Text,
    Heading,
    Quote,
    ListItem,
    Preformatted,
}

fn no_references(references: &[String]) -> bool {
    references.is_empty()
}

impl Kind {
    fn is_text(&self) -> bool {
        *self == Kind::Text
    }
}

#[derive(Serialize, Deserialize)]
struct SpanJson {
    start: usize,
    end: usize,
    style: Style,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Style {
    Strong,
    Emphasis,
    Code,
    Link(usize),
    Image,
}

/// The JSON body of a story. A story whose text is only in the store ([`Pending::Stored`]) has no
/// body to give: callers never save one (see `save_stories`).
pub(super) fn encode(story: &Story) -> String {
    let (html, base) = match &story.pending {
        Pending::Html { html, base } => (
            Some(Cow::Borrowed(html.as_str())),
            base.as_deref().map(Cow::Borrowed),
        ),
        Pending::Nothing | Pending::Stored => (None, None),
    };
    let body = Body {
        html,
        base,
        paragraphs: story
            .paragraphs
            .iter()
            .map(|p| Para {
                text: Cow::Borrowed(&p.text),
                kind: kind_to_json(p.kind),
                spans: p
                    .spans
                    .iter()
                    .map(|s| SpanJson {
                        start: s.range.start,
                        end: s.range.end,
                        style: style_to_json(s.style),
                    })
                    .collect(),
            })
            .collect(),
        references: Cow::Borrowed(&story.references),
    };
    serde_json::to_string(&body).expect("a story body always serialises")
}

/// The largest JSON stored compressed, and so the largest a stored BLOB may claim to decompress to:
/// a damaged length cannot make reading allocate more. Far above any real body (a feed entry is at
/// most 16 MiB); a longer JSON is stored as TEXT.
pub(super) const MAX_COMPRESSED: usize = 64 << 20;

/// The value stored in `bodies.body` for a JSON body: compressed as a BLOB (see the module docs).
pub(super) fn to_sql(json: &str) -> ToSqlOutput<'_> {
    if json.len() > MAX_COMPRESSED {
        return ToSqlOutput::Borrowed(ValueRef::Text(json.as_bytes()));
    }
    ToSqlOutput::Owned(Value::Blob(lz4_flex::block::compress_prepend_size(
        json.as_bytes(),
    )))
}

/// The JSON body in a `bodies.body` value: a TEXT as it is (schema 3 wrote those), a BLOB
/// decompressed. The error says what is wrong with a damaged value.
pub(super) fn from_sql(value: ValueRef<'_>) -> Result<Cow<'_, str>, String> {
    match value {
        ValueRef::Text(text) => std::str::from_utf8(text)
            .map(Cow::Borrowed)
            .map_err(|e| format!("not UTF-8 ({e})")),
        ValueRef::Blob(blob) => {
            let claimed = match blob.get(..4) {
                Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]) as usize,
                _ => return Err(format!("a compressed body of {} bytes", blob.len())),
            };
            if claimed > MAX_COMPRESSED {
                return Err(format!(
                    "claims to decompress to {claimed} bytes, more than {MAX_COMPRESSED}"
                ));
            }
            let json = lz4_flex::block::decompress_size_prepended(blob)
                .map_err(|e| format!("bad compression ({e})"))?;
            if json.len() != claimed {
                return Err(format!(
                    "decompresses to {} bytes, not the {claimed} it claims",
                    json.len()
                ));
            }
            String::from_utf8(json)
                .map(Cow::Owned)
                .map_err(|e| format!("not UTF-8 ({})", e.utf8_error()))
        }
        other => Err(format!("a {} value", other.data_type())),
    }
}

/// Paragraphs and references from a JSON body. Spans that do not fit their text (not on char
/// boundaries, out of range) are dropped, so a damaged row can never make rendering panic.
pub(super) fn decode(json: &str) -> serde_json::Result<(Vec<Paragraph>, Vec<String>)> {
    let body: Body<'static> = serde_json::from_str(json)?;
    if let Some(html) = body.html {
        let converted = html_to_text(&html, body.base.as_deref());
        return Ok((converted.paragraphs, converted.references));
    }
    let paragraphs = body
        .paragraphs
        .into_iter()
        .map(|p| {
            let text = p.text.into_owned();
            let spans = p
                .spans
                .into_iter()
                .filter(|s| {
                    s.start <= s.end
                        && text.is_char_boundary(s.start)
                        && text.is_char_boundary(s.end)
                })
                .map(|s| Span {
                    range: s.start..s.end,
                    style: style_from_json(s.style),
                })
                .collect();
            Paragraph {
                text,
                kind: kind_from_json(p.kind),
                spans,
            }
        })
        .collect();
    Ok((paragraphs, body.references.into_owned()))
}

/// The text the full-text index sees for a stored body: paragraph texts joined by newlines; for a
/// body kept as HTML, its text with the markup stripped (the index needs words, not layout, and a
/// full conversion costs a hundred times more). None when the JSON is damaged.
pub(super) fn index_text(json_body: &str) -> Option<String> {
    let body: Body<'_> = serde_json::from_str(json_body).ok()?;
    if let Some(html) = body.html {
        return Some(strip_markup(&html));
    }
    let texts: Vec<&str> = body.paragraphs.iter().map(|p| p.text.as_ref()).collect();
    Some(texts.join("\n"))
}

/// The words of an HTML body: tags become spaces, `script` and `style` contents and comments are
/// dropped, character references are decoded.
fn strip_markup(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_decoded(&mut text, &rest[..open]);
        text.push(' ');
        rest = &rest[open..];
        let lower_start = |tag: &str| {
            rest.get(1..=tag.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(tag))
        };
        let skip_to = if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else if lower_start("script") || lower_start("style") {
            let close = if lower_start("script") {
                "</script"
            } else {
                "</style"
            };
            rest.to_ascii_lowercase()
                .find(close)
                .and_then(|i| rest[i..].find('>').map(|j| i + j + 1))
        } else {
            rest.find('>').map(|i| i + 1)
        };
        rest = match skip_to {
            Some(end) => &rest[end..],
            None => "",
        };
    }
    push_decoded(&mut text, rest);
    text
}

/// Appends `text` with its character references decoded (the common named ones and numeric).
fn push_decoded(out: &mut String, mut text: &str) {
    while let Some(amp) = text.find('&') {
        out.push_str(&text[..amp]);
        text = &text[amp..];
        let end = text.find(';').filter(|&i| i <= 10);
        let decoded = end.and_then(|end| {
            let name = &text[1..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                "mdash" => '—',
                "ndash" => '–',
                "hellip" => '…',
                "lsquo" => '‘',
                "rsquo" => '’',
                "ldquo" => '“',
                "rdquo" => '”',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                text = &text[len..];
            }
            None => {
                out.push('&');
                text = &text[1..];
            }
        }
    }
    out.push_str(text);
}

fn kind_to_json(kind: ParagraphKind) -> Kind {
    match kind {
        ParagraphKind::Text => Kind::Text,
        ParagraphKind::Heading => Kind::Heading,
        ParagraphKind::Quote => Kind::Quote,
        ParagraphKind::ListItem => Kind::ListItem,
        ParagraphKind::Preformatted => Kind::Preformatted,
    }
}

fn kind_from_json(kind: Kind) -> ParagraphKind {
    match kind {
        Kind::Text => ParagraphKind::Text,
        Kind::Heading => ParagraphKind::Heading,
        Kind::Quote => ParagraphKind::Quote,
        Kind::ListItem => ParagraphKind::ListItem,
        Kind::Preformatted => ParagraphKind::Preformatted,
    }
}

fn style_to_json(style: Inline) -> Style {
    match style {
        Inline::Strong => Style::Strong,
        Inline::Emphasis => Style::Emphasis,
        Inline::Code => Style::Code,
        Inline::Link(n) => Style::Link(n),
        Inline::Image => Style::Image,
    }
}

fn style_from_json(style: Style) -> Inline {
    match style {
        Style::Strong => Inline::Strong,
        Style::Emphasis => Inline::Emphasis,
        Style::Code => Inline::Code,
        Style::Link(n) => Inline::Link(n),
        Style::Image => Inline::Image,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_round_trips_and_stays_compact() {
        let story = Story {
            title: "T".into(),
            paragraphs: vec![
                Paragraph::plain("plain"),
                Paragraph {
                    text: "Héllo world".into(),
                    kind: ParagraphKind::Heading,
                    spans: vec![
                        Span {
                            range: 0..6,
                            style: Inline::Strong,
                        },
                        Span {
                            range: 7..12,
                            style: Inline::Link(1),
                        },
                    ],
                },
            ],
            references: vec!["https://example.com/".into()],
            ..Story::default()
        };
        let json = encode(&story);
        assert!(json.contains(r#"{"text":"plain"}"#), "{json}");
        assert!(json.contains(r#""style":{"link":1}"#), "{json}");
        let (paragraphs, references) = decode(&json).unwrap();
        assert_eq!(paragraphs, story.paragraphs);
        assert_eq!(references, story.references);
        assert_eq!(encode(&Story::default()), "{}");
        assert_eq!(index_text(&json).unwrap(), "plain\nHéllo world");
    }

    #[test]
    fn html_bodies_are_kept_as_html_and_converted_when_read() {
        let story = Story {
            pending: Pending::Html {
                html: "<p>One &amp; <b>two</b></p><script>x()</script><!-- c --><p>&#233;t&eacute;</p>&mdash;"
                    .into(),
                base: Some("https://example.com/".into()),
            },
            ..Story::default()
        };
        let json = encode(&story);
        assert!(json.contains(r#""base":"https://example.com/""#), "{json}");
        let (paragraphs, _) = decode(&json).unwrap();
        assert_eq!(paragraphs[0].text, "One & two");
        let words: Vec<String> = index_text(&json)
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect();
        // Named references beyond the common ones stay as written: the index needs words, and a
        // name like `eacute` is split off as one.
        assert_eq!(words, ["One", "&", "two", "ét&eacute;", "—"]);
        assert_eq!(index_text("{}").as_deref(), Some(""));
        assert_eq!(index_text("{"), None);
    }

    #[test]
    fn spans_that_do_not_fit_are_dropped() {
        let json = r#"{"paragraphs":[{"text":"é","spans":[{"start":0,"end":1,"style":"code"},
            {"start":0,"end":9,"style":"code"},{"start":0,"end":2,"style":"image"}]}]}"#;
        let (paragraphs, _) = decode(json).unwrap();
        assert_eq!(
            paragraphs[0].spans,
            vec![Span {
                range: 0..2,
                style: Inline::Image
            }]
        );
    }

    fn stored(json: &str) -> Vec<u8> {
        match to_sql(json) {
            ToSqlOutput::Owned(Value::Blob(blob)) => blob,
            _ => panic!("not stored as a blob"),
        }
    }

    #[test]
    fn bodies_are_stored_compressed_and_text_is_read_as_it_is() {
        let json = format!(
            r#"{{"html":"{}"}}"#,
            "<p>Walrus and penguin.</p>".repeat(50)
        );
        let blob = stored(&json);
        assert!(
            blob.len() * 5 < json.len(),
            "{} of {}",
            blob.len(),
            json.len()
        );
        assert_eq!(from_sql(ValueRef::Blob(&blob)).unwrap(), json);
        assert_eq!(from_sql(ValueRef::Blob(&stored("{}"))).unwrap(), "{}");
        // A schema-3 row: the JSON itself.
        assert!(matches!(
            from_sql(ValueRef::Text(json.as_bytes())),
            Ok(Cow::Borrowed(text)) if text == json
        ));
        // Too long to compress within the cap: kept as text, so it can be read back.
        let huge = "x".repeat(MAX_COMPRESSED + 1);
        let kept = to_sql(&huge);
        assert!(matches!(kept, ToSqlOutput::Borrowed(ValueRef::Text(t)) if t.len() == huge.len()));
    }

    #[test]
    fn a_damaged_value_is_an_error_not_a_panic_nor_a_huge_allocation() {
        let error = |value: ValueRef<'_>| from_sql(value).expect_err("read a damaged value");
        // The claimed length is checked before anything is allocated.
        let claimed = u32::try_from(MAX_COMPRESSED + 1).unwrap().to_le_bytes();
        assert!(error(ValueRef::Blob(&[&claimed[..], b"\x10x"].concat())).contains("more than"));
        assert!(error(ValueRef::Blob(&[0xFF; 8])).contains("more than"));
        assert!(error(ValueRef::Blob(&[1, 0])).contains("compressed body of 2 bytes"));
        assert!(error(ValueRef::Blob(&[20, 0, 0, 0, 0xF0, 0xFF])).contains("bad compression"));
        let mut wrong_length = stored("{}");
        wrong_length[0] += 1;
        assert!(error(ValueRef::Blob(&wrong_length)).contains("not the 3 it claims"));
        let latin1 = lz4_flex::block::compress_prepend_size(b"{\"html\":\"caf\xe9\"}");
        assert!(error(ValueRef::Blob(&latin1)).contains("not UTF-8"));
        assert!(error(ValueRef::Text(b"caf\xe9")).contains("not UTF-8"));
        assert!(error(ValueRef::Integer(7)).contains("Integer"));
        assert!(error(ValueRef::Null).contains("Null"));

        // Random bytes behind a plausible length, and every cut and bit flip of a real body.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..2000 {
            let len = (next() % 64) as usize;
            let mut blob = ((next() % 4096) as u32).to_le_bytes().to_vec();
            blob.extend((0..len).map(|_| next() as u8));
            let _ = from_sql(ValueRef::Blob(&blob));
        }
        let good = stored(r#"{"paragraphs":[{"text":"Hello, hello, hello world"}]}"#);
        for cut in 0..good.len() {
            let _ = from_sql(ValueRef::Blob(&good[..cut]));
        }
        for bit in 0..good.len() * 8 {
            let mut flipped = good.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let _ = from_sql(ValueRef::Blob(&flipped));
        }
    }
}
