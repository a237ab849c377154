//! Any terminal, end to end (the pty harness in `common/mod.rs`): bad files leave the terminal
//! untouched; terminal attacks in every field of every format never reach it; a resize storm
//! (1x1 to 500x200) while scrolling and filtering leaves the state and a clean screen; starting at
//! 1x1 and 500x200; TERM=linux/dumb, NO_COLOR; piped stdin and redirected stdout; SIGTERM and
//! SIGHUP with a store; Ctrl-Z, then `fg`; a key pressed with a resize is still read.

mod common;

use std::ffi::OsString;
use std::thread;
use std::time::{Duration, Instant};

use common::{
    attack_files, list_rows, process_state, send_signal, story_text, Gazette, ATTACKS, CTRL_C,
    KEEP, MARKER, TIMEOUT,
};

const BIN: &str = env!("CARGO_BIN_EXE_gazette");

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The parameters of every SGR sequence (`ESC [ … m`) in `raw` that sets a colour: 30-38, 40-48,
/// 90-97, 100-107 (39 and 49, the default colours, are not colours).
fn colour_sgrs(raw: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in raw.windows(2).enumerate().filter(|(_, w)| w == b"\x1b[") {
        let params: Vec<u8> = raw[i + 2..]
            .iter()
            .take_while(|b| b.is_ascii_digit() || **b == b';' || **b == b':')
            .copied()
            .collect();
        if raw.get(i + 2 + params.len()) != Some(&b'm') {
            continue;
        }
        let params = String::from_utf8_lossy(&params).into_owned();
        let colour = params.split(';').any(|p| {
            matches!(
                p.parse::<u16>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            )
        });
        if colour {
            found.push(params);
        }
    }
    found
}

/// The environment for running gazette through a shell: where the binary and the tools are.
fn shell_env() -> Vec<(String, OsString)> {
    vec![
        ("GAZETTE".to_string(), BIN.into()),
        ("PATH".to_string(), "/usr/local/bin:/usr/bin:/bin".into()),
    ]
}

/// A bad file is refused before the terminal is touched: no alternate screen, no escape
/// sequence at all, one line naming the file, status 2.
#[test]
fn bad_files_leave_the_terminal_untouched() {
    for (file, problem) in [
        ("empty.txt", "empty.txt: empty file"),
        ("nul.bin", "nul.bin: not a text document"),
        ("pipe", "pipe: "),
        ("/dev/zero", "/dev/zero: "),
    ] {
        let mut g = Gazette::start(80, 24, &[file], |dir| {
            std::fs::write(dir.join("empty.txt"), b"").unwrap();
            std::fs::write(dir.join("nul.bin"), b"a\0b").unwrap();
            let made = std::process::Command::new("mkfifo")
                .arg(dir.join("pipe"))
                .status()
                .unwrap();
            assert!(made.success());
        });
        g.assert_exit(2);
        let raw = g.raw_bytes();
        assert!(!contains(&raw, b"\x1b[?1049h"), "{file}: alternate screen");
        assert!(
            !raw.contains(&0x1b),
            "{file}: {:?}",
            String::from_utf8_lossy(&raw)
        );
        let text = g.text();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{file}: {text}");
        assert!(
            lines[0].starts_with(&format!("gazette: {problem}")),
            "{text}"
        );
        g.assert_restored();
    }
}

