//! Link targets: resolving an entry's relative links against its base URL (RFC 3986).

/// Resolves a link against the base URL (RFC 3986, section 5.2), after HTML's clean-up of
/// `href` (outer whitespace and inner tabs and newlines dropped; spaces encoded here). Links with
/// a scheme, any scheme, and links without an absolute base are kept as they are.
pub(super) fn resolve(base: Option<&str>, href: &str) -> String {
    let href = href
        .trim_matches(|c: char| c <= ' ')
        .replace(['\t', '\n', '\r'], "")
        .replace(' ', "%20");
    let (Some(base), None) = (base, scheme(&href)) else {
        return href;
    };
    let Some(scheme) = scheme(base) else {
        return href;
    };
    let after = &base[scheme.len() + 1..];
    let after = after.split('#').next().unwrap_or(after);
    let (authority, rest) = match after.strip_prefix("//") {
        Some(a) => after.split_at(2 + a.find(['/', '?']).unwrap_or(a.len())),
        None => ("", after),
    };
    let path = rest.split('?').next().unwrap_or(rest);
    let (authority, target) = match href.as_bytes() {
        [b'/', b'/', ..] => ("", href),
        [] | [b'#', ..] => (authority, format!("{rest}{href}")),
        [b'?', ..] => (authority, format!("{path}{href}")),
        [b'/', ..] => (authority, href),
        _ if path.is_empty() && !authority.is_empty() => (authority, format!("/{href}")),
        _ => (
            authority,
            format!("{}{href}", &path[..path.rfind('/').map_or(0, |i| i + 1)]),
        ),
    };
    // Dot segments: "." goes, ".." takes the segment before it (RFC 3986, section 5.2.4).
    let (path, tail) = target.split_at(target.find(['?', '#']).unwrap_or(target.len()));
    let segments: Vec<&str> = path.split('/').collect();
    let mut out: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        if !matches!(*segment, "." | "..") {
            out.push(segment);
            continue;
        }
        if *segment == ".." && out.len() > 1 {
            out.pop();
        }
        if i + 1 == segments.len() {
            out.push("");
        }
    }
    format!("{scheme}:{authority}{}{tail}", out.join("/"))
}

/// The scheme of an absolute URL ("https" in "https://…").
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?.is_ascii_alphabetic();
    (first && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_references_resolve_like_rfc_3986() {
        let cases = "g=http://a/b/c/g ./g/=http://a/b/c/g/ /g=http://a/g //g=http://g \
                     ?y=http://a/b/c/d;p?y #s=http://a/b/c/d;p?q#s =http://a/b/c/d;p?q \
                     ../..=http://a/ ../../../g=http://a/g g?y/./x=http://a/b/c/g?y/./x";
        for (href, expected) in cases.split(' ').filter_map(|c| c.split_once('=')) {
            assert_eq!(
                resolve(Some("http://a/b/c/d;p?q#f"), href),
                expected,
                "{href}"
            );
        }
        assert_eq!(
            resolve(Some("https://e.com"), " x\ny z "),
            "https://e.com/xy%20z"
        );
        assert_eq!(resolve(None, "../x"), "../x");
        assert_eq!(resolve(Some("not a url"), "x"), "x");
    }
}
