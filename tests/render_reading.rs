//! Render tests of reading at common sizes: at 80x24 and 100x30 a headline shows 40 characters
//! and the selected one is whole in the story pane; wide lists keep their date and source
//! columns; a whole-text search's matches are marked in the story.

use gazette::action::Action;
use gazette::source::Library;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

mod support;
use support::render::{app_at, cells, draw, list_row, row, screen};

/// Three dated feeds with headlines of newspaper length, as at 80 columns they must be readable.
fn three_sources() -> Library {
    let feeds = [
        (
            "Harbour Gazette",
            [
                "Tide Tables Revised After Storm Surge Floods the Lower Harbour Road",
                "Lighthouse Keeper Retires After Forty Years of Service on the Point",
            ],
        ),
        (
            "The Daily Ledger",
            [
                "Central Bank Holds Rates Steady as Inflation Cools for a Third Month",
                "Markets Rally on Hopes of Lower Borrowing Costs Before the Holidays",
            ],
        ),
        (
            "Mountain Courier",
            [
                "Avalanche Risk Rises Across the Northern Passes After Heavy Snowfall",
                "Ski Resorts Open Early With the Best Base Depth in Over a Decade",
            ],
        ),
    ];
    let mut library = Library::default();
    for (n, (name, titles)) in feeds.iter().enumerate() {
        let items: String = titles
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!(
                    "<item><title>{t}</title><guid>{n}-{i}</guid>\
                     <pubDate>Mon, {:02} Nov 2026 10:00:00 GMT</pubDate>\
                     <description>The text of {t}.</description></item>",
                    20 - i * 3 - n
                )
            })
            .collect();
        let xml =
            format!("<rss version=\"2.0\"><channel><title>{name}</title>{items}</channel></rss>");
        let path = format!("/nonexistent/{n}.xml");
        library
            .load_bytes(name, std::path::Path::new(&path), xml.into_bytes())
            .expect("a feed");
    }
    library
}

/// The list rows' text between the borders, for the rows that show a story.
fn headline_rows(buffer: &Buffer, list_width: u16, count: u16) -> Vec<String> {
    (1..=count)
        .map(|y| list_row(buffer, y, list_width))
        .collect()
}

