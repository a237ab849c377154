//! Configuration: embedded defaults, the user's overlay, and one-line errors with file and line.

use gazette::action::Action;
use gazette::config::{Config, DEFAULT_CONFIG};
use gazette::keymap::{InputMode, Key, BINDABLE};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

fn user(text: &str) -> Result<Config, String> {
    Config::from_str_with_defaults(Some(("my.toml", text))).map_err(|e| e.to_string())
}

fn press(config: &Config, code: KeyCode) -> Option<Action> {
    config
        .keymap
        .action_for(KeyEvent::new(code, KeyModifiers::NONE), InputMode::Browse)
}

#[test]
fn the_defaults_bind_every_action_and_set_the_documented_values() {
    let config = Config::defaults();
    assert_eq!(config.layout.list_width, 40);
    assert_eq!(config.layout.reading_width, 80);
    assert_eq!(config.colors.accent, Color::Cyan);
    for (name, action, _) in BINDABLE {
        assert!(
            !config.keymap.keys_for(action.clone()).is_empty(),
            "{name} has no default key"
        );
    }
    assert_eq!(press(&config, KeyCode::Char('j')), Some(Action::Down));
    assert_eq!(press(&config, KeyCode::Down), Some(Action::Down));
    assert_eq!(press(&config, KeyCode::Char('G')), Some(Action::Bottom));
    assert_eq!(press(&config, KeyCode::Char(' ')), Some(Action::ReadOn));
    assert_eq!(press(&config, KeyCode::Enter), Some(Action::ToggleFullView));
    assert_eq!(press(&config, KeyCode::Tab), Some(Action::FocusNext));
    assert_eq!(
        press(&config, KeyCode::Char('/')),
        Some(Action::StartFilter)
    );
    assert_eq!(press(&config, KeyCode::Char('?')), Some(Action::Help));
    assert_eq!(press(&config, KeyCode::Esc), Some(Action::Close));
    assert_eq!(press(&config, KeyCode::Char('q')), Some(Action::Quit));
}

#[test]
fn every_setting_in_the_default_file_is_commented() {
    let lines: Vec<&str> = DEFAULT_CONFIG.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.contains(" = ") && !line.starts_with('#') {
            assert!(
                lines[i - 1].starts_with('#'),
                "line {}: `{line}` has no comment above it",
                i + 1
            );
        }
    }
}

#[test]
fn the_user_file_overlays_the_defaults() {
    let config =
        user("[layout]\nlist_width = 30\n[colors]\naccent = \"#ff8800\"\n[keys]\ndown = [\"n\"]\n")
            .unwrap();
    assert_eq!(config.layout.list_width, 30);
    assert_eq!(
        config.layout.reading_width, 80,
        "untouched settings keep their defaults"
    );
    assert_eq!(config.colors.accent, Color::Rgb(0xff, 0x88, 0x00));
    assert_eq!(press(&config, KeyCode::Char('n')), Some(Action::Down));
    assert_eq!(
        press(&config, KeyCode::Char('j')),
        None,
        "binding an action replaces its keys"
    );
    assert_eq!(press(&config, KeyCode::Char('k')), Some(Action::Up));
}

#[test]
fn a_key_taken_from_a_default_action_moves_to_the_new_one() {
    let config = user("[keys]\nquit = [\"x\"]\nhelp = [\"q\", \"?\"]\n").unwrap();
    assert_eq!(press(&config, KeyCode::Char('q')), Some(Action::Help));
    assert_eq!(press(&config, KeyCode::Char('x')), Some(Action::Quit));
    assert_eq!(config.keymap.first_key(Action::Quit), Key::parse("x").ok());
}

