//! Reading a feed file in the background: the `file:` gate ([`open_feed_file`]), the size cap and
//! deadline a subscription gets, the signature that says a file is unchanged, and the batches
//! handed to the caller as [`FeedUpdate`]s.
//!
//! A file named on the command line is the user's own choice and may be any size (streaming a
//! 254 MB feed file is the point of [`FeedStream`]): it must only keep giving stories, each batch
//! within the timeout. A `file:` subscription (from config.toml, feeds.toml or an imported OPML
//! file) is read like an HTTP feed: at most `max_bytes` (refused before reading when its size says
//! so), the whole read within `timeout`.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, UNIX_EPOCH};

use super::FeedStream;
use crate::feed::{FeedFetched, FeedUpdate, ParsedFeed};
use crate::fetch::{file_url_path, open_feed_file, timed_out, FetchOptions, FetchRequest};
use crate::news::Story;

/// How a feed file is read in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    /// The largest file read, in bytes; `None` for any size.
    pub max_bytes: Option<u64>,
    /// The deadline: for the whole read when `whole`, else for each batch.
    pub timeout: Duration,
    /// True when `timeout` covers the whole read, as an HTTP fetch's does.
    pub whole: bool,
}

impl FileLimits {
    /// A `file:` subscription: `options.max_bytes` and `options.timeout` for the whole read, as
    /// for an HTTP feed.
    pub fn subscription(options: &FetchOptions) -> FileLimits {
        FileLimits {
            max_bytes: Some(options.max_bytes),
            timeout: options.timeout,
            whole: true,
        }
    }

    /// A file named on the command line: any size, each batch within `options.timeout`.
    pub fn named(options: &FetchOptions) -> FileLimits {
        FileLimits {
            max_bytes: None,
            timeout: options.timeout,
            whole: false,
        }
    }
}

