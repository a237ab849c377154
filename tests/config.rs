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
