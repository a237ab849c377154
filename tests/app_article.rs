//! Reader mode in the app, as pure state: `f` asks for the story's page, the article comes back
//! as an action and shows in place of the feed's summary, `f` switches between the two, and a
//! failure is one line in the status bar and in the problems list.

use gazette::action::{Action, Effect};
use gazette::app::App;
use gazette::article::Article;
use gazette::config::Config;
use gazette::news::{Paragraph, Story};
use gazette::source::Library;

mod support;

/// A feed of two stories: one with a one-line summary and a link, one with a long text and none.
fn app() -> App {
    let mut app = support::one_feed_app();
    let summary = Story {
        title: "Harbour reopens".into(),
        id: Some("1".into()),
        link: Some("https://wire.example/harbour".into()),
        published: Some(200),
        paragraphs: vec![Paragraph::plain("The harbour reopened.")],
        ..Story::default()
    };
    let long = Story {
        title: "Council budget".into(),
        id: Some("2".into()),
        published: Some(100),
        paragraphs: vec![Paragraph::plain("A long text. ".repeat(100))],
        ..Story::default()
    };
    app.update(support::answer(0, vec![summary, long]));
    app
}

/// The story pane's lines, joined by spaces (so a line wrapped at any width reads whole).
fn pane(app: &App) -> String {
    app.story_lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn article() -> Box<Article> {
    Box::new(Article {
        url: "https://wire.example/harbour".into(),
        title: "Harbour reopens after the storm".into(),
        byline: Some("A. Reporter".into()),
        paragraphs: vec![Paragraph::plain(
            "The whole story of the harbour, at length.",
        )],
        words: 8,
        ..Article::default()
    })
}

#[test]
fn f_fetches_the_article_and_switches_between_it_and_the_feeds_text() {
    let mut app = app();
    let story = app.selected_story().unwrap();
    assert!(
        pane(&app).contains("Only a summary here: f gets the whole article"),
        "{}",
        pane(&app)
    );
    let mut effects: Vec<Effect> = app.update(Action::ToggleArticle).into_iter().collect();
    // (The first key also reads the story shown at start: its mark is saved.)
    effects.retain(|e| !matches!(e, Effect::SaveMarks(_)));
    assert_eq!(
        effects,
        [Effect::FetchArticle {
            story,
            url: "https://wire.example/harbour".into()
        }]
    );
    assert_eq!(app.articles_fetching(), 1);
    // Asked once: f again while it is fetched asks nothing more.
    assert!(app.update(Action::ToggleArticle).is_empty());
    assert_eq!(
        app.message.as_deref(),
        Some("Still fetching this story's article…")
    );

    app.update(Action::ArticleLoaded(story, Ok(article())));
    assert_eq!(app.articles_fetching(), 0);
    let shown = pane(&app);
    assert!(shown.contains("The whole story of the harbour"), "{shown}");
    assert!(
        shown.contains("Article from wire.example · 8 words · f: the feed's text"),
        "{shown}"
    );
    assert!(!shown.contains("The harbour reopened."));

    // f: back to the feed's text, and again to the article, with no new fetch.
    assert!(app.update(Action::ToggleArticle).is_empty());
    assert!(pane(&app).contains("The harbour reopened."));
    assert!(
        !pane(&app).contains("Only a summary here"),
        "no hint once fetched"
    );
    assert!(app.update(Action::ToggleArticle).is_empty());
    assert!(pane(&app).contains("The whole story of the harbour"));
}

#[test]
fn a_failed_article_is_said_and_listed_and_the_feeds_text_stays() {
    let mut app = app();
    let story = app.selected_story().unwrap();
    app.update(Action::ToggleArticle);
    app.update(Action::ArticleLoaded(
        story,
        Err("HTTP 404 Not Found".into()),
    ));
    assert_eq!(
        app.message.as_deref(),
        Some("No article for this story: HTTP 404 Not Found")
    );
    assert!(pane(&app).contains("The harbour reopened."));
    assert_eq!(
        app.feed_errors(),
        [("Harbour reopens", "HTTP 404 Not Found")]
    );
    // It can be asked again.
    let effects: Vec<Effect> = app.update(Action::ToggleArticle).into_iter().collect();
    assert!(matches!(effects[..], [Effect::FetchArticle { .. }]));
}

#[test]
fn an_article_arriving_for_another_story_waits_unseen() {
    let mut app = app();
    let first = app.selected_story().unwrap();
    app.update(Action::ToggleArticle);
    app.update(Action::Down);
    let before = pane(&app);
    app.update(Action::ArticleLoaded(first, Ok(article())));
    assert_eq!(pane(&app), before, "the open story is not the one fetched");
    app.update(Action::Up);
    assert!(pane(&app).contains("The whole story of the harbour"));
}

#[test]
fn a_long_text_or_no_link_gets_no_hint_and_f_says_why() {
    let mut app = app();
    app.update(Action::Down);
    assert!(!pane(&app).contains("Only a summary here"));
    assert!(app.update(Action::ToggleArticle).is_empty());
    assert_eq!(app.message.as_deref(), Some("This story has no web link."));
}

/// A full-text feed (`full_text = true`) asks for every new story's article in the background,
/// once; another feed, or reading offline, asks for none.
#[test]
fn a_full_text_feed_fetches_its_new_stories_articles() {
    let story = |id: &str| Story {
        title: format!("Story {id}"),
        id: Some(id.into()),
        link: Some(format!("https://wire.example/{id}")),
        published: Some(100),
        ..Story::default()
    };
    let fetched = |app: &mut App, stories: Vec<Story>| -> Vec<String> {
        app.update(Action::RefreshAll);
        app.update(support::answer(0, stories))
            .into_iter()
            .filter_map(|e| match e {
                Effect::FetchArticle { url, .. } => Some(url),
                _ => None,
            })
            .collect()
    };
    for (full_text, offline, expected) in [
        (
            true,
            false,
            vec!["https://wire.example/a", "https://wire.example/b"],
        ),
        (false, false, vec![]),
        (true, true, vec![]),
    ] {
        let mut library = Library::default();
        library.add_subscription("https://wire.example/feed.xml", None);
        library.editions[0].full_text = full_text;
        let mut app = App::new(library, Config::defaults());
        app.offline = offline;
        app.update(Action::Resize(100, 30));
        let first = fetched(&mut app, vec![story("a"), story("b")]);
        assert_eq!(first, expected, "full_text {full_text}, offline {offline}");
        // The same stories again are not new: nothing more is fetched; a new one is.
        let again = fetched(&mut app, vec![story("a"), story("b"), story("c")]);
        let expected_again: Vec<&str> = if expected.is_empty() {
            vec![]
        } else {
            vec!["https://wire.example/c"]
        };
        assert_eq!(again, expected_again);
    }
}

#[test]
fn full_text_is_read_from_the_config_and_from_a_subscription() {
    let config = Config::from_str_with_defaults(Some((
        "c.toml",
        "[reading]\nfull_text = true\n\n[[feeds]]\nurl = \"https://a.example/f\"\nfull_text = false\n",
    )))
    .unwrap();
    assert!(config.reading.full_text);
    assert_eq!(config.feeds[0].full_text, Some(false));
    assert!(!Config::defaults().reading.full_text);
}

/// A feed read up to a syntax error lists the entries before it and names the error in `E`.
#[test]
fn a_feed_with_a_syntax_error_keeps_its_entries_and_lists_the_problem() {
    let mut app = support::one_feed_app();
    let story = Story {
        title: "Before the error".into(),
        id: Some("1".into()),
        ..Story::default()
    };
    app.update(support::answer_with_problem(
        0,
        vec![story],
        Some("the feed ends inside an entry (line 9)"),
    ));
    assert_eq!(app.stories.len(), 1);
    assert_eq!(
        app.feed_errors(),
        [("Wire", "the feed ends inside an entry (line 9)")]
    );
    assert_eq!(
        app.message.as_deref(),
        Some("Refreshed 1 feed: 1 new story, 1 failed (E lists them)")
    );
}
