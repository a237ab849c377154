//! Filter keystroke and story layout costs over a large synthetic edition.
//!
//! `cargo bench --bench filter` runs it. The corpus is 100,000 headlines of 60-90 columns, about 5% of
//! them non-ASCII, every 50th naming Ukraine (so a narrowed list has 2,000 rows), generated here so
//! nothing large is committed.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use gazette::action::Action;
use gazette::app::App;
use gazette::config::Config;
use gazette::filter::{search_key, Query};
use gazette::news::{Paragraph, Story};
use gazette::reader::layout_story;
use gazette::source::Library;

const WORDS: &[&str] = &[
    "Talks",
    "Stall",
    "Markets",
    "Rally",
    "Minister",
    "Resigns",
    "Storm",
    "Floods",
    "Coast",
    "Court",
    "Rules",
    "Election",
    "Results",
    "Delayed",
    "Central",
    "Bank",
    "Holds",
    "Rates",
    "Strike",
    "Ends",
    "Protest",
    "Grows",
    "Capital",
    "Trade",
    "Deal",
    "Signed",
    "Summit",
    "Opens",
    "Harbour",
    "Fire",
    "Contained",
];
const FOREIGN: &[&str] = &["東京都庁", "Señora Peña", "서울 시장", "Αθήνα", "café 🌞"];

fn headline(i: usize) -> String {
    let mut state = (i as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut title = if i % 50 == 0 {
        String::from("Ukraine:")
    } else {
        String::new()
    };
    let target = 60 + (state % 31) as usize;
    while title.chars().count() < target {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let word = if i % 20 == 7 && state % 5 == 0 {
            FOREIGN[(state >> 33) as usize % FOREIGN.len()]
        } else {
            WORDS[(state >> 33) as usize % WORDS.len()]
        };
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    title
}

fn big_app() -> App {
    let text: String = (0..100_000).map(|i| headline(i) + "\n").collect();
    let mut library = Library::default();
    library.add("big.txt".into(), &text);
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(120, 40));
    app
}

fn filter_benches(c: &mut Criterion) {
    let mut app = big_app();
    assert_eq!(app.stories.len(), 100_000);

    // The worst keystroke: the first letter, scanning every headline, then Backspace, scanning again.
    c.bench_function(
        "filter: type 'u' then Backspace, 100k headlines (2 keystrokes)",
        |b| {
            app.update(Action::StartFilter);
            b.iter(|| {
                app.update(Action::FilterInput('u'));
                app.update(Action::FilterBackspace);
            })
        },
    );

    let titles: Vec<(&str, String)> = app
        .stories
        .iter()
        .map(|s| (s.title.as_str(), search_key(&s.title)))
        .collect();
    c.bench_function(
        "filter: match 'ukraine' against 100k prepared titles",
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

    c.bench_function("selection: Down then Up, 100k headlines", |b| {
        app.update(Action::Close);
        b.iter(|| {
            app.update(Action::Down);
            app.update(Action::Up);
        })
    });

    let story = Story {
        title: "A long story".into(),
        paragraphs: (0..200)
            .map(|i| Paragraph::plain(format!("{} {}.", headline(i), headline(i + 1))))
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
