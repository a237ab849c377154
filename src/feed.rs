//! Feeds as sources: recognising a feed by its content and turning RSS, Atom and JSON Feed entries
//! (parsed by feed-rs) into stories.

use std::panic::{catch_unwind, AssertUnwindSafe};

use std::borrow::Cow;

use feed_rs::model::{Entry, Text};

use crate::fetch::{FetchResult, Fetched};
use crate::html::{html_to_text, Converted};
use crate::liberal::{self, Rewrite};
use crate::news::{derive_title, Paragraph, Pending, Story};
use crate::sanitize::clean_line;

/// Feed bodies larger than this are refused before parsing: feed-rs holds the whole document.
pub const MAX_FEED_BYTES: usize = 64 * 1024 * 1024;

/// What a file's bytes are, judged by content, not by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An XML or JSON feed.
    Feed,
    /// A plain-text news document.
    Document,
}

/// Recognises a feed by its first meaningful character: `<` (XML: RSS, RDF, Atom) or `{` (JSON
/// Feed), in UTF-8 or, after a byte-order mark (or as `<` beside a zero byte), UTF-16 or UTF-32;
/// or `<?xml` in EBCDIC.
pub fn sniff(bytes: &[u8]) -> Format {
    const WIDE_BOMS: [&[u8]; 4] = [b"\xff\xfe\0\0", b"\0\0\xfe\xff", b"\xff\xfe", b"\xfe\xff"];
    let wide = WIDE_BOMS.iter().find_map(|bom| bytes.strip_prefix(*bom));
    let wide =
        wide.or_else(|| matches!(bytes.get(..2), Some([b'<', 0] | [0, b'<'])).then_some(bytes));
    let text = match wide {
        Some(wide) => wide,
        None => bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes),
    };
    if crate::ebcdic::is_ebcdic_xml(bytes) {
        return Format::Feed;
    }
    let nul_ok = wide.is_some();
    match text
        .iter()
        .find(|&&b| !(b.is_ascii_whitespace() || nul_ok && b == 0))
    {
        Some(b'<' | b'{') => Format::Feed,
        _ => Format::Document,
    }
}

/// A parsed feed: its own title and its entries as stories (with `edition` set by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedFeed {
    /// The feed's title, cleaned, if it has one.
    pub title: Option<String>,
    /// One story per entry, in feed order.
    pub stories: Vec<Story>,
    /// What went wrong after the stories that were read (a syntax error near the end): the feed's
    /// error to report, while its stories stand.
    pub problem: Option<String>,
}

/// What a web page served or saved where a feed was expected is called.
pub const WEB_PAGE: &str = "a web page, not a feed";

/// Parses a feed body. `url` is where it came from, for resolving relative links. Errors are one
/// line saying what is wrong ("not a feed: …"). Never panics: feed-rs panics on a few malformed
/// inputs, so it runs behind `catch_unwind` (the release profile keeps `panic = "unwind"`).
pub fn parse_feed(bytes: &[u8], url: Option<&str>) -> Result<ParsedFeed, String> {
    parse_feed_with(bytes, url, None)
}

/// [`parse_feed`] with the charset the server named (HTTP `Content-Type`), which comes after a
/// byte-order mark and the XML declaration and before detection (see [`liberal::decode`]).
/// Liberal: a feed feed-rs refuses whole is read entry by entry, and the entries before a syntax
/// error stand, with the error as [`ParsedFeed::problem`].
pub fn parse_feed_with(
    bytes: &[u8],
    url: Option<&str>,
    charset: Option<&str>,
) -> Result<ParsedFeed, String> {
    parse_liberally(bytes, url, charset, Mode::Whole)
}

/// [`parse_feed_with`] leaving each long HTML body as it is ([`Pending::Html`]), to be converted
/// when its story is opened: what a refresh does, since converting every body of every feed took
/// a third of `--list`'s time, for stories most of which are never opened (the store keeps the
/// HTML as it keeps the text).
pub fn parse_feed_lazily(
    bytes: &[u8],
    url: Option<&str>,
    charset: Option<&str>,
) -> Result<ParsedFeed, String> {
    parse_liberally(bytes, url, charset, Mode::Lazy)
}

/// How much of a feed [`parse_liberally`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every entry, bodies converted; entries before a syntax error salvaged.
    Whole,
    /// The same, long HTML bodies left for later.
    Lazy,
    /// The header only: no salvage (the stream does that).
    Header,
}

