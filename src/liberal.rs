//! Reading real feeds liberally, before and around feed-rs: decoding any encoding to UTF-8 (byte-
//! order mark, XML declaration, HTTP charset, then detection with chardetng), telling a web page
//! from a feed, and rewriting what feed-rs refuses or ignores (Atom 0.3, `<rss>` without a
//! version, `dc:title`, a bare `&`, one `content` or `summary` feed-rs cannot read) into what it
//! reads.

use std::borrow::Cow;

use encoding_rs::Encoding;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::{Reader, Writer};

use crate::atom_text::TypeFix;

/// The namespace of Atom 0.3, which feed-rs does not know.
const ATOM_03: &str = "http://purl.org/atom/ns#";
const ATOM_10: &str = "http://www.w3.org/2005/Atom";
const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
/// RSS 2.0's own namespace, which a few feeds declare: feed-rs reads RSS 2.0 in none.
const USERLAND: &str = "http://backend.userland.com/rss2";
const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";

/// A feed's bytes decoded to UTF-8, with a note when that took more than reading them.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// UTF-8, with any XML declaration saying so (feed-rs decodes what the declaration names).
    pub bytes: Cow<'a, [u8]>,
    /// What was done ("decoded as Shift_JIS", "2 bytes that are not UTF-8 shown as �").
    pub note: Option<String>,
}

/// Decodes a feed: a byte-order mark wins, then the XML declaration, then `charset` (from HTTP),
/// then UTF-8 when the bytes are valid UTF-8, then chardetng's guess. A declaration that the
/// bytes contradict (invalid in it, or a Latin one over bytes that are something else) is
/// overruled by detection; UTF-8 with a few stray bytes stays UTF-8 with replacement characters.
/// Valid UTF-8 that declares nothing else is returned as it is, without a copy.
pub fn decode<'a>(bytes: &'a [u8], charset: Option<&str>) -> Decoded<'a> {
    if let Some(text) = utf32(bytes) {
        return reencoded(text, "decoded as UTF-32");
    }
    if crate::ebcdic::is_ebcdic_xml(bytes) {
        let text = crate::ebcdic::decode(bytes);
        return reencoded(Cow::Owned(text), "decoded as EBCDIC");
    }
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        let (text, errors) = encoding.decode_with_bom_removal(bytes);
        let note = match (encoding == encoding_rs::UTF_8, errors) {
            (true, false) => None,
            (true, true) => Some(lossy_note(bytes)),
            (false, _) => Some(format!("decoded as {}", encoding.name())),
        };
        return Decoded {
            bytes: Cow::Owned(with_utf8_declaration(&text)),
            note,
        };
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return reencoded(text, &format!("decoded as {}", encoding.name()));
    }
    let declared = declared_encoding(bytes)
        .or(charset)
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()));
    let utf8 = std::str::from_utf8(bytes).is_ok();
    let encoding = match declared {
        // Text in a legacy encoding is all but never valid UTF-8 by chance: a label that says
        // otherwise over valid UTF-8 with non-ASCII in it is wrong.
        Some(_) if utf8 && !bytes.is_ascii() => Some(encoding_rs::UTF_8),
        // UTF-16 declared over bytes that are not (no BOM, no zero bytes): ASCII-compatible.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => None,
        // A few stray bytes in UTF-8 are replaced; many mean the declaration is wrong.
        Some(e) if e == encoding_rs::UTF_8 && !utf8 && stray_bytes(bytes, 8) => Some(e),
        // Latin-1 is what a server or template says by default: detection knows better.
        Some(e) if e == encoding_rs::WINDOWS_1252 && !bytes.is_ascii() => None,
        Some(e)
            if e.decode_without_bom_handling_and_without_replacement(bytes)
                .is_some() =>
        {
            Some(e)
        }
        _ if utf8 => Some(encoding_rs::UTF_8),
        _ if stray_bytes(bytes, 0) => Some(encoding_rs::UTF_8),
        _ => None,
    }
    .unwrap_or_else(|| detect(bytes));
    if encoding == encoding_rs::UTF_8 {
        // As it is only when its declaration (if any) says UTF-8 too: feed-rs decodes what that
        // names, and an unknown name would fail it.
        let says_utf8 = declared_encoding(bytes)
            .is_none_or(|l| l.eq_ignore_ascii_case("utf-8") || l.eq_ignore_ascii_case("utf8"));
        if utf8 && says_utf8 {
            return Decoded {
                bytes: Cow::Borrowed(bytes),
                note: None,
            };
        }
        let text = String::from_utf8_lossy(bytes);
        let note = (!utf8).then(|| lossy_note(bytes));
        return Decoded {
            bytes: Cow::Owned(with_utf8_declaration(&text)),
            note,
        };
    }
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    reencoded(text, &format!("decoded as {}", encoding.name()))
}

