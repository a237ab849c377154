//! OPML, the format readers exchange subscription lists in: read as a stream of XML events (no
//! recursion, nesting capped at [`MAX_DEPTH`]) and written as well-formed XML, every field escaped
//! and nothing XML forbids in it.
//!
//! What the fields mean (which outlines are feeds, what becomes a tag) is decided here only as far
//! as the format goes: an outline with an `xmlUrl` is a feed, the outlines around it are its
//! folders, and its `category` attribute lists more tags. [`crate::subscriptions`] turns those
//! into subscriptions.
//!
//! `category` is comma-separated, each category slash-delimited (`/Boston/Weather`), per OPML 2.0.
//! So that any tag survives a round trip, [`write()`] escapes what the attribute cannot hold as it
//! is: `%` as `%25`, `,` as `%2C`, and a `/` at either end as `%2F`; [`read()`] decodes those three
//! (and only those).

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::sanitize::{clean_field, is_xml_forbidden};

/// The deepest an element may sit in an OPML file (the `<opml>` element is 1, its `<body>` 2, a
/// top-level outline 3). Real subscription lists nest folders two or three deep; a deeper file is
/// refused with an error rather than walked.
pub const MAX_DEPTH: usize = 100;

/// An outline with an `xmlUrl`, as [`read()`] hands it over, every field cleaned with
/// [`clean_field`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedOutline<'a> {
    /// The `xmlUrl`.
    pub url: String,
    /// The `title`, or else the `text`, when one is not empty.
    pub label: Option<String>,
    /// The labels of the outlines around this one, outermost first (those without a label left
    /// out).
    pub folders: &'a [String],
    /// The categories of its `category` attribute, without their surrounding slashes, decoded,
    /// empty ones left out.
    pub categories: Vec<String>,
}

/// A feed to write with [`write()`].
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Its `xmlUrl`.
    pub url: &'a str,
    /// Its `text` and `title`.
    pub label: &'a str,
    /// Its tags: the first is the folder it goes in, the others its `category`.
    pub tags: &'a [String],
}

/// What an open element is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Opml,
    Body,
    /// An outline inside the body; true when it added a folder label.
    Outline(bool),
    /// Anything else (`<head>`, an unknown element), looked through.
    Other,
}

/// Reads OPML `text`, calling `each` for every outline with a non-empty `xmlUrl`, in document
/// order. Nothing recurses, so any nesting is safe; nesting deeper than [`MAX_DEPTH`], malformed
/// XML, a root that is not `<opml>` or an unknown OPML version is an error: one line, saying
/// where. An error from `each` stops the reading and is returned.
pub fn read(
    text: &str,
    mut each: impl FnMut(FeedOutline<'_>) -> Result<(), String>,
) -> Result<(), String> {
    let mut reader = Reader::from_str(text);
    let line = |offset: u64| {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        text.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    let mut walk = Walk::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "not an OPML file: {e} (line {})",
                line(reader.error_position())
            )
        })?;
        match event {
            Event::Start(element) => walk.start(&element, false, &mut each),
            Event::Empty(element) => walk.start(&element, true, &mut each),
            Event::End(_) => {
                walk.end();
                Ok(())
            }
            Event::Eof => break,
            _ => Ok(()),
        }
        .map_err(|e| match e {
            Located::At(e) => format!("{e} (line {})", line(reader.buffer_position())),
            Located::Whole(e) => e,
        })?;
    }
    if !walk.seen_root {
        return Err("not an OPML file: there is no <opml> element".to_string());
    }
    if !walk.open.is_empty() {
        return Err("not an OPML file: it ends before its elements are closed".to_string());
    }
    Ok(())
}

/// An error of [`Walk`]: about the element just read (the line is added), or the whole file.
enum Located {
    At(String),
    Whole(String),
}

/// Where [`read()`] is in the document.
#[derive(Default)]
struct Walk {
    /// The elements open, outermost first.
    open: Vec<Open>,
    /// The labels of the open outlines that have one.
    folders: Vec<String>,
    /// Whether the root element has been read.
    seen_root: bool,
}

