//! The compact story list gives back every story as it was put in, compact or whole, replaced,
//! with its text loaded, copied from another list, or restored without its link and author
//! until they are read again; and the store's compact restore lists what `load_sources` lists.

use gazette::news::{Enclosure, Paragraph, Pending, Story};
use gazette::store::{story_key, Retention, Store};
use gazette::story_list::StoryList;
use proptest::prelude::*;

/// A story from generated fields: with `whole` set it carries what only a whole story holds.
fn story(fields: (String, Option<String>, Option<String>, Option<String>), n: u8) -> Story {
    let (title, link, id, author) = fields;
    let published = match n % 4 {
        0 => None,
        1 => Some(-86_400 * i64::from(n)), // before 1970: beside the dense dates
        2 => Some(1_700_000_000 + i64::from(n)),
        _ => Some(5_000_000_000), // after 2106
    };
    let mut story = Story {
        title,
        edition: usize::from(n % 7),
        link,
        published,
        author,
        id,
        pending: if n % 3 == 0 {
            Pending::Stored
        } else {
            Pending::Nothing
        },
        ..Story::default()
    };
    match n % 5 {
        1 => story.paragraphs = vec![Paragraph::plain("Text.")],
        2 => {
            story.enclosures = vec![Enclosure {
                url: "https://x/a.mp3".into(),
                mime: None,
                bytes: None,
                seconds: None,
            }]
        }
        3 => {
            story.pending = Pending::Html {
                html: "<p>x</p>".into(),
                base: None,
            }
        }
        _ => {}
    }
    story
}

/// Every field the list gives back, through its accessors.
fn fields_of(list: &StoryList, i: usize) -> Story {
    Story {
        title: list.title(i).to_string(),
        paragraphs: list.paragraphs(i).to_vec(),
        edition: list.source(i),
        link: list.link(i).map(str::to_string),
        published: list.published(i),
        author: list.author(i).map(str::to_string),
        references: list.story(i).references.clone(),
        id: list.id(i).map(str::to_string),
        pending: list.pending(i),
        enclosures: list.enclosures(i).to_vec(),
    }
}

fn fields() -> impl Strategy<Value = (String, Option<String>, Option<String>, Option<String>)> {
    (
        "[a-zé ]{0,12}",
        proptest::option::of("https://[a-z]{0,8}"),
        proptest::option::of("[a-z0-9-]{0,6}"),
        proptest::option::of("[A-Za-z ]{0,6}"),
    )
}

proptest! {
    #[test]
    fn the_list_gives_back_what_was_put_in(
        put in proptest::collection::vec((fields(), any::<u8>()), 0..40),
        replaced in proptest::collection::vec((0usize..40, fields(), any::<u8>()), 0..4),
        loaded in proptest::collection::vec(0usize..40, 0..4),
    ) {
        let mut stories: Vec<Story> = put.into_iter().map(|(f, n)| story(f, n)).collect();
        let mut list: StoryList = stories.iter().cloned().collect();
        for (i, f, n) in replaced {
            if i < stories.len() {
                stories[i] = story(f, n);
                list.set(i, stories[i].clone());
            }
        }
        for i in loaded {
            if i < stories.len() {
                let body = (vec![Paragraph::plain("Loaded.")], vec!["https://r/".to_string()]);
                stories[i].paragraphs = body.0.clone();
                stories[i].references = body.1.clone();
                stories[i].pending = Pending::Nothing;
                list.set_body(i, body.0, body.1);
            }
        }
        prop_assert_eq!(list.len(), stories.len());
        let mut copy = StoryList::new();
        for (i, expected) in stories.iter().enumerate() {
            prop_assert_eq!(&fields_of(&list, i), expected);
            prop_assert_eq!(&*list.story(i), expected);
            prop_assert!(list.same(i, expected));
            prop_assert_eq!(list.sources()[i] as usize, expected.edition);
            prop_assert_eq!(list.has_text(i), expected.has_text());
            prop_assert_eq!(list.text_pending(i), expected.text_pending());
            copy.push_from(&list, i, 3);
            let moved = Story { edition: 3, ..expected.clone() };
            prop_assert_eq!(&*copy.story(i), &moved);
        }
    }

    #[test]
    fn a_lean_story_lacks_link_and_author_until_they_are_read_again(
        f in fields(),
        n in any::<u8>(),
    ) {
        let full = story(f, n);
        let mut list = StoryList::new();
        list.push_lean(full.clone());
        let whole = !full.paragraphs.is_empty() || !full.enclosures.is_empty()
            || matches!(full.pending, Pending::Html { .. });
        if whole {
            prop_assert_eq!(&*list.story(0), &full);
            return Ok(());
        }
        prop_assert!(list.details_in_store(0));
        prop_assert_eq!(list.author(0), None);
        let guid = full.id.as_deref().is_some_and(|id| !id.is_empty());
        // The link stays when it is the story's key.
        prop_assert_eq!(list.link(0), if guid { None } else { full.link.as_deref() });
        // Its key is the same without them.
        prop_assert_eq!(story_key("s", &list.story(0)), story_key("s", &full));
        prop_assert!(list.same(0, &full), "a refresh does not take it for changed");
        list.set_details(0, full.link.clone(), full.author.clone());
        prop_assert!(!list.details_in_store(0));
        prop_assert_eq!(&*list.story(0), &full);
    }
}