fn reencoded(text: Cow<'_, str>, note: &str) -> Decoded<'static> {
    Decoded {
        bytes: Cow::Owned(with_utf8_declaration(&text)),
        note: Some(note.to_string()),
    }
}

fn lossy_note(bytes: &[u8]) -> String {
    let invalid: usize = bytes.utf8_chunks().map(|c| c.invalid().len()).sum();
    format!("{invalid} bytes that are not UTF-8 shown as \u{fffd}")
}

/// UTF-8 with a few stray bytes (a feed that pasted in one Latin-1 quote): no more invalid bytes
/// than valid multi-byte characters, or than `allowed`.
fn stray_bytes(bytes: &[u8], allowed: usize) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    invalid <= valid.max(allowed) && (valid > 0 || allowed > 0)
}

/// chardetng's guess for bytes no label settles (Firefox's detector, made for unlabelled pages).
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// UTF-32 with a byte-order mark (encoding_rs does not decode it: the Web never uses it).
fn utf32(bytes: &[u8]) -> Option<Cow<'static, str>> {
    let little = match bytes.get(..4)? {
        [0xff, 0xfe, 0, 0] => true,
        [0, 0, 0xfe, 0xff] => false,
        _ => return None,
    };
    let text = bytes[4..]
        .chunks(4)
        .map(|c| {
            let mut word = [0u8; 4];
            word[..c.len()].copy_from_slice(c);
            let n = if little {
                u32::from_le_bytes(word)
            } else {
                u32::from_be_bytes(word)
            };
            char::from_u32(n).unwrap_or('\u{fffd}')
        })
        .collect::<String>();
    Some(Cow::Owned(text))
}

/// UTF-16 without a byte-order mark, told by its first character, `<`, next to a zero byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes.get(..4)? {
        [b'<', 0, b'?' | b'r' | b'f', 0] => Some(encoding_rs::UTF_16LE),
        [0, b'<', 0, b'?' | b'r' | b'f'] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// The encoding an XML declaration names, if any.
pub fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let start = bytes.trim_ascii_start();
    if !start.starts_with(b"<?xml") {
        return None;
    }
    let end = start.iter().position(|&b| b == b'>')?;
    let declaration = std::str::from_utf8(&start[..end]).ok()?;
    let at = declaration.find("encoding")?;
    let rest = declaration[at + 8..].trim_start_matches([' ', '=', '"', '\'']);
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.:".contains(c)))
        .unwrap_or(rest.len());
    Some(&rest[..len]).filter(|l| !l.is_empty())
}

/// The text as UTF-8 bytes, its XML declaration (if any) replaced by one that says UTF-8; JSON as
/// it is.
fn with_utf8_declaration(text: &str) -> Vec<u8> {
    let start = text.trim_start();
    // JSON Feed (in UTF-16, say) has no declaration to replace, and must get none.
    if !start.starts_with('<') {
        return start.as_bytes().to_vec();
    }
    let rest = match start.strip_prefix("<?xml") {
        Some(after) => after.find("?>").map_or(start, |end| &after[end + 2..]),
        None => start,
    };
    let mut out = Vec::with_capacity(rest.len() + 40);
    out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    out.extend_from_slice(rest.as_bytes());
    out
}

/// True when the document is a web page: an HTML doctype, or `html` as its first element.
pub fn is_web_page(bytes: &[u8]) -> bool {
    let mut rest = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    // Past the declaration, comments and processing instructions, to the doctype or root.
    for _ in 0..64 {
        rest = rest.trim_ascii_start();
        let skip = if rest.starts_with(b"<?") {
            find(rest, b"?>")
        } else if rest.starts_with(b"<!--") {
            find(rest, b"-->")
        } else {
            break;
        };
        match skip {
            Some(at) => rest = &rest[at..],
            None => return false,
        }
    }
    let head: Vec<u8> = rest.iter().take(15).map(u8::to_ascii_lowercase).collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + needle.len())
}

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
        || crate::atom_text::has_odd_types(bytes)
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
            Event::Start(start) => match state.start(start) {
                (start, TagFix::Keep) => {
                    state.open.push(start.name().as_ref().to_string());
                    Event::Start(start)
                }
                (start, fix) => {
                    state.held = Some(Held::new(start, fix));
                    continue;
                }
            },
            Event::Empty(start) => Event::Empty(state.start(start).0),
            Event::End(end) => {
                let name = state
                    .open
                    .pop()
                    .unwrap_or_else(|| end.name().as_ref().to_string());
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
    /// The open elements' names as written, so each end tag matches its renamed start.
    open: Vec<String>,
    /// The prefixes bound to RSS 2.0's own namespace so far.
    userland: Vec<String>,
    /// A text construct in base64 being read, to be decoded at its end.
    held: Option<Held>,
}