#[test]
fn errors_name_the_file_line_and_key() {
    let cases = [
        ("[layout]\nlist_widht = 30\n", "my.toml:2:1: layout.list_widht: unknown field `list_widht`"),
        ("[layout]\nlist_width = 95\n", "my.toml:2:14: layout.list_width: must be from 10 to 90, not 95"),
        (
            "[layout]\nreading_width = \"wide\"\n",
            "my.toml:2:17: layout.reading_width: invalid type: string \"wide\", expected a whole number",
        ),
        (
            "[colors]\n\naccent = \"chartreuse-ish\"\n",
            "my.toml:3:10: colors.accent: \"chartreuse-ish\" is not a colour",
        ),
        (
            "[keys]\nup = [\"k\"]\ndown = [\"j\", \"k\"]\n",
            "my.toml:3:14: keys.down: key \"k\" is bound to both up and down",
        ),
        ("[keys]\nup = [\"K\"]\ndown = [\"shift-k\"]\n", "my.toml:3:9: keys.down: key \"shift-k\" is bound to both up"),
        ("[keys]\nfilter = \"/\"\n", "my.toml:2:10: keys.filter: invalid type: string \"/\", expected a list, like [\"k\"]"),
        ("[keys]\nquit = [\"x\"]\nquit = [\"y\"]\n", "my.toml:3:1: keys.quit: duplicate key"),
        ("[keys]\njump = [\"J\"]\n", "my.toml:2:1: keys.jump: unknown action"),
        ("[keys]\nup = [\"hyper-k\"]\n", "my.toml:2:7: keys.up: unknown key \"hyper-k\""),
        ("[keys]\nquit = [\"ctrl-c\"]\n", "my.toml:2:9: keys.quit: ctrl-c always quits"),
        ("[panes]\n", "my.toml:1:2: panes: unknown field `panes`"),
        ("[layout] # sizes\nlist_width = 5\n", "my.toml:2:14: layout.list_width: must be from 10 to 90, not 5"),
        ("[layout]\n[layout]\n", "my.toml:2:2: layout: duplicate key"),
        ("[[feeds]]\nurl = \"javascript:alert(1)\"\n", "my.toml:1:1: feeds: \"javascript:alert(1)\" is not an http, https or file URL"),
        ("[layout\n", "my.toml:1:8: "),
    ];
    for (text, expected) in cases {
        let error = user(text).unwrap_err();
        assert!(
            error.starts_with(expected),
            "for {text:?}:\n  got      {error}\n  expected {expected}…"
        );
        assert!(!error.contains('\n'), "{error}");
    }
}

#[test]
fn an_explicit_config_path_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let error = Config::load(Some(&missing)).unwrap_err().to_string();
    assert!(error.starts_with(&missing.display().to_string()), "{error}");
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "[layout]\nreading_width = 60\n").unwrap();
    assert_eq!(Config::load(Some(&good)).unwrap().layout.reading_width, 60);
}

/// The gaps in the table above: every kind of mistake once more in the other sections, numbers
/// out of any range, syntax errors of several kinds, and values that try to smuggle control
/// characters into the error line.
#[test]
fn every_kind_of_mistake_is_one_line_with_file_line_column_and_key() {
    let cases = [
        // Bad types.
        (
            "[reading]\nmark_read_on_open = \"yes\"\n",
            "my.toml:2:21: reading.mark_read_on_open: invalid type: string \"yes\", expected true or false",
        ),
        (
            "[store]\nmax_age_days = \"x\"\n",
            "my.toml:2:16: store.max_age_days: invalid type: string \"x\", expected a whole number",
        ),
        (
            "[fetch]\ntimeout = 1.5\n",
            "my.toml:2:11: fetch.timeout: invalid type: floating point `1.5`, expected a whole number",
        ),
        ("[colors]\naccent = 5\n", "my.toml:2:10: colors.accent: invalid type: integer `5`, expected a string"),
        ("[keys]\nquit = [1]\n", "my.toml:2:9: keys.quit: invalid type: integer `1`, expected a string"),
        // Unknown keys and sections, anywhere.
        ("[store]\nmax_age_dayz = 1\n", "my.toml:2:1: store.max_age_dayz: unknown field `max_age_dayz`"),
        ("x = 1\n", "my.toml:1:1: x: unknown field `x`"),
        ("[layout.extra]\n", "my.toml:1:9: layout.extra: unknown field `extra`"),
        ("[[feeds]]\nurl = \"http://a\"\nbogus = 1\n", "my.toml:3:1: feeds.bogus: unknown field `bogus`"),
        (
            "[keys]\n\"bad key\" = [\"x\"]\n",
            "my.toml:2:1: keys.\"bad key\": unknown action (known: up, down,",
        ),
        // Out of range, whatever the size of the number (no "expected u16" from serde).
        ("[fetch]\ntimeout = 99999\n", "my.toml:2:11: fetch.timeout: must be from 1 to 3600, not 99999"),
        ("[fetch]\nconcurrency = -3\n", "my.toml:2:15: fetch.concurrency: must be from 1 to 64, not -3"),
        ("[store]\nmax_age_days = -1\n", "my.toml:2:16: store.max_age_days: must be from 0 to 36500, not -1"),
        (
            "[store]\nmax_stories_per_feed = 99999999999\n",
            "my.toml:2:24: store.max_stories_per_feed: must be from 0 to 1000000, not 99999999999",
        ),
        ("[keys]\nquit = [\"x\"]\n\n[keys.extra]\n", "my.toml:4:1: keys.extra: invalid type: map"),
        // Duplicates.
        ("[layout]\nlist_width = 30\nlist_width = 31\n", "my.toml:3:1: layout.list_width: duplicate key"),
        // Syntax errors.
        ("title = \"unterminated\n", "my.toml:1:22: title: invalid basic string"),
        ("[layout]\nlist_width = \n", "my.toml:2:14: layout.list_width: "),
        ("[layout]\nlist_width = 30 30\n", "my.toml:2:14: layout.list_width: "),
        ("[keys]\nquit = [\"q\"\n", "my.toml:2:12: keys.quit: unclosed array"),
        ("[layout\n", "my.toml:1:8: layout: unclosed table"),
        // Keys that are not keys: empty, control characters (written as TOML escapes), invisible.
        ("[keys]\nquit = [\"\"]\n", "my.toml:2:9: keys.quit: unknown key \"\""),
        (
            "[keys]\nquit = [\"\\u001b\"]\n",
            "my.toml:2:9: keys.quit: \"\\u{1b}\" is not a key (an invisible or control character)",
        ),
        (
            "[keys]\nquit = [\"\\u202e\"]\n",
            "my.toml:2:9: keys.quit: \"\\u{202e}\" is not a key",
        ),
        ("[keys]\nquit = [\"\\u200b\"]\n", "my.toml:2:9: keys.quit: \"\\u{200b}\" is not a key"),
        ("[keys]\nquit = [\"ctrl-C\"]\n", "my.toml:2:9: keys.quit: ctrl-c always quits"),
        // Invalid colours, quoted escaped so the error line itself is safe to print.
        (
            "[colors]\ndim = \"\\u001b]0;pwned\\u0007\"\n",
            "my.toml:2:7: colors.dim: \"\\u{1b}]0;pwned\\u{7}\" is not a colour",
        ),
        ("[colors]\nmatched = \"#12345\"\n", "my.toml:2:11: colors.matched: \"#12345\" is not a colour"),
    ];
    for (text, expected) in cases {
        let error = user(text).unwrap_err();
        assert!(
            error.starts_with(expected),
            "for {text:?}:\n  got      {error}\n  expected {expected}…"
        );
        assert!(
            !error.chars().any(|c| c.is_control()),
            "a control character in {error:?}"
        );
    }
}

