//! The rewrite of a feed into one feed-rs reads as a liberal parser reads the original (see
//! [`rewrite`]): renamed elements, types and namespaces, base64 and markup bodies, and the
//! shapes of feed feed-rs does not know.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::{Reader, Writer};

use super::atom_text::{self, TypeFix};
use super::find;
use super::shapes::{self, Shape, Shaper, Step};

/// The namespace of Atom 0.3, which feed-rs does not know.
const ATOM_03: &str = "http://purl.org/atom/ns#";
const ATOM_10: &str = "http://www.w3.org/2005/Atom";
const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
/// RSS 2.0's own namespace, which a few feeds declare: feed-rs reads RSS 2.0 in none.
const USERLAND: &str = "http://backend.userland.com/rss2";
const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";

/// True when [`rewrite`] would change what feed-rs makes of the document: cheap to ask, so the
/// rewrite runs only where it is needed.
pub fn needs_rewrite(bytes: &[u8]) -> bool {
    find(bytes, ATOM_03.as_bytes()).is_some()
        || find(bytes, b"dc:title").is_some()
        || find(bytes, b"media:title").is_some()
        || find(bytes, b"fullitem").is_some()
        || find(bytes, b"<body").is_some()
        || find(bytes, b":body").is_some()
        || find(bytes, USERLAND.as_bytes()).is_some()
        || atom_text::has_odd_types(bytes)
        || shapes::needs_shaping(bytes)
        || find(bytes, b"<feed").is_some() && find(bytes, b"<item").is_some()
        || find(bytes, b"dc:description").is_some()
        || find(bytes, b"itunes:summary").is_some()
        || find(bytes, b"<rss").is_some_and(|at| !rss_version_known(&bytes[at..]))
}

/// True when the `<rss` tag at the start of `tag` has a version feed-rs reads.
fn rss_version_known(tag: &[u8]) -> bool {
    let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
    let tag = String::from_utf8_lossy(&tag[..end]);
    ["\"2.0\"", "'2.0'", "\"0.91\"", "\"0.92\"", "\"\""]
        .iter()
        .any(|v| tag.contains(&format!("version={v}")))
}

/// What the rewrite drops as well as what it renames: with `drop_bad`, an Atom text construct
/// whose base64 is no text (a picture) is dropped, not left for feed-rs to fail over.
#[derive(Debug, Clone, Copy)]
pub struct Rewrite {
    /// Drop Atom text constructs feed-rs cannot read.
    pub drop_bad: bool,
}

/// Rewrites a document into one feed-rs reads as a liberal parser would read the original:
/// Atom 0.3 as Atom 1.0 (its namespace, `issued`, `modified`), text constructs' types as Atom 1.0
/// names them and base64 decoded (`atom_text`), `<rss>` with no or an unknown version as RSS 2.0,
/// `dc:title` and `media:title` as `itunes:title` (a title fallback feed-rs keeps), and, with
/// `drop_bad`, unreadable Atom content dropped. None when the document is not well-formed enough
/// to rewrite.
pub fn rewrite(bytes: &[u8], how: Rewrite) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut writer = Writer::new(Vec::with_capacity(bytes.len() + 64));
    let mut state = State::default();
    loop {
        let event = reader.read_event().ok()?;
        if let Some(held) = &mut state.held {
            if held.take(event)? {
                let held = state.held.take()?;
                held.write(&mut writer, how)?;
            }
            continue;
        }
        let event = match event {
            Event::Eof => break,
            Event::Start(start) | Event::Empty(start) if state.shape(&start, &mut writer)? => {
                continue
            }
            Event::Start(start) => {
                let href = cdf_href(&start);
                match state.start(start) {
                    (start, TagFix::Keep) => {
                        state.open.push(start.name().as_ref().to_string());
                        writer.write_event(Event::Start(start)).ok()?;
                        state.shaper.cdf_link(href, &mut writer)?;
                        continue;
                    }
                    (start, fix) => {
                        state.held = Some(Held::new(start, fix));
                        continue;
                    }
                }
            }
            Event::Empty(start) => Event::Empty(state.start(start).0),
            Event::End(end) => {
                let name = state
                    .open
                    .pop()
                    .unwrap_or_else(|| end.name().as_ref().to_string());
                if state.open.is_empty() {
                    state.shaper.end_root(&mut writer)?;
                }
                if name.is_empty() {
                    continue;
                }
                Event::End(BytesEnd::new(name))
            }
            other => other,
        };
        writer.write_event(event).ok()?;
    }
    Some(writer.into_inner())
}

