//! The reader's list of stories, compact: every title in one buffer, each story's link, guid and
//! author in another, and the fields every scan reads (source, date, flags) in dense arrays. A
//! `Story` each cost 240 bytes of struct and four to six heap allocations with their headers; a
//! million of them, with their keys beside, held a gigabyte. Here a headline read from the store
//! costs its title, its guid and 21 bytes: its link and author stay in the store until it is
//! opened ([`StoryList::push_lean`]).
//!
//! A story that carries more than a headline's fields (paragraphs, HTML still to convert,
//! references, enclosures: a plain-text edition, a feed read without a store, a podcast) or whose
//! text was loaded or fields changed after it was listed is also kept whole, beside, and its
//! fields (its title too) are read from there. The filter scans the search keys
//! ([`crate::search_keys`]), not the titles, so it never looks a story up.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::news::{Enclosure, Paragraph, Pending, Story};

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The story has a link (compact stories; whole ones hold their own).
const LINK: u8 = 1;
/// The story has a guid.
const ID: u8 = 1 << 1;
/// The story has an author.
const AUTHOR: u8 = 1 << 2;
/// The story's text is in the store ([`Pending::Stored`]).
const STORED_TEXT: u8 = 1 << 3;
/// The story is dated.
const DATED: u8 = 1 << 4;
/// The story is kept whole in `whole`: read its fields (but the title) from there.
const WHOLE: u8 = 1 << 5;
/// The story's link and author are in the store, not here (its link is here when it is the
/// story's key: it has no guid).
const DETAILS_IN_STORE: u8 = 1 << 6;
/// The story's date is before 1970 or after 2106: in `wide_dates`, not `published`.
const WIDE_DATE: u8 = 1 << 7;

/// Every story of the reader, in list order (see the module's documentation).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StoryList {
    /// Every compact story's title, one after the other.
    titles: String,
    /// Per story: where its title ends in `titles` (it starts where the story before's ends; a
    /// whole story's is empty).
    title_ends: Vec<u32>,
    /// Compact stories' link, guid and author, one after the other.
    details: String,
    /// Per story: where its details end in `details` (they start where the story before's end).
    detail_ends: Vec<u32>,
    /// Per story: the length of its link and of its guid there (the author is the rest).
    detail_lens: Vec<[u16; 2]>,
    /// Per story: its date in seconds since the epoch (meaningful when `DATED`); 4 bytes, since
    /// a date outside 1970-2106 goes to `wide_dates`.
    published: Vec<u32>,
    /// The dates `published` cannot hold, by index.
    wide_dates: FastMap<u32, i64>,
    /// Per story: its source (an index into the editions), apart so a scan reads 4 bytes a story.
    sources: Vec<u32>,
    /// Per story: `LINK`, `ID`, `AUTHOR`, `STORED_TEXT`, `DATED`, `WHOLE`.
    flags: Vec<u8>,
    /// The stories kept whole, by index.
    whole: FastMap<u32, Story>,
}

/// True when a story needs more than the compact fields.
fn needs_whole(story: &Story) -> bool {
    !story.paragraphs.is_empty()
        || !story.references.is_empty()
        || !story.enclosures.is_empty()
        || matches!(story.pending, Pending::Html { .. })
}

impl StoryList {
    /// An empty list.
    pub fn new() -> StoryList {
        StoryList::default()
    }

    /// How many stories there are.
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Makes room for `more` stories of about a headline's length.
    pub fn reserve(&mut self, more: usize) {
        self.title_ends.reserve(more);
        self.titles.reserve(more * 80);
        self.details.reserve(more * 40);
        self.detail_ends.reserve(more);
        self.detail_lens.reserve(more);
        self.published.reserve(more);
        self.sources.reserve(more);
        self.flags.reserve(more);
    }

