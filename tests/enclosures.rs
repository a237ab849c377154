//! Enclosures read from feeds: RSS `<enclosure>` with `itunes:duration`, Media RSS, Atom
//! `rel="enclosure"` links and JSON Feed attachments, with their type, size and duration; pictures
//! and non-web URLs left out; the same through a feed file read as a stream.

use gazette::feed::parse_feed;
use gazette::news::{Enclosure, Story};

fn stories(feed: &str) -> Vec<Story> {
    parse_feed(feed.as_bytes(), Some("https://pod.example/feed"))
        .unwrap()
        .stories
}

fn enclosure(url: &str, mime: Option<&str>, bytes: Option<u64>, seconds: Option<u64>) -> Enclosure {
    Enclosure {
        url: url.into(),
        mime: mime.map(str::to_string),
        bytes,
        seconds,
    }
}

const PODCAST: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Harbour Radio</title>
<item><title>Episode 1: Tides</title><guid>ep1</guid>
  <enclosure url="https://pod.example/ep1.mp3" length="24300000" type="audio/mpeg"/>
  <itunes:duration>42:10</itunes:duration></item>
<item><title>Episode 2: Gulls</title><guid>ep2</guid>
  <enclosure url="/media/ep2.m4a" length="0" type="audio/x-m4a"/>
  <itunes:duration>3723</itunes:duration></item>
<item><title>Bonus: no audio</title><guid>b</guid><description>Just words.</description></item>
<item><title>Hostile</title><guid>h</guid>
  <enclosure url="file:///etc/passwd" type="audio/mpeg" length="1"/></item>
</channel></rss>"#;

#[test]
fn rss_enclosures_come_with_type_size_and_duration() {
    let stories = stories(PODCAST);
    assert_eq!(
        stories[0].enclosures,
        [enclosure(
            "https://pod.example/ep1.mp3",
            Some("audio/mpeg"),
            Some(24_300_000),
            Some(2530)
        )]
    );
    // Relative URLs resolve against the feed; a length of 0 says nothing.
    assert_eq!(
        stories[1].enclosures,
        [enclosure(
            "https://pod.example/media/ep2.m4a",
            Some("audio/x-m4a"),
            None,
            Some(3723)
        )]
    );
    assert!(stories[2].enclosures.is_empty());
    assert!(stories[3].enclosures.is_empty(), "only http(s) enclosures");
}

#[test]
fn media_rss_video_is_an_enclosure_and_its_pictures_are_not() {
    let feed = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>News</title>
<item><title>With a picture</title><guid>1</guid>
  <media:content url="https://news.example/photo.jpg" medium="image" width="800"/></item>
<item><title>With a clip</title><guid>2</guid>
  <media:content url="https://news.example/clip.mp4" type="video/mp4" fileSize="5000000" duration="95"/></item>
</channel></rss>"#;
    let stories = stories(feed);
    assert!(
        stories[0].enclosures.is_empty(),
        "{:?}",
        stories[0].enclosures
    );
    assert_eq!(
        stories[1].enclosures,
        [enclosure(
            "https://news.example/clip.mp4",
            Some("video/mp4"),
            Some(5_000_000),
            Some(95)
        )]
    );
}

#[test]
fn atom_enclosure_links_and_json_feed_attachments_are_enclosures() {
    let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom cast</title><id>a</id><updated>2025-01-01T00:00:00Z</updated>
<entry><title>Show</title><id>e1</id><updated>2025-01-01T00:00:00Z</updated>
  <link rel="alternate" href="https://pod.example/show"/>
  <link rel="enclosure" href="https://pod.example/show.ogg" type="audio/ogg" length="1234"/>
</entry></feed>"#;
    let story = &stories(atom)[0];
    assert_eq!(story.link.as_deref(), Some("https://pod.example/show"));
    assert_eq!(
        story.enclosures,
        [enclosure(
            "https://pod.example/show.ogg",
            Some("audio/ogg"),
            Some(1234),
            None
        )]
    );

    let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "JSON cast",
      "items": [{"id": "1", "title": "Talk", "url": "https://pod.example/talk",
        "content_text": "A talk.",
        "attachments": [{"url": "https://pod.example/talk.mp3", "mime_type": "audio/mpeg",
                         "size_in_bytes": 999}]}]}"#;
    let story = &stories(json)[0];
    assert_eq!(story.link.as_deref(), Some("https://pod.example/talk"));
    assert_eq!(
        story.enclosures,
        [enclosure(
            "https://pod.example/talk.mp3",
            Some("audio/mpeg"),
            Some(999),
            None
        )]
    );
}

#[test]
fn a_podcast_file_read_as_a_stream_keeps_its_enclosures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podcast.xml");
    std::fs::write(&path, PODCAST).unwrap();
    let mut stream = gazette::ingest::FeedStream::open(&path, None).unwrap();
    let mut all = Vec::new();
    while let Some(batch) = stream.next_batch().unwrap() {
        all.extend(batch);
    }
    let first = all
        .iter()
        .find(|s| s.title == "Episode 1: Tides")
        .expect("the episode");
    assert_eq!(first.enclosures.len(), 1);
    assert_eq!(first.enclosures[0].seconds, Some(2530));
}

#[test]
fn enclosures_are_described_for_a_person() {
    let e = enclosure(
        "https://x/a.mp3",
        Some("audio/mpeg"),
        Some(24_300_000),
        Some(2530),
    );
    assert_eq!(
        gazette::enclosure::describe(&e),
        "audio/mpeg · 24.3 MB · 42:10"
    );
    let bare = enclosure("https://x/a", None, None, None);
    assert_eq!(gazette::enclosure::describe(&bare), "media");
}
