//! Render tests: the view drawn into ratatui's `TestBackend`, read back cell by cell.

use gazette::action::Action;
use gazette::app::App;
use gazette::config::Config;
use gazette::source::Library;
use gazette::ui::theme::Theme;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

mod support;
use support::render::{app_at, draw, list_row, screen};

#[test]
fn split_pane_at_100x30() {
    let app = app_at(Library::bundled(), 100, 30);
    let buffer = draw(&app, 100, 30);
    let lines = screen(&buffer);
    // Borders and titles: list of 46 columns (widened from 40% for 40 columns of headline), story
    // of 54.
    assert!(lines[0].starts_with("┌ Headlines (18) "), "{}", lines[0]);
    assert_eq!(lines[0].chars().nth(45), Some('┐'));
    assert!(lines[0][lines[0].char_indices().nth(46).unwrap().0..].starts_with("┌ Story "));
    // First headline, marked as full text and cut with "…" at the pane width.
    let first = list_row(&buffer, 1, 46);
    assert!(
        first.starts_with("●▪ U.S. President Donald Trump"),
        "{first}"
    );
    assert!(first.ends_with('…'));
    assert_eq!(first.width(), 44);
    // A headline-only story has no mark.
    assert!(list_row(&buffer, 2, 46).starts_with("●  U.S. Soldiers Killed"));
    // The selected row is highlighted across its whole width, its text in the selection colour.
    let selected = app.theme.selected;
    for x in 1..45 {
        assert_eq!(buffer[(x, 1)].bg, selected.bg.unwrap(), "column {x}");
        assert_eq!(buffer[(x, 1)].fg, selected.fg.unwrap(), "column {x}");
    }
    assert_ne!(buffer[(5, 2)].bg, selected.bg.unwrap());
    // The list shows where the selection is.
    assert!(
        lines[28].starts_with("└") && lines[28].contains(" 1/18 "),
        "{}",
        lines[28]
    );
    // The story: bold title, the edition, then the first paragraph wrapped to 50 columns.
    assert!(lines[1][lines[1].char_indices().nth(48).unwrap().0..]
        .starts_with("U.S. President Donald Trump"));
    assert!(buffer[(48, 1)].modifier.contains(Modifier::BOLD));
    assert!(lines
        .iter()
        .any(|l| l.contains("Edition: 000_ee9c147485efd3c5.txt")));
    assert!(lines
        .iter()
        .any(|l| l.contains("that he had offered to deploy American troops to")));
    // The text is longer than the pane, so the position shows.
    assert!(lines[28].contains(" 1-27/"), "{}", lines[28]);
    // The status bar.
    assert!(lines[29].starts_with(" 18 stories"), "{}", lines[29]);
    assert!(
        lines[29].contains("/ filter")
            && lines[29].contains("? help")
            && lines[29].contains("q quit")
    );
}

#[test]
fn split_pane_at_40x10() {
    let app = app_at(Library::bundled(), 40, 10);
    let lines = screen(&draw(&app, 40, 10));
    assert!(lines[0].starts_with("┌ Headlines"), "{lines:#?}");
    assert!(lines[1].starts_with("│●▪ U.S. Pr"), "{lines:#?}");
    assert!(lines[1].contains('…'));
    assert!(lines[9].starts_with(" 18 stories"));
    for line in &lines {
        assert_eq!(line.width(), 40, "{line}");
    }
    // The story column is narrow but wrapped, never cut mid-word.
    assert!(lines[1].contains("│ U.S."), "{lines:#?}");
}

#[test]
fn wide_character_headlines_are_cut_by_display_width() {
    let mut library = Library::default();
    library.add("cjk.txt".into(), "東京都の新しい庁舎が完成、来年から一般公開へ向けて準備が進む\n👩‍👩‍👧 Family 🌞 emoji headline that is long enough to be cut\n");
    let app = app_at(library, 60, 12);
    let buffer = draw(&app, 60, 12);
    let list_width = 30; // widened from 40% of 60 (24), the story keeping 30
    for y in [1, 2] {
        let text = list_row(&buffer, y, list_width);
        assert!(
            text.ends_with('…') || text.trim_end().ends_with('…'),
            "{text}"
        );
        assert!(text.width() <= usize::from(list_width) - 2, "{text}");
        // The border after the list is intact: nothing spilled over it.
        assert_eq!(buffer[(list_width - 1, y)].symbol(), "│");
    }
    assert!(list_row(&buffer, 1, list_width).starts_with("●  東京都の新しい"));
}