    /// Adds a story at the end; its `edition` is its source.
    pub fn push(&mut self, story: Story) {
        let i = self.index(self.len());
        let (date, mut flags) = self.date(i, story.published);
        self.published.push(date);
        self.sources
            .push(u32::try_from(story.edition).unwrap_or(u32::MAX));
        if story.pending == Pending::Stored {
            flags |= STORED_TEXT;
        }
        let compact = !needs_whole(&story)
            && self.fits(&story.title)
            && self.push_details(&story)
            && self.push_title(&story.title);
        if compact {
            flags |= [
                (&story.link, LINK),
                (&story.id, ID),
                (&story.author, AUTHOR),
            ]
            .iter()
            .filter(|(field, _)| field.is_some())
            .fold(0, |all, (_, bit)| all | bit);
        } else {
            self.push_no_details();
            self.push_title("");
            flags |= WHOLE;
            self.whole.insert(i, story);
        }
        self.flags.push(flags);
    }

    /// Adds a story read from the store at the end, without its author, nor its link when it has
    /// a guid (a link is kept when it is the story's key): read again when the story is opened
    /// ([`StoryList::set_details`]). A million links were 30 MB of a reader that shows one.
    pub fn push_lean(&mut self, mut story: Story) {
        if needs_whole(&story) {
            return self.push(story);
        }
        story.author = None;
        if story.id.as_deref().is_some_and(|id| !id.is_empty()) {
            story.link = None;
        }
        self.push(story);
        if let Some(flags) = self.flags.last_mut() {
            *flags |= DETAILS_IN_STORE;
        }
    }

    /// True while story `i`'s link and author are in the store only.
    pub fn details_in_store(&self, i: usize) -> bool {
        self.flags[i] & DETAILS_IN_STORE != 0
    }

    /// Puts story `i`'s link and author, read from the store, in place.
    pub fn set_details(&mut self, i: usize, link: Option<String>, author: Option<String>) {
        if i >= self.len() || !self.details_in_store(i) {
            return;
        }
        let mut story = self.story(i).into_owned();
        story.link = link;
        story.author = author;
        self.set(i, story);
    }

    /// Adds story `j` of `other` at the end, with `source` as its source, without making a
    /// `Story` of it when it is compact.
    pub fn push_from(&mut self, other: &StoryList, j: usize, source: usize) {
        if other.flags[j] & WHOLE != 0 {
            let story = Story {
                edition: source,
                ..other.whole[&other.index(j)].clone()
            };
            return self.push(story);
        }
        let mut story = Story {
            title: String::new(),
            link: other.link(j).map(str::to_string),
            id: other.id(j).map(str::to_string),
            author: other.author(j).map(str::to_string),
            ..Story::default()
        };
        let whole = !(self.fits(other.title(j)) && self.push_details(&story));
        self.push_title(if whole { "" } else { other.title(j) });
        let (date, _) = self.date(self.index(self.len()), other.published(j));
        self.published.push(date);
        self.sources.push(u32::try_from(source).unwrap_or(u32::MAX));
        if whole {
            story.title = other.title(j).to_string();
            story.published = other.published(j);
            story.edition = source;
            story.pending = other.pending(j);
            self.push_no_details();
            self.whole.insert(self.index(self.len()), story);
            let kept = STORED_TEXT | DATED | WIDE_DATE | DETAILS_IN_STORE;
            self.flags.push((other.flags[j] & kept) | WHOLE);
        } else {
            self.flags.push(other.flags[j]);
        }
    }

    /// Replaces story `i` (a feed changed it): kept whole from now on.
    pub fn set(&mut self, i: usize, story: Story) {
        let (date, dated) = self.date(self.index(i), story.published);
        self.published[i] = date;
        self.sources[i] = u32::try_from(story.edition).unwrap_or(u32::MAX);
        let mut flags = WHOLE | dated;
        if story.pending == Pending::Stored {
            flags |= STORED_TEXT;
        }
        self.flags[i] = flags;
        self.whole.insert(self.index(i), story);
    }

    /// Puts story `i`'s loaded text in place: its paragraphs and references, nothing pending.
    pub fn set_body(&mut self, i: usize, paragraphs: Vec<Paragraph>, references: Vec<String>) {
        if i >= self.len() {
            return;
        }
        let mut story = self.story(i).into_owned();
        story.paragraphs = paragraphs;
        story.references = references;
        story.pending = Pending::Nothing;
        let lean = self.flags[i] & DETAILS_IN_STORE;
        self.set(i, story);
        self.flags[i] |= lean;
    }

