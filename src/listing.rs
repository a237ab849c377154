//! `--list`: every headline for scripts and pipes. Feed files are read to the end, every feed is
//! fetched now (conditionally, with the validators the store kept) and what it brings is stored,
//! so a cron job of `gazette --list >/dev/null` keeps the store fresh; then the stories are
//! printed newest first, as the reader lists them, in one of several formats.

use std::collections::HashMap;
use std::io::Write;
use std::str::FromStr;

use crate::config::Config;
use crate::feed::{FeedFetched, FeedUpdate};
use crate::fetch::{FetchRequest, Fetcher};
use crate::ingest::FeedStream;
use crate::load::Marks;
use crate::news::{Pending, Story};
use crate::source::Library;
use crate::store::{story_key, SourceInfo, SourceSave, Store, StoredStory};

/// How `--list` prints each story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFormat {
    /// The title alone, one per line.
    #[default]
    Title,
    /// Tab-separated: date (RFC 3339, or empty), source, title, link (or empty).
    Tsv,
    /// One JSON object per line: title, source, link, date, read, starred.
    Json,
}

impl FromStr for ListFormat {
    type Err = String;

    fn from_str(name: &str) -> Result<ListFormat, String> {
        match name {
            "title" => Ok(ListFormat::Title),
            "tsv" => Ok(ListFormat::Tsv),
            "json" => Ok(ListFormat::Json),
            other => Err(format!(
                "unknown list format {other:?} (title, tsv or json)"
            )),
        }
    }
}

/// What `--list` says of a feed that yields no entries, rather than nothing at all (with no
/// stories anywhere, the run then fails).
pub const NO_ENTRIES: &str = "no entries in this feed";

/// For `--list`: reads each feed file to the end, its stories replacing the first ones read and
/// any stored copy. Only headlines are listed, so each entry's text is dropped as it is read: a
/// feed of any size is listed in little memory.
pub fn read_feed_files(library: &mut Library) -> Result<(), String> {
    for (i, path) in std::mem::take(&mut library.feed_files) {
        let url = library.editions[i].url.clone();
        let problem = |e: String| format!("{}: {e}", crate::source::shown(&path));
        let mut stream = FeedStream::open(&path, url.as_deref()).map_err(problem)?;
        library.stories.retain(|s| s.edition != i);
        let mut read = 0;
        loop {
            let batch = match stream.next_batch() {
                Ok(Some(batch)) => batch,
                Ok(None) => break,
                // A syntax error after some entries: they stand, and the error is that feed's.
                Err(e) if read > 0 => {
                    library.notes.push(problem(e));
                    break;
                }
                Err(e) => return Err(problem(e)),
            };
            read += batch.len();
            let headlines = batch.into_iter().map(|s| Story {
                pending: Pending::Nothing,
                ..s
            });
            library.add_stories(i, headlines.collect());
        }
        if read == 0 {
            library.notes.push(problem(NO_ENTRIES.to_string()));
        }
    }
    Ok(())
}

/// For `--list`: fetches every subscribed feed now (in parallel, each with the validators the
/// store kept, so an unchanged feed answers 304), waits for them, and stores what they bring. A
/// fetched feed's stories then come from the store (the new ones with the older ones it keeps,
/// and their marks, added to `marks`); without a store, from the answer. Failures are noted.
pub fn fetch_now(library: &mut Library, config: &Config, mut store: Option<&mut Store>) -> Marks {
    let updates = fetch_every_feed(library, config);
    // Every feed's stories in one transaction, and read back in one pass over the table (a pass
    // per feed cost 1,000 passes over 20,000 stories); one by one only if that fails (to name the
    // feed that fails).
    let mut together = store
        .as_deref_mut()
        .and_then(|store| save_together(store, config, library, &updates).ok());
    if let Some(store) = store.as_deref_mut() {
        let fetches: Vec<(String, Option<String>)> = updates
            .iter()
            .map(|u| {
                (
                    library.editions[u.source].source_key(),
                    u.outcome.as_ref().err().cloned(),
                )
            })
            .collect();
        if let Err(e) = store.note_fetches(&fetches, crate::runtime::now()) {
            library.notes.push(format!("{e:#}"));
        }
    }
    let mut marks = Marks::new();
    // Each feed's stories replace what the library held of it, all at once after the loop: one
    // pass over a million stories rather than one a feed.
    let mut fetched: Vec<(usize, Vec<Story>)> = Vec::new();
    for update in updates {
        let source = update.source;
        let name = library.editions[source].full_name().to_string();
        match update.outcome {
            Ok(FeedFetched::Parsed {
                feed,
                etag,
                last_modified,
            }) => {
                if feed.stories.is_empty() {
                    library.notes.push(format!("{name}: {NO_ENTRIES}"));
                }
                library
                    .notes
                    .extend(feed.problem.map(|p| format!("{name}: {p}")));
                let info = SourceInfo {
                    title: feed.title.clone(),
                    etag,
                    last_modified,
                };
                let stored = together.as_mut().and_then(|t| t.remove(&source));
                let stories = match store.as_deref_mut() {
                    Some(store) => {
                        let kept = stored.map(Ok).unwrap_or_else(|| {
                            keep(store, config, library, source, &feed.stories, info)
                        });
                        kept.map(|stored| stored_stories(stored, &mut marks))
                            .unwrap_or_else(|e| {
                                library.notes.push(format!("{name}: {e:#}"));
                                feed.stories
                            })
                    }
                    None => feed.stories,
                };
                fetched.push((source, stories));
            }
            Ok(FeedFetched::NotModified) => {}
            Err(e) => library.notes.push(format!("{name}: {e}")),
        }
    }
    replace_stories(library, fetched);
    marks
}

