//! The filter's keys in one buffer: a scan over them (on every core past 20,000 keys) finds
//! exactly the keys `str::contains` finds, replaced keys included.

use gazette::filter::search_key;
use gazette::search_keys::SearchKeys;
use proptest::prelude::*;

/// What the scan must give: each key holds every term.
fn expected(keys: &[String], terms: &[String]) -> Vec<bool> {
    keys.iter()
        .map(|k| terms.iter().all(|t| k.contains(t.as_str())))
        .collect()
}

proptest! {
    #[test]
    fn the_scan_finds_what_contains_finds(
        titles in proptest::collection::vec("[a-dé ]{0,12}", 0..60),
        terms in proptest::collection::vec("[a-dé]{1,3}", 0..3),
        replaced in proptest::collection::vec((0usize..60, "[a-dé ]{0,12}"), 0..5),
    ) {
        let mut keys: Vec<String> = titles.iter().map(|t| search_key(t)).collect();
        let mut arena = SearchKeys::of(titles.iter().map(String::as_str));
        for (i, title) in replaced {
            if i < keys.len() {
                keys[i] = search_key(&title);
                arena.set(i, &keys[i]);
            }
        }
        prop_assert_eq!(arena.len(), keys.len());
        for (i, key) in keys.iter().enumerate() {
            prop_assert_eq!(arena.get(i), key.as_str());
        }
        prop_assert_eq!(arena.holding_all(&terms), expected(&keys, &terms));
    }
}

#[test]
fn a_large_scan_split_across_threads_misses_and_doubles_nothing() {
    // 100,003 keys: not a multiple of any share, so the last share is short.
    let titles: Vec<String> = (0..100_003)
        .map(|i| {
            format!(
                "Headline {i} {}",
                if i % 997 == 0 { "Zanzibar" } else { "harbour" }
            )
        })
        .collect();
    let arena = SearchKeys::of(titles.iter().map(String::as_str));
    let keys: Vec<String> = titles.iter().map(|t| search_key(t)).collect();
    for terms in [
        vec!["zanzibar".to_string()],
        vec!["1".into(), "harb".into()],
        vec![],
    ] {
        let hits = arena.holding_all(&terms);
        assert_eq!(hits, expected(&keys, &terms), "{terms:?}");
    }
    assert_eq!(
        arena
            .holding_all(&["zanzibar".into()])
            .iter()
            .filter(|&&h| h)
            .count(),
        101
    );
}
