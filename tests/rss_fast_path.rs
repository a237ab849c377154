//! The fast path for plain RSS items (`ingest::rss`) gives the stories feed-rs gives: RSS feeds
//! built from the variants that trip readers up (entities, CDATA, markup in titles, relative and
//! odd links, missing or blank guids, dates feed-rs repairs, empty bodies, repeated, unknown or
//! namespaced elements, comments, attributes that change meaning), read as a stream and compared
//! story by story with feed-rs's parse of the whole document.

mod stream_compare;

use gazette::ingest::read_all;
use gazette::ingest::FeedStream;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use stream_compare::{compare, file_url, write};

const TITLES: &[&str] = &[
    "Plain title",
    "  Spaced \n  title\t",
    "Caf&#233; &amp; co &#x1F600;",
    "<![CDATA[Bold <b>move</b> here]]>",
    "&lt;i&gt;Escaped&lt;/i&gt; markup",
    "",
    "   ",
    "Ünïcode ✓ 中文",
    "An &unknown; entity",
    "Fish &amp;amp; chips",
    "a]]&gt;b",
];

const LINKS: &[&str] = &[
    "https://example.com/a",
    " https://Example.COM/b c ",
    "/relative/path",
    "relative.html",
    "mailto:someone@example.com",
    "javascript:alert(1)",
    "http://[broken",
    "",
    "https://example.com/q?a=1&amp;b=2",
    "HTTP://EXAMPLE.COM:80/x/../y",
    "\n  https://example.com/padded\n",
];

const GUIDS: &[&str] = &[
    "guid-{i}",
    "  guid-{i}  ",
    "",
    "   ",
    "https://example.com/p/{i}",
];

const DATES: &[&str] = &[
    "Tue, 14 Nov 2023 22:13:20 GMT",
    "14 Nov 2023 23:13:20 +0100",
    "Wed, 14 Nov 2023 22:13:20 GMT",
    "Tue, 14 Nov 2023 22:13:20 UTC",
    "Tuesday, 14 November 2023 22:13:20 GMT",
    "Tue, Nov 14 2023 22:13:20 GMT",
    "2023-11-14T22:13:20Z",
    "2023-11-14",
    "Tue, 14 Nov 2023 24:13:20 GMT",
    "Tue, 14 Nov 2023 2:13:20 GMT",
    "Tue, 14 Nov 2023 22:13:20 -0000",
    "Tue, 14 Nov 2023 22:13:20 UT",
    "Tue, 14 Nov 2023 22:13:20 EST",
    "Tue, 14 Nov 2023 22:13:20 Z",
    "garbage",
    "",
    "Tue, 31 Feb 2023 22:13:20 GMT",
    "Sat, 01 Jan 0001 00:00:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 +1400",
    "Tue, 14 Nov 2023 23:59:60 GMT",
    "  Tue, 14 Nov 2023 22:13:20 GMT  ",
    "Tue, 4 Nov 2023 22:13:20 -0930",
    "Tue,  14 Nov 2023 22:13:20 GMT",
];

const BODIES: &[&str] = &[
    "&lt;p&gt;A long body with &lt;a href=\"/ref/1\"&gt;a relative link&lt;/a&gt; and \
     &lt;strong&gt;strong words&lt;/strong&gt;. It goes on for a while so that it is kept as \
     HTML until the story is opened, which only happens for bodies of more than a few hundred \
     bytes, four times the title and then some; here is some more text to be sure of that, and \
     a little more, and then the end.&lt;/p&gt;",
    "&lt;p&gt;Short &amp;amp; escaped.&lt;/p&gt;",
    "<![CDATA[<p>CDATA <em>body</em> with <a href=\"https://example.com/x\">a link</a>.</p>]]>",
    "Plain text body.\n\nSecond paragraph.",
    "",
    "   \n  ",
    "Plain title",
    "Text &amp;nbsp; with &#160; spaces &#x1F600;",
];

