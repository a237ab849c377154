//! Reading a feed file as a stream: quick-xml finds each entry, feed-rs parses the entries (on
//! every core), and the stories come out in batches. The first headlines show while the rest of a
//! large file is still being read, bodies stay HTML until a story is opened, and the whole file is
//! never in memory.
//!
//! Each entry is handed to feed-rs as a document of its own (the file's XML declaration and
//! doctype, the start tags of the elements around the entry with their namespace declarations, the
//! entry, the matching end tags), so feed-rs decides what every element means exactly as it does
//! for a whole feed. A document that cannot be streamed (JSON Feed, UTF-16) is parsed whole, up to
//! [`MAX_FEED_BYTES`].
//!
//! A plain RSS 2.0 item skips feed-rs: [`rss`] reads its fields from the events the splitter reads
//! anyway, and hands anything unusual to feed-rs.

mod file;
mod lossy;
mod rss;

use std::io::{BufRead, BufReader, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::{Reader, Writer};

use crate::feed::{
    entry_story, is_atom, parse_feed, parse_header, sniff, Format, MAX_FEED_BYTES, WEB_PAGE,
};
use crate::fetch::open_feed_file;
use crate::liberal::{self, Rewrite};
use crate::news::Story;
pub use file::{read_all, read_file, read_file_with, signature, FileLimits};
use lossy::LossyUtf8;
use rss::{ItemReader, RssItem, Scope, TagInfo};

/// The first batch is small so the first screen comes at once; later ones grow to this.
const MAX_BATCH: usize = 4096;
const FIRST_BATCH: usize = 128;
/// One entry larger than this is refused (a feed is a list of entries, not one huge one).
const MAX_ENTRY_BYTES: usize = 16 * 1024 * 1024;

/// An entry split out of the file: a standalone document for feed-rs, and its fields when it is
/// a plain RSS item that needs no feed-rs.
struct Unit {
    document: Vec<u8>,
    item: Option<RssItem>,
}

/// Entries split out of the file, and whether the file went wrong after them.
type Split = (Vec<Unit>, Result<(), String>);

/// A feed being read entry by entry. [`FeedStream::next_batch`] gives the next stories.
pub struct FeedStream {
    reader: Reader<Recorder>,
    url: Option<String>,
    buf: Vec<u8>,
    /// The XML declaration and doctype, written before every entry.
    preamble: Vec<u8>,
    /// Start tags of the elements open around the next entry, with their names.
    open: Vec<(Vec<u8>, Vec<u8>)>,
    /// What each open element says about the RSS fast path.
    open_info: Vec<TagInfo>,
    /// Everything before the first entry (the feed's own title is in there); None once read.
    header: Option<Vec<u8>>,
    title: Option<String>,
    batch: usize,
    finished: bool,
    /// Stories ready to be given as the next batch (a document parsed whole).
    ready: Option<Vec<Story>>,
    /// The next batch's entries, split out while the last batch was parsed, and whether the
    /// file went wrong after them.
    prefetched: Option<Split>,
    /// Entries feed-rs made nothing of.
    pub skipped: usize,
    /// Entries read as plain RSS items, without feed-rs.
    pub fast: usize,
}

impl FeedStream {
    /// Starts reading a feed file, of any size: a regular file only, opened without blocking (see
    /// [`open_feed_file`]). Errors are one line, without the file's name.
    pub fn open(path: &Path, url: Option<&str>) -> Result<FeedStream, String> {
        let file = open_feed_file(path, None).map_err(|refusal| refusal.to_string())?;
        FeedStream::from_reader(Box::new(BufReader::with_capacity(1 << 16, file)), url)
    }

    /// Starts reading a feed from `input`; `url` resolves relative links.
    pub fn from_reader(
        mut input: Box<dyn BufRead + Send>,
        url: Option<&str>,
    ) -> Result<FeedStream, String> {
        let head = input.fill_buf().map_err(|e| io_reason(&e))?;
        if crate::liberal::is_web_page(head) {
            return Err(WEB_PAGE.to_string());
        }
        let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        let streamable = sniff(head) == Format::Feed
            && text.trim_ascii_start().starts_with(b"<")
            && is_utf8(head);
        if streamable {
            return Ok(FeedStream::streaming(input, url));
        }
        let mut stream = FeedStream::streaming(Box::new(std::io::empty()), url);
        let mut bytes = Vec::new();
        input
            .take(MAX_FEED_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| io_reason(&e))?;
        let feed = parse_feed(&bytes, url)?;
        stream.title = feed.title;
        stream.ready = Some(feed.stories);
        stream.finished = true;
        // A syntax error after the entries comes after them, as in a streamed file.
        if let Some(problem) = feed.problem {
            stream.prefetched = Some((Vec::new(), Err(problem)));
        }
        Ok(stream)
    }

    /// Reads `input` as a stream of entries, whatever its first bytes say: for a document already
    /// decoded to UTF-8 (`feed::parse_feed` salvaging the entries before a syntax error), which
    /// must not come back to `parse_feed`. Stray bytes that are not UTF-8 become U+FFFD.
    pub(crate) fn streaming(input: Box<dyn BufRead + Send>, url: Option<&str>) -> FeedStream {
        FeedStream {
            reader: Reader::from_reader(Recorder::new(input)),
            url: url.map(str::to_string),
            buf: Vec::new(),
            preamble: Vec::new(),
            open: Vec::new(),
            open_info: Vec::new(),
            header: Some(Vec::new()),
            title: None,
            batch: FIRST_BATCH,
            finished: false,
            ready: None,
            prefetched: None,
            skipped: 0,
            fast: 0,
        }
    }

    /// The feed's own title, once the first batch has been read.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The next stories, in feed order; `None` once the feed is read to the end. An error is one
    /// line ("not a feed: …"); the batches before it stand. While one batch is parsed (on every
    /// core), the next is split out of the file.
    pub fn next_batch(&mut self) -> Result<Option<Vec<Story>>, String> {
        if let Some(stories) = self.ready.take() {
            return Ok(Some(stories));
        }
        let (documents, outcome) = match self.prefetched.take() {
            Some(prefetched) => prefetched,
            None if self.finished => return Ok(None),
            None => {
                let mut documents = Vec::new();
                let outcome = self.split(&mut documents);
                (documents, outcome)
            }
        };
        if documents.is_empty() {
            self.finished = true;
            return outcome.map(|()| None);
        }
        let split_next = outcome.is_ok() && !self.finished;
        self.batch = (self.batch * 4).min(MAX_BATCH);
        let url = self.url.clone();
        let (stories, counts) = std::thread::scope(|scope| {
            let parsing = scope.spawn(|| parse_all(&documents, url.as_deref()));
            if split_next {
                let mut next = Vec::new();
                let outcome = self.split(&mut next);
                self.prefetched = Some((next, outcome));
            }
            parsing.join().unwrap_or_default()
        });
        self.skipped += counts.skipped;
        self.fast += counts.fast;
        if let Err(e) = outcome {
            // The stories read before the error first; the error with the next call.
            self.finished = true;
            self.prefetched = Some((Vec::new(), Err(e)));
        }
        Ok(Some(stories))
    }

    /// Reads entries as standalone documents into `documents`, up to the batch size or the end.
    fn split(&mut self, documents: &mut Vec<Unit>) -> Result<(), String> {
        // quick-xml's errors quote the file: cleaned like any text from it.
        let bad = |e: &dyn std::fmt::Display| {
            crate::sanitize::clean_line(&format!("not a feed: {e}")).replace("  ", " ")
        };
        // Inside an entry (whose bytes the recorder copies): how deep, and its fields as a plain
        // RSS item.
        let mut entry: Option<(usize, ItemReader)> = None;
        // A run of text, CDATA and references, as one string.
        let mut text = TextRun::default();
        loop {
            self.buf.clear();
            let event = self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(|e| bad(&e))?;
            if let Some((depth, item)) = &mut entry {
                if text.take(&event) {
                    continue;
                }
                item.text(&text.text);
                text.text.clear();
                item.event(&event);
                match &event {
                    Event::Start(_) => *depth += 1,
                    Event::End(_) => *depth -= 1,
                    Event::Eof => return Err(bad(&"the file ends inside an entry")),
                    _ => {}
                }
                let recorded = self.reader.get_ref().copy.as_ref().map_or(0, Vec::len);
                if recorded > MAX_ENTRY_BYTES {
                    return Err(bad(&"an entry is larger than 16 MiB"));
                }
                if *depth == 0 {
                    let (_, item) = entry.take().expect("an entry is open");
                    let mut document = self.reader.get_mut().copy.take().unwrap_or_default();
                    close(&mut document, &self.open);
                    documents.push(Unit {
                        document,
                        item: item.finish(),
                    });
                    if documents.len() >= self.batch {
                        return Ok(());
                    }
                }
                continue;
            }
            match event {
                Event::Decl(_) | Event::DocType(_) => {
                    Writer::new(&mut self.preamble)
                        .write_event(event)
                        .map_err(|e| bad(&e))?;
                }
                Event::Start(start) => {
                    let local = start.local_name();
                    let local: &str = local.as_ref();
                    // CDF's items are `ITEM`s (the rewrite makes them RSS items).
                    let entry_tag = matches!(local, "item" | "entry" | "ITEM");
                    if !self.open.is_empty() && entry_tag {
                        let start = start.into_owned();
                        self.read_header()?;
                        let names: Vec<&[u8]> =
                            self.open.iter().map(|(_, name)| name.as_slice()).collect();
                        let item = ItemReader::new(Scope::of(&self.open_info, &names), &start);
                        let mut document = Vec::with_capacity(4096);
                        document.extend_from_slice(&self.preamble);
                        for (tag, _) in &self.open {
                            document.extend_from_slice(tag);
                        }
                        Writer::new(&mut document)
                            .write_event(Event::Start(start))
                            .map_err(|e| bad(&e))?;
                        // The entry's content and end tag go in as they are in the file.
                        self.reader.get_mut().copy = Some(document);
                        entry = Some((1, item));
                    } else {
                        let name = start.name().as_ref().as_bytes().to_vec();
                        self.open_info.push(TagInfo::of(&start));
                        let mut tag = Vec::new();
                        Writer::new(&mut tag)
                            .write_event(Event::Start(start))
                            .map_err(|e| bad(&e))?;
                        if let Some(header) = &mut self.header {
                            header.extend_from_slice(&tag);
                        }
                        self.open.push((tag, name));
                    }
                }
                Event::End(_) if self.open.is_empty() => {
                    return Err(bad(&"an end tag with no start"));
                }
                Event::Eof => {
                    self.finished = true;
                    if !self.open.is_empty() {
                        return Err(bad(&"the file ends before the feed does (cut short?)"));
                    }
                    return self.read_header();
                }
                event => {
                    if matches!(event, Event::End(_)) {
                        self.open.pop();
                        self.open_info.pop();
                    }
                    if let Some(header) = &mut self.header {
                        Writer::new(header)
                            .write_event(event)
                            .map_err(|e| bad(&e))?;
                    }
                }
            }
        }
    }

    /// At the first entry (or the end): parses what came before it, which says whether this is a
    /// feed at all and gives its title.
    fn read_header(&mut self) -> Result<(), String> {
        let Some(header) = self.header.take() else {
            return Ok(());
        };
        let mut document = self.preamble.clone();
        document.extend_from_slice(&header);
        close(&mut document, &self.open);
        self.title = parse_header(&document, self.url.as_deref())?.title;
        Ok(())
    }
}

/// How the entries of a batch were read.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    /// Entries that gave no story.
    skipped: usize,
    /// Entries read as plain RSS items, without feed-rs.
    fast: usize,
}

