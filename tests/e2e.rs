//! End-to-end tests: the real `gazette` binary in a pseudo-terminal (portable-pty), its output fed
//! into a terminal emulator (vt100), the parsed screen polled until it shows what we expect.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};
use vt100::MouseProtocolMode;

const TIMEOUT: Duration = Duration::from_secs(10);

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const CTRL_C: &str = "\x03";

/// The gazette binary running in a pty of its own, with a fresh config/home directory.
struct Gazette {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, to check what it did and did not send.
    raw: Arc<Mutex<Vec<u8>>>,
    /// Set by the reader thread once the pty is closed (EIO on Linux once the child is gone).
    closed: Arc<AtomicBool>,
    _home: tempfile::TempDir,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("terminal sizes are not zero")
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
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
    fn start(cols: u16, rows: u16, args: &[&str], setup: impl FnOnce(&Path)) -> Gazette {
        let home = tempfile::tempdir().expect("temp dir");
        setup(home.path());
        let pair = native_pty_system()
            .openpty(pty_size(cols, rows))
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_gazette"));
        cmd.args(args);
        // Nothing from the user's environment (config, NO_COLOR, ...) may leak in.
        cmd.env_clear();
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path());
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(home.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn gazette");
        // Drop our copy of the slave, or the master would never see the child close it.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
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
                        p.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
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
            _home: home,
        }
    }

    /// Starts on the bundled edition and waits for its first full screen.
    fn start_bundled(cols: u16, rows: u16) -> Gazette {
        let g = Gazette::start(cols, rows, &[], |_| {});
        g.wait_for("the first screen", |s| {
            s.contains("Headlines (18)") && s.contains(" 18 stories")
        });
        g
    }

    fn send_bytes(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    fn send(&mut self, keys: &str) {
        self.send_bytes(keys.as_bytes());
    }

    /// Sends a lone Esc. crossterm tells Esc from the start of an escape sequence by timing, so
    /// it must arrive in a write of its own, apart from the keys around it.
    fn send_esc(&mut self) {
        thread::sleep(Duration::from_millis(50));
        self.send("\x1b");
        thread::sleep(Duration::from_millis(50));
    }

    fn screen(&self) -> vt100::Screen {
        self.parser.lock().unwrap().screen().clone()
    }

    fn text(&self) -> String {
        self.screen().contents()
    }

    /// Polls the screen until `ok(screen text)` holds; panics with the screen after TIMEOUT.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let text = self.text();
            if ok(&text) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what}; the screen shows:\n{text}\n(end of screen)");
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the child to exit and for its last output to be parsed, and returns its status.
    fn wait_exit(&mut self) -> ExitStatus {
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
    fn assert_exit(&mut self, code: u32) {
        let status = self.wait_exit();
        assert_eq!(
            (status.exit_code(), status.signal()),
            (code, None),
            "{status:?}"
        );
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        // Resize the emulator first, so the redraw triggered by SIGWINCH lands on a grid that fits.
        self.parser.lock().unwrap().set_size(nz(rows), nz(cols));
        self.master
            .resize(pty_size(cols, rows))
            .expect("resize pty");
    }

    /// Asserts that the program left the terminal as it found it: main screen, cursor shown,
    /// no mouse reporting.
    fn assert_restored(&self) {
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
fn list_rows(text: &str) -> Vec<String> {
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
fn story_text(text: &str) -> String {
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
fn assert_list(text: &str, titles: &[&str]) {
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

const HEADLINE_ONLY: &str = "This source has only the headline of this story, not its text.";
const NATO_1: &str = "Zelenskiy Signals Willingness to Drop NATO Bid as Ukraine, U.S. Hold Crucial Peace Talks in Berlin";
const NATO_2: &str = "Ukraine’s NATO Concession Unlikely to Shift Peace Talks, Experts Say";
const THIRD: &str =
    "U.S. Lifts Sanctions on Brazilian Supreme Court Justice Amid Shift in Brazil Relations";

/// The issue's scenario: move, filter, keep the filter, quit; the terminal must be left as found.
#[test]
fn browse_filter_and_quit_restores_the_terminal() {
    let mut g = Gazette::start_bundled(100, 30);
    // The opposite of assert_restored, so that check cannot pass by never leaving normal mode.
    let s = g.screen();
    assert!(
        s.alternate_screen() && s.hide_cursor(),
        "not on the alternate screen"
    );
    assert_ne!(
        s.mouse_protocol_mode(),
        MouseProtocolMode::None,
        "no mouse capture"
    );
    // The first story has its text, so the headline-only note must not be there yet.
    g.wait_for("the first story", |s| {
        story_text(s).contains("U.S. President Donald Trump confirmed")
    });
    assert!(
        !story_text(&g.text()).contains(HEADLINE_ONLY),
        "first story shows the note:\n{}",
        g.text()
    );

    g.send(DOWN);
    g.wait_for("the second story's note", |s| {
        story_text(s).contains(HEADLINE_ONLY)
    });
    assert!(
        story_text(&g.text()).starts_with("U.S. Soldiers Killed in ISIS Attack in Palmyra"),
        "{}",
        g.text()
    );

    g.send("/");
    g.send("nato");
    g.wait_for("the NATO filter", |s| {
        s.contains("2 of 18 match") && s.contains("  /nato") && list_rows(s).len() == 2
    });
    assert_list(&g.text(), &[NATO_1, NATO_2]);

    // Enter keeps the filter: the list stays narrowed once the prompt is closed.
    g.send(ENTER);
    g.wait_for("the kept filter", |s| {
        !s.contains("Enter keep") && s.contains("2 of 18 match")
    });
    assert_list(&g.text(), &[NATO_1, NATO_2]);

    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

#[test]
fn ctrl_c_quits_from_the_filter_prompt() {
    let mut g = Gazette::start_bundled(100, 30);
    g.send("/ukraine");
    g.wait_for("the Ukraine filter", |s| {
        s.contains("3 of 18 match") && s.contains("  /ukraine")
    });
    assert_eq!(list_rows(&g.text()).len(), 3, "{}", g.text());
    g.send(CTRL_C);
    g.assert_exit(0);
    g.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    let mut g = Gazette::start_bundled(100, 30);
    let pid = g.child.process_id().expect("gazette's pid");
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(kill.success(), "kill failed: {kill:?}");
    // gazette handles the signal and exits itself: an exit code, not a death by signal.
    g.assert_exit(143);
    g.assert_restored();
}

#[test]
fn help_opens_with_question_mark_and_closes_with_esc() {
    let mut g = Gazette::start_bundled(100, 30);
    g.send("?");
    g.wait_for("the help overlay", |s| s.contains(" Keys (Esc closes) "));
    g.send_esc();
    g.wait_for("the help to close", |s| {
        !s.contains("Keys (Esc closes)") && s.contains("Headlines (18)")
    });
    // Esc only closed the help: the reader still runs and the list is whole.
    assert_eq!(list_rows(&g.text()).len(), 18, "{}", g.text());
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

#[test]
fn config_error_exits_2_without_touching_the_terminal() {
    let mut g = Gazette::start(100, 30, &["--config", "bad.toml"], |dir| {
        std::fs::write(dir.join("bad.toml"), "[layout]\nbogus = 1\n").expect("write bad.toml");
    });
    g.assert_exit(2);
    let raw = String::from_utf8_lossy(&g.raw.lock().unwrap()).into_owned();
    // Not touching the terminal means not one escape sequence (alternate screen, mouse, ...).
    assert!(
        !raw.contains('\x1b'),
        "gazette wrote escape sequences: {raw:?}"
    );
    let text = g.text();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line of error, got:\n{text}");
    assert!(lines[0].starts_with("gazette: bad.toml:2:1: "), "{text}");
    g.assert_restored();
}

#[test]
fn small_terminal_draws_and_survives_tiny_resizes() {
    let mut g = Gazette::start(30, 8, &[], |_| {});
    g.wait_for("the small screen", |s| {
        s.contains(" Story ") && s.contains("Headlines") && s.contains(" 18 stories")
    });
    g.send(DOWN);
    g.send("/nato");
    g.wait_for("the NATO filter", |s| s.contains("2 of 18 match"));
    g.send(ENTER);
    g.send(ENTER);
    g.wait_for("the full view", |s| s.contains("Story (full view)"));
    g.send("?");
    thread::sleep(Duration::from_millis(100));
    g.send_esc();
    // Sizes down to a single cell must not crash the drawing code.
    for (cols, rows) in [(12, 4), (3, 2), (1, 1), (2, 40), (200, 1)] {
        g.resize(cols, rows);
        thread::sleep(Duration::from_millis(100));
    }
    g.resize(40, 10);
    g.wait_for("the redraw at 40x10", |s| {
        s.contains("Story (full view)") && s.contains("2 of 18 match")
    });
    g.send("q");
    g.assert_exit(0); // a panic would exit 101
    g.assert_restored();
}

#[test]
fn resize_redraws_and_keeps_the_selection() {
    let mut g = Gazette::start_bundled(100, 30);
    g.send("jj");
    g.wait_for("the third story", |s| story_text(s).starts_with(THIRD));
    g.resize(60, 20);
    // vt100 only truncates the old frame, so a redraw shows as borders that close at the new width.
    g.wait_for("the redraw at 60x20", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() == 20
            && lines[0].chars().count() == 60
            && lines[0].ends_with('┐')
            && lines[18].ends_with('┘')
            && lines[19].starts_with(" 18 stories")
    });
    let text = g.text();
    assert!(
        story_text(&text).starts_with(THIRD),
        "selection lost:\n{text}"
    );
    assert_eq!(list_rows(&text).len(), 17, "{text}");
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}
