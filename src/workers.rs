//! Background work for the event loop: fetching feeds, reading feed files, full-text search, and
//! opening a story's text. Workers never touch the app state: each reports back as a [`Message`],
//! and hands stories to the store before the reader hears of them (so a mark set on a story always
//! finds it stored).

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread;

use anyhow::Result;

use crate::action::Action;
use crate::app::App;
use crate::config::Config;
use crate::feed::{FeedFetched, FeedUpdate};
use crate::fetch::{FetchRequest, Fetcher};
use crate::html::html_to_text;
use crate::news::{Paragraph, Pending, Story};
use crate::store::{Retention, Searcher, SourceInfo, Store, StoreWriter, Write};
use crate::terminal::Message;

/// Fetches and reads feeds in the background, saving what they bring.
pub struct Workers {
    fetcher: Fetcher,
    files: FileReader,
}

/// What a worker needs to pass a feed on: the store's queue, the loop's channel, the sources'
/// store names and the settings.
#[derive(Clone)]
struct Delivery {
    saver: Option<Sender<Write>>,
    tx: Sender<Message>,
    sources: Arc<Vec<String>>,
    config: Arc<Config>,
}

struct FileReader {
    delivery: Delivery,
}

impl Workers {
    /// Starts the fetch pool; results go to `tx`, stories to `store` first.
    pub fn new(app: &App, store: Option<&StoreWriter>, tx: Sender<Message>) -> Workers {
        let delivery = Delivery {
            saver: store.and_then(StoreWriter::queue),
            tx,
            sources: Arc::new(app.editions.iter().map(|e| e.source_key()).collect()),
            config: Arc::new(app.config.clone()),
        };
        let fetched = delivery.clone();
        let fetcher = Fetcher::new(app.config.fetch.options(), move |result| {
            // Parsing and HTML conversion happen here, on the worker thread, never on the UI's.
            fetched.deliver(crate::feed::process(result), false, now());
        });
        Workers {
            fetcher,
            files: FileReader { delivery },
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
        let spawned = thread::Builder::new()
            .name("gazette-read".into())
            .spawn(move || {
                let started = now();
                // Batches handed to the store and not yet written. Reading stays at most two
                // batches ahead of the store: what waits in its queue is held in memory.
                let mut unstored = std::collections::VecDeque::new();
                crate::ingest::read_file(&request, |update, more| {
                    unstored.extend(delivery.deliver(update, more, started));
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
                .send(Message::Feed(Box::new(update), false));
        }
    }
}

impl Delivery {
    /// Saves a feed's stories (when there is a store), then tells the loop. With a store, the
    /// reader gets the stories without their text, which it loads from the store when a story is
    /// opened: a 100,000-story feed file is not held in memory twice. Returns what says when the
    /// stories are written, when they go to the store.
    fn deliver(&self, mut update: FeedUpdate, more: bool, now: i64) -> Option<Receiver<()>> {
        let mut stored = None;
        if let Some(saver) = &self.saver {
            let source = self.sources.get(update.source).cloned().unwrap_or_default();
            let _ = saver.send(Write::Reading { source, more });
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
            let source = self.sources.get(update.source).cloned().unwrap_or_default();
            // Parts of a file are only added to; what to keep is decided once it is all read.
            let retention = if more {
                Retention::default()
            } else {
                retention(&self.config)
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
                let _ = tx.send(Message::Stored);
                let _ = written.send(());
            })));
        }
        let _ = self.tx.send(Message::Feed(Box::new(update), more));
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
        },
        _ => story.clone(),
    }
}

