//! Filter keystroke, selection and story layout costs over a large generated edition.
//!
//! `cargo bench --bench filter` runs it. The corpus is `GAZETTE_BENCH_STORIES` (default 100,000)
//! headlines from `support/feedgen.rs`: 60-90 columns, about 5% non-ASCII, every 50th naming
//! Ukraine and every 200th Zanzibar (about 1,900 and 480 rows at 100,000), generated here so
//! nothing large is committed.
//!
//! "One filter keystroke, a query typed letter by letter": for each prefix of `zanzibar` and
//! `ukraine`, the cost of the `Action::FilterInput` that extends it by one letter, through
//! `App::update` (which narrows the list from the previous matches and keeps the selection on
//! screen). Only the keystroke is timed; a Backspace between iterations puts the query back.

#[path = "support/feedgen.rs"]
mod feedgen;

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gazette::action::{Action, Effect};
use gazette::app::App;
use gazette::filter::{search_key, Query};
use gazette::news::{Paragraph, Story};
use gazette::reader::layout_story;

/// The queries typed letter by letter: a rare one and a common one.
const TYPED: &[&str] = &["zanzibar", "ukraine"];

/// Puts the app in the filter with `query` typed (untimed setup).
fn type_query(app: &mut App, query: &str) {
    app.update(Action::StartFilter);
    app.update(Action::FilterClear);
    for c in query.chars() {
        app.update(Action::FilterInput(c));
    }
    assert_eq!(app.query, query);
}

/// Types `query` into the open filter, keeping its mode.
/// Types `query` into the filter as it is; returns the last search it asks of the index.
fn type_query_keeping_mode(app: &mut App, query: &str) -> Option<u64> {
    let mut asked = None;
    for c in query.chars() {
        for effect in app.update(Action::FilterInput(c)) {
            if let Effect::Search(generation, _) = effect {
                asked = Some(generation);
            }
        }
    }
    asked
}

fn keystroke_benches(c: &mut Criterion, app: &mut App, label: &str) {
    let mut group = c.benchmark_group(format!("filter keystroke ({label} headlines)"));
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for word in TYPED {
        let mut rows = Vec::new();
        for (at, letter) in word.char_indices() {
            let typed = &word[..at + letter.len_utf8()];
            type_query(app, &word[..at]);
            app.update(Action::FilterInput(letter));
            rows.push(format!("{typed} {}", app.visible.len()));
            app.update(Action::FilterBackspace);
            // The id is the query after the keystroke: `zan` times typing `n` after `za`.
            group.bench_function(BenchmarkId::new(*word, typed), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let start = Instant::now();
                        black_box(app.update(Action::FilterInput(letter)));
                        total += start.elapsed();
                        app.update(Action::FilterBackspace);
                    }
                    total
                })
            });
        }
        eprintln!("rows listed as {word} is typed: {}", rows.join(", "));
    }
    group.finish();
    app.update(Action::Close);
}

fn filter_benches(c: &mut Criterion) {
    let n = corpus::stories();
    let label = corpus::label(n);
    let mut app = corpus::edition_app(n);

    keystroke_benches(c, &mut app, &label);

    // The worst keystroke: the first letter, scanning every headline, then Backspace, scanning again.
    c.bench_function(
        &format!("filter: type 'u' then Backspace, {label} headlines (2 keystrokes)"),
        |b| {
            type_query(&mut app, "");
            b.iter(|| {
                app.update(Action::FilterInput('u'));
                app.update(Action::FilterBackspace);
            })
        },
    );

    let titles: Vec<(&str, String)> = (0..app.stories.len())
        .map(|i| (app.stories.title(i), search_key(app.stories.title(i))))
        .collect();
    c.bench_function(
        &format!("filter: match 'ukraine' against {label} prepared titles"),
        |b| {
            let query = Query::new("ukraine");
            b.iter(|| {
                titles
                    .iter()
                    .filter(|(t, key)| query.matches_prepared(black_box(t), key))
                    .count()
            })
        },
    );

    c.bench_function(
        &format!("selection: Down then Up, {label} headlines"),
        |b| {
            app.update(Action::Close);
            b.iter(|| {
                app.update(Action::Down);
                app.update(Action::Up);
            })
        },
    );

    // The full-text search's answer arriving on the UI thread: the index found a word nearly every
    // story holds (98 in 100), and the list is rebuilt from it.
    let keys: Vec<u32> = (0..app.stories.len() as u32)
        .filter(|i| i % 50 != 0)
        .collect();
    app.indexed_search = true;
    type_query(&mut app, "");
    app.update(Action::FilterToggleText);
    let mut round = 0u64;
    c.bench_function(
        &format!(
            "text search: apply an answer of {} stories to {label} listed",
            keys.len()
        ),
        |b| {
            b.iter_custom(|iters| {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    round += 1;
                    // Another query each time (untimed): the answer is taken for the newest only,
                    // and the last answer is kept for its own words.
                    app.update(Action::FilterClear);
                    let query = if round % 2 == 0 { "go" } else { "gv" };
                    let generation =
                        type_query_keeping_mode(&mut app, query).expect("a search request");
                    let answer = keys.clone();
                    let started = Instant::now();
                    app.update(Action::TextResults(generation, black_box(answer)));
                    timed += started.elapsed();
                }
                timed
            })
        },
    );
    assert_eq!(app.visible.len(), keys.len(), "the answer was applied");
    app.update(Action::Close);
    app.indexed_search = false;

    let lines = feedgen::titles(201, corpus::SEED);
    let story = Story {
        title: "A long story".into(),
        paragraphs: (0..200)
            .map(|i| Paragraph::plain(format!("{}. {}.", lines[i], lines[i + 1])))
            .collect(),
        ..Story::default()
    };
    c.bench_function("layout: wrap a 200-paragraph story at 80 columns", |b| {
        let meta = vec!["Edition: big.txt".to_string()];
        b.iter(|| layout_story(black_box(&story), &meta, 80))
    });
}

criterion_group!(benches, filter_benches);
criterion_main!(benches);
