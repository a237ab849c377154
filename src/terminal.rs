//! The terminal side: entering and restoring the screen on every exit path, and the event loop that
//! turns terminal events and signals into actions and redraws after each.

use std::io::{stdout, BufWriter, Stdout};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use anyhow::{Context, Result};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;

use crate::action::{Action, Effect};
use crate::app::App;
use crate::feed::FeedUpdate;
use crate::keymap::InputMode;
use crate::news::Story;
use crate::store::{key_hash, Store, StoreWriter, Write};
use crate::workers::{self, SearchRequest, Workers};

/// How the event loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal (SIGTERM, SIGHUP, SIGINT) asked us to stop; carries its number.
    Signal(i32),
}

/// What reaches the event loop: everything arrives as a message on one channel, so the loop can
/// block until something happens and background work never touches the state directly.
#[derive(Debug)]
pub enum Message {
    /// A terminal event (key, mouse, resize).
    Input(Event),
    /// Reading terminal input failed.
    InputError(String),
    /// A termination signal.
    Signal(i32),
    /// A feed was fetched and parsed (`true`: part of a feed file, more to come).
    Feed(Box<FeedUpdate>, bool),
    /// The store committed a batch of stories (a story waiting for its text may have it now).
    Stored,
    /// Every stored story, per source (the reader started with the newest of each).
    Restored(Vec<Vec<crate::store::StoredStory>>),
    /// Time for an automatic refresh.
    Tick,
    /// A write to the store failed.
    StoreError(String),
    /// The full-text index answered search number `.0`.
    TextResults(u64, Vec<u32>),
}

