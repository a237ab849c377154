//! Feed files read as a stream (`gazette::ingest`): the same stories as feed-rs gives for the whole
//! document, bodies kept as HTML until opened, batches in file order with a small first one,
//! files cut short or not feeds at all, documents that cannot be streamed, namespaces and
//! `xml:base`, and the file signature that spares an unchanged file a second reading.

#[path = "../benches/support/feedgen.rs"]
mod feedgen;
mod stream_compare;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use gazette::feed::{parse_feed, FeedFetched, FeedUpdate, ParsedFeed};
use gazette::fetch::FetchRequest;
use gazette::ingest::{read_all, read_file, signature, FeedStream};
use gazette::news::{Pending, Story};
use stream_compare::{assert_same, compare, file_url, opened, write};

/// Items in the generated feeds: enough for several batches, few enough for a debug build.
const ITEMS: usize = 3000;
const SEED: u64 = 7;
/// Items in the feed read as the reader reads it, in parts.
const PARTS: usize = 700;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds")
}

/// Every batch of a stream until its end or its error.
fn batches(stream: &mut FeedStream) -> (Vec<Vec<Story>>, Option<String>) {
    let mut all = Vec::new();
    loop {
        match stream.next_batch() {
            Ok(Some(batch)) => all.push(batch),
            Ok(None) => return (all, None),
            Err(e) => return (all, Some(e)),
        }
    }
}

/// The item index a generated title ends with (` #i`).
fn index_of(title: &str) -> usize {
    let (_, n) = title.rsplit_once(" #").expect("a generated title");
    n.parse().expect("an index")
}

#[test]
fn every_fixture_streams_as_the_whole_document_parses() {
    let mut compared = Vec::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        // The fidelity corpus has its own tests (tests/fidelity.rs, tests/rss_fast_path.rs).
        if path.is_dir() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if parse_feed(&bytes, Some(&file_url(&path))).is_err() {
            continue;
        }
        let feed = compare(&path);
        assert!(!feed.stories.is_empty(), "{}", path.display());
        compared.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    compared.sort();
    // The fixtures that are feeds, every format among them.
    for name in [
        "atom.xml",
        "feed.json",
        "feed10.json",
        "podcast.xml",
        "rss091.xml",
        "rss1.rdf",
        "rss2.xml",
    ] {
        assert!(compared.iter().any(|c| c == name), "{name}: {compared:?}");
    }
}