#[test]
fn filter_matches_are_highlighted_and_counted() {
    let mut app = app_at(Library::bundled(), 100, 30);
    app.update(Action::StartFilter);
    for c in "nato".chars() {
        app.update(Action::FilterInput(c));
    }
    let buffer = draw(&app, 100, 30);
    let lines = screen(&buffer);
    assert!(lines[0].starts_with("┌ Headlines (2/18) "));
    assert!(
        // (The story on screen at start was read when the filter was opened.)
        lines[29].starts_with(" 2 of 18 match, 17 unread  /nato"),
        "{}",
        lines[29]
    );
    assert_eq!(list_row(&buffer, 3, 46).trim(), "");
    // "NATO" lies past the cut in the Zelenskiy headline: the row shifts to show it, fzf-style.
    let first = list_row(&buffer, 1, 46);
    assert!(first.starts_with("●  …"), "{first}");
    assert!(first.contains("Drop NATO Bid"), "{first}");
    assert!(list_row(&buffer, 2, 46).starts_with("●  Ukraine’s NATO Concession"));
    // On the unselected row 2, the four matched characters carry the match colour, and only they.
    let matched = app.theme.matched.fg.unwrap();
    let row2 = list_row(&buffer, 2, 46);
    let start = row2.chars().position(|c| c == 'N').unwrap() as u16 + 1;
    for x in start..start + 4 {
        assert_eq!(buffer[(x, 2)].fg, matched, "column {x}");
    }
    assert_ne!(buffer[(start + 4, 2)].fg, matched);
    assert_ne!(buffer[(start - 1, 2)].fg, matched);
    // On the selected row the selection colours win and the match is underlined instead.
    let start = first.chars().position(|c| c == 'N').unwrap() as u16 + 1;
    assert_eq!(buffer[(start, 1)].fg, app.theme.selected.fg.unwrap());
    assert!(buffer[(start, 1)].modifier.contains(Modifier::UNDERLINED));
    assert!(!buffer[(start - 2, 1)]
        .modifier
        .contains(Modifier::UNDERLINED));
}

#[test]
fn headline_only_story_says_there_is_no_text() {
    let mut app = app_at(Library::bundled(), 100, 30);
    app.update(Action::Down);
    let lines = screen(&draw(&app, 100, 30));
    let story: String = lines.join("\n");
    assert!(story.contains("U.S. Soldiers Killed in ISIS Attack"));
    assert!(story.contains("This source has only the headline of this story"));
    assert!(!lines[28].contains('%'), "no scroll position when it fits");
}

#[test]
fn several_editions_show_which_one_a_headline_is_from() {
    let mut library = Library::default();
    library.add("world.txt".into(), "World Headline\n");
    library.add("local.txt".into(), "Local Headline\n");
    let app = app_at(library, 100, 20);
    let buffer = draw(&app, 100, 20);
    assert!(
        list_row(&buffer, 1, 46).starts_with("●  world.txt World Headline"),
        "{}",
        list_row(&buffer, 1, 46)
    );
    assert!(list_row(&buffer, 2, 46).starts_with("●  local.txt Local Headline"));
}

#[test]
fn help_overlay_lists_the_active_keymap() {
    let config =
        Config::from_str_with_defaults(Some(("test.toml", "[keys]\nquit = [\"x\", \"ctrl-q\"]\n")))
            .unwrap();
    let mut app = App::new(Library::bundled(), config);
    // Tall enough for every binding at once.
    app.update(Action::Resize(100, 80));
    app.update(Action::Help);
    let lines = screen(&draw(&app, 100, 80));
    let text = lines.join("\n");
    assert!(text.contains("Keys (Esc closes)"), "{text}");
    assert!(text.contains("Up, k") && text.contains("previous headline"));
    assert!(text.contains("x, Ctrl-q") && text.contains("quit"));
    assert!(text.contains("filter headlines"));
    assert!(
        !lines
            .iter()
            .any(|l| l.contains(" q ") && l.contains("quit (")),
        "the old binding is gone"
    );
}

#[test]
fn too_small_screens_say_so_and_no_size_panics() {
    let app = app_at(Library::bundled(), 19, 10);
    let lines = screen(&draw(&app, 19, 10));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Terminal too smal") || l.contains("Terminal too small")),
        "{lines:#?}"
    );
    let lines = screen(&draw(&app, 60, 4));
    assert!(lines.iter().any(|l| l.contains("Terminal too small")));

    let mut library = Library::bundled();
    library.add("wide.txt".into(), "a🌞b東京👩‍👩‍👧\n");
    for full in [false, true] {
        let mut app = app_at(Library::bundled(), 80, 24);
        if full {
            app.update(Action::ToggleFullView);
        }
        app.update(Action::ReadOn);
        for w in 1..=45 {
            for h in 1..=12 {
                app.update(Action::Resize(w, h));
                draw(&app, w, h);
                app.update(Action::Help);
                draw(&app, w, h);
                app.update(Action::Help);
            }
        }
    }
    let mut app = app_at(library, 1, 1);
    app.update(Action::Bottom);
    let lines = screen(&draw(&app, 1, 1));
    assert_eq!(lines, ["…"]);
}

