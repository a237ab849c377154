//! Property tests (proptest): wrapping, filtering and sanitising checked on generated input.
//!
//! Each property states an invariant and compares against something simple: the text the layout
//! was given, a reference filter written here from the documented semantics, the list of
//! characters that must never reach the terminal.

mod common;

use common::forbidden;
use proptest::prelude::*;
use proptest::sample::select;
use ratatui::style::Style;
use ratatui::text::Span;

use gazette::action::Action;
use gazette::app::App;
use gazette::config::Config;
use gazette::filter::{Facts, Query};
use gazette::news::{Paragraph, ParagraphKind, Story};
use gazette::reader::{layout_story, LineKind, StoryLine};
use gazette::sanitize::clean_line;
use gazette::source::{Edition, Library};
use gazette::text::width;

/// Cases per property: enough to find the bugs these found, each property a second or two.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Failures are reported with their minimal input; nothing is written beside the tests.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The graphemes of `text` that are not whitespace (wrapping drops and adds whitespace only).
fn graphemes(text: &str) -> Vec<String> {
    Span::raw(text)
        .styled_graphemes(Style::default())
        .map(|g| g.symbol.to_string())
        .filter(|g| !g.chars().all(char::is_whitespace))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Wrapping

const CJK: &[&str] = &[
    "東", "京", "都", "庁", "舎", "新", "し", "い", "。", "、", "한", "국",
];
/// Emoji of one code point: one grapheme, two columns.
const EMOJI: &[&str] = &["🌞", "👍", "🎉", "🚀", "❤"];
/// Emoji graphemes of several code points (skin tones, ZWJ sequences, flags), which textwrap
/// splits apart (see `zwj_emoji_*` below).
const ZWJ_EMOJI: &[&str] = &["👍🏽", "👩‍👩‍👧", "🏳️‍🌈", "👨🏽‍💻", "🇺🇦", "🇯🇵"];
const MARKS: &[&str] = &["\u{301}", "\u{308}", "\u{327}", "\u{301}\u{323}"];
const SPACES: &[&str] = &[" ", " ", " ", "  ", "   "];

/// A piece of a word: ASCII, a CJK char, an emoji, a letter with combining marks, a long run (a
/// word wider than the pane) or a hyphen (a place textwrap may break).
fn unit(emoji: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z]{1,8}",
        3 => select(CJK).prop_map(str::to_string),
        2 => select(emoji).prop_map(str::to_string),
        2 => ("[a-zA-Z]", select(MARKS)).prop_map(|(l, m)| format!("{l}{m}")),
        1 => "[a-z]{15,70}",
        1 => Just("-".to_string()),
    ]
}

/// Words of units separated by runs of spaces, trimmed as the parsers trim paragraphs.
fn prose(emoji: &'static [&'static str]) -> impl Strategy<Value = String> {
    let word = prop::collection::vec(unit(emoji), 1..4).prop_map(|u| u.concat());
    prop::collection::vec((word, select(SPACES)), 1..30).prop_map(|words| {
        let text: String = words.into_iter().map(|(w, s)| w + s).collect();
        text.trim().to_string()
    })
}

fn kinds() -> impl Strategy<Value = ParagraphKind> {
    select(vec![
        ParagraphKind::Text,
        ParagraphKind::Heading,
        ParagraphKind::Quote,
        ParagraphKind::ListItem,
    ])
}

/// The story the layout is given: a title and one paragraph of `kind` (a list item gets its
/// bullet, as the HTML converter gives it).
fn story_of(text: &str, kind: ParagraphKind) -> Story {
    let text = match kind {
        ParagraphKind::ListItem => format!("• {text}"),
        _ => text.to_string(),
    };
    Story {
        title: "Title".into(),
        paragraphs: vec![Paragraph {
            text,
            kind,
            spans: Vec::new(),
        }],
        ..Default::default()
    }
}

/// The lines of the paragraph (block 2), without the blank line before it.
fn paragraph_lines(lines: &[StoryLine]) -> Vec<&StoryLine> {
    lines
        .iter()
        .filter(|l| l.block == 2 && l.kind != LineKind::Blank)
        .collect()
}

