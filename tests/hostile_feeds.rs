//! Hostile feeds, at the level of `gazette::feed::parse_feed` and through the binary's `--list`:
//! truncated XML, wrong encoding declarations, entity bombs and external entities, deeply nested
//! HTML, huge fields, extreme dates, duplicate guids, thousands of links, 100,000 items, and the
//! terminal-attack corpus (`common::ATTACKS`) in every field of every format. No crash, no hang
//! (a generous guard, not a timing check), and nothing that could drive a terminal in the model.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::{attack_files, forbidden, ATTACKS, KEEP, MARKER};
use gazette::action::Action;
use gazette::app::App;
use gazette::config::Config;
use gazette::feed::{parse_feed, ParsedFeed};
use gazette::news::{ParagraphKind, Story};
use gazette::source::Library;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const URL: &str = "https://news.example/feed.xml";
/// Only a guard against hangs: any of these takes well under a second.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// Runs `f` on a thread of the default size and waits at most [`HANG_GUARD`] for it.
fn guarded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(HANG_GUARD)
        .unwrap_or_else(|e| panic!("{what}: no answer in {HANG_GUARD:?} ({e})"))
}

fn parse(what: &str, bytes: impl Into<Vec<u8>>) -> Result<ParsedFeed, String> {
    let bytes = bytes.into();
    guarded(what, move || parse_feed(&bytes, Some(URL)))
}

fn rss(items: &str) -> String {
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>{items}</channel></rss>")
}

/// Asserts `text` holds nothing that could drive a terminal (newlines only where allowed) and no
/// payload of an escape sequence.
fn assert_clean(what: &str, text: &str, newlines: bool) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| forbidden(c) && !(newlines && c == '\n'))
        .collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in {text:?}");
    assert!(!text.contains(MARKER), "{what}: a payload in {text:?}");
}

/// Every string of a story that reaches the screen.
fn assert_story_clean(what: &str, story: &Story) {
    assert_clean(&format!("{what} title"), &story.title, false);
    for p in &story.paragraphs {
        let pre = p.kind == ParagraphKind::Preformatted;
        assert_clean(&format!("{what} paragraph"), &p.text, pre);
    }
    for text in story
        .author
        .iter()
        .chain(&story.link)
        .chain(&story.references)
    {
        assert_clean(&format!("{what} author/link/reference"), text, false);
    }
}

fn assert_feed_clean(what: &str, feed: &ParsedFeed) {
    if let Some(title) = &feed.title {
        assert_clean(&format!("{what}: feed title"), title, false);
    }
    for (i, story) in feed.stories.iter().enumerate() {
        assert_story_clean(&format!("{what}: story {i}"), story);
    }
}

/// An error is one clean line saying what is wrong.
fn assert_error_line(what: &str, error: &str) {
    assert!(error.starts_with("not a feed"), "{what}: {error}");
    assert_clean(what, error, false);
}

/// The binary's `--list` on `file` in `dir`, with a home of its own.
fn list(dir: &Path, file: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["--list", file])
        .env_clear()
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run gazette");
    let (tx, rx) = mpsc::channel();
    let pid = child.id();
    let (out, err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    thread::spawn(move || {
        let read = |mut r: Box<dyn std::io::Read + Send>| {
            thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = r.read_to_end(&mut bytes);
                bytes
            })
        };
        let (out, err) = (read(Box::new(out)), read(Box::new(err)));
        let status = child.wait();
        let _ = tx.send((status, out.join().unwrap(), err.join().unwrap()));
    });
    match rx.recv_timeout(HANG_GUARD) {
        Ok((status, stdout, stderr)) => Output {
            status: status.expect("wait"),
            stdout,
            stderr,
        },
        Err(_) => {
            common::send_signal(pid, "KILL");
            panic!("gazette --list {file} did not finish in {HANG_GUARD:?}");
        }
    }
}

