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

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::news::{Inline, Paragraph, ParagraphKind, Span, Story};

#[derive(Serialize, Deserialize)]
struct Body<'a> {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    paragraphs: Vec<Para<'a>>,
    #[serde(default, skip_serializing_if = "no_references")]
    references: Cow<'a, [String]>,
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

/// The JSON body of a story.
pub(super) fn encode(story: &Story) -> String {
    let body = Body {
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

/// Paragraphs and references from a JSON body. Spans that do not fit their text (not on char
/// boundaries, out of range) are dropped, so a damaged row can never make rendering panic.
pub(super) fn decode(json: &str) -> serde_json::Result<(Vec<Paragraph>, Vec<String>)> {
    let body: Body<'static> = serde_json::from_str(json)?;
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

/// The text the full-text index sees: paragraph texts joined by newlines.
pub(super) fn plain_text(story: &Story) -> String {
    let mut text = String::with_capacity(story.paragraphs.iter().map(|p| p.text.len() + 1).sum());
    for (i, p) in story.paragraphs.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&p.text);
    }
    text
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
        assert_eq!(plain_text(&story), "plain\nHéllo world");
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
}