/// `xml` with a short HTML description for every tenth item and none for the others (headlines
/// only). The whole-document parse converts every body at once, and the generator's 1-3 KB
/// bodies take too long for that in a debug build (their conversion is compared on a smaller
/// feed).
fn short_bodies(xml: &str) -> String {
    // The channel's own description stays.
    let items = xml.find("<item>").unwrap();
    let mut out = String::with_capacity(xml.len() / 10);
    out.push_str(&xml[..items]);
    let mut rest = &xml[items..];
    let mut i = 0;
    while let Some(start) = rest.find("<description>") {
        let end = start + rest[start..].find("</description>").unwrap() + "</description>".len();
        out.push_str(&rest[..start]);
        if i % 10 == 0 {
            out.push_str(&format!(
                "<description>&lt;p&gt;Item {i}: &lt;b&gt;short&lt;/b&gt; text, \
                 &lt;a href=\"ref/{i}\"&gt;a ref&lt;/a&gt;.&lt;/p&gt;</description>"
            ));
        }
        i += 1;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_large_feed_comes_in_batches_small_first_and_as_the_whole_document_parses() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "large.xml",
        short_bodies(&feedgen::rss(ITEMS, SEED)),
    );
    let url = file_url(&path);
    let mut stream = FeedStream::open(&path, Some(&url)).unwrap();
    let first = stream.next_batch().unwrap().expect("a first batch");
    assert!(
        !first.is_empty() && first.len() <= 128,
        "the first batch has {} stories",
        first.len()
    );
    assert_eq!(
        stream.title(),
        Some("Perf Feed 3000 items"),
        "after the first batch"
    );
    let (rest, error) = batches(&mut stream);
    assert_eq!(error, None);
    assert!(!rest.is_empty(), "one batch for 3000 items");
    assert!(rest.iter().all(|b| !b.is_empty()), "no empty batch");
    assert_eq!(stream.next_batch(), Ok(None), "the end stays the end");
    assert_eq!(stream.skipped, 0);
    let streamed = ParsedFeed {
        title: stream.title().map(str::to_string),
        stories: std::iter::once(first).chain(rest).flatten().collect(),
        problem: None,
    };
    let indices: Vec<usize> = streamed
        .stories
        .iter()
        .map(|s| index_of(&s.title))
        .collect();
    assert_eq!(indices, (0..ITEMS).collect::<Vec<_>>(), "file order");

    let whole = parse_feed(&std::fs::read(&path).unwrap(), Some(&url)).unwrap();
    assert_same("the large feed", &streamed, &whole);
    // A short HTML body is converted at once (so one that only repeats the title is seen to be
    // no text); long ones wait until opened (see the next test).
    for (i, s) in streamed.stories.iter().enumerate() {
        assert_eq!(s.pending, Pending::Nothing, "{}", s.title);
        if i % 10 == 0 {
            assert!(!s.paragraphs.is_empty(), "{}: converted", s.title);
        } else {
            assert!(!s.has_text(), "{}: headline only", s.title);
        }
    }
    let last = opened(&streamed.stories[2990]);
    assert_eq!(last.paragraphs[0].text, "Item 2990: short text, a ref [1].");
    assert_eq!(
        last.references,
        ["https://example.com/perf/3000/item/ref/2990"],
        "a relative link resolves against the story's link"
    );
}

#[test]
fn the_generators_own_bodies_stream_as_the_whole_document_parses() {
    let dir = tempfile::tempdir().unwrap();
    // Two batches of the generator's 1-3 KB HTML bodies, links and emphasis.
    let path = write(dir.path(), "bodies.xml", feedgen::rss(150, SEED));
    let streamed = compare(&path);
    assert_eq!(streamed.stories.len(), 150);
    assert!(streamed
        .stories
        .iter()
        .all(|s| matches!(s.pending, Pending::Html { .. })));
    // Every item is plain RSS: none needed feed-rs, and the stories above are what it gives.
    let mut stream = FeedStream::open(&path, Some(&file_url(&path))).unwrap();
    let (given, error) = batches(&mut stream);
    assert_eq!((given.concat().len(), error), (150, None));
    assert_eq!(stream.fast, 150, "plain RSS items skip feed-rs");
}

#[test]
fn a_file_cut_inside_an_entry_gives_what_came_before_then_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let xml = feedgen::rss(300, SEED);
    // Cut in the middle of item 200 (counting from 0): items 0 to 199 are whole.
    let start = xml.match_indices("<item>").nth(200).unwrap().0;
    let path = write(dir.path(), "cut.xml", &xml[..start + 120]);
    let url = file_url(&path);

    let mut stream = FeedStream::open(&path, Some(&url)).unwrap();
    let (given, error) = batches(&mut stream);
    let indices: Vec<usize> = given.iter().flatten().map(|s| index_of(&s.title)).collect();
    assert_eq!(indices, (0..200).collect::<Vec<_>>());
    assert!(given.len() >= 2, "the first batch came before the cut");
    let error = error.expect("an error at the cut");
    assert!(error.starts_with("not a feed"), "{error}");
    assert!(!error.contains('\n'), "one line: {error}");

    let whole = read_all(&path, Some(&url)).unwrap_err();
    assert!(whole.starts_with("not a feed"), "{whole}");

    // Read as the reader reads it: parts, then the error as the last word.
    let request = FetchRequest {
        source: 3,
        url,
        etag: None,
        last_modified: None,
        ..Default::default()
    };
    let mut updates: Vec<(FeedUpdate, bool)> = Vec::new();
    read_file(&request, |u, more| updates.push((u, more)));
    let (last, parts) = updates.split_last().unwrap();
    assert!(!last.1, "the last update ends the read");
    assert!(matches!(&last.0.outcome, Err(e) if e.starts_with("not a feed")));
    let mut count = 0;
    for (update, more) in parts {
        assert!(*more);
        assert_eq!(update.source, 3);
        let Ok(FeedFetched::Parsed { feed, .. }) = &update.outcome else {
            panic!("{:?}", update.outcome)
        };
        count += feed.stories.len();
    }
    assert_eq!(count, 200);
}