/// What the rewrite knows at a tag.
#[derive(Default)]
struct State {
    /// Whether the document is Atom 0.3.
    atom03: bool,
    /// Whether the item or entry being read has had a title of its own yet.
    titled: bool,
    /// Whether the item being read has had a description of its own yet.
    described: bool,
    /// The open elements' names as written, so each end tag matches its renamed start.
    open: Vec<String>,
    /// The prefixes bound to RSS 2.0's own namespace so far.
    userland: Vec<String>,
    /// Where the feed's shape needs a `<channel>` or a new root (see `shapes`).
    shaper: Shaper,
    /// A text construct in base64 being read, to be decoded at its end.
    held: Option<Held>,
}

/// An `<ITEM>`'s `HREF` in CDF (written as its link).
fn cdf_href(start: &BytesStart<'_>) -> Option<String> {
    if start.name().as_ref() != "ITEM" {
        return None;
    }
    let href = start.try_get_attribute("HREF").ok()??;
    Some(href.value.into_owned())
}

impl State {
    /// The shape's part of a start tag (see `shapes`): true when it is written (or dropped)
    /// already. A dropped start tag's end goes too, and the root written as `<rss>` ends so.
    fn shape(&mut self, start: &BytesStart<'_>, writer: &mut Writer<Vec<u8>>) -> Option<bool> {
        let depth = self.open.len();
        let mut skipped = false;
        let step = self.shaper.start(start, depth, writer, &mut skipped)?;
        match step {
            Step::Go => Some(false),
            Step::Done => {
                self.open.push(if depth == 0 {
                    "rss".into()
                } else {
                    String::new()
                });
                Some(true)
            }
        }
    }

    /// A start (or empty) tag as the rewrite reads it: whether its item now has a title noted,
    /// then the tag renamed, and whether its text is base64.
    fn start(&mut self, start: BytesStart<'_>) -> (BytesStart<'static>, TagFix) {
        self.titled = seen_own(&start, self.open.last(), self.titled, "title");
        self.described = seen_own(&start, self.open.last(), self.described, "description");
        let bound = start.attributes().flatten().filter_map(|a| {
            let prefix = a.key.as_ref().strip_prefix("xmlns:")?;
            (a.value.as_ref() == USERLAND).then(|| prefix.to_string())
        });
        self.userland.extend(bound);
        let context = Context {
            parent: self.open.last(),
            atom03: self.atom03,
            titled: self.titled,
            described: self.described,
            userland: &self.userland,
            cdf: self.shaper.shape == Some(Shape::Cdf),
        };
        rewrite_tag(start, context, &mut self.atom03)
    }
}

/// A tag's text as the rewrite leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagFix {
    /// As written.
    Keep,
    /// Base64, to be decoded.
    Base64,
    /// XHTML markup (an item's `xhtml:body`), to be escaped into the text of `content:encoded`.
    Markup,
}

/// An element whose text is rewritten at its end: base64 (its start tag typed `html`) or markup
/// (its start tag `content:encoded`), and its text so far.
struct Held {
    start: BytesStart<'static>,
    text: String,
    /// The markup inside, as written, for [`TagFix::Markup`].
    markup: Option<Writer<Vec<u8>>>,
    depth: usize,
}

impl Held {
    fn new(start: BytesStart<'static>, fix: TagFix) -> Held {
        Held {
            start,
            text: String::new(),
            markup: (fix == TagFix::Markup).then(|| Writer::new(Vec::new())),
            depth: 1,
        }
    }

