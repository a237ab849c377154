//! OPML import and export at `GAZETTE_BENCH_STORIES` outlines (default 100,000).
//!
//! `cargo bench --bench opml` runs it. The OPML file is generated here (a few dozen folders, feeds
//! with names, every tenth feed listed again in a second folder, as readers' exports do) and
//! written to a temporary directory, so nothing large is committed.
//!
//! - `import`: the whole `gazette import FILE` (`subscriptions::import`): reading the file,
//!   parsing it, folding duplicates, checking against the subscriptions already there, and
//!   writing `feeds.toml` atomically (fsync included). An untimed set-up removes the previous
//!   iteration's `feeds.toml`, so each import adds every feed.
//! - `parse`: `subscriptions::parse_opml` on the text alone.
//! - `export`: `subscriptions::export_opml` of what the import took.
//!
//! Before the import was linear (a map of URL keys), 16,000 feeds took 20.7 s and 100,000 would
//! have taken about 13 minutes.

#[path = "support/feedgen.rs"]
mod feedgen;

#[path = "support/corpus.rs"]
mod corpus;

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use gazette::subscriptions::{export_opml, import, parse_opml, ImportOptions};

/// Folders the generated feeds are spread over.
const FOLDERS: usize = 40;

/// An OPML file of `n` feed outlines: `n - n / 11` distinct feeds in [`FOLDERS`] folders, then
/// every tenth of them again in a second folder (the same URL with another case and a trailing
/// slash), `n` outlines with an `xmlUrl` in all. Returns the text and the distinct feeds.
fn generate(n: usize) -> (String, usize) {
    let distinct = n - n / 11;
    let mut text = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>Generated</title>\n  </head>\n  <body>\n",
    );
    let mut feeds_in = vec![Vec::new(); FOLDERS];
    for i in 0..distinct {
        feeds_in[i % FOLDERS].push(i);
    }
    for (folder, feeds) in feeds_in.iter().enumerate() {
        let _ = writeln!(
            text,
            "    <outline text=\"Folder {folder}\" title=\"Folder {folder}\">"
        );
        for i in feeds {
            let _ = writeln!(
                text,
                "      <outline type=\"rss\" text=\"Feed &amp; News {i}\" title=\"Feed &amp; News {i}\" xmlUrl=\"https://site{i}.example.com/feed.xml?id={i}&amp;x=1\" htmlUrl=\"https://site{i}.example.com/\"/>"
            );
        }
        let _ = writeln!(text, "    </outline>");
    }
    let _ = writeln!(text, "    <outline text=\"Again\" title=\"Again\">");
    for i in (0..distinct).step_by(10).take(n - distinct) {
        let _ = writeln!(
            text,
            "      <outline type=\"rss\" text=\"Again {i}\" xmlUrl=\"HTTPS://SITE{i}.example.com/feed.xml?id={i}&amp;x=1/\"/>"
        );
    }
    text.push_str("    </outline>\n  </body>\n</opml>\n");
    (text, distinct)
}

fn opml_benches(c: &mut Criterion) {
    let n = corpus::stories();
    let label = corpus::label(n);
    let (text, distinct) = generate(n);
    assert_eq!(text.matches("xmlUrl=").count(), n);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("subscriptions.opml");
    std::fs::write(&path, &text).expect("writing the OPML file");
    let feeds_file = dir.path().join("gazette/feeds.toml");
    eprintln!(
        "an OPML file of {n} outlines, {:.1} MB",
        text.len() as f64 / 1e6
    );

    // One untimed import: every distinct feed comes in once, and the time sets the measurement.
    let started = Instant::now();
    let report = import(&path, &feeds_file, &[]).expect("the generated file imports");
    let once = started.elapsed();
    let plural = if distinct == 1 { "" } else { "s" };
    assert!(
        report.starts_with(&format!("Imported {distinct} feed{plural} into")),
        "{report}"
    );
    eprintln!("one import: {once:.2?} ({report})");

    let mut group = c.benchmark_group("opml");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time((once * 12).max(Duration::from_secs(3)));
    group.bench_function(
        format!("import: {label} outlines into a new feeds.toml"),
        |b| {
            b.iter_batched(
                || {
                    let _ = std::fs::remove_file(&feeds_file);
                },
                |()| import(black_box(&path), &feeds_file, &[]).expect("imports"),
                BatchSize::PerIteration,
            )
        },
    );
    let options = ImportOptions::default();
    group.bench_function(format!("parse: parse_opml, {label} outlines"), |b| {
        b.iter_with_large_drop(|| parse_opml(black_box(&text), &options).expect("parses"))
    });
    let feeds = parse_opml(&text, &options).expect("parses").feeds;
    assert_eq!(feeds.len(), distinct);
    group.bench_function(format!("export: export_opml, {label} feeds"), |b| {
        b.iter_with_large_drop(|| export_opml(black_box(&feeds)))
    });
    group.finish();
}

criterion_group!(benches, opml_benches);
criterion_main!(benches);
