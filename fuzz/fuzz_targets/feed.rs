//! Feeds: `feed::parse_feed` on arbitrary bytes never panics (a feed-rs or html2text panic is
//! caught inside it), and what it returns is clean: feed title, story titles, paragraphs (with
//! well-formed spans), references, links (http or https only), authors and ids.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::tolerate_caught_panics();
    common::run(|| check(data));
});

fn check(data: &[u8]) {
    let Ok(feed) = gazette::feed::parse_feed(data, Some("https://example.com/feed")) else {
        return;
    };
    if let Some(title) = &feed.title {
        common::assert_clean("the feed title", title);
        assert!(!title.is_empty());
    }
    for story in &feed.stories {
        common::assert_clean("a title", &story.title);
        assert!(!story.title.trim().is_empty(), "an empty title: {story:?}");
        for p in &story.paragraphs {
            common::assert_paragraph(p, story.references.len());
        }
        for url in &story.references {
            common::assert_clean("a reference", url);
        }
        if let Some(link) = &story.link {
            common::assert_clean("a link", link);
            assert!(
                link.starts_with("http://") || link.starts_with("https://"),
                "{link:?}"
            );
        }
        for field in [&story.author, &story.id].into_iter().flatten() {
            common::assert_clean("an author or id", field);
        }
    }
}
