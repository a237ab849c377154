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
        let home = tempfile::tempdir().expect("temp dir");
        let extra_env = setup(home.path());
        let pair = native_pty_system()
            .openpty(pty_size(cols, rows))
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_gazette"));
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

    /// Polls the screen until `ok(screen text)` holds; panics with the screen after TIMEOUT.
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        self.wait_for_screen(what, |screen| ok(&screen.contents()));
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
