//! Feeds as sources: every format parsed from fixtures, real-world quirks, and bad input.

use gazette::feed::{parse_feed, sniff, Format};
use gazette::news::{Inline, ParagraphKind, Story};
use gazette::source::Library;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/feeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn parse(name: &str) -> (Option<String>, Vec<Story>) {
    let feed = parse_feed(&fixture(name), Some("https://news.example.com/feed.xml"))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (feed.title, feed.stories)
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .timestamp()
}

#[test]
fn rss2_with_cdata_content_encoded_and_quirks() {
    let (title, stories) = parse("rss2.xml");
    assert_eq!(title.as_deref(), Some("The Daily Example"));
    assert_eq!(stories.len(), 4);

    let markets = &stories[0];
    assert_eq!(markets.title, "Markets Rally & Bonds Slip");
    assert_eq!(
        markets.link.as_deref(),
        Some("https://news.example.com/2026/11/markets")
    );
    assert_eq!(markets.id.as_deref(), Some("markets-2026-11-23"));
    assert_eq!(markets.author.as_deref(), Some("Ada Reporter"));
    assert_eq!(markets.published, Some(at(2026, 11, 23, 9, 30)));
    // content:encoded (CDATA) wins over the description, with its markup kept as styles.
    let first = &markets.paragraphs[0];
    assert_eq!(first.text, "Stocks rose on Monday, led by banks.");
    assert!(first
        .spans
        .iter()
        .any(|s| s.style == Inline::Strong && &first.text[s.range.clone()] == "rose"));
    assert!(first
        .spans
        .iter()
        .any(|s| s.style == Inline::Emphasis && &first.text[s.range.clone()] == "led"));
    // The relative link is resolved against the story's own link and listed as a reference.
    assert_eq!(markets.paragraphs[1].text, "Read the full data [1].");
    // The image is a line of its own, its URL a reference too.
    assert_eq!(
        markets.references,
        [
            "https://news.example.com/2026/11/markets/data",
            "https://news.example.com/2026/11/chart.png"
        ]
    );
    assert!(markets
        .paragraphs
        .iter()
        .any(|p| p.text == "[image: A rising chart] [2]"));

    // An HTML-escaped title loses its markup; a relative link is no web link.
    let escaped = &stories[1];
    assert_eq!(escaped.title, "Escaped Markup in a Title");
    assert_eq!(escaped.paragraphs[0].text, "Escaped HTML description.");
    assert_eq!(escaped.published, None, "a missing date stays missing");

    // No title: one is derived from the text.
    assert_eq!(stories[2].title, "A story with no title");
    assert_eq!(stories[2].published, Some(at(2026, 11, 22, 18, 0)));

    // No text at all: headline only; a date that is not a date is no date.
    assert!(!stories[3].has_text());
    assert_eq!(stories[3].published, None);
}

#[test]
fn rss_091_and_rss_1_rdf() {
    let (title, stories) = parse("rss091.xml");
    assert_eq!(title.as_deref(), Some("Old School Wire"));
    assert_eq!(stories[0].title, "Ninety-One Lives");
    assert_eq!(
        stories[0].paragraphs[0].text,
        "Plain text description from the nineties."
    );

    let (title, stories) = parse("rss1.rdf");
    assert_eq!(title.as_deref(), Some("RDF Times"));
    assert_eq!(stories[0].title, "Resource Description Story");
    assert_eq!(
        stories[0].link.as_deref(),
        Some("http://rdf.example.net/one")
    );
    assert_eq!(stories[0].published, Some(at(2026, 11, 20, 8, 0)));
}

#[test]
fn atom_with_html_title_and_xhtml_content() {
    let (title, stories) = parse("atom.xml");
    assert_eq!(title.as_deref(), Some("Atom Observer"));
    let rates = &stories[0];
    assert_eq!(rates.title, "Rates Held Steady");
    assert_eq!(rates.author.as_deref(), Some("Grace Editor"));
    assert_eq!(
        rates.published,
        Some(at(2026, 11, 23, 11, 0)),
        "published wins over updated"
    );
    let kinds: Vec<(ParagraphKind, &str)> = rates
        .paragraphs
        .iter()
        .map(|p| (p.kind, p.text.as_str()))
        .collect();
    assert_eq!(kinds[0], (ParagraphKind::Heading, "Background"));
    assert_eq!(kinds[1], (ParagraphKind::Text, "The bank held rates."));
    assert_eq!(kinds[2], (ParagraphKind::ListItem, "• First point"));
    assert_eq!(kinds[3], (ParagraphKind::ListItem, "• Second point"));
    assert_eq!(kinds[4], (ParagraphKind::Quote, "We will act."));
    assert_eq!(kinds[5].0, ParagraphKind::Preformatted);
    assert_eq!(
        kinds[5].1, "code  line 1\n    indented line 2",
        "preformatted text keeps its spaces"
    );
    // An entry with only a summary shows the summary.
    assert_eq!(stories[1].paragraphs[0].text, "Just a summary here.");
    assert_eq!(stories[1].published, Some(at(2026, 11, 22, 10, 0)));
}

#[test]
fn json_feed_1_1_and_1_0() {
    let (title, stories) = parse("feed.json");
    assert_eq!(title.as_deref(), Some("JSON Ledger"));
    assert_eq!(stories[0].title, "JSON Story Two");
    assert_eq!(stories[0].author.as_deref(), Some("Lin Writer"));
    assert_eq!(stories[0].paragraphs[0].text, "Second story text.");
    assert_eq!(stories[1].title, "Plain text story without a title");
    assert_eq!(
        stories[1].link.as_deref(),
        Some("https://json.example.com/1")
    );

    let (title, stories) = parse("feed10.json");
    assert_eq!(title.as_deref(), Some("JSON One Point Oh"));
    assert_eq!(stories[0].title, "Version One Item");
}

