//! Opening links: only http(s), never through a shell, nothing printed over the screen.

use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::source::is_http_url;

/// Opens `url` in the user's browser: `$BROWSER` if set (run directly, the URL as its one
/// argument), else the platform's opener. Refuses anything but http and https, so a link in a
/// feed cannot start a program or open a local file.
pub fn open(url: &str) -> Result<()> {
    if !is_http_url(url) || url.chars().any(char::is_control) {
        bail!("only http and https links are opened");
    }
    match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        Some(browser) => {
            // $BROWSER may name a program with arguments ("firefox --new-tab"); split on
            // whitespace, never through a shell.
            let mut words = browser.split_whitespace();
            let program = words.next().unwrap_or_default();
            Command::new(program)
                .args(words)
                .arg(url)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .with_context(|| format!("cannot run {program}"))?;
            Ok(())
        }
        None => open::that_detached(url).context("no browser found (set $BROWSER)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_opened() {
        for url in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://x",
            "",
            "https://x\u{1b}[2J",
        ] {
            assert!(open(url).is_err(), "{url}");
        }
    }
}