    /// True when story `i` is `story` (fields and text), without making a `Story` of it.
    pub fn same(&self, i: usize, story: &Story) -> bool {
        // Link and author still in the store are taken to be the same: the store keeps the
        // feed's newest (a refresh of a million stories would otherwise take each for changed).
        let lean = self.details_in_store(i);
        if let Some(w) = self.whole_story(i) {
            return w.title == story.title
                && (w.edition, w.published) == (story.edition, story.published)
                && (w.id == story.id && w.pending == story.pending)
                && (w.paragraphs == story.paragraphs && w.references == story.references)
                && w.enclosures == story.enclosures
                && (lean || (w.link == story.link && w.author == story.author));
        }
        !needs_whole(story)
            && self.title(i) == story.title
            && self.source(i) == story.edition
            && self.published(i) == story.published
            && (lean || self.link(i) == story.link.as_deref())
            && self.id(i) == story.id.as_deref()
            && (lean || self.author(i) == story.author.as_deref())
            && self.pending(i) == story.pending
    }

    /// Story `i`'s title.
    pub fn title(&self, i: usize) -> &str {
        if let Some(story) = self.whole_story(i) {
            return &story.title;
        }
        let start = if i == 0 { 0 } else { self.title_ends[i - 1] };
        &self.titles[start as usize..self.title_ends[i] as usize]
    }

    /// Story `i`'s source (an index into the editions).
    pub fn source(&self, i: usize) -> usize {
        self.sources[i] as usize
    }

    /// Every story's source, in order.
    pub fn sources(&self) -> &[u32] {
        &self.sources
    }

    /// When story `i` was published, in seconds since the Unix epoch.
    pub fn published(&self, i: usize) -> Option<i64> {
        let flags = self.flags[i];
        if flags & DATED == 0 {
            None
        } else if flags & WIDE_DATE != 0 {
            self.wide_dates.get(&self.index(i)).copied()
        } else {
            Some(i64::from(self.published[i]))
        }
    }

    /// Story `i`'s web page.
    pub fn link(&self, i: usize) -> Option<&str> {
        self.detail(i, 0, LINK, |s| s.link.as_deref())
    }

    /// Story `i`'s guid.
    pub fn id(&self, i: usize) -> Option<&str> {
        self.detail(i, 1, ID, |s| s.id.as_deref())
    }

    /// Who wrote story `i`.
    pub fn author(&self, i: usize) -> Option<&str> {
        self.detail(i, 2, AUTHOR, |s| s.author.as_deref())
    }

    /// Story `i`'s enclosures (a compact story has none).
    pub fn enclosures(&self, i: usize) -> &[Enclosure] {
        self.whole_story(i).map_or(&[], |s| &s.enclosures)
    }

    /// Story `i`'s paragraphs, as far as they are loaded.
    pub fn paragraphs(&self, i: usize) -> &[Paragraph] {
        self.whole_story(i).map_or(&[], |s| &s.paragraphs)
    }

    /// Where story `i`'s text is while not in its paragraphs.
    pub fn pending(&self, i: usize) -> Pending {
        match self.whole_story(i) {
            Some(story) => story.pending.clone(),
            None if self.flags[i] & STORED_TEXT != 0 => Pending::Stored,
            None => Pending::Nothing,
        }
    }

    /// True while story `i`'s text is still to be converted or loaded.
    pub fn text_pending(&self, i: usize) -> bool {
        match self.whole_story(i) {
            Some(story) => story.text_pending(),
            None => self.flags[i] & STORED_TEXT != 0,
        }
    }

    /// True when the source has story `i`'s text, not just its headline (text still to be
    /// converted or loaded counts).
    pub fn has_text(&self, i: usize) -> bool {
        match self.whole_story(i) {
            Some(story) => story.has_text(),
            None => self.flags[i] & STORED_TEXT != 0,
        }
    }

