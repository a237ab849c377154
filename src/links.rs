//! Opening links: only http(s), never through a shell; a graphical browser apart, printing
//! nothing over the screen, a terminal browser in the foreground (run by the event loop).

use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::config::Browser;
use crate::source::is_http_url;

/// Programs that run in the terminal: with `[browser] terminal = "auto"`, a browser of one of
/// these names runs in the foreground, with the terminal; any other is started apart.
pub const TERMINAL_BROWSERS: &[&str] = &[
    "w3m",
    "lynx",
    "links",
    "links2",
    "elinks",
    "browsh",
    "carbonyl",
    "cha",
    "www-browser",
];

/// One way to open a link: a program with its arguments (the link among them), and whether it
/// runs in the terminal, in the foreground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// The program, then its arguments.
    pub argv: Vec<String>,
    /// True for a terminal program: it gets the terminal and gazette waits for it.
    pub terminal: bool,
}

/// How `url` is opened, in the order to try: the configured command; else each command of
/// `browser_env` (`$BROWSER`: commands separated by `:`, each split on whitespace, `%s` standing
/// for the link); an empty list means the system's opener. Refuses anything but http and https,
/// so a link in a feed cannot start a program or open a local file.
pub fn launches(url: &str, settings: &Browser, browser_env: Option<&str>) -> Result<Vec<Launch>> {
    if !is_http_url(url) || url.chars().any(char::is_control) {
        bail!("only http and https links are opened");
    }
    let terminal = |program: &str| {
        settings.terminal.unwrap_or_else(|| {
            let name = program.rsplit('/').next().unwrap_or(program);
            TERMINAL_BROWSERS.contains(&name)
        })
    };
    if let Some(program) = settings.command.first() {
        return Ok(vec![Launch {
            argv: with_url(&settings.command, "{url}", url),
            terminal: terminal(program),
        }]);
    }
    let browsers = browser_env.filter(|b| !b.trim().is_empty()).unwrap_or("");
    Ok(browsers
        .split(':')
        .map(|command| command.split_whitespace().map(str::to_string).collect())
        .filter(|words: &Vec<String>| !words.is_empty())
        .map(|words| Launch {
            terminal: terminal(&words[0]),
            argv: with_url(&words, "%s", url),
        })
        .collect())
}

/// The words with `placeholder` replaced by the link, or the link added last when none holds it.
fn with_url(words: &[String], placeholder: &str, url: &str) -> Vec<String> {
    let mut argv: Vec<String> = words.iter().map(|w| w.replace(placeholder, url)).collect();
    if !words.iter().any(|w| w.contains(placeholder)) {
        argv.push(url.to_string());
    }
    argv
}

/// Opens `url` in the user's browser, started apart from the terminal (its input and output to
/// /dev/null): the configured command, else `$BROWSER`'s commands tried in turn, else the
/// platform's opener. A terminal browser is the event loop's to run (see `terminal`); here it
/// is started as any other.
pub fn open(url: &str, settings: &Browser) -> Result<()> {
    let env = std::env::var("BROWSER").ok();
    let launches = launches(url, settings, env.as_deref())?;
    if launches.is_empty() {
        return open::that_detached(url).context("no browser found (set $BROWSER)");
    }
    let mut last_error = None;
    for launch in launches {
        match spawn_detached(&launch.argv) {
            Ok(()) => return Ok(()),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| anyhow::anyhow!("$BROWSER names no program")))
}

/// Starts a program apart: input and output to /dev/null, never through a shell.
pub fn spawn_detached(argv: &[String]) -> Result<()> {
    let (program, args) = argv.split_first().context("no program to run")?;
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| anyhow::anyhow!("cannot run {program}: {e}"))
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
            assert!(open(url, &Browser::default()).is_err(), "{url}");
        }
    }

    #[test]
    fn browser_is_a_colon_separated_list_tried_in_turn() {
        // The only test in this process that touches $BROWSER.
        let none = Browser::default();
        std::env::set_var("BROWSER", "gazette-no-such-browser:true --ignored-flag");
        assert!(open("https://example.com/", &none).is_ok());
        std::env::set_var("BROWSER", "gazette-no-such-browser");
        let error = open("https://example.com/", &none).unwrap_err().to_string();
        assert!(
            error.starts_with("cannot run gazette-no-such-browser"),
            "{error}"
        );
        std::env::remove_var("BROWSER");
    }

    #[test]
    fn terminal_browsers_are_known_by_name_or_configured() {
        let url = "https://example.com/a?b=1";
        let auto = Browser::default();
        let env = "/usr/bin/w3m -o x:firefox --new-tab %s:lynx";
        let from_env = launches(url, &auto, Some(env)).unwrap();
        let argv = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(
            from_env,
            [
                Launch {
                    argv: argv(&["/usr/bin/w3m", "-o", "x", url]),
                    terminal: true
                },
                Launch {
                    argv: argv(&["firefox", "--new-tab", url]),
                    terminal: false
                },
                Launch {
                    argv: argv(&["lynx", url]),
                    terminal: true
                },
            ]
        );
        // The configured command wins over $BROWSER; its setting over the name.
        let configured = Browser {
            command: argv(&["my-viewer", "--url={url}", "--x"]),
            terminal: Some(true),
        };
        assert_eq!(
            launches(url, &configured, Some("firefox")).unwrap(),
            [Launch {
                argv: argv(&["my-viewer", &format!("--url={url}"), "--x"]),
                terminal: true
            }]
        );
        let apart = Browser {
            command: argv(&["w3m"]),
            terminal: Some(false),
        };
        assert!(!launches(url, &apart, None).unwrap()[0].terminal);
        assert!(
            launches(url, &auto, None).unwrap().is_empty(),
            "the system's opener"
        );
        assert!(launches("file:///etc/passwd", &configured, None).is_err());
    }
}
