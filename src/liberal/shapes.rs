//! Shapes of feed feed-rs does not read, rewritten as RSS 2.0 on the way through
//! [`super::rewrite`]: RSS 1.0 and 0.90 (RDF, whose items feed-rs drops when they have no link,
//! and whose 0.90 namespace it does not know), Microsoft's CDF (`<CHANNEL>`, `<ITEM HREF>`), and
//! `<rss>` whose items are not in a `<channel>` (feed-rs finds no feed there).

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;

use super::find;

/// RSS 1.0's namespace: feed-rs reads RSS 2.0's elements in it as in none.
pub(super) const RSS_10: &str = "http://purl.org/rss/1.0/";
/// RSS 0.90's namespace, which feed-rs does not know: read as RSS 1.0's.
pub(super) const RSS_090: &str = "http://my.netscape.com/rdf/simple/0.9/";

/// The shape of the feed, told by its root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// `<rss>`: only a missing `<channel>` is added.
    Rss,
    /// `<rdf:RDF>`: the root becomes `<rss>`, its `<channel>` tags go (their children stay) and
    /// every item is in one `<channel>`.
    Rdf,
    /// CDF's `<CHANNEL>`: `<rss><channel>`, its elements renamed (see [`cdf_name`]).
    Cdf,
}

/// True when the document may have a shape [`Shaper`] rewrites.
pub(super) fn needs_shaping(bytes: &[u8]) -> bool {
    find(bytes, RSS_090.as_bytes()).is_some()
        || find(bytes, b"<rdf:RDF").is_some()
        || find(bytes, b"<CHANNEL").is_some()
        || find(bytes, b"<rss").is_some() && find(bytes, b"<channel").is_none()
}

/// CDF's element names as RSS 2.0's.
pub(super) fn cdf_name(name: &str) -> Option<&'static str> {
    match name {
        "ITEM" => Some("item"),
        "TITLE" => Some("title"),
        "ABSTRACT" => Some("description"),
        _ => None,
    }
}

/// What becomes of a start tag.
pub(super) enum Step {
    /// Written by the shaper (or dropped): the rewrite writes nothing.
    Done,
    /// Rewritten and written by the rewrite as usual.
    Go,
}

/// The rewrite's state for the shape: where a `<channel>` is missing.
#[derive(Default)]
pub(super) struct Shaper {
    pub(super) shape: Option<Shape>,
    /// The root was read and no element in it yet: the next one decides about `<channel>`.
    awaiting_channel: bool,
    /// A `<channel>` the shaper opened, to close before `</rss>`.
    wrapped: bool,
}

impl Shaper {
    /// Before the rewrite handles `start` (`depth` elements open): the root of an RDF or CDF
    /// feed written as `<rss>`, a missing `<channel>` opened, an RDF `<channel>` tag dropped
    /// (`skipped` is then true for a start tag: its end goes too).
    pub(super) fn start(
        &mut self,
        start: &BytesStart<'_>,
        depth: usize,
        writer: &mut Writer<Vec<u8>>,
        skipped: &mut bool,
    ) -> Option<Step> {
        let name = start.name();
        let local = start.local_name();
        if depth == 0 {
            self.shape = match (name.as_ref(), local.as_ref()) {
                (_, "rss") => Some(Shape::Rss),
                (_, "RDF") => Some(Shape::Rdf),
                ("CHANNEL", _) => Some(Shape::Cdf),
                _ => None,
            };
            self.awaiting_channel = self.shape.is_some();
            if matches!(self.shape, Some(Shape::Rdf | Shape::Cdf)) {
                // The namespace declarations stay (items use them); the version is RSS 2.0's.
                let declarations: Vec<(String, String)> = start
                    .attributes()
                    .flatten()
                    .filter(|a| a.key.as_ref().starts_with("xmlns"))
                    .map(|a| {
                        let value = a.value.replace(RSS_090, RSS_10);
                        (a.key.as_ref().to_string(), value)
                    })
                    .collect();
                let mut rss = BytesStart::new("rss").with_attributes([("version", "2.0")]);
                // Values go back as they were written (escaped), as in `rewrite_tag`.
                rss.extend_attributes(declarations.iter().map(|(k, v)| Attribute {
                    key: QName(k),
                    value: Cow::Borrowed(v.as_str()),
                }));
                writer.write_event(Event::Start(rss)).ok()?;
                return Some(Step::Done);
            }
            return Some(Step::Go);
        }
        if !std::mem::take(&mut self.awaiting_channel) || depth != 1 {
            return Some(Step::Go);
        }
        let channel = local.as_ref() == "channel";
        if channel && self.shape == Some(Shape::Rss) {
            return Some(Step::Go);
        }
        writer
            .write_event(Event::Start(BytesStart::new("channel")))
            .ok()?;
        self.wrapped = true;
        *skipped = channel;
        Some(if channel { Step::Done } else { Step::Go })
    }

