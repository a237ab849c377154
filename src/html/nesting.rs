//! Flattening nesting too deep for the HTML parser, before it sees the document.

/// Elements that never hold others open: void elements, and those whose end tag is optional.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
    "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rp",
];

/// Drops the tags of elements nested deeper than `max` (`super::MAX_NESTING` for entries), keeping their content (`None`:
/// nothing to drop).
///
/// html5ever scans its stack of open elements for many start tags, so parsing deep nesting is
/// quadratic (20k nested divs: 2 s) before html2text even starts; this linear, rough tracking of
/// open elements keeps that stack short. Void elements and those whose end tag is optional (`p`,
/// `li`, `td`…) are not tracked: the parser closes them itself. As in the parser, an end tag
/// closes the innermost open element of its name and is otherwise ignored.
pub(super) fn flatten_deep_nesting(html: &str, max: usize) -> Option<String> {
    let lower = html.to_ascii_lowercase(); // same byte offsets as `html`
    let b = lower.as_bytes();
    let (mut open, mut dropped, mut out, mut copied, mut i) = (Vec::new(), 0, String::new(), 0, 0);
    while let Some(found) = lower[i..].find('<') {
        let start = i + found;
        i = start + 1;
        if lower[start..].starts_with("<!--") {
            i = lower[start..]
                .find("-->")
                .map_or(lower.len(), |e| start + e + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let name_at = i + usize::from(closing);
        let name_len = b[name_at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || b[name_at].is_ascii_digit() {
            continue;
        }
        let name = &lower[name_at..name_at + name_len];
        i = lower[name_at..]
            .find('>')
            .map_or(lower.len(), |e| name_at + e + 1);
        // `<x/>` closes itself only in SVG and MathML; `<div/>` opens a div.
        let foreign = open.iter().any(|n| *n == "svg" || *n == "math");
        if NOT_NESTING.contains(&name) || (foreign && lower[..i].ends_with("/>")) {
            continue;
        }
        let drop = match (closing, open.len() >= max) {
            (false, true) => {
                dropped += 1;
                true
            }
            (false, false) => {
                open.push(name);
                if name == "script" || name == "style" {
                    i = lower[i..]
                        .find(&format!("</{name}"))
                        .map_or(lower.len(), |e| i + e);
                }
                false
            }
            (true, _) if dropped > 0 => {
                dropped -= 1;
                true
            }
            (true, _) => {
                open.truncate(open.iter().rposition(|n| *n == name).unwrap_or(open.len()));
                false
            }
        };
        if drop {
            out.push_str(&html[copied..start]);
            copied = i;
        }
    }
    (copied > 0).then(|| out + &html[copied..])
}
