//! A feed server held in memory, for the engine's and the sync thread's tests: feeds, entries
//! with read and starred states, the marks it was sent, and failures to give.

#![allow(dead_code)]

use gazette::sync::{
    Changes, Mark, RemoteEntry, RemoteFeed, Service, States, SyncError, SyncResult,
};

pub const NOW: i64 = 1_800_000_000;

/// A server in memory: feeds, entries with states, the marks it was sent, a failure to give.
#[derive(Default)]
pub struct Memory {
    pub feeds: Vec<RemoteFeed>,
    pub entries: Vec<RemoteEntry>,
    pub sent: Vec<(Vec<String>, Mark)>,
    pub requests: usize,
    pub fail_changes: bool,
    pub fail_marks: bool,
    /// Takes subscription changes (else says it cannot, as tt-rss does for some).
    pub editable: bool,
}

impl Memory {
    pub fn with_feed(entries: usize) -> Memory {
        let mut memory = Memory {
            feeds: vec![RemoteFeed {
                id: "7".into(),
                url: "https://news.example/feed".into(),
                title: "Example News".into(),
                tags: vec!["world".into()],
            }],
            ..Memory::default()
        };
        for i in 1..=entries {
            memory.add_entry(i);
        }
        memory
    }

    pub fn add_entry(&mut self, i: usize) {
        self.entries.push(RemoteEntry {
            id: i.to_string(),
            feed_id: "7".into(),
            title: format!("Story {i} \u{1b}[31mred"),
            link: Some(format!("https://news.example/{i}")),
            content_html: format!("<p>Body of story {i}</p>"),
            published: Some(NOW - i as i64),
            ..RemoteEntry::default()
        });
    }

    pub fn entry(&mut self, id: &str) -> &mut RemoteEntry {
        self.entries.iter_mut().find(|e| e.id == id).unwrap()
    }
}

impl Service for Memory {
    fn login(&mut self) -> SyncResult<()> {
        self.requests += 1;
        Ok(())
    }
    fn feeds(&mut self) -> SyncResult<Vec<RemoteFeed>> {
        self.requests += 1;
        Ok(self.feeds.clone())
    }
    fn changes(&mut self, cursor: Option<&str>, first_limit: usize) -> SyncResult<Changes> {
        self.requests += 1;
        if self.fail_changes {
            return Err(SyncError::Network("memory: connection reset".into()));
        }
        let since: usize = cursor.map_or(0, |c| c.parse().unwrap());
        let mut entries: Vec<RemoteEntry> = (self.entries.iter())
            .filter(|e| e.id.parse::<usize>().unwrap() > since)
            .cloned()
            .collect();
        entries.truncate(first_limit);
        let max = self
            .entries
            .iter()
            .map(|e| e.id.parse::<usize>().unwrap())
            .max();
        Ok(Changes {
            entries,
            states: States::Sets {
                unread: self
                    .entries
                    .iter()
                    .filter(|e| !e.read)
                    .map(|e| e.id.clone())
                    .collect(),
                starred: self
                    .entries
                    .iter()
                    .filter(|e| e.starred)
                    .map(|e| e.id.clone())
                    .collect(),
            },
            cursor: max.unwrap_or(since).to_string(),
        })
    }
    fn mark(&mut self, ids: &[String], mark: Mark) -> SyncResult<()> {
        self.requests += 1;
        if self.fail_marks {
            return Err(SyncError::Server(
                "memory: HTTP 500 Internal Server Error".into(),
            ));
        }
        for id in ids {
            let entry = self.entry(id);
            match mark {
                Mark::Read(read) => entry.read = read,
                Mark::Starred(starred) => entry.starred = starred,
            }
        }
        self.sent.push((ids.to_vec(), mark));
        Ok(())
    }
    fn subscribe(&mut self, url: &str, tag: Option<&str>) -> SyncResult<RemoteFeed> {
        self.requests += 1;
        if !self.editable {
            return Err(SyncError::Unsupported(format!("not here: {url}")));
        }
        let feed = RemoteFeed {
            id: (100 + self.feeds.len()).to_string(),
            url: url.into(),
            title: format!("Title of {url}"),
            tags: tag.into_iter().map(String::from).collect(),
        };
        self.feeds.push(feed.clone());
        Ok(feed)
    }
    fn unsubscribe(&mut self, feed: &RemoteFeed) -> SyncResult<()> {
        self.requests += 1;
        if !self.editable {
            return Err(SyncError::Unsupported("not here".into()));
        }
        self.feeds.retain(|f| f.id != feed.id);
        Ok(())
    }
    fn rename(&mut self, feed: &RemoteFeed, title: &str) -> SyncResult<()> {
        self.requests += 1;
        if !self.editable {
            return Err(SyncError::Unsupported("not here".into()));
        }
        (self.feeds.iter_mut().filter(|f| f.id == feed.id)).for_each(|f| f.title = title.into());
        Ok(())
    }
    fn retag(&mut self, feed: &RemoteFeed, tags: &[String]) -> SyncResult<()> {
        self.requests += 1;
        if !self.editable {
            return Err(SyncError::Unsupported("not here".into()));
        }
        (self.feeds.iter_mut().filter(|f| f.id == feed.id)).for_each(|f| f.tags = tags.to_vec());
        Ok(())
    }
    fn requests(&self) -> usize {
        self.requests
    }
}