/// Elements the fast path leaves to feed-rs (or ignores, for category).
const OTHERS: &[&str] = &[
    "<category>News</category>",
    "<category domain=\"x\">Tagged</category>",
    "<dc:creator>A Writer</dc:creator>",
    "<author>writer@example.com (A Writer)</author>",
    "<comments>https://example.com/comments</comments>",
    "<enclosure url=\"https://example.com/a.mp3\" length=\"1\" type=\"audio/mpeg\"/>",
    "<!-- a comment -->",
    "<?pi data?>",
    "<unknown>ignored</unknown>",
    "<media:description>Media text</media:description>",
    "<title/>",
    "<guid/>",
    "<source url=\"https://example.com/\">Elsewhere</source>",
    // Titles in other vocabularies: fallbacks for a missing or blank title.
    "<dc:title>Dublin title</dc:title>",
    "<media:title>Media title</media:title>",
    "<itunes:title xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">Episode</itunes:title>",
];

/// The element, or the element twice, or none.
fn element(name: &'static str, values: &'static [&'static str]) -> BoxedStrategy<Vec<String>> {
    let one = (prop::sample::select(values), any::<bool>()).prop_map(move |(value, attribute)| {
        let attribute = if attribute && name == "guid" {
            " isPermaLink=\"false\""
        } else {
            ""
        };
        format!("<{name}{attribute}>{value}</{name}>")
    });
    // Mostly once: a repeated element sends the item to feed-rs.
    prop_oneof![
        8 => one.clone().prop_map(|e| vec![e]),
        2 => Just(Vec::new()),
        1 => prop::collection::vec(one, 2),
    ]
    .boxed()
}

/// One item's elements, in some order.
fn item() -> impl Strategy<Value = Vec<String>> {
    (
        element("title", TITLES),
        element("link", LINKS),
        element("guid", GUIDS),
        element("pubDate", DATES),
        element("description", BODIES),
        element("content:encoded", BODIES),
        prop::collection::vec(prop::sample::select(OTHERS).prop_map(str::to_string), 0..2)
            .prop_filter("mostly plain", |others| {
                others.is_empty() || others[0].contains("category")
            }),
    )
        .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g].concat())
        .prop_shuffle()
}

/// The feed around the items: what feed-rs sees as RSS 2.0 or not, namespaces declared or not,
/// bases and default namespaces that change what the items mean.
const WRAPPERS: &[(&str, &str)] = &[
    (
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:media=\"http://search.yahoo.com/mrss/\">",
        "<channel>",
    ),
    ("<rss version=\"2.0\">", "<channel>"),
    (
        "<rss version=\"2.0\" xmlns:content=\"http://example.com/not-content/\">",
        "<channel>",
    ),
    (
        "<rss version=\"2.0\">",
        "<channel xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">",
    ),
    (
        "<rss version=\"2.0\">",
        "<channel xml:base=\"https://base.example/dir/\">",
    ),
    (
        "<rss version=\"2.0\" xmlns=\"http://example.com/ns\">",
        "<channel>",
    ),
    ("<rss version=\"0.92\">", "<channel>"),
    ("<rss version=\"\">", "<channel>"),
    (
        "<rss version=\"2.0\" xml:lang=\"en\">",
        "<channel xml:lang=\"en\">",
    ),
    // No version, or one feed-rs does not know: read as RSS 2.0 both ways.
    ("<rss>", "<channel>"),
    ("<rss version=\"0.94\">", "<channel>"),
];

/// An item the fast path always takes, so each feed shows it was used.
const PLAIN: &str = "<item><title>Always plain</title><link>https://example.com/plain</link>\
                     <guid>plain</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate>\
                     <description>&lt;p&gt;Plain.&lt;/p&gt;</description></item>";

fn feed(wrapper: (&str, &str), items: &[Vec<String>]) -> String {
    let (rss, channel) = wrapper;
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{rss}{channel}<title>Generated</title>\
         <link>https://example.com/</link>\n"
    );
    for (i, elements) in items.iter().enumerate() {
        xml.push_str("<item>");
        for element in elements {
            xml.push_str(&element.replace("{i}", &i.to_string()));
        }
        xml.push_str("</item>\n");
    }
    xml.push_str(PLAIN);
    xml.push_str("</channel></rss>\n");
    xml
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Streamed (plain items by the fast path, the rest by feed-rs) and parsed whole by feed-rs,
    /// the feed gives the same stories.
    #[test]
    fn plain_items_read_as_feed_rs_reads_them(
        wrapper in prop::sample::select(WRAPPERS),
        items in prop::collection::vec(item(), 1..8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "generated.xml", feed(wrapper, &items));
        compare(&path);
        // The last item is plain: in an RSS 2.0 channel without a base or default namespace, the
        // fast path read it (so the comparison above covered it).
        let fast_scope = wrapper.0.starts_with("<rss version=\"2.0\"")
            && !wrapper.0.contains("xmlns=")
            && !wrapper.1.contains("xml:base");
        let mut stream = FeedStream::open(&path, Some(&file_url(&path))).unwrap();
        while stream.next_batch().unwrap().is_some() {}
        prop_assert_eq!(stream.fast >= 1, fast_scope, "fast items: {}", stream.fast);
    }
}

