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
        Some(browsers) => {
            // $BROWSER is a list of commands separated by ':', tried in turn; each may carry
            // arguments ("firefox --new-tab"), split on whitespace, never through a shell.
            let mut last_error = None;
            for browser in browsers.split(':').filter(|b| !b.trim().is_empty()) {
                let mut words = browser.split_whitespace();
                let program = words.next().unwrap_or_default();
                let spawned = Command::new(program)
                    .args(words)
                    .arg(url)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn();
                match spawned {
                    Ok(_) => return Ok(()),
                    Err(e) => last_error = Some(anyhow::anyhow!("cannot run {program}: {e}")),
                }
            }
            Err(last_error.unwrap_or_else(|| anyhow::anyhow!("$BROWSER names no program")))
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

    #[test]
    fn browser_is_a_colon_separated_list_tried_in_turn() {
        // The only test in this process that touches $BROWSER.
        std::env::set_var("BROWSER", "gazette-no-such-browser:true --ignored-flag");
        assert!(open("https://example.com/").is_ok());
        std::env::set_var("BROWSER", "gazette-no-such-browser");
        let error = open("https://example.com/").unwrap_err().to_string();
        assert!(
            error.starts_with("cannot run gazette-no-such-browser"),
            "{error}"
        );
        std::env::remove_var("BROWSER");
    }
}