#[test]
fn no_color_uses_no_colours() {
    let mut app = app_at(Library::bundled(), 80, 20);
    app.theme = Theme::new(&app.config.colors, true);
    let buffer = draw(&app, 80, 20);
    for cell in buffer.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
    assert!(
        buffer[(1, 1)].modifier.contains(Modifier::REVERSED),
        "the selection still shows"
    );
}

#[test]
fn full_view_uses_the_width_at_the_reading_measure() {
    let mut app = app_at(Library::bundled(), 120, 30);
    app.update(Action::ToggleFullView);
    let lines = screen(&draw(&app, 120, 30));
    assert!(lines[0].starts_with("┌ Story (full view) "));
    let longest = app
        .story_lines
        .iter()
        .map(|l| l.text.width())
        .max()
        .unwrap();
    assert!(longest <= 80 && longest > 70, "{longest}");
}

#[test]
fn the_story_position_shrinks_to_a_percentage_rather_than_being_cut() {
    for (width, full) in [(30, true), (20, false)] {
        let mut app = app_at(Library::bundled(), width, 10);
        app.update(Action::FocusStory);
        app.update(Action::PageDown);
        let lines = screen(&draw(&app, width, 10));
        let story_border = lines[8].rsplit('└').next().unwrap().to_string();
        assert!(story_border.ends_with("% ┘"), "{}", lines[8]);
        let expected = format!(" 7-13/{} ", app.story_lines.len());
        assert_eq!(story_border.contains(&expected), full, "{}", lines[8]);
        assert_eq!(
            story_border.contains('/'),
            full,
            "never a cut-off number: {}",
            lines[8]
        );
    }
}

#[test]
fn help_says_when_there_is_more_below() {
    let mut app = app_at(Library::bundled(), 60, 12);
    app.update(Action::Help);
    let text = screen(&draw(&app, 60, 12)).join("\n");
    assert!(text.contains("↓ more"), "{text}");
    app.update(Action::Bottom);
    let text = screen(&draw(&app, 60, 12)).join("\n");
    assert!(
        text.contains("↑ more") && text.contains("wheel scrolls"),
        "{text}"
    );
}

/// In a narrow terminal the help wraps its descriptions rather than cutting them: the rows put
/// back together give every description whole, and every row is drawn as the help is scrolled.
#[test]
fn help_wraps_long_descriptions_instead_of_cutting_them() {
    let (width, height) = (44, 60);
    let mut app = app_at(Library::bundled(), width, height);
    let entries = app.config.keymap.help_entries();
    let rows = gazette::layout::help_rows(&entries, width);
    assert!(
        rows.len() > entries.len(),
        "nothing wrapped at {width} columns"
    );
    let mut rejoined: Vec<String> = Vec::new();
    for (keys, text) in &rows {
        match rejoined.last_mut() {
            Some(last) if keys.is_empty() => *last = format!("{last} {text}"),
            _ => rejoined.push(text.clone()),
        }
    }
    let whole: Vec<String> = entries.iter().map(|(_, d)| d.clone()).collect();
    assert_eq!(rejoined, whole);

    app.update(Action::Help);
    let mut seen = String::new();
    for _ in 0..20 {
        seen += &screen(&draw(&app, width, height)).join("\n");
        app.update(Action::PageDown);
    }
    for (_, text) in &rows {
        assert!(
            seen.contains(text.as_str()),
            "{text:?} never drawn:\n{seen}"
        );
    }
}

#[test]
fn hints_follow_the_view_and_always_say_how_to_quit() {
    let mut app = app_at(Library::bundled(), 100, 30);
    app.update(Action::ToggleFullView);
    let status = screen(&draw(&app, 100, 30)).pop().unwrap();
    assert!(status.contains("Enter back"), "{status}");
    // A config file may not unbind quit (it is refused); a keymap made without it still says how.
    let mut config = Config::defaults();
    let bindings = config.keymap.bindings().iter();
    let without_quit = bindings
        .filter(|(a, _)| *a != Action::Quit)
        .cloned()
        .collect();
    config.keymap = gazette::keymap::Keymap::new(without_quit);
    let mut app = App::new(Library::bundled(), config);
    app.update(Action::Resize(100, 30));
    let status = screen(&draw(&app, 100, 30)).pop().unwrap();
    assert!(status.contains("Ctrl-C quit"), "{status}");
}

