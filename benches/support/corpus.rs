//! Shared setup for the benches: the corpus size, apps over generated editions, a very long story
//! and a terminal to draw into. Everything is made from [`crate::feedgen`], so nothing large is
//! committed.
//!
//! Include it (after `feedgen`) from a bench with
//!
//! ```ignore
//! #[path = "support/feedgen.rs"]
//! mod feedgen;
//! #[path = "support/corpus.rs"]
//! mod corpus;
//! ```
#![allow(dead_code)]

use gazette::action::Action;
use gazette::app::App;
use gazette::config::Config;
use gazette::news::{Paragraph, Story};
use gazette::source::Library;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::feedgen;

/// The seed of every generated corpus.
pub const SEED: u64 = 2024;
/// The terminal the view benches draw into.
pub const WIDTH: u16 = 200;
pub const HEIGHT: u16 = 50;
/// The size of the very long story.
pub const LONG_STORY_BYTES: usize = 1 << 20;

/// How many stories (headlines, feed items, stored stories) the benches use:
/// `GAZETTE_BENCH_STORIES`, else 100,000. CI runs with a small number in `--test` mode.
pub fn stories() -> usize {
    match std::env::var("GAZETTE_BENCH_STORIES") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("GAZETTE_BENCH_STORIES={v:?} is not a number")),
        Err(_) => 100_000,
    }
}

/// `n` as a bench name shows it: `100k`, `2k`, `1500`.
pub fn label(n: usize) -> String {
    if n >= 1000 && n % 1000 == 0 {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// An app over one plain-text edition of `n` generated headlines ([`feedgen::edition`]), sized
/// to the bench terminal.
pub fn edition_app(n: usize) -> App {
    let mut library = Library::default();
    library.add("bench.txt".into(), &feedgen::edition(n, SEED));
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(WIDTH, HEIGHT));
    assert_eq!(
        app.stories.len(),
        n,
        "every line of the edition is a headline"
    );
    app
}

/// A story of at least `bytes` of plain text, about 600 bytes a paragraph.
pub fn long_story(bytes: usize) -> Story {
    Story {
        title: "A story of a megabyte".into(),
        paragraphs: feedgen::prose(bytes, SEED)
            .into_iter()
            .map(Paragraph::plain)
            .collect(),
        ..Story::default()
    }
}

/// An app holding the story of [`long_story`] (read from a news document: the title, then one
/// paragraph a line), selected, with `n` generated headlines after it, and the story focused.
pub fn long_story_app(bytes: usize, n: usize) -> App {
    let paragraphs = feedgen::prose(bytes, SEED);
    let mut document = String::from("A story of a megabyte\n");
    for paragraph in &paragraphs {
        document.push_str(paragraph);
        document.push('\n');
    }
    let mut library = Library::default();
    assert_eq!(library.add("long.txt".into(), &document), 1);
    library.add("bench.txt".into(), &feedgen::edition(n, SEED));
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(WIDTH, HEIGHT));
    app.update(Action::FocusStory);
    assert_eq!(app.selected_story(), Some(0), "the long story comes first");
    assert_eq!(
        app.stories.story(0).paragraphs.len(),
        paragraphs.len(),
        "one story, a paragraph a line"
    );
    app
}

/// A `WIDTH` x `HEIGHT` terminal in memory.
pub fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test backend")
}

/// Draws one frame of `app`, as the event loop does after each event.
pub fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal
        .draw(|frame| gazette::ui::render(frame, app))
        .expect("drawing into a test backend");
}
