//! The search service: the store's full-text index on a thread and connection of its own,
//! answering the newest query waiting (older ones are dropped unasked), so typing never waits on
//! the index.

use std::sync::mpsc::{self, Sender};
use std::thread;

use anyhow::Result;

use super::Message;
use crate::action::Action;
use crate::store::Searcher;

/// What the search thread is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchRequest {
    /// The list positions of the stories holding these words, for the filter's query number
    /// `generation`.
    Find(u64, Vec<String>),
    /// Story keys ([`crate::store::key_hash`]) at their list positions: stories newly listed, or
    /// whose key changed.
    Place(Vec<(u32, u64)>),
    /// Stories read from the store, by row id, listed from the position given on.
    PlaceRows(u32, Vec<i64>),
    /// Stories were stored: read their rows now rather than at the next search.
    CatchUp,
}

/// Starts the full-text search thread on the store in `dir`; its answers go to `tx` as
/// [`Action::TextResults`].
pub fn spawn_searcher(dir: &std::path::Path, tx: Sender<Message>) -> Result<Sender<SearchRequest>> {
    let mut searcher = Searcher::open(dir)?;
    let (requests, incoming) = mpsc::channel::<SearchRequest>();
    thread::Builder::new()
        .name("gazette-search".into())
        .spawn(move || {
            let fail = |e: anyhow::Error| {
                let notice = format!("Store: text search: {e:#}");
                let _ = tx.send(Message::App(Action::Notify(notice)));
            };
            while let Ok(first) = incoming.recv() {
                let mut newest = None;
                for request in std::iter::once(first).chain(incoming.try_iter()) {
                    match request {
                        SearchRequest::Find(generation, words) => {
                            newest = Some((generation, words))
                        }
                        SearchRequest::Place(keys) => searcher.place(keys),
                        SearchRequest::PlaceRows(first, rows) => searcher.place_rows(first, rows),
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
                let answer = Action::TextResults(generation, positions);
                if tx.send(Message::App(answer)).is_err() {
                    return;
                }
            }
        })?;
    Ok(requests)
}
