//! Every story's search key (its title folded for matching, [`crate::filter::search_key`]) in one
//! buffer, and the scan the filter runs over all of them, split across the cores. At a million
//! stories, a `String` each cost 40 bytes of header and allocation beside the text, and a scan
//! jumped to a million scattered places; one buffer read in order is what the first keystroke of a
//! filter needs.

use memchr::memmem::Finder;

/// The search keys, in story order.
#[derive(Debug, Default, Clone)]
pub struct SearchKeys {
    /// Every key, one after the other (a replaced key's old bytes stay: titles rarely change).
    text: String,
    /// Where each story's key is in `text`: start and length (u32s: half the memory of a million
    /// `usize` pairs; a key past 4 GiB of keys is kept empty, a limit no memory reaches first).
    spans: Vec<(u32, u32)>,
}

/// Below this many keys a scan stays on one thread: starting a thread costs more.
const PARALLEL_FROM: usize = 20_000;

impl SearchKeys {
    /// Keys for these titles, in order.
    pub fn of<'a>(titles: impl Iterator<Item = &'a str>) -> SearchKeys {
        let mut keys = SearchKeys::default();
        for title in titles {
            keys.push(&crate::filter::search_key(title));
        }
        keys
    }

    /// Adds the next story's key.
    pub fn push(&mut self, key: &str) {
        let span = self.append(key);
        self.spans.push(span);
    }

    /// Replaces story `i`'s key.
    pub fn set(&mut self, i: usize, key: &str) {
        self.spans[i] = self.append(key);
    }

    /// Appends `key` to the buffer, giving its span (empty when it would not fit u32 offsets).
    fn append(&mut self, key: &str) -> (u32, u32) {
        match u32::try_from(self.text.len() + key.len()) {
            Ok(_) => {
                let start = self.text.len() as u32;
                self.text.push_str(key);
                (start, key.len() as u32)
            }
            Err(_) => (0, 0),
        }
    }

    /// Story `i`'s key.
    pub fn get(&self, i: usize) -> &str {
        let (start, len) = self.spans[i];
        &self.text[start as usize..(start + len) as usize]
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Makes room for `more` keys of about a headline's length.
    pub fn reserve(&mut self, more: usize) {
        self.spans.reserve(more);
        self.text.reserve(more * 80);
    }

    /// For each story, whether its key holds every one of `terms` (folded as the keys are): the
    /// keys read in order, a share on each core.
    pub fn holding_all(&self, terms: &[String]) -> Vec<bool> {
        let finders: Vec<Finder<'_>> = terms.iter().map(|t| Finder::new(t.as_bytes())).collect();
        let mut hits = vec![false; self.spans.len()];
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if threads == 1 || self.spans.len() < PARALLEL_FROM {
            self.scan(&finders, 0, &mut hits);
            return hits;
        }
        let share = self.spans.len().div_ceil(threads);
        std::thread::scope(|scope| {
            for (n, part) in hits.chunks_mut(share).enumerate() {
                let finders = &finders;
                scope.spawn(move || self.scan(finders, n * share, part));
            }
        });
        hits
    }

    /// Fills `hits` for the keys from `first` on.
    fn scan(&self, finders: &[Finder<'_>], first: usize, hits: &mut [bool]) {
        let text = self.text.as_bytes();
        for (hit, &(start, len)) in hits.iter_mut().zip(&self.spans[first..]) {
            let key = &text[start as usize..(start + len) as usize];
            *hit = finders.iter().all(|f| f.find(key).is_some());
        }
    }
}
