//! The news model (stories) and the parser for plain-text news documents.
//!
//! # The format
//!
//! A news document is UTF-8 text. After a byte-order mark is dropped, line endings are normalised
//! (CRLF, lone CR) and every line is cleaned ([`crate::sanitize`]) and trimmed, the text is read as
//! *blocks*: runs of non-blank lines separated by one or more blank lines.
//!
//! - A line is **prose** when it ends a sentence (`.`, `…`, `。`, optionally followed by closing
//!   quotes or brackets; a final abbreviation such as `U.S.` does not count unless the line is in
//!   sentence case), when it ends with `?` or `!` and is in sentence case or wider than a headline
//!   usually is (100 columns), or when it is wider than any headline ([`HEADLINE_MAX_WIDTH`]).
//!   Sentence case: after the first word, most words start in lower case.
//! - A block is a **story block** when most of its lines are prose, not counting a first line
//!   that is not prose and has more lines after it: that line is the story's title. Each further
//!   line is a paragraph.
//! - A story block without a title continues the story before it when the block before was part
//!   of that story (paragraphs separated by blank lines); otherwise it starts a new story whose title
//!   is derived from its first sentence.
//! - Any other block is a **headline list**: one headline-only story per line. Exception: a
//!   single-line block right before an untitled story block is that story's title.
//!
//! Stories come out in file order.

use crate::sanitize::clean_line;
use crate::text::{truncate_words, width};

/// A derived title longer than this many columns is cut at a word boundary with "…".
pub const DERIVED_TITLE_MAX_WIDTH: usize = 80;
/// A line wider than this is prose even without a sentence end: no headline is this long.
pub const HEADLINE_MAX_WIDTH: usize = 160;
/// A line ending in `?` or `!` is prose only when it is at least this wide (headlines ask and
/// exclaim too) and is not written as a sentence.
const QUESTION_PROSE_WIDTH: usize = 100;

/// How a paragraph is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParagraphKind {
    /// Running text, word-wrapped.
    #[default]
    Text,
    /// A heading, drawn bold.
    Heading,
    /// A block quote, drawn with a bar before each line.
    Quote,
    /// An item of a list; its text starts with the bullet or number.
    ListItem,
    /// Preformatted text: lines kept as they are, never wrapped.
    Preformatted,
}

/// An inline style over part of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inline {
    /// Strong importance (bold).
    Strong,
    /// Emphasis (italic).
    Emphasis,
    /// Code (a different colour).
    Code,
    /// A link's text; the number is the reference listed under the story (`[1] https://…`).
    Link(usize),
    /// An image placeholder (`[image: alt text]`).
    Image,
}

/// A styled byte range of a paragraph's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte range in the paragraph's text, on char boundaries.
    pub range: std::ops::Range<usize>,
    /// The style.
    pub style: Inline,
}

/// One paragraph of a story: cleaned text, how it is laid out, and inline styles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paragraph {
    /// The text, cleaned of control characters; newlines only in preformatted paragraphs.
    pub text: String,
    /// Layout.
    pub kind: ParagraphKind,
    /// Inline styles, in order, not overlapping.
    pub spans: Vec<Span>,
}

impl Paragraph {
    /// A plain text paragraph.
    pub fn plain(text: impl Into<String>) -> Paragraph {
        Paragraph {
            text: text.into(),
            ..Paragraph::default()
        }
    }
}

