//! `file:` feeds as a subscription may name them: only regular files are read, within the HTTP
//! size cap, through both readers (`fetch::fetch`, which `--list` uses, and `ingest::read_file`,
//! the reader's). Terminals, FIFOs, devices and directories are refused before any read, with one
//! line saying what they are; a good file is still read.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use gazette::feed::{FeedFetched, FeedUpdate};
use gazette::fetch::{agent, fetch, open_feed_file, FetchOptions, FetchRequest, Fetched};
use gazette::ingest::{read_file, read_file_with, FileLimits};

const FEED: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Good</title>\
    <item><title>First headline</title><guid>1</guid></item>\
    <item><title>Second headline</title><guid>2</guid></item></channel></rss>\n";

/// Generous: a refusal takes microseconds; this only catches a read that blocks.
const PROMPT: Duration = Duration::from_secs(5);

fn url_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn request(url: &str) -> FetchRequest {
    FetchRequest {
        source: 3,
        url: url.to_owned(),
        etag: None,
        last_modified: None,
        ..Default::default()
    }
}

/// `fetch::fetch` on `url` with `options`, checked to return promptly.
fn fetched(options: &FetchOptions, url: &str) -> Result<Fetched, String> {
    let started = Instant::now();
    let outcome = fetch(&agent(options), options, request(url)).outcome;
    assert!(started.elapsed() < PROMPT, "{url}: {:?}", started.elapsed());
    outcome
}

/// Every update `read_file_with` delivers for `url`, checked to return promptly.
fn read(url: &str, limits: FileLimits) -> Vec<(FeedUpdate, bool)> {
    let started = Instant::now();
    let mut updates = Vec::new();
    read_file_with(&request(url), limits, |u, more| updates.push((u, more)));
    assert!(started.elapsed() < PROMPT, "{url}: {:?}", started.elapsed());
    updates
}

/// The one error both readers give for `url`, the same from each.
fn refused_by_both(url: &str, options: &FetchOptions) -> String {
    let from_fetch = fetched(options, url).expect_err(url);
    let updates = read(url, FileLimits::subscription(options));
    assert_eq!(updates.len(), 1, "{url}: one update, the last: {updates:?}");
    let (update, more) = &updates[0];
    assert!(!more, "{url}");
    assert_eq!(update.source, 3);
    let from_read = update.outcome.clone().expect_err(url);
    assert_eq!(
        from_fetch, from_read,
        "{url}: one message from both readers"
    );
    assert!(
        !from_fetch.contains('\n') && !from_fetch.chars().any(char::is_control),
        "{from_fetch:?}"
    );
    from_fetch
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[test]
fn a_terminal_is_refused_unopened() {
    let options = FetchOptions::default();
    for url in ["file:///dev/tty", "file://localhost/dev/tty"] {
        assert_eq!(
            refused_by_both(url, &options),
            "not a regular file (a character device)"
        );
    }
}

#[test]
fn dev_zero_is_refused_before_any_read() {
    assert_eq!(
        refused_by_both("file:///dev/zero", &FetchOptions::default()),
        "not a regular file (a character device)"
    );
}

#[test]
fn standard_input_is_refused_whatever_it_is() {
    // /dev/stdin is a link to whatever the test runs with: a terminal, /dev/null or a pipe, none
    // of them a regular file (the pseudo-terminal and pipe cases run in e2e_hostile_subscriptions).
    let stdin = std::fs::metadata("/dev/stdin").expect("/dev/stdin");
    assert!(!stdin.is_file(), "the tests run with a file as stdin");
    let message = refused_by_both("file:///dev/stdin", &FetchOptions::default());
    assert!(message.starts_with("not a regular file (a "), "{message}");
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("feed.fifo");
    mkfifo(&fifo);
    // No writer ever opens it: opening it for reading as `File::open` does blocks for ever.
    assert_eq!(
        refused_by_both(&url_of(&fifo), &FetchOptions::default()),
        "not a regular file (a FIFO)"
    );
    // A link to it is followed, and refused the same.
    let link = dir.path().join("link.xml");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    assert_eq!(
        refused_by_both(&url_of(&link), &FetchOptions::default()),
        "not a regular file (a FIFO)"
    );
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        refused_by_both(&url_of(dir.path()), &FetchOptions::default()),
        "not a regular file (a directory)"
    );
}

