//! The app's side of feeds: refresh requests, merging fetched stories without moving the reader,
//! the display order, links.

use std::collections::HashMap;

use super::{App, Refresh};
use crate::action::{Action, Effect, Effects};
use crate::feed::{FeedFetched, FeedUpdate};
use crate::fetch::FetchRequest;
use crate::filter::search_key;
use crate::news::Story;
use crate::source::is_http_url;
use crate::store::StoredList;
use crate::story_list::StoryList;

impl App {
    /// Takes the actions about feeds and stored stories: refreshes, answers, the start, the
    /// order; returns any other.
    pub(super) fn feed_action(&mut self, action: Action, effects: &mut Effects) -> Option<Action> {
        let last = matches!(action, Action::FeedUpdated(_));
        match action {
            Action::Start => self.start(effects),
            Action::Refresh => {
                let source = self.selected_story().map(|s| self.stories.source(s));
                effects.extend(self.refresh(source));
            }
            Action::RefreshAll => effects.extend(self.refresh(None)),
            Action::RefreshSource(source) => self.refresh_on_timer(source, effects),
            Action::FeedUpdated(update) | Action::FeedBatch(update) => {
                let (before, source) = (self.stories.len(), update.source);
                self.apply_feed(*update, last);
                // Reader mode for a full-text feed's new stories.
                self.fetch_new_articles(source, before, effects);
            }
            Action::Restored(lists) => self.restore_stored(*lists),
            Action::Stored => self.stories_stored(effects),
            Action::Indexed => self.stories_indexed(effects),
            Action::ToggleGrouping => self.toggle_grouping(),
            other => return Some(other),
        }
        None
    }

    /// The reader is on screen: store the editions (so they join the index and carry marks),
    /// load the rest of the store, and fetch or read every feed, whatever the store had of it on
    /// screen already.
    fn start(&mut self, effects: &mut Effects) {
        for (source, edition) in self.editions.iter().enumerate() {
            if !edition.is_feed() {
                let stories = (0..self.stories.len()).filter(|&i| self.stories.source(i) == source);
                effects.push(Effect::SaveStories {
                    source: edition.source_key(),
                    stories: stories
                        .map(|i| self.stories.story(i).into_owned())
                        .collect(),
                });
            }
        }
        if std::mem::take(&mut self.more_stored) {
            let sources = self.editions.iter().map(|e| e.source_key()).collect();
            effects.push(Effect::RestoreStored(sources));
        }
        if self.sync.is_some() || self.editions.iter().any(|e| e.is_feed()) {
            effects.extend(self.refresh(None));
        }
        // Feeds with a refresh period of their own get a timer each, set again as it goes off.
        if !self.offline {
            for source in 0..self.editions.len() {
                effects.extend(self.refresh_timer(source));
            }
        }
    }

    /// The timer of a feed's own refresh period, if it has one.
    fn refresh_timer(&self, source: usize) -> Option<Effect> {
        let edition = &self.editions[source];
        let minutes = edition
            .settings
            .refresh_minutes
            .filter(|_| !edition.removed)?;
        let wait = std::time::Duration::from_secs(u64::from(minutes) * 60);
        Some(Effect::Later(wait, Box::new(Action::RefreshSource(source))))
    }

    /// A feed's own refresh period is up: it is fetched (unless it is being fetched already),
    /// quietly, and its timer set again.
    fn refresh_on_timer(&mut self, source: usize, effects: &mut Effects) {
        if source >= self.editions.len() {
            return;
        }
        if !self.editions[source].fetching && !self.editions[source].removed {
            let message = self.message.take();
            effects.extend(self.refresh(Some(source)));
            self.message = message;
        }
        effects.extend(self.refresh_timer(source));
    }

    fn toggle_grouping(&mut self) {
        self.group_by_source = !self.group_by_source;
        self.rebuild_order();
        self.refilter(false);
        self.message = Some(
            if self.group_by_source {
                "Grouped by source"
            } else {
                "Newest first"
            }
            .into(),
        );
    }

