//! Enclosures (a podcast's episodes, a story's attached media): read from feed entries, described
//! for a person ("audio/mpeg · 24.3 MB · 42:10"), and played with the user's player command.

use std::process::{Command, Stdio};

use feed_rs::model::Entry;

use crate::news::Enclosure;
use crate::sanitize::clean_line;
use crate::source::is_http_url;

/// The placeholder a player command's arguments name the enclosure's URL with.
pub const URL_PLACEHOLDER: &str = "{url}";

/// The longest media type kept: a real one is a few dozen characters.
const MAX_MIME: usize = 100;

/// The enclosures of a feed-rs entry, in feed order, each URL once: RSS `<enclosure>` and Media
/// RSS content (feed-rs reads both as media objects; pictures left out), Atom `rel="enclosure"` links and JSON
/// Feed attachments (links of their own with a media type). Only http(s) URLs.
pub fn of_entry(entry: &Entry) -> Vec<Enclosure> {
    let mut found: Vec<Enclosure> = Vec::new();
    // A duration the entry gives once (`itunes:duration`) belongs to its one enclosure.
    let entry_seconds = entry
        .media
        .iter()
        .find_map(|m| m.duration)
        .map(|d| d.as_secs());
    for object in &entry.media {
        for content in &object.content {
            let mime = content.content_type.as_ref().map(|m| m.to_string());
            let Some(url) = content.url.as_ref() else {
                continue;
            };
            if is_picture(url.as_str(), mime.as_deref()) {
                continue;
            }
            let seconds = content.duration.or(object.duration).map(|d| d.as_secs());
            push(&mut found, url.as_str(), mime, content.size, seconds);
        }
    }
    for link in &entry.links {
        // JSON Feed attachments come as links without a rel, with a media type; the item's own
        // link has none.
        let attachment = link.rel.is_none() && link.media_type.is_some();
        if link.rel.as_deref() == Some("enclosure") || attachment {
            push(
                &mut found,
                &link.href,
                link.media_type.clone(),
                link.length,
                None,
            );
        }
    }
    if found.len() == 1 && found[0].seconds.is_none() {
        found[0].seconds = entry_seconds;
    }
    found
}

/// A media object that is a picture (news feeds attach one to most stories as Media RSS
/// content): it illustrates the story rather than being something to play or keep.
fn is_picture(url: &str, mime: Option<&str>) -> bool {
    match mime {
        Some(mime) => mime.starts_with("image/"),
        None => {
            let path = url
                .split(['?', '#'])
                .next()
                .unwrap_or(url)
                .to_ascii_lowercase();
            [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"]
                .iter()
                .any(|ext| path.ends_with(ext))
        }
    }
}

fn push(
    found: &mut Vec<Enclosure>,
    url: &str,
    mime: Option<String>,
    bytes: Option<u64>,
    seconds: Option<u64>,
) {
    let url = clean_line(url.trim());
    if !is_http_url(&url) || found.iter().any(|e| e.url == url) {
        return;
    }
    let mime = mime
        .map(|m| clean_line(m.trim()))
        .filter(|m| !m.is_empty() && m.len() <= MAX_MIME);
    found.push(Enclosure {
        url,
        mime,
        // A feed's "0" or "-1" (common in podcasts) says nothing.
        bytes: bytes.filter(|&b| b > 0),
        seconds: seconds.filter(|&s| s > 0),
    });
}

/// Each item's (or entry's) `itunes:duration` in `document`, in order, as seconds: feed-rs drops
/// one that comes without other iTunes data, which is how most podcasts give it. A document with
/// no `duration` anywhere is not read.
pub fn itunes_durations(document: &[u8]) -> Vec<Option<u64>> {
    use quick_xml::events::Event;
    // memchr's search, not a byte-by-byte window: this runs on every fetched feed.
    if memchr::memmem::find(document, b"duration").is_none() {
        return Vec::new();
    }
    let mut reader = quick_xml::Reader::from_reader(document);
    let mut durations = Vec::new();
    let (mut current, mut in_duration) = (None, false);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(start)) => {
                in_duration = start.name().as_ref() == "itunes:duration";
                if matches!(start.local_name().as_ref(), "item" | "entry") {
                    current = None;
                }
            }
            Ok(Event::Text(text)) if in_duration => {
                current = clock_seconds(&text);
            }
            Ok(Event::End(end)) => {
                in_duration = false;
                if matches!(end.local_name().as_ref(), "item" | "entry") {
                    durations.push(current.take());
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buffer.clear();
    }
    durations
}

/// "42:10", "1:02:03", "3723" or "3723.5" as whole seconds.
fn clock_seconds(text: &str) -> Option<u64> {
    let mut seconds = 0u64;
    for part in text.trim().split(':') {
        let whole = part.split('.').next()?.trim();
        seconds = seconds.checked_mul(60)?.checked_add(whole.parse().ok()?)?;
    }
    Some(seconds)
}

/// Gives each story with one enclosure and no duration its item's `itunes:duration` (from
/// [`itunes_durations`]), when there is one duration list entry per story.
pub fn fill_durations(stories: &mut [crate::news::Story], durations: &[Option<u64>]) {
    if durations.len() != stories.len() {
        return;
    }
    for (story, duration) in stories.iter_mut().zip(durations) {
        if let [only] = story.enclosures.as_mut_slice() {
            if only.seconds.is_none() {
                only.seconds = duration.filter(|&s| s > 0);
            }
        }
    }
}

/// "audio/mpeg · 24.3 MB · 42:10": what is known of an enclosure, for a line under its story.
pub fn describe(enclosure: &Enclosure) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(enclosure.mime.clone());
    parts.extend(enclosure.bytes.map(size));
    parts.extend(enclosure.seconds.map(duration));
    if parts.is_empty() {
        parts.push("media".to_string());
    }
    parts.join(" · ")
}

