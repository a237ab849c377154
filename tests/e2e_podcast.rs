//! A podcast end to end: the real binary in a pseudo-terminal, a podcast feed and its episode
//! served on 127.0.0.1. The enclosure is listed under its story; `p` runs the player stand-in with
//! exactly the enclosure's URL as its one argument (no shell); `D` downloads the episode whole
//! under its name with the status bar saying so; a second `D` replaces nothing.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::Gazette;
use tiny_http::{Response, Server};

fn episode() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

fn serve() -> (Arc<Server>, String) {
    common::serve(|path, b| match path {
        "/podcast.xml" => Response::from_data(
            format!(
                r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Harbour Radio</title>
<item><title>Episode 1: Tides</title><guid>ep1</guid>
<pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate><description>Low water, high talk.</description>
<enclosure url="{b}/media/ep1.mp3" length="200000" type="audio/mpeg"/>
<itunes:duration>42:10</itunes:duration></item>
</channel></rss>"#
            )
            .into_bytes(),
        ),
        "/media/ep1.mp3" => Response::from_data(episode()),
        _ => Response::from_data(b"no".to_vec()).with_status_code(404),
    })
}

/// Waits until `path` exists and is not empty.
fn wait_for_file(path: &Path) {
    let start = Instant::now();
    while std::fs::metadata(path).map_or(true, |m| m.len() == 0) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{} never appeared",
            path.display()
        );
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_podcast_episode_is_listed_played_and_downloaded_once() {
    let (_server, base) = serve();
    let feed = format!("{base}/podcast.xml");
    let mp3 = format!("{base}/media/ep1.mp3");
    let data = tempfile::tempdir().unwrap();
    let data = data.path().to_str().unwrap().to_string();
    let mut home = None;
    let mut g = Gazette::start(120, 40, &["--data-dir", &data, &feed], |dir| {
        home = Some(dir.to_path_buf());
        // The stand-in writes each argument it gets on a line of its own.
        let player = dir.join("player.sh");
        std::fs::write(
            &player,
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$HOME/played.tmp\"\nmv \"$HOME/played.tmp\" \"$HOME/played\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&player, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir_all(dir.join("gazette")).unwrap();
        std::fs::write(
            dir.join("gazette/config.toml"),
            format!(
                "[podcasts]\nplayer = [\"{}\", \"{{url}}\"]\ndownload_dir = \"~/Podcasts\"\n",
                player.display()
            ),
        )
        .unwrap();
    });
    let home = home.unwrap();
    g.wait_for("the episode with its enclosure", |s| {
        s.contains("Episode 1: Tides")
            && s.contains("Enclosure: audio/mpeg · 200.0 kB · 42:10")
            && s.contains("(p plays, D downloads it)")
    });

    g.send("p");
    g.wait_for("the player named", |s| s.contains("Playing ep1.mp3 with"));
    wait_for_file(&home.join("played"));
    assert_eq!(
        std::fs::read_to_string(home.join("played")).unwrap(),
        format!("{mp3}\n"),
        "exactly the URL, as one argument"
    );

    let target = home.join("Podcasts/ep1.mp3");
    g.send("D");
    g.wait_for("the download done", |s| {
        s.contains("Downloaded") && s.contains("ep1.mp3")
    });
    assert_eq!(std::fs::read(&target).unwrap(), episode(), "whole");
    assert!(!home.join("Podcasts/ep1.mp3.part").exists());

    // Made the user's own since: a second download must not touch it.
    std::fs::write(&target, "mine now").unwrap();
    g.send("D");
    g.wait_for("the file left alone", |s| {
        s.contains("Already there, not replaced")
    });
    assert_eq!(std::fs::read(&target).unwrap(), b"mine now");

    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}
