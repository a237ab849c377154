//! The feeds pane, saved searches and rules as pure state: actions in, state and effects out.

mod support;

use gazette::action::{Action, Effect};
use gazette::app::{App, Focus, PaneRow, Scope};
use gazette::ui_state::UiState;

fn app() -> App {
    support::three_feeds_app(120, 30)
}

fn row(app: &App, wanted: &PaneRow) -> usize {
    app.pane.rows.iter().position(|r| r == wanted).unwrap()
}

#[test]
fn rows_group_feeds_by_tag_then_the_untagged() {
    let app = app();
    let rows = &app.pane.rows;
    assert_eq!(
        rows[..5],
        [
            PaneRow::All,
            PaneRow::Unread,
            PaneRow::Starred,
            PaneRow::Search(0),
            PaneRow::Search(1),
        ]
    );
    assert_eq!(
        rows[5..],
        [
            PaneRow::Tag("news".into(), vec![0, 1]),
            PaneRow::Feed(0, true),
            PaneRow::Feed(1, true),
            PaneRow::Tag("weather".into(), vec![1]),
            PaneRow::Feed(1, true),
            PaneRow::Untagged(vec![2]),
            PaneRow::Feed(2, true),
        ]
    );
}

#[test]
fn counts_leave_hidden_stories_out_and_follow_marks() {
    let mut app = app();
    // 5 stories, the sponsored one hidden; the digest marked read by its rule on arrival.
    assert_eq!(app.pane_count(&PaneRow::All), 4);
    assert_eq!(app.pane_count(&PaneRow::Unread), 3);
    assert_eq!(app.pane_count(&PaneRow::Feed(0, true)), 1);
    assert_eq!(app.pane_count(&PaneRow::Tag("news".into(), vec![0, 1])), 2);
    assert_eq!(app.pane_count(&PaneRow::Search(0)), 2);
    assert_eq!(app.pane_count(&PaneRow::Search(1)), 2);
    assert!(!app
        .visible
        .iter()
        .any(|&i| app.stories.story(i).title.starts_with("Sponsored")));
    let digest = app
        .stories
        .iter()
        .position(|s| s.title == "Weekly digest")
        .unwrap();
    assert!(app.read()[digest], "the mark_read rule took the digest");
    // Reading a storm story: the feed, tag, Unread and the unread-storms search follow.
    let storm = app
        .visible
        .iter()
        .position(|&i| app.stories.story(i).title == "Storm hits port");
    app.select(storm.unwrap());
    app.update(Action::ToggleRead);
    assert_eq!(app.pane_count(&PaneRow::Feed(0, true)), 0);
    assert_eq!(app.pane_count(&PaneRow::Unread), 2);
    assert_eq!(app.pane_count(&PaneRow::Search(0)), 2);
    assert_eq!(app.pane_count(&PaneRow::Search(1)), 1);
    app.update(Action::ToggleStar);
    assert_eq!(app.pane_count(&PaneRow::Starred), 1);
    app.update(Action::MarkAllRead);
    assert_eq!(app.pane_count(&PaneRow::Unread), 0);
    assert_eq!(app.pane_count(&PaneRow::Search(1)), 0);
}

#[test]
fn selecting_a_row_narrows_the_list_and_the_filter_works_inside_it() {
    let mut app = app();
    app.update(Action::ToggleFeeds);
    assert_eq!(app.focus, Focus::Feeds);
    let coast = row(&app, &PaneRow::Feed(1, true));
    app.select_pane(coast);
    assert_eq!(app.scope, Scope::Source(1));
    assert_eq!(app.scope_label().as_deref(), Some("source:Coast"));
    let titles = |app: &App| -> Vec<String> {
        app.visible
            .iter()
            .map(|&i| app.stories.story(i).title.clone())
            .collect()
    };
    assert_eq!(titles(&app), ["Storm warning", "Weekly digest"]);
    for c in "/storm".chars() {
        app.update(if c == '/' {
            Action::StartFilter
        } else {
            Action::FilterInput(c)
        });
    }
    assert_eq!(titles(&app), ["Storm warning"]);
    app.update(Action::FilterAccept);
    app.update(Action::FocusList);
    assert_eq!(
        app.focus,
        Focus::Feeds,
        "Left from the list goes to the pane"
    );
    app.update(Action::Up);
    assert_eq!(app.scope, Scope::Source(0));
    assert_eq!(titles(&app), ["Storm hits port"]);
    app.update(Action::Up);
    assert_eq!(app.scope, Scope::Tag("news".into()));
    assert_eq!(titles(&app), ["Storm warning", "Storm hits port"]);
    app.update(Action::Top);
    assert_eq!(app.scope, Scope::All);
    app.update(Action::FocusStory);
    assert_eq!(
        app.focus,
        Focus::List,
        "Right from the pane goes to the list"
    );
}