/// Checks the wrapping invariants for one paragraph at one width; `Err` says which broke.
fn check_wrap(text: &str, kind: ParagraphKind, w: u16) -> Result<(), TestCaseError> {
    let story = story_of(text, kind);
    let lines = layout_story(&story, &[], w);
    let lines = paragraph_lines(&lines);
    prop_assert!(!lines.is_empty());
    let paragraph = &story.paragraphs[0].text;
    // The narrowest a line can be: a quote bar ("│ ") or a list item's hanging indent (under the
    // text after "• "), then one grapheme however wide.
    let indent = match kind {
        ParagraphKind::Quote | ParagraphKind::ListItem => 2,
        _ => 0,
    };
    for line in &lines {
        let full = format!("{}{}", line.prefix, line.text);
        let widest = graphemes(&line.text)
            .iter()
            .map(|g| width(g))
            .max()
            .unwrap_or(0);
        let limit = usize::from(w).max(indent + widest.max(1));
        prop_assert!(
            width(&full) <= limit,
            "{} columns at width {w}: {full:?}",
            width(&full)
        );
        // The offset finds the line in its paragraph (it keeps the reading place on re-wrap).
        prop_assert!(
            paragraph
                .get(line.offset..)
                .is_some_and(|rest| rest.starts_with(&line.text)),
            "{:?} is not at offset {} of the paragraph",
            line.text,
            line.offset
        );
    }
    // The lines, grapheme by grapheme, are the paragraph: nothing lost, added, reordered or split.
    let wrapped: Vec<String> = lines.iter().flat_map(|l| graphemes(&l.text)).collect();
    prop_assert_eq!(wrapped, graphemes(paragraph), "at width {}", w);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// No line is wider than the pane (unless it is one grapheme wider than a narrow pane, or the
    /// bar or hanging indent alone fill it) and the lines hold the paragraph's graphemes in order.
    #[test]
    fn wrapped_lines_fit_and_keep_every_grapheme(
        text in prose(EMOJI),
        kind in kinds(),
        w in 1u16..200,
    ) {
        check_wrap(&text, kind, w)?;
    }

    /// The same at the narrowest widths, where words are broken apart.
    #[test]
    fn narrow_panes_break_words_without_losing_graphemes(
        text in prose(EMOJI),
        kind in kinds(),
        w in 1u16..8,
    ) {
        check_wrap(&text, kind, w)?;
    }

    /// Emoji made of several code points (ZWJ sequences, flags) are one grapheme each and stay
    /// whole: a word too long for the line is broken between graphemes, not chars.
    #[test]
    fn multi_char_emoji_stay_whole(
        text in prose(ZWJ_EMOJI),
        kind in kinds(),
        w in 1u16..40,
    ) {
        check_wrap(&text, kind, w)?;
    }

    /// A short word before a long unbreakable one (a hash, a long compound) that just misses the
    /// line: textwrap's default optimal fit overflowed the line by a column or more rather than
    /// leave a long gap; the layout (first fit) never lets a line overflow.
    #[test]
    fn lines_never_overflow_the_pane(
        short in "[a-z]{1,4}",
        over in 1usize..4,
        kind in kinds(),
        w in 20u16..200,
    ) {
        let long = "0123456789abcdef".repeat(13);
        let long = &long[..usize::from(w) - short.len() - 1 + over];
        check_wrap(&format!("{short} {long} end"), kind, w)?;
    }
}

/// A ZWJ sequence wider than the pane stays one grapheme on one line (textwrap alone broke it
/// between chars and drew 👩‍ / 👩‍ / 👧 instead of one family).
#[test]
fn zwj_emoji_are_not_split_across_lines() {
    let lines = layout_story(&story_of("👩‍👩‍👧", ParagraphKind::Text), &[], 2);
    let texts: Vec<&str> = paragraph_lines(&lines)
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(texts, ["👩‍👩‍👧"]);
}

// ---------------------------------------------------------------------------------------------
// The filter

