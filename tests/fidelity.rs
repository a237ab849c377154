//! The fidelity corpus (`tests/fixtures/feeds/fidelity/`, written by its `generate.py` plus
//! hand-written files): every kind of real-world feed issue 13 lists, in every encoding gazette
//! reads, each with the titles a liberal parser lists. Read both ways, as a fetched feed
//! (`parse_feed`, whole) and as a feed file (`FeedStream`, entry by entry, the RSS fast path
//! among them), the titles must be those expected; the agreement figure is printed.

use std::path::{Path, PathBuf};

use gazette::feed::parse_feed;
use gazette::ingest::FeedStream;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/fidelity")
}

/// What a reading gave: the titles, then the error (if any) as a line starting with `!`.
fn whole(path: &Path) -> Vec<String> {
    let url = format!("file://{}", path.display());
    match parse_feed(&std::fs::read(path).unwrap(), Some(&url)) {
        Ok(feed) => {
            let mut lines: Vec<String> = feed.stories.into_iter().map(|s| s.title).collect();
            lines.extend(feed.problem.map(|p| format!("!{p}")));
            lines
        }
        Err(e) => vec![format!("!{e}")],
    }
}

fn streamed(path: &Path) -> Vec<String> {
    let url = format!("file://{}", path.display());
    let mut stream = match FeedStream::open(path, Some(&url)) {
        Ok(stream) => stream,
        Err(e) => return vec![format!("!{e}")],
    };
    let mut lines = Vec::new();
    loop {
        match stream.next_batch() {
            Ok(Some(batch)) => lines.extend(batch.into_iter().map(|s| s.title)),
            Ok(None) => return lines,
            Err(e) => {
                lines.push(format!("!{e}"));
                return lines;
            }
        }
    }
}

/// The titles and the error lines of a reading.
fn split(lines: &[String]) -> (Vec<&String>, Vec<&String>) {
    let (errors, titles): (Vec<&String>, Vec<&String>) =
        lines.iter().partition(|l| l.starts_with('!'));
    (titles, errors)
}

/// True when `got` is what `expected` says: the same titles, and an error containing each
/// expected error line's text (none when none is expected).
fn agrees(got: &[String], expected: &[String]) -> bool {
    let (got_titles, got_errors) = split(got);
    let (titles, errors) = split(expected);
    got_titles == titles
        && got_errors.len() == errors.len()
        && got_errors
            .iter()
            .zip(&errors)
            .all(|(g, e)| g.contains(&e[1..]))
}

#[test]
fn the_corpus_lists_the_titles_a_liberal_parser_lists() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "titles" && e != "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 300, "{} files", files.len());
    let mut wrong = Vec::new();
    let (mut whole_ok, mut stream_ok) = (0, 0);
    for path in &files {
        let titles = path.with_extension("titles");
        let expected: Vec<String> = std::fs::read_to_string(&titles)
            .unwrap_or_else(|e| panic!("{}: {e}", titles.display()))
            .lines()
            .map(str::to_string)
            .collect();
        let name = path.file_name().unwrap().to_string_lossy();
        let (w, s) = (whole(path), streamed(path));
        if agrees(&w, &expected) {
            whole_ok += 1;
        } else {
            wrong.push(format!("{name} (whole): {w:?}\n  expected {expected:?}"));
        }
        if agrees(&s, &expected) {
            stream_ok += 1;
        } else {
            wrong.push(format!("{name} (file): {s:?}\n  expected {expected:?}"));
        }
    }
    let n = files.len();
    println!(
        "fidelity corpus: {n} feeds; read whole {whole_ok}/{n} right, as files {stream_ok}/{n}"
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
