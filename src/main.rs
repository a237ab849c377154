//! gazette's command line: arguments, config, then either the headline list or the reader.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use gazette::app::App;
use gazette::config::Config;
use gazette::sanitize::clean_line;
use gazette::source::Library;
use gazette::terminal::{self, Exit};
use gazette::ui::theme::Theme;

/// A terminal news reader: headlines on the left, the story on the right, an instant filter.
///
/// With no PATH, opens the bundled edition.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Inside gazette, press ? for the keys. Config: see assets/config.toml in the source, or README."
)]
struct Cli {
    /// News documents, or directories of them; each file is an edition.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Print the headlines to stdout, one per line, and exit (the default when stdout is not a terminal).
    #[arg(long)]
    list: bool,
    /// Read this config file instead of $XDG_CONFIG_HOME/gazette/config.toml.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => return fail(&e.to_string(), 2),
    };
    let library = if cli.paths.is_empty() {
        Library::bundled()
    } else {
        match Library::load(&cli.paths) {
            Ok(library) => library,
            Err(e) => return fail(&format!("{e:#}"), 1),
        }
    };

    if cli.list || !std::io::stdout().is_terminal() {
        for note in &library.notes {
            eprintln!("gazette: {}", clean_line(note));
        }
        return print_list(&library);
    }

    let mut app = App::new(library, config);
    app.theme = Theme::from_env(&app.config.colors);
    match terminal::run(app) {
        Ok(Exit::Quit) => ExitCode::SUCCESS,
        Ok(Exit::Signal(n)) => ExitCode::from(128u8.saturating_add(n as u8)),
        Err(e) => fail(&format!("{e:#}"), 1),
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