/// Fetches and parses every subscribed feed of `library` on the fetch pool; their answers, in
/// source order.
fn fetch_every_feed(library: &Library, config: &Config) -> Vec<FeedUpdate> {
    let requests: Vec<FetchRequest> = (0..library.editions.len())
        .filter(|&i| library.editions[i].is_feed() && !library.editions[i].named_file)
        .map(|i| FetchRequest {
            source: i,
            url: library.editions[i].url.clone().unwrap_or_default(),
            etag: library.editions[i].etag.clone(),
            last_modified: library.editions[i].last_modified.clone(),
            user_agent: library.editions[i].settings.user_agent.clone(),
            max_stories: library.editions[i].settings.max_stories,
        })
        .collect();
    let count = requests.len();
    let (tx, rx) = std::sync::mpsc::channel();
    let options = config.fetch.options();
    let agent = crate::fetch::agent(&options);
    // A web page's URL named on the command line leads to its feed.
    let pages: std::collections::HashSet<usize> = (0..library.editions.len())
        .filter(|&i| library.editions[i].follow_page)
        .collect();
    let page_options = options.clone();
    let fetcher = Fetcher::new(options, move |result| {
        let result = if pages.contains(&result.request.source) {
            crate::discover::follow_page(&agent, &page_options, result)
        } else {
            result
        };
        let _ = tx.send(crate::feed::process(result));
    });
    fetcher.fetch_all(requests);
    let mut updates: Vec<FeedUpdate> = rx.iter().take(count).collect();
    updates.sort_by_key(|u| u.source);
    updates
}

/// Puts each fetched feed's stories in place of what `library` held of it, in one pass over the
/// stories.
fn replace_stories(library: &mut Library, fetched: Vec<(usize, Vec<Story>)>) {
    let mut replaced = vec![false; library.editions.len()];
    for (source, _) in &fetched {
        replaced[*source] = true;
    }
    library.stories.retain(|s| !replaced[s.edition]);
    for (source, stories) in fetched {
        library.add_stories(source, stories);
    }
}

/// Stores every parsed feed's stories and what its answer said, in one transaction; returns
/// every story the store now keeps of each, by source.
fn save_together(
    store: &mut Store,
    config: &Config,
    library: &Library,
    updates: &[FeedUpdate],
) -> anyhow::Result<HashMap<usize, Vec<StoredStory>>> {
    let mut parts = Vec::new();
    for update in updates {
        if let Ok(FeedFetched::Parsed {
            feed,
            etag,
            last_modified,
        }) = &update.outcome
        {
            let info = SourceInfo {
                title: feed.title.clone(),
                etag: etag.clone(),
                last_modified: last_modified.clone(),
            };
            let key = library.editions[update.source].source_key();
            parts.push((update.source, key, &feed.stories, info));
        }
    }
    let saves: Vec<SourceSave<'_>> = parts
        .iter()
        .map(|(_, source, stories, info)| SourceSave {
            source,
            stories,
            info,
        })
        .collect();
    let retention = crate::runtime::retention(config);
    store.save_sources(&saves, crate::runtime::now(), retention)?;
    let keys: Vec<String> = parts.iter().map(|(_, key, ..)| key.clone()).collect();
    let lists = store.load_sources(&keys)?;
    Ok(parts
        .iter()
        .map(|(source, ..)| *source)
        .zip(lists)
        .collect())
}

