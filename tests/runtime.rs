//! The runtime with a private channel and a real store, no terminal: effects go in, results come
//! out as messages, and the marks reach the store through its one way out.

use std::sync::mpsc::{self, Receiver};

use gazette::action::{Action, Effect, TextRequest};
use gazette::app::App;
use gazette::config::Config;
use gazette::news::{Paragraph, Pending, Story};
use gazette::runtime::{Message, Runtime};
use gazette::source::Library;
use gazette::store::{story_key, Retention, Store};

const SOURCE: &str = "https://example.com/feed.xml";

fn story(title: &str, text: &str) -> Story {
    Story {
        title: title.into(),
        id: Some(title.into()),
        paragraphs: vec![Paragraph::plain(text)],
        ..Story::default()
    }
}

/// A store holding one story of the feed; the runtime over it, its messages on the receiver.
fn runtime_over_a_store() -> (tempfile::TempDir, Runtime, Receiver<Message>, String) {
    runtime_over(|_, _| {})
}

/// Like [`runtime_over_a_store`], with `prepare` given the store and the story's key first.
fn runtime_over(
    prepare: impl FnOnce(&mut Store, &str),
) -> (tempfile::TempDir, Runtime, Receiver<Message>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("a store");
    let saved = story("Harbour reopens", "The harbour reopened on Monday.");
    store
        .save_source(
            SOURCE,
            std::slice::from_ref(&saved),
            1,
            Retention::default(),
        )
        .expect("saved");
    let key = story_key(SOURCE, &saved);
    prepare(&mut store, &key);
    let mut library = Library::default();
    library.add_subscription(SOURCE, None);
    let app = App::new(library, Config::defaults());
    let (tx, rx) = mpsc::channel();
    let runtime = Runtime::new(&app, Some((store, dir.path())), tx);
    (dir, runtime, rx, key)
}

fn load(key: &str) -> TextRequest {
    TextRequest {
        story: 7,
        key: key.into(),
        pending: Pending::Stored,
    }
}

#[test]
fn a_text_load_is_answered_on_the_channel_before_perform_returns() {
    let (_dir, mut runtime, rx, key) = runtime_over_a_store();
    runtime.perform(Effect::LoadText(load(&key)));
    // Already there: the loop takes it into the same frame.
    match rx.try_recv() {
        Ok(Message::App(Action::BodyLoaded(7, body))) => {
            assert_eq!(body.0[0].text, "The harbour reopened on Monday.")
        }
        other => panic!("expected the text, got {other:?}"),
    }
    // A row not stored yet gets no answer (the app asks again when a batch is stored).
    runtime.perform(Effect::LoadText(load("no such key")));
    assert!(rx.try_recv().is_err());
    // HTML is converted.
    let html = Pending::Html {
        html: "<p>Converted <b>here</b>.</p>".into(),
        base: None,
    };
    runtime.perform(Effect::LoadText(TextRequest {
        story: 3,
        key: String::new(),
        pending: html,
    }));
    match rx.try_recv() {
        Ok(Message::App(Action::BodyLoaded(3, body))) => {
            assert!(body.0[0].text.contains("Converted here."), "{:?}", body.0)
        }
        other => panic!("expected the converted text, got {other:?}"),
    }
}

#[test]
fn a_text_loaded_ahead_waits_for_the_frame() {
    let (_dir, mut runtime, rx, key) = runtime_over_a_store();
    runtime.perform(Effect::PrefetchText(load(&key)));
    assert!(rx.try_recv().is_err(), "not while the frame is drawn");
    runtime.after_frame().expect("services start");
    // The services' own news (the index catching up) may come first.
    let answer = std::iter::from_fn(|| rx.recv_timeout(std::time::Duration::from_secs(5)).ok())
        .find(|m| !matches!(m, Message::App(Action::Indexed)));
    assert!(
        matches!(answer, Some(Message::App(Action::BodyLoaded(7, _)))),
        "{answer:?}"
    );
}

#[test]
fn marks_are_saved_after_the_frame_and_on_the_way_out() {
    let (dir, mut runtime, _rx, key) = runtime_over_a_store();
    runtime.perform(Effect::SaveMarks(vec![(key.clone(), true, false)]));
    runtime.after_frame().expect("services start");
    // Marks given after the last frame are saved by `finish`, the one way out.
    runtime.perform(Effect::SaveMarks(vec![(key.clone(), true, true)]));
    runtime.finish();
    let store = Store::open(dir.path()).expect("the store again");
    let marks = store.marks(std::slice::from_ref(&key)).expect("marks");
    assert_eq!(marks.get(&key), Some(&(true, true)));
}

#[test]
fn marks_given_before_any_frame_are_not_lost() {
    let (dir, mut runtime, _rx, key) = runtime_over_a_store();
    runtime.perform(Effect::SaveMarks(vec![(key.clone(), false, true)]));
    // No frame was ever drawn (the terminal failed): the services never started.
    runtime.finish();
    let store = Store::open(dir.path()).expect("the store again");
    let marks = store.marks(std::slice::from_ref(&key)).expect("marks");
    assert_eq!(marks.get(&key), Some(&(false, true)));
}

#[test]
fn a_kept_article_comes_with_its_storys_text() {
    let article = gazette::article::Article {
        url: "https://example.com/harbour".into(),
        title: "The harbour".into(),
        paragraphs: vec![Paragraph::plain("The whole story.")],
        words: 3,
        ..Default::default()
    };
    let (_dir, mut runtime, rx, key) = runtime_over(|store, key| {
        assert!(store.save_article(key, &article).expect("kept"));
    });
    runtime.perform(Effect::LoadText(load(&key)));
    assert!(matches!(
        rx.try_recv(),
        Ok(Message::App(Action::BodyLoaded(7, _)))
    ));
    match rx.try_recv() {
        Ok(Message::App(Action::ArticleStored(7, kept))) => assert_eq!(*kept, article),
        other => panic!("expected the kept article, got {other:?}"),
    }
}
