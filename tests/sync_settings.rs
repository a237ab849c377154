//! `[sync]` in the config: the three services, a password from a command or a variable (never
//! the file), and one-line errors naming the file, line and key.

use gazette::config::Config;
use gazette::sync::settings::{PasswordFrom, DEFAULT_PASSWORD_ENV};
use gazette::sync::ServiceKind;

fn user(text: &str) -> Result<Config, String> {
    Config::from_str_with_defaults(Some(("my.toml", text))).map_err(|e| e.to_string())
}

#[test]
fn sync_is_off_unless_set_and_reads_each_service() {
    assert_eq!(user("").unwrap().sync, None);
    for (name, kind) in [
        ("ttrss", ServiceKind::TtRss),
        ("greader", ServiceKind::GoogleReader),
        ("miniflux", ServiceKind::Miniflux),
    ] {
        let text = format!(
            "[sync]\nservice = \"{name}\"\nurl = \"https://rss.example/\"\nuser = \"me\"\n"
        );
        let sync = user(&text).unwrap().sync.unwrap();
        assert_eq!(sync.service, kind);
        assert_eq!(sync.url, "https://rss.example/");
        assert_eq!(
            sync.password,
            PasswordFrom::Env(DEFAULT_PASSWORD_ENV.into())
        );
    }
    let text = "[sync]\nservice = \"miniflux\"\nurl = \"https://m.example\"\npassword_command = [\"pass\", \"show\", \"rss\"]\n";
    let sync = user(text).unwrap().sync.unwrap();
    assert_eq!(sync.user, "", "Miniflux takes a token alone");
    assert_eq!(
        sync.password,
        PasswordFrom::Command(vec!["pass".into(), "show".into(), "rss".into()])
    );
}

#[test]
fn mistakes_are_one_line_naming_the_file_and_key() {
    for (text, says) in [
        ("[sync]\nservice = \"ttrss\"\nurl = \"https://x/\"\nuser = \"me\"\npassword = \"hunter2\"\n", "keeps no password"),
        ("[sync]\nservice = \"feedly\"\nurl = \"https://x/\"\nuser = \"me\"\n", "\"feedly\" is not"),
        ("[sync]\nservice = \"ttrss\"\nurl = \"ftp://x/\"\nuser = \"me\"\n", "not an http(s) URL"),
        ("[sync]\nservice = \"ttrss\"\nuser = \"me\"\n", "url is missing"),
        ("[sync]\nurl = \"https://x/\"\nuser = \"me\"\n", "service is missing"),
        ("[sync]\nservice = \"greader\"\nurl = \"https://x/\"\n", "user is missing"),
        ("[sync]\nservice = \"ttrss\"\nurl = \"https://x/\"\nuser = \"me\"\npassword_command = [\"\"]\n", "a program name first"),
        ("[sync]\nservice = \"ttrss\"\nurl = \"https://x/\"\nuser = \"me\"\nhost = \"x\"\n", "host"),
    ] {
        let error = user(text).unwrap_err();
        assert!(error.starts_with("my.toml:"), "{error}");
        assert!(error.contains(says), "{text:?}: {error}");
        assert!(!error.contains("hunter2"), "the password is echoed: {error}");
        assert!(!error.contains('\n'), "{error}");
    }
}

/// Why the password of this config's `[sync]` cannot be read.
fn credentials_error(text: &str) -> String {
    let sync = user(text).unwrap().sync.unwrap();
    sync.credentials().unwrap_err()
}

#[test]
fn the_password_comes_from_the_commands_first_line_or_the_variable() {
    let text = "[sync]\nservice = \"ttrss\"\nurl = \"https://x/\"\nuser = \"me\"\npassword_command = [\"printf\", \"s3cret\\\\nsecond line\\\\n\"]\n";
    let sync = user(text).unwrap().sync.unwrap();
    let credentials = sync.credentials().unwrap();
    assert_eq!(credentials.password, "s3cret");
    assert!(
        !format!("{credentials:?}").contains("s3cret"),
        "Debug shows the password"
    );

    let failing = "[sync]\nservice = \"ttrss\"\nurl = \"https://x/\"\nuser = \"me\"\npassword_command = [\"false\"]\n";
    let error = credentials_error(failing);
    assert!(
        error.contains("password_command") && error.contains("false"),
        "{error}"
    );

    let from_env = "[sync]\nservice = \"ttrss\"\nurl = \"https://x/\"\nuser = \"me\"\npassword_env = \"GAZETTE_TEST_SYNC_PASSWORD_UNSET\"\n";
    let error = credentials_error(from_env);
    assert!(
        error.contains("$GAZETTE_TEST_SYNC_PASSWORD_UNSET"),
        "{error}"
    );
}