impl Paragraph {
    /// The words a headline shows: the text without image placeholders (`[image: alt]`) and
    /// without the ` [n]` reference after a link or image. They point at the story's reference
    /// list, which a headline does not have, and an image is no word of a title.
    pub fn words(&self) -> String {
        let mut words = String::with_capacity(self.text.len());
        let mut at = 0;
        for span in &self.spans {
            let kept_to = match span.style {
                Inline::Image => span.range.start,
                Inline::Link(_) => span.range.end,
                _ => continue,
            };
            if span.range.start < at {
                continue;
            }
            words.push_str(&self.text[at..kept_to]);
            at = after_reference(&self.text, span.range.end);
        }
        words.push_str(&self.text[at..]);
        words.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Where the text goes on after a ` [n]` reference that starts at `at` (`at` when none does).
fn after_reference(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    let Some(inner) = rest.strip_prefix(" [") else {
        return at;
    };
    let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
    match digits > 0 && inner[digits..].starts_with(']') {
        true => at + 2 + digits + 1,
        false => at,
    }
}

impl std::ops::Deref for Paragraph {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl PartialEq<&str> for Paragraph {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<str> for Paragraph {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

/// One story: a title and, when the source has it, the full text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Story {
    /// The headline, cleaned of control characters.
    pub title: String,
    /// The text, one entry per paragraph; empty for a headline-only story.
    pub paragraphs: Vec<Paragraph>,
    /// Index of the edition or feed (the source) this story belongs to.
    pub edition: usize,
    /// The story's web page, if the source gives one (http or https only).
    pub link: Option<String>,
    /// When it was published, in seconds since the Unix epoch (UTC).
    pub published: Option<i64>,
    /// Who wrote it.
    pub author: Option<String>,
    /// Link targets referenced from the text as `[n]`, in order (entry `n - 1`).
    pub references: Vec<String>,
    /// The source's own id for the story (a feed entry's guid), to recognise it on refresh.
    pub id: Option<String>,
    /// Text not turned into `paragraphs` yet: bodies are converted when the story is opened, so
    /// a large feed lists its headlines without converting (or holding) every body.
    pub pending: Pending,
    /// Media attached to the story (a podcast's episode), in feed order.
    pub enclosures: Vec<Enclosure>,
}

/// A media file attached to a story: an RSS `<enclosure>`, Media RSS content, an Atom
/// `rel="enclosure"` link or a JSON Feed attachment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Enclosure {
    /// Where it is (http or https only, cleaned).
    pub url: String,
    /// Its media type as the feed says ("audio/mpeg"), cleaned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    /// Its size in bytes as the feed says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Its length in seconds (`itunes:duration`, Media RSS `duration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<u64>,
}

/// Where a story's text is while it is not in `paragraphs`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Pending {
    /// Nothing: `paragraphs` is the whole text (empty for a headline-only story).
    #[default]
    Nothing,
    /// The entry's HTML as the feed gave it, converted when the story is opened; `base` resolves
    /// its relative links.
    Html {
        /// The markup.
        html: String,
        /// The URL relative links are resolved against.
        base: Option<String>,
    },
    /// In the store, under the story's key: loaded when the story is opened.
    Stored,
}

impl Story {
    /// True when the source has the story's text, not just its headline (text still to be
    /// converted or loaded counts).
    pub fn has_text(&self) -> bool {
        !self.paragraphs.is_empty() || self.pending != Pending::Nothing
    }

    /// True while the text is still to be converted or loaded.
    pub fn text_pending(&self) -> bool {
        self.pending != Pending::Nothing
    }
}

/// Parses a news document (already decoded to text) into stories, all tagged with `edition`.
pub fn parse_document(text: &str, edition: usize) -> Vec<Story> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> = text
        .lines()
        .map(|l| clean_line(l).trim().to_string())
        .collect();
    let blocks: Vec<&[String]> = lines
        .split(|l| l.is_empty())
        .filter(|b| !b.is_empty())
        .collect();

    let mut stories: Vec<Story> = Vec::new();
    // True while the last block added paragraphs to the last story, so an untitled block continues it.
    let mut in_story = false;
    let mut pending_title: Option<String> = None;
    for (i, block) in blocks.iter().enumerate() {
        if is_story_block(block) {
            let (title, paragraphs) = if has_title_line(block) {
                (Some(block[0].clone()), &block[1..])
            } else {
                (pending_title.take(), &block[..])
            };
            match (title, in_story, stories.last_mut()) {
                (None, true, Some(last)) => last
                    .paragraphs
                    .extend(paragraphs.iter().map(Paragraph::plain)),
                (title, _, _) => stories.push(Story {
                    title: title.unwrap_or_else(|| derive_title(&paragraphs[0])),
                    paragraphs: paragraphs.iter().map(Paragraph::plain).collect(),
                    edition,
                    ..Story::default()
                }),
            }
            in_story = true;
        } else {
            in_story = false;
            let next_is_untitled_story = blocks
                .get(i + 1)
                .is_some_and(|next| is_story_block(next) && !has_title_line(next));
            if block.len() == 1 && next_is_untitled_story {
                pending_title = Some(block[0].clone());
            } else {
                stories.extend(block.iter().map(|title| Story {
                    title: title.clone(),
                    edition,
                    ..Story::default()
                }));
            }
        }
    }
    stories
}

/// True when a block is story text rather than a headline list: most of its lines (after a
/// title line, if any) are prose. A majority, not any, so that a headline list with the odd
/// "Rates Cut." or "Goal!" in it stays a list.
fn is_story_block(block: &[String]) -> bool {
    let body = if has_title_line(block) {
        &block[1..]
    } else {
        block
    };
    let prose = body.iter().filter(|l| is_prose(l)).count();
    prose * 2 > body.len()
}

/// True when a block's first line is a title over more lines.
fn has_title_line(block: &[String]) -> bool {
    block.len() > 1 && !is_prose(&block[0])
}

/// Derives a title from a paragraph: its first sentence, without the final period, cut at a word
/// boundary with "…" beyond [`DERIVED_TITLE_MAX_WIDTH`] columns. Never empty for a paragraph
/// with text: a sentence that is only a period (".") is kept whole.
pub fn derive_title(paragraph: &str) -> String {
    let sentence = first_sentence(paragraph);
    let sentence = sentence.strip_suffix('.').unwrap_or(sentence).trim_end();
    let sentence = if sentence.is_empty() {
        paragraph.trim()
    } else {
        sentence
    };
    truncate_words(sentence, DERIVED_TITLE_MAX_WIDTH)
}

/// The first sentence of `text`: up to a `.`, `!`, `?` or `…` (and any closing quotes) that is
/// followed by a space and a word that does not start in lower case, skipping abbreviations.
pub fn first_sentence(text: &str) -> &str {
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, q)) = iter.peek() {
            if !is_closer(q) {
                break;
            }
            end = j + q.len_utf8();
            iter.next();
        }
        let rest = &text[end..];
        // CJK full stops end a sentence with no space after them.
        if matches!(c, '。' | '！' | '？') {
            return &text[..end];
        }
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let next_word_lower = rest.trim_start().starts_with(char::is_lowercase);
        if next_word_lower || (c == '.' && ends_with_abbreviation(&text[..=i])) {
            continue;
        }
        return &text[..end];
    }
    text
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