/// The variants the property test draws from, each alone, one item per variant: every one is
/// compared, and the plain ones are seen to take the fast path.
#[test]
fn every_variant_alone_reads_as_feed_rs_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut items = Vec::new();
    let base = |title: &str, extra: String| {
        vec![
            format!("<title>{title}</title>"),
            "<guid>g-{i}</guid>".to_string(),
            extra,
        ]
    };
    for title in TITLES {
        items.push(base(title, String::new()));
    }
    for link in LINKS {
        items.push(base("Link", format!("<link>{link}</link>")));
    }
    for date in DATES {
        items.push(base("Date", format!("<pubDate>{date}</pubDate>")));
    }
    // Content wins over the description when it has text, whatever the order.
    for content in BODIES {
        items.push(base(
            "Body",
            format!("<description>{content}</description>"),
        ));
        items.push(base(
            "Content",
            format!("<content:encoded>{content}</content:encoded>"),
        ));
        for description in BODIES {
            let mut both = base(
                "Both",
                format!("<content:encoded>{content}</content:encoded>"),
            );
            both.push(format!("<description>{description}</description>"));
            if description.len() % 2 == 0 {
                both.reverse();
            }
            items.push(both);
        }
    }
    for other in OTHERS {
        items.push(base("Other", other.to_string()));
    }
    for guid in GUIDS {
        items.push(vec![
            "<title>Guid</title>".to_string(),
            format!("<guid>{guid}</guid>"),
        ]);
    }
    let path = write(dir.path(), "variants.xml", feed(WRAPPERS[0], &items));
    let feed = compare(&path);
    assert_eq!(feed.stories.len(), items.len() + 1);
    let mut stream = FeedStream::open(&path, Some(&file_url(&path))).unwrap();
    while stream.next_batch().unwrap().is_some() {}
    // Most variants are plain; dates feed-rs repairs, missing guids and other elements are not.
    assert!(
        stream.fast > items.len() / 2 && stream.fast < items.len(),
        "{} of {} items by the fast path",
        stream.fast,
        items.len() + 1
    );
}

/// Every feed of the fidelity corpus (Atom 0.3, `<rss>` without a version, titles in other
/// vocabularies or from the text, unreadable Atom content, bad dates, every encoding) that reads
/// to its end gives the same stories streamed (the fast path where it applies) as parsed whole;
/// those with a syntax error give the same stories before it both ways.
#[test]
fn the_fidelity_corpus_reads_the_same_streamed_and_whole() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/fidelity");
    let (mut whole, mut salvaged, mut fast) = (0, 0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let url = file_url(&path);
        if read_all(&path, Some(&url)).is_ok() {
            compare(&path);
            whole += 1;
            let mut stream = FeedStream::open(&path, Some(&url)).unwrap();
            while stream.next_batch().unwrap().is_some() {}
            fast += usize::from(stream.fast > 0);
            continue;
        }
        let parsed = gazette::feed::parse_feed(&std::fs::read(&path).unwrap(), Some(&url));
        let parsed = parsed.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut stream = FeedStream::open(&path, Some(&url)).unwrap();
        let mut titles = Vec::new();
        let error = loop {
            match stream.next_batch() {
                Ok(Some(batch)) => titles.extend(batch.into_iter().map(|s| s.title)),
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        let whole_titles: Vec<String> = parsed.stories.into_iter().map(|s| s.title).collect();
        assert_eq!(titles, whole_titles, "{}", path.display());
        assert_eq!(error, parsed.problem, "{}", path.display());
        salvaged += 1;
    }
    assert!(
        whole >= 300 && salvaged >= 12,
        "{whole} whole, {salvaged} salvaged"
    );
    assert!(fast >= 10, "the fast path read {fast} of them");
}