/// `--list` either lists clean headlines (exit 0) or says on one clean line what is wrong with
/// the file, naming it (exit 2, nothing on stdout). Returns the headlines.
fn assert_lists_or_refuses(dir: &Path, file: &str) -> Vec<String> {
    let output = list(dir, file);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    for line in stdout.lines().chain(stderr.lines()) {
        assert_clean(file, line, false);
    }
    match output.status.code() {
        Some(0) => stdout.lines().map(String::from).collect(),
        Some(2) => {
            assert!(stdout.is_empty(), "{file}: {stdout}");
            assert_eq!(stderr.lines().count(), 1, "{file}: {stderr}");
            assert!(
                stderr.starts_with(&format!("gazette: {file}: ")),
                "{stderr}"
            );
            Vec::new()
        }
        _ => panic!("{file}: {:?}\n{stderr}", output.status),
    }
}

/// A populated app over `library` with the last story open, drawn at each size in turn; returns
/// the cells of the last drawing.
fn draw_library(library: Library, sizes: &[(u16, u16)]) -> String {
    let mut app = App::new(library, Config::defaults());
    let mut shown = String::new();
    for &(width, height) in sizes {
        app.update(Action::Resize(width, height));
        app.update(Action::Bottom);
        app.update(Action::FocusStory);
        app.update(Action::Bottom);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| gazette::ui::render(frame, &app))
            .unwrap();
        let buffer = terminal.backend().buffer();
        shown = buffer.content().iter().map(|c| c.symbol()).collect();
        assert!(!shown.chars().any(forbidden), "drawn at {width}x{height}");
    }
    shown
}

fn library_of(name: &str, bytes: Vec<u8>) -> Library {
    let mut library = Library::default();
    library
        .load_bytes(name, Path::new(name), bytes)
        .unwrap_or_else(|e| panic!("{name}: {e:#}"));
    library
}

#[test]
fn truncated_feeds_parse_what_is_there_or_fail_on_one_line() {
    let files = attack_files();
    for (name, bytes) in files.iter().filter(|(n, _)| !n.ends_with(".txt")) {
        let (mut parsed, mut failed) = (0, 0);
        for cut in (0..bytes.len()).step_by(bytes.len() / 150 + 1) {
            match parse_feed(&bytes[..cut], Some(URL)) {
                Ok(feed) => {
                    parsed += 1;
                    assert_feed_clean(&format!("{name} cut at {cut}"), &feed);
                }
                Err(e) => {
                    failed += 1;
                    assert_error_line(&format!("{name} cut at {cut}"), &e);
                }
            }
        }
        assert!(failed > 0, "{name}: no truncation failed ({parsed} parsed)");
    }
}

#[test]
fn wrong_encoding_declarations_give_clean_text_or_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // Says ISO-8859-1, is UTF-8: read as Latin-1, which turns 東 (E6 9D B1) into C1 controls.
    let latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel>\
        <title>Café 東京</title><item><title>Café 東京 “quoted”</title></item></channel></rss>";
    let feed = parse("latin1", latin1).expect("a Latin-1 declaration parses");
    assert_feed_clean("latin1", &feed);
    assert!(feed.stories[0].title.starts_with("Caf"), "{feed:?}");
    // Says UTF-8 (or nothing), is Windows-1252.
    let cp1252 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
        <title>Caf\xe9</title><item><title>Caf\xe9 \x93quoted\x94 \x9d\x81</title></item></channel></rss>";
    let undeclared = &cp1252[38..];
    for (name, bytes) in [
        ("latin1.xml", latin1.as_bytes()),
        ("cp1252.xml", &cp1252[..]),
        ("undeclared.xml", undeclared),
    ] {
        match parse(name, bytes) {
            Ok(feed) => assert_feed_clean(name, &feed),
            Err(e) => assert_error_line(name, &e),
        }
        std::fs::write(dir.path().join(name), bytes).unwrap();
        assert_lists_or_refuses(dir.path(), name);
    }
}