/// Restores the terminal when dropped, so every return path (including `?`) leaves it as it was.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back: mouse off, main screen, cursor shown, cooked mode. Safe to call twice.
pub fn restore() {
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// The terminal as gazette draws on it.
type Screen = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Frames go out in one write: unbuffered, every escape sequence of a frame was a write of its
/// own (a frame of the 200x50 reader is some 10 KB), and ratatui flushes after each frame.
fn backend() -> CrosstermBackend<BufWriter<Stdout>> {
    CrosstermBackend::new(BufWriter::with_capacity(1 << 16, stdout()))
}

fn enter() -> Result<Screen> {
    enable_raw_mode().context("cannot put the terminal in raw mode")?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
    .context("cannot set up the terminal")?;
    Terminal::new(backend()).context("cannot start drawing")
}

/// Runs the reader until the user quits or a signal arrives. The terminal is restored on return,
/// on error and on panic. Feeds are fetched on worker threads whose results arrive as messages.
///
/// `store` is the store opened in `data_dir` (if any); this thread goes on reading story texts
/// from it. With `restore_rest`, the app holds only the newest stored stories of each source
/// (enough for the first screen): the rest is loaded from the store on another thread and arrives
/// as a message.
pub fn run(
    mut app: App,
    store: Option<(Store, &std::path::Path)>,
    restore_rest: bool,
) -> Result<Exit> {
    let previous_hook = std::panic::take_hook();
    let ui_thread = thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        // Only a panic on the UI thread ends the program. Workers catch theirs (feed-rs panics on
        // some malformed feeds) and report them as that feed's error; printing over the screen or
        // restoring the terminal for them would wreck a reader that is still running.
        if thread::current().id() == ui_thread {
            restore();
            previous_hook(info);
        }
    }));
    let _restore = Restore;
    let mut terminal = enter()?;

    let (tx, rx) = mpsc::channel();
    spawn_input_reader(tx.clone());
    spawn_signal_listener(tx.clone())?;
    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    // The first screen goes out now: opening the store's other connections (the writer's, the
    // search thread's) takes some milliseconds, and keys typed meanwhile wait in the channel.
    terminal.draw(|frame| crate::ui::render(frame, &app))?;

    spawn_auto_refresh(tx.clone(), app.config.fetch.auto_refresh_minutes);
    let (texts, data_dir) = store.unzip();
    let store = match data_dir {
        Some(dir) => {
            let errors = tx.clone();
            let report = move |e: String| {
                let _ = errors.send(Message::StoreError(e));
            };
            Some(StoreWriter::spawn(dir, report)?)
        }
        None => None,
    };
    if let Some(store) = &store {
        // Editions are stored too: their stories join the full-text index and carry marks.
        for source in (0..app.editions.len()).filter(|&i| !app.editions[i].is_feed()) {
            let stories: Vec<Story> = app
                .stories
                .iter()
                .filter(|s| s.edition == source)
                .cloned()
                .collect();
            let retention = workers::retention(&app.config);
            store.send(workers::save(
                app.editions[source].source_key(),
                stories,
                workers::now(),
                retention,
            ));
        }
    }
    let searcher = match data_dir {
        Some(dir) => Some(workers::spawn_searcher(dir, tx.clone())?),
        None => None,
    };
    if let Some(dir) = data_dir.filter(|_| restore_rest) {
        let sources = app.editions.iter().map(|e| e.source_key()).collect();
        workers::spawn_restorer(dir, sources, tx.clone());
    }
    // Opening a story reads its text from the store on this thread (`texts`): one indexed row,
    // well under a millisecond.
    let workers = Workers::new(&app, store.as_ref(), tx);
    // Every feed is fetched or read now, in the background, whatever the store had of it on
    // screen already; a feed file unchanged since it was last read is not read again.
    if app.editions.iter().any(|e| e.is_feed()) {
        let effect = app.update(Action::RefreshAll);
        carry_out(effect, &mut app, &mut terminal, &workers)?;
    }
    let mut redraw = true;
    loop {
        if redraw {
            if let Err(e) = terminal.draw(|frame| crate::ui::render(frame, &app)) {
                send_marks(&mut app, store.as_ref());
                return Err(e.into());
            }
            // Marks go to the store once the frame is out: written while it is drawn, they took
            // a core from it (a Down that marks a story read was half a millisecond slower).
            send_marks(&mut app, store.as_ref());
            // With the frame out, the story a Down would open next gets its text now, so the
            // next move does not wait for the store (a third of a millisecond).
            if let Some(action) = workers::prefetch_story_text(&app, texts.as_ref()) {
                app.update(action);
            }
        }
        // Debug builds only: lets the end-to-end tests check that a panic restores the terminal.
        #[cfg(debug_assertions)]
        if std::env::var_os("GAZETTE_TEST_PANIC").is_some() {
            panic!("GAZETTE_TEST_PANIC is set");
        }
        redraw = false;
        for message in next_messages(&rx)? {
            // Each event is translated against the state the ones before it left (a `/` in the
            // same burst as the letters after it starts the filter they type into).
            let action = match message {
                Message::Signal(n) => {
                    send_marks(&mut app, store.as_ref());
                    return Ok(finish(store, Exit::Signal(n)));
                }
                Message::StoreError(e) => Some(Action::Notify(format!("Store: {e}"))),
                Message::TextResults(generation, keys) => {
                    Some(Action::TextResults(generation, keys))
                }
                Message::InputError(e) => {
                    send_marks(&mut app, store.as_ref());
                    anyhow::bail!("cannot read the terminal: {e}")
                }
                Message::Input(event) => action_for_event(&app, &event),
                Message::Feed(update, false) => Some(Action::FeedUpdated(update)),
                Message::Feed(update, true) => Some(Action::FeedBatch(update)),
                Message::Stored => {
                    if let Some(searcher) = &searcher {
                        let _ = searcher.send(SearchRequest::CatchUp);
                    }
                    None
                }
                Message::Restored(lists) => Some(Action::Restored(Box::new(lists))),
                Message::Tick => Some(Action::RefreshAll),
            };
            // Events that map to no action (mouse motion, key releases) cost no frame.
            let Some(action) = action else {
                redraw |= load_story_text(&mut app, texts.as_ref());
                continue;
            };
            let effect = app.update(action);
            if let Some(searcher) = &searcher {
                let listed = app.take_listed_keys();
                if !listed.is_empty() {
                    let keys = listed
                        .into_iter()
                        .filter_map(|i| Some((u32::try_from(i).ok()?, key_hash(&app.keys[i]))))
                        .collect();
                    let _ = searcher.send(SearchRequest::Place(keys));
                }
                if let Some((generation, words)) = app.take_search_request() {
                    let _ = searcher.send(SearchRequest::Find(generation, words));
                }
            }
            if effect == Some(Effect::Quit) {
                send_marks(&mut app, store.as_ref());
                return Ok(finish(store, Exit::Quit));
            }
            if let Err(e) = carry_out(effect, &mut app, &mut terminal, &workers) {
                send_marks(&mut app, store.as_ref());
                return Err(e);
            }
            load_story_text(&mut app, texts.as_ref());
            redraw = true;
        }
    }
}

/// Gives the open story its text if it was waiting for it; true if it did.
fn load_story_text(app: &mut App, texts: Option<&Store>) -> bool {
    match workers::open_story_text(app, texts) {
        Some(action) => {
            app.update(action);
            true
        }
        None => false,
    }
}