impl State {
    /// A start (or empty) tag as the rewrite reads it: whether its item now has a title noted,
    /// then the tag renamed, and whether its text is base64.
    fn start(&mut self, start: BytesStart<'_>) -> (BytesStart<'static>, TagFix) {
        self.titled = seen_title(&start, self.open.last(), self.titled);
        let bound = start.attributes().flatten().filter_map(|a| {
            let prefix = a.key.as_ref().strip_prefix("xmlns:")?;
            (a.value.as_ref() == USERLAND).then(|| prefix.to_string())
        });
        self.userland.extend(bound);
        let context = Context {
            parent: self.open.last(),
            atom03: self.atom03,
            titled: self.titled,
            userland: &self.userland,
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
            None => crate::atom_text::decode_base64(&self.text),
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
    /// The prefixes bound to RSS 2.0's own namespace.
    userland: &'a [String],
}

impl Context<'_> {
    fn in_entry(&self) -> bool {
        self.parent.is_some_and(|p| {
            let local = p.rsplit(':').next().unwrap_or(p);
            local == "item" || local == "entry"
        })
    }
}

/// The new `titled` after `start`: false at the start of an item or entry, true at its `title`.
fn seen_title(start: &BytesStart<'_>, parent: Option<&String>, titled: bool) -> bool {
    let name = start.name();
    let local = start.local_name();
    match local.as_ref() {
        "item" | "entry" => false,
        "title" if name.as_ref() == "title" => {
            titled
                || Context {
                    parent,
                    atom03: false,
                    titled,
                    userland: &[],
                }
                .in_entry()
        }
        _ => titled,
    }
}

/// An element's new name: a `dc:title` directly in an item or entry that has no title before it
/// as its title (in the default namespace, which is the feed's); any other `dc:title` or
/// `media:title` there as `itunes:title` (which feed-rs keeps as a media title, the fallback
/// `feed` reads; it drops `dc:title`, and `media:title` outside a media group); Atom 0.3's dates
/// as Atom 1.0's.
fn renamed<'a>(name: &'a str, at: Context<'_>) -> &'a str {
    match name {
        "dc:title" if at.in_entry() && !at.titled => "title",
        "dc:title" | "media:title" if at.in_entry() => "itunes:title",
        "issued" | "created" if at.atom03 => "published",
        "modified" if at.atom03 => "updated",
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
    let fix = crate::atom_text::type_fix(local, value("type"), value("mode"), src);
    let kind = match fix {
        TypeFix::Keep => None,
        TypeFix::Set(kind) => Some(kind),
        TypeFix::Base64 => Some("html"),
    };
    if atom03 || kind.is_some() {
        attributes.retain(|(k, _)| k != "mode");
    }
    if let Some(kind) = kind {
        attributes.retain(|(k, _)| k != "type");
        attributes.push(("type".into(), kind.into()));
    }
    match fix {
        TypeFix::Base64 => TagFix::Base64,
        _ => TagFix::Keep,
    }
}

/// An entry's document repaired after feed-rs refused it: bytes that are not UTF-8 replaced,
/// bare ampersands escaped, unreadable Atom content dropped. None when nothing could be done.
pub fn repaired(document: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(document);
    let escaped = escape_bare_ampersands(text.as_bytes());
    let bytes = escaped.as_deref().unwrap_or(text.as_bytes());
    rewrite(bytes, Rewrite { drop_bad: true }).filter(|r| r.as_slice() != document)
}

/// Escapes every `&` that does not start a reference (`&amp;`, `&#233;`, `&nbsp;`): a bare one is
/// the commonest syntax error in real feeds. None when there is none.
pub fn escape_bare_ampersands(bytes: &[u8]) -> Option<Vec<u8>> {
    let bare = |at: usize| {
        let rest = &bytes[at + 1..];
        let len = rest.iter().take(32).position(|&b| b == b';');
        !len.is_some_and(|len| {
            len > 0
                && rest[..len]
                    .iter()
                    .enumerate()
                    .all(|(i, &b)| b.is_ascii_alphanumeric() || (i == 0 && b == b'#'))
        })
    };
    let positions: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|&(at, &b)| b == b'&' && bare(at))
        .map(|(at, _)| at)
        .collect();
    if positions.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + 4 * positions.len());
    let mut from = 0;
    for at in positions {
        out.extend_from_slice(&bytes[from..=at]);
        out.extend_from_slice(b"amp;");
        from = at + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(xml: &str, drop_bad: bool) -> String {
        String::from_utf8(rewrite(xml.as_bytes(), Rewrite { drop_bad }).unwrap()).unwrap()
    }

    #[test]
    fn atom_03_becomes_atom_10_and_escapes_stay_as_written() {
        let xml = "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>\
                   <title type=\"text/plain\" mode=\"escaped\">Fish &amp; chips</title>\
                   <link href=\"https://x.example/?a=1&amp;b=2\"/><issued>2004</issued>\
                   <content type=\"image/png\" mode=\"base64\">iVBO</content></entry></feed>";
        assert_eq!(
            rewritten(xml, true),
            "<feed version=\"0.3\" xmlns=\"http://www.w3.org/2005/Atom\"><entry>\
             <title type=\"text\">Fish &amp; chips</title>\
             <link href=\"https://x.example/?a=1&amp;b=2\"/><published>2004</published>\
             </entry></feed>"
        );
        // Without `drop_bad`, unreadable content stays for feed-rs to judge.
        assert!(rewritten(xml, false).contains("iVBO"));
    }

    #[test]
    fn rss_without_a_version_and_titles_in_other_vocabularies() {
        let xml = "<rss><channel><item><dc:title>A</dc:title></item>\
                   <item><title>B</title><dc:title>C</dc:title></item></channel></rss>";
        assert_eq!(
            rewritten(xml, false),
            "<rss version=\"2.0\"><channel><item><title>A</title></item><item><title>B</title>\
             <itunes:title xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">C\
             </itunes:title></item></channel></rss>"
        );
        assert!(needs_rewrite(xml.as_bytes()));
        assert!(!needs_rewrite(b"<rss version=\"2.0\"><channel/></rss>"));
    }

    #[test]
    fn encodings_are_told_by_bom_declaration_charset_then_detection() {
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("<rss/>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let decoded = decode(&utf16, Some("KOI8-R"));
        assert!(String::from_utf8_lossy(&decoded.bytes).ends_with("<rss/>"));
        let koi8 = encoding_rs::KOI8_R.encode("<rss><t>Погода</t></rss>").0;
        let as_charset = decode(&koi8, Some("koi8-r"));
        assert!(String::from_utf8_lossy(&as_charset.bytes).contains("Погода"));
        let declared = [
            b"<?xml version=\"1.0\" encoding=\"windows-1251\"?>".as_slice(),
            &koi8,
        ]
        .concat();
        let declaration_wins = decode(&declared, Some("koi8-r"));
        assert!(!String::from_utf8_lossy(&declaration_wins.bytes).contains("Погода"));
        let unknown = decode(
            b"<?xml version=\"1.0\" encoding=\"x-nonsense\"?><rss>\xc3\xa9</rss>",
            None,
        );
        assert!(String::from_utf8_lossy(&unknown.bytes)
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        let plain = b"<rss>plain</rss>";
        assert!(
            matches!(decode(plain, None).bytes, Cow::Borrowed(_)),
            "no copy"
        );
        let stray = decode("<rss>caf\u{e9} ok</rss>".as_bytes(), None);
        assert_eq!(stray.note, None);
        let two = decode(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>a\xff\xfeb \xc3\xa9</rss>",
            None,
        );
        assert!(String::from_utf8_lossy(&two.bytes).contains("a\u{fffd}\u{fffd}b"));
    }

    #[test]
    fn web_pages_are_told_from_feeds() {
        assert!(is_web_page(b"\xef\xbb\xbf<!-- x --><!DOCTYPE HTML><html>"));
        assert!(is_web_page(
            b"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
        ));
        assert!(!is_web_page(
            b"<?xml version=\"1.0\"?><rss version=\"2.0\">"
        ));
        assert!(!is_web_page(b"<feed><title>html</title></feed>"));
    }

    #[test]
    fn bare_ampersands_are_escaped_and_references_kept() {
        let fixed = escape_bare_ampersands(b"a & b &amp; &#233; &#x1F600; &nbsp; &&").unwrap();
        assert_eq!(fixed, b"a &amp; b &amp; &#233; &#x1F600; &nbsp; &amp;&amp;");
        assert_eq!(escape_bare_ampersands(b"&amp; only"), None);
    }
}