#[test]
fn entities_are_never_expanded_nor_read_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "SECRET-CANARY-7781\n").unwrap();
    // Billion laughs: ten levels of ten, 10^9 "lol"s if expanded.
    let mut dtd = String::from("<!ENTITY lol \"lol\">");
    for level in 1..=9 {
        let inner = if level == 1 {
            "&lol;".to_string()
        } else {
            format!("&lol{};", level - 1)
        };
        dtd += &format!("<!ENTITY lol{level} \"{}\">", inner.repeat(10));
    }
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE rss [{dtd}]><rss version=\"2.0\"><channel><title>L &lol9;</title>\
         <item><title>Laugh &lol9;</title><description>Body &lol9; end</description></item></channel></rss>"
    );
    let xxe = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://{}\">\
         <!ENTITY pw SYSTEM \"file:///etc/passwd\"><!ENTITY % remote SYSTEM \"http://127.0.0.1:9/x.dtd\">%remote;]>\
         <rss version=\"2.0\"><channel><title>X &xxe;</title><item><title>Item &xxe; &pw;</title>\
         <link>https://a.example/&xxe;</link><description>Body &xxe; &pw;</description></item></channel></rss>",
        secret.display()
    );
    for (name, feed) in [("laughs.xml", laughs), ("xxe.xml", xxe)] {
        std::fs::write(dir.path().join(name), &feed).unwrap();
        let outcome = parse(name, feed);
        let mut seen: Vec<String> = match &outcome {
            Ok(feed) => {
                assert_feed_clean(name, feed);
                let stories = feed.stories.iter();
                stories
                    .flat_map(|s| {
                        let texts = s.paragraphs.iter().map(|p| p.text.clone());
                        texts.chain([s.title.clone()]).chain(s.link.clone())
                    })
                    .chain(feed.title.clone())
                    .collect()
            }
            Err(e) => vec![e.clone()],
        };
        seen.extend(assert_lists_or_refuses(dir.path(), name));
        let total: usize = seen.iter().map(String::len).sum();
        assert!(total < 10_000, "{name}: {total} bytes of text: expanded?");
        for text in &seen {
            assert!(!text.contains("lollollol"), "{name}: expanded: {text:.80}");
            assert!(
                !text.contains("SECRET-CANARY"),
                "{name}: read a file: {text}"
            );
            assert!(!text.contains("root:"), "{name}: read /etc/passwd: {text}");
        }
    }
}

#[test]
fn deeply_nested_html_neither_overflows_nor_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 100_000;
    let html = format!(
        "{}deep text{}",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let cdata = rss(&format!(
        "<item><title>Deep</title><description><![CDATA[{html}]]></description></item>"
    ));
    let escaped = rss(&format!(
        "<item><title>Deep</title><description>{}deep</description></item>",
        "&lt;div&gt;&lt;blockquote&gt;&lt;ul&gt;&lt;li&gt;".repeat(depth / 5)
    ));
    for (name, feed) in [("cdata.xml", cdata), ("escaped.xml", escaped)] {
        if name == "escaped.xml" {
            let parsed = parse(name, feed).expect("the feed parses");
            assert!(
                parsed.stories[0].paragraphs[0].text.contains("deep"),
                "{name}"
            );
            continue;
        }
        // On a thread of the default size (2 MiB), smaller than any gazette parses on.
        let parsed = parse(name, feed.clone()).expect("the feed parses");
        assert_feed_clean(name, &parsed);
        assert_eq!(parsed.stories[0].title, "Deep");
        assert!(
            parsed.stories[0].paragraphs[0].text.contains("deep"),
            "{name}: {:?}",
            parsed.stories[0].paragraphs.first()
        );
        std::fs::write(dir.path().join(name), feed).unwrap();
        assert_eq!(assert_lists_or_refuses(dir.path(), name), ["Deep"]);
    }
}

