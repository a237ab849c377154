//! The end-to-end harness shared by the `e2e*` tests: the real `gazette` binary in a pseudo-terminal
//! (portable-pty), its output fed into a terminal emulator (vt100), the parsed screen polled until
//! it shows what we expect. Besides the screen it keeps every byte the program wrote and what the
//! emulator was asked to do off screen (window titles, clipboard).

// Each test crate uses its own part of the harness.
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};
use vt100::MouseProtocolMode;

pub const TIMEOUT: Duration = Duration::from_secs(10);

pub const DOWN: &str = "\x1b[B";
pub const ENTER: &str = "\r";
pub const CTRL_C: &str = "\x03";

/// What the emulator was asked to do besides drawing: set the window title or icon name, or put
/// something on the clipboard (OSC 0/1/2 and OSC 52).
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    /// Every window title set, in order.
    pub titles: Vec<Vec<u8>>,
    /// Every icon name set, in order.
    pub icon_names: Vec<Vec<u8>>,
    /// Every clipboard copy: the selection (`c`, `p`, ...) and the base64 data, as sent.
    pub clipboard: Vec<(Vec<u8>, Vec<u8>)>,
}

impl vt100::Callbacks for Recorder {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }

    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.icon_names.push(name.to_vec());
    }

    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
        self.clipboard.push((ty.to_vec(), data.to_vec()));
    }
}

/// The gazette binary running in a pty of its own, with a fresh config/home directory.
pub struct Gazette {
    pub child: Box<dyn Child + Send + Sync>,
    pub master: Box<dyn MasterPty + Send>,
    pub writer: Box<dyn Write + Send>,
    pub parser: Arc<Mutex<vt100::Parser<Recorder>>>,
    /// Every byte the program wrote, to check what it did and did not send.
    pub raw: Arc<Mutex<Vec<u8>>>,
    /// Set by the reader thread once the pty is closed (EIO on Linux once the child is gone).
    pub closed: Arc<AtomicBool>,
    pub home: tempfile::TempDir,
}

pub fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("terminal sizes are not zero")
}