/// The story pane's lines from column `x`, joined by single spaces (a wrapped title reads whole).
fn story_words(buffer: &Buffer, x: u16) -> String {
    (0..buffer.area.height)
        .map(|y| cells(buffer, y, x, buffer.area.width))
        .flat_map(|line| {
            line.split(['│', '┐', '┘', '┌', '└', '─'])
                .flat_map(str::split_whitespace)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn at_80x24_headlines_show_40_characters_and_the_selected_one_whole() {
    let mut app = app_at(three_sources(), 80, 24);
    let titles: Vec<String> = app
        .visible
        .iter()
        .map(|&i| app.stories.story(i).title.clone())
        .collect();
    assert_eq!(titles.len(), 6);
    app.update(Action::Down);
    let buffer = draw(&app, 80, 24);
    let lines = screen(&buffer);
    // The list is 46 columns: borders, the marks, and 40 characters of headline with the "…";
    // the date and source columns made way (40% of 80 showed 12 characters with them).
    assert_eq!(lines[0].chars().nth(45), Some('┐'), "{}", lines[0]);
    for (row, title) in headline_rows(&buffer, 46, 6).iter().zip(&titles) {
        let shown: String = row.chars().skip(3).collect();
        let start: String = title.chars().take(40).collect();
        assert!(shown.starts_with(&start), "{row:?} for {title:?}");
        assert_eq!(shown.trim_end().chars().count(), 41, "{row:?}");
    }
    // The selected headline is whole in the story pane, wrapped over its first lines, with its
    // source and date under it.
    let story = story_words(&buffer, 46);
    assert!(story.contains(titles[1].as_str()), "{story}");
    assert!(story.contains(": The Daily Ledger · "), "{story}");
}

#[test]
fn at_100x30_the_list_is_as_readable_and_the_story_keeps_its_measure() {
    let app = app_at(three_sources(), 100, 30);
    let buffer = draw(&app, 100, 30);
    let title = &app.stories.story(app.selected_story().unwrap()).title;
    let first = &headline_rows(&buffer, 46, 1)[0];
    assert!(
        first[first.char_indices().nth(3).unwrap().0..]
            .starts_with(&title.chars().take(40).collect::<String>()),
        "{first}"
    );
    assert!(story_words(&buffer, 46).contains(title.as_str()));
    assert_eq!(app.panes().unwrap().text.width, 50);
}

#[test]
fn wide_lists_keep_the_date_and_source_columns_and_one_source_drops_its_column() {
    let mut app = app_at(three_sources(), 160, 30);
    let buffer = draw(&app, 160, 30);
    // 71 columns: the date, a 16-column source and 41 of headline.
    let first = &headline_rows(&buffer, 71, 1)[0];
    assert!(
        first.contains(" Harbour Gazette  Tide Tables Revised After Storm Surge Flo…"),
        "{first}"
    );
    // Narrowed to one source, its name says nothing: the headline gets its room.
    app.update(Action::StartFilter);
    for c in "source:ledger".chars() {
        app.update(Action::FilterInput(c));
    }
    let buffer = draw(&app, 160, 30);
    let first = &headline_rows(&buffer, 71, 1)[0];
    assert!(!first.contains("Ledger"), "{first}");
    assert!(
        first.contains("Central Bank Holds Rates Steady as Inflation Cools for a"),
        "{first}"
    );
    // Short headlines leave every column in place, however narrow the list.
    let mut library = Library::default();
    library.add("world.txt".into(), "World Headline\n");
    library.add("local.txt".into(), "Local Headline\n");
    let app = app_at(library, 80, 24);
    let buffer = draw(&app, 80, 24);
    assert!(list_row(&buffer, 1, 46).starts_with("●  world.txt World Headline"));
}

#[test]
fn a_text_search_marks_its_matches_in_the_story_the_current_one_apart() {
    let mut library = Library::default();
    library.add(
        "isle.txt".into(),
        "Sighting on the island\nA quokka and two quokkas were seen.\n",
    );
    let mut app = app_at(library, 100, 30);
    app.update(Action::StartFilter);
    app.update(Action::FilterToggleText);
    for c in "quok".chars() {
        app.update(Action::FilterInput(c));
    }
    assert_eq!(app.matches.found.len(), 2);
    let buffer = draw(&app, 100, 30);
    let lines = screen(&buffer);
    let y = lines
        .iter()
        .position(|l| l.contains("A quokka and two quokkas"))
        .expect("the text") as u16;
    let row = row(&buffer, y);
    let at = |word: &str| row[..row.find(word).unwrap()].chars().count() as u16;
    let (first, second) = (at("quokka "), at("quokkas"));
    // The current match in the selection's colours, the other reversed; the words around plain.
    for x in first..first + 6 {
        assert_eq!(
            buffer[(x, y)].bg,
            app.theme.selected.bg.unwrap(),
            "column {x}"
        );
    }
    for x in second..second + 7 {
        assert!(
            buffer[(x, y)].modifier.contains(Modifier::REVERSED),
            "column {x}"
        );
    }
    assert!(!buffer[(first - 2, y)].modifier.contains(Modifier::REVERSED));
    assert_ne!(buffer[(first + 6, y)].bg, app.theme.selected.bg.unwrap());
    assert!(!buffer[(second + 7, y)]
        .modifier
        .contains(Modifier::REVERSED));
}

#[test]
fn a_text_search_still_being_answered_counts_its_matches_with_a_plus() {
    let mut app = app_at(Library::bundled(), 100, 30);
    app.indexed_search = true;
    let mut generation = None;
    app.update(Action::StartFilter);
    for c in "the".chars() {
        app.update(Action::FilterInput(c));
    }
    for effect in app.update(Action::FilterToggleText) {
        if let gazette::action::Effect::Search(g, _) = effect {
            generation = Some(g);
        }
    }
    let generation = generation.expect("a search");
    app.update(Action::TextResultsSoFar(generation, vec![2, 4]));
    let status = |app: &gazette::app::App| {
        screen(&draw(app, 100, 30))
            .last()
            .cloned()
            .unwrap_or_default()
    };
    assert!(status(&app).contains(" 2+ of 18 match"), "{}", status(&app));
    app.update(Action::TextResults(generation, vec![2, 4, 6]));
    assert!(status(&app).contains(" 3 of 18 match"), "{}", status(&app));
}