#[test]
fn load_notes_show_in_the_status_bar_until_the_next_key() {
    let mut library = Library::bundled();
    library
        .notes
        .push("legacy.txt: not UTF-8, decoded as Windows-1252".into());
    let mut app = app_at(library, 100, 30);
    let status = screen(&draw(&app, 100, 30)).pop().unwrap();
    assert!(
        status.contains("legacy.txt: not UTF-8, decoded as Windows-1252"),
        "{status}"
    );
    app.update(Action::Resize(100, 30));
    assert!(app.message.is_some(), "a resize is not the user's answer");
    app.update(Action::Down);
    let status = screen(&draw(&app, 100, 30)).pop().unwrap();
    assert!(
        !status.contains("Windows-1252") && status.contains("? help"),
        "{status}"
    );
}

/// Every size from 1x1 to 500x200 draws without a panic, in every view of a populated app: every
/// width at a few heights, every height at a few widths, and a coarse grid over the rest. (Not
/// all 100,000 sizes: a 500x200 frame takes about 0.1 s in a debug build.)
#[test]
fn every_size_up_to_500x200_draws() {
    let mut library = Library::bundled();
    library.add("wide.txt".into(), "a🌞b東京👩‍👩‍👧 cafe\u{301}\n");
    let mut app = app_at(library, 80, 24);
    // A filter being typed, the first story open and scrolled.
    for c in "u ".chars() {
        app.update(Action::FilterInput(c));
    }
    app.update(Action::FocusStory);
    app.update(Action::Down);
    let mut sizes: Vec<(u16, u16)> = Vec::new();
    for w in 1..=500 {
        sizes.extend([1, 3, 24].map(|h| (w, h)));
    }
    for h in 1..=200 {
        sizes.extend([1, 2, 13, 80].map(|w| (w, h)));
    }
    for w in (0..=500).step_by(60).map(|w: u16| w.max(1)).chain([500]) {
        sizes.extend((0..=200).step_by(50).map(|h: u16| (w, h.max(1))));
    }
    assert!(sizes.contains(&(500, 200)) && sizes.contains(&(1, 1)));
    // Three views in turn: the split panes, the help overlay over them, the full view.
    for (i, &(w, h)) in sizes.iter().enumerate() {
        app.update(Action::Resize(w, h));
        let (help, full) = (i % 3 == 1, i % 3 == 2);
        app.show_help = help;
        if app.full_view != full {
            app.update(Action::ToggleFullView);
        }
        let buffer = draw(&app, w, h);
        assert_eq!(buffer.area, ratatui::layout::Rect::new(0, 0, w, h));
    }
    assert_eq!(app.query, "u ", "the filter is still being typed");
}

/// The view does not trust what it is given: strings that reach the app without passing the
/// sanitiser (a story edited in place, a typed or pasted bidi control, a message or a feed error
/// quoting a server) are drawn cleaned, payload and all, not left to the backend to filter.
#[test]
fn text_that_missed_the_sanitiser_is_drawn_clean() {
    let payload = "\x1b]0;GOTCHA\x07\x1b[2J\u{9b}\u{85}\u{202e}\u{2066}\x7f";
    let mut library = Library::bundled();
    library.stories[0].title = format!("Bypassed {payload}title");
    library.stories[0].paragraphs[0].text = format!("Bypassed {payload}body text.");
    library.editions[0].name = format!("Edition{payload}");
    library.add("second.txt".into(), "Second Headline\n");
    library.editions[1].error = Some(format!("refused {payload}by the server"));
    library.editions[1].url = Some("https://news.example/feed".into());
    let mut app = app_at(library, 120, 30);
    let mut shown = Vec::new();
    // The panes, the problems overlay, then a typed filter and a message.
    for step in 0..3 {
        app.show_errors = step == 1;
        if step == 2 {
            app.update(Action::StartFilter);
            // Typing drops such characters (see app_state); set the query directly, as text
            // that got past that would be.
            app.query = "\u{202e}B\u{1b}y".into();
            app.message = Some(format!("Could not open {payload}the link"));
        }
        let buffer = draw(&app, 120, 30);
        for cell in buffer.content() {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control()
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c)),
                "{:?} drawn",
                cell.symbol()
            );
        }
        shown.push(screen(&buffer).join("\n"));
    }
    for text in &shown {
        assert!(!text.contains("GOTCHA") && !text.contains("[2J"), "{text}");
    }
    let [panes, problems, typed] = &shown[..] else {
        unreachable!()
    };
    assert!(panes.contains("Bypassed title"), "{panes}");
    assert!(panes.contains("Bypassed body text."), "{panes}");
    assert!(problems.contains("refused by the server"), "{problems}");
    assert!(typed.contains("Could not open the link"), "{typed}");
    // (ESC y is a two-byte escape: the y goes with it.)
    assert!(
        typed.contains("  /B "),
        "the typed filter, cleaned: {typed}"
    );
}
