//! Errors in gazette's TOML files (config.toml, feeds.toml): one line naming the file, line,
//! column and setting, built from a byte span of the file's text.

use crate::sanitize::error_line;

/// A configuration problem, already formatted as one line naming the file, line and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl ConfigError {
    /// An error about the file as a whole (it cannot be read): `message` made one short line.
    pub fn new(message: &str) -> ConfigError {
        ConfigError(error_line(message))
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The one-line error "file:line:column: section.key: message" for byte range `span` of `text`,
/// the file called `name`. The key is `key` when given ("keys.quit"), else the one on the line the
/// span is on. serde's Rust type names become what to write instead. The line is cleaned like any
/// untrusted text (it quotes the file's name and values) and capped in length by
/// [`error_line`], keeping the file and position.
pub fn located(
    name: &str,
    text: &str,
    span: std::ops::Range<usize>,
    key: Option<&str>,
    message: &str,
) -> ConfigError {
    let before = &text[..floor_char_boundary(text, span.start)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let mut message = message.trim().replace('\n', " ");
    for (rust, said) in [
        ("expected u16", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list, like [\"k\"]"),
    ] {
        message = message.replace(rust, said);
    }
    let key = match key
        .map(str::to_string)
        .or_else(|| key_path(text, span.start))
    {
        Some(key) if !message.starts_with(&key) => format!("{}: ", cut(&key, MAX_KEY_CHARS)),
        _ => String::new(),
    };
    ConfigError(error_line(&format!(
        "{name}:{line}:{column}: {key}{message}"
    )))
}

/// The one-line error for a TOML parse error `error` in `text`, the file called `name`: at its
/// position when toml gives one, else (its recursion limit: a table name thousands of levels
/// deep) about the file as a whole.
pub fn from_toml(name: &str, text: &str, error: &toml::de::Error) -> ConfigError {
    match error.span() {
        Some(span) => located(name, text, span, None, error.message()),
        None => {
            let message = error.message().trim();
            let message = match message {
                "recursion limit" => {
                    "nested too deeply (tables or values thousands of levels deep)"
                }
                other => other,
            };
            ConfigError::new(&format!("{name}: {message}"))
        }
    }
}

/// The longest key an error names whole: a longer one (a table name 100,000 levels deep) is cut,
/// so that what is wrong with it still fits on the line.
const MAX_KEY_CHARS: usize = 60;

/// `text` cut to `max` characters, with "…" marking the cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The largest char boundary of `text` at or before `index`.
fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The dotted name ("layout.list_width") of the `key = value` line holding byte `offset`, or
/// the table's name for a `[table]` line; `None` elsewhere.
fn key_path(text: &str, offset: usize) -> Option<String> {
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?.trim();
    if line.starts_with('[') {
        return table_name(line);
    }
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || key.starts_with('#') {
        return None;
    }
    let section = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .and_then(table_name);
    Some(match section {
        Some(section) => format!("{section}.{key}"),
        None => key.to_string(),
    })
}

/// The name in a `[table]` or `[[array]]` header line, ignoring a trailing comment.
fn table_name(line: &str) -> Option<String> {
    let name = line.trim_start_matches('[');
    // An unclosed header ("[layout") is a syntax error worth naming the table for.
    let name = name[..name.find([']', '#']).unwrap_or(name.len())].trim();
    (!name.is_empty()).then(|| name.to_string())
}