/// True when the word ending `text` (which ends with '.') is an abbreviation, not a sentence end:
/// initials and dotted forms ("U.S.", "a.m.", "J.") and common titles ("Mr.", "Gen.").
fn ends_with_abbreviation(text: &str) -> bool {
    const TITLES: &[&str] = &[
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "gov", "sen", "rep", "lt", "col",
        "capt", "sgt", "maj", "adm", "pres", "inc", "corp", "co", "ltd", "vs", "no", "fig",
        "approx",
    ];
    let word = text.rsplit(char::is_whitespace).next().unwrap_or(text);
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    let stem = word.trim_end_matches('.');
    if stem.is_empty() {
        return false;
    }
    let single_letter = stem.chars().count() == 1 && stem.chars().all(char::is_alphabetic);
    single_letter || stem.contains('.') || TITLES.contains(&stem.to_lowercase().as_str())
}

/// True when a (cleaned, trimmed) line reads as running text rather than a headline.
fn is_prose(line: &str) -> bool {
    let w = width(line);
    if w > HEADLINE_MAX_WIDTH {
        return true;
    }
    let core = line.trim_end_matches(is_closer);
    match core.chars().last() {
        Some('…' | '。') => true,
        // A period ends a sentence unless it ends an abbreviation ("by U.S."), but a line written
        // as a sentence ("She moved to the U.S.") is one all the same.
        Some('.') => !ends_with_abbreviation(core) || sentence_case(line),
        // Headlines ask and exclaim too ("Will the Fed Cut Rates?"): a question or exclamation is
        // prose when written as a sentence, or too long for a headline.
        Some('!' | '?') => sentence_case(line) || w >= QUESTION_PROSE_WIDTH,
        Some('！' | '？') => w >= QUESTION_PROSE_WIDTH,
        _ => false,
    }
}

