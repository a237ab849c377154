//! `[sync]` in the config: which server, where, who, and where the password comes from (a
//! command or an environment variable: gazette never keeps or writes a password). Parsed with
//! the rest of the config (`config.rs`), checked here.

use serde::Deserialize;
use toml::Spanned;

use super::{Credentials, ServiceKind};
use crate::config::{Config, ConfigError, Source};

/// The environment variable read for the password when the config names none.
pub const DEFAULT_PASSWORD_ENV: &str = "GAZETTE_SYNC_PASSWORD";

/// Sync with a feed server (`[sync]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    /// Which API.
    pub service: ServiceKind,
    /// The server's URL.
    pub url: String,
    /// The user (may be empty for Miniflux with an API token).
    pub user: String,
    /// Where the password or token comes from.
    pub password: PasswordFrom,
}

/// Where the password or token comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordFrom {
    /// The first line a command prints (run directly, never through a shell): `pass show rss`.
    Command(Vec<String>),
    /// An environment variable.
    Env(String),
}

impl SyncSettings {
    /// The account the store's synced data belongs to: service, URL and user.
    pub fn account(&self) -> String {
        format!("{:?} {} {}", self.service, self.url, self.user)
    }

    /// The server named for people: its URL.
    pub fn server(&self) -> &str {
        &self.url
    }

    /// The credentials, the password read now: from the command's first line of output, or the
    /// variable. An error is one line naming the setting.
    pub fn credentials(&self) -> Result<Credentials, String> {
        let password = match &self.password {
            PasswordFrom::Env(name) => std::env::var(name).map_err(|_| {
                format!("[sync]: the password is read from ${name}, which is not set (or set password_command)")
            })?,
            PasswordFrom::Command(argv) => run_password_command(argv)?,
        };
        Ok(Credentials {
            url: self.url.clone(),
            user: self.user.clone(),
            password,
        })
    }
}

fn run_password_command(argv: &[String]) -> Result<String, String> {
    let program = argv.first().ok_or("[sync] password_command is empty")?;
    let output = std::process::Command::new(program)
        .args(&argv[1..])
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("[sync] password_command: cannot run {program}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "[sync] password_command: {program} failed ({})",
            output.status
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    match first.is_empty() {
        true => Err(format!(
            "[sync] password_command: {program} printed nothing"
        )),
        false => Ok(first.to_string()),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSync {
    service: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    user: Option<String>,
    password_command: Option<Spanned<Vec<String>>>,
    password_env: Option<Spanned<String>>,
    /// Only there to say why it is refused.
    password: Option<Spanned<toml::Value>>,
}

impl Config {
    /// `[sync]`: all or nothing; a password in the file is refused.
    pub(crate) fn overlay_sync(
        &mut self,
        source: &Source<'_>,
        raw: &Option<Spanned<RawSync>>,
    ) -> Result<(), ConfigError> {
        let Some(raw) = raw else {
            return Ok(());
        };
        let (span, raw) = (raw.span(), raw.get_ref());
        if let Some(password) = &raw.password {
            return Err(source.error(
                password.span(),
                "gazette keeps no password in its config: use password_command (a program that prints it) or password_env",
            ));
        }
        let service = raw.service.as_ref().ok_or_else(|| {
            source.error(
                span.clone(),
                "service is missing (\"ttrss\", \"greader\" or \"miniflux\")",
            )
        })?;
        let kind = match service.get_ref().as_str() {
            "ttrss" => ServiceKind::TtRss,
            "greader" => ServiceKind::GoogleReader,
            "miniflux" => ServiceKind::Miniflux,
            other => {
                return Err(source.error(
                    service.span(),
                    &format!("{other:?} is not \"ttrss\", \"greader\" or \"miniflux\""),
                ))
            }
        };
        let url = raw
            .url
            .as_ref()
            .ok_or_else(|| source.error(span.clone(), "url is missing (the server's address)"))?;
        let text = url.get_ref().trim();
        if !(text.starts_with("http://") || text.starts_with("https://"))
            || text.chars().any(char::is_control)
        {
            return Err(source.error(url.span(), "not an http(s) URL"));
        }
        let user = raw.user.clone().unwrap_or_default();
        if user.is_empty() && kind != ServiceKind::Miniflux {
            return Err(source.error(span, "user is missing"));
        }
        let password = match (&raw.password_command, &raw.password_env) {
            (Some(command), _) => {
                PasswordFrom::Command(crate::config_programs::checked_command(source, command)?)
            }
            (None, Some(env)) => PasswordFrom::Env(env.get_ref().trim().to_string()),
            (None, None) => PasswordFrom::Env(DEFAULT_PASSWORD_ENV.to_string()),
        };
        if matches!(&password, PasswordFrom::Command(argv) if argv.is_empty()) {
            return Err(source.error(span, "password_command is empty"));
        }
        self.sync = Some(SyncSettings {
            service: kind,
            url: text.to_string(),
            user,
            password,
        });
        Ok(())
    }
}
