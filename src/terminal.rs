//! The terminal side: entering and restoring the screen on every exit path, and the event loop that
//! turns terminal events and signals into actions, hands the effects to the runtime and redraws.

use std::io::{stdout, BufWriter, Stdout};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
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
use crate::keymap::InputMode;
use crate::runtime::{Message, Runtime};
use crate::store::Store;

/// How the event loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal (SIGTERM, SIGHUP, SIGINT) asked us to stop; carries its number.
    Signal(i32),
}

/// How the reader ended, and what it could not save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    /// Why it ended.
    pub exit: Exit,
    /// How many stories' marks could not be saved, even at the last try.
    pub lost_marks: usize,
    /// Why the store could not be written, when it could not.
    pub store_problem: Option<String>,
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

/// The terminal and the switch of the thread that reads its input.
struct Tty {
    screen: Screen,
    input: Arc<InputPause>,
}

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
/// on error and on panic; the marks not yet saved are saved once, on the way out.
///
/// `store` is the store opened in `data_dir` (if any), kept for reading story texts. The app's
/// `more_stored` says it holds only the newest stored stories of each source: the rest follows.
pub fn run(
    mut app: App,
    store: Option<(Store, &std::path::Path)>,
    sync: Option<crate::runtime::sync::SyncSetup>,
) -> Result<Ending> {
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
    let terminal = enter()?;
    let (tx, rx) = mpsc::channel();
    let input = Arc::new(InputPause::default());
    // The first poll sets up crossterm's event source, and with it the SIGWINCH handler. Done
    // here, before the size is read for the first frame, a resize is either in that size or an
    // event; from the input thread's first poll, a resize in between was lost (a pty test saw it).
    event::poll(std::time::Duration::ZERO).context("cannot read the terminal's events")?;
    spawn_input_reader(tx.clone(), input.clone());
    spawn_signal_listener(tx.clone(), input.clone())?;
    let mut runtime = Runtime::new(&app, store, tx.clone()).with_sync(sync);
    let mut tty = Tty {
        screen: terminal,
        input,
    };
    let exit = start(&mut app, &mut tty, &mut runtime, &tx)
        .and_then(|()| event_loop(app, &mut tty, &mut runtime, &rx, &tx));
    runtime.finish();
    // The store's answers to the last writes are in: marks that failed then are lost.
    let (lost_marks, store_problem) = failed_marks(&rx);
    exit.map(|exit| Ending {
        exit,
        lost_marks,
        store_problem,
    })
}

/// The marks (by story) that the queued messages say could not be saved, and the last reason.
fn failed_marks(rx: &Receiver<Message>) -> (usize, Option<String>) {
    let mut keys = std::collections::HashSet::new();
    let mut problem = None;
    for message in rx.try_iter() {
        if let Message::App(Action::StoreFailed(reason, marks)) = message {
            keys.extend(marks.into_iter().map(|(key, ..)| key));
            problem = Some(reason);
        }
    }
    (keys.len(), problem)
}

/// Lays the app out for the terminal's size, then queues the start (fetches, the rest of the
/// store), whose services wait until the first frame is out. The size is applied here, not sent:
/// a resize after the input thread started is an event already queued, and must come after it.
fn start(
    app: &mut App,
    terminal: &mut Tty,
    runtime: &mut Runtime,
    tx: &Sender<Message>,
) -> Result<()> {
    let size = terminal.screen.size()?;
    for effect in app.update(Action::Resize(size.width, size.height)) {
        carry_out(effect, terminal, runtime, tx)?;
    }
    let _ = tx.send(Message::App(Action::Start));
    Ok(())
}

/// How many rounds of answers given at once (a story's text) one frame waits for.
const ROUNDS_PER_FRAME: usize = 8;