pub fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Gazette {
    /// Starts `gazette ARGS` in a `cols`x`rows` terminal. `setup` may write files into the
    /// temporary directory, which is also the working directory, $HOME and $XDG_CONFIG_HOME.
    pub fn start(cols: u16, rows: u16, args: &[&str], setup: impl FnOnce(&Path)) -> Gazette {
        Gazette::start_with_env(cols, rows, args, |dir| {
            setup(dir);
            Vec::new()
        })
    }

    /// Like [`Gazette::start`], but `setup` also returns environment variables to set on top of
    /// the harness's own (HOME, XDG_CONFIG_HOME, TERM).
    pub fn start_with_env(
        cols: u16,
        rows: u16,
        args: &[&str],
        setup: impl FnOnce(&Path) -> Vec<(String, OsString)>,
    ) -> Gazette {
        Gazette::start_program(cols, rows, env!("CARGO_BIN_EXE_gazette"), args, setup)
    }

    /// Like [`Gazette::start_with_env`], but runs `program` (a shell that runs gazette, say) in
    /// the pty instead of gazette itself.
    pub fn start_program(
        cols: u16,
        rows: u16,
        program: &str,
        args: &[&str],
        setup: impl FnOnce(&Path) -> Vec<(String, OsString)>,
    ) -> Gazette {
        let home = tempfile::tempdir().expect("temp dir");
        let extra_env = setup(home.path());
        let pair = native_pty_system()
            .openpty(pty_size(cols, rows))
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        // Nothing from the user's environment (config, NO_COLOR, BROWSER, ...) may leak in.
        cmd.env_clear();
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path());
        cmd.env("TERM", "xterm-256color");
        for (key, value) in extra_env {
            cmd.env(key, value);
        }
        cmd.cwd(home.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn gazette");
        // Drop our copy of the slave, or the master would never see the child close it.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            nz(rows),
            nz(cols),
            0,
            Recorder::default(),
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let closed = Arc::new(AtomicBool::new(false));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let (p, r, c) = (parser.clone(), raw.clone(), closed.clone());
        // A blocking read must not stall the test, so the master is read on its own thread.
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    // EOF, or EIO on Linux after the child has exited: either way, done.
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        // Raw bytes first: whatever the screen shows, `raw` already holds.
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                        p.lock().unwrap().process(&buf[..n]);
                    }
                }
            }
            c.store(true, Ordering::SeqCst);
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Gazette {
            child,
            master: pair.master,
            writer,
            parser,
            raw,
            closed,
            home,
        }
    }

    /// Starts on the bundled edition and waits for its first full screen.
    pub fn start_bundled(cols: u16, rows: u16) -> Gazette {
        let g = Gazette::start(cols, rows, &[], |_| {});
        g.wait_for("the first screen", |s| {
            s.contains("Headlines (18)") && s.contains(" 18 stories")
        });
        g
    }

    /// The temporary directory: working directory, $HOME and $XDG_CONFIG_HOME.
    pub fn dir(&self) -> &Path {
        self.home.path()
    }

    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    pub fn send(&mut self, keys: &str) {
        self.send_bytes(keys.as_bytes());
    }

    /// Sends a lone Esc. crossterm tells Esc from the start of an escape sequence by timing, so
    /// it must arrive in a write of its own, apart from the keys around it.
    pub fn send_esc(&mut self) {
        thread::sleep(Duration::from_millis(50));
        self.send("\x1b");
        thread::sleep(Duration::from_millis(50));
    }

    pub fn screen(&self) -> vt100::Screen {
        self.parser.lock().unwrap().screen().clone()
    }

    pub fn text(&self) -> String {
        self.screen().contents()
    }

    /// Everything the program has written so far.
    pub fn raw_bytes(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// What the emulator was asked to do off screen so far (titles, clipboard).
    pub fn recorded(&self) -> Recorder {
        self.parser.lock().unwrap().callbacks().clone()
    }

    /// Asserts nothing the program wrote set the window title or icon name, or the clipboard.
    pub fn assert_no_title_or_clipboard(&self) {
        let recorded = self.recorded();
        assert!(
            recorded.titles.is_empty() && recorded.icon_names.is_empty(),
            "the window title was set: {recorded:?}"
        );
        assert!(
            recorded.clipboard.is_empty(),
            "clipboard written: {recorded:?}"
        );
    }

    /// Polls the screen until `ok(screen text)` holds; panics with the screen after TIMEOUT.
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        self.wait_for_screen(what, |screen| ok(&screen.contents()));
    }

    /// [`Gazette::wait_for`] with a limit of its own (a real server's answer may take longer).
    pub fn wait_longer(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while start.elapsed() < limit {
            if ok(&self.text()) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out after {limit:?} waiting for {what}; the screen shows:\n{}",
            self.text()
        );
    }

    /// Polls the screen until `ok(screen)` holds (for checks on cells, not only text); panics with
    /// the screen after TIMEOUT.
    pub fn wait_for_screen(&self, what: &str, ok: impl Fn(&vt100::Screen) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {what}; the screen shows:\n{}\n(end of screen)",
                    screen.contents()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the child to exit and for its last output to be parsed, and returns its status.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("gazette did not exit; the screen shows:\n{}", self.text());
            }
            thread::sleep(Duration::from_millis(10));
        };
        // The reader stops once the pty is closed: everything written before exit has been parsed.
        while !self.closed.load(Ordering::SeqCst) {
            assert!(
                start.elapsed() < TIMEOUT,
                "the pty stayed open after the exit"
            );
            thread::sleep(Duration::from_millis(10));
        }
        status
    }

    /// Waits for the exit and asserts it was a plain exit (not a death by signal) with `code`.
    pub fn assert_exit(&mut self, code: u32) {
        let status = self.wait_exit();
        assert_eq!(
            (status.exit_code(), status.signal()),
            (code, None),
            "{status:?}"
        );
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        // Resize the emulator first, so the redraw triggered by SIGWINCH lands on a grid that fits.
        self.parser.lock().unwrap().set_size(nz(rows), nz(cols));
        self.master
            .resize(pty_size(cols, rows))
            .expect("resize pty");
    }

    /// Asserts that the program left the terminal as it found it: main screen, cursor shown,
    /// no mouse reporting.
    pub fn assert_restored(&self) {
        let screen = self.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "the cursor is still hidden");
        let mouse = screen.mouse_protocol_mode();
        assert_eq!(mouse, MouseProtocolMode::None, "mouse capture still on");
    }
}

