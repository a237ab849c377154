//! Invariants shared by the targets: what "clean" text and well-formed paragraphs are.

// Each target uses its own part.
#![allow(dead_code)]

use gazette::news::{Inline, Paragraph, ParagraphKind};

/// Characters the sanitiser must have removed: C0 controls (ESC included), DEL, C1 controls,
/// bidirectional marks, embeddings, overrides and isolates, and the line/paragraph separators
/// (which it turns into spaces).
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200e}' | '\u{200f}' | '\u{061c}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}' | '\u{2029}')
}

/// Panics when `text` holds a forbidden character.
pub fn assert_clean(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
        panic!("{what} holds {c:?}: {text:?}");
    }
}

/// Panics unless a paragraph is clean (newlines only in preformatted text) and its spans are in
/// bounds, on char boundaries, non-empty, in order and not overlapping, and each link span names
/// one of the `references`.
pub fn assert_paragraph(p: &Paragraph, references: usize) {
    if p.kind == ParagraphKind::Preformatted {
        for line in p.text.split('\n') {
            assert_clean("a preformatted line", line);
        }
    } else {
        assert_clean("a paragraph", &p.text);
    }
    let mut end = 0;
    for span in &p.spans {
        let r = &span.range;
        assert!(
            r.start < r.end && r.end <= p.text.len(),
            "span {r:?} out of bounds or empty in {:?}",
            p.text
        );
        assert!(
            p.text.is_char_boundary(r.start) && p.text.is_char_boundary(r.end),
            "span {r:?} not on char boundaries in {:?}",
            p.text
        );
        assert!(
            r.start >= end,
            "spans overlap or are out of order: {:?}",
            p.spans
        );
        end = r.end;
        if let Inline::Link(n) = span.style {
            assert!(
                (1..=references).contains(&n),
                "link [{n}] but {references} references"
            );
        }
    }
}

/// Lets panics that the code under test catches itself (html2text and feed-rs run behind
/// `catch_unwind`) pass quietly, instead of libfuzzer-sys's hook aborting on them. A panic that
/// escapes the target still aborts: libfuzzer-sys catches it around the target and aborts.
/// `GAZETTE_FUZZ_STRICT=1` keeps the abort-on-any-panic hook, to collect the caught panics too.
pub fn tolerate_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("GAZETTE_FUZZ_STRICT").is_none() {
            let _ = std::panic::take_hook();
            std::panic::set_hook(Box::new(|info| {
                // Printed only when the panic escapes (below): kept for the crash report.
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            }));
        }
    });
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `body`; a panic that escapes it is printed (the quiet hook above kept it) and aborts.
pub fn run(body: impl FnOnce()) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).is_err() {
        if let Some(message) = LAST_PANIC.with(|p| p.borrow_mut().take()) {
            eprintln!("{message}");
        }
        std::process::abort();
    }
}
