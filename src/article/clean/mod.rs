//! Removing a page's chrome before extraction, by signals that hold on any site: landmark
//! elements (navigation, footers, asides, forms, dialogs) and class or id words that name
//! boilerplate (cookie banners, newsletters, sharing, related and trending lists, ads, comments).
//!
//! Readability.js, which dom_smoothie follows, scores candidates and keeps a sibling block when
//! it looks like text; measured on the corpus it keeps about 7 % chrome (precision 0.93, recall
//! 0.99): author boxes, "more from this section" lists with teasers, cookie dialogs, newsletter
//! sign-ups. Taking those out first raises precision without costing recall (see the commit and
//! `bench/article_f1.py`). On pages whose class names say nothing, [`keep_main_text`] does the
//! same from where the `<p>` elements are.

mod core;

use dom_query::{Document, NodeRef};

/// Elements that are never the article's text.
const LANDMARKS: &str = "nav, footer, aside, form, button, dialog, [role=dialog], [role=navigation], \
                         [role=banner], [role=contentinfo], [role=complementary], [hidden], [aria-hidden=true]";

/// Words of a class or id (split at spaces, `-` and `_`) that name boilerplate.
const WORDS: &[&str] = &[
    "ad",
    "ads",
    "advert",
    "advertisement",
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "catlinks",
    "comment",
    "comments",
    "consent",
    "continue",
    "cookie",
    "cookies",
    "editsection",
    "feedback",
    "gdpr",
    "masthead",
    "menu",
    "modal",
    "navbox",
    "navigation",
    "newsletter",
    "popular",
    "popup",
    "promo",
    "related",
    "respond",
    "share",
    "sharing",
    "sidebar",
    "slideshow",
    "signup",
    "skipnav",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "subscription",
    "toc",
    "trending",
    "widget",
];

/// Pairs of adjacent words that name boilerplate where each word alone does not.
const PAIRS: &[(&str, &str)] = &[
    ("author", "bio"),
    ("author", "info"),
    ("about", "author"),
    ("more", "from"),
    ("more", "stories"),
    ("most", "read"),
    ("read", "more"),
    ("you", "might"),
    ("post", "navigation"),
    ("site", "header"),
    ("site", "footer"),
    ("entry", "footer"),
];

/// An element holding more than this share of the page's text is never removed: a layout that
/// calls its main column "content-with-sidebar" keeps its article.
const MAX_SHARE: f64 = 0.4;

/// Elements that say who wrote the article or when: shown above the text, not in it.
const BYLINES: &str = "[rel=author], [itemprop=author], [class*=byline], [class*=dateline], \
                       [class*=author-name], [class*=article-meta], [class*=entry-meta], \
                       [class*=post-meta]";
/// A byline longer than this is a paragraph that mentions an author, not a byline.
const MAX_BYLINE_CHARS: usize = 120;

/// Removes the page's chrome (see the module's comment) from `doc`, in place, and returns the
/// first byline it took out ("By Ada Reporter" gives "Ada Reporter"), for pages whose metadata
/// names no author.
pub(super) fn strip_chrome(doc: &Document) -> Option<String> {
    let mut byline = None;
    for node in doc.select(BYLINES).nodes() {
        let text = node.text();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() <= MAX_BYLINE_CHARS {
            let name = text
                .strip_prefix("By ")
                .or(text.strip_prefix("by "))
                .unwrap_or(&text);
            byline = byline.or_else(|| (!name.is_empty()).then(|| name.to_string()));
            node.remove_from_parent();
        }
    }
    remove_chrome(doc);
    byline
}

fn remove_chrome(doc: &Document) {
    let total = doc.select("body").text().chars().count().max(1) as f64;
    let big = |node: &NodeRef| node.text().chars().count() as f64 > MAX_SHARE * total;
    // The text's own container and its ancestors stay whatever their names say: Blogger wraps
    // every post in "widget Blog", and ad-funded sites call the column "advert-content-wrap".
    let keep = core::text_core(doc).map(|core| core::line_of(doc, core));
    let kept = |node: &NodeRef| keep.as_ref().is_some_and(|line| line.contains(&node.id));
    for node in doc.select(LANDMARKS).nodes() {
        if !big(node) && !kept(node) {
            node.remove_from_parent();
        }
    }
    for node in doc.select("[class], [id]").nodes() {
        if is_boilerplate(node) && !big(node) && !is_structure(node) && !kept(node) {
            node.remove_from_parent();
        }
    }
}

/// The share of the page's paragraph text one element must hold as its own paragraphs for the
/// rest of the page to be dropped ([`keep_main_text`]).
const MAIN_SHARE: f64 = 0.8;

