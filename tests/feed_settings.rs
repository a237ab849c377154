//! A subscription's own settings, each where it acts: `refresh_minutes` (timers from the state),
//! `user_agent` (the header a server gets), `max_stories` (what the store keeps), `enabled`
//! (left out of the reader and `--list`).

mod support;

use std::time::Duration;

use gazette::action::{Action, Effect};
use gazette::app::App;
use gazette::config::Config;
use gazette::fetch::{agent, fetch, FetchOptions, FetchRequest};
use gazette::news::Story;
use gazette::source::Library;
use gazette::store::Store;
use gazette::subscriptions::FeedSettings;

fn app_with(settings: FeedSettings) -> App {
    let mut library = Library::default();
    library.add_subscription("https://wire.example/feed.xml", Some("Wire"));
    library.add_subscription("https://other.example/feed.xml", Some("Other"));
    library.editions[0].settings = settings;
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(100, 30));
    app
}

#[test]
fn refresh_minutes_sets_a_timer_that_fetches_that_feed_and_sets_itself_again() {
    let mut app = app_with(FeedSettings {
        refresh_minutes: Some(15),
        max_stories: Some(50),
        user_agent: Some("Custom/1.0".into()),
    });
    let timer = Effect::Later(Duration::from_secs(900), Box::new(Action::RefreshSource(0)));
    let effects = app.update(Action::Start);
    assert!(effects.contains(&timer), "{effects:?}");
    let timers = effects.iter().filter(|e| matches!(e, Effect::Later(..)));
    assert_eq!(timers.count(), 1, "only the feed with a period has a timer");
    // The first refresh is under way: the timer going off now only sets itself again.
    let effects = app.update(Action::RefreshSource(0));
    assert_eq!(effects.iter().collect::<Vec<_>>(), [&timer]);
    app.update(support::answer(0, Vec::new()));
    let effects = app.update(Action::RefreshSource(0));
    let request = FetchRequest {
        source: 0,
        url: "https://wire.example/feed.xml".into(),
        user_agent: Some("Custom/1.0".into()),
        max_stories: Some(50),
        ..FetchRequest::default()
    };
    assert!(
        effects.contains(&Effect::Fetch(vec![request])),
        "{effects:?}"
    );
    assert!(effects.contains(&timer));
}

#[test]
fn offline_sets_no_timer() {
    let mut app = app_with(FeedSettings {
        refresh_minutes: Some(5),
        ..FeedSettings::default()
    });
    app.offline = true;
    let effects = app.update(Action::Start);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Later(..))));
}

#[test]
fn a_feeds_user_agent_is_the_header_its_server_gets() {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let seen = std::thread::spawn(move || {
        let mut agents = Vec::new();
        for _ in 0..2 {
            let request = server.recv().unwrap();
            let agent = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("User-Agent"))
                .map(|h| h.value.to_string());
            agents.push(agent.unwrap_or_default());
            let _ = request.respond(tiny_http::Response::from_string("<rss/>"));
        }
        agents
    });
    let options = FetchOptions::default();
    let agent = agent(&options);
    let url = format!("http://127.0.0.1:{port}/feed.xml");
    for user_agent in [Some("Custom/1.0 (feed settings)".to_string()), None] {
        let request = FetchRequest {
            url: url.clone(),
            user_agent,
            ..FetchRequest::default()
        };
        fetch(&agent, &options, request).outcome.unwrap();
    }
    let agents = seen.join().unwrap();
    assert_eq!(agents[0], "Custom/1.0 (feed settings)");
    assert_eq!(agents[1], options.user_agent);
}

#[test]
fn max_stories_keeps_the_newest_and_the_starred() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let config = Config::defaults();
    let story = |n: i64| Story {
        title: format!("Story {n}"),
        id: Some(n.to_string()),
        published: Some(1_700_000_000 + n),
        ..Story::default()
    };
    let source = "https://wire.example/feed.xml";
    let all = gazette::runtime::retention(&config);
    store
        .save_source(source, &(0..5).map(story).collect::<Vec<_>>(), 1, all)
        .unwrap();
    let oldest = gazette::store::story_key(source, &story(0));
    store.set_marks(&[(oldest, false, true)]).unwrap();
    let keep_two = gazette::runtime::retention_for(&config, Some(2));
    store.save_source(source, &[story(5)], 2, keep_two).unwrap();
    let mut titles: Vec<String> = (store.load_source(source).unwrap())
        .into_iter()
        .map(|s| s.story.title)
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        ["Story 0", "Story 4", "Story 5"],
        "the starred one stays"
    );
}

#[test]
fn a_disabled_subscription_is_neither_fetched_nor_listed() {
    let home = tempfile::tempdir().unwrap();
    let feed = |title: &str| {
        format!("<rss version=\"2.0\"><channel><title>F</title><item><title>{title}</title><guid>{title}</guid></item></channel></rss>")
    };
    std::fs::write(home.path().join("on.xml"), feed("Kept headline")).unwrap();
    std::fs::write(home.path().join("off.xml"), feed("Disabled headline")).unwrap();
    let config = home.path().join("config/gazette");
    std::fs::create_dir_all(&config).unwrap();
    let url = |name: &str| format!("file://{}", home.path().join(name).display());
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[[feeds]]\nurl = \"{}\"\n\n[[feeds]]\nurl = \"{}\"\nenabled = false\n",
            url("on.xml"),
            url("off.xml")
        ),
    )
    .unwrap();
    let data = home.path().join("data");
    let out = support::gazette(
        &["--list", "--data-dir", data.to_str().unwrap()],
        home.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "Kept headline\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
