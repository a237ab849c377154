//! The command line without a terminal: `--list`, piped output, errors and exit statuses.

use std::process::{Command, Output};

mod support;

use support::gazette;

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn piped_output_lists_the_bundled_headlines_from_any_directory() {
    let home = tempfile::tempdir().unwrap();
    for args in [&[][..], &["--list"][..]] {
        let output = gazette(args, home.path());
        assert!(output.status.success(), "{}", stderr(&output));
        let lines: Vec<String> = stdout(&output).lines().map(String::from).collect();
        assert_eq!(lines.len(), 18);
        assert!(lines[0].starts_with("U.S. President Donald Trump confirmed on Sunday"));
        assert_eq!(lines[6], "Preservation Group Sues Trump Administration to Halt $300 Million White House Ballroom Project");
    }
}

#[test]
fn list_prints_given_files_in_order_and_reports_notes_on_stderr() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("a.txt"), "Alpha\n").unwrap();
    std::fs::write(home.path().join("legacy.txt"), b"Caf\xe9 News\n").unwrap();
    let output = gazette(&["--list", "legacy.txt", "a.txt"], home.path());
    assert!(output.status.success());
    assert_eq!(stdout(&output), "Café News\nAlpha\n");
    assert_eq!(
        stderr(&output),
        "gazette: legacy.txt: not UTF-8, decoded as Windows-1252\n"
    );
}

#[test]
fn bad_files_fail_with_one_line_naming_the_file() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("bin.dat"), b"\x7fELF\0\x01").unwrap();
    std::fs::write(home.path().join("empty.txt"), b"").unwrap();
    for (file, problem) in [
        (
            "bin.dat",
            "bin.dat: not a text document (it contains NUL bytes)",
        ),
        ("empty.txt", "empty.txt: empty file"),
        ("missing.txt", "missing.txt: no such file or directory"),
    ] {
        // The same whether or not --list is given: the error comes before any output.
        for args in [vec![file], vec!["--list", file]] {
            let output = gazette(&args, home.path());
            assert_eq!(output.status.code(), Some(2), "{args:?}");
            assert_eq!(stderr(&output), format!("gazette: {problem}\n"));
            assert!(output.stdout.is_empty());
        }
    }
}

#[test]
fn a_bad_config_exits_2_naming_file_line_and_setting() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/gazette");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "[layout]\nreading_width = 5\n").unwrap();
    let output = gazette(&["--list"], home.path());
    assert_eq!(output.status.code(), Some(2));
    let expected = format!(
        "gazette: {}:2:17: layout.reading_width: must be from 20 to 400, not 5\n",
        dir.join("config.toml").display()
    );
    assert_eq!(stderr(&output), expected);
}

#[test]
fn version_and_help() {
    let home = tempfile::tempdir().unwrap();
    let output = gazette(&["--version"], home.path());
    assert_eq!(
        stdout(&output).trim(),
        format!("gazette {}", env!("CARGO_PKG_VERSION"))
    );
    let output = gazette(&["--help"], home.path());
    assert!(output.status.success());
    assert!(stdout(&output).contains("--list") && stdout(&output).contains("--config"));
    let output = gazette(&["--bogus"], home.path());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let home = tempfile::tempdir().unwrap();
    let lines: String = (0..200_000)
        .map(|i| format!("Headline number {i}\n"))
        .collect();
    std::fs::write(home.path().join("many.txt"), lines).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["--list", "many.txt"])
        .current_dir(home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then hang up, like `gazette --list | head -1`.
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut out, &mut first).unwrap();
    drop(out);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

