//! gazette's command line: arguments, config, then either the headline list or the reader.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gazette::app::App;
use gazette::config::{user_config_path, Config};
use gazette::feed::FeedFetched;
use gazette::fetch::{FetchRequest, Fetcher};
use gazette::ingest::FeedStream;
use gazette::news::{Pending, Story};
use gazette::sanitize::clean_line;
use gazette::source::Library;
use gazette::store::{self, Store};
use gazette::subscriptions::{self, Subscription};
use gazette::terminal::{self, Exit};
use gazette::ui::theme::Theme;

/// A terminal news reader: headlines on the left, the story on the right, an instant filter.
///
/// With no PATH: reads standard input if it is a pipe, else opens your subscriptions (config.toml
/// and feeds.toml), else the bundled edition.
#[derive(Parser)]
#[command(
    version,
    about,
    args_conflicts_with_subcommands = true,
    after_help = "Inside gazette, press ? for the keys. Config: see assets/config.toml in the source, or README."
)]
struct Cli {
    /// Feeds (http or https URLs, feed files) and news documents, or directories of them; `-` is
    /// standard input. Files are recognised by their content.
    #[arg(value_name = "PATH|URL")]
    paths: Vec<PathBuf>,
    /// Print the headlines to stdout, one per line, and exit (the default when stdout is not a terminal).
    #[arg(long)]
    list: bool,
    /// Read this config file instead of $XDG_CONFIG_HOME/gazette/config.toml.
    #[arg(long, value_name = "PATH", global = true)]
    config: Option<PathBuf>,
    /// Keep the offline store in DIR instead of $XDG_DATA_HOME/gazette.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Show what is stored; never touch the network.
    #[arg(long)]
    offline: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Add an OPML file's feeds to your subscriptions (written to feeds.toml beside config.toml).
    Import {
        /// The OPML file (exported from another reader).
        file: PathBuf,
        /// Take its file: URLs too (only http and https ones otherwise).
        #[arg(long)]
        allow_files: bool,
    },
    /// Print your subscriptions as OPML.
    Export,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => return fail(&e.to_string(), 2),
    };
    let feeds_file = cli
        .config
        .clone()
        .or_else(user_config_path)
        .map(|p| subscriptions::feeds_path(&p));
    let saved = match feeds_file
        .as_deref()
        .map(subscriptions::load_feeds_file)
        .transpose()
    {
        Ok(saved) => saved.unwrap_or_default(),
        Err(e) => return fail(&e.to_string(), 2),
    };
    let mut feeds = config.feeds.clone();
    feeds.extend(saved);

    match cli.command {
        Some(Command::Import { file, allow_files }) => {
            let options = subscriptions::ImportOptions { allow_files };
            return import(&file, feeds_file.as_deref(), &config.feeds, &options);
        }
        Some(Command::Export) => {
            print!("{}", subscriptions::export_opml(&feeds));
            return ExitCode::SUCCESS;
        }
        None => {}
    }

    let mut library = match open_library(&cli.paths, &feeds) {
        Ok(library) => library,
        Err(e) => return fail(&format!("{e:#}"), 2),
    };
    // The store: what was fetched before, and the marks. A store that cannot be used as it is
    // (newer, damaged) is an error; no place for one (no home directory) means running without.
    let data_dir = store::data_dir(cli.data_dir.as_deref());
    let store = match data_dir.as_deref().map(Store::open).transpose() {
        Ok(store) => store,
        Err(e) => return fail(&format!("{e:#}"), 2),
    };
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let listing = cli.list || !std::io::stdout().is_terminal() || dumb;
    // The reader starts with the newest stories of each source, enough for its first screen; the
    // rest follows from the store a moment later (see `terminal::run`).
    let first_screen = (!listing).then_some(FIRST_SCREEN_STORIES);
    let (marks, partial) = match store
        .as_ref()
        .map(|s| load_stored(s, &mut library, first_screen))
        .transpose()
    {
        Ok(loaded) => loaded.unwrap_or_default(),
        Err(e) => return fail(&format!("{e:#}"), 2),
    };

    if listing {
        if dumb && !cli.list {
            eprintln!("gazette: TERM=dumb cannot show the reader; listing the headlines instead");
        }
        // Feed files were read only as far as their first entries: read them whole.
        if let Err(e) = read_feed_files(&mut library) {
            return fail(&e, 2);
        }
        let library = if cli.offline {
            library
        } else {
            fetch_now(library, &config)
        };
        for note in &library.notes {
            eprintln!("gazette: {}", clean_line(note));
        }
        if library.stories.is_empty() && !library.notes.is_empty() {
            // Nothing could be read (every feed failed): say so in the status as well.
            return ExitCode::from(1);
        }
        return print_list(&library);
    }

    let mut app = App::new(library, config);
    app.theme = Theme::from_env(&app.config.colors);
    app.offline = cli.offline;
    app.restore_marks(&marks);
    // The store's full-text index answers text searches (on its own thread, see `terminal`).
    app.indexed_search = store.is_some();
    // The reader keeps this connection: closing it (the last one) would checkpoint the WAL, and
    // opening another cost as much again, both before the first screen.
    let store = store.zip(data_dir.as_deref());
    match terminal::run(app, store, partial) {
        Ok(Exit::Quit) => ExitCode::SUCCESS,
        Ok(Exit::Signal(n)) => ExitCode::from(128u8.saturating_add(n as u8)),
        Err(e) => fail(&format!("{e:#}"), 1),
    }
}