/// Blocks for messages, applies them, carries out their effects and draws, until an exit.
fn event_loop(
    mut app: App,
    terminal: &mut Tty,
    runtime: &mut Runtime,
    rx: &Receiver<Message>,
    tx: &Sender<Message>,
) -> Result<Exit> {
    loop {
        let mut messages = next_messages(rx)?;
        let mut redraw = false;
        for _ in 0..ROUNDS_PER_FRAME {
            for message in messages {
                // Each event is translated against the state the ones before it left (a `/` in
                // the same burst as the letters after it starts the filter they type into).
                let action = match message {
                    Message::Signal(n) => {
                        // Stopping is quitting: the same last effects (a retry of unsaved marks).
                        for effect in app.update(Action::Interrupt) {
                            carry_out(effect, terminal, runtime, tx)?;
                        }
                        return Ok(Exit::Signal(n));
                    }
                    Message::InputError(e) => anyhow::bail!("cannot read the terminal: {e}"),
                    Message::Input(event) => action_for_event(&app, &event),
                    Message::App(action) => Some(action),
                };
                // Events that map to no action (mouse motion, key releases) cost no frame.
                let Some(action) = action else { continue };
                let effects = app.update(action);
                redraw |= effects.changes_screen();
                // Every effect is carried out, even after a quit (a mark saved with it).
                let mut exit = None;
                for effect in effects {
                    exit = exit.or(carry_out(effect, terminal, runtime, tx)?);
                }
                if let Some(exit) = exit {
                    return Ok(exit);
                }
            }
            // What the effects answered at once (a text read from the store) is queued already:
            // it goes into this frame, so the screen never shows "Loading" for a text it has.
            messages = rx.try_iter().collect();
            if messages.is_empty() {
                break;
            }
        }
        if redraw {
            terminal
                .screen
                .draw(|frame| crate::ui::render(frame, &app))?;
        }
        // Debug builds only: lets the end-to-end tests check that a panic restores the terminal.
        #[cfg(debug_assertions)]
        if std::env::var_os("GAZETTE_TEST_PANIC").is_some() {
            panic!("GAZETTE_TEST_PANIC is set");
        }
        runtime.after_frame()?;
    }
}

/// Carries out one effect: the terminal's own here, the rest by the runtime. Returns how to
/// leave, for a quit.
fn carry_out(
    effect: Effect,
    terminal: &mut Tty,
    runtime: &mut Runtime,
    tx: &Sender<Message>,
) -> Result<Option<Exit>> {
    match effect {
        Effect::Quit => return Ok(Some(Exit::Quit)),
        // Ctrl-C ends gazette as SIGINT would: status 130.
        Effect::Interrupt => return Ok(Some(Exit::Signal(SIGINT))),
        Effect::Redraw => fresh_screen(&mut terminal.screen)?,
        Effect::Suspend => suspend(&mut terminal.screen)?,
        Effect::Open(url) => {
            let env = std::env::var("BROWSER").ok();
            match crate::links::launches(&url, &runtime.config().browser, env.as_deref()) {
                // A terminal browser needs the terminal: this loop's to give.
                Ok(launches) if launches.iter().any(|l| l.terminal) => {
                    if let Err(e) = open_in_terminal(&launches, terminal) {
                        let notice = Action::Notify(format!("Could not open the link: {e:#}"));
                        let _ = tx.send(Message::App(notice));
                    }
                }
                _ => runtime.perform(Effect::Open(url)),
            }
        }
        Effect::Copy(text) => {
            use ratatui::crossterm::clipboard::CopyToClipboard;
            if let Err(e) = execute!(stdout(), CopyToClipboard::to_clipboard_from(text)) {
                let notice = Action::Notify(format!("Could not copy: {e}"));
                let _ = tx.send(Message::App(notice));
            }
        }
        other => runtime.perform(other),
    }
    Ok(None)
}

/// SIGINT's number, for an exit status of 128 + 2.
const SIGINT: i32 = 2;

/// Opens a link with the first of `launches` that runs: a terminal browser in the foreground
/// (see [`run_in_foreground`]), another started apart.
fn open_in_terminal(launches: &[crate::links::Launch], terminal: &mut Tty) -> Result<()> {
    let mut last_error = None;
    for launch in launches {
        let ran = if launch.terminal {
            run_in_foreground(&launch.argv, terminal)
        } else {
            crate::links::spawn_detached(&launch.argv)
        };
        match ran {
            Ok(()) => return Ok(()),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| anyhow::anyhow!("no browser to run")))
}

