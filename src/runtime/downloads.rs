//! The download service: each enclosure download on a thread of its own (they are few and long),
//! its progress sent to the loop a few times a second as [`Action::DownloadProgress`], its end as
//! [`Action::DownloadFinished`].

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread;
use std::time::{Duration, Instant};

use super::Message;
use crate::action::Action;
use crate::fetch::{download, download_agent, FetchOptions};

/// The least time between two progress messages of one download: the status bar needs no more,
/// and a fast loopback download would otherwise send thousands.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// Downloads `url` into `dir` on a new thread, reporting to `tx`.
pub fn spawn_download(options: FetchOptions, url: String, dir: PathBuf, tx: Sender<Message>) {
    let _ = thread::Builder::new()
        .name("gazette-download".into())
        .spawn(move || {
            let agent = download_agent(&options);
            let mut last = Instant::now() - PROGRESS_EVERY;
            let mut progress = |done: u64, total: Option<u64>| {
                if last.elapsed() >= PROGRESS_EVERY {
                    last = Instant::now();
                    let url = url.clone();
                    let _ = tx.send(Message::App(Action::DownloadProgress { url, done, total }));
                }
            };
            let result = download(&agent, &options, &url, &dir, &mut progress);
            let _ = tx.send(Message::App(Action::DownloadFinished { url, result }));
        });
}