    /// Asks for a refresh of one source, or of every feed: returns the fetches to run, or says in
    /// the status bar why there is nothing to do.
    pub(super) fn refresh(&mut self, only: Option<usize>) -> Option<Effect> {
        if self.offline {
            self.message =
                Some("Offline (--offline): showing what is stored, fetching nothing.".into());
            return None;
        }
        if self.sync.is_some() {
            return self.ask_sync();
        }
        let wanted: Vec<usize> = match only {
            Some(source) => vec![source],
            None => (0..self.editions.len()).collect(),
        };
        let wanted: Vec<usize> = wanted
            .into_iter()
            .filter(|&i| {
                let source = &self.editions[i];
                source.is_feed() && !source.fetching && !source.removed
            })
            .collect();
        let requests: Vec<FetchRequest> = wanted
            .into_iter()
            .map(|i| {
                let source = &mut self.editions[i];
                source.fetching = true;
                FetchRequest {
                    source: i,
                    url: source.url.clone().unwrap_or_default(),
                    etag: source.etag.clone(),
                    last_modified: source.last_modified.clone(),
                    user_agent: source.settings.user_agent.clone(),
                    max_stories: source.settings.max_stories,
                }
            })
            .collect();
        if requests.is_empty() {
            self.message = Some(match only {
                Some(i) if self.editions[i].fetching => {
                    "That feed is being refreshed already.".into()
                }
                Some(_) => "This story's source is a file, not a feed: nothing to refresh.".into(),
                None if self.editions.iter().any(|e| e.fetching) => "Refreshing already.".into(),
                None => "No feeds to refresh.".into(),
            });
            return None;
        }
        let refresh = self.refresh.get_or_insert_with(Refresh::default);
        refresh.total += requests.len();
        Some(Effect::Fetch(requests))
    }

    /// Takes in a fetched feed: new stories join the list, changed ones are updated in place, and
    /// the selection and reading position stay where they were. A feed file comes in parts: until
    /// the `last` one, the source is still being read.
    fn apply_feed(&mut self, update: FeedUpdate, last: bool) {
        let Some(source) = self.editions.get_mut(update.source) else {
            return;
        };
        source.fetching = !last;
        if last {
            self.merging.remove(&update.source);
        }
        let mut added = 0;
        match update.outcome {
            Err(reason) => source.error = Some(reason),
            Ok(FeedFetched::NotModified) => source.error = None,
            Ok(FeedFetched::Parsed {
                feed,
                etag,
                last_modified,
            }) => {
                // A feed read up to a syntax error keeps its entries and says what went wrong.
                source.error = feed.problem.clone();
                if last {
                    source.etag = etag;
                    source.last_modified = last_modified;
                }
                if let Some(title) = feed.title.filter(|_| source.name_from_feed) {
                    source.name = title;
                    source.name_from_feed = false;
                }
                added = self.merge_stories(update.source, feed.stories, last);
            }
        }
        if let Some(refresh) = &mut self.refresh {
            refresh.new_stories += added;
        }
        if let Some(refresh) = self.refresh.as_mut().filter(|_| last) {
            refresh.done += 1;
            refresh.failed += usize::from(self.editions[update.source].error.is_some());
            if refresh.done >= refresh.total {
                self.message = Some(refresh.summary(&self.config.keymap));
                self.refresh = None;
            }
        }
        self.rebuild_order();
        // A text search's answer predates these stories: ask again.
        self.text_results = None;
        self.refilter(false);
        if !self.user_moved {
            // Until the user moves, the selection stays on the newest story.
            self.select_automatically();
        }
    }

    /// Adds a source's fetched stories: an entry seen before (same guid; or, under a new guid,
    /// the same link, or the same title and date) is updated in place, keeping its marks; others
    /// are appended, unread. Returns how many were new. The lookup of the source's stories is kept
    /// while a feed file comes in parts (`last` false), so each part costs its own size, not the
    /// size of everything read so far.
    pub(super) fn merge_stories(
        &mut self,
        source: usize,
        stories: Vec<Story>,
        last: bool,
    ) -> usize {
        let mut known = match self.merging.remove(&source) {
            Some(known) => known,
            None => Known::of(&self.stories, source),
        };
        let incoming = Incoming::of(&stories);
        let mut added = 0;
        for story in stories {
            let story = Story {
                edition: source,
                ..story
            };
            match self.find_known(&known, &incoming, &story) {
                Some(i) if !self.stories.same(i, &story) => {
                    self.replace_story(i, story, &mut known)
                }
                Some(_) => {}
                None => {
                    known.add(&story, self.stories.len());
                    self.search_keys.push(&search_key(&story.title));
                    self.stories.push(story);
                    self.push_read(false);
                    self.starred.push(false);
                    let i = self.stories.len() - 1;
                    self.admit(i);
                    // A `mark_read` rule takes a story as it arrives.
                    if self.rule_marks_read(i) {
                        self.set_read(i, true);
                    }
                    added += 1;
                }
            }
        }
        if !last {
            self.merging.insert(source, known);
        }
        added
    }

