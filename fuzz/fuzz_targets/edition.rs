//! Plain-text editions: `source::decode` then `news::parse_document` on arbitrary bytes never
//! panic, and every story has a non-empty title and non-empty paragraphs, all free of control,
//! bidi and separator characters (the parser sanitises every line).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((text, _note)) = gazette::source::decode(data) else {
        return;
    };
    assert!(!text.trim().is_empty(), "decode accepted a blank document");
    for story in gazette::news::parse_document(&text, 7) {
        common::assert_clean("a title", &story.title);
        assert!(!story.title.trim().is_empty(), "an empty title: {story:?}");
        assert_eq!(story.edition, 7);
        for p in &story.paragraphs {
            assert!(!p.text.trim().is_empty(), "an empty paragraph: {story:?}");
            assert!(!p.text.contains('\n'), "a newline in a paragraph: {p:?}");
            common::assert_paragraph(p, story.references.len());
        }
    }
});
