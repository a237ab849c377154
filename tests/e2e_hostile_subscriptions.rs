//! Subscriptions that name what is not a feed file, end to end: the controlling terminal, standard
//! input, a FIFO, a server that answers 304 unasked. The reader starts with the good feeds, its
//! keys still work, `q` quits cleanly; `--list` returns within its deadline with the good feeds'
//! headlines and one line on stderr per bad one.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{story_text, Gazette};

const GOOD: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Good Wire</title>\
    <item><title>Harbour Road Reopens</title><guid>1</guid>\
    <description>The harbour road reopened at noon.</description></item>\
    <item><title>Ferry Timetable Changes</title><guid>2</guid>\
    <description>Ferries now leave every forty minutes.</description></item>\
    </channel></rss>\n";

/// Writes the good feed file, `config.toml` (a 5 s fetch deadline) and `feeds.toml` subscribing
/// to `urls` then the good feed; returns the arguments that point gazette at them.
fn subscribe(dir: &Path, urls: &[&str]) -> Vec<String> {
    let good = dir.join("good.xml");
    std::fs::write(&good, GOOD).unwrap();
    let good_url = format!("file://{}", good.display());
    let mut feeds = String::new();
    for url in urls.iter().copied().chain([good_url.as_str()]) {
        feeds.push_str(&format!("[[feeds]]\nurl = \"{url}\"\n\n"));
    }
    std::fs::write(dir.join("feeds.toml"), feeds).unwrap();
    std::fs::write(dir.join("config.toml"), "[fetch]\ntimeout = 5\n").unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    vec![
        "--config".into(),
        path("config.toml"),
        "--data-dir".into(),
        path("data"),
    ]
}

#[test]
fn a_terminal_subscription_leaves_the_keys_to_the_reader() {
    // In the pseudo-terminal, /dev/tty and /dev/stdin are the terminal the keys come from.
    let dir = tempfile::tempdir().unwrap();
    let args = subscribe(
        dir.path(),
        &["file:///dev/tty", "file:///dev/stdin", "file:///dev/zero"],
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut g = Gazette::start(100, 24, &args, |_| {});
    g.wait_for("the good feed's headlines and the first story", |s| {
        s.contains("Harbour Road Reopens")
            && s.contains("Ferry Timetable Changes")
            && story_text(s).contains("The harbour road reopened at noon.")
    });
    // The three bad subscriptions fail at once, each for what it is; the refresh ends.
    g.wait_for("the refresh to end", |s| s.contains("3 failed"));

    // Keys reach the reader, not a thread reading the terminal.
    g.send("j");
    g.wait_for("the second story", |s| {
        story_text(s).contains("Ferries now leave every forty minutes.")
    });
    g.send("E");
    g.wait_for("the problems listed", |s| {
        s.matches("not a regular file (a character device)").count() == 3
    });
    g.send_esc();
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

/// Runs `gazette --list ARGS` with standard input /dev/null (a pipe would be read as the document
/// to list), and returns its output, failing if it takes longer than `limit`.
fn list_within(args: &[String], limit: Duration) -> Output {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--list")
        .args(args)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gazette");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let stdout = thread::spawn(move || {
        let mut text = String::new();
        out.read_to_string(&mut text).map(|_| text)
    });
    let stderr = thread::spawn(move || {
        let mut text = String::new();
        err.read_to_string(&mut text).map(|_| text)
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("--list still running after {limit:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap().unwrap().into_bytes(),
        stderr: stderr.join().unwrap().unwrap().into_bytes(),
    }
}

fn mkfifo(path: &Path) -> PathBuf {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
    path.to_path_buf()
}

/// `--list` with these arguments, within a generous hang check (the file deadline is 5 s; a
/// refusal takes none of it): the good feed's titles must be printed. Returns stderr and the
/// exit status.
fn list_good_feed(args: &[String]) -> (String, std::process::ExitStatus) {
    let output = list_within(args, Duration::from_secs(15));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["Harbour Road Reopens", "Ferry Timetable Changes"],
        "stderr: {stderr}"
    );
    (stderr, output.status)
}

#[test]
fn list_with_a_fifo_subscription_returns_with_the_good_feed() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = mkfifo(&dir.path().join("feed.fifo"));
    let fifo_url = format!("file://{}", fifo.display());
    let args = subscribe(dir.path(), &[&fifo_url, "file:///dev/stdin"]);
    let (stderr, status) = list_good_feed(&args);
    let problems: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        problems,
        [
            format!("gazette: {fifo_url}: not a regular file (a FIFO)"),
            "gazette: file:///dev/stdin: not a regular file (a character device)".to_owned(),
        ]
    );
    assert!(status.success(), "{status:?}");
}

#[test]
fn list_reports_a_304_nobody_asked_for() {
    let http = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = http.server_addr().to_ip().unwrap().port();
    thread::spawn(move || {
        for request in http.incoming_requests() {
            let _ = request.respond(tiny_http::Response::empty(304));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/feed.xml");
    let args = subscribe(dir.path(), &[]);
    // Only the server's feed: with nothing printed, the exit status must say it failed.
    std::fs::write(
        dir.path().join("feeds.toml"),
        format!("[[feeds]]\nurl = \"{url}\"\n"),
    )
    .unwrap();
    let output = list_within(&args, Duration::from_secs(15));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        format!(
            "gazette: {url}: the server answered 304 Not Modified to a request that was not \
             conditional"
        )
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn subscriptions_from_config_and_an_imported_opml_file_get_the_same_checks() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = mkfifo(&dir.path().join("feed.fifo"));
    let fifo_url = format!("file://{}", fifo.display());
    let args = subscribe(dir.path(), &[]);
    // config.toml names /dev/zero; an OPML file, imported, the terminal and the FIFO.
    std::fs::write(
        dir.path().join("config.toml"),
        "[fetch]\ntimeout = 5\n\n[[feeds]]\nurl = \"file:///dev/zero\"\n",
    )
    .unwrap();
    let opml = dir.path().join("theirs.opml");
    std::fs::write(
        &opml,
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><head/><body>\
             <outline text=\"tty\" xmlUrl=\"file:///dev/tty\"/>\
             <outline text=\"fifo\" xmlUrl=\"{fifo_url}\"/></body></opml>"
        ),
    )
    .unwrap();
    let imported = Command::new(env!("CARGO_BIN_EXE_gazette"))
        // Taken only with --allow-files (without it, import leaves file: URLs out): even then,
        // reading them gets the same checks.
        .args([
            "import",
            "--allow-files",
            opml.to_str().unwrap(),
            &args[0],
            &args[1],
        ])
        .env_clear()
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(imported.status.success(), "{imported:?}");

    let (stderr, status) = list_good_feed(&args);
    let mut problems: Vec<&str> = stderr.lines().collect();
    problems.sort_unstable();
    let mut expected = [
        "gazette: file:///dev/zero: not a regular file (a character device)".to_owned(),
        "gazette: tty: not a regular file (a character device)".to_owned(),
        "gazette: fifo: not a regular file (a FIFO)".to_owned(),
    ];
    expected.sort_unstable();
    assert_eq!(problems, expected);
    assert!(status.success(), "{status:?}");
}