    /// Story `i` whole: borrowed when it is kept whole, else made from its compact fields.
    pub fn story(&self, i: usize) -> Cow<'_, Story> {
        if let Some(story) = self.whole_story(i) {
            return Cow::Borrowed(story);
        }
        Cow::Owned(Story {
            title: self.title(i).to_string(),
            edition: self.source(i),
            link: self.link(i).map(str::to_string),
            published: self.published(i),
            author: self.author(i).map(str::to_string),
            id: self.id(i).map(str::to_string),
            pending: self.pending(i),
            ..Story::default()
        })
    }

    /// Every story whole, in order (for tests and small lists: each compact one is built).
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, Story>> + '_ {
        (0..self.len()).map(|i| self.story(i))
    }

    fn whole_story(&self, i: usize) -> Option<&Story> {
        (self.flags[i] & WHOLE != 0)
            .then(|| self.whole.get(&self.index(i)))
            .flatten()
    }

    /// Field `n` (0 link, 1 guid, 2 author) of story `i`.
    fn detail(
        &self,
        i: usize,
        n: usize,
        bit: u8,
        of_whole: impl Fn(&Story) -> Option<&str>,
    ) -> Option<&str> {
        if let Some(story) = self.whole_story(i) {
            return of_whole(story);
        }
        if self.flags[i] & bit == 0 {
            return None;
        }
        let start = if i == 0 {
            0
        } else {
            self.detail_ends[i - 1] as usize
        };
        let [link, id] = self.detail_lens[i].map(usize::from);
        let (from, to) = match n {
            0 => (start, start + link),
            1 => (start + link, start + link + id),
            _ => (start + link + id, self.detail_ends[i] as usize),
        };
        Some(&self.details[from..to])
    }

    /// Appends a story's link, guid and author; false (nothing appended) when they do not fit (a
    /// link or guid over 64 KiB, or details past 4 GiB: such a story is kept whole).
    fn push_details(&mut self, story: &Story) -> bool {
        let fields = [&story.link, &story.id, &story.author].map(|f| f.as_deref().unwrap_or(""));
        let total: usize = fields.iter().map(|f| f.len()).sum();
        let lens = [fields[0].len(), fields[1].len()].map(u16::try_from);
        let ([Ok(link), Ok(id)], Ok(end)) = (lens, u32::try_from(self.details.len() + total))
        else {
            return false;
        };
        for field in fields {
            self.details.push_str(field);
        }
        self.detail_ends.push(end);
        self.detail_lens.push([link, id]);
        true
    }

    /// Story `i`'s date as `published` holds it, and its flags (`DATED`, `WIDE_DATE`).
    fn date(&mut self, i: u32, date: Option<i64>) -> (u32, u8) {
        match date.map(|d| (d, u32::try_from(d))) {
            None => (0, 0),
            Some((_, Ok(date))) => (date, DATED),
            Some((date, Err(_))) => {
                self.wide_dates.insert(i, date);
                (0, DATED | WIDE_DATE)
            }
        }
    }

    /// Empty details for a story kept whole.
    fn push_no_details(&mut self) {
        let end = self.detail_ends.last().copied().unwrap_or(0);
        self.detail_ends.push(end);
        self.detail_lens.push([0, 0]);
    }

    /// True when `title` fits the buffer's u32 offsets (4 GiB of titles: past that, a story is
    /// kept whole).
    fn fits(&self, title: &str) -> bool {
        u32::try_from(self.titles.len() + title.len()).is_ok()
    }

    /// Appends the next story's title (checked with `fits`); true.
    fn push_title(&mut self, title: &str) -> bool {
        self.titles.push_str(title);
        self.title_ends.push(self.titles.len() as u32);
        true
    }

    /// Story indices are u32 in the whole map: a list never holds four billion stories.
    fn index(&self, i: usize) -> u32 {
        u32::try_from(i).unwrap_or(u32::MAX)
    }
}

impl FromIterator<Story> for StoryList {
    fn from_iter<I: IntoIterator<Item = Story>>(stories: I) -> StoryList {
        let mut list = StoryList::new();
        for story in stories {
            list.push(story);
        }
        list
    }
}
