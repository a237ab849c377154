//! The headline filter: pure matching of a typed query against titles, with match positions.
//!
//! A query is split on whitespace into terms; a title matches when every term occurs in it.
//! Matching ignores case unless the query holds an upper-case letter ("smart case", as in fzf and
//! ripgrep). Positions are char indices into the title, for highlighting.

/// A parsed query, ready to test titles against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Each term, folded as the titles' search keys are.
    terms: Vec<String>,
    case_sensitive: bool,
}

impl Query {
    /// Parses `text` as typed by the user.
    pub fn new(text: &str) -> Query {
        let case_sensitive = text.chars().any(char::is_uppercase);
        let terms = text
            .split_whitespace()
            .map(|t| t.chars().map(|c| fold(c, case_sensitive)).collect())
            .collect();
        Query {
            terms,
            case_sensitive,
        }
    }

    /// True when the query has no terms and so matches everything.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// True when every term occurs in `title`.
    pub fn matches(&self, title: &str) -> bool {
        self.matches_prepared(title, &search_key(title))
    }

    /// True when every term occurs in `title`, whose [`search_key`] is `key`: the fast path, with
    /// no allocation, for keys prepared once per story.
    pub fn matches_prepared(&self, title: &str, key: &str) -> bool {
        let haystack = if self.case_sensitive { title } else { key };
        self.terms.iter().all(|t| haystack.contains(t.as_str()))
    }

    /// The char indices of `title` that the query matched (first occurrence of each term), sorted;
    /// `None` when it does not match.
    pub fn positions(&self, title: &str) -> Option<Vec<usize>> {
        let folded: Vec<char> = title
            .chars()
            .map(|c| fold(c, self.case_sensitive))
            .collect();
        let mut positions = Vec::new();
        for term in &self.terms {
            let term: Vec<char> = term.chars().collect();
            let start = find(&folded, &term)?;
            positions.extend(start..start + term.len());
        }
        positions.sort_unstable();
        positions.dedup();
        Some(positions)
    }
}

/// A title's case-insensitive search key: each char folded to one char, so a match in the key is a
/// match at the same char positions in the title.
pub fn search_key(title: &str) -> String {
    title.chars().map(|c| fold(c, false)).collect()
}

/// Case-folds one char to one char, so positions in the folded text are positions in the original.
fn fold(c: char, case_sensitive: bool) -> char {
    if case_sensitive {
        c
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

fn find(haystack: &[char], needle: &[char]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len()).find(|&i| haystack[i..i + needle.len()] == *needle)
}

/// Indices of the titles that match `query`, in order.
pub fn filter<'a>(query: &Query, titles: impl IntoIterator<Item = (usize, &'a str)>) -> Vec<usize> {
    titles
        .into_iter()
        .filter(|(_, title)| query.matches(title))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_query_ignores_case() {
        let q = Query::new("nato");
        assert!(q.matches("Drop NATO Bid"));
        assert!(!q.matches("Natural gas"));
        assert!(!q.matches("Ukraine talks"));
    }

    #[test]
    fn a_capital_letter_makes_the_query_case_sensitive() {
        let q = Query::new("Nato");
        assert!(!q.matches("Drop NATO Bid"));
        assert!(q.matches("Nato summit"));
    }

    #[test]
    fn every_term_must_match_in_any_order() {
        let q = Query::new("peace  ukraine");
        assert!(q.matches("Ukraine, U.S. Hold Crucial Peace Talks"));
        assert!(!q.matches("Peace in Gaza"));
    }

    #[test]
    fn positions_are_char_indices_of_each_term() {
        let q = Query::new("nato bid");
        assert_eq!(
            q.positions("Drop NATO Bid"),
            Some(vec![5, 6, 7, 8, 10, 11, 12])
        );
        // Multi-byte chars before the match do not shift char positions.
        assert_eq!(Query::new("ok").positions("東京 OK"), Some(vec![3, 4]));
        assert_eq!(Query::new("zz").positions("abc"), None);
    }

    #[test]
    fn empty_query_matches_all() {
        let q = Query::new("   ");
        assert!(q.is_empty());
        assert_eq!(filter(&q, [(0, "a"), (1, "b")]), vec![0, 1]);
    }
}
