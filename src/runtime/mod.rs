//! The runtime: owns the background services (store writer, story texts, full-text search,
//! restorer, feed fetching and reading, the refresh timer), carries out the [`Effect`]s `update`
//! returns, and brings every result back as a [`Message`] on the event loop's one channel.

mod articles;
mod downloads;
mod feeds;
mod search;
mod subscribe;
pub mod sync;

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::thread;

use anyhow::Result;
use ratatui::crossterm::event::Event;

use crate::action::{Action, Effect, TextRequest};
use crate::app::App;
use crate::config::Config;
use crate::html::html_to_text;
use crate::news::{Paragraph, Pending};
use crate::store::{Store, StoreEvent, StoreWriter, Write};

pub use feeds::{now, retention, retention_for, save, Sources, Workers};
pub use search::{spawn_searcher, SearchRequest, FIRST_ANSWER};

/// What reaches the event loop: everything arrives as a message on one channel, so the loop can
/// block until something happens and background work never touches the state directly.
#[derive(Debug)]
pub enum Message {
    /// A terminal event (key, mouse, resize).
    Input(Event),
    /// Reading terminal input failed.
    InputError(String),
    /// A termination signal.
    Signal(i32),
    /// A result or an event for the app: a feed's answer, a story's text, a search's answer,
    /// stories stored, a notice, the refresh timer.
    App(Action),
}

/// The services, started once the first frame is out: opening the store's other connections
/// takes some milliseconds, and keys typed meanwhile wait in the channel.
struct Services {
    // Dropped in this order: the workers' queue handles go before the writer, whose drop waits
    // for its thread, which ends once every handle is gone.
    feeds: Workers,
    /// The sync thread, with `[sync]` set.
    sync: Option<sync::SyncThread>,
    searcher: Option<Sender<SearchRequest>>,
    writer: Option<StoreWriter>,
}

/// Carries out effects. Answers the screen waits for (a story's text) are sent on the channel at
/// once, so the loop takes them in before it draws; nothing waits for a key.
pub struct Runtime {
    tx: Sender<Message>,
    /// The store connection that reads story texts, on the UI thread: one indexed row, well under
    /// a millisecond.
    texts: Option<Store>,
    data_dir: Option<PathBuf>,
    config: Arc<Config>,
    named_files: Arc<std::collections::HashSet<usize>>,
    /// The http(s) sources named on the command line, whose web page leads to their feed.
    named_pages: Arc<std::collections::HashSet<usize>>,
    services: Option<Services>,
    /// True once the store may hold an article: only then is one looked for with a story's text.
    articles_stored: bool,
    /// Reader mode's page fetchers, started with the first article asked for.
    articles: Option<articles::Articles>,
    /// Effects kept for after the frame: those for services not started yet, and the marks and
    /// the text loaded ahead, which would take a core from the frame.
    after_frame: Vec<Effect>,
    /// What the sync thread needs, kept until the services start.
    sync_setup: Option<sync::SyncSetup>,
}

impl Runtime {
    /// A runtime for `app`'s sources and settings, its results going to `tx`. `store` is the
    /// store opened in `data_dir`, kept for reading story texts. Starts no thread yet.
    pub fn new(app: &App, store: Option<(Store, &Path)>, tx: Sender<Message>) -> Runtime {
        let (texts, data_dir) = store.unzip();
        let articles_stored = texts.as_ref().is_some_and(Store::has_articles);
        Runtime {
            tx,
            texts,
            data_dir: data_dir.map(Path::to_path_buf),
            config: Arc::new(app.config.clone()),
            named_files: Arc::new(
                (0..app.editions.len())
                    .filter(|&i| app.editions[i].named_file)
                    .collect(),
            ),
            named_pages: Arc::new(
                (0..app.editions.len())
                    .filter(|&i| app.editions[i].follow_page)
                    .collect(),
            ),
            services: None,
            articles_stored,
            articles: None,
            after_frame: Vec::new(),
            sync_setup: None,
        }
    }

    /// Syncs with a feed server: subscription changes go to it rather than feeds.toml, and
    /// [`Effect::Sync`] asks it for what changed.
    pub fn with_sync(mut self, setup: Option<sync::SyncSetup>) -> Runtime {
        self.sync_setup = setup;
        self
    }

