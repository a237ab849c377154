//! Entry HTML: `html::html_to_text` on arbitrary text never panics, and its paragraphs are clean
//! (newlines only in preformatted ones), with in-bounds, char-aligned, ordered spans whose links
//! name existing references, and clean references.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

const BASES: [Option<&str>; 4] = [
    None,
    Some("https://example.com/news/story.html?x=1#top"),
    Some("http://a/b/c/d;p?q"),
    Some("::"),
];

fuzz_target!(|data: &[u8]| {
    common::tolerate_caught_panics();
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(html) = std::str::from_utf8(rest) else {
        return;
    };
    let base = BASES[usize::from(selector) % BASES.len()];
    common::run(|| {
        let out = gazette::html::html_to_text(html, base);
        for p in &out.paragraphs {
            common::assert_paragraph(p, out.references.len());
            if p.kind != gazette::news::ParagraphKind::Preformatted {
                assert!(!p.text.trim().is_empty(), "an empty paragraph: {p:?}");
            }
        }
        for url in &out.references {
            common::assert_clean("a reference", url);
        }
    });
});
