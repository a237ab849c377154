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

/// The reader's fetch of a web page's URL named on the command line reads the feed the page
/// names, its links resolved against the feed's URL.
#[test]
fn a_page_named_on_the_command_line_leads_the_fetch_to_its_feed() {
    use gazette::feed::FeedFetched;
    let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a server"));
    let base = format!("http://{}", server.server_addr());
    let s = server.clone();
    std::thread::spawn(move || {
        for request in s.incoming_requests() {
            let body = match request.url() {
                "/news/" => {
                    r#"<!doctype html><html><head>
                    <link rel="alternate" type="application/rss+xml" href="feeds/all.xml">
                    </head><body>News</body></html>"#
                }
                "/news/feeds/all.xml" => {
                    r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Paged</title>
                    <item><title>Found it</title><link>story/1</link><guid>1</guid></item>
                    </channel></rss>"#
                }
                _ => "not here",
            };
            let _ = request.respond(tiny_http::Response::from_string(body));
        }
    });
    let page = format!("{base}/news/");
    let library = Library::load(&[std::path::PathBuf::from(&page)]).expect("loads");
    assert!(library.editions[0].follow_page);
    let mut app = App::new(library, Config::defaults());
    let (tx, rx) = mpsc::channel();
    let mut runtime = Runtime::new(&app, None, tx);
    app.update(Action::Resize(80, 24));
    for effect in app.update(Action::Start) {
        runtime.perform(effect);
    }
    runtime.after_frame().expect("services");
    let update = rx
        .iter()
        .find_map(|m| match m {
            Message::App(Action::FeedUpdated(update)) => Some(update),
            _ => None,
        })
        .expect("an answer");
    let Ok(FeedFetched::Parsed { feed, etag, .. }) = &update.outcome else {
        panic!("{:?}", update.outcome);
    };
    assert_eq!(feed.title.as_deref(), Some("Paged"));
    assert_eq!(feed.stories[0].title, "Found it");
    assert_eq!(
        feed.stories[0].link.as_deref(),
        Some(format!("{base}/news/feeds/story/1").as_str())
    );
    assert_eq!(
        *etag, None,
        "the page is asked for again next time, not the feed"
    );
    app.update(Action::FeedUpdated(update));
    assert_eq!(app.editions[0].error, None);
    assert_eq!(app.editions[0].url.as_deref(), Some(page.as_str()));
}
