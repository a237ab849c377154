//! OPML import: `subscriptions::parse_opml` on arbitrary text (the first byte says whether file:
//! URLs are allowed) never panics, whatever the nesting; every feed it takes is clean (no control,
//! bidi or separator character, nothing XML forbids), already sanitised, with a URL of a scheme
//! it allows and a key no other feed has; and exporting what it took gives OPML with nothing XML
//! forbids that imports back to exactly the same subscriptions, and exports again to the same
//! text.
#![no_main]

mod common;

use gazette::sanitize::is_xml_forbidden;
use gazette::subscriptions::{export_opml, parse_opml, url_key, ImportOptions, Subscription};
use libfuzzer_sys::fuzz_target;

fn assert_field(what: &str, text: &str) {
    common::assert_clean(what, text);
    if let Some(c) = text.chars().find(|&c| is_xml_forbidden(c)) {
        panic!("{what} holds {c:?}, which XML forbids: {text:?}");
    }
    assert_eq!(text.trim(), text, "{what} not trimmed");
}

fn sorted(mut feeds: Vec<Subscription>) -> Vec<Subscription> {
    feeds.sort_by(|a, b| a.url.cmp(&b.url));
    feeds
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let options = ImportOptions {
        allow_files: flags & 1 == 1,
    };
    let text = String::from_utf8_lossy(rest);
    let Ok(found) = parse_opml(&text, &options) else {
        return;
    };
    let mut keys = std::collections::HashSet::new();
    for feed in &found.feeds {
        assert_field("a URL", &feed.url);
        let scheme = feed.url.split(':').next().unwrap_or("").to_ascii_lowercase();
        let allowed = match scheme.as_str() {
            "http" | "https" => true,
            "file" => options.allow_files,
            _ => false,
        };
        assert!(allowed, "a URL of a refused scheme taken: {feed:?}");
        if let Some(name) = &feed.name {
            assert_field("a name", name);
        }
        for tag in &feed.tags {
            assert_field("a tag", tag);
        }
        assert_eq!(&feed.sanitised(), feed, "a feed taken unsanitised");
        assert!(keys.insert(url_key(&feed.url)), "two feeds with one URL: {:?}", found.feeds);
    }
    for (url, _) in &found.rejected {
        common::assert_clean("a refused URL", url);
    }

    let exported = export_opml(&found.feeds);
    if let Some(c) = exported.chars().find(|&c| is_xml_forbidden(c)) {
        panic!("the export holds {c:?}, which XML forbids");
    }
    let all = ImportOptions { allow_files: true };
    let back = parse_opml(&exported, &all)
        .unwrap_or_else(|e| panic!("the export does not import: {e}\n{exported}"));
    assert!(back.rejected.is_empty(), "the export's feeds refused: {:?}", back.rejected);
    assert_eq!(sorted(back.feeds.clone()), sorted(found.feeds.clone()), "\n{exported}");
    assert_eq!(export_opml(&back.feeds), exported, "export is not stable");
});