/// Ctrl-C always quits, but bindings that leave no key for quit are a mistake: refused, naming
/// the line that did it, whether quit was emptied or its last key taken by another action.
#[test]
fn bindings_that_leave_no_key_to_quit_are_refused() {
    let cases = [
        (
            "[keys]\nquit = []\n",
            "my.toml:2:8: keys.quit: no key is bound to quit",
        ),
        (
            "[keys]\nhelp = [\"q\", \"?\"]\n",
            "my.toml:2:9: keys.help: this takes \"q\", the last key bound to quit, leaving none",
        ),
    ];
    for (text, expected) in cases {
        let error = user(text).unwrap_err();
        assert!(
            error.starts_with(expected),
            "for {text:?}:\n  got      {error}\n  expected {expected}…"
        );
    }
    // Taking quit's key is fine when the same file gives quit another, before or after.
    for text in [
        "[keys]\nhelp = [\"q\"]\nquit = [\"x\"]\n",
        "[keys]\nquit = [\"x\"]\nhelp = [\"q\"]\n",
    ] {
        let config = user(text).unwrap();
        assert_eq!(press(&config, KeyCode::Char('x')), Some(Action::Quit));
        assert_eq!(press(&config, KeyCode::Char('q')), Some(Action::Help));
    }
}

/// One key for two actions is refused at its second use, however it is spelled; the same key
/// twice for one action is harmless and kept once.
#[test]
fn a_key_bound_to_two_actions_is_refused_however_it_is_spelled() {
    let cases = [
        (
            "[keys]\ndown = [\"ctrl-D\"]\nup = [\"ctrl-d\"]\n",
            "my.toml:3:7: keys.up: key \"ctrl-d\" is bound to both down and up",
        ),
        (
            "[keys]\nread_on = [\"space\"]\nfull_view = [\" \"]\n",
            "my.toml:3:14: keys.full_view: key \" \" is bound to both read_on and full_view",
        ),
        (
            "[keys]\ntop = [\"PgUp\"]\nbottom = [\"pageup\"]\n",
            "my.toml:3:11: keys.bottom: key \"pageup\" is bound to both top and bottom",
        ),
    ];
    for (text, expected) in cases {
        let error = user(text).unwrap_err();
        assert!(
            error.starts_with(expected),
            "for {text:?}:\n  got      {error}\n  expected {expected}…"
        );
    }
    let config = user("[keys]\ndown = [\"j\", \"j\", \"down\"]\n").unwrap();
    assert_eq!(config.keymap.keys_for(Action::Down), "j/Down");
    // Ctrl and a capital letter is what the terminal sends for Ctrl and the letter.
    let config = user("[keys]\nredraw = [\"ctrl-R\"]\n").unwrap();
    let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(
        config.keymap.action_for(ctrl_r, InputMode::Browse),
        Some(Action::Redraw)
    );
}

