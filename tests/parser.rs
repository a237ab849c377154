//! The news document parser and loader: the bundled seed in detail, then each tolerance.

use std::path::PathBuf;

use gazette::news::{parse_document, Story};
use gazette::source::{decode, Library, BUNDLED_TEXT};

fn titles(stories: &[Story]) -> Vec<&str> {
    stories.iter().map(|s| s.title.as_str()).collect()
}

#[test]
fn the_seed_is_one_story_of_six_paragraphs_then_seventeen_headlines() {
    let stories = parse_document(BUNDLED_TEXT, 0);
    assert_eq!(stories.len(), 18);
    let story = &stories[0];
    assert_eq!(story.paragraphs.len(), 6);
    assert!(
        stories[1..].iter().all(|s| !s.has_text()),
        "the rest are headline-only"
    );

    // The derived title: the first sentence, not cut at "U.S.", cut at a word with "…".
    assert!(
        story
            .title
            .starts_with("U.S. President Donald Trump confirmed on Sunday"),
        "{}",
        story.title
    );
    assert!(story.title.ends_with('…'));
    assert!(!story.title.ends_with(" …"));
    assert!(unicode_width::UnicodeWidthStr::width(story.title.as_str()) <= 80);
    let without_mark = story.title.trim_end_matches('…');
    assert!(
        story.paragraphs[0].starts_with(without_mark),
        "cut at a word boundary of the first paragraph"
    );
    assert!(story.paragraphs[0][without_mark.len()..].starts_with(' '));

    // Text kept exactly: curly quotes, em dash, ellipsis.
    assert!(
        story.paragraphs[0].contains("drug cartels—a proposal Mexican President Claudia Sheinbaum")
    );
    assert_eq!(
        story.paragraphs[1],
        "Trump’s comments followed Sheinbaum’s disclosure on Saturday that she had declined the offer, asserting that “sovereignty is not for sale.” She emphasized that while Mexico is open to bilateral cooperation with the U.S. on issues like border security and drug trafficking, it would “never accept the presence of the United States military in our territory.”"
    );
    assert!(story.paragraphs[5].ends_with("transnational criminal networks."));

    // Headlines in file order, text exact, trailing space trimmed.
    assert_eq!(
        stories[1].title,
        "U.S. Soldiers Killed in ISIS Attack in Palmyra, Syria During Counterterrorism Mission"
    );
    assert_eq!(stories[6].title, "Preservation Group Sues Trump Administration to Halt $300 Million White House Ballroom Project");
    assert_eq!(
        stories[7].title,
        "Tunisia Protests Grow as Opposition Unites Against President Kais Saied’s Rule"
    );
    assert_eq!(
        stories[17].title,
        "Special Prosecutor Alleges Yoon Suk Yeol Sought North Korea Provocation to Justify Martial Law"
    );
    assert!(stories.iter().all(|s| s.edition == 0));
}

#[test]
fn bom_crlf_trailing_spaces_and_tabs_are_tolerated() {
    let text =
        "\u{feff}Para one here.\r\nPara two.  \t\r\n\r\n\r\n\tHeadline A  \r\nHeadline\tB\r\n";
    let stories = parse_document(text, 0);
    assert_eq!(
        titles(&stories),
        ["Para one here", "Headline A", "Headline    B"]
    );
    assert_eq!(stories[0].paragraphs, ["Para one here.", "Para two."]);
}

#[test]
fn lone_carriage_returns_end_lines() {
    let stories = parse_document("A headline\rAnother headline\r", 0);
    assert_eq!(titles(&stories), ["A headline", "Another headline"]);
}

#[test]
fn any_number_of_blank_lines_is_one_separator() {
    let one = parse_document("Story text.\n\nH1\nH2\n", 0);
    let many = parse_document("\n\n\nStory text.\n\n\n\n\n   \n\nH1\nH2\n\n\n", 0);
    assert_eq!(one, many);
    assert_eq!(titles(&one), ["Story text", "H1", "H2"]);
}

#[test]
fn a_document_of_only_headlines() {
    let stories = parse_document("First Headline\nSecond Headline\nThird: U.S. Acts\n", 0);
    assert_eq!(
        titles(&stories),
        ["First Headline", "Second Headline", "Third: U.S. Acts"]
    );
    assert!(stories.iter().all(|s| !s.has_text()));
}

#[test]
fn a_document_of_only_a_story() {
    let stories = parse_document("It rained. Then it stopped.\nEveryone went home.\n", 0);
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0].title, "It rained");
    assert_eq!(stories[0].paragraphs.len(), 2);
}

