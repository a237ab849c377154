//! The stories' keys in the store ([`crate::store::story_key`]), made when they are needed from
//! each story's source and fields rather than held: a million keys as strings were 70 MB. Only a
//! key the store holds that is not the one its fields give (a stored story whose guid changed
//! keeps its first) is kept, in `odd_keys`.

use super::App;

impl App {
    /// Story `i`'s key in the store.
    pub fn key(&self, i: usize) -> String {
        let mut key = String::new();
        self.push_key(&mut key, i);
        key
    }

    /// Appends story `i`'s key in the store to `key`.
    pub(super) fn push_key(&self, key: &mut String, i: usize) {
        match self.odd_keys.get(&i) {
            Some(odd) => key.push_str(odd),
            None => crate::store::push_key(
                key,
                &self.editions[self.stories.source(i)].source_key(),
                crate::store::KeyParts::of(&self.stories, i),
            ),
        }
    }

    /// Every story's key in the store, in order (made afresh: a sync's marks and a retry look
    /// stories up by key).
    pub(super) fn all_keys(&self) -> Vec<String> {
        let sources: Vec<String> = self.editions.iter().map(|e| e.source_key()).collect();
        (0..self.stories.len())
            .map(|i| match self.odd_keys.get(&i) {
                Some(odd) => odd.clone(),
                None => {
                    let mut key = String::new();
                    let parts = crate::store::KeyParts::of(&self.stories, i);
                    crate::store::push_key(&mut key, &sources[self.stories.source(i)], parts);
                    key
                }
            })
            .collect()
    }
}
