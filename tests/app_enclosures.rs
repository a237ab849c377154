//! Enclosures in the app: listed under the story, played and downloaded with a key (or from the
//! list of links), the download's progress in the status bar, `has:enclosure` in the filter.
//! Pure state: actions in, effects out.

use std::path::PathBuf;

use gazette::action::{Action, Effect, Effects};
use gazette::app::App;
use gazette::config::Config;
use gazette::fetch::Downloaded;
use gazette::news::{Enclosure, Story};
use gazette::source::Library;

mod support;

const EPISODE: &str = "https://pod.example/ep1.mp3";

fn config(podcasts: &str) -> Config {
    Config::from_str_with_defaults(Some(("test.toml", podcasts))).unwrap()
}

/// A podcast feed's app: an episode with an enclosure, then a story without one.
fn podcast_app(config: Config) -> App {
    let mut library = Library::default();
    library.add_subscription(support::FEED_URL, Some("Harbour Radio"));
    let mut app = App::new(library, config);
    app.update(Action::Resize(120, 40));
    app.update(Action::RefreshAll);
    let episode = Story {
        title: "Episode 1: Tides".into(),
        id: Some("1".into()),
        published: Some(2_000),
        enclosures: vec![Enclosure {
            url: EPISODE.into(),
            mime: Some("audio/mpeg".into()),
            bytes: Some(24_300_000),
            seconds: Some(2530),
        }],
        ..Story::default()
    };
    let notes = Story {
        title: "Show notes only".into(),
        id: Some("2".into()),
        published: Some(1_000),
        ..Story::default()
    };
    app.update(support::answer(0, vec![episode, notes]));
    app
}

fn configured() -> App {
    podcast_app(config(
        "[podcasts]\nplayer = [\"player-stand-in\", \"--quiet\", \"{url}\"]\ndownload_dir = \"/srv/pods\"\n",
    ))
}

fn downloads(effects: &Effects) -> Vec<(String, PathBuf)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Download { url, dir } => Some((url.clone(), dir.clone())),
            _ => None,
        })
        .collect()
}

fn story_text(app: &App) -> String {
    app.story_lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_enclosure_is_listed_under_its_story_with_the_keys() {
    let app = configured();
    let text = story_text(&app);
    assert!(
        text.contains("Enclosure: audio/mpeg · 24.3 MB · 42:10 · https://pod.example/ep1.mp3"),
        "{text}"
    );
    assert!(text.contains("(p plays, D downloads it)"), "{text}");
}

#[test]
fn the_play_key_asks_the_runtime_to_play_exactly_the_enclosure() {
    let mut app = configured();
    let effects = app.update(Action::PlayEnclosure);
    assert!(effects.contains(&Effect::Play(EPISODE.into())));
    assert_eq!(
        app.message.as_deref(),
        Some("Playing ep1.mp3 with player-stand-in")
    );
    // A story without one says so, and asks for nothing.
    app.update(Action::Down);
    let effects = app.update(Action::PlayEnclosure);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Play(_))));
    assert_eq!(
        app.message.as_deref(),
        Some("This story has no enclosure (u lists its links).")
    );
}

#[test]
fn with_no_player_set_the_key_says_where_to_set_one() {
    let mut app = podcast_app(config("[podcasts]\nplayer = []\n"));
    let effects = app.update(Action::PlayEnclosure);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Play(_))));
    assert_eq!(
        app.message.as_deref(),
        Some("No player is set: [podcasts] player in the config.")
    );
}

#[test]
fn a_download_shows_its_progress_then_where_it_went() {
    let mut app = configured();
    let effects = app.update(Action::DownloadEnclosure);
    assert_eq!(
        downloads(&effects),
        [(EPISODE.to_string(), PathBuf::from("/srv/pods"))]
    );
    // Once only while it runs.
    let again = app.update(Action::DownloadEnclosure);
    assert!(downloads(&again).is_empty());
    assert_eq!(app.message.as_deref(), Some("Already downloading ep1.mp3"));

    app.update(Action::DownloadProgress {
        url: EPISODE.into(),
        done: 10_206_000,
        total: Some(24_300_000),
    });
    assert_eq!(
        app.download_status().as_deref(),
        Some("↓ ep1.mp3 42% of 24.3 MB ")
    );
    app.update(Action::DownloadFinished {
        url: EPISODE.into(),
        result: Ok(Downloaded::Saved("/srv/pods/ep1.mp3".into())),
    });
    assert_eq!(app.download_status(), None);
    assert_eq!(app.message.as_deref(), Some("Downloaded /srv/pods/ep1.mp3"));

    // Done: the key downloads again (and the runtime finds it there).
    assert_eq!(downloads(&app.update(Action::DownloadEnclosure)).len(), 1);
    app.update(Action::DownloadFinished {
        url: EPISODE.into(),
        result: Ok(Downloaded::AlreadyThere("/srv/pods/ep1.mp3".into())),
    });
    assert_eq!(
        app.message.as_deref(),
        Some("Already there, not replaced: /srv/pods/ep1.mp3")
    );
}

#[test]
fn a_failed_download_is_one_line_naming_it() {
    let mut app = configured();
    app.update(Action::DownloadEnclosure);
    app.update(Action::DownloadFinished {
        url: EPISODE.into(),
        result: Err("HTTP 404 Not Found".into()),
    });
    assert_eq!(
        app.message.as_deref(),
        Some("Download of ep1.mp3 failed: HTTP 404 Not Found")
    );
    assert!(app.downloads.is_empty());
}

#[test]
fn the_list_of_links_ends_with_the_enclosures_and_plays_the_highlighted_one() {
    let mut app = configured();
    app.update(Action::ShowLinks);
    let rows: Vec<String> = app
        .links
        .as_ref()
        .unwrap()
        .rows()
        .map(|(_, l)| l.to_string())
        .collect();
    assert_eq!(rows, [EPISODE]);
    let effects = app.update(Action::DownloadEnclosure);
    assert_eq!(downloads(&effects).len(), 1);
    assert!(app.links.is_none(), "the list closes");
}

#[test]
fn has_enclosure_narrows_the_list_to_stories_with_one() {
    let mut app = configured();
    app.update(Action::StartFilter);
    for c in "has:enclosure".chars() {
        app.update(Action::FilterInput(c));
    }
    let titles: Vec<&str> = app.visible.iter().map(|&i| app.stories.title(i)).collect();
    assert_eq!(titles, ["Episode 1: Tides"]);
}

#[test]
fn a_player_without_a_url_placeholder_is_refused_naming_the_setting() {
    let error =
        Config::from_str_with_defaults(Some(("c.toml", "[podcasts]\nplayer = [\"mpv\"]\n")))
            .unwrap_err()
            .to_string();
    assert!(error.starts_with("c.toml:2:"), "{error}");
    assert!(
        error.contains("podcasts.player") && error.contains("{url}"),
        "{error}"
    );
}

#[test]
fn a_player_must_name_a_program_and_hold_no_control_characters() {
    for player in [r#"["", "{url}"]"#, r#"["mpv\u001b[2J", "{url}"]"#] {
        let text = format!("[podcasts]\nplayer = {player}\n");
        let error = Config::from_str_with_defaults(Some(("c.toml", &text)))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("c.toml:2:"), "{error}");
        assert!(error.contains("a program name first"), "{error}");
    }
}