#[test]
fn a_saved_search_row_lists_what_it_counts() {
    let mut app = app();
    app.update(Action::ToggleFeeds);
    app.select_pane(row(&app, &PaneRow::Search(1)));
    assert_eq!(app.visible.len(), app.pane_count(&PaneRow::Search(1)));
    assert_eq!(app.scope_label().as_deref(), Some("search:Unread storms"));
}

#[test]
fn a_failing_feed_says_why_on_selection() {
    let mut app = app();
    app.update(Action::RefreshAll);
    app.update(Action::FeedUpdated(Box::new(gazette::feed::FeedUpdate {
        source: 2,
        outcome: Err("HTTP 503".into()),
    })));
    app.update(Action::ToggleFeeds);
    app.select_pane(row(&app, &PaneRow::Feed(2, true)));
    assert_eq!(app.message.as_deref(), Some("Blog: HTTP 503"));
}

#[test]
fn the_hidden_toggle_lists_what_rules_hide() {
    let mut app = app();
    assert_eq!(app.visible.len(), 4);
    app.update(Action::ToggleHidden);
    assert_eq!(app.visible.len(), 5);
    app.update(Action::ToggleHidden);
    assert_eq!(app.visible.len(), 4);
}

#[test]
fn toggling_and_sizing_the_pane_asks_to_remember_it() {
    let mut app = app();
    assert!(
        !app.feeds_shown(),
        "not the user's subscriptions: hidden by default"
    );
    let effects = app.update(Action::ToggleFeeds);
    assert!(app.feeds_shown());
    let remembered = UiState {
        feeds_visible: Some(true),
        feeds_width: None,
    };
    assert!(effects.contains(&Effect::SaveUiState(remembered)));
    let effects = app.update(Action::FeedsWider);
    assert_eq!(app.pane.width, 30);
    let remembered = UiState {
        feeds_visible: Some(true),
        feeds_width: Some(30),
    };
    assert!(effects.contains(&Effect::SaveUiState(remembered)));
    let list_x = app.panes().unwrap().list.unwrap().x;
    assert_eq!(list_x, 30, "the list starts after the pane");
    app.update(Action::ToggleFeeds);
    assert!(!app.feeds_shown());
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn the_pane_shows_by_itself_on_wide_terminals_for_subscriptions_only() {
    let mut app = app();
    app.pane.auto = true;
    assert!(app.feeds_shown(), "120 columns");
    app.update(Action::Resize(100, 30));
    assert!(!app.feeds_shown(), "below feeds_min_width");
    app.restore_ui_state(UiState {
        feeds_visible: Some(true),
        feeds_width: Some(20),
    });
    app.update(Action::Resize(80, 24));
    assert!(app.feeds_shown(), "turned on by the user, remembered");
    assert_eq!(app.feeds_area().unwrap().width, 20);
    app.update(Action::ToggleFullView);
    assert!(!app.feeds_shown(), "never in the full view");
}

#[test]
fn clicks_and_the_wheel_work_on_the_pane() {
    let mut app = app();
    app.update(Action::ToggleFeeds);
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Focus::List);
    // Row 3 of the pane (inside its border): "Starred".
    app.update(Action::Click(3, 3));
    assert_eq!(app.focus, Focus::Feeds);
    assert_eq!(app.scope, Scope::Starred);
    app.update(Action::Wheel(3, 3, 1));
    assert_eq!(app.scope, Scope::Search(0));
}

#[test]
fn ctrl_s_saves_the_typed_filter_as_a_search() {
    let mut app = app();
    let effects = app.update(Action::SaveSearch);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SaveSearch { .. })),
        "nothing typed"
    );
    app.config_path = Some("/tmp/nowhere/config.toml".into());
    app.update(Action::StartFilter);
    for c in "port".chars() {
        app.update(Action::FilterInput(c));
    }
    let effects = app.update(Action::SaveSearch);
    let saved = effects.iter().find_map(|e| match e {
        Effect::SaveSearch { search, .. } => Some(search.clone()),
        _ => None,
    });
    assert_eq!(saved.unwrap().query, "port");
    assert_eq!(app.pane.rows[5], PaneRow::Search(2));
    assert_eq!(app.pane_count(&PaneRow::Search(2)), 1);
}

#[test]
fn a_bad_rule_or_search_is_a_config_error_naming_its_line() {
    let bad = "[layout]\nlist_width = 40\n\n[[rules]]\nmatch = \"x\"\naction = \"delete\"\n";
    let error = gazette::config::Config::from_str_with_defaults(Some(("my.toml", bad)))
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("my.toml:"), "{error}");
    assert!(
        error.contains("\"delete\" is not \"hide\" or \"mark_read\""),
        "{error}"
    );
    let unknown = "[[searches]]\nname = \"a\"\nquery = \"b\"\ncolour = \"red\"\n";
    let error = gazette::config::Config::from_str_with_defaults(Some(("my.toml", unknown)))
        .unwrap_err()
        .to_string();
    assert!(error.contains("colour"), "{error}");
}