/// A file that is no feed, or is cut before its first entry, is an error before any story: "not
/// a feed: …", or for a web page "a web page, not a feed".
fn assert_refused_at_once(path: &Path) {
    let url = file_url(path);
    let error = match FeedStream::open(path, Some(&url)) {
        Err(e) => e,
        Ok(mut stream) => match stream.next_batch() {
            Err(e) => e,
            Ok(batch) => panic!("{}: {batch:?}", path.display()),
        },
    };
    let page = path
        .extension()
        .is_some_and(|e| e == "html" || e == "xhtml");
    let refused = |e: &str| match page {
        true => e == "a web page, not a feed",
        false => e.starts_with("not a feed"),
    };
    assert!(refused(&error), "{}: {error}", path.display());
    let whole = read_all(path, Some(&url)).unwrap_err();
    assert!(refused(&whole), "{}: {whole}", path.display());
}

#[test]
fn a_file_cut_before_its_first_entry_or_not_a_feed_is_an_error_at_once() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused_at_once(&fixtures().join("truncated.xml"));
    assert_refused_at_once(&fixtures().join("page.html"));
    let header_only = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
                       <link>https://example.com/</link>";
    assert_refused_at_once(&write(dir.path(), "header.xml", header_only));
    let xml = feedgen::rss(3, SEED);
    let first = xml.find("<item>").unwrap();
    assert_refused_at_once(&write(dir.path(), "before.xml", &xml[..first]));
    assert_refused_at_once(&write(dir.path(), "at.xml", &xml[..first + 3]));
    // XML that is no feed, even with an element called `item` in it.
    let note = "<?xml version=\"1.0\"?><catalog><item><name>Pen</name></item></catalog>";
    assert_refused_at_once(&write(dir.path(), "catalog.xml", note));
    let page = "<!DOCTYPE html>\n<html><head><title>Hi</title></head><body><article>\
                <p>Not a feed.</p></article></body></html>";
    assert_refused_at_once(&write(dir.path(), "page.xhtml", page));
}

#[test]
fn json_and_utf16_feeds_are_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let json = fixtures().join("feed.json");
    let url = file_url(&json);
    let mut stream = FeedStream::open(&json, Some(&url)).unwrap();
    let whole = parse_feed(&std::fs::read(&json).unwrap(), Some(&url)).unwrap();
    assert_eq!(stream.title(), whole.title.as_deref(), "known at once");
    let (given, error) = batches(&mut stream);
    assert_eq!(error, None);
    assert_eq!(given.len(), 1, "one batch");
    assert_eq!(given[0], whole.stories);

    let rss = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<rss version=\"2.0\"><channel>\
               <title>Wide Wire</title><link>https://wide.example/</link>\
               <item><title>Ünïcode one</title><link>https://wide.example/1</link>\
               <guid>w1</guid><description>&lt;p&gt;First &lt;b&gt;wide&lt;/b&gt; story.&lt;/p&gt;\
               </description></item>\
               <item><title>Two</title><guid>w2</guid><description>Plain second.</description>\
               </item></channel></rss>";
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(rss.encode_utf16().flat_map(u16::to_le_bytes));
    let path = write(dir.path(), "utf16.xml", bytes);
    let feed = compare(&path);
    assert_eq!(feed.title.as_deref(), Some("Wide Wire"));
    let titles: Vec<&str> = feed.stories.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Ünïcode one", "Two"]);
    assert_eq!(feed.stories[0].paragraphs[0].text, "First wide story.");
}

