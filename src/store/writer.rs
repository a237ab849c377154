//! The writer thread: writes leave the UI thread at once and are applied in order on a connection
//! of their own.

use std::collections::HashSet;
use std::path::Path;
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::time::Duration;

use crate::news::Story;

use super::{Retention, Store};

/// How long [`StoreWriter::flush`] (and dropping the writer) waits for the queue to drain.
const FLUSH_WAIT: Duration = Duration::from_secs(5);

/// Stories indexed per transaction when the writer is idle: small enough (tens of milliseconds)
/// that a write arriving meanwhile waits little.
const INDEX_CHUNK: usize = 1000;

/// A write for the [`StoreWriter`] thread.
pub enum Write {
    /// [`Store::save_source`].
    SaveSource {
        /// The source (feed URL, or `edition:<name>`).
        source: String,
        /// Its stories, as fetched.
        stories: Vec<Story>,
        /// The fetch time, seconds since the Unix epoch.
        now: i64,
        /// What to keep of the source.
        retention: Retention,
    },
    /// A source's stories are being read in parts (`more`), or its reading is over. The
    /// full-text index waits while any source is being read: indexing between the parts of a
    /// large file would take the cores that read it.
    Reading {
        /// The source.
        source: String,
        /// More parts are to come.
        more: bool,
    },
    /// [`Store::set_marks`]: `(key, read, starred)`.
    Marks(Vec<(String, bool, bool)>),
    /// Remembers a source's title and validators.
    SourceInfo {
        /// The source (feed URL).
        source: String,
        /// What to remember.
        info: super::SourceInfo,
    },
    /// [`Store::save_article`]: reader mode's article of the story stored under `key`.
    Article {
        /// The story's key.
        key: String,
        /// The article.
        article: Box<crate::article::Article>,
    },
    /// [`Store::note_fetches`]: how a source's fetch went (None: well) at `at`.
    Fetched {
        /// The source.
        source: String,
        /// The error, if it failed.
        error: Option<String>,
        /// When, seconds since the Unix epoch.
        at: i64,
    },
    /// Replies when everything before it is done (for tests and for quitting).
    Flush(Sender<()>),
    /// Runs when everything before it is done (tells the reader a batch of stories is stored).
    Then(Box<dyn FnOnce() + Send>),
}

impl std::fmt::Debug for Write {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Write::SaveSource {
                source, stories, ..
            } => write!(f, "SaveSource({source}, {} stories)", stories.len()),
            Write::Reading { source, more } => write!(f, "Reading({source}, {more})"),
            Write::Marks(marks) => write!(f, "Marks({marks:?})"),
            Write::Article { key, .. } => write!(f, "Article({key})"),
            Write::SourceInfo { source, info } => write!(f, "SourceInfo({source}, {info:?})"),
            Write::Fetched { source, error, .. } => write!(f, "Fetched({source}, {error:?})"),
            Write::Flush(_) => f.write_str("Flush"),
            Write::Then(_) => f.write_str("Then"),
        }
    }
}

/// What the writer tells its owner besides doing the writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEvent {
    /// A write failed (disk full, read-only, damaged): the reason in one line, and the marks that
    /// write carried (none for other writes), which are not saved.
    Failed {
        /// Why, naming the database file.
        reason: String,
        /// The marks not saved: `(key, read, starred)`.
        marks: Vec<(String, bool, bool)>,
    },
    /// A write succeeded after one had failed.
    Recovered,
    /// More stories were added to the full-text index (a search made before may find more now).
    Indexed,
}

/// A writer thread owning its own connection, so the UI thread never waits on a write: commands are
/// applied in order, each in its transaction; a failure (and the first success after one) goes to
/// `on_event`. When no write is waiting, it adds saved stories to the full-text index, a chunk per
/// transaction.
///
/// Dropping it lets the thread finish what was sent, waiting at most 5 s for that.
pub struct StoreWriter {
    queue: Option<Sender<Write>>,
    finished: Receiver<()>,
}

/// The writer thread's state between writes.
struct Writing {
    store: Store,
    /// Sources whose last save failed: their validators are not kept either, or the next run
    /// would get a 304 for stories that were never stored.
    unsaved: HashSet<String>,
    /// True while saved stories may be waiting for the index (those of the last run too).
    indexing: bool,
    /// Sources being read in parts.
    reading: HashSet<String>,
    /// True since a write failed, until one succeeds.
    failing: bool,
}