    /// The listed story an incoming one is: the same guid; else, for a story whose guid changed,
    /// the same link (when that link is one story's alone, here and in the feed) or the same
    /// title and date.
    fn find_known(&self, known: &Known, incoming: &Incoming, story: &Story) -> Option<usize> {
        let unique_link = story
            .link
            .as_ref()
            .filter(|l| incoming.links.get(*l) == Some(&1));
        // A fallback never takes a stored story that an incoming one claims by its guid.
        let unclaimed = |i: &usize| {
            self.stories
                .id(*i)
                .is_none_or(|id| !incoming.ids.contains(id))
        };
        story
            .id
            .as_ref()
            .and_then(|id| known.by_id.get(id).copied())
            .or_else(|| {
                unique_link
                    .and_then(|l| known.by_link.get(l).copied().flatten())
                    .filter(unclaimed)
            })
            .or_else(|| {
                known
                    .by_title
                    .get(&(story.title.clone(), story.published))
                    .copied()
                    .filter(unclaimed)
            })
    }

    /// Puts a changed story in place of listed story `i`, keeping its marks.
    fn replace_story(&mut self, i: usize, story: Story, known: &mut Known) {
        self.search_keys.set(i, &search_key(&story.title));
        // The key follows the story's fields from now on, as a new story's does.
        let key = self.key_of(&story);
        if self.indexed_search && key != self.key(i) {
            self.keys_changed.push(i);
        }
        self.odd_keys.remove(&i);
        known.add(&story, i);
        self.stories.set(i, story);
        self.rematch(i);
        if self.laid_out_for.is_some_and(|(s, _)| s == i) {
            // Re-lay the open story, keeping the reading place as on a resize.
            self.laid_out_for = self.laid_out_for.map(|(s, _)| (s, 0));
        }
    }

    /// Adds the stored stories not listed yet (the reader started with the newest of each
    /// source), with their marks, keeping the selection and reading position. Stories listed
    /// already (read from a file just now) take their stored marks, unless the user has changed
    /// them since.
    fn restore_stored(&mut self, mut list: StoredList) {
        // The few stories listed so far, by key.
        let listed: HashMap<String, usize> =
            (0..self.stories.len()).map(|i| (self.key(i), i)).collect();
        self.reserve(list.len());
        let first = self.stories.len();
        // The rows of the stories listed, kept at the front of the list's own (no second buffer).
        let mut rows = std::mem::take(&mut list.rows);
        let mut kept = 0;
        let sources: Vec<String> = self.editions.iter().map(|e| e.source_key()).collect();
        let mut key = String::new();
        for j in 0..list.len() {
            let source = list.stories.source(j);
            if source >= self.editions.len() {
                continue;
            }
            key.clear();
            let odd = list.odd_keys.get(&j);
            match odd {
                Some(odd) => key.push_str(odd),
                None => {
                    let parts = crate::store::KeyParts::of(&list.stories, j);
                    crate::store::push_key(&mut key, &sources[source], parts);
                }
            }
            if let Some(&i) = listed.get(&key) {
                if !self.marked.contains(&i) {
                    self.set_read_flag(i, list.read[j]);
                    self.set_star_flag(i, list.starred[j]);
                }
                continue;
            }
            // A plain-text edition is read whole from its file each time; a feed keeps the stories
            // its source no longer lists.
            if self.editions[source].is_feed() {
                self.restore_one(&list, j, source, odd.is_some().then(|| key.clone()));
                rows[kept] = rows[j];
                kept += 1;
            }
        }
        rows.truncate(kept);
        self.restored_rows = (first, rows);
        self.rebuild_order();
        self.text_results = None;
        self.refilter(false);
        if !self.user_moved {
            self.select_automatically();
        }
    }

    /// Makes room for `more` stories in every per-story list at once: grown a story at a time,
    /// each list left its smaller copies behind in the allocator, held as memory.
    fn reserve(&mut self, more: usize) {
        self.stories.reserve(more);
        self.search_keys.reserve(more);
        self.read.reserve_exact(more);
        self.starred.reserve_exact(more);
        self.hidden.reserve_exact(more);
    }