/// `--config` and `--data-dir` work before or after a subcommand (`--config X import f.opml` was
/// taken for a path named "import").
#[test]
fn global_options_work_before_or_after_a_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let opml = home.path().join("subs.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
        <outline text="Wire" xmlUrl="https://wire.example/feed.xml"/></body></opml>"#,
    )
    .unwrap();
    let opml = opml.to_str().unwrap();
    for (n, before) in [true, false].into_iter().enumerate() {
        let config = home.path().join(format!("elsewhere{n}/config.toml"));
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        std::fs::write(&config, "").unwrap();
        let config = config.to_str().unwrap();
        let args: Vec<&str> = if before {
            vec!["--config", config, "import", opml]
        } else {
            vec!["import", opml, "--config", config]
        };
        let output = gazette(&args, home.path());
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let exported = gazette(
            &["--data-dir", "data", "--config", config, "export"],
            home.path(),
        );
        assert!(exported.status.success(), "{}", stderr(&exported));
        assert!(
            stdout(&exported).contains("https://wire.example/feed.xml"),
            "{args:?}: imported into the given config's feeds.toml"
        );
    }
}

/// `gazette config --default` prints the built-in config (valid, and the defaults exactly), even
/// when the user's config is broken; completions and the man page come from the same definition
/// as `--help`.
#[test]
fn default_config_completions_and_man_page() {
    let home = tempfile::tempdir().unwrap();
    let broken = home.path().join("broken.toml");
    std::fs::write(&broken, "[layout\n").unwrap();
    let broken = broken.to_str().unwrap();
    let output = gazette(&["--config", broken, "config", "--default"], home.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let parsed = gazette::config::Config::from_str_with_defaults(Some(("printed", &text)))
        .expect("the printed config is valid");
    assert_eq!(parsed, gazette::config::Config::defaults());
    assert!(text.contains("mark_read_on_open"));

    let output = gazette(&["completions", "bash"], home.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let script = stdout(&output);
    assert!(script.contains("_gazette()"), "{script}");
    for word in ["import", "export", "--list", "--offline", "--format"] {
        assert!(script.contains(word), "completions lack {word}");
    }

    let output = gazette(&["man"], home.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.contains(".TH gazette 1"), "{page}");
    assert!(
        page.contains("\\-\\-list") || page.contains("--list"),
        "{page}"
    );
}

#[test]
fn a_feed_with_no_entries_says_so_and_never_lists_nothing_silently() {
    let home = tempfile::tempdir().unwrap();
    let empty = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Empty</title>\
                 </channel></rss>";
    std::fs::write(home.path().join("empty.xml"), empty).unwrap();
    // Atom 0.3 listed nothing and exited 0: it lists its entries now.
    let atom03 = "<?xml version=\"1.0\"?><feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">\
                  <title>Old Blog</title><entry><title type=\"text/plain\">Still here</title>\
                  <id>tag:x,2004:1</id><issued>2004-11-20T09:00:00Z</issued></entry></feed>";
    std::fs::write(home.path().join("atom03.xml"), atom03).unwrap();

    let output = gazette(&["--list", "empty.xml"], home.path());
    assert_eq!(
        output.status.code(),
        Some(1),
        "every source empty: a failure"
    );
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "gazette: empty.xml: no entries in this feed\n"
    );

    let output = gazette(&["--list", "empty.xml", "atom03.xml"], home.path());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Still here\n");
    assert_eq!(
        stderr(&output),
        "gazette: empty.xml: no entries in this feed\n"
    );
}

#[test]
fn a_syntax_error_near_the_end_keeps_the_entries_before_it_and_is_reported() {
    let home = tempfile::tempdir().unwrap();
    let xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>\
               <item><title>First</title><guid>1</guid></item>\
               <item><title>Second</title><guid>2</guid></item>\
               <item><title>Broken<description>x</item></channel></rss>";
    std::fs::write(home.path().join("broken.xml"), xml).unwrap();
    let output = gazette(&["--list", "broken.xml"], home.path());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "First\nSecond\n");
    let stderr = stderr(&output);
    assert!(
        stderr.starts_with("gazette: broken.xml: not a feed: ") && stderr.lines().count() == 1,
        "{stderr}"
    );
}