impl Drop for Gazette {
    fn drop(&mut self) {
        // A failed test must not leave a gazette running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// The headlines in the left pane of the two-pane view, without the full-text mark.
pub fn list_rows(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix('│'))
        .map(|rest| {
            rest.split('│')
                .next()
                .unwrap_or("")
                .trim_start_matches(['●', ' ', '▪'])
                .trim()
                .to_string()
        })
        .filter(|row| !row.is_empty())
        .collect()
}

/// The text of the right pane of the two-pane view, lines joined by single spaces, so a title
/// wrapped at any width can be found whole.
pub fn story_text(text: &str) -> String {
    let parts = text
        .lines()
        .filter_map(|line| line.split_once("││"))
        .map(|(_, right)| right.trim_end_matches('│'));
    parts
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Asserts that the list shows exactly `titles`, in order; each row may be cut with "…" at the
/// end, or at both ends when the row is shifted to show a filter match.
pub fn assert_list(text: &str, titles: &[&str]) {
    let rows = list_rows(text);
    assert_eq!(
        rows.len(),
        titles.len(),
        "list rows {rows:?}, expected {titles:?}; screen:\n{text}"
    );
    for (row, title) in rows.iter().zip(titles) {
        let shown = row.trim_end_matches('…');
        let fits = match shown.strip_prefix('…') {
            Some(middle) => title.contains(middle),
            None => title.starts_with(shown),
        };
        assert!(
            shown.len() > 10 && fits,
            "row {row:?} is not {title:?}; screen:\n{text}"
        );
    }
}

/// A response held back until the test opens the gate (or `limit` passes, so that a broken
/// program cannot keep a test waiting forever).
#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    changed: Condvar,
}

impl Gate {
    /// Waits until the gate is open, or `limit` has passed.
    pub fn wait(&self, limit: Duration) {
        let open = self.open.lock().unwrap();
        let _unused = self
            .changed
            .wait_timeout_while(open, limit, |open| !*open)
            .unwrap();
    }