/// The attack corpus (`common::ATTACKS`) in titles, bodies, authors, links and source names of an
/// RSS feed (raw and as character references), an Atom feed, a JSON Feed and a plain-text
/// edition. Every story is shown in turn; nothing reaches the terminal but text.
#[test]
fn terminal_attacks_never_reach_the_terminal() {
    let files = attack_files();
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let total = files.len() * ATTACKS.len();
    let mut g = Gazette::start(140, 40, &names, |dir| {
        for (name, bytes) in &files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    });
    let heading = format!("Headlines ({total})");
    g.wait_for("every story", |s| s.contains(&heading));
    // Top to bottom, waiting for each story to be drawn.
    g.send("g");
    for k in 1..=total {
        if k > 1 {
            g.send("j");
        }
        let position = format!(" {k}/{total} ");
        g.wait_for(&format!("story {k}"), |s| s.contains(&position));
    }
    // The last one in the full view, then the list again.
    g.send(common::ENTER);
    g.wait_for("the full view", |s| s.contains("Story (full view)"));
    let text = g.text();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("┌ Story (full view) ") && lines[0].ends_with('┐'),
        "{text}"
    );
    assert!(
        lines[38].starts_with('└') && lines[38].ends_with('┘'),
        "{text}"
    );
    g.send(common::ENTER);
    g.wait_for("the list", |s| s.contains(&heading));
    let text = g.text();
    let rows = list_rows(&text);
    assert!(
        rows.iter()
            .any(|r| r.contains("Item") || r.contains("Edition")),
        "{text}"
    );
    assert!(story_text(&text).contains("Edition15"), "{text}");
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();

    let raw = g.raw_bytes();
    g.assert_no_title_or_clipboard();
    assert!(
        !contains(&raw, MARKER.as_bytes()),
        "a payload reached the terminal"
    );
    for (what, bytes) in [
        ("OSC", &b"\x1b]"[..]),
        ("DCS", b"\x1bP"),
        ("APC", b"\x1b_"),
        ("PM", b"\x1b^"),
        ("SOS", b"\x1bX"),
        ("clear screen from a feed", b"\x1b[2J\x1b[3J"),
        ("BEL", b"\x07"),
        ("BS", b"\x08"),
        ("DEL", b"\x7f"),
    ] {
        assert!(!contains(&raw, bytes), "{what} reached the terminal");
    }
    // C1 controls and bidi controls as UTF-8 (a terminal may act on U+009B as CSI).
    let c1 = raw
        .windows(2)
        .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]));
    assert!(!c1, "a C1 control reached the terminal");
    for bidi in ['\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200f}'] {
        let mut utf8 = [0; 4];
        let bidi = bidi.encode_utf8(&mut utf8).as_bytes();
        assert!(!contains(&raw, bidi), "a bidi control reached the terminal");
    }
    // What must stay did: the zero-width joiners and the combining accent, as text.
    assert!(
        contains(&raw, "cafe\u{301}".as_bytes()),
        "the combining accent is gone"
    );
    assert!(
        contains(&raw, "👩\u{200d}👩".as_bytes()),
        "the joiner is gone"
    );
    assert!(KEEP.contains("cafe\u{301}"));
}

/// The list pane (columns up to the first pane's right border) of each row.
fn list_pane(screen: &vt100::Screen) -> Vec<String> {
    let text = screen.contents();
    let first = text.lines().next().unwrap_or("");
    let width = first.chars().position(|c| c == '┐').map_or(0, |i| i + 1);
    // Blanks at a row's end read the same whether written or cleared (the status bar's, under a
    // list wider than its text).
    screen
        .rows(0, width as u16)
        .map(|row| row.trim_end().to_string())
        .collect()
}

/// The story pane's text rows (between its borders), with trailing blanks trimmed.
fn story_pane(screen: &vt100::Screen) -> Vec<String> {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let left = list_pane(screen)[0].chars().count() as u16;
    let lines: Vec<String> = screen.rows(left, cols - left).collect();
    let inner = &lines[1..usize::from(rows) - 2];
    let mut inner: Vec<String> = inner
        .iter()
        .map(|l| {
            l.trim_start_matches('│')
                .trim_end_matches('│')
                .trim_end()
                .to_string()
        })
        .collect();
    while inner.last().is_some_and(String::is_empty) {
        inner.pop();
    }
    inner
}

/// The row of the list drawn as selected (the selection colours or reverse video).
fn selected_row(screen: &vt100::Screen) -> Option<u16> {
    (1..screen.size().0.get()).find(|&row| {
        let cell = screen.cell(row, 5);
        cell.is_some_and(|c| c.inverse() || c.bgcolor() != vt100::Color::Default)
    })
}