/// Words titles and queries are drawn from: few, so that queries match; cased and uncased,
/// accented, CJK, Greek with its final sigma, German sharp s.
const WORDS: &[&str] = &[
    "nato", "NATO", "Nato", "peace", "Peace", "talks", "ukraine", "Ukraine", "ÜBER", "über", "éte",
    "Été", "東京", "京都", "ΟΔΟΣ", "οδός", "straße", "STRASSE", "a", "A", "ab", "Ab", "b",
];
const SOURCES: &[&str] = &["BBC News", "Reuters", "Le Monde", "東京新聞"];
const TAGS: &[&str] = &["World", "tech", "Économie"];

/// A headline: words joined by spaces, or run together so words occur inside other words.
fn title() -> impl Strategy<Value = String> {
    prop::collection::vec((select(WORDS), select(vec![" ", " ", ""])), 0..6)
        .prop_map(|w| w.into_iter().map(|(a, b)| format!("{a}{b}")).collect())
}

/// A query term: a word, part of one, or an `is:`/`source:`/`tag:` term (some malformed, which
/// are words), in any case.
fn term() -> impl Strategy<Value = String> {
    let part = (select(WORDS), 0usize..4, 1usize..5)
        .prop_map(|(w, from, len)| w.chars().skip(from).take(len).collect::<String>());
    prop_oneof![
        4 => select(WORDS).prop_map(str::to_string),
        3 => part,
        1 => select(vec!["is:unread", "is:read", "IS:Starred", "is:new", "is:star", "is:", "is:x"])
            .prop_map(str::to_string),
        1 => (select(vec!["source:", "src:", "Source:", "tag:", "TAG:"]),
              select(vec!["bbc", "BBC", "news", "東京", "", "world", "ÉCO", "te"]))
            .prop_map(|(k, v)| format!("{k}{v}")),
    ]
    .prop_filter("a term has no whitespace", |t| !t.is_empty())
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec((term(), select(vec![" ", "  "])), 0..4)
        .prop_map(|t| t.into_iter().map(|(a, b)| format!("{a}{b}")).collect())
}

/// Lower case, char by char, every char to its full lower case (so no char maps to one char
/// by design here: the implementation's one-char folding is checked against it).
fn lower(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// The filter as documented in `src/filter.rs` and the README, written plainly: whitespace
/// separates terms; `is:unread`/`is:new`, `is:read`, `is:starred`/`is:star`, `source:`/`src:NAME`
/// and `tag:NAME` (kind and value in any case, NAME non-empty and found case-insensitively in the
/// source's name or a tag) are conditions, any other term a word; words must all occur in the
/// title, case-sensitively when any word has an upper-case letter.
fn reference(query: &str, title: &str, facts: &Facts<'_>) -> bool {
    let mut words = Vec::new();
    let mut holds = true;
    for term in query.split_whitespace() {
        let condition = term.split_once(':').and_then(|(kind, value)| {
            let value = value.to_lowercase();
            match (kind.to_lowercase().as_str(), value.as_str()) {
                ("is", "unread" | "new") => Some(!facts.read),
                ("is", "read") => Some(facts.read),
                ("is", "starred" | "star") => Some(facts.starred),
                ("source" | "src", v) if !v.is_empty() => {
                    Some(facts.source.to_lowercase().contains(v))
                }
                ("tag", v) if !v.is_empty() => {
                    Some(facts.tags.iter().any(|t| t.to_lowercase().contains(v)))
                }
                _ => None,
            }
        });
        match condition {
            Some(h) => holds &= h,
            None => words.push(term),
        }
    }
    let sensitive = words.iter().any(|w| w.chars().any(char::is_uppercase));
    holds
        && words.iter().all(|w| {
            if sensitive {
                title.contains(w)
            } else {
                lower(title).contains(&lower(w))
            }
        })
}

#[derive(Debug, Clone)]
struct Headline {
    title: String,
    read: bool,
    starred: bool,
    source: usize,
}

fn headline() -> impl Strategy<Value = Headline> {
    (title(), any::<bool>(), any::<bool>(), 0..SOURCES.len()).prop_map(
        |(title, read, starred, source)| Headline {
            title,
            read,
            starred,
            source,
        },
    )
}

/// The tags of source `i`: a different subset for each.
fn tags_of(i: usize) -> Vec<String> {
    TAGS.iter()
        .enumerate()
        .filter(|(t, _)| (i + t) % 2 == 0)
        .map(|(_, t)| t.to_string())
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// `Query` agrees with the reference on every story, and `positions` with `matches`.
    #[test]
    fn query_matches_like_the_reference(q in query(), headlines in prop::collection::vec(headline(), 0..12)) {
        let parsed = Query::new(&q);
        for h in &headlines {
            let tags = tags_of(h.source);
            let facts = Facts { read: h.read, starred: h.starred, source: SOURCES[h.source], tags: &tags, enclosure: false };
            let got = parsed.matches(&h.title) && parsed.conditions_hold(&facts);
            prop_assert_eq!(got, reference(&q, &h.title, &facts), "{:?} on {:?}", q, h);
            prop_assert_eq!(parsed.matches(&h.title), parsed.positions(&h.title).is_some());
        }
    }

}

/// An edit of the filter being typed.
#[derive(Debug, Clone)]
enum Edit {
    Type(String),
    Backspace,
    DeleteWord,
    Clear,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        8 => query().prop_map(Edit::Type),
        3 => Just(Edit::Backspace),
        1 => Just(Edit::DeleteWord),
        1 => Just(Edit::Clear),
    ]
}

