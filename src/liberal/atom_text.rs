//! Atom text constructs (`title`, `summary`, `content`, …) whose `type` or `mode` feed-rs cannot
//! read, as a liberal parser reads them: the type named as Atom 1.0 names it, and a body in base64
//! (Atom 0.3's `mode="base64"`, or a type that is no text) decoded. feed-rs fails the whole
//! document over one such element; `liberal::rewrite` uses this to give it one it reads.

/// The elements whose `type` says how their text is written.
const TEXT_CONSTRUCTS: &[&str] = &[
    "title",
    "subtitle",
    "tagline",
    "summary",
    "content",
    "rights",
    "copyright",
    "info",
];

/// What becomes of a text construct's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeFix {
    /// Not a text construct, or one feed-rs reads as it is.
    Keep,
    /// This `type` instead (and no `mode`).
    Set(&'static str),
    /// The body is base64, decoded to text of this `type`: the one named, or HTML when the type
    /// is no text (`application/octet-stream`: feedparser keeps its markup too).
    Base64(&'static str),
}

/// How to read the element `local` with these `type`, `mode` and `src` attributes. `content`
/// keeps a media type feed-rs reads (`text/…`, `…+xml`, `…/xml`) and anything with `src`; other
/// constructs only take `text`, `html` and `xhtml`.
pub(crate) fn type_fix(local: &str, kind: Option<&str>, mode: Option<&str>, src: bool) -> TypeFix {
    if !TEXT_CONSTRUCTS.contains(&local) || src {
        return TypeFix::Keep;
    }
    let kind = kind.map(|k| k.trim().to_ascii_lowercase());
    let mode = mode.map(|m| m.trim().to_ascii_lowercase());
    let base64 = mode.as_deref() == Some("base64");
    let named = match kind.as_deref() {
        // Atom 0.3's default type is text/plain.
        None if base64 => "text",
        None => return TypeFix::Keep,
        Some("text" | "plain" | "text/plain" | "") => "text",
        Some("html" | "text/html") => "html",
        Some("xhtml" | "application/xhtml+xml") => "xhtml",
        Some(k) if local == "content" && (k.ends_with("+xml") || k.ends_with("/xml")) => {
            return TypeFix::Keep
        }
        Some(k) if k.ends_with("+xml") || k.ends_with("/xml") => "xhtml",
        Some(k) if k.starts_with("text/") => "text",
        // A picture, a PDF, `application/octet-stream`: Atom says such content is base64.
        Some(_) => return TypeFix::Base64("html"),
    };
    if base64 {
        return TypeFix::Base64(named);
    }
    match kind.as_deref() == Some(named) {
        true => TypeFix::Keep,
        false => TypeFix::Set(named),
    }
}

/// True when a text construct's start tag in `bytes` has a `mode` or a `type` that
/// [`type_fix`] would change: the document then needs `liberal::rewrite` (feed-rs reads some
/// such types without failing, and shows base64 as it is).
pub(crate) fn has_odd_types(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    TEXT_CONSTRUCTS.iter().any(|local| {
        text.match_indices(&format!("<{local} ")).any(|(at, _)| {
            let tag = &text[at..];
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let value = |key: &str| {
                let rest = &tag[tag.find(&format!(" {key}="))? + key.len() + 2..];
                let quote = rest.chars().next()?;
                rest[quote.len_utf8()..].split(quote).next()
            };
            let src = value("src").is_some();
            type_fix(local, value("type"), value("mode"), src) != TypeFix::Keep
        })
    })
}

/// Decodes base64 (standard or URL-safe alphabet, whitespace ignored, padding optional) that is
/// text: UTF-8 without control characters. None when it is not base64, or not text (a picture).
pub(crate) fn decode_base64(text: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut count = 0u32;
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for b in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = bits << 6 | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    let text = String::from_utf8(out).ok()?;
    let control = |c: char| c.is_control() && !c.is_whitespace();
    (!text.contains(control)).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_named_as_atom_1_names_them() {
        assert_eq!(
            type_fix("title", Some("text/plain"), None, false),
            TypeFix::Set("text")
        );
        assert_eq!(
            type_fix("title", Some(""), None, false),
            TypeFix::Set("text")
        );
        assert_eq!(type_fix("title", Some("html"), None, false), TypeFix::Keep);
        let xhtml = type_fix("title", Some("application/xhtml+xml"), Some("xml"), false);
        assert_eq!(xhtml, TypeFix::Set("xhtml"));
        let escaped = type_fix("summary", Some("text/html"), Some("escaped"), false);
        assert_eq!(escaped, TypeFix::Set("html"));
        let png = type_fix("content", Some("image/png"), None, false);
        assert_eq!(png, TypeFix::Base64("html"));
        let plain = type_fix("title", None, Some("base64"), false);
        assert_eq!(plain, TypeFix::Base64("text"));
        assert_eq!(
            type_fix("content", Some("image/png"), None, true),
            TypeFix::Keep
        );
        assert_eq!(
            type_fix("content", Some("text/xml"), None, false),
            TypeFix::Keep
        );
        assert_eq!(
            type_fix("link", Some("text/html"), None, false),
            TypeFix::Keep
        );
    }

    #[test]
    fn odd_types_are_found_in_text_constructs_only() {
        assert!(has_odd_types(
            b"<entry><content type='image/png'>iVBO</content>"
        ));
        assert!(has_odd_types(b"<title mode=\"base64\">SGk=</title>"));
        assert!(!has_odd_types(
            b"<title type=\"html\">Hi</title><link type=\"a/b\"/>"
        ));
    }

    #[test]
    fn base64_decodes_with_or_without_padding_and_whitespace() {
        assert_eq!(decode_base64(" SGVs\nbG8= ").as_deref(), Some("Hello"));
        assert_eq!(decode_base64("SGVsbG8").as_deref(), Some("Hello"));
        assert_eq!(decode_base64("not base64!"), None);
        // A PNG's header: not text.
        assert_eq!(decode_base64("iVBORw0KGgo="), None);
    }
}