/// A feed's header (what comes before its first entry, closed), as the stream reads it: decoded
/// and rewritten as a whole feed is, but not salvaged entry by entry (that is the stream's job).
pub(crate) fn parse_header(bytes: &[u8], url: Option<&str>) -> Result<ParsedFeed, String> {
    parse_liberally(bytes, url, None, Mode::Header)
}

fn parse_liberally(
    bytes: &[u8],
    url: Option<&str>,
    charset: Option<&str>,
    mode: Mode,
) -> Result<ParsedFeed, String> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(format!(
            "feed too large ({} MiB; the limit is {} MiB)",
            bytes.len() >> 20,
            MAX_FEED_BYTES >> 20
        ));
    }
    let json = bytes.trim_ascii_start().starts_with(b"{");
    let decoded = if json {
        Cow::Borrowed(bytes)
    } else {
        liberal::decode(bytes, charset).bytes
    };
    if liberal::is_web_page(&decoded) {
        return Err(WEB_PAGE.to_string());
    }
    let document = match liberal::needs_rewrite(&decoded) {
        true => liberal::rewrite(&decoded, Rewrite { drop_bad: false }).map_or(decoded, Cow::Owned),
        false => decoded,
    };
    match feed_rs_parse(&document, url) {
        Ok(feed) => {
            let mut parsed = whole_feed(&feed, url, mode == Mode::Lazy);
            let durations = crate::enclosure::itunes_durations(&document);
            crate::enclosure::fill_durations(&mut parsed.stories, &durations);
            Ok(parsed)
        }
        Err(e) if json || mode == Mode::Header => Err(e),
        Err(e) => salvage(&document, url, e, mode == Mode::Lazy),
    }
}

fn feed_rs_parse(bytes: &[u8], url: Option<&str>) -> Result<feed_rs::model::Feed, String> {
    let parser = feed_rs::parser::Builder::new().base_uri(url).build();
    let parsed = catch_unwind(AssertUnwindSafe(|| parser.parse(bytes)))
        .map_err(|_| "not a feed: the feed parser gave up on malformed input".to_string())?;
    parsed.map_err(|e| clean_line(&format!("not a feed: {e}")).replace("  ", " "))
}

fn whole_feed(feed: &feed_rs::model::Feed, url: Option<&str>, lazy: bool) -> ParsedFeed {
    let stories = feed
        .entries
        .iter()
        .map(|entry| entry_story(entry, is_atom(feed), url, lazy))
        .collect();
    ParsedFeed {
        title: feed
            .title
            .as_ref()
            .map(|t| plain_text(&t.content, is_html(t), is_atom(feed)))
            .filter(|t| !t.is_empty()),
        stories,
        problem: None,
    }
}

