//! Where a page's text is: the element that holds most of the readable text as its own blocks,
//! found from the text itself rather than from class names or `<p>` tags.

use std::collections::{HashMap, HashSet};

use dom_query::{Document, NodeId, NodeRef};

/// Elements whose text is never the article's: code, hidden templates, controls, and links (a
/// menu is all links; a paragraph's own links are a small part of it).
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "a", "button", "select", "option", "nav",
    "head", "title",
];

/// Elements that start a block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "td",
    "th",
    "li",
    "dd",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "table",
    "ul",
    "ol",
    "body",
];

/// The element holding the most text as its own blocks: each run of text counts for its nearest
/// block; a block with no blocks or line breaks inside it (a paragraph, or a `<div>` used as one)
/// counts for its parent, so the container of the article's paragraphs wins over any single
/// paragraph, and a `<div>` of text between `<br>`s counts for itself. `None` on a page with no text.
pub(crate) fn text_core(doc: &Document) -> Option<NodeId> {
    let body = *doc.select("body").nodes().first()?;
    let mut own: HashMap<NodeId, usize> = HashMap::new();
    // Blocks that hold other blocks, or lines broken with `<br>`: several paragraphs' container.
    let mut holds_blocks: HashSet<NodeId> = HashSet::new();
    let mut stack = vec![(body, body.id)];
    while let Some((node, block)) = stack.pop() {
        if node.is_text() {
            let letters = node.text().chars().filter(|c| !c.is_whitespace()).count();
            *own.entry(block).or_default() += letters;
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let name = node.node_name().unwrap_or_default();
        if SKIPPED.contains(&&*name) {
            continue;
        }
        if &*name == "br" {
            holds_blocks.insert(block);
        }
        let block = if BLOCKS.contains(&&*name) && node.id != body.id {
            holds_blocks.insert(block);
            node.id
        } else {
            block
        };
        for child in node.children() {
            stack.push((child, block));
        }
    }
    let mut credit: HashMap<NodeId, usize> = HashMap::new();
    for (id, letters) in own {
        let node = NodeRef::new(id, &doc.tree);
        let owner = match holds_blocks.contains(&id) {
            true => id,
            false => node.parent().map_or(id, |parent| parent.id),
        };
        *credit.entry(owner).or_default() += letters;
    }
    credit
        .into_iter()
        .filter(|&(_, letters)| letters > 0)
        .max_by_key(|&(id, letters)| (letters, std::cmp::Reverse(id)))
        .map(|(id, _)| id)
}

/// `id` and every element above it.
pub(crate) fn line_of(doc: &Document, id: NodeId) -> HashSet<NodeId> {
    let mut line = HashSet::from([id]);
    let mut node = NodeRef::new(id, &doc.tree);
    while let Some(parent) = node.parent() {
        line.insert(parent.id);
        node = parent;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core_text(html: &str) -> String {
        let doc = Document::from(html);
        let core = text_core(&doc).expect("a core");
        NodeRef::new(core, &doc.tree)
            .attr("id")
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn the_container_of_the_paragraphs_is_the_core() {
        let p = "<p>A paragraph of the article, long enough to be the article.</p>".repeat(6);
        let html = format!(
            "<body><div id=menu><a href=/>Home</a><a href=/w>World news and more</a></div>\
             <div id=story>{p}</div><div id=foot><p>Contact us.</p></div></body>"
        );
        assert_eq!(core_text(&html), "story");
    }

    #[test]
    fn text_between_line_breaks_outweighs_a_footers_paragraphs() {
        let text = "A line of the article, written between breaks.<br>".repeat(12);
        let html = format!(
            "<body><div id=story>{text}<div class=pic><img src=a.jpg></div></div>\
             <div id=foot><p>Reader comments are the readers' own.</p><p>Icons by someone.</p></div></body>"
        );
        assert_eq!(core_text(&html), "story");
    }

    #[test]
    fn divs_used_as_paragraphs_count_for_their_container() {
        let lines =
            "<div><span><span>A line of the post, in spans in a div.</span></span></div>".repeat(8);
        let html = format!(
            "<body><div class=\"widget Blog\"><div id=post>{lines}</div></div>\
             <div id=side>A sidebar with one long line of its own text, but only one.</div></body>"
        );
        assert_eq!(core_text(&html), "post");
    }

    #[test]
    fn links_and_scripts_are_not_text() {
        let menu = "<li><a href=/x>A long menu entry that is only a link</a></li>".repeat(20);
        let html = format!(
            "<body><ul id=menu>{menu}</ul><script>var x = 'a long script, much longer than the text';</script>\
             <div id=story><p>The short article.</p><p>It is all there is.</p></div></body>"
        );
        assert_eq!(core_text(&html), "story");
    }
}