/// What to read: the paths given; else a piped standard input; else the subscriptions; else the
/// bundled edition.
fn open_library(paths: &[PathBuf], feeds: &[Subscription]) -> anyhow::Result<Library> {
    if !paths.is_empty() {
        return Library::load(paths);
    }
    if !std::io::stdin().is_terminal() {
        let bytes = gazette::source::read_stdin()?;
        // An empty or closed standard input (cron, /dev/null) is no document: fall through.
        if !bytes.iter().all(u8::is_ascii_whitespace) {
            let mut library = Library::default();
            library.load_bytes("standard input", Path::new("standard input"), bytes)?;
            return Ok(library);
        }
    }
    if feeds.is_empty() {
        return Ok(Library::bundled());
    }
    let mut library = Library::default();
    for feed in feeds {
        let index = library.add_subscription(&feed.url, feed.name.as_deref());
        library.editions[index].tags = feed.tags.clone();
    }
    Ok(library)
}

/// Stored stories the reader loads before its first screen, per source: a screenful and more.
const FIRST_SCREEN_STORIES: usize = 500;

/// Marks of stored stories, by key: (read, starred).
type Marks = std::collections::HashMap<String, (bool, bool)>;

/// Adds the stored stories of every feed to the library (the last fetch, shown before any network
/// answer), all of them or the newest `limit` of each, and returns the stored marks of the
/// stories loaded and whether some were left for later.
fn load_stored(
    store: &Store,
    library: &mut Library,
    limit: Option<usize>,
) -> anyhow::Result<(Marks, bool)> {
    let sources: Vec<String> = library.editions.iter().map(|e| e.source_key()).collect();
    let mut marks = Marks::new();
    let stored = match limit {
        Some(limit) => store.load_newest(&sources, limit)?,
        None => store.load_sources(&sources)?,
    };
    let partial = limit.is_some_and(|limit| stored.iter().any(|s| s.len() >= limit));
    for (i, stored) in stored.into_iter().enumerate() {
        if let Some(info) = store.source_info(&sources[i])? {
            // The feed's own title and the last answer's validators, as the last run left them.
            let edition = &mut library.editions[i];
            if let Some(title) = info.title.filter(|_| edition.name_from_feed) {
                edition.name = title;
                edition.name_from_feed = false;
            }
            edition.etag = info.etag;
            edition.last_modified = info.last_modified;
        }
        if stored.is_empty() {
            continue;
        }
        // A feed file's first entries were read just now, and are newer than their stored copy;
        // keep only what they lack.
        let known: std::collections::HashSet<String> = library
            .stories
            .iter()
            .filter(|s| s.edition == i)
            .map(|s| store::story_key(&sources[i], s))
            .collect();
        // The marks of a feed file's first entries, wherever they are in the store (the newest
        // stories may not be them); an edition's come with the rest, a moment later.
        if limit.is_some() && library.feed_files.iter().any(|(f, _)| *f == i) {
            let first: Vec<String> = known.iter().cloned().collect();
            marks.extend(store.marks(&first)?);
        }
        let is_feed = library.editions[i].is_feed();
        let mut cached = Vec::new();
        for s in stored {
            if s.read || s.starred {
                marks.insert(s.key.clone(), (s.read, s.starred));
            }
            if is_feed && !known.contains(&s.key) {
                cached.push(s.story);
            }
        }
        library.add_stories(i, cached);
    }
    Ok((marks, partial))
}

