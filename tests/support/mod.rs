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