/// What says a feed file is unchanged since it was last read: its size and modification time.
/// Kept as the source's validator, like an HTTP ETag.
pub fn signature(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!(
        "file:{}:{}.{:09}",
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
}

/// Reads a whole feed file (for `--list`). Errors are one line, without the file's name.
pub fn read_all(path: &Path, url: Option<&str>) -> Result<ParsedFeed, String> {
    let mut stream = FeedStream::open(path, url)?;
    let mut stories = Vec::new();
    while let Some(batch) = stream.next_batch()? {
        stories.extend(batch);
    }
    Ok(ParsedFeed {
        title: stream.title,
        stories,
        problem: None,
    })
}

/// Reads the `file://` feed `request` names as a subscription, with the default fetch options'
/// limits; see [`read_file_with`].
pub fn read_file(request: &FetchRequest, deliver: impl FnMut(FeedUpdate, bool)) {
    let limits = FileLimits::subscription(&FetchOptions::default());
    read_file_with(request, limits, deliver)
}

/// One step of a read, from the reading thread to the caller.
enum Step {
    /// The file's signature is the request's ETag: not read again.
    Unchanged,
    /// A batch of stories, with the feed's title.
    Batch(Option<String>, Vec<Story>),
    /// The end, with the feed's title and the file's signature.
    End(Option<String>, Option<String>),
    /// What went wrong; the last step.
    Failed(String),
}

/// Reads the `file://` feed `request` names within `limits`, calling `deliver` with each batch
/// as a [`FeedUpdate`] and `true` while more are to come; the last call (`false`) carries the
/// file's [`signature`] as its ETag, or the error. A file whose signature is the request's ETag is
/// not read again ([`FeedFetched::NotModified`]). Only a regular file is read (see
/// [`open_feed_file`]); the file is read on a thread of its own, so a read that never returns
/// still ends at the deadline ("timed out after 30 s").
pub fn read_file_with(
    request: &FetchRequest,
    limits: FileLimits,
    mut deliver: impl FnMut(FeedUpdate, bool),
) {
    let source = request.source;
    let update = |outcome| FeedUpdate { source, outcome };
    let parsed = |title, stories, etag| {
        Ok(FeedFetched::Parsed {
            feed: ParsedFeed {
                title,
                stories,
                problem: None,
            },
            etag,
            last_modified: None,
        })
    };
    let (tx, steps) = mpsc::sync_channel(0);
    let reader = ReadJob {
        url: request.url.clone(),
        etag: request.etag.clone(),
        limits,
    };
    let spawned = thread::Builder::new()
        .name("gazette-read-file".into())
        .spawn(move || {
            crate::process::run_in_background();
            reader.run(&tx)
        });
    if let Err(e) = spawned {
        return deliver(update(Err(format!("cannot start reading: {e}"))), false);
    }
    relay(&steps, limits, |step| match step {
        Step::Batch(title, stories) => deliver(update(parsed(title, stories, None)), true),
        Step::Unchanged => deliver(update(Ok(FeedFetched::NotModified)), false),
        Step::End(title, signature) => deliver(update(parsed(title, Vec::new(), signature)), false),
        Step::Failed(e) => deliver(update(Err(e)), false),
    });
}

/// Hands the reading thread's steps to `deliver` until the last one, or until the deadline
/// passes, which is then the last: the whole read's, or each batch's (see [`FileLimits`]). Time
/// spent in `deliver` (the caller storing stories) is not the file's and is not counted, as an
/// HTTP fetch's deadline does not count parsing.
fn relay(steps: &Receiver<Step>, limits: FileLimits, mut deliver: impl FnMut(Step)) {
    let mut left = limits.timeout;
    loop {
        let waited = Instant::now();
        let wait = if limits.whole { left } else { limits.timeout };
        let step = match steps.recv_timeout(wait) {
            Ok(step) => step,
            Err(RecvTimeoutError::Timeout) => Step::Failed(timed_out(limits.timeout)),
            Err(RecvTimeoutError::Disconnected) => {
                Step::Failed("internal error while reading".into())
            }
        };
        left = left.saturating_sub(waited.elapsed());
        let last = !matches!(step, Step::Batch(..));
        deliver(step);
        // After the last step the reading thread is left to end: a send to a receiver dropped
        // fails, and it stops there.
        if last {
            return;
        }
    }
}

/// The reading thread's part of [`read_file_with`].
struct ReadJob {
    url: String,
    etag: Option<String>,
    limits: FileLimits,
}

impl ReadJob {
    /// Sends the steps of the read to `tx` until the end, an error, or the caller has gone.
    fn run(self, tx: &SyncSender<Step>) {
        let path = match file_url_path(&self.url) {
            Ok(path) => path,
            Err(e) => return drop(tx.send(Step::Failed(e))),
        };
        let signature = signature(&path);
        if signature.is_some() && signature == self.etag {
            return drop(tx.send(Step::Unchanged));
        }
        let file = match open_feed_file(&path, self.limits.max_bytes) {
            Ok(file) => file,
            Err(refusal) => return drop(tx.send(Step::Failed(refusal.to_string()))),
        };
        let over = Arc::new(AtomicBool::new(false));
        let guarded = Capped {
            file,
            left: self.limits.max_bytes,
            over: Arc::clone(&over),
        };
        let input = Box::new(BufReader::with_capacity(1 << 16, guarded));
        // The cap, when the file grew past it while being read, says more than the cut it made.
        let over_cap = || {
            let cap = self.limits.max_bytes.unwrap_or_default();
            over.load(Ordering::Relaxed)
                .then(|| Step::Failed(format!("larger than {}", crate::fetch::Bytes(cap))))
        };
        let mut stream = match FeedStream::from_reader(input, Some(&self.url)) {
            Ok(stream) => stream,
            Err(e) => return drop(tx.send(over_cap().unwrap_or(Step::Failed(e)))),
        };
        loop {
            let step = match stream.next_batch() {
                Ok(Some(stories)) => Step::Batch(stream.title.clone(), stories),
                Ok(None) => Step::End(stream.title.clone(), signature.clone()),
                Err(e) => Step::Failed(e),
            };
            let step = over_cap().unwrap_or(step);
            let last = !matches!(step, Step::Batch(..));
            // The caller has gone (its deadline passed): stop reading.
            if tx.send(step).is_err() || last {
                return;
            }
        }
    }
}

/// The open feed file as the stream reads it: reading stops at the cap, noted in `over`.
struct Capped {
    file: File,
    /// Bytes still allowed; `None` for any number.
    left: Option<u64>,
    over: Arc<AtomicBool>,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(left) = self.left else {
            return self.file.read(buf);
        };
        // One byte past the cap tells a file over it from one exactly at it.
        let room = usize::try_from(left.saturating_add(1)).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.file.read(&mut buf[..len])?;
        if n as u64 > left {
            self.over.store(true, Ordering::Relaxed);
            return Ok(0);
        }
        self.left = Some(left - n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends `steps` one by one, sleeping before each as long as it says.
    fn source(steps: Vec<(u64, Step)>) -> Receiver<Step> {
        let (tx, rx) = mpsc::sync_channel(0);
        thread::spawn(move || {
            for (pause, step) in steps {
                thread::sleep(Duration::from_millis(pause));
                if tx.send(step).is_err() {
                    return;
                }
            }
        });
        rx
    }

    fn batch() -> Step {
        Step::Batch(None, Vec::new())
    }

    /// What `relay` delivers: "batch", "end" or the error.
    fn relayed(steps: Vec<(u64, Step)>, limits: FileLimits, pause: u64) -> Vec<String> {
        let mut seen = Vec::new();
        relay(&source(steps), limits, |step| {
            seen.push(match step {
                Step::Batch(..) => "batch".to_owned(),
                Step::End(..) => "end".to_owned(),
                Step::Unchanged => "unchanged".to_owned(),
                Step::Failed(e) => e,
            });
            thread::sleep(Duration::from_millis(pause));
        });
        seen
    }

    fn limits(millis: u64, whole: bool) -> FileLimits {
        let timeout = Duration::from_millis(millis);
        FileLimits {
            max_bytes: None,
            timeout,
            whole,
        }
    }

    #[test]
    fn a_whole_read_ends_at_its_deadline() {
        // 1.4 s of reading in all, each step within 1 s: too long for a 1 s whole read.
        let steps = vec![(0, batch()), (400, batch()), (1000, Step::End(None, None))];
        assert_eq!(
            relayed(steps, limits(1000, true), 0),
            ["batch", "batch", "timed out after 1 s"]
        );
    }

    #[test]
    fn a_read_batch_by_batch_ends_at_a_stall_only() {
        // 1.2 s in all, each batch within 1 s: not late.
        let steps = vec![(0, batch()), (400, batch()), (800, Step::End(None, None))];
        assert_eq!(
            relayed(steps, limits(1000, false), 0),
            ["batch", "batch", "end"]
        );
        let steps = vec![(0, batch()), (1500, batch())];
        assert_eq!(
            relayed(steps, limits(500, false), 0),
            ["batch", "timed out after 500 ms"]
        );
    }

    #[test]
    fn time_spent_delivering_is_not_the_files() {
        // The caller takes 400 ms over each batch (a busy store); the file is read at once.
        let steps = vec![(0, batch()), (0, batch()), (0, Step::End(None, None))];
        assert_eq!(
            relayed(steps, limits(300, true), 400),
            ["batch", "batch", "end"]
        );
    }

    #[test]
    fn a_reader_that_dies_is_reported() {
        assert_eq!(
            relayed(vec![(0, batch())], limits(5000, true), 0),
            ["batch", "internal error while reading"]
        );
    }
}