impl Walk {
    /// An element starts (and ends at once, when `empty`): an outline with an `xmlUrl` goes to
    /// `each`.
    fn start(
        &mut self,
        element: &BytesStart<'_>,
        empty: bool,
        each: &mut impl FnMut(FeedOutline<'_>) -> Result<(), String>,
    ) -> Result<(), Located> {
        if self.open.len() >= MAX_DEPTH {
            let e = format!("outlines nested more than {MAX_DEPTH} deep");
            return Err(Located::At(e));
        }
        let name = element.local_name();
        let kind = match (self.open.last(), name.as_ref()) {
            (None, _) if self.seen_root => Open::Other,
            (None, "opml") => {
                self.seen_root = true;
                check_version(element).map_err(Located::At)?;
                Open::Opml
            }
            (None, other) => {
                return Err(Located::Whole(format!(
                    "not an OPML file: the document is <{}>, not <opml>",
                    cut(&clean_field(other), 40)
                )));
            }
            (Some(Open::Opml), "body") => Open::Body,
            (Some(Open::Body | Open::Outline(_)), "outline") => {
                let outline = attributes(element).map_err(Located::At)?;
                if !outline.url.is_empty() {
                    each(FeedOutline {
                        url: outline.url,
                        label: outline.label.clone(),
                        folders: &self.folders,
                        categories: outline.categories,
                    })
                    .map_err(Located::Whole)?;
                }
                let pushed = outline.label.is_some() && !empty;
                self.folders.extend(outline.label.filter(|_| pushed));
                Open::Outline(pushed)
            }
            _ => Open::Other,
        };
        if !empty {
            self.open.push(kind);
        }
        Ok(())
    }

    /// The innermost open element ends.
    fn end(&mut self) {
        if let Some(Open::Outline(true)) = self.open.pop() {
            self.folders.pop();
        }
    }
}

/// The fields of an outline that matter, cleaned.
struct Attributes {
    url: String,
    label: Option<String>,
    categories: Vec<String>,
}

/// Reads an `<outline>`'s `xmlUrl`, `title`, `text` and `category`.
fn attributes(element: &BytesStart<'_>) -> Result<Attributes, String> {
    let (mut url, mut title, mut text, mut category) = (None, None, None, None);
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| format!("not an OPML file: {e}"))?;
        let slot = match attribute.key.local_name().as_ref() {
            "title" => &mut title,
            "text" => &mut text,
            "category" => &mut category,
            key if key.eq_ignore_ascii_case("xmlUrl") => &mut url,
            _ => continue,
        };
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("not an OPML file: {e}"))?;
        *slot = Some(value.into_owned());
    }
    let label = [title, text]
        .into_iter()
        .flatten()
        .map(|l| clean_field(&l))
        .find(|l| !l.is_empty());
    let categories = category.as_deref().map_or_else(Vec::new, |c| {
        (c.split(','))
            .map(|c| clean_field(&decode_category(clean_field(c).trim_matches('/'))))
            .filter(|c| !c.is_empty())
            .collect()
    });
    Ok(Attributes {
        url: url.as_deref().map(clean_field).unwrap_or_default(),
        label,
        categories,
    })
}

/// Refuses an `<opml version>` other than 1.0, 1.1 and 2.0 (a missing one is taken as 2.0).
fn check_version(element: &BytesStart<'_>) -> Result<(), String> {
    let version = element
        .try_get_attribute("version")
        .map_err(|e| format!("not an OPML file: {e}"))?;
    let Some(version) = version else {
        return Ok(());
    };
    let version = clean_field(&version.value);
    if ["1.0", "1.1", "2.0"].contains(&version.as_str()) {
        Ok(())
    } else {
        Err(format!(
            "unsupported OPML version \"{}\" (expected 1.0, 1.1 or 2.0)",
            cut(&version, 20)
        ))
    }
}

