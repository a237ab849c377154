//! The feed service: fetching feeds on a pool of workers and reading feed files on threads of
//! their own. Workers never touch the app state: each hands its stories to the store first (so a
//! mark set on a story always finds it stored), then reports back as a [`Message`].

use std::collections::HashSet;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread;

use super::Message;
use crate::action::Action;
use crate::config::Config;
use crate::feed::{FeedFetched, FeedUpdate};
use crate::fetch::{FetchRequest, Fetcher};
use crate::news::{Pending, Story};
use crate::store::{Retention, SourceInfo, StoreWriter, Write};

/// Fetches and reads feeds in the background, saving what they bring.
pub struct Workers {
    fetcher: Fetcher,
    files: FileReader,
}

/// What a worker needs to pass a feed on: the store's queue, the loop's channel and the settings.
/// (A feed's store name is its URL, so a feed subscribed to while running is stored as any.)
#[derive(Clone)]
struct Delivery {
    saver: Option<Sender<Write>>,
    tx: Sender<Message>,
    config: Arc<Config>,
}

/// Where a feed's stories go in the store: its store name (the request's URL) and how many of
/// them to keep (the subscription's own `max_stories`).
struct Route {
    source: String,
    max_stories: Option<u32>,
}

impl Route {
    fn of(request: &FetchRequest) -> Route {
        Route {
            source: request.url.clone(),
            max_stories: request.max_stories,
        }
    }
}

struct FileReader {
    delivery: Delivery,
    /// The sources that are feed files named on the command line (read at any size); other
    /// `file:` sources are subscriptions, read within the HTTP limits.
    named: Arc<HashSet<usize>>,
}

/// What the workers know of the sources, by index.
pub struct Sources {
    /// The feed files named on the command line (read at any size).
    pub named_files: Arc<HashSet<usize>>,
    /// The http(s) URLs named on the command line: a web page there leads to its feed.
    pub named_pages: Arc<HashSet<usize>>,
}

impl Workers {
    /// Starts the fetch pool for `sources`; results go to `tx`, stories to `store` first.
    pub fn new(
        config: Arc<Config>,
        sources: Sources,
        store: Option<&StoreWriter>,
        tx: Sender<Message>,
    ) -> Workers {
        let delivery = Delivery {
            saver: store.and_then(StoreWriter::queue),
            tx,
            config: config.clone(),
        };
        let fetched = delivery.clone();
        let options = config.fetch.options();
        let (agent, pages) = (crate::fetch::agent(&options), sources.named_pages);
        let page_options = options.clone();
        let fetcher = Fetcher::new(options, move |result| {
            // Stored under the URL asked for, also when its page led to a feed elsewhere.
            let route = Route::of(&result.request);
            let result = if pages.contains(&result.request.source) {
                crate::discover::follow_page(&agent, &page_options, result)
            } else {
                result
            };
            // Parsing and HTML conversion happen here, on the worker thread, never on the UI's.
            fetched.deliver(&route, crate::feed::process(result), false, now());
        });
        let named = sources.named_files;
        Workers {
            fetcher,
            files: FileReader { delivery, named },
        }
    }

    /// Fetches (http, https) or reads (file) each request's feed, in the background.
    pub fn fetch(&self, requests: Vec<FetchRequest>) {
        let (files, network): (Vec<_>, Vec<_>) = requests.into_iter().partition(|r| {
            r.url
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("file://"))
        });
        self.fetcher.fetch_all(network);
        for request in files {
            self.files.read(request);
        }
    }
}

impl FileReader {
    /// Reads a feed file on a thread of its own, batch by batch (see [`crate::ingest`]).
    fn read(&self, request: FetchRequest) {
        let delivery = self.delivery.clone();
        let options = delivery.config.fetch.options();
        let limits = if self.named.contains(&request.source) {
            crate::ingest::FileLimits::named(&options)
        } else {
            crate::ingest::FileLimits::subscription(&options)
        };
        let spawned = thread::Builder::new()
            .name("gazette-read".into())
            .spawn(move || {
                let started = now();
                // Batches handed to the store and not yet written. Reading stays at most two
                // batches ahead of the store: what waits in its queue is held in memory.
                let mut unstored = std::collections::VecDeque::new();
                let route = Route::of(&request);
                crate::ingest::read_file_with(&request, limits, |update, more| {
                    unstored.extend(delivery.deliver(&route, update, more, started));
                    while unstored.len() > 2 {
                        // An error means the writer is gone: nothing to wait for.
                        let _ = unstored
                            .pop_front()
                            .map(|stored: Receiver<()>| stored.recv());
                    }
                });
            });
        if let Err(e) = spawned {
            let update = FeedUpdate {
                source: usize::MAX,
                outcome: Err(format!("cannot start reading: {e}")),
            };
            let _ = self
                .delivery
                .tx
                .send(Message::App(Action::FeedUpdated(Box::new(update))));
        }
    }
}