    /// Takes the next event inside; true at the element's end. None at the end of the input.
    fn take(&mut self, event: Event<'_>) -> Option<bool> {
        match &event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth -= 1,
            Event::Eof => return None,
            _ => {}
        }
        if let Some(markup) = self.markup.as_mut().filter(|_| self.depth > 0) {
            markup.write_event(event).ok()?;
            return Some(false);
        }
        match event {
            // Base64 has no references: one makes the text something else, kept as it was.
            Event::Text(t) => self.text.push_str(&t),
            Event::CData(t) => self.text.push_str(&t),
            Event::GeneralRef(r) => {
                self.text.push('&');
                self.text.push_str(&r);
                self.text.push(';');
            }
            _ => {}
        }
        Some(self.depth == 0)
    }

    /// The element with its text decoded; dropped (with `drop_bad`) or left as it was when the
    /// text is not base64 of text.
    fn write(self, writer: &mut Writer<Vec<u8>>, how: Rewrite) -> Option<()> {
        let decoded = match self.markup {
            Some(markup) => String::from_utf8(markup.into_inner()).ok(),
            None => atom_text::decode_base64(&self.text),
        };
        if decoded.is_none() && how.drop_bad {
            return Some(());
        }
        let name = self.start.name().as_ref().to_string();
        let text = decoded.unwrap_or(self.text);
        writer.write_event(Event::Start(self.start)).ok()?;
        writer
            .write_event(Event::Text(BytesText::new(&text)))
            .ok()?;
        writer.write_event(Event::End(BytesEnd::new(name))).ok()
    }
}

/// Where a start tag is: its parent's name, whether the document is Atom 0.3, whether the item
/// or entry it is in has a title of its own before it.
#[derive(Clone, Copy)]
struct Context<'a> {
    parent: Option<&'a String>,
    atom03: bool,
    titled: bool,
    described: bool,
    /// The prefixes bound to RSS 2.0's own namespace.
    userland: &'a [String],
    /// Whether the feed is CDF, whose names are RSS 2.0's in capitals.
    cdf: bool,
}

impl Context<'_> {
    fn in_entry(&self) -> bool {
        in_entry(self.parent)
    }

    /// True directly inside an RSS item.
    fn in_item(&self) -> bool {
        self.parent
            .is_some_and(|p| p.rsplit(':').next() == Some("item"))
    }

    /// True directly inside an Atom `feed` (whose entries some feeds call `item`, as RSS does).
    fn in_feed(&self) -> bool {
        self.parent.is_some_and(|p| p == "feed")
    }
}

/// True when `parent` is an item or entry.
fn in_entry(parent: Option<&String>) -> bool {
    parent.is_some_and(|p| {
        let local = p.rsplit(':').next().unwrap_or(p);
        local == "item" || local == "entry"
    })
}

/// Whether the item or entry has had its `own` element (`title`, `description`, unprefixed)
/// after `start`: false at the start of an item or entry, true at that element in one.
fn seen_own(start: &BytesStart<'_>, parent: Option<&String>, seen: bool, own: &str) -> bool {
    match start.local_name().as_ref() {
        "item" | "entry" => false,
        local if local == own && start.name().as_ref() == own => seen || in_entry(parent),
        _ => seen,
    }
}

/// An element's new name: a `dc:title` directly in an item or entry that has no title before it
/// as its title (in the default namespace, which is the feed's); any other `dc:title` or
/// `media:title` there as `itunes:title` (which feed-rs keeps as a media title, the fallback
/// `feed` reads; it drops `dc:title`, and `media:title` outside a media group); an Atom feed's
/// `item` as its `entry`; an RSS item's `dc:description` or `itunes:summary` as its description
/// when it has none before (feed-rs reads neither; a later `description` still wins); Atom 0.3's
/// dates as Atom 1.0's.
fn renamed<'a>(name: &'a str, at: Context<'_>) -> &'a str {
    match name {
        "dc:title" if at.in_entry() && !at.titled => "title",
        "item" if at.in_feed() => "entry",
        "dc:description" | "itunes:summary" if at.in_item() && !at.described => "description",
        "dc:title" | "media:title" if at.in_entry() => "itunes:title",
        "issued" | "created" if at.atom03 => "published",
        "modified" if at.atom03 => "updated",
        other if at.cdf => shapes::cdf_name(other).unwrap_or(other),
        other => other,
    }
}