/// The actions that change or follow read marks: toggling, marking the list, opening by moving.
fn mark_move() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::ToggleRead),
        Just(Action::MarkAllRead),
        Just(Action::NextUnread),
        Just(Action::Down),
        Just(Action::Up),
        Just(Action::ToggleFullView),
        Just(Action::Close),
    ]
}

/// An app over `headlines`, with their read and starred marks, sized, not yet filtering.
fn app_of(headlines: &[Headline]) -> App {
    let mut library = Library::default();
    for (i, name) in SOURCES.iter().enumerate() {
        library.editions.push(Edition {
            name: name.to_string(),
            tags: tags_of(i),
            ..Edition::default()
        });
    }
    library.stories = headlines
        .iter()
        .map(|h| Story {
            title: h.title.clone(),
            edition: h.source,
            ..Default::default()
        })
        .collect();
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(100, 30));
    // Marks as the store gives them back, by key (two equal headlines share a key, and so their
    // marks: the reference reads the app's marks).
    let marks = headlines
        .iter()
        .enumerate()
        .map(|(i, h)| (app.key(i), (h.read, h.starred)))
        .collect();
    app.restore_marks(&marks);
    app
}

/// The stories the reference picks for `query`, with the app's current marks.
fn expected(app: &App, headlines: &[Headline], query: &str) -> Vec<usize> {
    (0..headlines.len())
        .filter(|&i| {
            let tags = tags_of(headlines[i].source);
            let facts = Facts {
                read: app.read()[i],
                starred: app.starred[i],
                source: SOURCES[headlines[i].source],
                tags: &tags,
                enclosure: false,
            };
            reference(query, &headlines[i].title, &facts)
        })
        .collect()
}

fn listed(app: &App) -> Vec<usize> {
    let mut visible = app.visible.clone();
    visible.sort_unstable();
    visible
}

