//! Full-text search over a store of `GAZETTE_BENCH_STORIES` stories (default 100,000) with 1-3 KB
//! bodies: `Store::search` for a rare word, a common word, and a word's 2- and 4-letter prefixes
//! as they are typed.
//!
//! `cargo bench --bench search` runs it. Set-up, once, untimed: a generated RSS feed is written to
//! a temporary directory and streamed with `ingest::FeedStream`, each batch saved with
//! `Store::save_source` (as the reader saves a feed file's batches), then the whole store is
//! indexed with `Store::index_pending(usize::MAX)`. At 100,000 stories that takes a minute or so.
//! Each search asks for every match (`usize::MAX`). A second group runs the same queries through
//! `store::Searcher`, which the reader's search thread uses: the index's row ids turned into keys
//! through its cache, without the join. A third runs them as the thread first answers when there
//! are more matches than `runtime::FIRST_ANSWER`: the newest that many.

#[path = "support/feedgen.rs"]
mod feedgen;

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use gazette::ingest::FeedStream;
use gazette::runtime::FIRST_ANSWER;
use gazette::store::{key_hash, Retention, Searcher, Store};

/// The queries: what each one is, and the text searched for.
const QUERIES: &[(&str, &str)] = &[
    // In the titles of 1 story in 200; in no body.
    ("rare word", "zanzibar"),
    // One of the bodies' 58 words: in nearly every story.
    ("common word", "government"),
    // Typing "government": the index's prefix terms at 2 and 4 letters.
    ("2-letter prefix", "go"),
    ("4-letter prefix", "gove"),
    // Two words, both required.
    ("two words", "ukraine budget"),
];

fn build_store(dir: &std::path::Path, n: usize) -> (Store, String) {
    let started = Instant::now();
    let path = dir.join("feed.xml");
    feedgen::write_rss(n, corpus::SEED, &path).expect("writing the feed");
    let url = format!("file://{}", path.display());
    let mut store = Store::open(&dir.join("data")).expect("a new store");
    let mut stream = FeedStream::open(&path, Some(&url)).expect("the feed opens");
    let mut saved = 0;
    while let Some(batch) = stream.next_batch().expect("the generated feed parses") {
        saved += store
            .save_source(&url, &batch, 1_700_000_000, Retention::default())
            .expect("saving a batch");
    }
    assert_eq!(saved, n, "every item is stored");
    let stored = started.elapsed();
    let indexed = store.index_pending(usize::MAX).expect("indexing");
    assert_eq!(indexed, n, "every story is indexed");
    eprintln!(
        "store of {n} stories: written and saved in {stored:.1?}, indexed in {:.1?}",
        started.elapsed() - stored
    );
    std::fs::remove_file(&path).expect("removing the feed");
    (store, url)
}

/// A group of searches: a second of warm-up, five of measuring, 30 samples (a search at 100k
/// takes up to 50 ms).
fn search_group(c: &mut Criterion, name: String) -> BenchmarkGroup<'_, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(30);
    group
}

fn search_benches(c: &mut Criterion) {
    let n = corpus::stories();
    let label = corpus::label(n);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (store, source) = build_store(dir.path(), n);

    let mut group = search_group(c, format!("search ({label} stored stories)"));
    for (what, query) in QUERIES {
        let hits = store.search(query, usize::MAX).expect("searching").len();
        eprintln!("{query:?}: {hits} matches");
        assert!(hits > 0, "{query:?} matches something");
        group.bench_function(format!("{what}: {query:?}"), |b| {
            b.iter(|| {
                store
                    .search(black_box(query), usize::MAX)
                    .expect("searching")
            })
        });
    }
    group.finish();

    // What the reader's search thread runs: the index's row ids, turned into list positions
    // (the list here: every stored story, in storage order).
    let mut searcher = Searcher::open(&dir.path().join("data")).expect("a searcher");
    let listed = store
        .load_sources(std::slice::from_ref(&source))
        .expect("loading")[0]
        .iter()
        .enumerate()
        .map(|(i, s)| (i as u32, key_hash(&s.key)))
        .collect();
    searcher.place(listed);
    searcher.catch_up().expect("reading the rows");
    let mut group = search_group(c, format!("search thread ({label} stored stories)"));
    for (what, query) in QUERIES {
        let hits = searcher.search(query).expect("searching").len();
        assert_eq!(
            hits,
            store.search(query, usize::MAX).expect("searching").len(),
            "{query:?}: the searcher finds what the index finds"
        );
        group.bench_function(format!("{what}: {query:?}"), |b| {
            b.iter(|| searcher.search(black_box(query)).expect("searching"))
        });
    }
    group.finish();

    // The search thread's first answer when there are more matches: the newest FIRST_ANSWER,
    // which the list shows while the whole answer is found.
    let mut group = search_group(
        c,
        format!("search thread, first answer ({label} stored stories)"),
    );
    for (what, query) in QUERIES {
        group.bench_function(format!("{what}: {query:?}"), |b| {
            b.iter(|| {
                searcher
                    .search_newest(black_box(query), FIRST_ANSWER)
                    .expect("searching")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, search_benches);
criterion_main!(benches);
