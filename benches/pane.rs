//! The feeds pane at scale: 1,000 feeds in 40 tags, `GAZETTE_BENCH_STORIES` (default 100,000)
//! stories spread over them, two saved searches and a hide rule. Timed: the pane alone, a 200x50
//! frame with the pane shown (and the same frame without it, for the pane's own share), a mark with its frame
//! (the counts follow it), and selecting a tag in the pane (the list narrowed) with its frame.
//!
//! `cargo bench --bench pane` runs it.

#[path = "support/feedgen.rs"]
mod feedgen;

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use gazette::action::Action;
use gazette::app::{App, PaneRow};
use gazette::config::Config;
use gazette::news::Story;
use gazette::source::Library;

use corpus::{draw, HEIGHT, WIDTH};

const FEEDS: usize = 1000;
const TAGS: usize = 40;

const CONFIG: &str = r#"
[[searches]]
name = "Unread storms"
query = "is:unread storm"

[[searches]]
name = "Rust"
query = "tag:tag7 rust"

[[rules]]
match = "sponsored"
action = "hide"
"#;

/// 1,000 feeds, each with one or two of 40 tags, and `n` stories dealt out among them.
fn pane_app(n: usize) -> App {
    let mut library = Library::default();
    for f in 0..FEEDS {
        let i = library.add_subscription(&format!("https://feed{f}.example/rss"), None);
        let mut tags = vec![format!("tag{}", f % TAGS)];
        if f % 3 == 0 {
            tags.push(format!("tag{}", (f / 3) % TAGS));
        }
        tags.dedup();
        library.editions[i].tags = tags;
    }
    let words = ["storm", "rust", "port", "sponsored", "budget", "ukraine"];
    let now = chrono::Utc::now().timestamp();
    library.stories = (0..n)
        .map(|i| Story {
            title: format!("{} story number {i}", words[i % words.len()]),
            edition: i % FEEDS,
            published: Some(now - (i as i64) * 60),
            id: Some(i.to_string()),
            ..Story::default()
        })
        .collect();
    let config = Config::from_str_with_defaults(Some(("bench.toml", CONFIG))).expect("config");
    let mut app = App::new(library, config);
    app.update(Action::Resize(WIDTH, HEIGHT));
    app.update(Action::ToggleFeeds);
    // Half way down the pane: tag rows and feeds on screen.
    let middle = app.pane.rows.len() / 2;
    app.select_pane(middle);
    app.select_pane(0);
    app.pane.offset = middle;
    app
}

fn pane_benches(c: &mut Criterion) {
    let n = corpus::stories();
    let label = corpus::label(n);
    let mut app = pane_app(n);
    let mut terminal = corpus::terminal();
    assert!(app.feeds_area().is_some(), "the pane is shown");

    // The pane alone, drawn into a terminal of its own size (so the buffer's reset and diff are
    // the pane's, not a whole screen's): its share of a frame.
    let area = app.feeds_area().expect("the pane's area");
    let mut pane_terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(area.width, area.height))
            .expect("a test backend");
    c.bench_function(
        &format!(
            "pane: the pane alone ({}x{}), 1000 feeds, {label} stories",
            area.width, area.height
        ),
        |b| {
            b.iter(|| {
                pane_terminal
                    .draw(|frame| gazette::ui::render_feeds(frame, black_box(&app), area))
                    .expect("drawing into a test backend");
            })
        },
    );

    c.bench_function(
        &format!("pane: draw {WIDTH}x{HEIGHT} with the feeds pane, 1000 feeds, {label} stories"),
        |b| b.iter(|| draw(&mut terminal, black_box(&app))),
    );

    app.update(Action::ToggleFeeds);
    c.bench_function(
        &format!("pane: the same frame without the pane, {label} stories"),
        |b| b.iter(|| draw(&mut terminal, black_box(&app))),
    );
    app.update(Action::ToggleFeeds);
    app.update(Action::FocusNext);

    c.bench_function(
        &format!("pane: toggle read (counts follow) + draw, {label} stories"),
        |b| {
            b.iter(|| {
                app.update(Action::ToggleRead);
                draw(&mut terminal, &app);
            })
        },
    );

    let tag = app
        .pane
        .rows
        .iter()
        .position(|r| matches!(r, PaneRow::Tag(..)))
        .expect("a tag row");
    c.bench_function(
        &format!("pane: select a tag then All again (two refilters) + draw, {label} stories"),
        |b| {
            b.iter(|| {
                app.select_pane(tag);
                draw(&mut terminal, &app);
                app.select_pane(0);
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = pane_benches
}
criterion_main!(benches);