    /// Carries out one effect, now or once the frame is out. The terminal's own effects (quit,
    /// redraw, suspend, copy) are the event loop's, not these.
    pub fn perform(&mut self, effect: Effect) {
        if matches!(effect, Effect::SaveArticle { .. }) {
            // From now on, opening a story looks for its article in the store.
            self.articles_stored = true;
        }
        match effect {
            Effect::LoadText(request) => self.load_text(request, false),
            Effect::LoadDetails(story, key) => {
                let details = self.texts.as_ref().map(|s| s.load_details(&key));
                if let Some(Ok(Some(details))) = details {
                    let loaded = Action::DetailsLoaded(story, Box::new(details));
                    let _ = self.tx.send(Message::App(loaded));
                }
            }
            Effect::Later(wait, action) => send_later(self.tx.clone(), wait, *action),
            Effect::FetchArticle { story, url } => {
                let (options, tx) = (self.config.fetch.options(), self.tx.clone());
                let articles = self
                    .articles
                    .get_or_insert_with(|| articles::Articles::spawn(options, tx));
                articles.fetch(story, url);
            }
            Effect::Open(url) => {
                if let Err(e) = crate::links::open(&url, &self.config.browser) {
                    self.notify(format!("Could not open the link: {e}"));
                }
            }
            Effect::Play(url) => {
                if let Err(e) = crate::enclosure::play(&self.config.podcasts.player, &url) {
                    self.notify(format!("Could not play it: {e}"));
                }
            }
            Effect::Download { url, dir } => {
                let (options, tx) = (self.config.fetch.options(), self.tx.clone());
                downloads::spawn_download(options, url, dir, tx);
            }
            effect @ (Effect::AddFeed { .. }
            | Effect::RemoveFeed { .. }
            | Effect::EditFeed { .. })
                if self.syncs() =>
            {
                self.after_frame.push(effect);
            }
            effect @ (Effect::SaveUiState(_)
            | Effect::AddFeed { .. }
            | Effect::RemoveFeed { .. }
            | Effect::EditFeed { .. }
            | Effect::SaveSearch { .. }) => self.perform_change(effect),
            Effect::SaveMarks(_) | Effect::PrefetchText(_) => self.after_frame.push(effect),
            other => match &self.services {
                Some(services) => self.perform_background(services, other),
                None => self.after_frame.push(other),
            },
        }
    }

    /// True when the reader syncs with a feed server.
    fn syncs(&self) -> bool {
        self.sync_setup.is_some() || self.services.as_ref().is_some_and(|s| s.sync.is_some())
    }

    /// The settings it runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Carries out a change to a file the user keeps (the pane's state, feeds.toml, config.toml),
    /// each on a thread of its own; what it says comes back as an action.
    fn perform_change(&self, effect: Effect) {
        match effect {
            Effect::SaveUiState(state) => {
                if let Some(dir) = self.data_dir.clone() {
                    // Nothing to say when it works; a failure costs only the memory of the pane.
                    in_background(self.tx.clone(), move || {
                        crate::ui_state::save(&dir, &state)
                            .err()
                            .map(|e| format!("Could not keep the pane's state: {e:#}"))
                    });
                }
            }
            Effect::AddFeed { url, feeds_file } => {
                let change = subscribe::Change::Add(url);
                subscribe::spawn(change, feeds_file, &self.config, self.tx.clone());
            }
            Effect::RemoveFeed { url, feeds_file } => {
                let change = subscribe::Change::Remove(url);
                subscribe::spawn(change, feeds_file, &self.config, self.tx.clone());
            }
            Effect::EditFeed {
                url,
                name,
                tags,
                feeds_file,
            } => {
                let change = subscribe::Change::Edit(url, name, tags);
                subscribe::spawn(change, feeds_file, &self.config, self.tx.clone());
            }
            Effect::SaveSearch { path, search } => in_background(self.tx.clone(), move || {
                Some(match crate::rules::append_search(&path, &search) {
                    Ok(()) => format!("Saved the search \"{}\" in {}", search.name, path.display()),
                    Err(e) => format!("Could not save the search: {e:#}"),
                })
            }),
            _ => {}
        }
    }

