//! Drawing and reading costs: one 200x50 frame over a large edition, a selection move with the
//! frame it redraws, a filter keystroke with its frame, scrolling and wrapping a 1 MB story, and
//! the start on the bundled edition.
//!
//! `cargo bench --bench view` runs it. Frames are drawn with `gazette::ui::render` into ratatui's
//! `TestBackend` (no terminal): the cost is building the frame and diffing it against the last one,
//! as in the event loop, without the terminal's own time to show it. The edition has
//! `GAZETTE_BENCH_STORIES` (default 100,000) generated headlines.

#[path = "support/feedgen.rs"]
mod feedgen;

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use gazette::action::Action;
use gazette::app::App;
use gazette::config::Config;
use gazette::reader::layout_story;
use gazette::source::Library;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use corpus::{draw, HEIGHT, WIDTH};

/// One Down through `App::update`; at the end of the list, back to the top first.
fn step_down(app: &mut App) {
    if app.selected + 1 >= app.visible.len() {
        app.update(Action::Top);
    }
    app.update(Action::Down);
}

fn frame_benches(c: &mut Criterion) {
    let n = corpus::stories();
    let label = corpus::label(n);
    let mut app = corpus::edition_app(n);
    let mut terminal = corpus::terminal();

    c.bench_function(
        &format!("frame: draw {WIDTH}x{HEIGHT}, {label} headlines"),
        |b| b.iter(|| draw(&mut terminal, black_box(&app))),
    );

    // One key press as the user sees it: the update, then the frame that shows it. The list is
    // walked down from the top; at the end the selection goes back to the top (rarely: untimed
    // would make no difference).
    c.bench_function(
        &format!("select: Down + draw {WIDTH}x{HEIGHT}, {label} headlines"),
        |b| {
            app.update(Action::Top);
            b.iter(|| {
                step_down(&mut app);
                draw(&mut terminal, &app);
            })
        },
    );

    // The same key press with the frame encoded as the terminal gets it: ratatui's crossterm
    // backend formatting every escape sequence, into a sink (the reader writes them into a
    // BufWriter, then to the terminal in one write). A fixed viewport: the backend is never asked
    // the size of a terminal it does not have.
    let viewport = Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT));
    let mut encoded = Terminal::with_options(
        CrosstermBackend::new(std::io::sink()),
        TerminalOptions { viewport },
    )
    .expect("a crossterm backend over a sink");
    c.bench_function(
        &format!("select: Down + frame as escape sequences {WIDTH}x{HEIGHT}, {label} headlines"),
        |b| {
            app.update(Action::Top);
            b.iter(|| {
                step_down(&mut app);
                encoded
                    .draw(|frame| gazette::ui::render(frame, &app))
                    .expect("drawing into a sink");
            })
        },
    );

    // The first letter of a filter (a scan of every headline) and the frame that shows the
    // narrowed list: what the < 5 ms target is about. A Backspace (untimed) puts it back.
    c.bench_function(
        &format!("filter keystroke + draw: 'u' on {label} headlines"),
        |b| {
            app.update(Action::StartFilter);
            app.update(Action::FilterClear);
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    app.update(Action::FilterInput('u'));
                    draw(&mut terminal, &app);
                    total += start.elapsed();
                    app.update(Action::FilterBackspace);
                }
                total
            })
        },
    );
    app.update(Action::Close);
}

fn story_benches(c: &mut Criterion) {
    let n = corpus::stories();
    let label = corpus::label(n);
    let mb = corpus::LONG_STORY_BYTES >> 20;

    let story = corpus::long_story(corpus::LONG_STORY_BYTES);
    let meta = vec!["Edition: long.txt".to_string()];
    for width in [80, 120] {
        c.bench_function(
            &format!("layout: wrap a {mb} MB story at {width} columns"),
            |b| b.iter(|| layout_story(black_box(&story), &meta, width)),
        );
    }

    // Scrolling the open story a line (the story pane focused), with the frame it redraws. At the
    // end of the story it goes back to the top.
    let mut app = corpus::long_story_app(corpus::LONG_STORY_BYTES, n);
    let mut terminal = corpus::terminal();
    c.bench_function(
        &format!("scroll: Down + draw in a {mb} MB story, {label} headlines"),
        |b| {
            b.iter(|| {
                if app.story_scroll >= app.max_story_scroll() {
                    app.update(Action::Top);
                }
                app.update(Action::Down);
                draw(&mut terminal, &app);
            })
        },
    );
}

fn start_benches(c: &mut Criterion) {
    // What `gazette` with no subscriptions does before the user sees anything (less the terminal
    // set-up and the store): parse the bundled edition, build the app, draw the first frame.
    c.bench_function(
        &format!("start: bundled edition to first {WIDTH}x{HEIGHT} frame"),
        |b| {
            b.iter(|| {
                let mut app = App::new(Library::bundled(), Config::defaults());
                app.update(Action::Resize(WIDTH, HEIGHT));
                let mut terminal = corpus::terminal();
                draw(&mut terminal, &app);
                terminal
            })
        },
    );
}

criterion_group!(benches, frame_benches, story_benches, start_benches);
criterion_main!(benches);