impl Writing {
    /// Applies writes until every sender is gone, indexing while none is waiting.
    fn run(mut self, writes: Receiver<Write>, on_event: impl Fn(StoreEvent)) {
        loop {
            let write = match writes.try_recv() {
                Ok(write) => write,
                Err(TryRecvError::Disconnected) => break,
                Err(TryRecvError::Empty) if self.indexing && self.reading.is_empty() => {
                    match self.store.index_pending(INDEX_CHUNK) {
                        Ok(0) => self.indexing = false,
                        Ok(_) => on_event(StoreEvent::Indexed),
                        Err(e) => {
                            self.indexing = false;
                            on_event(self.failed(e, Vec::new()));
                        }
                    }
                    continue;
                }
                Err(TryRecvError::Empty) => match writes.recv() {
                    Ok(write) => write,
                    Err(_) => break,
                },
            };
            if let Some(event) = self.apply(write) {
                on_event(event);
            }
        }
    }

    /// Applies one write; says so if it failed, or if it succeeded after a failure.
    fn apply(&mut self, write: Write) -> Option<StoreEvent> {
        let result = match write {
            Write::SaveSource {
                source,
                stories,
                now,
                retention,
            } => {
                let saved = self.store.save_source(&source, &stories, now, retention);
                self.indexing = true;
                if saved.is_err() {
                    self.unsaved.insert(source);
                } else {
                    self.unsaved.remove(&source);
                }
                saved.map(drop)
            }
            Write::Reading { source, more } => {
                if more {
                    self.reading.insert(source);
                } else {
                    self.reading.remove(&source);
                }
                return None;
            }
            Write::Marks(marks) => match self.store.set_marks(&marks) {
                Err(e) => return Some(self.failed(e, marks)),
                ok => ok,
            },
            Write::Article { key, article } => {
                // The story leaves the index until the indexer adds it back with the article.
                self.indexing = true;
                self.store.save_article(&key, &article).map(drop)
            }
            Write::SourceInfo { source, .. } if self.unsaved.contains(&source) => return None,
            Write::SourceInfo { source, info } => self.store.set_source_info(&source, &info),
            Write::Fetched { source, error, at } => self.store.note_fetches(&[(source, error)], at),
            Write::Flush(reply) => {
                let _ = reply.send(());
                return None;
            }
            Write::Then(then) => {
                then();
                return None;
            }
        };
        match result {
            Err(e) => Some(self.failed(e, Vec::new())),
            Ok(()) if self.failing => {
                self.failing = false;
                Some(StoreEvent::Recovered)
            }
            Ok(()) => None,
        }
    }

    fn failed(&mut self, error: anyhow::Error, marks: Vec<(String, bool, bool)>) -> StoreEvent {
        self.failing = true;
        StoreEvent::Failed {
            reason: format!("{error:#}"),
            marks,
        }
    }
}

impl StoreWriter {
    /// Opens its own [`Store`] on `dir` (so an unusable database is reported here, at once) and
    /// starts the thread.
    pub fn spawn(
        dir: &Path,
        on_event: impl Fn(StoreEvent) + Send + 'static,
    ) -> anyhow::Result<StoreWriter> {
        let writing = Writing {
            store: Store::open(dir)?,
            unsaved: HashSet::new(),
            indexing: true,
            reading: HashSet::new(),
            failing: false,
        };
        let (queue, writes) = channel::<Write>();
        let (finish, finished) = channel();
        std::thread::Builder::new()
            .name("gazette-store".into())
            .spawn(move || {
                crate::process::run_in_background();
                writing.run(writes, on_event);
                let _ = finish.send(());
            })
            .map_err(|e| anyhow::anyhow!("cannot start the store writer: {e}"))?;
        Ok(StoreWriter {
            queue: Some(queue),
            finished,
        })
    }

    /// Queues a write; returns at once.
    pub fn send(&self, write: Write) {
        if let Some(queue) = &self.queue {
            // The thread only stops once this writer and every queue() handle are dropped.
            let _ = queue.send(write);
        }
    }

    /// Waits (at most 5 s) until every write sent so far is committed. Used before exit.
    pub fn flush(&self) {
        let (reply, done) = channel();
        self.send(Write::Flush(reply));
        let _ = done.recv_timeout(FLUSH_WAIT);
    }
}

impl StoreWriter {
    /// A queue handle other threads can send writes on (fetch workers save what they fetched),
    /// in order with this writer's own.
    pub fn queue(&self) -> Option<Sender<Write>> {
        self.queue.clone()
    }
}

impl StoreWriter {
    /// Waits until everything sent so far is committed, then lets the writer go without waiting
    /// for its thread: other queue handles (fetch workers still finishing a request) may keep it
    /// alive a little longer, and anything they send is then written or, at exit, never started.
    pub fn close(self) {
        self.flush();
        let mut this = std::mem::ManuallyDrop::new(self);
        this.queue = None;
    }
}

impl Drop for StoreWriter {
    fn drop(&mut self) {
        self.queue = None;
        let _ = self.finished.recv_timeout(FLUSH_WAIT);
    }
}
