//! What the reader remembers of its screen between runs (the feeds pane shown or not, and its
//! width): `ui.toml` in the data directory, read at start, written atomically when it changes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The screen state kept between runs. `None`: never changed by the user (the config decides).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct UiState {
    /// The feeds pane shown (true) or hidden (false) by the user's toggle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeds_visible: Option<bool>,
    /// The feeds pane's width in columns, as the user set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeds_width: Option<u16>,
}

/// The state file in `data_dir`.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("ui.toml")
}

/// Reads the state kept in `data_dir`; anything missing or unreadable is the default (it is a
/// convenience, never a reason not to start).
pub fn load(data_dir: &Path) -> UiState {
    std::fs::read_to_string(path(data_dir))
        .ok()
        .and_then(|text| toml::from_str(&text).ok())
        .unwrap_or_default()
}

/// Writes the state to `data_dir` atomically.
pub fn save(data_dir: &Path, state: &UiState) -> anyhow::Result<()> {
    let text = format!(
        "# gazette's screen state, rewritten as it changes.\n{}",
        toml::to_string(state)?
    );
    crate::subscriptions::write_atomically(&path(data_dir), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_state_comes_back_and_a_bad_file_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), UiState::default());
        let state = UiState {
            feeds_visible: Some(true),
            feeds_width: Some(31),
        };
        save(dir.path(), &state).unwrap();
        assert_eq!(load(dir.path()), state);
        std::fs::write(path(dir.path()), "feeds_visible = 3").unwrap();
        assert_eq!(load(dir.path()), UiState::default());
    }
}
