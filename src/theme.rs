//! Styles for the view, from the configured colours; `NO_COLOR` keeps only bold, reverse, underline.

use ratatui::style::{Modifier, Style};

use crate::config::Colors;

/// Every style the view uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Focused border and pane title.
    pub focused: Style,
    /// Unfocused border.
    pub border: Style,
    /// Story titles.
    pub title: Style,
    /// The selected headline row.
    pub selected: Style,
    /// Filter-matched characters.
    pub matched: Style,
    /// Secondary text.
    pub dim: Style,
    /// The full-text mark.
    pub full_text: Style,
    /// Status-bar messages and warnings.
    pub message: Style,
}

impl Theme {
    /// The theme for `colors`, or a colourless one when `no_color` (the `NO_COLOR` convention).
    pub fn new(colors: &Colors, no_color: bool) -> Theme {
        if no_color {
            return Theme {
                focused: Style::new().add_modifier(Modifier::BOLD),
                border: Style::new(),
                title: Style::new().add_modifier(Modifier::BOLD),
                selected: Style::new().add_modifier(Modifier::REVERSED),
                matched: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
                dim: Style::new(),
                full_text: Style::new().add_modifier(Modifier::BOLD),
                message: Style::new().add_modifier(Modifier::BOLD),
            };
        }
        Theme {
            focused: Style::new().fg(colors.accent),
            border: Style::new().fg(colors.dim),
            title: Style::new().fg(colors.accent).add_modifier(Modifier::BOLD),
            selected: Style::new().fg(colors.selected_fg).bg(colors.selected_bg),
            matched: Style::new().fg(colors.matched).add_modifier(Modifier::BOLD),
            dim: Style::new().fg(colors.dim),
            full_text: Style::new().fg(colors.full_text),
            message: Style::new().fg(colors.matched).add_modifier(Modifier::BOLD),
        }
    }

    /// The theme for `colors`, honouring `NO_COLOR` from the environment (set and non-empty).
    pub fn from_env(colors: &Colors) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(colors, no_color)
    }
}
