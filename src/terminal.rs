//! The terminal side: entering and restoring the screen on every exit path, and the event loop that
//! turns terminal events and signals into actions and redraws after each.

use std::io::{stdout, Stdout};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use anyhow::{Context, Result};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;

use crate::action::{Action, Effect};
use crate::app::App;
use crate::keymap::InputMode;

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
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

fn enter() -> Result<Terminal<CrosstermBackend<Stdout>>> {
    enable_raw_mode().context("cannot put the terminal in raw mode")?;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)
        .context("cannot set up the terminal")?;
    Terminal::new(CrosstermBackend::new(stdout())).context("cannot start drawing")
}

/// Runs the reader until the user quits or a signal arrives. The terminal is restored on return,
/// on error and on panic.
pub fn run(mut app: App) -> Result<Exit> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous_hook(info);
    }));
    let _restore = Restore;
    let mut terminal = enter()?;

    let (tx, rx) = mpsc::channel();
    spawn_input_reader(tx.clone());
    spawn_signal_listener(tx)?;

    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    let mut redraw = true;
    loop {
        if redraw {
            terminal.draw(|frame| crate::ui::render(frame, &app))?;
        }
        match handle_pending(&mut app, &rx)? {
            Handled::Exit(exit) => return Ok(exit),
            Handled::Changed => redraw = true,
            // Events that map to no action (mouse motion, key releases) cost no frame.
            Handled::Nothing => redraw = false,
        }
    }
}

/// What a batch of messages did.
enum Handled {
    /// Leave the loop.
    Exit(Exit),
    /// At least one action was applied: redraw.
    Changed,
    /// Nothing to do.
    Nothing,
}

/// Blocks for the next message, then takes every message already queued before the next redraw
/// (a burst of keys or resizes costs one frame, not one each).
fn handle_pending(app: &mut App, rx: &Receiver<Message>) -> Result<Handled> {
    let mut next = Some(rx.recv().context("terminal input stopped")?);
    let mut handled = Handled::Nothing;
    while let Some(message) = next {
        match message {
            Message::Signal(n) => return Ok(Handled::Exit(Exit::Signal(n))),
            Message::InputError(e) => anyhow::bail!("cannot read the terminal: {e}"),
            Message::Input(event) => {
                if let Some(action) = action_for_event(app, &event) {
                    if app.update(action) == Some(Effect::Quit) {
                        return Ok(Handled::Exit(Exit::Quit));
                    }
                    handled = Handled::Changed;
                }
            }
        }
        next = rx.try_recv().ok();
    }
    Ok(handled)
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
