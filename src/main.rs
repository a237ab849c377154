//! gazette's command line: arguments, config, then either the headline list or the reader.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use gazette::app::App;
use gazette::config::{user_config_path, Config};
use gazette::listing::{
    drop_hidden, fetch_now, newest_first, note_empty_feeds, print_list, read_feed_files, ListFormat,
};
use gazette::load::{load_stored, open_library, Marks, FIRST_SCREEN_STORIES};
use gazette::manage::{self, AddRequest, Added};
use gazette::sanitize::clean_line;
use gazette::source::Library;
use gazette::store::{self, Store};
use gazette::subscriptions::{self, Subscription};
use gazette::sync::account as sync;
use gazette::terminal::{self, Exit};
use gazette::theme::Theme;

/// A terminal news reader: headlines on the left, the story on the right, an instant filter.
///
/// With no PATH: reads standard input if it is a pipe, else opens your subscriptions (config.toml
/// and feeds.toml), else the bundled edition.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Inside gazette, press ? for the keys. Config: see assets/config.toml in the source, or README."
)]
struct Cli {
    /// Feeds (http or https URLs, feed files) and news documents, or directories of them; `-` is
    /// standard input. Files are recognised by their content.
    #[arg(value_name = "PATH|URL")]
    paths: Vec<PathBuf>,
    /// Print the headlines to stdout, one per line, newest first, and exit (the default when
    /// stdout is not a terminal). Feeds are fetched and stored first, unless --offline.
    #[arg(long)]
    list: bool,
    /// How --list prints each story: title, tsv (date, source, title, link) or json (one object
    /// per line, with the read and starred marks).
    #[arg(long, value_name = "FORMAT", default_value = "title")]
    format: ListFormat,
    /// Read this config file instead of $XDG_CONFIG_HOME/gazette/config.toml.
    #[arg(long, value_name = "PATH", global = true)]
    config: Option<PathBuf>,
    /// Keep the offline store in DIR instead of $XDG_DATA_HOME/gazette.
    #[arg(long, value_name = "DIR", global = true)]
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
    /// Subscribe to a feed, or to the feed a web page names (written to feeds.toml).
    Add {
        /// The feed's URL, or a page's that names its feed (`<link rel="alternate">`).
        url: String,
        /// The name to show instead of the feed's own title.
        #[arg(long)]
        name: Option<String>,
        /// A tag (repeat for several).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// When the page names several feeds, take the first rather than listing them.
        #[arg(long)]
        yes: bool,
    },
    /// Unsubscribe from a feed in feeds.toml, by URL or name (its stories stay in the store).
    Remove {
        /// The feed's URL or name.
        feed: String,
    },
    /// List your subscriptions: name, URL, tags, stories stored and unread (tab-separated).
    Feeds,
    /// Print the config files gazette reads; with --default, the built-in config, every setting
    /// with its default and what it does.
    Config {
        /// Print the built-in default config instead.
        #[arg(long)]
        default: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout.
    Man,
    /// Print a web page's article as text, extracted as reader mode does (plain text when stdout
    /// is not a terminal).
    Read {
        /// An http or https URL, or a local HTML file.
        #[arg(value_name = "URL|FILE")]
        target: String,
        /// Wrap at N columns (default: the terminal's width; unwrapped when not a terminal).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
    },
}

fn main() -> ExitCode {
    gazette::process::give_back_big_buffers();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(Failure(message, code)) => fail(&message, code),
    }
}

/// A one-line error for stderr and the exit code that goes with it.
struct Failure(String, u8);