/// A size in bytes for a person: "812 bytes", "24.3 MB", "1.2 GB" (decimal, as players and
/// podcast apps say it).
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "kB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            return format!("{:.1} {name}", bytes as f64 / unit as f64);
        }
    }
    format!("{bytes} bytes")
}

/// A duration as a clock: "42:10", "1:02:03".
pub fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match h {
        0 => format!("{m}:{s:02}"),
        _ => format!("{h}:{m:02}:{s:02}"),
    }
}

/// The player's argv for `url`: each `{url}` in `command` replaced by it.
pub fn player_argv(command: &[String], url: &str) -> Vec<String> {
    command
        .iter()
        .map(|arg| arg.replace(URL_PLACEHOLDER, url))
        .collect()
}

/// Starts the player on `url`, detached: in the background, its input and output away from the
/// terminal (which is the reader's), run directly, never through a shell. Only http(s) URLs.
/// Returns the program's name.
pub fn play(command: &[String], url: &str) -> Result<String, String> {
    if !is_http_url(url) || url.chars().any(char::is_control) {
        return Err("only http and https enclosures are played".into());
    }
    let argv = player_argv(command, url);
    let Some((program, args)) = argv.split_first() else {
        return Err("no player is set ([podcasts] player in the config)".into());
    };
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", clean_line(program)))?;
    // Reaped when it ends, so a finished player leaves no zombie behind.
    std::thread::spawn(move || {
        let mut child = child;
        let _ = child.wait();
    });
    Ok(clean_line(program))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_as_people_say_them() {
        assert_eq!(size(812), "812 bytes");
        assert_eq!(size(24_300_000), "24.3 MB");
        assert_eq!(size(1_250_000_000), "1.2 GB");
        assert_eq!(duration(2530), "42:10");
        assert_eq!(duration(3723), "1:02:03");
        assert_eq!(duration(59), "0:59");
    }

    #[test]
    fn itunes_durations_are_read_per_item() {
        let feed = br#"<rss><channel><itunes:duration>9</itunes:duration>
            <item><itunes:duration>42:10</itunes:duration></item>
            <item><title>none</title></item>
            <item><itunes:duration> 1:02:03 </itunes:duration></item>
            <item><itunes:duration>3723.5</itunes:duration></item>
            <item><itunes:duration>soon</itunes:duration></item></channel></rss>"#;
        assert_eq!(
            itunes_durations(feed),
            [Some(2530), None, Some(3723), Some(3723), None]
        );
        assert!(itunes_durations(b"<rss><item/></rss>").is_empty());
    }

    #[test]
    fn the_url_fills_every_placeholder_and_nothing_else() {
        let command = ["mpv".to_string(), "--title={url}".into(), "{url}".into()];
        assert_eq!(
            player_argv(&command, "https://x/a b.mp3"),
            ["mpv", "--title=https://x/a b.mp3", "https://x/a b.mp3"]
        );
    }

    #[test]
    fn only_web_enclosures_are_played() {
        let command = ["true".to_string(), "{url}".into()];
        assert!(play(&command, "file:///etc/passwd").is_err());
        assert!(play(&command, "https://x/\u{1b}[2J").is_err());
        assert!(play(&[], "https://x/a.mp3").is_err());
        assert_eq!(play(&command, "https://x/a.mp3").as_deref(), Ok("true"));
    }
}