    /// Lists story `j` of a restored list, of source `source`, with its marks (and its key when
    /// it is not the one its fields give).
    fn restore_one(&mut self, list: &StoredList, j: usize, source: usize, odd_key: Option<String>) {
        let i = self.stories.len();
        // A feed file being read in parts recognises them in the parts still to come.
        if let Some(known) = self.merging.get_mut(&source) {
            known.add(&list.stories.story(j), i);
        }
        self.search_keys.push(&search_key(list.stories.title(j)));
        if let Some(key) = odd_key {
            self.odd_keys.insert(i, key);
        }
        self.push_read(list.read[j]);
        self.starred.push(list.starred[j]);
        self.stories.push_from(&list.stories, j, source);
        self.admit(i);
    }

    /// Recomputes the display order: newest first across sources (undated stories after dated
    /// ones, in source order), or grouped by source and newest first within each.
    pub(super) fn rebuild_order(&mut self) {
        let stories = &self.stories;
        let count = u32::try_from(stories.len()).unwrap_or(u32::MAX);
        // The old order's buffer is used again rather than left to the allocator.
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        order.extend(0..count);
        let (sources, date) = (stories.sources(), |i: u32| stories.published(i as usize));
        if self.group_by_source {
            order.sort_by(|&a, &b| {
                (sources[a as usize].cmp(&sources[b as usize])).then(date(b).cmp(&date(a)))
            });
        } else {
            // Ties (undated stories, equal dates) in source order, as the sources are listed.
            order.sort_by(|&a, &b| {
                (date(b).cmp(&date(a))).then(sources[a as usize].cmp(&sources[b as usize]))
            });
        }
        self.order = order;
    }

    /// The selected story's link, if it is one a browser may be given (http or https).
    pub(super) fn selected_link(&mut self) -> Option<String> {
        let link = self
            .selected_story()
            .and_then(|s| self.stories.link(s).map(str::to_string));
        match link {
            Some(link) if is_http_url(&link) => Some(link),
            _ => {
                self.message = Some("This story has no web link.".into());
                None
            }
        }
    }
}

/// The guids of a feed's incoming stories, and how many of them carry each link.
struct Incoming {
    ids: std::collections::HashSet<String>,
    links: HashMap<String, usize>,
}

impl Incoming {
    fn of(stories: &[Story]) -> Incoming {
        let mut links: HashMap<String, usize> = HashMap::new();
        for link in stories.iter().filter_map(|s| s.link.clone()) {
            *links.entry(link).or_default() += 1;
        }
        Incoming {
            ids: stories.iter().filter_map(|s| s.id.clone()).collect(),
            links,
        }
    }
}

/// A source's stories by guid, by link (None for a link several share: it names none of them),
/// and by title and date, for recognising fetched stories.
#[derive(Debug, Default)]
pub(super) struct Known {
    by_id: HashMap<String, usize>,
    by_link: HashMap<String, Option<usize>>,
    by_title: HashMap<(String, Option<i64>), usize>,
}

impl Known {
    fn of(stories: &StoryList, source: usize) -> Known {
        let mut known = Known::default();
        for i in 0..stories.len() {
            if stories.source(i) == source {
                let parts = (stories.id(i), stories.link(i));
                known.add_parts(parts, (stories.title(i), stories.published(i)), i);
            }
        }
        known
    }

    fn add(&mut self, story: &Story, i: usize) {
        let parts = (story.id.as_deref(), story.link.as_deref());
        self.add_parts(parts, (&story.title, story.published), i);
    }

    /// Adds story `i` by its guid and link, and its title and date.
    fn add_parts(
        &mut self,
        (id, link): (Option<&str>, Option<&str>),
        (title, published): (&str, Option<i64>),
        i: usize,
    ) {
        if let Some(id) = id {
            self.by_id.insert(id.to_string(), i);
        }
        if let Some(link) = link {
            // A link several stories share (a comic's or podcast's home page) names none.
            self.by_link
                .entry(link.to_string())
                .and_modify(|e| {
                    if *e != Some(i) {
                        *e = None;
                    }
                })
                .or_insert(Some(i));
        }
        if published.is_some() {
            self.by_title.insert((title.to_string(), published), i);
        }
    }
}