/// A feed feed-rs refused whole, read entry by entry as a feed file is (each entry feed-rs
/// cannot read repaired or dropped alone): the entries before a syntax error, with the error.
/// The error alone when no entry could be read.
fn salvage(
    document: &[u8],
    url: Option<&str>,
    error: String,
    lazy: bool,
) -> Result<ParsedFeed, String> {
    // Decoded, the document is UTF-8: streamed as it is, never back through `parse_feed`.
    if !document.trim_ascii_start().starts_with(b"<") {
        return Err(error);
    }
    let input = Box::new(std::io::Cursor::new(document.to_vec()));
    let mut stream = crate::ingest::FeedStream::streaming(input, url);
    let mut stories = Vec::new();
    let problem = loop {
        match stream.next_batch() {
            Ok(Some(batch)) if lazy => stories.extend(batch),
            Ok(Some(batch)) => stories.extend(batch.into_iter().map(converted)),
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    if stories.is_empty() {
        return Err(error);
    }
    Ok(ParsedFeed {
        title: stream.title().map(str::to_string),
        stories,
        problem,
    })
}

/// A story with its HTML converted now, as a whole feed's stories are.
fn converted(story: Story) -> Story {
    match story.pending {
        Pending::Html { html, base } => {
            let text = html_to_text(&html, base.as_deref());
            Story {
                paragraphs: text.paragraphs,
                references: text.references,
                pending: Pending::Nothing,
                ..story
            }
        }
        _ => story,
    }
}

/// What a story is made of, as read from one feed entry: by feed-rs ([`EntryParts::of`]), or by
/// the fast path for plain RSS items (`ingest::rss`), which must give the same parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EntryParts<'a> {
    /// The title as the feed gives it (trimmed), and whether it is HTML.
    pub title: Option<(&'a str, bool)>,
    /// The entry's link (its `href`, as feed-rs resolves it).
    pub link: Option<&'a str>,
    /// The text, and whether it is HTML: content, else summary, else a media description.
    pub body: Option<(&'a str, bool)>,
    /// Seconds since the Unix epoch.
    pub published: Option<i64>,
    /// The first author with a name.
    pub author: Option<&'a str>,
    /// The entry's id (guid).
    pub id: &'a str,
    /// True when the feed says how its text is written (Atom's `type`): `text` is plain, and
    /// markup in it is characters (`History of the <blink> tag`). RSS says nothing, so its text
    /// is taken as HTML when it looks like HTML.
    pub typed: bool,
}

impl<'a> EntryParts<'a> {
    /// The parts of a feed-rs entry.
    pub(crate) fn of(entry: &'a Entry) -> EntryParts<'a> {
        EntryParts {
            // A title in another vocabulary (media:title, itunes:title, and dc:title, which
            // `liberal::rewrite` renames media:title) stands in for a missing or blank one.
            title: entry
                .title
                .iter()
                .chain(entry.media.iter().filter_map(|m| m.title.as_ref()))
                .map(|t| (t.content.trim(), is_html(t)))
                .find(|(t, _)| !t.is_empty()),
            link: entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(entry.links.first())
                .map(|l| l.href.as_str()),
            body: raw_body(entry),
            published: entry.published.or(entry.updated).map(|d| d.timestamp()),
            author: entry.authors.iter().find_map(|a| a.name.as_deref()),
            id: &entry.id,
            typed: false,
        }
    }
}

/// Turns one entry into a story: title, link, date, author, id and text. With `lazy`, an HTML
/// body is kept as it is ([`Pending::Html`]), to be converted when the story is opened.
pub(crate) fn entry_story(entry: &Entry, atom: bool, feed_url: Option<&str>, lazy: bool) -> Story {
    let parts = EntryParts {
        typed: atom,
        ..EntryParts::of(entry)
    };
    Story {
        enclosures: crate::enclosure::of_entry(entry),
        ..parts_story(parts, feed_url, lazy)
    }
}

/// True for an Atom feed, whose text constructs say their type (see [`EntryParts::typed`]).
pub(crate) fn is_atom(feed: &feed_rs::model::Feed) -> bool {
    feed.feed_type == feed_rs::model::FeedType::Atom
}

/// A title is cut to this many columns ("…" ends it): no headline is longer, and a hostile
/// feed's 5 MB title would otherwise be kept, listed and stored whole.
pub const MAX_TITLE_COLUMNS: usize = 400;
/// Of a title as the feed gives it, only this much is read (markup included).
const MAX_RAW_TITLE_BYTES: usize = 16 * 1024;

/// `text` cut to at most `max` bytes, on a char boundary.
fn cut_at(text: &str, max: usize) -> &str {
    match text.len() <= max {
        true => text,
        false => {
            &text[..(0..=max)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0)]
        }
    }
}

/// Turns an entry's parts into a story (see [`entry_story`]).
pub(crate) fn parts_story(parts: EntryParts<'_>, feed_url: Option<&str>, lazy: bool) -> Story {
    let link = parts
        .link
        .map(|href| clean_line(href.trim()))
        .filter(|href| href.starts_with("http://") || href.starts_with("https://"));
    let base = link.as_deref().or(feed_url);
    let title = parts
        .title
        .map(|(raw, html)| plain_text(cut_at(raw, MAX_RAW_TITLE_BYTES), html, parts.typed))
        .map(|title| crate::text::truncate_words(&title, MAX_TITLE_COLUMNS))
        .filter(|t| !t.is_empty());
    // Untyped text (RSS) that looks like HTML is HTML; a typed one is what its type says.
    let body = parts
        .body
        .map(|(body, html)| (body, html || !parts.typed && looks_like_html(body)));
    let (mut text, pending) = match body {
        // Kept for later only when there is a title to list it by, and when it is long enough to
        // be worth it: a short one is converted now (so one that only repeats the title is seen
        // to be no text, as below).
        Some((body, true))
            if lazy
                && title
                    .as_ref()
                    .is_some_and(|t| body.len() > 4 * t.len() + 256) =>
        {
            (
                Converted::default(),
                Pending::Html {
                    html: body.to_string(),
                    base: base.map(str::to_string),
                },
            )
        }
        Some((body, html)) => (convert(body, html, parts.typed, base), Pending::Nothing),
        None => (Converted::default(), Pending::Nothing),
    };
    let title = title.unwrap_or_else(|| headline_from(&text));
    // A body that only repeats the title is no text at all.
    if text.paragraphs.len() == 1 && text.paragraphs[0].text == title {
        text = Converted::default();
    }
    Story {
        title,
        paragraphs: text.paragraphs,
        references: text.references,
        link,
        published: parts.published,
        author: parts
            .author
            .map(|n| clean_line(n.trim()))
            .filter(|a| !a.is_empty()),
        id: Some(clean_line(parts.id)).filter(|id| !id.is_empty()),
        edition: 0,
        pending,
        enclosures: Vec::new(),
    }
}

/// The title of an entry without one, taken from the first paragraph with words (a picture
/// alone gives no headline).
fn headline_from(text: &Converted) -> String {
    match text
        .paragraphs
        .iter()
        .map(Paragraph::words)
        .find(|w| !w.is_empty())
    {
        Some(first) => derive_title(&first),
        None => "(untitled)".to_string(),
    }
}

fn is_html(text: &Text) -> bool {
    text.content_type.to_string().contains("html")
}

/// The entry's text and whether its type says HTML: its content, else its summary, else a media
/// description (podcasts); the first that has any text.
fn raw_body(entry: &Entry) -> Option<(&str, bool)> {
    let content = entry.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?.trim();
        let kind = c.content_type.to_string();
        // Content of another type (a picture or a PDF in base64) is no text to show.
        let text = kind.starts_with("text/") || kind.contains("html") || kind.contains("xml");
        text.then_some((body, kind.contains("html")))
    });
    fn text(t: &Text) -> (&str, bool) {
        (t.content.trim(), is_html(t))
    }
    let summary = entry.summary.as_ref().map(text);
    let media = entry
        .media
        .iter()
        .find_map(|m| m.description.as_ref())
        .map(text);
    [content, summary, media]
        .into_iter()
        .flatten()
        .find(|(body, _)| !body.is_empty())
}

fn convert(body: &str, html: bool, typed: bool, base: Option<&str>) -> Converted {
    if html || !typed && looks_like_html(body) {
        html_to_text(body, base)
    } else {
        let paragraphs = body
            .split("\n\n")
            .map(|p| clean_line(&p.split_whitespace().collect::<Vec<_>>().join(" ")))
            .filter(|p| !p.is_empty())
            .map(Paragraph::plain)
            .collect();
        Converted {
            paragraphs,
            references: Vec::new(),
        }
    }
}

/// RSS descriptions are usually HTML without saying so.
fn looks_like_html(text: &str) -> bool {
    text.contains('<') && text.contains('>') || text.contains("&lt;") || text.contains("&amp;")
}

/// A title as one clean line: HTML titles (Atom `type="html"`, escaped markup in RSS) lose their tags.
fn plain_text(raw: &str, html: bool, typed: bool) -> String {
    let raw = raw.trim();
    let line = if html || !typed && looks_like_html(raw) {
        let converted = html_to_text(raw, None);
        converted
            .paragraphs
            .iter()
            .map(Paragraph::words)
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    clean_line(line.trim())
}

/// The outcome of fetching and parsing one feed, made on a worker thread and sent to the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedUpdate {
    /// The source (edition index) it is for.
    pub source: usize,
    /// What came of it: one line saying what went wrong, on failure.
    pub outcome: Result<FeedFetched, String>,
}

/// A feed that was fetched and parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedFetched {
    /// The server said nothing changed since the last fetch.
    NotModified,
    /// A new copy of the feed.
    Parsed {
        /// Its title and stories.
        feed: ParsedFeed,
        /// Validators for the next conditional request.
        etag: Option<String>,
        /// Validators for the next conditional request.
        last_modified: Option<String>,
    },
}

/// Parses a fetch result into an update for the UI. Runs on the fetching worker thread, so the UI
/// thread never parses feeds or converts HTML.
pub fn process(result: FetchResult) -> FeedUpdate {
    let source = result.request.source;
    let url = result.request.url.clone();
    let outcome = result.outcome.and_then(|fetched| match fetched {
        Fetched::NotModified => Ok(FeedFetched::NotModified),
        Fetched::Body {
            bytes,
            etag,
            last_modified,
            charset,
        } => parse_feed_lazily(&bytes, Some(&url), charset.as_deref()).map(|feed| {
            FeedFetched::Parsed {
                feed,
                etag,
                last_modified,
            }
        }),
    });
    FeedUpdate { source, outcome }
}
