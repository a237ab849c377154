//! The search service: the store's full-text index on a thread and connection of its own,
//! answering the newest query waiting (older ones are dropped unasked), so typing never waits on
//! the index.

use std::sync::mpsc::{self, Receiver, Sender};
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

/// A search first answers with this many of its newest matches when it has more, then with all
/// of them: a screenful and more, found in a fraction of the whole answer's time (at a million
/// stories, a common word's first answer takes a sixth of its whole one, or less).
pub const FIRST_ANSWER: usize = 2_000;

/// Starts the full-text search thread on the store in `dir`; its answers go to `tx` as
/// [`Action::TextResultsSoFar`] (the newest matches, when there are more) and
/// [`Action::TextResults`].
pub fn spawn_searcher(dir: &std::path::Path, tx: Sender<Message>) -> Result<Sender<SearchRequest>> {
    let mut searcher = Searcher::open(dir)?;
    let (requests, incoming) = mpsc::channel::<SearchRequest>();
    thread::Builder::new()
        .name("gazette-search".into())
        .spawn(move || {
            let mut newest = None;
            while let Ok(first) = incoming.recv() {
                take(&mut searcher, first, &incoming, &mut newest);
                // A newer query typed while one was answered is answered next, in its turn.
                while let Some((generation, words)) = newest.take() {
                    if !answer(
                        &mut searcher,
                        generation,
                        &words,
                        &incoming,
                        &mut newest,
                        &tx,
                    ) {
                        return;
                    }
                }
                // Between keystrokes: the next search finds the rows read.
                if let Err(e) = searcher.catch_up() {
                    fail(&tx, e);
                }
            }
        })?;
    Ok(requests)
}

/// Takes in `first` and every request waiting after it: keys are placed, and only the newest
/// query is kept (older ones are dropped unasked).
fn take(
    searcher: &mut Searcher,
    first: SearchRequest,
    incoming: &Receiver<SearchRequest>,
    newest: &mut Option<(u64, Vec<String>)>,
) {
    for request in std::iter::once(first).chain(incoming.try_iter()) {
        match request {
            SearchRequest::Find(generation, words) => *newest = Some((generation, words)),
            SearchRequest::Place(keys) => searcher.place(keys),
            SearchRequest::PlaceRows(first, rows) => searcher.place_rows(first, rows),
            SearchRequest::CatchUp => {}
        }
    }
}

/// Answers query `generation`: its newest matches first when there are more than
/// [`FIRST_ANSWER`], then all of them unless a newer query comes meanwhile (left in `newest`:
/// the search is abandoned at once, so typing never waits for a whole answer). False once the
/// loop's end of the channel is gone.
fn answer(
    searcher: &mut Searcher,
    generation: u64,
    words: &[String],
    incoming: &Receiver<SearchRequest>,
    newest: &mut Option<(u64, Vec<String>)>,
    tx: &Sender<Message>,
) -> bool {
    let query = words.join(" ");
    // Requests that come during the search wait here: the searcher is busy.
    let mut waiting = Vec::new();
    let mut gone = false;
    let first_answer = |positions| {
        let so_far = Action::TextResultsSoFar(generation, positions);
        gone |= tx.send(Message::App(so_far)).is_err();
    };
    let newer = || {
        waiting.extend(incoming.try_iter());
        waiting.iter().any(|r| matches!(r, SearchRequest::Find(..)))
    };
    let whole = searcher.search_streaming(&query, FIRST_ANSWER, first_answer, newer);
    for request in waiting {
        take(searcher, request, incoming, newest);
    }
    match whole {
        _ if gone => false,
        Ok(None) => true,
        Ok(Some(positions)) => tx
            .send(Message::App(Action::TextResults(generation, positions)))
            .is_ok(),
        Err(e) => {
            fail(tx, e);
            tx.send(Message::App(Action::TextResults(generation, Vec::new())))
                .is_ok()
        }
    }
}

fn fail(tx: &Sender<Message>, e: anyhow::Error) {
    let notice = format!("Store: text search: {e:#}");
    let _ = tx.send(Message::App(Action::Notify(notice)));
}
