//! Parsing costs: a generated RSS feed of `GAZETTE_BENCH_STORIES` items (default 100,000, about
//! 250 MB) streamed from a file with `ingest::read_all`, and a plain-text edition of as many
//! headlines with `news::parse_document`.
//!
//! `cargo bench --bench parse` runs it. The feed is written to a temporary file first (about a
//! second per 100,000 items) and removed at the end. Reading the 100k feed takes seconds, so that
//! bench takes 10 samples of one read each (criterion's minimum), about 10 reads in all; its
//! measurement time is set from one untimed read.

#[path = "support/feedgen.rs"]
mod feedgen;

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use gazette::ingest::read_all;
use gazette::news::parse_document;

fn feed_benches(c: &mut Criterion) {
    let n = corpus::stories();
    let label = corpus::label(n);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("feed.xml");
    let started = Instant::now();
    feedgen::write_rss(n, corpus::SEED, &path).expect("writing the feed");
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    eprintln!(
        "wrote a {n}-item feed of {:.1} MB in {:.2?}",
        bytes as f64 / 1e6,
        started.elapsed()
    );
    let url = format!("file://{}", path.display());

    // One untimed read: checks every item comes out, and sets the measurement time so that each
    // of the 10 samples is a single read (criterion then warns that 10 samples need longer than
    // it was given: they take what they take, about 10 reads in all).
    let started = Instant::now();
    let feed = read_all(&path, Some(&url)).expect("the generated feed parses");
    let once = started.elapsed();
    assert_eq!(feed.stories.len(), n, "every item is a story");
    drop(feed);
    eprintln!("one read of the feed: {once:.2?}");

    let mut group = c.benchmark_group("parse");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time((once * 8).max(Duration::from_secs(5)));
    // In both, the stories are dropped outside the timed part.
    group.bench_function(
        format!("feed: ingest::read_all, {label}-item RSS file"),
        |b| b.iter_with_large_drop(|| read_all(black_box(&path), Some(&url)).expect("parses")),
    );

    let edition = feedgen::edition(n, corpus::SEED);
    group
        .sample_size(20)
        .sampling_mode(SamplingMode::Auto)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function(format!("edition: parse_document, {label} headlines"), |b| {
        b.iter_batched(
            || (),
            |()| parse_document(black_box(&edition), 0),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, feed_benches);
criterion_main!(benches);
