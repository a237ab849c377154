//! The headline filter: any text parses as a `filter::Query`; matched against any titles, `matches`,
//! `matches_prepared` (with `search_key`) and `positions` agree, positions are sorted, distinct, in
//! bounds and land on chars, and the chars at the positions spell each word term (folded). The
//! input is the query, then titles, separated by newlines.
#![no_main]

use gazette::filter::{filter, search_key, Facts, Query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let query = Query::new(lines.next().unwrap_or(""));
    let titles: Vec<&str> = lines.collect();
    let sensitive = query
        .words()
        .iter()
        .any(|w| w.chars().any(char::is_uppercase));
    let fold = |c: char| {
        if sensitive {
            c
        } else {
            c.to_lowercase().next().unwrap_or(c)
        }
    };
    for title in &titles {
        let key = search_key(title);
        assert_eq!(key.chars().count(), title.chars().count(), "{title:?}");
        let matches = query.matches(title);
        assert_eq!(matches, query.matches_prepared(title, &key), "{title:?}");
        let positions = query.positions(title);
        assert_eq!(matches, positions.is_some(), "{query:?} {title:?}");
        let Some(positions) = positions else { continue };
        let chars: Vec<char> = title.chars().collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        assert!(positions.iter().all(|&p| p < chars.len()), "{positions:?}");
        for &p in &positions {
            let at = title.char_indices().nth(p).map(|(i, _)| i).unwrap();
            assert!(title.is_char_boundary(at));
        }
        // Each word occurs, folded, at a run of matched positions.
        let folded: Vec<char> = chars.iter().map(|&c| fold(c)).collect();
        for word in query.words() {
            let word: Vec<char> = word.chars().collect();
            let found = positions.iter().any(|&start| {
                folded.get(start..start + word.len()) == Some(&word[..])
                    && (start..start + word.len()).all(|i| positions.binary_search(&i).is_ok())
            });
            assert!(found, "{word:?} not at {positions:?} in {title:?}");
        }
    }
    let expected: Vec<usize> = (0..titles.len())
        .filter(|&i| query.matches(titles[i]))
        .collect();
    assert_eq!(filter(&query, titles.iter().copied().enumerate()), expected);
    // Conditions: any source name and tags (taken from the titles) must not panic.
    let tags: Vec<String> = titles.iter().take(3).map(|t| t.to_string()).collect();
    for (read, starred) in [(false, false), (true, true)] {
        let facts = Facts {
            read,
            starred,
            source: titles.first().copied().unwrap_or(""),
            tags: &tags,
        };
        let _ = query.conditions_hold(&facts);
    }
});