    /// Before the root's end tag: the `<channel>` the shaper opened (or an empty one, which
    /// feed-rs needs to call it a feed) closed.
    pub(super) fn end_root(&mut self, writer: &mut Writer<Vec<u8>>) -> Option<()> {
        if std::mem::take(&mut self.awaiting_channel) {
            writer
                .write_event(Event::Empty(BytesStart::new("channel")))
                .ok()?;
        }
        if std::mem::take(&mut self.wrapped) {
            writer
                .write_event(Event::End(BytesEnd::new("channel")))
                .ok()?;
        }
        Some(())
    }

    /// After an `<ITEM HREF>` of CDF is written as `<item>`: its link.
    pub(super) fn cdf_link(
        &self,
        href: Option<String>,
        writer: &mut Writer<Vec<u8>>,
    ) -> Option<()> {
        let Some(href) = href.filter(|_| self.shape == Some(Shape::Cdf)) else {
            return Some(());
        };
        writer
            .write_event(Event::Start(BytesStart::new("link")))
            .ok()?;
        writer
            .write_event(Event::Text(BytesText::new(&href)))
            .ok()?;
        writer.write_event(Event::End(BytesEnd::new("link"))).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{rewrite, Rewrite};

    fn shaped(xml: &str) -> String {
        let out = rewrite(xml.as_bytes(), Rewrite { drop_bad: false }).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rdf_becomes_rss_with_its_items_in_one_channel() {
        let xml = "<rdf:RDF xmlns:rdf=\"r\" xmlns=\"http://my.netscape.com/rdf/simple/0.9/\">\
                   <channel><title>T</title></channel><item><title>A</title></item></rdf:RDF>";
        assert_eq!(
            shaped(xml),
            "<rss version=\"2.0\" xmlns:rdf=\"r\" xmlns=\"http://purl.org/rss/1.0/\"><channel>\
             <title>T</title><item><title>A</title></item></channel></rss>"
        );
    }

    #[test]
    fn cdf_becomes_rss_and_an_item_href_its_link() {
        let xml =
            "<CHANNEL><TITLE>T</TITLE><ITEM HREF=\"/a\"><ABSTRACT>B</ABSTRACT></ITEM></CHANNEL>";
        assert_eq!(
            shaped(xml),
            "<rss version=\"2.0\"><channel><title>T</title><item HREF=\"/a\"><link>/a</link>\
             <description>B</description></item></channel></rss>"
        );
    }

    #[test]
    fn rss_gets_the_channel_it_lacks() {
        assert_eq!(
            shaped("<rss><item><title>A</title></item></rss>"),
            "<rss version=\"2.0\"><channel><item><title>A</title></item></channel></rss>"
        );
        assert_eq!(
            shaped("<rss version=\"2.0\"></rss>"),
            "<rss version=\"2.0\"><channel/></rss>"
        );
        let whole = "<rss version=\"2.0\"><channel><item/></channel></rss>";
        assert_eq!(shaped(whole), whole);
    }
}