#[test]
fn several_titled_stories_then_headlines() {
    let text = "Storm Hits Coast\nThe storm arrived at dawn.\nPower is out.\n\n\
                Markets Rally\nStocks rose sharply.\n\n\
                Headline One\nHeadline Two\n";
    let stories = parse_document(text, 0);
    assert_eq!(
        titles(&stories),
        [
            "Storm Hits Coast",
            "Markets Rally",
            "Headline One",
            "Headline Two"
        ]
    );
    assert_eq!(
        stories[0].paragraphs,
        ["The storm arrived at dawn.", "Power is out."]
    );
    assert_eq!(stories[1].paragraphs, ["Stocks rose sharply."]);
}

#[test]
fn a_title_may_stand_apart_and_paragraphs_may_be_spaced() {
    let text = "Storm Hits Coast\n\nThe storm arrived at dawn.\n\nPower is out.\n\nOther Headline\nAnd Another\n";
    let stories = parse_document(text, 0);
    assert_eq!(
        titles(&stories),
        ["Storm Hits Coast", "Other Headline", "And Another"]
    );
    assert_eq!(
        stories[0].paragraphs,
        ["The storm arrived at dawn.", "Power is out."]
    );
}

#[test]
fn control_characters_in_documents_never_reach_the_model() {
    let text = "Evil \u{1b}]0;pwned\u{7}Title\u{1b}[2J\n\u{202e}Reversed\u{9b}31m headline\n";
    let stories = parse_document(text, 0);
    // The 8-bit CSI goes; its parameters are left as inert text.
    assert_eq!(titles(&stories), ["Evil Title", "Reversed31m headline"]);
}

#[test]
fn legacy_text_is_decoded_as_windows_1252_with_a_note() {
    // 0x93/0x94 are curly quotes and 0x97 an em dash in Windows-1252; 0xE9 is é.
    let (text, note) = decode(b"Caf\xe9 \x93quoted\x94 \x97 dash\n").unwrap();
    assert_eq!(text, "Café “quoted” — dash\n");
    assert!(note.unwrap().contains("Windows-1252"));
    let (text, note) = decode("Café".as_bytes()).unwrap();
    assert_eq!((text.as_str(), note), ("Café", None));
}

#[test]
fn utf16_with_a_bom_is_decoded() {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend("Hi there".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(decode(&bytes).unwrap().0, "Hi there");
}

#[test]
fn nul_bytes_empty_and_blank_files_are_refused() {
    assert_eq!(
        decode(b"abc\0def").unwrap_err(),
        "not a text document (it contains NUL bytes)"
    );
    assert_eq!(decode(b"").unwrap_err(), "empty file");
    assert!(decode(b"  \n\r\n\t\n")
        .unwrap_err()
        .starts_with("blank file"));
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn errors_name_the_file_and_the_problem_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 3] = [
        ("bin.txt", b"\x7fELF\0\0", "not a text document"),
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"\n \n", "blank file"),
    ];
    for (name, bytes, problem) in cases {
        let path = write(dir.path(), name, bytes);
        let message = format!(
            "{:#}",
            Library::load(std::slice::from_ref(&path)).unwrap_err()
        );
        assert!(
            message.starts_with(&path.display().to_string()),
            "{message}"
        );
        assert!(message.contains(problem), "{message}");
        assert!(!message.contains('\n'));
    }
    let missing = dir.path().join("missing.txt");
    let message = format!("{:#}", Library::load(&[missing]).unwrap_err());
    assert!(
        message.ends_with("missing.txt: no such file or directory"),
        "{message}"
    );
}

#[test]
fn several_files_and_directories_are_editions_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", b"Alpha One\nAlpha Two\n");
    let news = dir.path().join("news");
    std::fs::create_dir(&news).unwrap();
    write(&news, "2-second.txt", b"Second Headline\n");
    write(&news, "1-first.txt", b"Caf\xe9 Headline\n");
    write(&news, "3-binary.txt", b"\0\0\0");
    write(&news, ".hidden.txt", b"Hidden Headline\n");

    let library = Library::load(&[a, news]).unwrap();
    let names: Vec<&str> = library.editions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["a.txt", "1-first.txt", "2-second.txt"]);
    let got: Vec<(&str, usize)> = library
        .stories
        .iter()
        .map(|s| (s.title.as_str(), s.edition))
        .collect();
    assert_eq!(
        got,
        [
            ("Alpha One", 0),
            ("Alpha Two", 0),
            ("Café Headline", 1),
            ("Second Headline", 2)
        ]
    );
    // The legacy file and the skipped binary are reported for the status bar.
    assert!(library
        .notes
        .iter()
        .any(|n| n.contains("1-first.txt") && n.contains("Windows-1252")));
    assert!(library
        .notes
        .iter()
        .any(|n| n.contains("3-binary.txt") && n.contains("not a text document")));
}