/// Stores a feed's fetched stories and what the answer said of it; returns every story the store
/// now keeps of the source.
fn keep(
    store: &mut Store,
    config: &Config,
    library: &Library,
    source: usize,
    stories: &[Story],
    info: SourceInfo,
) -> anyhow::Result<Vec<crate::store::StoredStory>> {
    let key = library.editions[source].source_key();
    let max_stories = library.editions[source].settings.max_stories;
    let retention = crate::runtime::retention_for(config, max_stories);
    store.save_source(&key, stories, crate::runtime::now(), retention)?;
    store.set_source_info(&key, &info)?;
    store.load_source(&key)
}

fn stored_stories(stored: Vec<crate::store::StoredStory>, marks: &mut Marks) -> Vec<Story> {
    stored
        .into_iter()
        .map(|s| {
            if s.read || s.starred {
                marks.insert(s.key, (s.read, s.starred));
            }
            s.story
        })
        .collect()
}

/// Says so for every feed that lists no story (and has no other note): never silence.
pub fn note_empty_feeds(library: &mut Library) {
    // One pass over the stories, not one a feed: 1,000 feeds of a million stories.
    let mut has_stories = vec![false; library.editions.len()];
    for story in &library.stories {
        if let Some(has) = has_stories.get_mut(story.edition) {
            *has = true;
        }
    }
    for (i, edition) in library.editions.iter().enumerate() {
        let noted = library
            .notes
            .iter()
            .any(|n| n.starts_with(edition.full_name()));
        // A feed file named on the command line was noted as it was read.
        let unread = edition.is_feed() && !edition.named_file && !noted;
        if unread && !has_stories[i] {
            let name = edition.full_name().to_string();
            library.notes.push(format!("{name}: {NO_ENTRIES}"));
        }
    }
}

/// Sorts the stories as the reader lists them: newest first across sources, undated ones after,
/// ties in source order.
pub fn newest_first(library: &mut Library) {
    library.stories.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then(a.edition.cmp(&b.edition))
    });
}

/// Leaves out the stories a `hide` rule matches (the killfile), as the reader does, judged with
/// the marks the store keeps.
pub fn drop_hidden(library: &mut Library, config: &Config, marks: &Marks) {
    if config.rules.is_empty() {
        return;
    }
    let rules = crate::rules::Rules::new(&config.rules);
    let editions = &library.editions;
    library.stories.retain(|story| {
        let edition = &editions[story.edition];
        let key = story_key(&edition.source_key(), story);
        let (read, starred) = marks.get(&key).copied().unwrap_or_default();
        let facts = crate::filter::Facts {
            read,
            starred,
            source: &edition.name,
            tags: &edition.tags,
            enclosure: !story.enclosures.is_empty(),
        };
        !rules.hides(
            &story.title,
            &crate::filter::search_key(&story.title),
            &facts,
        )
    });
}

/// Prints the stories in `format`. A closed pipe (`gazette --list | head`) is the reader's
/// choice, not an error; any other failure to write is returned.
pub fn print_list(library: &Library, format: ListFormat, marks: &Marks) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = library
        .stories
        .iter()
        .try_for_each(|story| writeln!(out, "{}", line(library, story, format, marks)))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// One story's line in `format`.
pub fn line(library: &Library, story: &Story, format: ListFormat, marks: &Marks) -> String {
    let edition = &library.editions[story.edition];
    let date = story.published.and_then(|t| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    });
    match format {
        ListFormat::Title => story.title.clone(),
        ListFormat::Tsv => {
            // Fields are clean single lines already; a tab in one would shift the columns.
            let field = |s: &str| s.replace('\t', " ");
            let link = story.link.as_deref().unwrap_or_default();
            [
                date.as_deref().unwrap_or_default(),
                &edition.name,
                &story.title,
                link,
            ]
            .map(field)
            .join("\t")
        }
        ListFormat::Json => {
            let (read, starred) = marks
                .get(&story_key(&edition.source_key(), story))
                .copied()
                .unwrap_or_default();
            serde_json::json!({
                "title": story.title,
                "source": edition.name,
                "link": story.link,
                "date": date,
                "read": read,
                "starred": starred,
            })
            .to_string()
        }
    }
}