    /// Runs what waited for the frame to be out, starting the services the first time.
    pub fn after_frame(&mut self) -> Result<()> {
        if self.services.is_none() {
            self.services = Some(self.start_services()?);
        }
        for effect in std::mem::take(&mut self.after_frame) {
            match effect {
                Effect::PrefetchText(request) => self.load_text(request, true),
                other => {
                    if let Some(services) = &self.services {
                        self.perform_background(services, other);
                    }
                }
            }
        }
        Ok(())
    }

    /// Saves the marks still waiting and waits until the store has committed everything sent.
    /// The one way out of the reader.
    pub fn finish(mut self) {
        let marks = std::mem::take(&mut self.after_frame)
            .into_iter()
            .filter_map(|e| match e {
                Effect::SaveMarks(marks) => Some(marks),
                _ => None,
            });
        let services = self.services.take();
        let writer = match services {
            Some(services) => services.writer,
            // Never started (an error before the first frame): a writer just for the marks, whose
            // failures are reported as any writer's are.
            None => self
                .data_dir
                .as_deref()
                .and_then(|dir| StoreWriter::spawn(dir, store_reporter(self.tx.clone())).ok()),
        };
        if let Some(writer) = writer {
            for marks in marks {
                writer.send(Write::Marks(marks));
            }
            writer.close();
        }
    }

    fn start_services(&mut self) -> Result<Services> {
        let writer = match &self.data_dir {
            Some(dir) => Some(StoreWriter::spawn(dir, store_reporter(self.tx.clone()))?),
            None => None,
        };
        let searcher = match &self.data_dir {
            Some(dir) => Some(spawn_searcher(dir, self.tx.clone())?),
            None => None,
        };
        spawn_refresh_timer(self.tx.clone(), self.config.fetch.auto_refresh_minutes);
        let feeds = Workers::new(
            self.config.clone(),
            feeds::Sources {
                named_files: self.named_files.clone(),
                named_pages: self.named_pages.clone(),
            },
            writer.as_ref(),
            self.tx.clone(),
        );
        let sync =
            (self.sync_setup.take()).map(|setup| sync::SyncThread::spawn(setup, self.tx.clone()));
        Ok(Services {
            feeds,
            sync,
            searcher,
            writer,
        })
    }

    fn perform_background(&self, services: &Services, effect: Effect) {
        let search = |request| {
            if let Some(searcher) = &services.searcher {
                let _ = searcher.send(request);
            }
        };
        let store = |write| {
            if let Some(writer) = &services.writer {
                writer.send(write);
            }
        };
        let sync = |request| {
            if let Some(thread) = &services.sync {
                thread.send(request);
            }
        };
        match effect {
            Effect::Fetch(requests) => services.feeds.fetch(requests),
            Effect::Sync => sync(sync::SyncRequest::Sync),
            Effect::AddFeed { url, .. } => {
                sync(sync::SyncRequest::Change(sync::FeedChange::Add(url)))
            }
            Effect::RemoveFeed { url, .. } => {
                sync(sync::SyncRequest::Change(sync::FeedChange::Remove(url)))
            }
            Effect::EditFeed {
                url, name, tags, ..
            } => sync(sync::SyncRequest::Change(sync::FeedChange::Edit(
                url, name, tags,
            ))),
            Effect::SaveMarks(marks) => store(Write::Marks(marks)),
            Effect::SaveArticle { key, article } => store(Write::Article { key, article }),
            Effect::SaveStories { source, stories } => {
                store(save(source, stories, now(), retention(&self.config)))
            }
            Effect::RestoreStored(sources) => {
                if let Some(dir) = &self.data_dir {
                    spawn_restorer(dir, sources, self.tx.clone());
                }
            }
            Effect::Search(generation, words) => search(SearchRequest::Find(generation, words)),
            Effect::PlaceKeys(keys) => search(SearchRequest::Place(keys)),
            Effect::PlaceRows(first, rows) => search(SearchRequest::PlaceRows(first, rows)),
            Effect::CatchUpIndex => search(SearchRequest::CatchUp),
            // Carried out in `perform`, or by the event loop (the terminal's own).
            Effect::LoadText(_)
            | Effect::LoadDetails(..)
            | Effect::Later(..)
            | Effect::SaveUiState(_)
            | Effect::SaveSearch { .. }
            | Effect::FetchArticle { .. }
            | Effect::PrefetchText(_)
            | Effect::Open(_)
            | Effect::Play(_)
            | Effect::Download { .. }
            | Effect::Quit
            | Effect::Interrupt
            | Effect::Copy(_)
            | Effect::Redraw
            | Effect::Suspend => {}
        }
    }