/// Bad input (config, subscriptions, paths, the store) exits with 2.
fn bad_input(e: impl std::fmt::Display) -> Failure {
    Failure(format!("{e:#}"), 2)
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    if let Some(code) = describe(&cli)? {
        return Ok(code);
    }
    let config = Config::load(cli.config.as_deref()).map_err(bad_input)?;
    if let Some(Command::Read { target, width }) = &cli.command {
        return read(target, *width, &config);
    }
    let feeds_file = cli
        .config
        .clone()
        .or_else(user_config_path)
        .map(|p| subscriptions::feeds_path(&p));
    let saved = feeds_file
        .as_deref()
        .map(subscriptions::load_feeds_file)
        .transpose()
        .map_err(bad_input)?;
    let mut feeds = config.feeds.clone();
    feeds.extend(saved.unwrap_or_default());
    if let Some(command) = &cli.command {
        return subcommand(command, &cli, &config, feeds_file.as_deref(), &feeds);
    }
    // The store: what was fetched before, and the marks. A store that cannot be used as it is
    // (newer, damaged) is an error; no place for one (no home directory) means running without.
    let data_dir = store::data_dir(cli.data_dir.as_deref());
    let mut store = data_dir
        .as_deref()
        .map(Store::open)
        .transpose()
        .map_err(bad_input)?;
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let listing = cli.list || !std::io::stdout().is_terminal() || dumb;
    // With [sync] on, the server's subscriptions are the reader's (as the last sync left them).
    let sync = config.sync.clone().filter(|_| cli.paths.is_empty());
    if let Some(settings) = &sync {
        let store = store
            .as_mut()
            .ok_or_else(|| bad_input("[sync] needs a data directory (--data-dir DIR)"))?;
        if listing && !cli.offline {
            sync::sync_now(settings, &config, store).map_err(|e| Failure(e, 1))?;
        }
        feeds = sync::stored_subscriptions(store, settings).map_err(bad_input)?;
    }
    let mut library = match &sync {
        // Syncing for the first time: the server's stories are on their way, not the bundled
        // edition.
        Some(_) if feeds.is_empty() => Library::default(),
        _ => open_library(&cli.paths, &feeds, config.reading.full_text).map_err(bad_input)?,
    };
    // The reader starts with the newest stories of each source, enough for its first screen; the
    // rest follows from the store a moment later (`Action::Start`).
    let first_screen = (!listing).then_some(FIRST_SCREEN_STORIES);
    let (marks, partial) = store
        .as_ref()
        .map(|s| load_stored(s, &mut library, first_screen))
        .transpose()
        .map_err(bad_input)?
        .unwrap_or_default();
    if listing {
        if dumb && !cli.list {
            eprintln!("gazette: TERM=dumb cannot show the reader; listing the headlines instead");
        }
        return list(library, &config, &cli, store, marks);
    }
    // The feeds pane shows by itself (on a wide terminal) for the user's subscriptions only.
    let subscribed = cli.paths.is_empty() && feeds.iter().any(|f| f.is_enabled());
    let mut app = App::new(library, config);
    app.config_path = cli.config.clone().or_else(user_config_path);
    app.feeds_file = feeds_file.clone();
    app.pane.auto = subscribed && std::io::stdin().is_terminal();
    if let Some(dir) = data_dir.as_deref() {
        app.restore_ui_state(gazette::ui_state::load(dir));
    }
    app.theme = Theme::from_env(&app.config.colors);
    app.offline = cli.offline;
    app.restore_marks(&marks);
    // The store's full-text index answers text searches (on its own thread, see `runtime`).
    app.indexed_search = store.is_some();
    app.more_stored = partial;
    let sync = match (sync, data_dir.as_deref()) {
        (Some(settings), Some(dir)) if !cli.offline => {
            app.enable_sync(settings.server());
            Some(sync::setup(&settings, &app.config, dir).map_err(bad_input)?)
        }
        _ => None,
    };
    // The reader keeps this connection: closing it (the last one) would checkpoint the WAL, and
    // opening another cost as much again, both before the first screen.
    let ending = terminal::run(app, store.zip(data_dir.as_deref()), sync)
        .map_err(|e| Failure(format!("{e:#}"), 1))?;
    if ending.lost_marks > 0 {
        // Said once the terminal is back, where it stays readable.
        let n = ending.lost_marks;
        let marks = if n == 1 {
            "story's marks"
        } else {
            "stories' marks"
        };
        let why = ending.store_problem.unwrap_or_default();
        return Err(Failure(format!("{n} {marks} could not be saved: {why}"), 1));
    }
    Ok(match ending.exit {
        Exit::Quit => ExitCode::SUCCESS,
        Exit::Signal(n) => ExitCode::from(128u8.saturating_add(n as u8)),
    })
}

