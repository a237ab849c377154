//! `gazette read URL|FILE`: one page's article on stdout, through reader mode's extraction.
//!
//! The page is fetched with `crate::fetch::fetch_page` (the feeds' agent and limits) or read from
//! the local file the user named, extracted with `crate::article`, and laid out exactly as the
//! story pane lays out a story (`crate::reader::layout_story`).

use std::io::Read;
use std::path::Path;

use crate::article::{extract_bytes, extract_page, Article};
use crate::fetch::{agent, fetch_page, FetchOptions};
use crate::reader::{layout_story, LineKind};

/// How `gazette read` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Output {
    /// Wrap lines at this many columns; `None`: one line per paragraph.
    pub width: Option<u16>,
    /// Bold title and headings, dim notes (for a terminal); plain text otherwise.
    pub styled: bool,
}

/// Fetches (http and https URLs) or reads (anything else, a local path) `target` and extracts its
/// article. The error is one line naming the target: "https://x/a: HTTP 404 Not Found".
pub fn load(target: &str, options: &FetchOptions) -> Result<Article, String> {
    let lower = target.to_ascii_lowercase();
    let article = if lower.starts_with("http://") || lower.starts_with("https://") {
        fetch_page(&agent(options), options, target).and_then(|page| extract_page(&page))
    } else {
        read_file(Path::new(target), options.max_bytes)
    };
    article.map_err(|why| format!("{target}: {why}"))
}

/// A local page, at most `max_bytes` (the fetch cap), its links resolved against its `file:` URL.
fn read_file(path: &Path, max_bytes: u64) -> Result<Article, String> {
    let file = std::fs::File::open(path).map_err(|e| io_text(&e))?;
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_text(&e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!("larger than {max_bytes} bytes"));
    }
    let url = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| url::Url::from_file_path(p).ok())
        .map_or_else(|| path.display().to_string(), String::from);
    extract_bytes(&bytes, None, &url)
}

fn io_text(error: &std::io::Error) -> String {
    let text = error.to_string();
    text.split(" (os error ")
        .next()
        .unwrap_or(&text)
        .to_string()
}

/// The article as `gazette read` prints it: title, byline, date and address, the text, then the
/// numbered references, as the story pane shows them; every line ends with a newline.
pub fn render(article: &Article, output: Output) -> String {
    let story = article.to_story(0);
    let mut meta: Vec<String> = article.byline.iter().cloned().collect();
    meta.extend(article.published.map(crate::dates::long));
    meta.push(article.url.clone());
    let width = output.width.unwrap_or(u16::MAX);
    let mut out = String::new();
    for line in layout_story(&story, &meta, width) {
        let style = match line.kind {
            _ if !output.styled => None,
            LineKind::Title | LineKind::Heading => Some("\x1b[1m"),
            LineKind::Meta | LineKind::Reference | LineKind::Note => Some("\x1b[2m"),
            _ => None,
        };
        let text = format!("{}{}", line.prefix, line.text);
        match style {
            Some(sgr) if !text.is_empty() => out.push_str(&format!("{sgr}{text}\x1b[0m")),
            _ => out.push_str(text.trim_end()),
        }
        out.push('\n');
    }
    out
}