/// For `--list`: reads each feed file to the end, its stories replacing the first ones read and
/// any stored copy. Only headlines are listed, so each entry's text is dropped as it is read: a
/// feed of any size is listed in little memory.
fn read_feed_files(library: &mut Library) -> Result<(), String> {
    for (i, path) in std::mem::take(&mut library.feed_files) {
        let url = library.editions[i].url.clone();
        let problem = |e: String| format!("{}: {e}", gazette::source::shown(&path));
        let mut stream = FeedStream::open(&path, url.as_deref()).map_err(problem)?;
        library.stories.retain(|s| s.edition != i);
        while let Some(batch) = stream.next_batch().map_err(problem)? {
            let headlines = batch.into_iter().map(|s| Story {
                pending: Pending::Nothing,
                ..s
            });
            library.add_stories(i, headlines.collect());
        }
    }
    // Sources in the order given, as they were listed before.
    library.stories.sort_by_key(|s| s.edition);
    Ok(())
}

/// For `--list`: fetches the feeds that have no stories yet, waiting for them (in parallel), and
/// notes the failures.
fn fetch_now(mut library: Library, config: &Config) -> Library {
    let requests: Vec<FetchRequest> = (0..library.editions.len())
        .filter(|&i| {
            library.editions[i].is_feed() && !library.stories.iter().any(|s| s.edition == i)
        })
        .map(|i| FetchRequest {
            source: i,
            url: library.editions[i].url.clone().unwrap_or_default(),
            etag: None,
            last_modified: None,
        })
        .collect();
    let count = requests.len();
    let (tx, rx) = std::sync::mpsc::channel();
    let fetcher = Fetcher::new(config.fetch.options(), move |result| {
        let _ = tx.send(gazette::feed::process(result));
    });
    fetcher.fetch_all(requests);
    let mut updates: Vec<_> = rx.iter().take(count).collect();
    updates.sort_by_key(|u| u.source);
    for update in updates {
        let name = library.editions[update.source].full_name().to_string();
        match update.outcome {
            Ok(FeedFetched::Parsed { feed, .. }) => {
                library.add_stories(update.source, feed.stories)
            }
            Ok(FeedFetched::NotModified) => {}
            Err(e) => library.notes.push(format!("{name}: {e}")),
        }
    }
    library
}

fn import(
    file: &Path,
    feeds_file: Option<&Path>,
    config_feeds: &[Subscription],
    options: &subscriptions::ImportOptions,
) -> ExitCode {
    let Some(feeds_file) = feeds_file else {
        return fail(
            "no config directory: pass --config PATH to say where feeds.toml goes",
            2,
        );
    };
    match subscriptions::import_with(file, feeds_file, config_feeds, options) {
        Ok(report) => {
            println!("{}", clean_line(&report));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("{e:#}"), 2),
    }
}

fn print_list(library: &Library) -> ExitCode {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for story in &library.stories {
        if let Err(e) = writeln!(out, "{}", story.title) {
            // A closed pipe (`gazette --list | head`) is the reader's choice, not an error.
            return if e.kind() == std::io::ErrorKind::BrokenPipe {
                ExitCode::SUCCESS
            } else {
                fail(&e.to_string(), 1)
            };
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => fail(&e.to_string(), 1),
        _ => ExitCode::SUCCESS,
    }
}

fn fail(message: &str, code: u8) -> ExitCode {
    // Messages quote paths and file names: clean them like any untrusted text.
    eprintln!("gazette: {}", clean_line(&message.replace('\n', " ")));
    ExitCode::from(code)
}