/// The subcommands that manage subscriptions or say where things are.
fn subcommand(
    command: &Command,
    cli: &Cli,
    config: &Config,
    feeds_file: Option<&Path>,
    feeds: &[Subscription],
) -> Result<ExitCode, Failure> {
    if let Some(settings) = &config.sync {
        if let Some(done) = sync_subcommand(command, cli, config, settings) {
            return done;
        }
    }
    match command {
        Command::Import { file, allow_files } => {
            let options = subscriptions::ImportOptions {
                allow_files: *allow_files,
            };
            import(file, feeds_file, &config.feeds, &options)
        }
        Command::Export => {
            print!("{}", subscriptions::export_opml(feeds));
            Ok(ExitCode::SUCCESS)
        }
        Command::Add {
            url,
            name,
            tags,
            yes,
        } => {
            let request = AddRequest {
                url: url.clone(),
                name: name.clone(),
                tags: tags.clone(),
                first: *yes,
            };
            add(&request, feeds_file, config)
        }
        Command::Remove { feed } => {
            let feeds_file = needs_feeds_file(feeds_file)?;
            let removed = manage::remove(feed, feeds_file, &config.feeds).map_err(bad_input)?;
            println!("Removed {}", clean_line(&removed.url));
            Ok(ExitCode::SUCCESS)
        }
        Command::Feeds => {
            let data_dir = store::data_dir(cli.data_dir.as_deref());
            let store = data_dir.as_deref().map(Store::open).transpose();
            let store = store.map_err(bad_input)?;
            for line in manage::feed_lines(feeds, store.as_ref()) {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Config { .. } => {
            let config = cli.config.clone().or_else(user_config_path);
            let shown = |p: Option<&Path>| p.map_or("(none)".into(), |p| p.display().to_string());
            println!("config: {}", clean_line(&shown(config.as_deref())));
            println!("feeds: {}", clean_line(&shown(feeds_file)));
            Ok(ExitCode::SUCCESS)
        }
        // Answered before the subscriptions were read.
        Command::Completions { .. } | Command::Man | Command::Read { .. } => Ok(ExitCode::SUCCESS),
    }
}

/// The subcommands about subscriptions with [sync] on, where they are the server's: `feeds` and
/// `export` show them as the last sync left them; the others ask the server. None for the rest.
fn sync_subcommand(
    command: &Command,
    cli: &Cli,
    config: &Config,
    settings: &gazette::sync::settings::SyncSettings,
) -> Option<Result<ExitCode, Failure>> {
    let asked = match command {
        Command::Import { file, .. } => sync::import_opml(settings, config, file),
        Command::Add { url, tags, .. } => {
            let tag = tags.first().map(String::as_str);
            (sync::add_feed(settings, config, url, tag))
                .map(|feed| format!("Added {} on {}", feed.url, settings.server()))
        }
        Command::Remove { feed } => (sync::remove_feed(settings, config, feed))
            .map(|feed| format!("Removed {} from {}", feed.url, settings.server())),
        Command::Export | Command::Feeds => return Some(show_synced(command, cli, settings)),
        _ => return None,
    };
    Some(match asked {
        Ok(said) => {
            println!("{}", clean_line(&said));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(Failure(e, 1)),
    })
}

/// `gazette feeds` and `export` with [sync] on: the server's subscriptions as last synced.
fn show_synced(
    command: &Command,
    cli: &Cli,
    settings: &gazette::sync::settings::SyncSettings,
) -> Result<ExitCode, Failure> {
    let data_dir = store::data_dir(cli.data_dir.as_deref());
    let store = data_dir.as_deref().map(Store::open).transpose();
    let store = store.map_err(bad_input)?;
    let feeds = match &store {
        Some(store) => sync::stored_subscriptions(store, settings).map_err(bad_input)?,
        None => Vec::new(),
    };
    if matches!(command, Command::Export) {
        print!("{}", subscriptions::export_opml(&feeds));
    } else {
        for line in manage::feed_lines(&feeds, store.as_ref()) {
            println!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The subcommands that describe gazette rather than run it (and so work whatever the config
/// holds): the default config, completions, the man page.
fn describe(cli: &Cli) -> Result<Option<ExitCode>, Failure> {
    match &cli.command {
        Some(Command::Config { default: true }) => {
            print!("{}", gazette::config::DEFAULT_CONFIG);
        }
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            clap_complete::generate(*shell, &mut command, "gazette", &mut std::io::stdout());
        }
        Some(Command::Man) => {
            let page = clap_mangen::Man::new(Cli::command());
            page.render(&mut std::io::stdout())
                .map_err(|e| Failure(e.to_string(), 1))?;
        }
        _ => return Ok(None),
    }
    Ok(Some(ExitCode::SUCCESS))
}

/// `--list`: the headlines, with feed files read whole and feeds fetched (and stored) now unless
/// offline, newest first.
fn list(
    mut library: Library,
    config: &Config,
    options: &Cli,
    store: Option<Store>,
    mut marks: Marks,
) -> Result<ExitCode, Failure> {
    // Feed files were read only as far as their first entries: read them whole.
    read_feed_files(&mut library).map_err(bad_input)?;
    // With [sync] on, the stories came from the server (synced above), not from each feed.
    let synced = config.sync.is_some() && options.paths.is_empty();
    if !options.offline && !synced {
        let mut store = store;
        marks.extend(fetch_now(&mut library, config, store.as_mut()));
    }
    note_empty_feeds(&mut library);
    drop_hidden(&mut library, config, &marks);
    for note in &library.notes {
        eprintln!("gazette: {}", clean_line(note));
    }
    if library.stories.is_empty() {
        // Nothing to list (every source failed or was empty): the notes said why.
        return Ok(ExitCode::from(1));
    }
    newest_first(&mut library);
    print_list(&library, options.format, &marks).map_err(|e| Failure(e.to_string(), 1))?;
    Ok(ExitCode::SUCCESS)
}

/// feeds.toml's place, or the error that says there is none.
fn needs_feeds_file(feeds_file: Option<&Path>) -> Result<&Path, Failure> {
    feeds_file.ok_or_else(|| {
        bad_input("no config directory: pass --config PATH to say where feeds.toml goes")
    })
}

/// `gazette add`: subscribes, or lists the feeds found when there are several (exit 1).
fn add(
    request: &AddRequest,
    feeds_file: Option<&Path>,
    config: &Config,
) -> Result<ExitCode, Failure> {
    let feeds_file = needs_feeds_file(feeds_file)?;
    let options = config.fetch.options();
    let added = manage::add(request, feeds_file, &config.feeds, &options).map_err(bad_input)?;
    let shown = |found: &gazette::discover::Found| match &found.title {
        Some(title) => format!("{} ({title})", found.url),
        None => found.url.clone(),
    };
    match added {
        Added::Added(found) => println!("Added {}", clean_line(&shown(&found))),
        Added::Already(found) => println!("Already subscribed: {}", clean_line(&shown(&found))),
        Added::Several(found) => {
            println!(
                "The page names {} feeds; add one by its URL (or --yes for the first):",
                found.len()
            );
            for feed in &found {
                println!("  {}", clean_line(&shown(feed)));
            }
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `gazette read`: the article on stdout; any failure is one line and exit 2.
fn read(target: &str, width: Option<u16>, config: &Config) -> Result<ExitCode, Failure> {
    let article = gazette::read::load(target, &config.fetch.options()).map_err(bad_input)?;
    let terminal =
        std::io::stdout().is_terminal() && std::env::var("TERM").is_ok_and(|t| t != "dumb");
    let width = width.or_else(|| {
        terminal
            .then(|| ratatui::crossterm::terminal::size().ok())
            .flatten()
            .map(|(w, _)| w)
    });
    let output = gazette::read::Output {
        width,
        styled: terminal,
    };
    let text = gazette::read::render(&article, output);
    // A reader that stops early (`| head`) is not a failure.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn import(
    file: &Path,
    feeds_file: Option<&Path>,
    config_feeds: &[Subscription],
    options: &subscriptions::ImportOptions,
) -> Result<ExitCode, Failure> {
    let feeds_file = feeds_file.ok_or_else(|| {
        bad_input("no config directory: pass --config PATH to say where feeds.toml goes")
    })?;
    let report =
        subscriptions::import_with(file, feeds_file, config_feeds, options).map_err(bad_input)?;
    println!("{}", clean_line(&report));
    Ok(ExitCode::SUCCESS)
}

fn fail(message: &str, code: u8) -> ExitCode {
    // Messages quote paths and file names: clean them like any untrusted text, and keep them to
    // one line of reasonable length (the start, which names the file, is kept).
    eprintln!("gazette: {}", gazette::sanitize::error_line(message));
    ExitCode::from(code)
}