proptest! {
    #![proptest_config(config())]

    /// Typed into the app a keystroke at a time, then erased with Backspace, the query leaves
    /// listed exactly the stories the reference picks, after every keystroke (the app narrows the
    /// current list while the query grows, so this also checks that shortcut).
    #[test]
    fn the_app_lists_what_the_reference_picks(q in query(), headlines in prop::collection::vec(headline(), 1..12)) {
        let mut app = app_of(&headlines);
        app.update(Action::StartFilter);
        let mut typed = String::new();
        for c in q.chars() {
            typed.push(c);
            app.update(Action::FilterInput(c));
            prop_assert_eq!(listed(&app), expected(&app, &headlines, &typed), "after typing {:?}", typed);
        }
        while typed.pop().is_some() {
            app.update(Action::FilterBackspace);
            prop_assert_eq!(listed(&app), expected(&app, &headlines, &typed), "after erasing to {:?}", typed);
        }
    }

    /// The unread count the status bar shows is kept as marks change (never counted per frame):
    /// whatever marks and moves come, it is the number of stories not read.
    #[test]
    fn the_unread_count_follows_every_mark(headlines in prop::collection::vec(headline(), 1..12), moves in prop::collection::vec(mark_move(), 0..30)) {
        let mut app = app_of(&headlines);
        let count = |app: &App| app.read().iter().filter(|read| !**read).count();
        prop_assert_eq!(app.unread(), count(&app), "restored marks");
        for action in moves {
            app.update(action.clone());
            prop_assert_eq!(app.unread(), count(&app), "after {:?}", action);
        }
    }

    /// Any mix of typing, Backspace, Ctrl-W (delete a word) and Ctrl-U (clear) edits the query as
    /// a line editor would and keeps the list equal to the reference's pick for it.
    #[test]
    fn filter_edits_keep_the_list_right(edits in prop::collection::vec(edit(), 1..12), headlines in prop::collection::vec(headline(), 1..12)) {
        let mut app = app_of(&headlines);
        app.update(Action::StartFilter);
        let mut typed = String::new();
        for edit in &edits {
            match edit {
                Edit::Type(text) => {
                    for c in text.chars() {
                        typed.push(c);
                        app.update(Action::FilterInput(c));
                    }
                }
                Edit::Backspace => {
                    typed.pop();
                    app.update(Action::FilterBackspace);
                }
                Edit::DeleteWord => {
                    // The last word goes, with the whitespace after it; the whitespace before stays.
                    let trimmed = typed.trim_end();
                    let start = trimmed.rfind(char::is_whitespace).map_or(0, |i| {
                        i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
                    });
                    typed.truncate(start);
                    app.update(Action::FilterDeleteWord);
                }
                Edit::Clear => {
                    typed.clear();
                    app.update(Action::FilterClear);
                }
            }
            prop_assert_eq!(&app.query, &typed, "after {:?}", edit);
            prop_assert_eq!(listed(&app), expected(&app, &headlines, &typed), "after {:?} to {:?}", edit, typed);
        }
    }
}

/// Ctrl-W after a word typed behind a wide space (U+3000, as CJK input methods type it, or
/// pasted) cut the query inside that space's UTF-8 bytes: `String::truncate` panicked and the
/// reader died.
#[test]
fn deleting_a_word_after_a_wide_space_does_not_panic() {
    let mut app = app_of(&[]);
    app.update(Action::StartFilter);
    for c in "東京\u{3000}nato".chars() {
        app.update(Action::FilterInput(c));
    }
    app.update(Action::FilterDeleteWord);
    assert_eq!(app.query, "東京\u{3000}");
}

// ---------------------------------------------------------------------------------------------
// Sanitising

/// Text with nothing for the sanitiser to do: no controls, bidi or separators, no tabs.
fn inert() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 .;:\\[\\]\\\\_^/()-]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().filter(|&c| !forbidden(c) && c != '\t').collect()),
        1 => select(vec!["東京", "👩‍👩‍👧", "e\u{301}", "Ünïcödé", "“quoted”", ""]).prop_map(str::to_string),
    ]
}

/// An escape sequence, well formed: CSI with parameters, intermediates and a final byte; OSC 0, 8
/// or 52 and DCS, APC, PM, SOS payloads, each ended by BEL, ESC \ or the 8-bit ST; nF and two-byte
/// escapes.
fn sequence() -> impl Strategy<Value = String> {
    let payload = "[a-zA-Z0-9 ;:/=+.?&_-]{0,24}";
    let terminator = select(vec!["\u{7}", "\u{1b}\\", "\u{9c}"]);
    prop_oneof![
        ("[0-9;?<=>]{0,8}", "[ -/]{0,2}", "[@-~]")
            .prop_map(|(p, i, f)| format!("\u{1b}[{p}{i}{f}")),
        (
            select(vec!["0;", "2;", "8;;https://evil.example/", "8;;", "52;c;"]),
            payload,
            terminator.clone()
        )
            .prop_map(|(kind, p, t)| format!("\u{1b}]{kind}{p}{t}")),
        (select(vec!["P", "_", "^", "X"]), payload, terminator)
            .prop_map(|(kind, p, t)| format!("\u{1b}{kind}{p}{t}")),
        ("[ -/]{1,3}", "[0-~]").prop_map(|(i, f)| format!("\u{1b}{i}{f}")),
        "[0-OQ-WYZ`-~]".prop_map(|f| format!("\u{1b}{f}")),
    ]
}