/// Keeps only the element that holds most of the page's `<p>` text as its own children, with its
/// ancestors, when it holds at least [`MAIN_SHARE`] of it: the article body, on a page whose
/// class names say nothing (CSS modules, utility classes). Readability turns `<div>`s of text
/// into paragraphs, so comments and cookie notices in bare `<div>`s score like the article and
/// pull its choice up to a common ancestor; real `<p>` elements are the stronger signal.
/// Pages whose paragraphs are spread over several containers are left as they are.
pub(super) fn keep_main_text(doc: &Document) {
    let mut credit: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    let mut total = 0;
    for p in doc.select("body p").nodes() {
        let length = p.text().chars().filter(|c| !c.is_whitespace()).count();
        total += length;
        if let Some(parent) = p.parent() {
            *credit.entry(parent.id).or_default() += length;
        }
    }
    let Some((&main, &most)) = credit.iter().max_by_key(|(_, n)| **n) else {
        return;
    };
    if total == 0 || (most as f64) < MAIN_SHARE * total as f64 {
        return;
    }
    // The paragraphs must be where the text is: on a page whose article is text between `<br>`s
    // (no `<p>` at all), the `<p>`s are the footer's.
    if let Some(core) = core::text_core(doc) {
        let related =
            core::line_of(doc, core).contains(&main) || core::line_of(doc, main).contains(&core);
        if !related {
            return;
        }
    }
    let mut node = NodeRef::new(main, &doc.tree);
    while !matches!(&*node.node_name().unwrap_or_default(), "body" | "html") {
        let Some(parent) = node.parent() else { break };
        for sibling in parent.element_children() {
            if sibling.id != node.id {
                sibling.remove_from_parent();
            }
        }
        node = parent;
    }
}

/// The document's own structure, never removed whatever its class.
fn is_structure(node: &NodeRef) -> bool {
    let name = node.node_name().unwrap_or_default();
    matches!(&*name, "html" | "body" | "main" | "article")
}

fn is_boilerplate(node: &NodeRef) -> bool {
    let mut names = String::new();
    for attr in ["class", "id"] {
        if let Some(value) = node.attr(attr) {
            names.push(' ');
            names.push_str(&value.to_ascii_lowercase());
        }
    }
    let words: Vec<&str> = names
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| WORDS.contains(w))
        || words.windows(2).any(|p| PAIRS.contains(&(p[0], p[1])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_goes_and_the_article_stays() {
        let html = "<body><nav>Home World</nav><div class=\"cookie-banner\">We use cookies</div>\
                    <div class=\"layout content-with-sidebar\"><article class=\"story\"><div class=\"byline\">By Ada Reporter</div><p>The text, \
                    long enough to be most of the page, goes on and on and on.</p>\
                    <div class=\"ad-slot\">Advertisement</div><p>More of it.</p></article>\
                    <div class=\"author-info\">About the author</div><div id=\"comments\">First!</div>\
                    <div class=\"shadow\">Not boilerplate: shadow is no word of ours</div></div></body>";
        let doc = Document::from(html);
        assert_eq!(strip_chrome(&doc).as_deref(), Some("Ada Reporter"));
        let text = doc.select("body").text();
        assert!(
            text.contains("The text") && text.contains("More of it.") && text.contains("shadow")
        );
        for gone in [
            "Ada",
            "Home",
            "cookies",
            "Advertisement",
            "About the author",
            "First!",
        ] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
    }

    #[test]
    fn the_container_of_most_paragraphs_is_kept_alone() {
        let article = "<p>The article's text, a paragraph long enough to count.</p>".repeat(8);
        let page = format!(
            "<body><div class=\"x1\"><div class=\"x2\">Menu Home</div><div class=\"x3\">\
             <div class=\"x4\">{article}</div><div class=\"x5\">A comment, no p.</div></div>\
             <div class=\"x6\"><p>Cookies.</p></div></div></body>"
        );
        let doc = Document::from(page.as_str());
        keep_main_text(&doc);
        let text = doc.select("body").text();
        assert!(text.contains("The article's text"));
        for gone in ["Menu", "A comment", "Cookies"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
        // Paragraphs spread over two containers: nothing is dropped.
        let half = "<p>The article's text, a paragraph long enough to count.</p>".repeat(4);
        let page = format!("<body><div>{half}</div><div>{half}</div><div>Aside</div></body>");
        let doc = Document::from(page.as_str());
        keep_main_text(&doc);
        assert!(doc.select("body").text().contains("Aside"));
    }

    #[test]
    fn the_articles_wrappers_stay_whatever_their_names() {
        let lines =
            "<div><span>A line of the post, in a span in a div of its own.</span></div>".repeat(10);
        let html = format!(
            "<body><div class=\"widget Blog\"><div class=\"container advert-content-wrap\">\
             <div class=post-body>{lines}</div></div></div><div class=\"widget Sidebar\">{}</div>\
             <script>{}</script></body>",
            "Popular posts and other things to read. ".repeat(4),
            // Pages carry more script than text: the article's share of all of it is small.
            "var tracking = 1;".repeat(200)
        );
        let doc = Document::from(html.as_str());
        strip_chrome(&doc);
        let text = doc.select("body").text();
        assert!(text.contains("A line of the post"), "{text}");
        assert!(!text.contains("Popular posts"));
    }

    #[test]
    fn paragraphs_away_from_the_text_do_not_take_the_page() {
        let text = "A line of the article, written between breaks.<br>".repeat(12);
        let html = format!(
            "<body><div id=story>{text}</div><div id=foot><p>Reader comments are the readers' own.</p>\
             <p>Icons by someone.</p></div></body>"
        );
        let doc = Document::from(html.as_str());
        keep_main_text(&doc);
        assert!(doc.select("body").text().contains("written between breaks"));
    }
}