#[test]
fn a_podcast_episode_has_its_summary_as_text() {
    let (title, stories) = parse("podcast.xml");
    assert_eq!(title.as_deref(), Some("Example Cast"));
    assert_eq!(stories[0].title, "Episode 12: Deep Dive");
    assert!(
        stories[0]
            .paragraphs
            .iter()
            .any(|p| p.text.contains("We dive deep into feeds.")),
        "{:?}",
        stories[0].paragraphs
    );
    let episode = &stories[0].enclosures;
    assert_eq!(episode.len(), 1, "{episode:?}");
    assert_eq!(episode[0].url, "https://cast.example.com/12.mp3");
    assert_eq!(episode[0].mime.as_deref(), Some("audio/mpeg"));
    assert_eq!(
        (episode[0].bytes, episode[0].seconds),
        (Some(123), Some(2520))
    );
}

#[test]
fn broken_and_non_feeds_are_one_line_errors() {
    let error = parse_feed(&fixture("truncated.xml"), None).unwrap_err();
    assert!(error.starts_with("not a feed"), "{error}");
    assert!(!error.contains('\n'));
    // A web page where a feed was expected says so, not what an XML parser makes of it.
    let error = parse_feed(&fixture("page.html"), None).unwrap_err();
    assert_eq!(error, "a web page, not a feed");
    let html5 = b"<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Hi</title><p>Hello";
    assert_eq!(
        parse_feed(html5, None).unwrap_err(),
        "a web page, not a feed"
    );
    // feed-rs panics on an overlong media:thumbnail time; gazette reports it instead.
    let panicky = br#"<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>x</title><item><title>t</title><media:thumbnail url="http://x/a.jpg" time="99999999999999999999999"/></item></channel></rss>"#;
    // The assertion is that no panic escapes: an error, or whatever feed-rs made of it.
    if let Err(error) = parse_feed(panicky, None) {
        assert!(error.starts_with("not a feed"), "{error}");
    }
}

#[test]
fn hostile_titles_and_text_are_cleaned() {
    let evil = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Evil\u{1b}]0;pwned\u{7} Feed</title>\
        <item><title>Title \u{1b}[2J\u{202e}here</title><description>&lt;p&gt;Body \u{1b}]52;c;ZXZpbA==\u{7}text&lt;/p&gt;</description>\
        <link>javascript:alert(1)</link><author>a\u{1b}[31m@b</author></item></channel></rss>";
    let feed = parse_feed(evil.as_bytes(), None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Evil Feed"));
    let story = &feed.stories[0];
    assert_eq!(story.title, "Title here");
    assert_eq!(story.paragraphs[0].text, "Body text");
    assert_eq!(story.link, None, "only http(s) links are kept");
    for text in [&story.title, &story.paragraphs[0].text] {
        assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
    }
}

#[test]
fn files_are_recognised_by_content_not_name() {
    assert_eq!(sniff(b"\xef\xbb\xbf  <?xml version"), Format::Feed);
    assert_eq!(
        sniff(b"\n{\"version\": \"https://jsonfeed.org/version/1.1\"}"),
        Format::Feed
    );
    assert_eq!(sniff(b"Headline One\nHeadline Two\n"), Format::Document);

    let dir = tempfile::tempdir().unwrap();
    let disguised = dir.path().join("news.txt");
    std::fs::write(&disguised, fixture("atom.xml")).unwrap();
    let plain = dir.path().join("feed.xml");
    std::fs::write(&plain, "A Plain Headline\n").unwrap();
    let library = Library::load(&[disguised, plain]).unwrap();
    let names: Vec<&str> = library.editions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Atom Observer", "feed.xml"]);
    assert!(library.editions[0].is_feed() && !library.editions[1].is_feed());
    assert_eq!(library.stories.len(), 3);
    assert_eq!(library.stories[2].title, "A Plain Headline");
}

#[test]
fn an_unknown_encoding_name_or_a_wrong_charset_does_not_lose_a_utf8_feed() {
    // An encoding name nobody knows over UTF-8, and a syntax error after the first entry: the
    // entry, the error, and no endless retrying.
    let xml = "<?xml version=\"1.0\" encoding=\"x-nonsense\"?><rss version=\"2.0\"><channel>\
               <title>T</title><item><title>Café</title><guid>1</guid></item>\
               <item><title>Broken<x></item></channel></rss>";
    let feed = parse_feed(xml.as_bytes(), None).unwrap();
    let titles: Vec<&str> = feed.stories.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Café"]);
    assert!(feed.problem.is_some_and(|p| p.starts_with("not a feed")));
    // A server's charset that the bytes contradict (valid UTF-8 with non-ASCII in it).
    let xml = "<rss version=\"2.0\"><channel><item><title>Café Крым</title><guid>1</guid>\
               </item></channel></rss>";
    let feed = gazette::feed::parse_feed_with(xml.as_bytes(), None, Some("koi8-r")).unwrap();
    assert_eq!(feed.stories[0].title, "Café Крым");
}

#[test]
fn a_json_feed_in_utf16_is_a_feed() {
    let json = String::from_utf8(fixture("feed.json")).unwrap();
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(json.encode_utf16().flat_map(u16::to_be_bytes));
    assert_eq!(sniff(&bytes), Format::Feed);
    let feed = parse_feed(&bytes, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("JSON Ledger"));
    assert_eq!(feed.stories[0].title, "JSON Story Two");
}
