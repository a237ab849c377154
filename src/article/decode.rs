//! A page's bytes to text: the encoding from the BOM, the HTTP header or the page's own `<meta>`.

use encoding_rs::{Encoding, UTF_8};

/// How far into the page a `<meta charset>` is looked for (HTML's prescan reads 1024 bytes;
/// pages with long heads put it later, so a little more).
const PRESCAN_BYTES: usize = 4096;

/// Decodes a page: a byte order mark wins, then the `charset` of the HTTP `Content-Type`
/// (`content_type`), then a `<meta charset>` or `<meta http-equiv>` near the start, else UTF-8.
/// Malformed sequences become U+FFFD; nothing fails.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let declared = content_type
        .and_then(charset_in)
        .or_else(|| meta_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]))
        .unwrap_or(UTF_8);
    // `decode` sniffs the BOM first and removes it.
    let (text, _, _) = declared.decode(bytes);
    text.into_owned()
}

/// The encoding named by `charset=` in a header or `content` attribute.
fn charset_in(text: &str) -> Option<&'static Encoding> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("charset")? + "charset".len();
    let rest = lower[at..].trim_start().strip_prefix('=')?.trim_start();
    let name: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    label(&name)
}

/// The charset of a `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(head);
    let lower = head.to_ascii_lowercase();
    lower
        .match_indices("<meta")
        .filter_map(|(at, _)| {
            let tag = &lower[at..];
            charset_in(&tag[..tag.find('>').unwrap_or(tag.len())])
        })
        .next()
}

/// An encoding label as the WHATWG Encoding Standard reads it; a page that says UTF-16 in its
/// own bytes is ASCII-compatible, so it cannot be (HTML treats that as UTF-8).
fn label(name: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(name.as_bytes())?;
    Some(if encoding.is_ascii_compatible() {
        encoding
    } else {
        UTF_8
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bom_then_the_header_then_the_page_decide() {
        let latin = b"<meta charset=\"iso-8859-1\"><p>caf\xe9</p>";
        assert!(decode(latin, None).ends_with("café</p>"));
        assert!(decode(latin, Some("text/html; charset=windows-1252")).ends_with("café</p>"));
        let equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">\xc1";
        assert!(decode(equiv, None).ends_with('а')); // Cyrillic
        let bom = b"\xef\xbb\xbf<meta charset=\"iso-8859-1\">\xc3\xa9";
        assert_eq!(decode(bom, None), "<meta charset=\"iso-8859-1\">é");
        assert_eq!(decode(b"<p>\xff</p>", None), "<p>\u{fffd}</p>");
        assert_eq!(
            decode(b"<meta charset=utf-16>x", None),
            "<meta charset=utf-16>x"
        );
    }
}