/// The configured retention.
pub fn retention(config: &Config) -> Retention {
    let keep = config.store;
    Retention {
        max_per_source: (keep.max_stories_per_feed > 0)
            .then_some(keep.max_stories_per_feed as usize),
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

/// Loads or converts the open story's text when it is pending, as the loop's next action. A story
/// whose batch is not stored yet is left pending: [`Message::Stored`] brings the loop back here.
pub fn open_story_text(app: &App, store: Option<&Store>) -> Option<Action> {
    let index = app.wanted_body()?;
    let body = story_text(app, index, store)?.unwrap_or_else(|e| {
        // Said in the story's place, once, rather than on every key.
        let said = format!("This story could not be read from the store: {e:#}");
        (vec![Paragraph::plain(said)], Vec::new())
    });
    Some(Action::BodyLoaded(index, Box::new(body)))
}

/// Loads the text of the story a Down would open next, if pending ([`App::next_wanted_body`]).
/// One that cannot be read is left for when it is opened, which says why.
pub fn prefetch_story_text(app: &App, store: Option<&Store>) -> Option<Action> {
    let index = app.next_wanted_body()?;
    let body = story_text(app, index, store)?.ok()?;
    Some(Action::BodyLoaded(index, Box::new(body)))
}

/// Story `index`'s text, loaded from the store or converted from HTML; None when it has none to
/// give yet.
fn story_text(
    app: &App,
    index: usize,
    store: Option<&Store>,
) -> Option<anyhow::Result<(Vec<Paragraph>, Vec<String>)>> {
    match &app.stories[index].pending {
        Pending::Nothing => None,
        Pending::Html { html, base } => {
            let converted = html_to_text(html, base.as_deref());
            Some(Ok((converted.paragraphs, converted.references)))
        }
        Pending::Stored => store?.load_body(&app.keys[index]).transpose(),
    }
}

/// Loads every stored story of `sources` on a thread of its own and sends them to the loop, which
/// started with the newest of each.
pub fn spawn_restorer(dir: &std::path::Path, sources: Vec<String>, tx: Sender<Message>) {
    let dir = dir.to_path_buf();
    // If no thread can be had, the newest stories are on screen and the rest stays stored.
    let _ = thread::Builder::new()
        .name("gazette-restore".into())
        .spawn(move || {
            let loaded = Store::open(&dir).and_then(|store| store.load_sources(&sources));
            let _ = tx.send(match loaded {
                Ok(lists) => Message::Restored(lists),
                Err(e) => Message::StoreError(format!("{e:#}")),
            });
        });
}

/// What the search thread is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchRequest {
    /// The list positions of the stories holding these words, for the filter's query number
    /// `generation`.
    Find(u64, Vec<String>),
    /// Story keys ([`crate::store::key_hash`]) at their list positions: stories newly listed, or
    /// whose key changed.
    Place(Vec<(u32, u64)>),
    /// Stories were stored: read their rows now rather than at the next search.
    CatchUp,
}

/// Starts the full-text search thread, with its own connection to the store: it answers the
/// newest request waiting (older ones are dropped unasked), so typing never waits on the index.
pub fn spawn_searcher(dir: &std::path::Path, tx: Sender<Message>) -> Result<Sender<SearchRequest>> {
    let mut searcher = Searcher::open(dir)?;
    let (requests, incoming) = mpsc::channel::<SearchRequest>();
    thread::Builder::new()
        .name("gazette-search".into())
        .spawn(move || {
            let fail = |e: anyhow::Error| {
                let _ = tx.send(Message::StoreError(format!("text search: {e:#}")));
            };
            while let Ok(first) = incoming.recv() {
                let mut newest = None;
                for request in std::iter::once(first).chain(incoming.try_iter()) {
                    match request {
                        SearchRequest::Find(generation, words) => {
                            newest = Some((generation, words))
                        }
                        SearchRequest::Place(keys) => searcher.place(keys),
                        SearchRequest::CatchUp => {}
                    }
                }
                let Some((generation, words)) = newest else {
                    // Between keystrokes: the next search finds the rows read.
                    if let Err(e) = searcher.catch_up() {
                        fail(e);
                    }
                    continue;
                };
                let positions = searcher.search(&words.join(" ")).unwrap_or_else(|e| {
                    fail(e);
                    Vec::new()
                });
                if tx
                    .send(Message::TextResults(generation, positions))
                    .is_err()
                {
                    return;
                }
            }
        })?;
    Ok(requests)
}
