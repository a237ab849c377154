//! Set-up shared by tests that need no terminal: a feed's answer as the runtime sends it, an app
//! subscribed to one feed, laid out and refreshing, and the binary run with a home of its own.

// Each test crate uses its own part of this.
#![allow(dead_code)]

pub mod render;

use std::path::Path;
use std::process::{Command, Output};

use gazette::action::Action;
use gazette::app::App;
use gazette::config::Config;
use gazette::feed::{FeedFetched, FeedUpdate, ParsedFeed};
use gazette::news::Story;
use gazette::source::Library;

/// The URL of [`one_feed_app`]'s feed.
pub const FEED_URL: &str = "https://wire.example/feed.xml";

/// Source `source`'s whole answer, with these stories (no title, validators or problem).
pub fn answer(source: usize, stories: Vec<Story>) -> Action {
    answer_with_problem(source, stories, None)
}

/// Like [`answer`], for a feed read up to a syntax error.
pub fn answer_with_problem(source: usize, stories: Vec<Story>, problem: Option<&str>) -> Action {
    Action::FeedUpdated(Box::new(FeedUpdate {
        source,
        outcome: Ok(FeedFetched::Parsed {
            feed: ParsedFeed {
                title: None,
                stories,
                problem: problem.map(str::to_string),
            },
            etag: None,
            last_modified: None,
        }),
    }))
}

/// An app subscribed to [`FEED_URL`] (named "Wire"), 100x30, with a refresh under way.
pub fn one_feed_app() -> App {
    let mut library = Library::default();
    library.add_subscription(FEED_URL, Some("Wire"));
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(100, 30));
    app.update(Action::RefreshAll);
    app
}

/// Runs the gazette binary with `args` and nothing of the user's environment: `home` is its
/// working directory, `$HOME` and (under `config/`) its config directory.
pub fn gazette(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .current_dir(home)
        .output()
        .unwrap()
}

/// The saved searches and rules of [`three_feeds_app`].
pub const PANE_CONFIG: &str = r#"
[[searches]]
name = "Storms"
query = "storm"

[[searches]]
name = "Unread storms"
query = "is:unread storm"

[[rules]]
match = "sponsored"
action = "hide"

[[rules]]
match = "digest"
action = "mark_read"
"#;

pub fn story(title: &str, day: i64) -> Story {
    Story {
        title: title.to_string(),
        id: Some(title.to_string()),
        published: Some(1_700_000_000 + day * 86_400),
        ..Story::default()
    }
}

/// Three feeds: "Wire" (tag news), "Coast" (tags news, weather), "Blog" (no tag), with a
/// refresh under way, answered: 5 stories, one hidden by a rule, one marked read by one.
pub fn three_feeds_app(width: u16, height: u16) -> App {
    let mut library = Library::default();
    for (url, name, tags) in [
        ("https://wire.example/f", "Wire", vec!["news"]),
        ("https://coast.example/f", "Coast", vec!["news", "weather"]),
        ("https://blog.example/f", "Blog", vec![]),
    ] {
        let i = library.add_subscription(url, Some(name));
        library.editions[i].tags = tags.into_iter().map(String::from).collect();
    }
    let config = Config::from_str_with_defaults(Some(("test.toml", PANE_CONFIG))).unwrap();
    let mut app = App::new(library, config);
    app.update(Action::Resize(width, height));
    app.update(Action::RefreshAll);
    app.update(answer(
        0,
        vec![story("Storm hits port", 3), story("Sponsored: buy", 2)],
    ));
    app.update(answer(
        1,
        vec![story("Storm warning", 4), story("Weekly digest", 1)],
    ));
    app.update(answer(2, vec![story("Notes on Rust", 5)]));
    app
}

/// The titles of the listed stories, in list order.
pub fn listed_titles(app: &App) -> Vec<String> {
    app.visible
        .iter()
        .map(|&i| app.stories.story(i).title.clone())
        .collect()
}