impl Delivery {
    /// Saves a feed's stories (when there is a store), then tells the loop. With a store, the
    /// reader gets the stories without their text, which it loads from the store when a story is
    /// opened: a 100,000-story feed file is not held in memory twice. Returns what says when the
    /// stories are written, when they go to the store.
    fn deliver(
        &self,
        route: &Route,
        mut update: FeedUpdate,
        more: bool,
        now: i64,
    ) -> Option<Receiver<()>> {
        let mut stored = None;
        if let Some(saver) = &self.saver {
            let source = route.source.clone();
            let _ = saver.send(Write::Reading { source, more });
            if !more {
                // For `gazette feeds`: when it was last fetched, and its last error.
                let error = update.outcome.as_ref().err().cloned();
                let source = route.source.clone();
                let _ = saver.send(Write::Fetched {
                    source,
                    error,
                    at: now,
                });
            }
        }
        if let (
            Some(saver),
            Ok(FeedFetched::Parsed {
                feed,
                etag,
                last_modified,
            }),
        ) = (&self.saver, &mut update.outcome)
        {
            let source = route.source.clone();
            // Parts of a file are only added to; what to keep is decided once it is all read.
            let retention = if more {
                Retention::default()
            } else {
                retention_for(&self.config, route.max_stories)
            };
            let stories = if feed
                .stories
                .iter()
                .any(|s| matches!(s.pending, Pending::Html { .. }))
            {
                let lean = feed.stories.iter().map(without_text).collect();
                std::mem::replace(&mut feed.stories, lean)
            } else {
                feed.stories.clone()
            };
            let _ = saver.send(save(source.clone(), stories, now, retention));
            if !more {
                let info = SourceInfo {
                    title: feed.title.clone(),
                    etag: etag.clone(),
                    last_modified: last_modified.clone(),
                };
                let _ = saver.send(Write::SourceInfo { source, info });
            }
            let tx = self.tx.clone();
            let (written, receiver) = mpsc::sync_channel(1);
            stored = Some(receiver);
            let _ = saver.send(Write::Then(Box::new(move || {
                let _ = tx.send(Message::App(Action::Stored));
                let _ = written.send(());
            })));
        }
        let update = Box::new(update);
        let _ = self.tx.send(Message::App(if more {
            Action::FeedBatch(update)
        } else {
            Action::FeedUpdated(update)
        }));
        stored
    }
}

/// A story as the reader holds it while its text is in the store.
fn without_text(story: &Story) -> Story {
    match story.pending {
        Pending::Html { .. } => Story {
            pending: Pending::Stored,
            title: story.title.clone(),
            link: story.link.clone(),
            author: story.author.clone(),
            id: story.id.clone(),
            published: story.published,
            edition: story.edition,
            paragraphs: Vec::new(),
            references: Vec::new(),
            enclosures: story.enclosures.clone(),
        },
        _ => story.clone(),
    }
}

/// The configured retention.
pub fn retention(config: &Config) -> Retention {
    retention_for(config, None)
}

/// The retention of a feed whose subscription keeps `max_stories` (over the `[store]` setting).
pub fn retention_for(config: &Config, max_stories: Option<u32>) -> Retention {
    let keep = config.store;
    let max = max_stories.unwrap_or(keep.max_stories_per_feed);
    Retention {
        max_per_source: (max > 0).then_some(max as usize),
        max_age_days: (keep.max_age_days > 0).then_some(keep.max_age_days),
    }
}

/// A store write saving `stories` as source `source`'s, fetched at `now` (seconds since the Unix
/// epoch; the parts of one feed file share theirs).
pub fn save(source: String, stories: Vec<Story>, now: i64, retention: Retention) -> Write {
    Write::SaveSource {
        source,
        stories,
        now,
        retention,
    }
}

/// Now, in seconds since the Unix epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