#[test]
fn the_bundled_edition_is_embedded() {
    let library = Library::bundled();
    assert_eq!(library.editions.len(), 1);
    assert_eq!(library.editions[0].name, "000_ee9c147485efd3c5.txt");
    assert_eq!(library.stories.len(), 18);
    // The embedded copy is the seed file, byte for byte.
    let on_disk = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/000_ee9c147485efd3c5.txt"
    ))
    .unwrap();
    assert_eq!(on_disk, BUNDLED_TEXT);
}

#[test]
fn a_headline_list_with_the_odd_sentence_stays_a_list() {
    let text = "Lead Story Title\nThe lead paragraph is here.\nSecond paragraph.\n\n\
                Oil Prices Slip\nFed cuts rates by a quarter point.\nGold Hits Record\n\
                What Next for the Economy?\nMessi Scores Again!\n";
    let stories = parse_document(text, 0);
    assert_eq!(
        titles(&stories),
        [
            "Lead Story Title",
            "Oil Prices Slip",
            "Fed cuts rates by a quarter point.",
            "Gold Hits Record",
            "What Next for the Economy?",
            "Messi Scores Again!"
        ]
    );
    assert_eq!(stories[0].paragraphs.len(), 2);
    assert!(stories[1..].iter().all(|s| !s.has_text()));
}

#[test]
fn cjk_stories_are_recognised_by_their_full_stops() {
    let text = "東京で地震訓練\n東京都は火曜日、大規模な地震を想定した訓練を実施した。\n参加者は約一万人に上った。\n\n見出し一\n見出し二\n";
    let stories = parse_document(text, 0);
    assert_eq!(titles(&stories), ["東京で地震訓練", "見出し一", "見出し二"]);
    assert_eq!(stories[0].paragraphs.len(), 2);
    let untitled = parse_document("訓練を実施した。参加者は多い。\n", 0);
    assert_eq!(untitled[0].title, "訓練を実施した。");
}

#[test]
fn file_names_are_cleaned_like_content() {
    let dir = tempfile::tempdir().unwrap();
    let evil = write(
        dir.path(),
        "x\u{1b}[31mRED\u{1b}]0;PWN\u{7}.txt",
        b"Evil Name Headline\n",
    );
    let library = Library::load(&[evil]).unwrap();
    assert_eq!(library.editions[0].name, "xRED.txt");
    write(dir.path(), "z\u{1b}]0;PWNED\u{7}\u{1b}[2J.txt", b"");
    let skipped = Library::load(&[dir.path().to_path_buf()]).unwrap();
    assert!(
        skipped
            .notes
            .iter()
            .all(|n| !n.contains('\u{1b}') && !n.contains('\u{7}')),
        "{:?}",
        skipped.notes
    );
    let missing = dir.path().join("nope\u{1b}[2J");
    let message = format!("{:#}", Library::load(&[missing]).unwrap_err());
    assert!(!message.contains('\u{1b}'), "{message:?}");
}

#[test]
fn the_readme_example_parses_as_the_readme_says() {
    let readme = include_str!("../README.md");
    let example = readme
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README has a ```text example");
    let stories = parse_document(example, 0);
    assert_eq!(stories.len(), 4);
    assert_eq!(stories[0].title, "Storm Hits Coast");
    assert_eq!(stories[0].paragraphs.len(), 2);
    assert!(stories[1..].iter().all(|s| !s.has_text()));
}

#[test]
fn short_stories_written_as_sentences_are_stories() {
    for text in [
        "Storm Hits Coast\nShe moved to the U.S.\n",
        "Storm Hits Coast\nThe storm arrived at dawn, flooding the harbour road.\nWho will pay?\n",
        "Storm Hits Coast\nThe official said it was no.\n",
    ] {
        let stories = parse_document(text, 0);
        assert_eq!(titles(&stories), ["Storm Hits Coast"], "{text:?}");
        assert!(stories[0].has_text());
    }
}

#[test]
fn mostly_utf8_text_with_stray_bytes_keeps_its_utf8() {
    let bytes = b"Caf\xe9 Owner Says \xe2\x80\x9cWe Will Stay\xe2\x80\x9d After Fire\n";
    let (text, note) = decode(bytes).unwrap();
    assert_eq!(
        text,
        "Caf\u{fffd} Owner Says \u{201c}We Will Stay\u{201d} After Fire\n"
    );
    assert!(note.unwrap().contains("not UTF-8"));
    // Windows-1252's undefined bytes become C1 controls: they go, and nothing after them does.
    let (text, _) = decode(b"Caf\xe9 \x9d quoted \x90 text\n").unwrap();
    let stories = parse_document(&text, 0);
    assert_eq!(stories[0].title, "Café  quoted  text");
}