/// A category with `%25`, `%2C` and `%2F` (any case) decoded; any other `%` is kept as it is.
fn decode_category(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3).map(str::to_ascii_uppercase);
        let decoded = match code.as_deref() {
            Some("25") => Some('%'),
            Some("2C") => Some(','),
            Some("2F") => Some('/'),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A tag as a category [`read()`] gives back as it is: `%` and `,` escaped, and a `/` at either end.
fn encode_category(tag: &str) -> String {
    let mut out = tag.replace('%', "%25").replace(',', "%2C");
    if out.ends_with('/') {
        out.pop();
        out.push_str("%2F");
    }
    if let Some(rest) = out.strip_prefix('/') {
        out = format!("%2F{rest}");
    }
    out
}

/// OPML 2.0 for `entries`, titled `title`: a folder outline for each first tag, in first-seen
/// order, holding its feeds; feeds without tags at the top level. One element a line, indented.
/// Every value is escaped, and characters XML forbids are left out.
pub fn write(title: &str, entries: &[Entry<'_>]) -> String {
    // Top-level items in order: a feed without tags, or a folder with its feeds.
    let mut items: Vec<(Option<&str>, Vec<&Entry<'_>>)> = Vec::new();
    let mut folder_at: std::collections::HashMap<&str, usize> = Default::default();
    for entry in entries {
        match entry.tags.first() {
            None => items.push((None, vec![entry])),
            Some(folder) => {
                let at = *folder_at.entry(folder).or_insert_with(|| {
                    items.push((Some(folder), Vec::new()));
                    items.len() - 1
                });
                items[at].1.push(entry);
            }
        }
    }
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str("  <head>\n    <title>");
    push_escaped(&mut out, title);
    out.push_str("</title>\n  </head>\n  <body>\n");
    for (folder, feeds) in &items {
        let indent = match folder {
            Some(folder) => {
                out.push_str("    <outline");
                push_attribute(&mut out, "text", folder);
                push_attribute(&mut out, "title", folder);
                out.push_str(">\n");
                "      "
            }
            None => "    ",
        };
        for entry in feeds {
            out.push_str(indent);
            out.push_str("<outline");
            push_attribute(&mut out, "text", entry.label);
            push_attribute(&mut out, "title", entry.label);
            push_attribute(&mut out, "type", "rss");
            push_attribute(&mut out, "xmlUrl", entry.url);
            let categories: Vec<String> = entry.tags[entry.tags.len().min(1)..]
                .iter()
                .map(|t| encode_category(t))
                .collect();
            if !categories.is_empty() {
                push_attribute(&mut out, "category", &categories.join(","));
            }
            out.push_str("/>\n");
        }
        if folder.is_some() {
            out.push_str("    </outline>\n");
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

/// ` name="value"`, the value escaped.
fn push_attribute(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_escaped(out, value);
    out.push('"');
}

/// `text` escaped for an attribute value or element text: markup characters as entities, white
/// space other than a space as character references (so attribute normalisation keeps it), and
/// characters XML forbids left out.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_forbidden(c) => {}
            c => out.push(c),
        }
    }
}

/// `text` cut to `max` characters, with "…" marking the cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if text.chars().count() > max => format!("{}…", &text[..end]),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_encode_and_decode_exactly() {
        for tag in [
            "a,b", "/slash/", "/", "100%", "%2C", "a/b", "x %2F y", ",,", "%",
        ] {
            let encoded = encode_category(tag);
            assert!(!encoded.contains(','), "{encoded}");
            assert!(!encoded.starts_with('/') && !encoded.ends_with('/'));
            assert_eq!(decode_category(&encoded), tag, "via {encoded}");
        }
        // Other readers' categories: only the three escapes are decoded.
        assert_eq!(decode_category("50%off %41 %2c"), "50%off %41 ,");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let depth = 100_000;
        let text = format!(
            "<opml version=\"2.0\"><body>{}<outline xmlUrl=\"https://a.example/\"/>{}</body></opml>",
            "<outline text=\"f\">".repeat(depth),
            "</outline>".repeat(depth)
        );
        let error = read(&text, |_| Ok(())).unwrap_err();
        assert_eq!(error, "outlines nested more than 100 deep (line 1)");
        // Just inside the cap: read, every folder a tag.
        let depth = MAX_DEPTH - 3;
        let text = text
            .replace(
                &"<outline text=\"f\">".repeat(100_000),
                &"<outline text=\"f\">".repeat(depth),
            )
            .replace(&"</outline>".repeat(100_000), &"</outline>".repeat(depth));
        let mut folders = 0;
        read(&text, |feed| {
            folders = feed.folders.len();
            Ok(())
        })
        .unwrap();
        assert_eq!(folders, depth);
    }
}