/// True when a line is written in sentence case: after its first word, most words that start
/// with a letter start in lower case. Headlines are usually Title Case ("Gold Hits Record").
fn sentence_case(line: &str) -> bool {
    let initials: Vec<char> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .filter(|c| c.is_alphabetic())
        .collect();
    let upper = initials.iter().filter(|c| c.is_uppercase()).count();
    initials.len() >= 2 && upper * 2 < initials.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_has_the_words_without_references_or_pictures() {
        let text = "Harbour [1] [image: gull] [2] reopens [3x]";
        let span = |range, style| Span { range, style };
        let para = Paragraph {
            text: text.to_string(),
            kind: ParagraphKind::Text,
            spans: vec![span(0..7, Inline::Link(1)), span(12..25, Inline::Image)],
        };
        assert_eq!(para.words(), "Harbour reopens [3x]");
        assert_eq!(Paragraph::plain("[image] [1]").words(), "[image] [1]");
    }

    #[test]
    fn first_sentence_skips_abbreviations() {
        assert_eq!(
            first_sentence("The U.S. Army moved. Then it stopped."),
            "The U.S. Army moved."
        );
        assert_eq!(
            first_sentence("Mr. Smith met Dr. Jones at 9 a.m. on Monday. Later, more."),
            "Mr. Smith met Dr. Jones at 9 a.m. on Monday."
        );
        assert_eq!(first_sentence("“Go now!” She left."), "“Go now!”");
        assert_eq!(first_sentence("No end here"), "No end here");
        assert_eq!(
            first_sentence("訓練を実施した。参加者は多い。"),
            "訓練を実施した。"
        );
        assert_eq!(
            first_sentence("It costs $3.50 today. Yes."),
            "It costs $3.50 today."
        );
    }

    #[test]
    fn derived_title_drops_the_period_and_cuts_long_sentences() {
        assert_eq!(derive_title("Short one. Second."), "Short one");
        let long = "word ".repeat(40) + "end.";
        let title = derive_title(&long);
        assert!(title.ends_with('…'));
        assert!(width(&title) <= DERIVED_TITLE_MAX_WIDTH);
        assert!(title.trim_end_matches('…').ends_with("word"));
    }

    #[test]
    fn prose_versus_headline_lines() {
        assert!(is_prose("He said so."));
        assert!(is_prose("“It is over,” she said.”"));
        assert!(!is_prose("Sanctions Lifted by U.S."));
        assert!(!is_prose("Will the Fed Cut Rates?"));
        assert!(!is_prose("Messi Scores Again!"));
        assert!(is_prose("Who will pay?"));
        assert!(is_prose("She moved to the U.S."));
        assert!(is_prose("The official said it was no."));
        assert!(!is_prose("Goal!"));
        assert!(is_prose("東京都は火曜日、訓練を実施した。"));
        assert!(!is_prose("Belarus Frees 123 Political Prisoners"));
        assert!(is_prose(&"x".repeat(HEADLINE_MAX_WIDTH + 1)));
    }
}