#[test]
fn namespaced_rss_elements_stream_as_the_whole_document_parses() {
    let dir = tempfile::tempdir().unwrap();
    let item = |i: usize| {
        format!(
            "<item><title>Story {i}</title><link>https://ns.example/{i}</link>\
             <guid isPermaLink=\"false\">ns-{i}</guid>\
             <pubDate>Mon, 2{i} Nov 2026 09:30:00 +0000</pubDate>\
             <dc:creator>Writer {i}</dc:creator>\
             <description>Summary {i} only.</description>\
             <content:encoded><![CDATA[<p>Full <em>text</em> {i}, see <a href=\"more/{i}\">more</a>.</p>]]>\
             </content:encoded></item>"
        )
    };
    let items: String = (0..5).map(item).collect();
    // Namespaces declared on the root, or on the channel around the items.
    let on_root = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>NS Wire</title>\
         <link>https://ns.example/</link>{items}</channel></rss>"
    );
    let on_channel = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><title>NS Wire</title>{items}</channel></rss>"
    );
    for (name, xml) in [("root.xml", on_root), ("channel.xml", on_channel)] {
        let feed = compare(&write(dir.path(), name, xml));
        assert_eq!(feed.stories.len(), 5, "{name}");
        let third = opened(&feed.stories[3]);
        assert_eq!(
            third.author.as_deref(),
            Some("Writer 3"),
            "{name}: dc:creator"
        );
        assert_eq!(
            third.paragraphs[0].text, "Full text 3, see more [1].",
            "{name}: content:encoded wins"
        );
        assert_eq!(third.references, ["https://ns.example/more/3"], "{name}");
    }
}

#[test]
fn atom_with_xml_base_streams_as_the_whole_document_parses() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |i: usize| {
        format!(
            "<entry xml:base=\"/news/{i}/\"><title>Atom {i}</title><id>urn:atom:{i}</id>\
             <link rel=\"alternate\" href=\"story.html\"/>\
             <updated>2026-11-2{i}T10:00:00Z</updated>\
             <author><name>Author {i}</name></author>\
             <content type=\"html\">&lt;p&gt;Body {i} with &lt;a href=\"pic.png\"&gt;a picture&lt;/a&gt;.&lt;/p&gt;</content>\
             </entry>"
        )
    };
    let entries: String = (0..4).map(entry).collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" \
         xml:base=\"https://atom.example.com/\"><title>Based Atom</title><id>urn:based</id>\
         <updated>2026-11-23T12:00:00Z</updated>{entries}</feed>"
    );
    let feed = compare(&write(dir.path(), "based.xml", xml));
    assert_eq!(feed.title.as_deref(), Some("Based Atom"));
    for (i, s) in feed.stories.iter().enumerate() {
        let link = format!("https://atom.example.com/news/{i}/story.html");
        assert_eq!(s.link, Some(link), "resolved against xml:base");
    }
}