/// A config path that is not a readable text file says so on one line, and never blocks or
/// reads without end (a FIFO, `/dev/zero`).
#[test]
fn config_files_that_cannot_be_read_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"[colors]\naccent = \"caf\xe9\"\n").unwrap();
    let huge = dir.path().join("huge.toml");
    std::fs::write(&huge, "# comment\n".repeat(200_000)).unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let cases = [
        (
            latin1,
            "cannot read config: not UTF-8 text (line 2); save it as UTF-8",
        ),
        (huge, "cannot read config: larger than 1024 KiB"),
        (fifo, "cannot read config: not a regular file"),
        ("/dev/zero".into(), "cannot read config: not a regular file"),
        (
            dir.path().to_path_buf(),
            "cannot read config: a directory, not a file",
        ),
    ];
    for (path, problem) in cases {
        let error = Config::load(Some(&path)).unwrap_err().to_string();
        assert_eq!(error, format!("{}: {problem}", path.display()));
        assert!(!error.contains('\n'));
    }
}

/// A table name 100,000 levels deep once made a 200 KB error line, and so does a 200,000-letter
/// key: the line is short, names the file (and the line and column where toml gives them), and
/// still says what is wrong.
#[test]
fn errors_about_huge_keys_stay_short_and_name_the_file_and_line() {
    let max = gazette::sanitize::MAX_ERROR_CHARS;
    let deep = vec!["a"; 100_000].join(".");
    for text in [
        format!("[{deep}]\nx = 1\n"),
        format!("[layout]\n{deep} = 2\n"),
    ] {
        let error = user(&text).unwrap_err();
        assert_eq!(
            error,
            "my.toml: nested too deeply (tables or values thousands of levels deep)"
        );
    }
    let long = "k".repeat(200_000);
    let error = user(&format!("[layout]\nlist_width = 50\n{long} = 1\n")).unwrap_err();
    assert!(error.starts_with("my.toml:3:1: layout.kkk"), "{error}");
    assert!(error.contains("…: unknown field"), "{error}");
    assert!(error.chars().count() <= max, "{} chars", error.len());
    assert!(!error.contains('\n'));

    // From a file, the path is kept too.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, format!("[{long}]\n")).unwrap();
    let error = Config::from_file(&path).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("{}:1:2: kkk", path.display())),
        "{error}"
    );
    assert!(error.chars().count() <= max);
}

#[test]
fn the_browser_is_an_argv_and_says_whether_it_runs_in_the_terminal() {
    let defaults = Config::defaults();
    assert!(defaults.browser.command.is_empty(), "$BROWSER by default");
    assert_eq!(defaults.browser.terminal, None, "auto by default");
    let config =
        user("[browser]\ncommand = [\"w3m\", \"-o\", \"{url}\"]\nterminal = true\n").unwrap();
    assert_eq!(config.browser.command, ["w3m", "-o", "{url}"]);
    assert_eq!(config.browser.terminal, Some(true));
    assert_eq!(
        user("[browser]\nterminal = false\n")
            .unwrap()
            .browser
            .terminal,
        Some(false)
    );
    assert_eq!(
        user("[browser]\nterminal = \"auto\"\n")
            .unwrap()
            .browser
            .terminal,
        None
    );
    for (text, message) in [
        (
            "[browser]\nterminal = \"sometimes\"\n",
            "my.toml:2:12: browser.terminal: \"sometimes\" is not true, false or \"auto\"",
        ),
        (
            "[browser]\ncommand = [\"\", \"{url}\"]\n",
            "my.toml:2:11: browser.command: a program name first",
        ),
        (
            "[browser]\ncommand = \"w3m {url}\"\n",
            "my.toml:2:11: browser.command:",
        ),
    ] {
        let error = user(text).unwrap_err();
        assert!(error.starts_with(message), "{error}");
    }
}
