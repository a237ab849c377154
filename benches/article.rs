//! Reader mode's extraction cost: `article::extract` (chrome removal, dom_smoothie, HTML to
//! text) on a typical news page of about 200 KB and on a 2 MB page.
//!
//! The pages are built here from a page of the quality corpus (tests/fixtures/articles): its
//! article, made longer, inside the weight real news pages carry (an inline JSON state blob and
//! stylesheet, a mega menu, cards of related stories, comments). `cargo bench --bench article`
//! runs it; CI's quick mode (`GAZETTE_BENCH_STORIES=2000 cargo test --bench '*'`) runs each once.
//! The page sizes are the targets (100-300 KB under 10 ms, 2 MB under 100 ms) and do not
//! follow `GAZETTE_BENCH_STORIES`: quick mode checks they still extract, which is all it asks.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use gazette::article::extract;

const TEMPLATE: &str = include_str!("../tests/fixtures/articles/infamy-magazine.html");
const URL: &str = "https://news.example.org/2026/long-read";

/// The template page grown to about `bytes`: `article_share` of the growth is more article text
/// (its paragraphs again), the rest chrome and inline script.
fn page(bytes: usize, article_share: f64) -> String {
    let start = TEMPLATE
        .find("<div itemprop=\"articleBody\"")
        .expect("the article body");
    let end = start + TEMPLATE[start..].find("</div></article>").expect("its end");
    let body = &TEMPLATE[start..end];
    let paragraphs: String = body
        .split("<p>")
        .skip(1)
        .map(|p| format!("<p>{p}"))
        .collect();
    let grow = bytes.saturating_sub(TEMPLATE.len()) as f64;
    let text = paragraphs.repeat(((grow * article_share) as usize / paragraphs.len()).max(1));
    let card = "<div class=\"card\"><a href=\"/story/1\"><img src=\"/t.jpg\" alt=\"\"><h3>Council \
                approves the budget after a long night</h3></a><p>What it means for you.</p></div>";
    let chrome_bytes = (grow * (1.0 - article_share)) as usize / 2;
    let cards = card.repeat(chrome_bytes / card.len());
    let state = format!(
        "<script id=\"__STATE__\" type=\"application/json\">{{\"items\":[{}]}}</script>",
        "{\"id\":12345,\"headline\":\"A headline for the state blob\",\"url\":\"/a/b/c\"},"
            .repeat(chrome_bytes / 80)
    );
    let grown = TEMPLATE.replacen(body, &format!("{body}{text}"), 1);
    grown.replacen(
        "<section class=\"more-stories\">",
        &format!(
            "{state}<section class=\"more-stories\"><div class=\"related-grid\">{cards}</div>"
        ),
        1,
    )
}

fn benches(c: &mut Criterion) {
    for (label, bytes, share) in [
        ("typical 200 KB news page", 200_000, 0.1),
        ("2 MB page", 2_000_000, 0.3),
    ] {
        let html = page(bytes, share);
        let words = extract(&html, URL).expect("the page extracts").words;
        eprintln!("{label}: {} bytes, {words} words extracted", html.len());
        c.bench_function(&format!("article/extract: {label}"), |b| {
            b.iter(|| extract(black_box(&html), URL))
        });
    }
}

criterion_group!(article, benches);
criterion_main!(article);