#[test]
fn character_data_of_every_kind_streams_as_the_whole_document_parses() {
    let dir = tempfile::tempdir().unwrap();
    let items = [
        // Character references, predefined entities, double escaping.
        "<title>Caf&#233; &amp; bar &#x1F600;</title><guid>c1</guid>\
         <description>Plain &amp;lt;escaped&amp;gt; text &amp;amp; more</description>",
        // Text and CDATA in one run.
        "<title>Mixed <![CDATA[run]]> here</title><guid>c2</guid>\
         <description><![CDATA[<p>One ]]>&lt;b&gt;two&lt;/b&gt;<![CDATA[ three</p>]]></description>",
        // A `]]>` inside the text, split over two CDATA sections.
        "<title>Split</title><guid>c3</guid>\
         <description><![CDATA[<p>Code: a]]]]><![CDATA[>b</p>]]></description>",
        // A comment in the middle of the text.
        "<title>Com<!-- note -->mented</title><guid>c4</guid>\
         <description>&lt;p&gt;A<!-- gap -->B &amp;nbsp; C&lt;/p&gt;</description>",
        // Line breaks and runs of spaces.
        "<title>Line\n  break\t and   spaces</title><guid>c5</guid>\
         <description>\n  &lt;p&gt;Para\n one.&lt;/p&gt;\n\n  &lt;p&gt;Para two.&lt;/p&gt;\n</description>",
        // Nothing but whitespace as a body.
        "<title>Blank body</title><guid>c6</guid><description>  \n </description>",
    ];
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Chars &amp; Co</title><link>https://chars.example/</link>{}</channel></rss>",
        items.map(|i| format!("<item>{i}</item>\n")).concat()
    );
    let feed = compare(&write(dir.path(), "chars.xml", xml));
    assert_eq!(feed.title.as_deref(), Some("Chars & Co"));
    assert_eq!(feed.stories[0].title, "Café & bar 😀");
    assert_eq!(feed.stories[1].title, "Mixed run here");
    let split = opened(&feed.stories[2]);
    assert_eq!(split.paragraphs[0].text, "Code: a]]>b");
    assert!(!feed.stories[5].has_text());
}

#[test]
fn a_feed_in_a_legacy_encoding_streams_as_the_whole_document_parses() {
    let dir = tempfile::tempdir().unwrap();
    // Older sites still serve ISO-8859-1: one byte per character, declared in the prolog.
    let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\"><channel>\
               <title>Le Caf\u{e9}</title><link>https://cafe.example/</link>\
               <item><title>Cr\u{e8}me br\u{fb}l\u{e9}e</title><guid>l1</guid>\
               <description>&lt;p&gt;D\u{e9}j\u{e0} vu \u{bd}.&lt;/p&gt;</description></item>\
               </channel></rss>";
    let latin1: Vec<u8> = xml
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let feed = compare(&write(dir.path(), "latin1.xml", latin1));
    assert_eq!(feed.title.as_deref(), Some("Le Café"));
    assert_eq!(feed.stories[0].title, "Crème brûlée");
    assert_eq!(opened(&feed.stories[0]).paragraphs[0].text, "Déjà vu ½.");
}

#[test]
fn a_body_that_only_repeats_the_title_is_no_text_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Echo</title>\
               <item><title>Echo Story</title><guid>e1</guid>\
               <description>&lt;p&gt;Echo Story&lt;/p&gt;</description></item>\
               <item><title>Real Story</title><guid>e2</guid>\
               <description>&lt;p&gt;Real text.&lt;/p&gt;</description></item>\
               </channel></rss>";
    let feed = compare(&write(dir.path(), "echo.xml", xml));
    assert!(!feed.stories[0].has_text(), "listed as headline-only");
    assert!(feed.stories[1].has_text());
}

#[test]
fn the_signature_follows_size_and_modification_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "sig.xml", feedgen::rss(3, SEED));
    let first = signature(&path).expect("a signature");
    assert_eq!(signature(&path), Some(first.clone()), "stable");
    assert_eq!(signature(&dir.path().join("missing.xml")), None);

    // The same bytes, another modification time.
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    let later = SystemTime::now() + Duration::from_secs(3600);
    file.set_modified(later).unwrap();
    let touched = signature(&path).unwrap();
    assert_ne!(touched, first);

    // Another size, the same modification time.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&path, bytes).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(later).unwrap();
    let grown = signature(&path).unwrap();
    assert_ne!(grown, touched);
}