/// Runs a terminal program with the terminal and waits for it: the input thread stops reading
/// (it would take the program's keys), the screen and modes are given back as they were before
/// gazette, then taken again and redrawn whole. Fails only when the program cannot be started.
fn run_in_foreground(argv: &[String], terminal: &mut Tty) -> Result<()> {
    use std::io::IsTerminal;
    let (program, args) = argv.split_first().context("no program to run")?;
    let mut command = std::process::Command::new(program);
    command.args(args);
    if !std::io::stdin().is_terminal() {
        // gazette read its news from a pipe; the browser's keys come from the terminal.
        if let Ok(tty) = std::fs::File::open("/dev/tty") {
            command.stdin(tty);
        }
    }
    terminal.input.pause();
    restore();
    let status = command.status();
    let taken_back = take_back(&mut terminal.screen);
    terminal.input.resume();
    taken_back?;
    status
        .map(drop)
        .map_err(|e| anyhow::anyhow!("cannot run {program}: {e}"))
}

/// Takes the terminal again after another program had it: raw mode, the alternate screen, the
/// mouse and bracketed paste, and a screen to be drawn whole.
fn take_back(terminal: &mut Screen) -> Result<()> {
    enable_raw_mode()?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    fresh_screen(terminal)
}

/// Gives the terminal back, stops as the shell's Ctrl-Z would, and takes it again on `fg`.
fn suspend(terminal: &mut Screen) -> Result<()> {
    restore();
    // Execution resumes here on `fg`.
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    take_back(terminal)
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

/// Translates a terminal event into an action: keys through the keymap, mouse and resizes here.
pub fn action_for_event(app: &App, event: &Event) -> Option<Action> {
    match *event {
        Event::Key(key) => {
            let mode = if app.links.is_some() {
                InputMode::Pick
            } else if app.filtering || app.prompt.is_some() {
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

/// How long the input thread waits for input before it looks whether it is asked to pause: the
/// longest a terminal browser waits to be started.
const INPUT_POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// The input thread's switch: while another program has the terminal, the thread reads nothing
/// (every byte it read would be a key taken from that program).
#[derive(Default)]
struct InputPause {
    state: Mutex<PauseState>,
    changed: Condvar,
}

#[derive(Default)]
struct PauseState {
    /// Asked to pause.
    paused: bool,
    /// The thread is parked, reading nothing.
    parked: bool,
}

impl InputPause {
    /// Stops the input thread, and returns once it reads nothing more.
    fn pause(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.paused = true;
        self.changed.notify_all();
        // The thread parks within one poll; a thread that has ended never will.
        let limit = 2 * INPUT_POLL + std::time::Duration::from_millis(100);
        let _parked = self
            .changed
            .wait_timeout_while(state, limit, |s| !s.parked)
            .map(|(state, _)| state);
    }

    /// Lets the input thread read again.
    fn resume(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.paused = false;
        self.changed.notify_all();
    }

    /// True while another program has the terminal.
    fn is_paused(&self) -> bool {
        self.state.lock().is_ok_and(|s| s.paused)
    }

    /// On the input thread: parks while a pause is asked for.
    fn park_while_paused(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !state.paused {
            return;
        }
        state.parked = true;
        self.changed.notify_all();
        while state.paused {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.parked = false;
    }
}

/// Reads terminal events and sends them on; between polls, parks while a terminal program runs.
fn spawn_input_reader(tx: Sender<Message>, pause: Arc<InputPause>) {
    thread::spawn(move || loop {
        pause.park_while_paused();
        let message = match event::poll(INPUT_POLL) {
            Ok(false) => continue,
            Ok(true) => match event::read() {
                Ok(event) => Message::Input(event),
                Err(e) => Message::InputError(e.to_string()),
            },
            Err(e) => Message::InputError(e.to_string()),
        };
        let failed = matches!(message, Message::InputError(_));
        if tx.send(message).is_err() || failed {
            return;
        }
    });
}

/// Sends the first stopping signal on. A Ctrl-C typed in a terminal browser reaches gazette too
/// (one process group): it was the browser's, and is let pass.
fn spawn_signal_listener(tx: Sender<Message>, pause: Arc<InputPause>) -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])
        .context("cannot listen for signals")?;
    thread::spawn(move || {
        let stopping = signals
            .forever()
            .find(|&signal| !(signal == SIGINT && pause.is_paused()));
        if let Some(signal) = stopping {
            let _ = tx.send(Message::Signal(signal));
        }
    });
    Ok(())
}
