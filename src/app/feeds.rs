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
use crate::store::StoredStory;

impl App {
    /// Takes the actions about feeds and stored stories: refreshes, answers, the start, the
    /// order; returns any other.
    pub(super) fn feed_action(&mut self, action: Action, effects: &mut Effects) -> Option<Action> {
        let last = matches!(action, Action::FeedUpdated(_));
        match action {
            Action::Start => self.start(effects),
            Action::Refresh => {
                let source = self.selected_story().map(|s| self.stories[s].edition);
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
                let stories = self.stories.iter().filter(|s| s.edition == source);
                effects.push(Effect::SaveStories {
                    source: edition.source_key(),
                    stories: stories.cloned().collect(),
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
                Some(i) if self.stories[i] != story => self.replace_story(i, story, &mut known),
                Some(_) => {}
                None => {
                    known.add(&story, self.stories.len());
                    self.search_keys.push(&search_key(&story.title));
                    self.keys.push(self.key_of(&story));
                    self.sources.push(source as u32);
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
            self.stories[*i]
                .id
                .as_ref()
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
        let key = self.key_of(&story);
        if self.indexed_search && key != self.keys[i] {
            self.keys_changed.push(i);
        }
        self.keys[i] = key;
        known.add(&story, i);
        self.stories[i] = story;
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
    fn restore_stored(&mut self, lists: Vec<Vec<StoredStory>>) {
        // The few stories listed so far, by key (copied, so the many coming can be moved in).
        let listed: HashMap<String, usize> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        let incoming: usize = lists.iter().map(Vec::len).sum();
        self.stories.reserve(incoming);
        self.search_keys.reserve(incoming);
        self.keys.reserve(incoming);
        for (source, list) in lists.into_iter().enumerate() {
            if source >= self.editions.len() {
                continue;
            }
            // A plain-text edition is read whole from its file each time; a feed keeps the stories
            // its source no longer lists.
            let keeps_stories = self.editions[source].is_feed();
            for stored in list {
                if let Some(&i) = listed.get(&stored.key) {
                    if !self.marked.contains(&i) {
                        self.set_read_flag(i, stored.read);
                        self.set_star_flag(i, stored.starred);
                    }
                    continue;
                }
                if !keeps_stories {
                    continue;
                }
                // A feed file being read in parts recognises them in the parts still to come.
                if let Some(known) = self.merging.get_mut(&source) {
                    known.add(&stored.story, self.stories.len());
                }
                self.search_keys.push(&search_key(&stored.story.title));
                self.keys.push(stored.key);
                self.push_read(stored.read);
                self.starred.push(stored.starred);
                self.sources.push(source as u32);
                self.stories.push(Story {
                    edition: source,
                    ..stored.story
                });
                self.admit(self.stories.len() - 1);
            }
        }
        self.rebuild_order();
        self.text_results = None;
        self.refilter(false);
        if !self.user_moved {
            self.select_automatically();
        }
    }

    /// Recomputes the display order: newest first across sources (undated stories after dated
    /// ones, in source order), or grouped by source and newest first within each.
    pub(super) fn rebuild_order(&mut self) {
        let stories = &self.stories;
        let mut order: Vec<usize> = (0..stories.len()).collect();
        if self.group_by_source {
            order.sort_by(|&a, &b| {
                let (a, b) = (&stories[a], &stories[b]);
                a.edition
                    .cmp(&b.edition)
                    .then(b.published.cmp(&a.published))
            });
        } else {
            // Ties (undated stories, equal dates) in source order, as the sources are listed.
            order.sort_by(|&a, &b| {
                let (a, b) = (&stories[a], &stories[b]);
                b.published
                    .cmp(&a.published)
                    .then(a.edition.cmp(&b.edition))
            });
        }
        self.order = order;
    }

    /// The selected story's link, if it is one a browser may be given (http or https).
    pub(super) fn selected_link(&mut self) -> Option<String> {
        let link = self
            .selected_story()
            .and_then(|s| self.stories[s].link.clone());
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
    fn of(stories: &[Story], source: usize) -> Known {
        let mut known = Known::default();
        for (i, story) in stories.iter().enumerate() {
            if story.edition == source {
                known.add(story, i);
            }
        }
        known
    }

    fn add(&mut self, story: &Story, i: usize) {
        if let Some(id) = &story.id {
            self.by_id.insert(id.clone(), i);
        }
        if let Some(link) = &story.link {
            // A link several stories share (a comic's or podcast's home page) names none.
            self.by_link
                .entry(link.clone())
                .and_modify(|e| {
                    if *e != Some(i) {
                        *e = None;
                    }
                })
                .or_insert(Some(i));
        }
        if story.published.is_some() {
            self.by_title
                .insert((story.title.clone(), story.published), i);
        }
    }
}