/// Anything hostile: sequences (also cut short, or in their 8-bit forms), lone controls, bidi
/// characters, separators, tabs, arbitrary strings.
fn hostile() -> impl Strategy<Value = String> {
    let lone = prop_oneof![
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        select(vec![
            '\u{200e}', '\u{200f}', '\u{061c}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{2028}', '\u{2029}',
            '\t'
        ])
        .prop_map(String::from),
    ];
    let cut = (sequence(), any::<prop::sample::Index>()).prop_map(|(s, at)| {
        let chars: Vec<char> = s.chars().collect();
        chars[..at.index(chars.len() + 1)]
            .iter()
            .collect::<String>()
    });
    let eight_bit = (
        select(vec![
            '\u{9b}', '\u{9d}', '\u{90}', '\u{9f}', '\u{9e}', '\u{98}',
        ]),
        "[0-9;a-z]{0,8}",
        select(vec!["", "\u{9c}", "\u{7}"]),
    )
        .prop_map(|(i, p, t)| format!("{i}{p}{t}"));
    let piece = prop_oneof![3 => inert(), 3 => sequence(), 2 => cut, 2 => lone, 1 => eight_bit, 1 => any::<String>()];
    prop::collection::vec(piece, 0..16).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(config())]

    /// Nothing that can drive the terminal or reorder text survives `clean_line`.
    #[test]
    fn clean_line_leaves_no_control_bidi_or_separator(input in hostile()) {
        let out = clean_line(&input);
        prop_assert!(!out.chars().any(forbidden), "{:?} -> {:?}", input, out);
    }

    /// Well-formed sequences go whole, payloads and all, and the text around them is kept exactly.
    #[test]
    fn clean_line_removes_sequences_whole_and_keeps_text(
        pieces in prop::collection::vec((inert(), sequence()), 0..8),
        last in inert(),
    ) {
        let input: String = pieces.iter().map(|(t, s)| format!("{t}{s}")).chain([last.clone()]).collect();
        let text: String = pieces.iter().map(|(t, _)| t.as_str()).chain([last.as_str()]).collect();
        prop_assert_eq!(clean_line(&input), text, "from {:?}", input);
    }

    /// Cleaning is idempotent: clean text is left as it is.
    #[test]
    fn clean_line_is_idempotent(input in hostile()) {
        let once = clean_line(&input);
        prop_assert_eq!(clean_line(&once), once.clone());
    }

    /// A sequence cut short by the ESC of the next one (as a terminal parses it: ESC anywhere
    /// starts a new sequence) goes, and the next one goes whole: an ESC right after ESC, after a
    /// CSI's parameters or after an nF intermediate was once swallowed as that sequence's final
    /// byte, and the next sequence's payload showed as text (`a ESC ESC ]0;PWNED BEL b` gave
    /// `a]0;PWNEDb`).
    #[test]
    fn a_sequence_cut_short_by_another_goes_whole(
        pieces in prop::collection::vec((inert(), sequence(), any::<prop::sample::Index>(), sequence()), 0..6),
        last in inert(),
    ) {
        let mut input = String::new();
        let mut text = String::new();
        for (t, cut, at, next) in &pieces {
            // The cut-off sequence: its introducer (ESC and one more char) and part of the rest.
            let chars: Vec<char> = cut.chars().collect();
            let kept: String = chars[..1 + at.index(chars.len() - 1).max(1).min(chars.len() - 1)].iter().collect();
            input.push_str(&format!("{t}{kept}{next}"));
            text.push_str(t);
        }
        input.push_str(&last);
        text.push_str(&last);
        prop_assert_eq!(clean_line(&input), text, "from {:?}", input);
    }
}
