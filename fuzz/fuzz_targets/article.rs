//! Reader mode's extraction: `article::extract_bytes` on arbitrary bytes never panics, and what
//! it extracts is clean: paragraphs as for `html`, references clean, title and byline one line.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::tolerate_caught_panics();
    common::run(|| {
        let Ok(article) = gazette::article::extract_bytes(data, None, "https://example.com/a/b") else {
            return;
        };
        for p in &article.paragraphs {
            common::assert_paragraph(p, article.references.len());
        }
        for line in [Some(&article.title), article.byline.as_ref()].into_iter().flatten() {
            assert_eq!(*line, gazette::sanitize::clean_line(line), "{line:?}");
        }
    });
});