    /// Loads or converts a story's text and sends it as [`Action::BodyLoaded`]. A story whose row
    /// is not stored yet gets no answer: [`Action::Stored`] makes the app ask again. A text that
    /// cannot be read is said in the story's place, once; one loaded ahead is left for when it is
    /// opened, which says why.
    fn load_text(&self, request: TextRequest, ahead: bool) {
        let body = match request.pending {
            Pending::Nothing => return,
            Pending::Html { html, base } => {
                let converted = html_to_text(&html, base.as_deref());
                Ok((converted.paragraphs, converted.references))
            }
            Pending::Stored => match self.texts.as_ref().map(|s| s.load_body(&request.key)) {
                None | Some(Ok(None)) => return,
                Some(Ok(Some(body))) => Ok(body),
                Some(Err(e)) => Err(e),
            },
        };
        let body = match body {
            Ok(body) => body,
            Err(_) if ahead => return,
            Err(e) => {
                let said = format!("This story could not be read from the store: {e:#}");
                (vec![Paragraph::plain(said)], Vec::new())
            }
        };
        let loaded = Action::BodyLoaded(request.story, Box::new(body));
        let _ = self.tx.send(Message::App(loaded));
        // Reader mode's article, if one was kept: shown with the text.
        let texts = self.texts.as_ref().filter(|_| self.articles_stored);
        let article = texts.map(|s| s.load_article(&request.key));
        if let Some(Ok(Some(article))) = article {
            let stored = Action::ArticleStored(request.story, Box::new(article));
            let _ = self.tx.send(Message::App(stored));
        }
    }

    fn notify(&self, text: String) {
        let _ = self.tx.send(Message::App(Action::Notify(text)));
    }
}

/// Loads every stored story of `sources` on a thread of its own and sends them to the loop, which
/// started with the newest of each.
fn spawn_restorer(dir: &Path, sources: Vec<String>, tx: Sender<Message>) {
    let dir = dir.to_path_buf();
    // If no thread can be had, the newest stories are on screen and the rest stays stored.
    let _ = thread::Builder::new()
        .name("gazette-restore".into())
        .spawn(move || {
            crate::process::run_in_background();
            let loaded = Store::open(&dir).and_then(|store| store.load_lists(&sources));
            let _ = tx.send(Message::App(match loaded {
                Ok(lists) => Action::Restored(Box::new(lists)),
                Err(e) => Action::Notify(format!("Store: {e:#}")),
            }));
        });
}

/// What the store writer says, as actions on the loop's channel.
fn store_reporter(tx: Sender<Message>) -> impl Fn(StoreEvent) + Send + 'static {
    move |event| {
        let _ = tx.send(Message::App(match event {
            StoreEvent::Failed { reason, marks } => Action::StoreFailed(reason, marks),
            StoreEvent::Recovered => Action::StoreRecovered,
            StoreEvent::Indexed => Action::Indexed,
        }));
    }
}

/// Runs `job` on a thread of its own; what it says (if anything) goes to the status bar.
fn in_background(tx: Sender<Message>, job: impl FnOnce() -> Option<String> + Send + 'static) {
    let _ = thread::Builder::new()
        .name("gazette-write".into())
        .spawn(move || {
            if let Some(said) = job() {
                let _ = tx.send(Message::App(Action::Notify(said)));
            }
        });
}

/// Sends `action` back to the loop after `wait`, from a thread of its own.
fn send_later(tx: Sender<Message>, wait: std::time::Duration, action: Action) {
    let _ = thread::Builder::new()
        .name("gazette-timer".into())
        .spawn(move || {
            thread::sleep(wait);
            let _ = tx.send(Message::App(action));
        });
}

/// Sends a refresh of every feed each `minutes` (none for 0).
fn spawn_refresh_timer(tx: Sender<Message>, minutes: u16) {
    if minutes == 0 {
        return;
    }
    thread::spawn(move || loop {
        thread::sleep(std::time::Duration::from_secs(u64::from(minutes) * 60));
        if tx.send(Message::App(Action::RefreshAll)).is_err() {
            return;
        }
    });
}