#[test]
fn megabyte_fields_and_extreme_dates_parse_and_draw() {
    let huge = "word ".repeat(200_000);
    let big = &huge[..1 << 18];
    let feed = rss(&format!(
        "<item><title>{huge}</title><author>{big}</author><link>https://a.example/{}</link>\
         <description>{big}</description></item>\
         <item><title>Year zero</title><pubDate>Sat, 01 Jan 0000 00:00:00 GMT</pubDate></item>\
         <item><title>Year 9999</title><pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate></item>\
         <item><title>Garbage date</title><pubDate>the day after tomorrow</pubDate></item>\
         <item><title>Negative date</title><pubDate>-1</pubDate></item>\
         <item><title>Huge year</title><pubDate>Fri, 31 Dec 99999999 23:59:59 GMT</pubDate></item>\
         <item><title>ISO zero</title><pubDate>0000-01-01T00:00:00Z</pubDate></item>",
        "x".repeat(1 << 18)
    ));
    let parsed = parse("huge", feed.clone()).expect("parses");
    assert_eq!(parsed.stories.len(), 7);
    // A megabyte title is cut to a headline's length, at a word, with an ellipsis: kept whole,
    // it was listed, stored and searched whole (a hostile feed of them filled the store).
    let title = &parsed.stories[0].title;
    assert!(title.starts_with("word word"), "{title:.40}");
    assert!(title.ends_with('…'), "{title:.40}");
    assert!(
        gazette::text::width(title) <= gazette::feed::MAX_TITLE_COLUMNS,
        "{} columns",
        gazette::text::width(title)
    );
    let dates: Vec<Option<i64>> = parsed.stories[1..].iter().map(|s| s.published).collect();
    assert_eq!(dates[0], Some(-62_167_219_200), "year 0 is a date");
    assert_eq!(dates[1], Some(253_402_300_799), "year 9999 is a date");
    assert_eq!(&dates[2..5], [None, None, None], "garbage is no date");

    let atom = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>\
        <entry><title>y0</title><id>a</id><updated>0000-01-01T00:00:00Z</updated></entry>\
        <entry><title>y9999</title><id>b</id><updated>9999-12-31T23:59:59+14:00</updated></entry>\
        <entry><title>garbage</title><id>c</id><updated>garbage</updated></entry>\
        <entry><title>minus</title><id>d</id><updated>-0001-01-01T00:00:00Z</updated></entry></feed>";
    let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
        {"id":"1","title":"y0","date_published":"0000-01-01T00:00:00Z"},
        {"id":"2","title":"y9999","date_published":"9999-12-31T23:59:59Z"},
        {"id":"3","title":"soon","date_published":"soon"}]}"#;
    for (name, bytes) in [
        ("huge.xml", feed.into_bytes()),
        ("atom.xml", atom.as_bytes().to_vec()),
        ("feed.json", json.as_bytes().to_vec()),
    ] {
        if name != "huge.xml" {
            assert_feed_clean(name, &parse(name, bytes.clone()).expect("parses"));
        }
        // Drawn in the list and opened in the story pane, at a normal and a tiny size.
        draw_library(library_of(name, bytes), &[(100, 30), (12, 5)]);
    }
}