/// One start tag rewritten (see [`rewrite`]), and whether its text is base64.
fn rewrite_tag(
    start: BytesStart<'_>,
    at: Context<'_>,
    atom03: &mut bool,
) -> (BytesStart<'static>, TagFix) {
    let mut name = start.name().as_ref().to_string();
    let local = name.rsplit(':').next().unwrap_or(&name).to_string();
    let mut attributes: Vec<(String, String)> = start
        .attributes()
        .flatten()
        .map(|a| (a.key.as_ref().to_string(), a.value.into_owned()))
        .collect();
    // RSS 2.0 in its own namespace (`r:item`, or `<rss xmlns="…userland…">`) as RSS 2.0 in none.
    attributes.retain(|(k, v)| !(k.starts_with("xmlns") && v == USERLAND));
    if name
        .split_once(':')
        .is_some_and(|(prefix, _)| at.userland.iter().any(|p| p == prefix))
    {
        name = local.clone();
    }
    if local == "feed" && attributes.iter().any(|(_, v)| v == ATOM_03) {
        *atom03 = true;
    }
    for (_, value) in &mut attributes {
        if value == ATOM_03 {
            *value = ATOM_10.to_string();
        }
    }
    if name == "rss" && !rss_version_known(AsRef::<str>::as_ref(&start).as_bytes()) {
        attributes.retain(|(k, _)| k != "version");
        attributes.insert(0, ("version".into(), "2.0".into()));
    }
    let mut new_name = renamed(&name, at).to_string();
    if new_name == "itunes:title" && name != new_name {
        // An iTunes title is plain text: feed-rs fails over a `type` it does not know.
        attributes.retain(|(k, _)| k != "type");
        attributes.push(("xmlns:itunes".into(), ITUNES.into()));
    }
    let fix = match local.as_str() {
        // An item's body in another vocabulary (feedparser's `xhtml:body`, `fullitem`) is
        // its content, which feed-rs reads as `content:encoded`.
        "body" | "fullitem" if at.in_entry() => {
            attributes.retain(|(k, _)| !k.starts_with("xmlns"));
            attributes.push(("xmlns:content".into(), CONTENT.into()));
            new_name = "content:encoded".to_string();
            match local == "body" {
                true => TagFix::Markup,
                false => TagFix::Keep,
            }
        }
        _ => text_type(&local, &mut attributes, *atom03),
    };
    // Values go back as they were written (escaped): a tuple would be escaped a second time.
    let tag =
        BytesStart::new(new_name).with_attributes(attributes.iter().map(|(k, v)| Attribute {
            key: QName(k),
            value: Cow::Borrowed(v.as_str()),
        }));
    (tag, fix)
}

/// Sets a text construct's `type` to one feed-rs reads, without Atom 0.3's `mode`: base64 is
/// to be decoded to HTML.
fn text_type(local: &str, attributes: &mut Vec<(String, String)>, atom03: bool) -> TagFix {
    let value = |key: &str| {
        attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let src = value("src").is_some();
    let fix = atom_text::type_fix(local, value("type"), value("mode"), src);
    let kind = match fix {
        TypeFix::Keep => None,
        TypeFix::Set(kind) => Some(kind),
        TypeFix::Base64(kind) => Some(kind),
    };
    if atom03 || kind.is_some() {
        attributes.retain(|(k, _)| k != "mode");
    }
    if let Some(kind) = kind {
        attributes.retain(|(k, _)| k != "type");
        attributes.push(("type".into(), kind.into()));
    }
    match fix {
        TypeFix::Base64(_) => TagFix::Base64,
        _ => TagFix::Keep,
    }
}
