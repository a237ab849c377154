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