#[test]
fn duplicate_guids_and_thousands_of_links_stay_stories() {
    let dup = rss("<item><guid>same</guid><title>One</title><description>First.</description></item>\
                   <item><guid>same</guid><title>Two</title><description>Second.</description></item>\
                   <item><guid>same</guid><title>Three</title></item>");
    let parsed = parse("dup", dup.clone()).expect("parses");
    let titles: Vec<&str> = parsed.stories.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["One", "Two", "Three"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dup.xml"), &dup).unwrap();
    // Twice: the second run also has the first run's stored copy of the feed.
    for _ in 0..2 {
        let listed = assert_lists_or_refuses(dir.path(), "dup.xml");
        assert_eq!(listed, ["One", "Two", "Three"]);
    }

    let links: String = (0..3000)
        .map(|i| {
            format!(
                "<a href=\"https://l.example/{i}\">l{i}</a> <a href=\"javascript:x({i})\">j</a> "
            )
        })
        .collect();
    let many = rss(&format!(
        "<item><title>Links</title><description><![CDATA[<p>{links}</p>]]></description></item>"
    ));
    let parsed = parse("links", many.clone()).expect("parses");
    assert_feed_clean("links", &parsed);
    let references = &parsed.stories[0].references;
    assert!(references.len() >= 3000, "{} references", references.len());
    assert!(references.contains(&"https://l.example/2999".to_string()));
    let shown = draw_library(library_of("links.xml", many.into_bytes()), &[(80, 24)]);
    assert!(
        shown.contains("https://l.example/2999"),
        "the last reference is at the end"
    );
}

#[test]
fn a_hundred_thousand_tiny_items() {
    let items: String = (0..100_000)
        .map(|i| format!("<item><title>t{i}</title></item>"))
        .collect();
    let parsed = parse("100k", rss(&items)).expect("parses");
    assert_eq!(parsed.stories.len(), 100_000);
    assert_eq!(parsed.stories[99_999].title, "t99999");
    // Through the binary with a twentieth of them, to keep the test quick in a debug build (the
    // whole feed takes about 2 s in a release build; the report of issue 6 has the figures).
    let dir = tempfile::tempdir().unwrap();
    let items: String = (0..5_000)
        .map(|i| format!("<item><title>t{i}</title></item>"))
        .collect();
    std::fs::write(dir.path().join("many.xml"), rss(&items)).unwrap();
    let listed = assert_lists_or_refuses(dir.path(), "many.xml");
    assert_eq!(listed.len(), 5_000);
    assert_eq!(listed[4_999], "t4999");
}

/// The corpus of terminal attacks in every field of every format: the model holds none of it,
/// keeps the text around it, and keeps zero-width joiners and combining marks.
#[test]
fn terminal_attacks_never_reach_the_model() {
    for (name, bytes) in attack_files() {
        let library = library_of(name, bytes.clone());
        assert_eq!(library.stories.len(), ATTACKS.len(), "{name}");
        for edition in &library.editions {
            assert_clean(&format!("{name}: source name"), &edition.name, false);
        }
        if name.ends_with(".txt") {
            for (i, story) in library.stories.iter().enumerate() {
                let what = format!("{name}: {}", ATTACKS[i].0);
                assert_story_clean(&what, story);
                assert!(
                    story.title.starts_with(&format!("Edition{i:02} ")),
                    "{what}"
                );
                assert!(story.title.ends_with(&format!("story {KEEP}")), "{what}");
                assert!(story.paragraphs[0].text.contains(KEEP), "{what}");
            }
            continue;
        }
        let feed = parse(name, bytes).expect("the corpus parses");
        assert_feed_clean(name, &feed);
        let title = feed.title.as_deref().unwrap_or_default();
        assert!(
            title.starts_with("Wire ") && title.ends_with(" name"),
            "{title:?}"
        );
        assert_eq!(feed.stories.len(), ATTACKS.len());
        for (i, story) in feed.stories.iter().enumerate() {
            let what = format!("{name}: {}", ATTACKS[i].0);
            assert!(story.title.starts_with(&format!("Item{i:02} ")), "{what}");
            assert!(
                story.title.ends_with(&format!("title {KEEP}")),
                "{what}: {:?}",
                story.title
            );
            let author = story.author.as_deref().unwrap_or_default();
            assert!(author.starts_with(&format!("Author{i:02} ")), "{what}");
            let body = &story.paragraphs[0].text;
            assert!(
                body.starts_with(&format!("Body{i:02} ")),
                "{what}: {body:?}"
            );
            assert!(body.contains(KEEP), "{what}: {body:?}");
            let link = story.link.as_deref().unwrap_or_default();
            assert!(
                link.starts_with(&format!("https://news.example/{i}/")),
                "{what}"
            );
            assert!(
                story
                    .references
                    .iter()
                    .any(|r| r.starts_with("https://ref.example/")),
                "{what}: {:?}",
                story.references
            );
        }
    }
}

/// Errors that quote the document (a tag name, say) are cleaned too: in the model's error and on
/// the binary's stderr.
#[test]
fn errors_quoting_content_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        "<rss version=\"2.0\"><channel><title\x1b]0;GOTCHA\x07>x</title2></channel></rss>",
        "<rss version=\"2.0\"><channel><title>x</tit\x1b]52;c;R09UQ0hB\x07le></channel></rss>",
        "<rss version=\"2.0\"><channel><ti\u{202e}tle>x</ti\u{9b}2Jtle></channel></rss>",
        "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": \"\x1b[2J\x1bPGOTCHA\x1b\\\"}",
    ];
    for (i, feed) in cases.iter().enumerate() {
        let error = parse("bad", *feed).expect_err("malformed");
        assert_error_line(&format!("case {i}"), &error);
        let name = format!("bad{i}.xml");
        std::fs::write(dir.path().join(&name), feed).unwrap();
        let output = list(dir.path(), &name);
        assert_eq!(output.status.code(), Some(2), "case {i}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert_clean(&format!("case {i} stderr"), stderr.trim_end(), false);
    }
}