#[test]
fn a_file_over_the_cap_is_refused_by_its_size_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xml");
    // 64 GiB, sparse: reading it to the cap would take minutes, reading it all is impossible.
    let huge = 64u64 << 30;
    std::fs::File::create(&path).unwrap().set_len(huge).unwrap();
    let options = FetchOptions::default();
    assert_eq!(
        refused_by_both(&url_of(&path), &options),
        format!("larger than 10 MiB (the file is {huge} bytes)")
    );
    // The cap is the fetch options' own.
    let small = FetchOptions {
        max_bytes: 100,
        ..FetchOptions::default()
    };
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, FEED).unwrap();
    assert_eq!(
        refused_by_both(&url_of(&path), &small),
        format!("larger than 100 bytes (the file is {} bytes)", FEED.len())
    );
}

#[test]
fn a_file_that_says_it_is_empty_is_still_cut_at_the_cap() {
    // /proc files report a size of 0 and hold more: the cap counts what is read too.
    let small = FetchOptions {
        max_bytes: 100,
        ..FetchOptions::default()
    };
    assert_eq!(std::fs::metadata("/proc/self/status").unwrap().len(), 0);
    assert_eq!(
        refused_by_both("file:///proc/self/status", &small),
        "larger than 100 bytes"
    );
}

#[test]
fn a_missing_file_is_named_by_fetch_and_reported_by_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone.xml");
    assert_eq!(
        fetched(&FetchOptions::default(), &url_of(&gone)),
        Err(format!("file not found: {}", gone.display()))
    );
    let updates = read(
        &url_of(&gone),
        FileLimits::subscription(&FetchOptions::default()),
    );
    assert_eq!(
        updates[0].0.outcome,
        Err("no such file or directory".to_owned())
    );
}

fn good_file(dir: &Path) -> PathBuf {
    let path = dir.join("good.xml");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(FEED.as_bytes()).unwrap();
    path
}

#[test]
fn a_good_file_is_still_read_by_both() {
    let dir = tempfile::tempdir().unwrap();
    let url = url_of(&good_file(dir.path()));
    let options = FetchOptions::default();
    match fetched(&options, &url) {
        Ok(Fetched::Body { bytes, .. }) => assert_eq!(bytes, FEED.as_bytes()),
        other => panic!("{other:?}"),
    }
    // `read_file` as the reader calls it: a subscription, with the default limits.
    let mut updates = Vec::new();
    read_file(&request(&url), |u, more| updates.push((u, more)));
    let titles: Vec<String> = updates
        .iter()
        .flat_map(|(u, _)| match &u.outcome {
            Ok(FeedFetched::Parsed { feed, .. }) => feed.stories.clone(),
            other => panic!("{other:?}"),
        })
        .map(|s| s.title)
        .collect();
    assert_eq!(titles, ["First headline", "Second headline"]);
    assert_eq!(updates.last().map(|(_, more)| *more), Some(false));
}

#[test]
fn the_gate_refuses_and_allows_on_the_open_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = good_file(dir.path());
    let file = open_feed_file(&path, Some(FEED.len() as u64)).expect("at the cap exactly");
    assert!(file.metadata().unwrap().is_file());
    let refusal = open_feed_file(Path::new("/dev/tty"), None).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "not a regular file (a character device)"
    );
}

/// A feed of `n` items, enough for several batches.
fn long_feed(dir: &Path, n: usize) -> String {
    let mut xml = String::from("<rss version=\"2.0\"><channel><title>Long</title>");
    for i in 0..n {
        xml.push_str(&format!(
            "<item><title>Item {i}</title><guid>{i}</guid></item>"
        ));
    }
    xml.push_str("</channel></rss>");
    let path = dir.join("long.xml");
    std::fs::write(&path, xml).unwrap();
    url_of(&path)
}

/// Reads `url` within `limits`, sleeping `pause` in each delivery; returns the stories delivered
/// and the last outcome's error, if any.
fn read_slowly(url: &str, limits: FileLimits, pause: Duration) -> (usize, Option<String>) {
    let (mut stories, mut last) = (0, None);
    read_file_with(&request(url), limits, |update, _| {
        match update.outcome {
            Ok(FeedFetched::Parsed { feed, .. }) => stories += feed.stories.len(),
            other => last = other.err(),
        }
        std::thread::sleep(pause);
    });
    (stories, last)
}

#[test]
fn a_slow_caller_does_not_make_a_file_late() {
    // The caller takes longer over each batch than the whole deadline (a busy store): that time
    // is not the file's, so neither a subscription nor a named file times out.
    let dir = tempfile::tempdir().unwrap();
    let url = long_feed(dir.path(), 1000);
    let options = FetchOptions {
        timeout: Duration::from_millis(300),
        ..FetchOptions::default()
    };
    for limits in [
        FileLimits::subscription(&options),
        FileLimits::named(&options),
    ] {
        let (stories, error) = read_slowly(&url, limits, Duration::from_millis(400));
        assert_eq!((stories, error), (1000, None), "{limits:?}");
    }
}