    /// Opens the gate for every waiter, now and later.
    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.changed.notify_all();
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile input shared by `hostile_feeds.rs` and `e2e_terminal.rs`.

/// Every escape sequence in [`ATTACKS`] carries this word, so finding it anywhere after cleaning
/// (model, screen, raw output) means a payload got through.
pub const MARKER: &str = "GOTCHA";

/// Terminal attacks, by name: each payload is placed in titles, bodies, authors, links and feed
/// titles. ESC-introduced sequences must go whole (payload and all); lone controls, 8-bit C1
/// introducers, DEL and bidi controls go alone (what follows an 8-bit introducer is inert text).
pub const ATTACKS: &[(&str, &str)] = &[
    ("CSI clear screen", "\x1b[2J\x1b[3J\x1b[H"),
    ("CSI cursor moves", "\x1b[10;10H\x1b[5A\x1b[K\x1b7\x1b8"),
    ("SGR hidden text", "\x1b[31;1m\x1b[8m"),
    ("OSC 0 title", "\x1b]0;GOTCHA-OSC0\x07"),
    ("OSC 2 title", "\x1b]2;GOTCHA-OSC2\x1b\\"),
    (
        "OSC 8 hyperlink",
        "\x1b]8;;https://evil.example/GOTCHA\x1b\\link\x1b]8;;\x1b\\",
    ),
    ("OSC 52 clipboard", "\x1b]52;c;R09UQ0hBLUNMSVA=\x07"),
    ("DCS", "\x1bPq#GOTCHA-DCS\x1b\\"),
    ("APC", "\x1b_GOTCHA-APC\x1b\\"),
    ("PM", "\x1b^GOTCHA-PM\x1b\\"),
    ("SOS", "\x1bXGOTCHA-SOS\x1b\\"),
    ("8-bit CSI", "\u{9b}2J\u{9b}H"),
    ("8-bit OSC", "\u{9d}0;c1title\u{9c}"),
    ("C1 controls", "\u{85}\u{8d}\u{8e}\u{90}\u{9f}"),
    ("DEL BEL BS CR", "\x7f\x07\x08\r"),
    (
        "bidi overrides and isolates",
        "\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}",
    ),
];

/// Text that must survive cleaning exactly: zero-width joiners inside an emoji and a word, a
/// combining accent, a zero-width non-joiner.
pub const KEEP: &str = "fam👩\u{200d}👩\u{200d}👧ily cafe\u{301} zero\u{200c}width";

/// True for what may never reach the model or the screen: controls (C0 with ESC, DEL, C1), bidi
/// embeddings, overrides, isolates and marks, and the line and paragraph separators (which the
/// sanitiser turns into spaces). Written here, not taken from `gazette::sanitize`, so the tests
/// do not trust the code they check.
pub fn forbidden(c: char) -> bool {
    c.is_control()
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}'
        )
}

/// Every attack payload concatenated, for fields that hold one string per feed.
pub fn all_attacks() -> String {
    ATTACKS.iter().map(|(_, p)| *p).collect()
}