/// Scrolling the first story and typing a filter while the terminal is resized dozens of times,
/// down to 1x1 and up to 500x200: still running, the same story selected, and the last frame the
/// same as a fresh start at that size in that state shows (the list and status bar exactly, the
/// story pane a window of the same story at that width).
#[test]
fn a_resize_storm_keeps_the_state_and_leaves_no_trace() {
    let (cols, rows) = (90, 28);
    let sizes: &[(u16, u16)] = &[
        (1, 1),
        (2, 2),
        (500, 5),
        (5, 200),
        (300, 100),
        (10, 3),
        (500, 200),
        (40, 12),
        (1, 60),
        (200, 1),
        (3, 3),
        (80, 24),
        (499, 199),
        (2, 1),
        (1, 2),
        (60, 20),
        (160, 48),
        (4, 4),
        (30, 8),
        (7, 90),
        (250, 2),
        (19, 10),
        (20, 10),
        (21, 11),
        (100, 30),
        (1, 1),
        (500, 200),
        (33, 7),
        (90, 28),
        (89, 27),
        (11, 5),
        (120, 40),
        (2, 200),
        (400, 3),
        (64, 16),
        (1, 1),
        (150, 50),
        (45, 15),
    ];
    // Focus the story and scroll it, then filter (the first story matches, so stays selected).
    let keys = ["\t", "j", "j", "j", "/", "t", "r", "u", "m", "p", "\r"];
    let mut g = Gazette::start_bundled(100, 30);
    for (i, &(w, h)) in sizes.iter().enumerate() {
        g.resize(w, h);
        if let Some(key) = keys.get(i) {
            g.send(key);
        }
        thread::sleep(Duration::from_millis(15));
        assert!(
            g.child.try_wait().unwrap().is_none(),
            "gazette died at {w}x{h}"
        );
    }
    g.resize(cols, rows);
    let settled = |s: &vt100::Screen| {
        let text = s.contents();
        let lines: Vec<&str> = text.lines().collect();
        lines.len() == usize::from(rows)
            && lines[0].chars().count() == usize::from(cols)
            && lines[0].ends_with('┐')
            && lines[usize::from(rows) - 2].ends_with('┘')
            && lines[usize::from(rows) - 1].contains("/trump")
            // The Enter that keeps the filter is the storm's last key.
            && !lines[usize::from(rows) - 1].contains("Enter keep")
    };
    g.wait_for_screen("the frame at 90x28", settled);

    // The same state from a fresh start at that size, and the whole story at that width.
    let fresh = |height: u16, scroll: &str| {
        let mut f = Gazette::start(cols, height, &[], |_| {});
        f.wait_for("the first screen", |s| s.contains("Headlines (18)"));
        for key in ["\t", scroll, "/trump", "\r"] {
            f.send(key);
            thread::sleep(Duration::from_millis(50));
        }
        f.wait_for_screen("the fresh state", |s| {
            s.contents().contains("/trump") && !s.contents().contains("Enter keep")
        });
        thread::sleep(Duration::from_millis(100));
        let screen = f.screen();
        f.send("q");
        f.assert_exit(0);
        screen
    };
    let same = fresh(rows, "jjj");
    let whole = fresh(200, "");
    thread::sleep(Duration::from_millis(100));
    let storm = g.screen();
    assert_eq!(list_pane(&storm), list_pane(&same), "the list pane differs");
    assert_eq!(
        selected_row(&storm),
        selected_row(&same),
        "the selection moved"
    );
    assert!(selected_row(&storm).is_some(), "nothing selected");
    let last = |s: &vt100::Screen| s.contents().lines().last().map(str::to_string);
    assert_eq!(last(&storm), last(&same), "the status bar differs");
    // The story pane shows consecutive lines of the story as wrapped at this width.
    let window = story_pane(&storm);
    let all = story_pane(&whole);
    assert!(window.len() >= 20, "{window:#?}");
    let at = all.iter().position(|l| *l == window[0]);
    let fits = at.is_some_and(|at| all[at..].starts_with(&window));
    assert!(
        fits,
        "the story pane is no window of the story:\n{window:#?}\n{all:#?}"
    );
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

/// A key that arrives together with a resize is still read. crossterm's default input source
/// (edge-triggered epoll) dropped the key's wake-up when the resize came first in the same poll:
/// the key then sat unread until the next keypress. Each round here resizes and presses a key in
/// the same instant, then waits for that key's effect with no further input.
#[test]
fn a_key_pressed_with_a_resize_is_never_left_unread() {
    let mut g = Gazette::start_bundled(90, 28);
    for round in 0..100u16 {
        // Down then Up, in turn: the list's counter says whether this round's key was read.
        let (key, position) = if round % 2 == 0 { ("j", 2) } else { ("k", 1) };
        g.resize(90 + round % 2, 28);
        g.send(key);
        let counter = format!(" {position}/18 ");
        g.wait_for(&format!("round {round}: the key read"), |s| {
            s.contains(&counter)
        });
    }
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

#[test]
fn starts_at_one_by_one_and_at_500_by_200() {
    let mut g = Gazette::start(1, 1, &[], |_| {});
    g.wait_for("the too-small note", |s| s.trim() == "…");
    g.resize(80, 24);
    g.wait_for("the reader at 80x24", |s| {
        s.contains("Headlines (18)") && s.contains(" 18 stories")
    });
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();

    let mut g = Gazette::start(500, 200, &[], |_| {});
    g.wait_for("the reader at 500x200", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() == 200
            && lines[0].chars().count() == 500
            && lines[0].ends_with('┐')
            && lines[198].ends_with('┘')
            && lines[199].starts_with(" 18 stories")
    });
    assert_eq!(list_rows(&g.text()).len(), 18);
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

/// A resize at any moment of start-up is honoured: before the first frame it is in the size the
/// frame is laid out for, after it an event. Once, a resize just after the first frame was lost.
#[test]
fn a_resize_during_start_up_is_never_lost() {
    for delay_ms in [0, 2, 5, 10, 20, 40] {
        let mut g = Gazette::start(1, 1, &[], |_| {});
        thread::sleep(Duration::from_millis(delay_ms));
        g.resize(80, 24);
        g.wait_for(
            &format!("the reader at 80x24, resized after {delay_ms} ms"),
            |s| s.contains("Headlines (18)") && s.contains(" 18 stories"),
        );
        g.send("q");
        g.assert_exit(0);
    }
}

/// TERM=linux and xterm-256color both get the reader; TERM=dumb gets the list with no escape
/// sequence; NO_COLOR=1 draws without a single colour (checked on the raw bytes), and the colours
/// are there without it, so the check is not vacuous.
#[test]
fn terminal_types_and_no_color() {
    for (term, no_color) in [
        ("linux", false),
        ("xterm-256color", false),
        ("xterm-256color", true),
    ] {
        let mut g = Gazette::start_with_env(100, 30, &[], |_| {
            let mut env = vec![("TERM".to_string(), OsString::from(term))];
            if no_color {
                env.push(("NO_COLOR".to_string(), "1".into()));
            }
            env
        });
        g.wait_for("the reader", |s| {
            s.contains("Headlines (18)") && s.contains(" 18 stories")
        });
        // A filter match and a moved selection use the most styles.
        g.send("j/nato");
        g.wait_for("the filter", |s| s.contains("2 of 18 match"));
        g.send(CTRL_C);
        g.assert_exit(130);
        g.assert_restored();
        let colours = colour_sgrs(&g.raw_bytes());
        if no_color {
            assert!(colours.is_empty(), "NO_COLOR, yet colours: {colours:?}");
        } else {
            assert!(!colours.is_empty(), "TERM={term}: no colours at all");
        }
    }

    let mut g =
        Gazette::start_with_env(100, 30, &[], |_| vec![("TERM".to_string(), "dumb".into())]);
    g.assert_exit(0);
    let raw = g.raw_bytes();
    assert!(!raw.contains(&0x1b), "{:?}", String::from_utf8_lossy(&raw));
    let text = g.text();
    assert!(text.contains("TERM=dumb cannot show the reader"), "{text}");
    assert!(text.contains("Zelenskiy Signals Willingness"), "{text}");
}

/// A document piped in is read while the keys still come from the terminal; output redirected to
/// a file gets the plain list, and nothing at all is written to the terminal.
#[test]
fn piped_stdin_and_redirected_stdout() {
    let script = "printf 'Piped First Headline\\nPiped Second Headline\\n' | \"$GAZETTE\"";
    let mut g = Gazette::start_program(80, 24, "sh", &["-c", script], |_| shell_env());
    g.wait_for("the piped document", |s| s.contains("Headlines (2)"));
    assert_eq!(
        list_rows(&g.text()),
        ["Piped First Headline", "Piped Second Headline"]
    );
    g.send("j");
    g.wait_for("the second story", |s| {
        story_text(s).starts_with("Piped Second Headline")
    });
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();

    let script = "\"$GAZETTE\" > out.txt";
    let mut g = Gazette::start_program(80, 24, "sh", &["-c", script], |_| shell_env());
    g.assert_exit(0);
    assert!(
        g.raw_bytes().is_empty(),
        "{:?}",
        String::from_utf8_lossy(&g.raw_bytes())
    );
    let out = std::fs::read(g.dir().join("out.txt")).unwrap();
    assert!(
        !out.contains(&0x1b),
        "escape sequences in redirected output"
    );
    assert_eq!(String::from_utf8_lossy(&out).lines().count(), 18);
}

/// Which list rows show the unread mark.
fn unread(screen: &str) -> Vec<bool> {
    screen
        .lines()
        .filter_map(|l| l.strip_prefix('│'))
        .filter(|rest| rest.split('│').next().is_some_and(|c| c.trim().len() > 3))
        .map(|rest| rest.starts_with('●'))
        .collect()
}

/// SIGHUP and SIGTERM while running: the terminal restored, the exit status 128 + the signal,
/// the marks made before it stored, and the database intact.
#[test]
fn sighup_and_sigterm_leave_the_store_consistent() {
    for (signal, number) in [("HUP", 1), ("TERM", 15)] {
        let data = tempfile::tempdir().unwrap();
        let data_arg = data.path().to_str().unwrap();
        let mut g = Gazette::start(100, 30, &["--data-dir", data_arg], |_| {});
        g.wait_for("the reader", |s| s.contains("18 stories, 18 unread"));
        // The story shown at start and the three moved to.
        g.send("jjj");
        g.wait_for("four read", |s| s.contains("18 stories, 14 unread"));
        send_signal(g.pid(), signal);
        g.assert_exit(128 + number);
        g.assert_restored();

        let db = data.path().join(gazette::store::DB_FILE);
        let conn = rusqlite::Connection::open(&db).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "SIG{signal}");
        drop(conn);

        let mut g = Gazette::start(100, 30, &["--offline", "--data-dir", data_arg], |_| {});
        g.wait_for("the stored marks", |s| s.contains("18 stories, 14 unread"));
        let marks = unread(&g.text());
        assert_eq!(
            &marks[..5],
            [false, false, false, false, true],
            "SIG{signal}: {marks:?}"
        );
        g.send("q");
        g.assert_exit(0);
    }
}

/// The pid of `parent`'s child named `name`, found in /proc.
fn child_named(parent: u32, name: &str) -> Option<u32> {
    let entries = std::fs::read_dir("/proc").ok()?;
    entries.filter_map(Result::ok).find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
        let (head, rest) = stat.rsplit_once(')')?;
        let ppid: u32 = rest.split_whitespace().nth(1)?.parse().ok()?;
        (ppid == parent && head.ends_with(&format!("({name}"))).then_some(pid)
    })
}

