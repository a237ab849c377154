//! End-to-end tests: the real `gazette` binary in a pseudo-terminal (portable-pty), its output fed
//! into a terminal emulator (vt100), the parsed screen polled until it shows what we expect. The
//! harness is in `common/mod.rs`, shared with `e2e_feeds.rs`.

mod common;

use std::thread;
use std::time::Duration;

use common::{assert_list, list_rows, story_text, Gazette, CTRL_C, DOWN, ENTER};
use vt100::MouseProtocolMode;

const HEADLINE_ONLY: &str = "This source has only the headline of this story, not its text.";
const NATO_1: &str = "Zelenskiy Signals Willingness to Drop NATO Bid as Ukraine, U.S. Hold Crucial Peace Talks in Berlin";
const NATO_2: &str = "Ukraine’s NATO Concession Unlikely to Shift Peace Talks, Experts Say";
const THIRD: &str =
    "U.S. Lifts Sanctions on Brazilian Supreme Court Justice Amid Shift in Brazil Relations";

/// The scenario: move, filter, keep the filter, quit; the terminal must be left as found.
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
    // Interrupted, as shells expect of Ctrl-C (128 + SIGINT).
    g.assert_exit(130);
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
    // The first q leaves the full view, the second quits.
    g.send("q");
    g.wait_for("the split again", |s| !s.contains("Story (full view)"));
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

#[test]
fn a_panic_restores_the_terminal_before_reporting() {
    // Debug builds panic after the first frame when GAZETTE_TEST_PANIC is set.
    let mut g = Gazette::start_with_env(100, 30, &[], |_| {
        vec![("GAZETTE_TEST_PANIC".to_string(), "1".into())]
    });
    g.assert_exit(101);
    g.assert_restored();
    // The panic message is readable on the normal screen, not lost in the alternate one.
    assert!(
        g.text().contains("GAZETTE_TEST_PANIC is set"),
        "{}",
        g.text()
    );
}

#[test]
fn ctrl_l_redraws_without_asking_the_terminal_anything() {
    // The harness answers no queries (cursor position): a redraw that asked would hang and fail.
    let mut g = Gazette::start_bundled(100, 30);
    g.send("\x0c");
    thread::sleep(Duration::from_millis(300));
    g.send(DOWN);
    g.wait_for("the reader still running after Ctrl-L", |s| {
        s.contains("Headlines (18)") && story_text(s).contains(HEADLINE_ONLY)
    });
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}

#[test]
fn tab_in_the_filter_searches_story_text_through_the_store() {
    let mut g = Gazette::start_bundled(100, 30);
    g.send("/sheinbaum");
    g.wait_for("no headline match", |s| s.contains("0 of 18 match"));
    g.send("\t");
    g.wait_for("the story whose text names her", |s| {
        s.contains("1 of 18 match") && s.contains("text/sheinbaum")
    });
    assert!(
        list_rows(&g.text())[0].starts_with("U.S. President Donald Trump"),
        "{}",
        g.text()
    );
    g.send(CTRL_C);
    // Interrupted, as shells expect of Ctrl-C (128 + SIGINT).
    g.assert_exit(130);
}

/// `q` backs out one level at a time (help, the full view) and quits only from the main view.
#[test]
fn q_backs_out_of_help_and_the_full_view_before_it_quits() {
    let mut g = Gazette::start_bundled(100, 30);
    g.wait_for("the reader", |s| s.contains("Headlines (18)"));
    g.send("?");
    g.wait_for("the help", |s| s.contains(" Keys (Esc closes) "));
    g.send("q");
    g.wait_for("the help closed", |s| {
        !s.contains(" Keys (") && s.contains("Headlines (18)")
    });
    g.send(ENTER);
    g.wait_for("the full view", |s| s.contains("Story (full view)"));
    g.send("q");
    g.wait_for("the split again", |s| {
        !s.contains("Story (full view)") && s.contains("Headlines (18)")
    });
    g.send("q");
    g.assert_exit(0);
    g.assert_restored();
}