/// A payload for a link: the marker becomes "inert" (a link may keep a payload's text
/// percent-encoded, which is harmless, but the raw-output checks look for the marker).
fn link_payload(payload: &str) -> String {
    payload.replace(MARKER, "inert")
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Control characters as numeric character references (`&#27;`), as a feed may write them.
fn as_refs(text: &str) -> String {
    text.chars()
        .map(|c| {
            if forbidden(c) {
                format!("&#{};", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The body of story `i` as HTML, with the payload in the text and in a link's target.
fn body_html(i: usize, payload: &str) -> String {
    format!(
        "<p>Body{i:02} {payload} text {KEEP}</p><p>See <a href=\"https://ref.example/{i}/{}\">the ref</a>.</p>",
        link_payload(payload)
    )
}

/// The attack corpus as files, named by format: RSS with the payloads raw, RSS with them as
/// character references, Atom, JSON Feed, and a plain-text edition. Each has one story per
/// attack, titled `ItemNN …` (`EditionNN …` in the edition).
pub fn attack_files() -> Vec<(&'static str, Vec<u8>)> {
    let n = ATTACKS.len();
    let feed_title = format!("Wire {} name", all_attacks());
    let rss = |refs: bool| {
        let esc = |t: &str| if refs { as_refs(t) } else { t.to_string() };
        let mut xml = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{}</title>",
            esc(&feed_title)
        );
        for (i, (_, p)) in ATTACKS.iter().enumerate() {
            let description = if refs {
                as_refs(&xml_escape(&body_html(i, p)))
            } else {
                format!("<![CDATA[{}]]>", body_html(i, p))
            };
            xml += &format!(
                "<item><title>{}</title><link>{}</link><author>{}</author><guid>g{i}</guid>\
                 <pubDate>Wed, {:02} Feb 2022 10:00:00 GMT</pubDate><description>{description}</description></item>",
                esc(&format!("Item{i:02} {p} title {KEEP}")),
                esc(&xml_escape(&format!("https://news.example/{i}/{}x", link_payload(p)))),
                esc(&format!("Author{i:02} {p} name")),
                n - i,
            );
        }
        (xml + "</channel></rss>").into_bytes()
    };
    let mut atom = format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{feed_title}</title><id>urn:a</id>\
         <updated>2022-02-01T10:00:00Z</updated>"
    );
    for (i, (_, p)) in ATTACKS.iter().enumerate() {
        atom += &format!(
            "<entry><title>Item{i:02} {p} title {KEEP}</title><id>urn:a:{i}</id>\
             <updated>2021-03-{:02}T10:00:00Z</updated><link href=\"{}\"/>\
             <author><name>Author{i:02} {p} name</name></author>\
             <content type=\"html\">{}</content></entry>",
            n - i,
            xml_escape(&format!("https://news.example/{i}/{}x", link_payload(p))),
            xml_escape(&body_html(i, p)),
        );
    }
    atom += "</feed>";
    let items: Vec<serde_json::Value> = ATTACKS
        .iter()
        .enumerate()
        .map(|(i, (_, p))| {
            serde_json::json!({
                "id": format!("j{i}"),
                "url": format!("https://news.example/{i}/{}x", link_payload(p)),
                "title": format!("Item{i:02} {p} title {KEEP}"),
                "content_html": body_html(i, p),
                "authors": [{"name": format!("Author{i:02} {p} name")}],
                "date_published": format!("2020-04-{:02}T10:00:00Z", n - i),
            })
        })
        .collect();
    let json = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed_title,
        "items": items,
    });
    let mut edition = String::new();
    for (i, (_, p)) in ATTACKS.iter().enumerate() {
        // A lone CR ends a line in a document: the edition's payloads go without it.
        let p = p.replace('\r', "");
        edition += &format!(
            "Edition{i:02} {p} story {KEEP}\nBody{i:02} {p} runs on as a sentence {KEEP}.\n\n"
        );
    }
    vec![
        ("raw.xml", rss(false)),
        ("refs.xml", rss(true)),
        ("atom.xml", atom.into_bytes()),
        ("feed.json", json.to_string().into_bytes()),
        ("edition.txt", edition.into_bytes()),
    ]
}

impl Gazette {
    /// gazette's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("gazette's pid")
    }
}

/// Sends signal `name` ("TERM", "HUP", "CONT", ...) to process `pid` with kill(1).
pub fn send_signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid} failed: {status:?}");
}

/// The state letter of process `pid` in /proc (`R`, `S`, `T` for stopped, ...), if it exists.
pub fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: the state follows the last ')'.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// True when the tests run as root, for whom file permissions do not stop reading.
pub fn running_as_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

// ---------------------------------------------------------------------------------------------
// Larger inputs (`e2e_scale.rs`).

impl Gazette {
    /// Like [`Gazette::wait_for`], with a time limit of its own: reading thousands of stories
    /// takes longer than [`TIMEOUT`] in a debug build on a busy machine.
    pub fn wait_for_within(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen.contents()) {
                return;
            }
            if start.elapsed() > limit {
                panic!(
                    "timed out after {limit:?} waiting for {what}; the screen shows:\n{}\n(end of screen)",
                    screen.contents()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A loopback server's answer.
pub type Answer = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// An HTTP server on 127.0.0.1 (a port of its own) answering each request on a thread of its own
/// with `answer(path, base)`, where `base` is its `http://127.0.0.1:PORT` (for links to itself).
/// Keep the server returned: its thread ends when the test does.
pub fn serve(
    answer: impl Fn(&str, &str) -> Answer + Send + 'static,
) -> (Arc<tiny_http::Server>, String) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a server"));
    let port = server.server_addr().to_ip().expect("an IP").port();
    let base = format!("http://127.0.0.1:{port}");
    let (s, b) = (server.clone(), base.clone());
    thread::spawn(move || {
        for request in s.incoming_requests() {
            let response = answer(request.url(), &b);
            let _ = request.respond(response);
        }
    });
    (server, base)
}