#[test]
fn read_file_skips_an_unchanged_file_and_delivers_a_changed_one_in_parts() {
    let dir = tempfile::tempdir().unwrap();
    // Three parts: a first small batch, then bigger ones.
    let path = write(dir.path(), "parts.xml", feedgen::rss(PARTS, SEED));
    let url = file_url(&path);
    let sig = signature(&path).unwrap();
    let request = |etag: Option<String>| FetchRequest {
        source: 1,
        url: url.clone(),
        etag,
        last_modified: None,
        ..Default::default()
    };

    let mut updates: Vec<(FeedUpdate, bool)> = Vec::new();
    read_file(&request(Some(sig.clone())), |u, more| {
        updates.push((u, more))
    });
    assert_eq!(
        updates,
        [(
            FeedUpdate {
                source: 1,
                outcome: Ok(FeedFetched::NotModified)
            },
            false
        )]
    );

    for etag in [None, Some("file:1:2.000000003".to_string())] {
        let mut updates: Vec<(FeedUpdate, bool)> = Vec::new();
        read_file(&request(etag.clone()), |u, more| updates.push((u, more)));
        let (last, parts) = updates.split_last().unwrap();
        assert!(parts.len() >= 3, "{etag:?}: parts as the file is read");
        let mut indices = Vec::new();
        for (update, more) in parts {
            assert!(*more, "{etag:?}");
            assert_eq!(update.source, 1);
            let Ok(FeedFetched::Parsed {
                feed,
                etag: part_etag,
                ..
            }) = &update.outcome
            else {
                panic!("{:?}", update.outcome)
            };
            assert_eq!(part_etag, &None, "no validator before the end");
            assert_eq!(feed.title.as_deref(), Some("Perf Feed 700 items"));
            indices.extend(feed.stories.iter().map(|s| index_of(&s.title)));
        }
        assert_eq!(indices, (0..PARTS).collect::<Vec<_>>(), "{etag:?}");
        assert!(!last.1, "{etag:?}: one last update");
        let Ok(FeedFetched::Parsed {
            feed,
            etag: Some(final_etag),
            ..
        }) = &last.0.outcome
        else {
            panic!("{:?}", last.0.outcome)
        };
        assert_eq!(final_etag, &sig, "the signature is the validator");
        assert!(feed.stories.is_empty());
        assert_eq!(feed.title.as_deref(), Some("Perf Feed 700 items"));
    }

    // A file that is gone: one error, the last word.
    let mut updates: Vec<(FeedUpdate, bool)> = Vec::new();
    let gone = FetchRequest {
        url: format!("{url}.gone"),
        ..request(None)
    };
    read_file(&gone, |u, more| updates.push((u, more)));
    assert_eq!(updates.len(), 1);
    assert!(!updates[0].1);
    assert!(updates[0].0.outcome.is_err(), "{:?}", updates[0].0.outcome);
}

#[test]
fn stray_bytes_deep_in_a_large_utf8_file_are_replacements_not_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let items: String = (0..1500)
        .map(|i| {
            format!(
                "<item><title>Story {i} café</title><guid>g{i}</guid>\
                 <description>Text {i} {}</description></item>\n",
                "x".repeat(100)
            )
        })
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Big</title>\n{items}</channel></rss>\n"
    );
    // Far past the first buffer the stream looks at: two bytes that are not UTF-8, in a title
    // and in a body.
    let marked = xml
        .replace("Story 1200 ", "Story 1200 \u{0}")
        .replace("Text 1300 ", "Text 1300 \u{1}");
    let bytes: Vec<u8> = marked
        .into_bytes()
        .into_iter()
        .flat_map(|b| match b {
            0 => vec![0xff, 0xfe],
            1 => vec![0xc3],
            b => vec![b],
        })
        .collect();
    let path = write(dir.path(), "stray.xml", bytes);
    let feed = compare(&path);
    assert_eq!(feed.stories.len(), 1500, "every entry, before and after");
    assert_eq!(feed.stories[1200].title, "Story 1200 \u{fffd}\u{fffd}café");
    let body = opened(&feed.stories[1300]).paragraphs[0].text.clone();
    assert!(body.starts_with("Text 1300 \u{fffd}x"), "{body}");
}
