//! `--list`: every headline, with feed files read to the end and feeds fetched now, printed one
//! per line for scripts and pipes.

use std::io::Write;

use crate::config::Config;
use crate::feed::FeedFetched;
use crate::fetch::{FetchRequest, Fetcher};
use crate::ingest::FeedStream;
use crate::news::{Pending, Story};
use crate::source::Library;

/// What `--list` says of a feed that yields no entries, rather than nothing at all (with no
/// stories anywhere, the run then fails).
pub const NO_ENTRIES: &str = "no entries in this feed";

/// For `--list`: reads each feed file to the end, its stories replacing the first ones read and
/// any stored copy. Only headlines are listed, so each entry's text is dropped as it is read: a
/// feed of any size is listed in little memory.
pub fn read_feed_files(library: &mut Library) -> Result<(), String> {
    for (i, path) in std::mem::take(&mut library.feed_files) {
        let url = library.editions[i].url.clone();
        let problem = |e: String| format!("{}: {e}", crate::source::shown(&path));
        let mut stream = FeedStream::open(&path, url.as_deref()).map_err(problem)?;
        library.stories.retain(|s| s.edition != i);
        let mut read = 0;
        loop {
            let batch = match stream.next_batch() {
                Ok(Some(batch)) => batch,
                Ok(None) => break,
                // A syntax error after some entries: they stand, and the error is that feed's.
                Err(e) if read > 0 => {
                    library.notes.push(problem(e));
                    break;
                }
                Err(e) => return Err(problem(e)),
            };
            read += batch.len();
            let headlines = batch.into_iter().map(|s| Story {
                pending: Pending::Nothing,
                ..s
            });
            library.add_stories(i, headlines.collect());
        }
        if read == 0 {
            library.notes.push(problem(NO_ENTRIES.to_string()));
        }
    }
    // Sources in the order given, as they were listed before.
    library.stories.sort_by_key(|s| s.edition);
    Ok(())
}

/// For `--list`: fetches the feeds that have no stories yet, waiting for them (in parallel), and
/// notes the failures.
pub fn fetch_now(mut library: Library, config: &Config) -> Library {
    let requests: Vec<FetchRequest> = (0..library.editions.len())
        .filter(|&i| {
            // A feed file named on the command line was read above, empty or not.
            let edition = &library.editions[i];
            edition.is_feed()
                && !edition.named_file
                && !library.stories.iter().any(|s| s.edition == i)
        })
        .map(|i| FetchRequest {
            source: i,
            url: library.editions[i].url.clone().unwrap_or_default(),
            etag: None,
            last_modified: None,
        })
        .collect();
    let count = requests.len();
    let (tx, rx) = std::sync::mpsc::channel();
    let fetcher = Fetcher::new(config.fetch.options(), move |result| {
        let _ = tx.send(crate::feed::process(result));
    });
    fetcher.fetch_all(requests);
    let mut updates: Vec<_> = rx.iter().take(count).collect();
    updates.sort_by_key(|u| u.source);
    for update in updates {
        let name = library.editions[update.source].full_name().to_string();
        match update.outcome {
            Ok(FeedFetched::Parsed { feed, .. }) => {
                if feed.stories.is_empty() {
                    library.notes.push(format!("{name}: {NO_ENTRIES}"));
                }
                library
                    .notes
                    .extend(feed.problem.map(|p| format!("{name}: {p}")));
                library.add_stories(update.source, feed.stories)
            }
            Ok(FeedFetched::NotModified) => {}
            Err(e) => library.notes.push(format!("{name}: {e}")),
        }
    }
    library
}

/// Prints the headlines, one per line. A closed pipe (`gazette --list | head`) is the reader's
/// choice, not an error; any other failure to write is returned.
pub fn print_list(library: &Library) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = library
        .stories
        .iter()
        .try_for_each(|story| writeln!(out, "{}", story.title))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
