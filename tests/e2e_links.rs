//! The list of a story's links, end to end: the real binary in a pseudo-terminal reading a feed
//! file whose entry cites links; `u` lists them numbered as the story text does, and typing a
//! number hands exactly that link to `$BROWSER` (a stand-in script that writes down what it got).

mod common;

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use common::{Gazette, TIMEOUT};

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Harbour reopens</title><link>https://wire.example/harbour</link><guid>1</guid>
<description><![CDATA[<p>The <a href="https://port.example/notice">port notice</a> and the
<a href="https://council.example/minutes?id=7&amp;page=2">council minutes</a> say so.</p>]]></description>
</item></channel></rss>"#;

#[test]
fn a_number_in_the_list_of_links_opens_exactly_that_link() {
    let mut g = Gazette::start_with_env(120, 30, &["wire.xml"], |dir| {
        std::fs::write(dir.join("wire.xml"), FEED).unwrap();
        let script = dir.join("browser.sh");
        std::fs::write(
            &script,
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$HOME/opened.tmp\" && mv \"$HOME/opened.tmp\" \"$HOME/opened\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        vec![("BROWSER".to_string(), OsString::from(script))]
    });
    g.wait_for("the story and its references", |s| {
        s.contains("Harbour reopens") && s.contains("[2]")
    });
    g.send("u");
    g.wait_for("the numbered links", |s| {
        s.contains("Links")
            && s.contains("0  https://wire.example/harbour")
            && s.contains("1  https://port.example/notice")
            && s.contains("2  https://council.example/minutes?id=7&page=2")
    });
    g.send("2");
    let opened = g.dir().join("opened");
    let start = Instant::now();
    while !opened.exists() {
        assert!(start.elapsed() < TIMEOUT, "the browser was never run");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        "https://council.example/minutes?id=7&page=2\n",
        "the browser got exactly the link, as one argument"
    );
    g.wait_for("the list closed", |s| !s.contains("Links ·"));
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

/// A terminal browser stand-in: it notes whether its input and output are the terminal, its
/// arguments, and the line typed to it, and shows the link it was given.
const VIEWER: &str = r#"#!/bin/sh
out="$HOME/viewer.log"
if test -t 0; then echo "stdin: tty" > "$out"; else echo "stdin: not a tty" > "$out"; fi
if test -t 1; then echo "stdout: tty" >> "$out"; else echo "stdout: not a tty" >> "$out"; fi
printf 'args:' >> "$out"
for arg in "$@"; do printf ' [%s]' "$arg" >> "$out"; done
echo >> "$out"
for arg in "$@"; do printf 'VIEWER SHOWS %s\n' "$arg"; done
IFS= read -r line
printf 'typed: %s\n' "$line" >> "$out"
"#;

/// Runs gazette on the feed with a terminal browser set up by `browser` (which writes the
/// stand-in where it wants and returns the environment), presses `o`, types a line to the
/// browser, and returns what the stand-in noted. gazette must give the browser the terminal
/// (its input and output a tty, the main screen), take none of the keys typed to it (`j` and `q`
/// among them), and redraw once it exits.
fn open_in_a_terminal_browser(
    browser: impl FnOnce(&std::path::Path) -> Vec<(String, OsString)>,
) -> String {
    let mut g = Gazette::start_with_env(100, 30, &["wire.xml"], |dir| {
        std::fs::write(dir.join("wire.xml"), FEED).unwrap();
        browser(dir)
    });
    g.wait_for("the story", |s| {
        s.contains("Harbour reopens") && s.contains("[2]")
    });
    g.send("o");
    g.wait_for_screen("the browser on the main screen", |s| {
        !s.alternate_screen()
            && s.contents()
                .contains("VIEWER SHOWS https://wire.example/harbour")
    });
    g.send("hello j q\r");
    g.wait_for_screen("gazette redrawn after the browser", |s| {
        let text = s.contents();
        s.alternate_screen()
            && text.contains("Headlines (1)")
            && text.contains("Link: https://wire.example/harbour")
            && !text.contains("VIEWER")
    });
    let log = std::fs::read_to_string(g.dir().join("viewer.log")).expect("the browser ran");
    // Still running (the `q` typed to the browser was not gazette's), and the keys still work.
    assert!(g.child.try_wait().unwrap().is_none(), "gazette quit");
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
    log
}

fn write_viewer(path: &std::path::Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, VIEWER).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_terminal_browser_gets_the_terminal_and_gazette_redraws_after_it() {
    // Configured: an argv with the link's place, marked a terminal program.
    let log = open_in_a_terminal_browser(|dir| {
        let viewer = dir.join("viewer.sh");
        write_viewer(&viewer);
        let config = format!(
            "[browser]\ncommand = [{:?}, \"--page\", \"{{url}}\"]\nterminal = true\n",
            viewer.display().to_string()
        );
        std::fs::create_dir_all(dir.join("gazette")).unwrap();
        std::fs::write(dir.join("gazette/config.toml"), config).unwrap();
        Vec::new()
    });
    assert_eq!(
        log,
        "stdin: tty\nstdout: tty\nargs: [--page] [https://wire.example/harbour]\ntyped: hello j q\n"
    );
    // $BROWSER naming a known terminal browser (here a stand-in called w3m).
    let log = open_in_a_terminal_browser(|dir| {
        let viewer = dir.join("bin/w3m");
        write_viewer(&viewer);
        vec![("BROWSER".to_string(), OsString::from(viewer))]
    });
    assert_eq!(
        log,
        "stdin: tty\nstdout: tty\nargs: [https://wire.example/harbour]\ntyped: hello j q\n"
    );
}