#[test]
fn the_stores_compact_restore_lists_what_load_sources_lists() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let sources = ["https://a/feed".to_string(), "https://b/feed".to_string()];
    for (s, source) in sources.iter().enumerate() {
        let stories: Vec<Story> = (0..30)
            .map(|n| Story {
                title: format!("Story {n} of {s}"),
                link: (n % 3 != 0).then(|| format!("https://{s}/{n}")),
                id: (n % 2 == 0).then(|| format!("g{n}")),
                author: (n % 4 == 0).then(|| "Ann".to_string()),
                published: (n % 5 != 0).then_some(1_700_000_000 + (n * 37 % 11) as i64),
                paragraphs: vec![Paragraph::plain(format!("Body {n}."))],
                ..Story::default()
            })
            .collect();
        store
            .save_source(source, &stories, 1_700_000_000, Retention::default())
            .unwrap();
    }
    store
        .set_marks(&[(story_key(&sources[1], &lone("Story 4 of 1", 4)), true, true)])
        .unwrap();
    let expected = store.load_sources(&sources).unwrap();
    let compact = store.load_lists(&sources).unwrap();
    let expected: Vec<_> = (expected.into_iter().enumerate())
        .flat_map(|(s, list)| list.into_iter().map(move |stored| (s, stored)))
        .collect();
    assert_eq!(compact.len(), expected.len());
    for (j, (s, stored)) in expected.iter().enumerate() {
        let story = &compact.stories;
        assert_eq!(story.source(j), *s);
        assert_eq!(story.title(j), stored.story.title);
        assert_eq!(story.published(j), stored.story.published);
        assert_eq!(story.id(j), stored.story.id.as_deref());
        assert_eq!(story.pending(j), Pending::Stored);
        assert_eq!(compact.key(&sources[*s], j), stored.key);
        assert_eq!(
            (compact.read[j], compact.starred[j]),
            (stored.read, stored.starred)
        );
        assert!(compact.rows[j] > 0);
        // Link and author are read again when the story is opened.
        assert!(story.details_in_store(j));
        let details = store.load_details(&stored.key).unwrap();
        assert_eq!(
            details,
            Some((stored.story.link.clone(), stored.story.author.clone()))
        );
    }
    assert!(compact.read.iter().any(|&r| r), "the mark came back");
}

/// The key-bearing fields of story `n` of the test's second source.
fn lone(title: &str, n: usize) -> Story {
    Story {
        title: title.into(),
        link: (n % 3 != 0).then(|| format!("https://1/{n}")),
        id: (n % 2 == 0).then(|| format!("g{n}")),
        published: (n % 5 != 0).then_some(1_700_000_000 + (n * 37 % 11) as i64),
        ..Story::default()
    }
}
