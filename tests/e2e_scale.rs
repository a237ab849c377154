//! End-to-end tests at scale: the real `gazette` binary in a pseudo-terminal (the harness in
//! `common/mod.rs`) on a generated feed file of 3,000 items, with a data directory and an empty
//! config of its own. The file is read in the background and stored, a story's text comes from
//! the store when it is opened, an unchanged file is not read again, a changed one is, marks
//! survive a restart, and `--list` prints every headline.

mod common;

#[path = "../benches/support/feedgen.rs"]
mod feedgen;

use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use common::{story_text, Gazette, DOWN};
use gazette::store::DB_FILE;
use rusqlite::Connection;

const COLS: u16 = 160;
const ROWS: u16 = 40;
const ITEMS: usize = 3000;
const SEED: u64 = 11;
/// Long enough for a debug build reading 3,000 items on a busy machine.
const SLOW: Duration = Duration::from_secs(90);

/// A feed file, a data directory and an empty config, kept across runs.
struct Wire {
    dir: tempfile::TempDir,
}

impl Wire {
    /// A wire whose feed file is `xml`.
    fn new(xml: &str) -> Wire {
        let wire = Wire {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        std::fs::write(wire.config(), "").unwrap();
        std::fs::write(wire.feed(), xml).unwrap();
        wire
    }

    fn feed(&self) -> PathBuf {
        self.dir.path().join("wire.xml")
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The store's name for the feed file.
    fn source(&self) -> String {
        format!("file://{}", self.feed().canonicalize().unwrap().display())
    }

    fn args(&self) -> Vec<String> {
        [self.data(), self.config(), self.feed()]
            .iter()
            .map(|p| p.to_str().expect("a UTF-8 temp path").to_string())
            .collect()
    }

    /// Starts gazette on the feed file.
    fn start(&self) -> Gazette {
        let [data, config, feed] = <[String; 3]>::try_from(self.args()).unwrap();
        Gazette::start(
            COLS,
            ROWS,
            &["--data-dir", &data, "--config", &config, &feed],
            |_| {},
        )
    }

    fn connect(&self) -> Connection {
        let conn = Connection::open(self.data().join(DB_FILE)).expect("open the database");
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn
    }

    /// How many stories of the feed are stored, and the highest row id ((0, 0) while the
    /// database is still being made).
    fn stored(&self) -> (i64, i64) {
        self.connect()
            .query_row(
                "SELECT count(*), coalesce(max(id), 0) FROM stories WHERE source = ?1",
                [self.source()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or((0, 0))
    }

    /// Waits until `count` stories of the feed are stored.
    fn wait_stored(&self, count: i64) {
        let start = Instant::now();
        loop {
            if self.data().join(DB_FILE).exists() && self.stored().0 == count {
                return;
            }
            assert!(
                start.elapsed() < SLOW,
                "the store holds {:?}, not {count}",
                self.stored()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The stored title of the story with this guid.
    fn stored_title(&self, guid: &str) -> String {
        self.connect()
            .query_row(
                "SELECT title FROM stories WHERE source = ?1 AND guid = ?2",
                [self.source(), guid.to_string()],
                |r| r.get(0),
            )
            .unwrap()
    }
}

/// An item of a generated feed, as the file has it.
struct Item {
    title: String,
    guid: String,
    link: String,
    /// The description, unescaped: HTML.
    html: String,
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text between the first `open` and the `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).expect(open) + open.len();
    let end = start + text[start..].find(close).expect(close);
    &text[start..end]
}

/// The items of a generated feed, in file order.
fn items(xml: &str) -> Vec<Item> {
    xml.split("<item>")
        .skip(1)
        .map(|item| Item {
            title: unescape(between(item, "<title>", "</title>")),
            link: between(item, "<link>", "</link>").to_string(),
            guid: item[..item.find("</guid>").expect("a guid")]
                .rsplit('>')
                .next()
                .unwrap()
                .to_string(),
            html: unescape(between(item, "<description>", "</description>")),
        })
        .collect()
}

/// The first words of an item's text, as the story pane shows it.
fn first_words(item: &Item) -> String {
    let converted = gazette::html::html_to_text(&item.html, Some(&item.link));
    let words: Vec<&str> = converted.paragraphs[0].split_whitespace().take(6).collect();
    words.join(" ")
}

/// True when the story pane shows item `i` (its title, then the meta line).
fn shows(screen: &str, i: usize, item: &Item) -> bool {
    let text = story_text(screen);
    text.contains(&format!(" #{i} Feed: "))
        && (!item.title.is_ascii() || text.contains(&item.title))
}

/// Waits for the story pane to show item `i` with its text.
fn wait_story(g: &Gazette, i: usize, item: &Item) {
    let words = first_words(item);
    g.wait_for_within(&format!("story #{i} with {words:?}"), SLOW, |s| {
        shows(s, i, item) && story_text(s).contains(&words)
    });
}

/// `xml` with one more item, newer than every other, before the end of the channel.
fn with_new_item(xml: &str) -> String {
    let date = chrono::DateTime::from_timestamp(1_700_000_000 + 3600, 0)
        .unwrap()
        .to_rfc2822();
    let item = format!(
        "<item>\n<title>Appended harbour story #new</title>\n\
         <link>https://example.com/appended</link>\n<guid>appended-1</guid>\n\
         <pubDate>{date}</pubDate>\n\
         <description>&lt;p&gt;The appended story was read from the changed file.&lt;/p&gt;\
         </description>\n</item>\n"
    );
    xml.replace("</channel>", &(item + "</channel>"))
}

#[test]
fn a_large_feed_file_is_stored_and_read_again_only_when_it_changes() {
    let xml = feedgen::rss(ITEMS, SEED);
    let feed = items(&xml);
    assert_eq!(feed.len(), ITEMS);
    let wire = Wire::new(&xml);

    // The first run: headlines at once, then the whole file, stored.
    let mut g = wire.start();
    g.wait_for_within("the first headline", SLOW, |s| shows(s, 0, &feed[0]));
    g.wait_for_within("every story", SLOW, |s| {
        s.contains(" 3000 stories") && s.contains("Refreshed 1 feed")
    });
    g.send(DOWN);
    wait_story(&g, 1, &feed[1]);
    // The oldest story came in a later part of the file: its text is read from the store.
    g.send("G");
    wait_story(&g, ITEMS - 1, &feed[ITEMS - 1]);
    wire.wait_stored(ITEMS as i64);
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
    let stored = wire.stored();
    assert_eq!(stored.0, ITEMS as i64);

    // The same size and modification time: the file counts as unchanged, even though one title
    // in it (past the first screen) is not what was stored. Were it read again, the new title
    // would show.
    let k = (2000..ITEMS).find(|&k| feed[k].title.is_ascii()).unwrap();
    let path = wire.feed();
    let before = gazette::ingest::signature(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let rewritten = format!("REWRITE:{}", &feed[k].title[8..]);
    let changed = xml.replacen(
        &format!("<title>{}</title>", feed[k].title),
        &format!("<title>{rewritten}</title>"),
        1,
    );
    assert_eq!(changed.len(), xml.len());
    assert_ne!(changed, xml);
    std::fs::write(&path, &changed).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(gazette::ingest::signature(&path).unwrap(), before);

    let mut g = wire.start();
    g.wait_for_within("the first headline again", SLOW, |s| shows(s, 0, &feed[0]));
    g.wait_for_within("every stored story, nothing new", SLOW, |s| {
        s.contains(" 3000 stories") && s.contains("Refreshed 1 feed: 0 new stories")
    });
    g.send("/");
    g.send(&format!("#{k}"));
    // Its text, too, is read from the store (the rest came from there a moment after the start).
    let words = first_words(&feed[k]);
    g.wait_for_within("the story as stored", SLOW, |s| {
        s.contains("1 of 3000 match") && shows(s, k, &feed[k]) && story_text(s).contains(&words)
    });
    assert!(!g.text().contains("REWRITE"), "{}", g.text());
    g.send("\r");
    g.send("q");
    g.assert_exit(0);
    assert_eq!(wire.stored(), stored, "nothing was saved again");
    assert_eq!(wire.stored_title(&feed[k].guid), feed[k].title);

    // A changed file is read again: the new story is listed, the rewritten title updated.
    std::fs::write(&path, with_new_item(&changed)).unwrap();
    let mut g = wire.start();
    g.wait_for_within("the new story on top", SLOW, |s| {
        story_text(s).contains("Appended harbour story #new Feed: ")
            && s.contains(" 3001 stories")
            && s.contains("Refreshed 1 feed: 1 new story")
    });
    g.send("/");
    g.send("rewrite");
    g.wait_for_within("the rewritten title", SLOW, |s| {
        s.contains("1 of 3001 match") && story_text(s).contains(&rewritten)
    });
    g.send("\r");
    g.send("q");
    g.assert_exit(0);
    assert_eq!(wire.stored().0, ITEMS as i64 + 1);
    assert_eq!(wire.stored_title(&feed[k].guid), rewritten);
    assert_eq!(
        wire.stored_title("appended-1"),
        "Appended harbour story #new"
    );
}

/// The generated feed with its items in the opposite order: oldest first, as some archives are.
fn oldest_first(xml: &str) -> String {
    let start = xml.find("<item>").unwrap();
    let end = xml.find("</channel>").unwrap();
    let mut items: Vec<&str> = xml[start..end].split_inclusive("</item>\n").collect();
    items.reverse();
    format!("{}{}{}", &xml[..start], items.concat(), &xml[end..])
}

/// Items in the feed of the marks test: more than the reader's first screen takes from the store
/// (500), fewer than [`ITEMS`] to keep it quick.
const MARKS_ITEMS: usize = 700;

#[test]
fn marks_survive_a_restart_wherever_the_story_is_in_the_file() {
    let xml = oldest_first(&feedgen::rss(MARKS_ITEMS, SEED));
    let feed = items(&xml);
    // The oldest story is the file's first entry, and the list's last row.
    let oldest = MARKS_ITEMS - 1;
    assert!(feed[0].title.ends_with(&format!(" #{oldest}")));
    let wire = Wire::new(&xml);
    let all = format!(" {MARKS_ITEMS} stories");

    let mut g = wire.start();
    g.wait_for_within("every story", SLOW, |s| {
        s.contains(&all) && s.contains("Refreshed 1 feed")
    });
    g.send("G");
    wait_story(&g, oldest, &feed[0]);
    g.send("s");
    g.wait_for("the star", |s| s.contains('★'));
    g.send("q");
    g.assert_exit(0);
    let marks = || -> (bool, bool) {
        wire.connect()
            .query_row(
                "SELECT read, starred FROM stories WHERE guid = ?1",
                [&feed[0].guid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    assert_eq!(marks(), (true, true), "read and starred in the store");

    let mut g = wire.start();
    g.wait_for_within("every story again", SLOW, |s| {
        s.contains(&all) && s.contains("Refreshed 1 feed: 0 new stories")
    });
    // Read and starred, and the newest read (shown at start, then G pressed): two stories
    // fewer unread, and the star on the last row.
    let unread = format!("{all}, {} unread", MARKS_ITEMS - 2);
    g.wait_for("the read mark as it was left", |s| s.contains(&unread));
    g.send("G");
    wait_story(&g, oldest, &feed[0]);
    g.wait_for("the star on the oldest story", |s| s.contains('★'));
    g.send("q");
    g.assert_exit(0);
    assert_eq!(marks(), (true, true), "the marks are still in the store");
}

#[test]
fn list_prints_every_headline_of_a_large_feed_file() {
    let xml = feedgen::rss(ITEMS, SEED);
    let wire = Wire::new(&xml);
    let [data, config, feed] = <[String; 3]>::try_from(wire.args()).unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(["--data-dir", &data, "--config", &config, "--list", &feed])
            .env_clear()
            .env("HOME", wire.dir.path())
            .env("XDG_CONFIG_HOME", wire.dir.path())
            .output()
            .expect("run gazette --list")
    };
    let expected: Vec<String> = items(&xml).into_iter().map(|i| i.title).collect();
    let output = run();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), ITEMS);
    assert_eq!(lines, expected, "every headline once, in file order");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `xml` with two more items whose text (not their titles) holds `word`: one newer than every
/// other, one older (so a warm start lists it only once the rest of the store is loaded).
fn with_text_word(xml: &str, word: &str) -> String {
    let item = |n: usize, at: i64| {
        let date = chrono::DateTime::from_timestamp(at, 0)
            .unwrap()
            .to_rfc2822();
        format!(
            "<item>\n<title>Harbour notice {n}</title>\n\
             <link>https://example.com/notice/{n}</link>\n<guid>notice-{n}</guid>\n\
             <pubDate>{date}</pubDate>\n\
             <description>&lt;p&gt;Keepers saw a {word} on the quay.&lt;/p&gt;</description>\n\
             </item>\n"
        )
    };
    let items = item(1, 1_700_000_000 + 3600) + &item(2, 1_000_000_000);
    xml.replace("</channel>", &(items + "</channel>"))
}

/// Searches story text for `word` (`/`, Tab, the word) and waits for exactly the two notices.
fn search_text(g: &mut Gazette, word: &str, total: usize) {
    g.send("/");
    g.send("\t");
    g.send(word);
    let status = format!("2 of {total} match");
    g.wait_for_within(&format!("{status:?} for {word:?}"), SLOW, |s| {
        let rows = common::list_rows(s);
        s.contains(&status)
            && rows.iter().any(|r| r.contains("Harbour notice 1"))
            && rows.iter().any(|r| r.contains("Harbour notice 2"))
    });
    g.send_esc();
}

#[test]
fn full_text_search_finds_words_in_the_stored_text_cold_and_warm() {
    let xml = with_text_word(&feedgen::rss(ITEMS, SEED), "quokka");
    let wire = Wire::new(&xml);
    let total = ITEMS + 2;

    // Cold: the file is read, stored and indexed while the reader runs.
    let mut g = wire.start();
    wire.wait_stored(total as i64);
    let start = Instant::now();
    while wire
        .connect()
        .query_row("SELECT count(*) FROM stories WHERE NOT indexed", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
        > 0
    {
        assert!(start.elapsed() < SLOW, "the index is never complete");
        thread::sleep(Duration::from_millis(50));
    }
    search_text(&mut g, "quokka", total);
    g.send("q");
    g.assert_exit(0);

    // Warm: the newest stories first, the rest from the store a moment later.
    let mut g = wire.start();
    // (All unread but the one on screen when the first search was typed.)
    g.wait_for_within("every stored story", SLOW, |s| {
        s.contains(&format!("{total} stories, {} unread", total - 1))
    });
    search_text(&mut g, "quok", total);
    g.send("q");
    g.assert_exit(0);
}