/// Ctrl-Z stops gazette with the terminal restored; `fg` resumes it with the screen redrawn in
/// full and the keys working. gazette runs under a job-control shell, as it would for a user: a
/// process group with no parent in its session (what the harness alone makes) is orphaned, and
/// the kernel discards SIGTSTP for those.
#[test]
fn ctrl_z_suspends_and_fg_resumes() {
    let script = "set -m; \"$GAZETTE\"; echo '[stopped]'; read -r line; fg; echo \"[exit $?]\"";
    let mut g = Gazette::start_program(100, 30, "bash", &["-c", script], |_| shell_env());
    g.wait_for("the reader", |s| {
        s.contains("Headlines (18)") && s.contains(" 18 stories")
    });
    g.send("jj");
    g.wait_for("the third story", |s| {
        story_text(s).starts_with("U.S. Lifts Sanctions")
    });
    g.wait_for("the marks", |s| s.contains("18 stories, 15 unread"));
    // A whole frame: the screen may be read between two writes of one frame.
    thread::sleep(Duration::from_millis(200));
    let before = g.text();
    let shell = g.pid();
    let start = Instant::now();
    let pid = loop {
        if let Some(pid) = child_named(shell, "gazette") {
            break pid;
        }
        assert!(start.elapsed() < TIMEOUT, "no gazette under the shell");
        thread::sleep(Duration::from_millis(10));
    };

    g.send("\x1a");
    g.wait_for("the shell's turn", |s| s.contains("[stopped]"));
    let start = Instant::now();
    while process_state(pid) != Some('T') {
        assert!(
            start.elapsed() < TIMEOUT,
            "not stopped: {:?}",
            process_state(pid)
        );
        thread::sleep(Duration::from_millis(10));
    }
    g.assert_restored();

    g.send("\n");
    g.wait_for_screen("the redraw after fg", |s| {
        s.alternate_screen() && s.contents() == before
    });
    assert_eq!(process_state(pid).map(|s| s != 'T'), Some(true));
    g.send("j");
    g.wait_for("the fourth story", |s| {
        story_text(s).starts_with("Zelenskiy Signals")
    });
    g.send("q");
    g.wait_for("the shell's report", |s| s.contains("[exit 0]"));
    g.assert_exit(0);
    g.assert_restored();
}
