//! The view drawn into ratatui's `TestBackend` and read back: shared by the render tests.

use gazette::action::Action;
use gazette::app::App;
use gazette::config::Config;
use gazette::source::Library;
use gazette::ui;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

/// `app` drawn at `width` x `height`.
pub fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::render(frame, app)).unwrap();
    terminal.backend().buffer().clone()
}

/// An app over `library`, laid out at `width` x `height`.
pub fn app_at(library: Library, width: u16, height: u16) -> App {
    let mut app = App::new(library, Config::defaults());
    app.update(Action::Resize(width, height));
    app
}

/// Columns `from..to` of a screen row as the terminal would show them: a wide character's hidden
/// second cell is skipped.
pub fn cells(buffer: &Buffer, y: u16, from: u16, to: u16) -> String {
    let mut text = String::new();
    let mut skip = 0;
    for x in from..to {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let symbol = buffer[(x, y)].symbol();
        skip = symbol.width().saturating_sub(1);
        text.push_str(symbol);
    }
    text
}

/// Screen row `y`, as the terminal would show it.
pub fn row(buffer: &Buffer, y: u16) -> String {
    cells(buffer, y, 0, buffer.area.width)
}

/// Every screen row.
pub fn screen(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height).map(|y| row(buffer, y)).collect()
}

/// The text between the list's borders on a row.
pub fn list_row(buffer: &Buffer, y: u16, list_width: u16) -> String {
    cells(buffer, y, 1, list_width - 1)
}
