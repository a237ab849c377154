//! Reading real feeds liberally, before and around feed-rs: decoding any encoding to UTF-8 (byte-
//! order mark, XML declaration, HTTP charset, then detection with chardetng), telling a web page
//! from a feed, and rewriting what feed-rs refuses or ignores (Atom 0.3, `<rss>` without a
//! version, `dc:title`, a bare `&`, one `content` or `summary` feed-rs cannot read) into what it
//! reads.

use std::borrow::Cow;

use encoding_rs::Encoding;

mod atom_text;
mod rewrite;
mod shapes;

pub use rewrite::{needs_rewrite, rewrite, Rewrite};

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
    if let Some((text, note)) = not_for_encoding_rs(bytes) {
        return reencoded(text, note);
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

/// Text in an encoding encoding_rs does not decode (the Web never uses them), told by its first
/// bytes: UTF-32 with a byte-order mark, XML in EBCDIC.
fn not_for_encoding_rs(bytes: &[u8]) -> Option<(Cow<'static, str>, &'static str)> {
    if let Some(text) = utf32(bytes) {
        return Some((text, "decoded as UTF-32"));
    }
    let ebcdic = crate::ebcdic::is_ebcdic_xml(bytes);
    ebcdic.then(|| {
        (
            Cow::Owned(crate::ebcdic::decode(bytes)),
            "decoded as EBCDIC",
        )
    })
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

/// Where `needle` ends in `haystack`. memchr's search: a feed of 2.5 MB is scanned four times a
/// fetch, and comparing windows byte by byte was a tenth of `--list`'s CPU at 100,000 stories.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle).map(|at| at + needle.len())
}

/// An entry's document repaired after feed-rs refused it: bytes that are not UTF-8 replaced,
/// bare ampersands escaped, unreadable Atom content dropped. None when nothing could be done.
pub fn repaired(document: &[u8]) -> Option<Vec<u8>> {
    let mut text = String::from_utf8_lossy(document);
    // `&#X41;`: HTML reads a capital X in a hexadecimal reference, XML does not.
    if text.contains("&#X") {
        text = Cow::Owned(text.replace("&#X", "&#x"));
    }
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

    #[test]
    fn a_capital_x_in_a_hexadecimal_reference_is_repaired() {
        let fixed = repaired(b"<rss version=\"2.0\"><channel><item><title>&#X41;</title>").unwrap();
        assert!(String::from_utf8(fixed).unwrap().contains("&#x41;"));
    }
}
