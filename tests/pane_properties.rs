//! Property test: after any sequence of marks, rules and refreshes, every count the feeds pane
//! shows equals a recount from the stories, done here from scratch.

mod support;

use gazette::action::Action;
use gazette::app::{App, PaneRow};
use gazette::filter::{Facts, Query};
use proptest::prelude::*;
use support::{answer, story, three_feeds_app};

#[derive(Debug, Clone)]
enum Op {
    Move(i8),
    ToggleRead,
    ToggleStar,
    MarkAllRead,
    ShowHidden,
    FocusNext,
    Pane(u8),
    /// A refresh of a source with these titles (a word from each list, and a number).
    Refresh(usize, Vec<(u8, u8)>),
}

const WORDS: &[&str] = &["storm", "sponsored", "digest", "port", "Storm", "rust"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (-3i8..4).prop_map(Op::Move),
        Just(Op::ToggleRead),
        Just(Op::ToggleStar),
        Just(Op::MarkAllRead),
        Just(Op::ShowHidden),
        Just(Op::FocusNext),
        (0u8..14).prop_map(Op::Pane),
        (0usize..3, prop::collection::vec((0u8..6, 0u8..8), 0..6))
            .prop_map(|(s, titles)| Op::Refresh(s, titles)),
    ]
}

fn apply(app: &mut App, op: &Op) {
    match op {
        Op::Move(n) => {
            let action = if *n < 0 { Action::Up } else { Action::Down };
            for _ in 0..n.unsigned_abs() {
                app.update(action.clone());
            }
        }
        Op::ToggleRead => drop(app.update(Action::ToggleRead)),
        Op::ToggleStar => drop(app.update(Action::ToggleStar)),
        Op::MarkAllRead => drop(app.update(Action::MarkAllRead)),
        Op::ShowHidden => drop(app.update(Action::ToggleHidden)),
        Op::FocusNext => drop(app.update(Action::FocusNext)),
        Op::Pane(row) => app.select_pane(usize::from(*row)),
        Op::Refresh(source, titles) => {
            app.update(Action::RefreshAll);
            let stories = titles
                .iter()
                .map(|&(w, n)| story(&format!("{} {n}", WORDS[usize::from(w)]), i64::from(n)))
                .collect();
            app.update(answer(*source, stories));
        }
    }
}

/// (total, unread, starred) of the stories `take` picks, not hidden, counted from scratch.
fn recount(app: &App, take: impl Fn(usize) -> bool) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for i in (0..app.stories.len()).filter(|&i| !app.hidden()[i] && take(i)) {
        counts.0 += 1;
        counts.1 += usize::from(!app.read()[i]);
        counts.2 += usize::from(app.starred[i]);
    }
    counts
}

fn check(app: &App) {
    let all = recount(app, |_| true);
    assert_eq!(app.pane_count(&PaneRow::All), all.0);
    assert_eq!(app.pane_count(&PaneRow::Unread), all.1);
    assert_eq!(app.pane_count(&PaneRow::Starred), all.2);
    for s in 0..app.editions.len() {
        let own = recount(app, |i| app.stories.story(i).edition == s);
        assert_eq!(app.pane_count(&PaneRow::Feed(s, true)), own.1, "source {s}");
        assert_eq!(app.source_count(s).total, own.0, "source {s}");
        assert_eq!(app.source_count(s).starred, own.2, "source {s}");
    }
    for (k, search) in app.config.searches.iter().enumerate() {
        let query = Query::new(&search.query);
        let found = recount(app, |i| {
            let source = &app.editions[app.stories.story(i).edition];
            let facts = Facts {
                read: app.read()[i],
                starred: app.starred[i],
                source: &source.name,
                tags: &source.tags,
                enclosure: !app.stories.story(i).enclosures.is_empty(),
            };
            query.matches(&app.stories.story(i).title) && query.conditions_hold(&facts)
        });
        assert_eq!(app.pane_count(&PaneRow::Search(k)), found.0, "{search:?}");
    }
    // A rule hides by its query, decided on arrival: "sponsored" in any case.
    for (i, story) in app.stories.iter().enumerate() {
        let hidden = story.title.to_lowercase().contains("sponsored");
        assert_eq!(app.hidden()[i], hidden, "{}", story.title);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn pane_counts_equal_a_recount(ops in prop::collection::vec(op(), 1..40)) {
        let mut app = three_feeds_app(120, 30);
        app.update(Action::ToggleFeeds);
        check(&app);
        for op in &ops {
            apply(&mut app, op);
            check(&app);
        }
    }
}