/// Parses entries (plain RSS items directly, others with feed-rs), split over the machine's
/// cores, keeping their order.
fn parse_all(documents: &[Unit], url: Option<&str>) -> (Vec<Story>, Counts) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    // Threads only pay for themselves over a few dozen entries.
    let threads = cores.min(8).min(documents.len().div_ceil(32)).max(1);
    let chunk = documents.len().div_ceil(threads).max(1);
    let parts: Vec<(Vec<Story>, Counts)> = std::thread::scope(|scope| {
        let handles: Vec<_> = documents
            .chunks(chunk)
            .map(|part| scope.spawn(move || parse_entries(part, url)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut stories = Vec::with_capacity(documents.len());
    let mut counts = Counts::default();
    for (part, count) in parts {
        stories.extend(part);
        counts.skipped += count.skipped;
        counts.fast += count.fast;
    }
    (stories, counts)
}

/// A run of character data inside an entry, joined into one string exactly as feed-rs joins it:
/// text, CDATA, character references and the five predefined entities resolved, any other
/// reference kept as written.
#[derive(Default)]
struct TextRun {
    text: String,
}

impl TextRun {
    /// Takes character data into the run; false for any other event, and for a character
    /// reference feed-rs would refuse (the entry then goes to feed-rs, which fails there too).
    fn take(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Text(t) => self.text.push_str(t),
            Event::CData(t) => self.text.push_str(t),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => self.text.push(c),
                Err(_) => return false,
                Ok(None) => match quick_xml::escape::resolve_predefined_entity(r) {
                    Some(resolved) => self.text.push_str(resolved),
                    None => {
                        self.text.push('&');
                        self.text.push_str(r);
                        self.text.push(';');
                    }
                },
            },
            _ => return false,
        }
        true
    }
}

/// The file as quick-xml reads it, copying what it consumes while an entry is read: an entry
/// goes to feed-rs as it is in the file.
struct Recorder {
    /// Held as it is, not boxed: quick-xml asks for the buffer at every event, and a second
    /// dynamic call there cost some 40 ms of CPU on the 255 MB benchmark file.
    inner: LossyUtf8,
    copy: Option<Vec<u8>>,
}

impl Recorder {
    /// Reads `inner`, each byte sequence that is not UTF-8 as U+FFFD (see [`LossyUtf8`]).
    fn new(inner: Box<dyn BufRead + Send>) -> Recorder {
        Recorder {
            inner: LossyUtf8::new(inner),
            copy: None,
        }
    }
}

impl Read for Recorder {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(copy) = &mut self.copy {
            copy.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

impl BufRead for Recorder {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Some(copy) = &mut self.copy {
            // What is consumed is in the buffer already: this reads nothing.
            if let Ok(buffered) = self.inner.fill_buf() {
                copy.extend_from_slice(&buffered[..amount.min(buffered.len())]);
            }
        }
        self.inner.consume(amount);
    }
}

/// True when a document's first bytes say it is UTF-8: no other encoding declared, and what is
/// there decodes (a partial character at the end aside). quick-xml reads only UTF-8; a feed in a
/// legacy encoding is handed to feed-rs whole, which decodes what it declares.
fn is_utf8(head: &[u8]) -> bool {
    let declaration = head
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(head)
        .trim_ascii_start();
    if declaration.starts_with(b"<?xml") {
        let end = declaration
            .iter()
            .position(|&b| b == b'>')
            .unwrap_or(declaration.len());
        let declaration = String::from_utf8_lossy(&declaration[..end]).to_ascii_lowercase();
        if let Some(at) = declaration.find("encoding") {
            let value: String = declaration[at + 8..]
                .trim_start_matches([' ', '=', '"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if value != "utf-8" && value != "utf8" {
                return false;
            }
        }
    }
    let mut chunks = head.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        // Only the last few bytes may be a character cut by the end of the buffer.
        if !chunk.invalid().is_empty() && (chunks.peek().is_some() || chunk.invalid().len() > 3) {
            return false;
        }
    }
    true
}

/// Closes the elements around an entry, innermost first.
fn close(document: &mut Vec<u8>, open: &[(Vec<u8>, Vec<u8>)]) {
    for (_, name) in open.iter().rev() {
        document.extend_from_slice(b"</");
        document.extend_from_slice(name);
        document.push(b'>');
    }
}

/// Reads entries: a plain RSS item directly, any other with feed-rs, which panics on a few
/// malformed inputs, so each such entry runs behind `catch_unwind`.
fn parse_entries(documents: &[Unit], url: Option<&str>) -> (Vec<Story>, Counts) {
    let mut parser = feed_rs::parser::Builder::new().base_uri(url).build();
    // feed-rs refuses every entry when the base does not parse; the fast path must too.
    let base = url.map(url::Url::parse);
    let fast = !matches!(base, Some(Err(_)));
    let base = base.and_then(Result::ok);
    let mut stories = Vec::with_capacity(documents.len());
    let mut counts = Counts::default();
    for Unit { document, item } in documents {
        let story = item
            .as_ref()
            .filter(|_| fast)
            .and_then(|item| item.story(base.as_ref(), url));
        if let Some(story) = story {
            stories.push(story);
            counts.fast += 1;
            continue;
        }
        match parse_entry(&mut parser, url, document) {
            Some(feed) => {
                let mut entries: Vec<Story> = feed
                    .entries
                    .iter()
                    .map(|e| entry_story(e, is_atom(&feed), url, true))
                    .collect();
                let durations = crate::enclosure::itunes_durations(document);
                crate::enclosure::fill_durations(&mut entries, &durations);
                stories.extend(entries);
            }
            None => counts.skipped += 1,
        }
    }
    (stories, counts)
}

/// One entry's document through feed-rs, rewritten first where a liberal reading needs it
/// (`liberal::needs_rewrite`), and repaired and tried again when feed-rs refuses it (one field it
/// cannot read is dropped, not the entry). None when it gives no entry.
fn parse_entry(
    parser: &mut feed_rs::parser::Parser,
    url: Option<&str>,
    document: &[u8],
) -> Option<feed_rs::model::Feed> {
    let mut parse = |bytes: &[u8]| match catch_unwind(AssertUnwindSafe(|| parser.parse(bytes))) {
        Ok(Ok(feed)) if !feed.entries.is_empty() => Some(feed),
        _ => {
            // A parser that failed inside an entry keeps that entry's state and panics on the
            // next one: start again with a new one.
            *parser = feed_rs::parser::Builder::new().base_uri(url).build();
            None
        }
    };
    let rewritten = liberal::needs_rewrite(document)
        .then(|| liberal::rewrite(document, Rewrite { drop_bad: false }))
        .flatten();
    let document = rewritten.as_deref().unwrap_or(document);
    parse(document).or_else(|| parse(&liberal::repaired(document)?))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