/// Clears the screen and starts a new frame history, so the next draw paints everything. (Not
/// `Terminal::clear`, which asks the terminal where its cursor is: a question the input thread
/// would take the answer to, and that a test terminal never answers.)
fn fresh_screen(terminal: &mut Screen) -> Result<()> {
    execute!(
        stdout(),
        ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
    )?;
    *terminal = Terminal::new(backend())?;
    Ok(())
}

/// Waits for the store to commit what it was sent, then ends with `exit`.
/// Hands the marks the user changed to the store's writer.
fn send_marks(app: &mut App, store: Option<&StoreWriter>) {
    if let Some(store) = store {
        let marks = app.take_mark_changes();
        if !marks.is_empty() {
            store.send(Write::Marks(marks));
        }
    }
}

fn finish(store: Option<StoreWriter>, exit: Exit) -> Exit {
    if let Some(store) = store {
        store.close();
    }
    exit
}

/// Blocks for the next message, then takes every message already queued, so a burst of keys or
/// resizes costs one frame; of several resizes in a burst only the last is kept (each would re-wrap
/// the open story).
fn next_messages(rx: &Receiver<Message>) -> Result<Vec<Message>> {
    let first = rx.recv().context("terminal input stopped")?;
    let mut messages: Vec<Message> = std::iter::once(first).chain(rx.try_iter()).collect();
    let is_resize = |m: &Message| matches!(m, Message::Input(Event::Resize(..)));
    if let Some(last) = messages.iter().rposition(is_resize) {
        let mut index = 0;
        messages.retain(|m| {
            index += 1;
            index - 1 == last || !is_resize(m)
        });
    }
    Ok(messages)
}

/// Carries out an effect `update` asked for: the side effects live here, not in the state.
fn carry_out(
    effect: Option<Effect>,
    app: &mut App,
    terminal: &mut Screen,
    workers: &Workers,
) -> Result<()> {
    match effect {
        None | Some(Effect::Quit) => {}
        Some(Effect::Fetch(requests)) => workers.fetch(requests),
        Some(Effect::Open(url)) => {
            if let Err(e) = crate::links::open(&url) {
                app.update(Action::Notify(format!("Could not open the link: {e}")));
            }
        }
        Some(Effect::Copy(text)) => {
            use ratatui::crossterm::clipboard::CopyToClipboard;
            if let Err(e) = execute!(stdout(), CopyToClipboard::to_clipboard_from(text)) {
                app.update(Action::Notify(format!("Could not copy: {e}")));
            }
        }
        Some(Effect::Redraw) => fresh_screen(terminal)?,
        Some(Effect::Suspend) => {
            restore();
            // Stop as the shell's Ctrl-Z would; execution resumes here on `fg`.
            signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
            enable_raw_mode()?;
            execute!(
                stdout(),
                EnterAlternateScreen,
                EnableMouseCapture,
                EnableBracketedPaste
            )?;
            fresh_screen(terminal)?;
        }
    }
    Ok(())
}

/// Translates a terminal event into an action: keys through the keymap, mouse and resizes here.
pub fn action_for_event(app: &App, event: &Event) -> Option<Action> {
    match *event {
        Event::Key(key) => {
            let mode = if app.filtering {
                InputMode::Filter
            } else {
                InputMode::Browse
            };
            app.config.keymap.action_for(key, mode)
        }
        Event::Mouse(MouseEvent {
            kind, column, row, ..
        }) => match kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(column, row)),
            MouseEventKind::ScrollUp => Some(Action::Wheel(column, row, -1)),
            MouseEventKind::ScrollDown => Some(Action::Wheel(column, row, 1)),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Paste(ref text) => Some(Action::Paste(text.clone())),
        _ => None,
    }
}

fn spawn_input_reader(tx: Sender<Message>) {
    thread::spawn(move || loop {
        let message = match event::read() {
            Ok(event) => Message::Input(event),
            Err(e) => Message::InputError(e.to_string()),
        };
        let failed = matches!(message, Message::InputError(_));
        if tx.send(message).is_err() || failed {
            return;
        }
    });
}

fn spawn_auto_refresh(tx: Sender<Message>, minutes: u16) {
    if minutes == 0 {
        return;
    }
    thread::spawn(move || loop {
        thread::sleep(std::time::Duration::from_secs(u64::from(minutes) * 60));
        if tx.send(Message::Tick).is_err() {
            return;
        }
    });
}

fn spawn_signal_listener(tx: Sender<Message>) -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])
        .context("cannot listen for signals")?;
    thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = tx.send(Message::Signal(signal));
        }
    });
    Ok(())
}
