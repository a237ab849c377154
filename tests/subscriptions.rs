//! Subscriptions: feeds files, OPML import and export, and their real-world quirks.

use std::fs;
use std::path::{Path, PathBuf};

mod support;

use gazette::subscriptions::{
    export_opml, feeds_path, import, import_with, load_feeds_file, merge, write_feeds_file,
    ImportOptions, OpmlFeeds, Subscription,
};
use support::gazette;

/// OPML text parsed with the default options (http and https only).
fn parse_opml(text: &str) -> Result<OpmlFeeds, String> {
    gazette::subscriptions::parse_opml(text, &ImportOptions::default())
}

/// OPML text parsed taking file: URLs too.
fn parse_opml_with_files(text: &str) -> Result<OpmlFeeds, String> {
    gazette::subscriptions::parse_opml(text, &ImportOptions { allow_files: true })
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/opml")
        .join(name)
}

fn parse_fixture(name: &str) -> OpmlFeeds {
    parse_opml(&fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

fn sub(url: &str, name: Option<&str>, tags: &[&str]) -> Subscription {
    Subscription {
        url: url.to_string(),
        name: name.map(str::to_string),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Subscription::default()
    }
}

/// File names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn feeds_file_sits_beside_the_config_file() {
    assert_eq!(
        feeds_path(Path::new("/home/ada/.config/gazette/config.toml")),
        PathBuf::from("/home/ada/.config/gazette/feeds.toml")
    );
    assert_eq!(
        feeds_path(Path::new("config.toml")),
        PathBuf::from("feeds.toml")
    );
}

#[test]
fn nested_folders_become_tags_and_a_feed_listed_twice_is_one_subscription() {
    let found = parse_fixture("feedly.opml");
    assert!(found.rejected.is_empty(), "{:?}", found.rejected);
    assert_eq!(
        found.feeds,
        vec![
            sub(
                "https://news.ycombinator.com/rss",
                Some("Hacker News"),
                &["Tech", "News"]
            ),
            sub(
                "https://this-week-in-rust.org/rss.xml",
                Some("This Week in Rust"),
                &["Tech", "Rust"]
            ),
            // `&amp;` decoded in both the name and the URL; the title's padding trimmed.
            sub(
                "https://example.com/search?q=rust&format=rss",
                Some("Search & Query"),
                &["Tech", "Rust"]
            ),
            sub("https://lwn.net/headlines/rss", Some("LWN.net"), &["News"]),
            sub("http://unfiled.example.org/feed.xml", Some("Unfiled"), &[]),
        ]
    );
}

#[test]
fn opml_1_0_names_come_from_title_or_text_and_category_adds_tags() {
    let found = parse_fixture("newsboat_1_0.opml");
    assert!(found.rejected.is_empty());
    assert_eq!(
        found.feeds,
        vec![
            sub(
                "https://blog.rust-lang.org/feed.xml",
                Some("Rust Blog"),
                &[]
            ),
            // Empty title and no text: no name, the feed's own title will do.
            sub("https://xkcd.com/atom.xml", None, &[]),
            sub(
                "https://text-only.example.net/index.rss",
                Some("Only Text"),
                &[]
            ),
            // A "name" that is just the URL is no name.
            sub("https://named-by-url.example.net/feed", None, &[]),
            sub(
                "https://tagged.example.net/feed",
                Some("Tagged"),
                &["Science", "physics", "Boston/Weather"]
            ),
        ]
    );
}

#[test]
fn only_web_and_file_urls_are_taken_and_all_text_is_cleaned() {
    let found =
        parse_opml_with_files(&fs::read_to_string(fixture("hostile.opml")).unwrap()).unwrap();
    let refused: Vec<(&str, &str)> = found
        .rejected
        .iter()
        .map(|(u, r)| (u.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        refused,
        vec![
            (
                "javascript:alert(document.cookie)",
                "not http, https or file"
            ),
            (
                "data:application/rss+xml;base64,PHJzcz48L3Jzcz4=",
                "not http, https or file"
            ),
            ("JAVASCRIPT:fetch('//evil')", "not http, https or file"),
            ("ftp://ftp.example.com/feed.xml", "not http, https or file"),
            ("https:///feed.xml", "not a URL with a host"),
        ]
    );
    assert_eq!(
        found.feeds,
        vec![
            sub("file:///home/ada/feeds/local.xml", Some("Local"), &[]),
            // Escape sequences, BEL and bidi overrides are gone from the name and the URL.
            sub("https://ok.example.com/feed", Some("Red Title"), &[]),
            // Newlines and tabs in a name are spaces; surrounding whitespace of a URL is trimmed.
            sub(
                "https://spaces.example.com/feed",
                Some("Multi line name"),
                &[]
            ),
        ]
    );
}

#[test]
fn malformed_and_non_opml_text_is_an_error() {
    let text = fs::read_to_string(fixture("malformed.opml")).unwrap();
    let error = parse_opml(&text).unwrap_err();
    assert!(error.starts_with("not an OPML file"), "{error}");
    assert!(!error.contains('\n'));
    let html = "<html><body><p>hello</p></body></html>";
    assert!(parse_opml(html).is_err());
    let version = r#"<opml version="3.0"><head/><body><outline text="a"/></body></opml>"#;
    assert!(parse_opml(version).unwrap_err().contains("\"3.0\""));
}

#[test]
fn merge_skips_the_same_url_modulo_trailing_slash_case_of_scheme_and_host_and_spaces() {
    let existing = vec![
        sub("https://Example.com/feed", None, &[]),
        sub("http://other.org/rss/", None, &[]),
    ];
    let new = vec![
        sub(
            "HTTPS://example.COM/feed/",
            Some("dup: case and slash"),
            &[],
        ),
        sub("  http://other.org/rss  ", Some("dup: spaces"), &[]),
        // The path's case matters: a different feed.
        sub("https://example.com/Feed", Some("new: path case"), &[]),
        sub("https://example.com/feed?x=1", Some("new: query"), &[]),
        sub(
            "https://example.com/Feed/",
            Some("dup of one added just now"),
            &[],
        ),
    ];
    let (added, skipped) = merge(&existing, new);
    let names: Vec<_> = added.iter().map(|s| s.name.as_deref().unwrap()).collect();
    assert_eq!(names, vec!["new: path case", "new: query"]);
    assert_eq!(skipped, 3);
    assert_eq!(merge(&[], Vec::new()), (Vec::new(), 0));
}

#[test]
fn written_feeds_load_back_the_same_and_no_temporary_file_remains() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/dir/feeds.toml");
    let feeds = vec![
        sub(
            "https://a.example/feed",
            Some("Quote \" and \\ back"),
            &["x", "y"],
        ),
        sub("file:///tmp/local.xml", None, &[]),
        sub("https://b.example/feed", Some("Ünïcødé ✓"), &[]),
    ];
    write_feeds_file(&path, &feeds).unwrap();
    assert_eq!(load_feeds_file(&path).unwrap(), feeds);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# gazette's subscriptions. gazette writes this file"));
    assert!(text.contains("[[feeds]]"));
    assert_eq!(listing(&dir.path().join("new/dir")), vec!["feeds.toml"]);

    // Rewriting replaces the whole content; an empty list is a valid, empty file.
    write_feeds_file(&path, &feeds[..1]).unwrap();
    assert_eq!(load_feeds_file(&path).unwrap(), feeds[..1]);
    write_feeds_file(&path, &[]).unwrap();
    assert_eq!(load_feeds_file(&path).unwrap(), Vec::new());
    assert_eq!(listing(&dir.path().join("new/dir")), vec!["feeds.toml"]);
}

#[test]
fn a_failed_rename_cleans_up_its_temporary_file() {
    // The target is a directory with something in it: the final rename fails.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("feeds.toml");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep"), "x").unwrap();
    let error = write_feeds_file(&target, &[sub("https://a.example/", None, &[])]).unwrap_err();
    assert!(format!("{error:#}").contains("feeds.toml"), "{error:#}");
    assert_eq!(listing(dir.path()), vec!["feeds.toml"]);
    assert_eq!(listing(&target), vec!["keep"]);
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_keeps_the_old_file_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeds.toml");
    let old = vec![sub("https://old.example/feed", Some("Old"), &[])];
    write_feeds_file(&path, &old).unwrap();
    let before = fs::read(&path).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores directory permissions; there is nothing to test then.
    let privileged = fs::write(dir.path().join("probe"), "").is_ok();
    let result = write_feeds_file(&path, &[sub("https://new.example/feed", None, &[])]);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    if privileged {
        return;
    }
    let error = result.unwrap_err();
    assert!(format!("{error:#}").contains("temporary file"), "{error:#}");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(listing(dir.path()), vec!["feeds.toml"]);
}

#[cfg(unix)]
#[test]
fn writing_through_a_symlink_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("dotfiles/feeds.toml");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::write(&real, "").unwrap();
    let link = dir.path().join("feeds.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let feeds = vec![sub("https://a.example/feed", None, &[])];
    write_feeds_file(&link, &feeds).unwrap();
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(load_feeds_file(&real).unwrap(), feeds);
}

#[test]
fn loading_reports_mistakes_on_one_line_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeds.toml");
    assert_eq!(load_feeds_file(&path).unwrap(), Vec::new(), "missing file");
    let shown = path.display().to_string();
    let cases = [
        (
            "# mine\n[[feeds]]\nurl = \"https://a.example/\"\ntitle = \"A\"\n",
            ":4:1: feeds.title: unknown field `title`",
        ),
        (
            "[[feeds]]\nurl = \"https://a.example/\"\n[[feeds]]\nname = \"no url\"\n",
            ":3:1: feeds: missing field `url`",
        ),
        (
            "[[feeds]]\nurl = \"javascript:alert(1)\"\n",
            ":2:7: feeds.url: \"javascript:alert(1)\" is not http, https or file",
        ),
        (
            "[[feeds]]\nurl = \"https://a.example/\"\ntags = \"one\"\n",
            ":3:8: feeds.tags: invalid type",
        ),
        (
            "[[feed]]\nurl = \"x\"\n",
            ":1:3: feed: unknown field `feed`",
        ),
        ("[[feeds]]\nurl = \"https://a\n", ":2:"),
    ];
    for (text, expected) in cases {
        fs::write(&path, text).unwrap();
        let error = load_feeds_file(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("{shown}{expected}")),
            "{text:?}\ngave {error:?}\nwanted {expected:?}"
        );
        assert!(!error.contains('\n'), "{error}");
    }
}

#[test]
fn import_writes_feeds_toml_and_a_second_import_skips_everything() {
    let dir = tempfile::tempdir().unwrap();
    let feeds_file = dir.path().join("gazette/feeds.toml");
    let config_feeds = vec![sub("https://lwn.net/headlines/rss/", Some("Mine"), &[])];

    let report = import(&fixture("feedly.opml"), &feeds_file, &config_feeds).unwrap();
    let shown = feeds_file.display();
    assert_eq!(
        report,
        format!("Imported 4 feeds into {shown}; skipped 1 already subscribed.")
    );
    let written = load_feeds_file(&feeds_file).unwrap();
    assert_eq!(written.len(), 4);
    assert!(written.iter().all(|s| !s.url.contains("lwn.net")));

    let before = fs::read(&feeds_file).unwrap();
    let report = import(&fixture("feedly.opml"), &feeds_file, &config_feeds).unwrap();
    assert_eq!(
        report,
        format!("Imported 0 feeds into {shown}; skipped 5 already subscribed.")
    );
    assert_eq!(fs::read(&feeds_file).unwrap(), before, "untouched");

    // Another file adds to what is there.
    let report = import(&fixture("newsboat_1_0.opml"), &feeds_file, &config_feeds).unwrap();
    assert!(report.starts_with("Imported 5 feeds"), "{report}");
    assert_eq!(load_feeds_file(&feeds_file).unwrap().len(), 9);
    assert_eq!(listing(&dir.path().join("gazette")), vec!["feeds.toml"]);
}

#[test]
fn import_reports_what_it_refused() {
    let dir = tempfile::tempdir().unwrap();
    let feeds_file = dir.path().join("feeds.toml");
    let options = ImportOptions { allow_files: true };
    let report = import_with(&fixture("hostile.opml"), &feeds_file, &[], &options).unwrap();
    assert!(
        report.starts_with(&format!(
            "Imported 3 feeds into {}; refused 5: javascript:alert(document.cookie) (not http, https or file), data:application/rss+xml;base64,PHJzcz4… (not http, https or file), ",
            feeds_file.display()
        )),
        "{report}"
    );
    assert!(report.ends_with("https:///feed.xml (not a URL with a host)."));
    assert!(!report.contains('\u{1b}'));
}

/// A hostile OPML naming `file:///dev/tty` once took the keyboard away: without `--allow-files`
/// an import takes no file: URL, and says which it left out.
#[test]
fn import_leaves_out_file_urls_unless_allowed_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let opml = dir.path().join("tty.opml");
    let outlines: String = [
        "file:///dev/tty",
        "FILE:///etc/shadow",
        "file:///dev/zero",
        "https://ok.example/feed",
    ]
    .iter()
    .map(|url| format!("<outline text=\"x\" xmlUrl=\"{url}\"/>"))
    .collect();
    fs::write(
        &opml,
        format!("<opml version=\"2.0\"><body>{outlines}</body></opml>"),
    )
    .unwrap();
    let feeds_file = dir.path().join("feeds.toml");
    let report = import(&opml, &feeds_file, &[]).unwrap();
    assert_eq!(
        report,
        format!(
            "Imported 1 feed into {}; left out 3 local files (--allow-files takes them): \
             file:///dev/tty, FILE:///etc/shadow, file:///dev/zero.",
            feeds_file.display()
        )
    );
    let urls: Vec<String> = (load_feeds_file(&feeds_file).unwrap().into_iter())
        .map(|s| s.url)
        .collect();
    assert_eq!(urls, vec!["https://ok.example/feed"]);

    // Other schemes are refused whatever the options, and say what is taken.
    let found = parse_opml("<opml><body><outline xmlUrl=\"javascript:x\"/></body></opml>").unwrap();
    assert_eq!(
        found.rejected,
        vec![("javascript:x".to_string(), "not http or https".to_string())]
    );

    // With the flag, they are taken.
    let report = import_with(
        &opml,
        &feeds_file,
        &[],
        &ImportOptions { allow_files: true },
    )
    .unwrap();
    assert!(report.starts_with("Imported 3 feeds into"), "{report}");
    assert!(!report.contains("left out"), "{report}");
    assert_eq!(load_feeds_file(&feeds_file).unwrap().len(), 4);
}

#[test]
fn import_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let feeds_file = dir.path().join("feeds.toml");
    for (name, says) in [
        ("malformed.opml", "not an OPML file"),
        ("no_feeds.opml", "no feeds in this OPML file"),
        ("missing.opml", "cannot read"),
    ] {
        let path = fixture(name);
        let error = format!("{:#}", import(&path, &feeds_file, &[]).unwrap_err());
        assert!(
            error.starts_with(&format!("{}: {says}", path.display())),
            "{error}"
        );
    }
    assert!(!feeds_file.exists(), "nothing written after an error");

    // A broken feeds.toml is reported as a config error, and not overwritten.
    fs::write(&feeds_file, "[[feeds]]\nurl = 1\n").unwrap();
    let error = import(&fixture("feedly.opml"), &feeds_file, &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:2:7: feeds.url:", feeds_file.display())),
        "{error}"
    );
    assert_eq!(
        fs::read_to_string(&feeds_file).unwrap(),
        "[[feeds]]\nurl = 1\n"
    );
}

#[test]
fn latin_1_and_utf_16_exports_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let feeds_file = dir.path().join("feeds.toml");
    import(&fixture("latin1.opml"), &feeds_file, &[]).unwrap();
    import(&fixture("utf16.opml"), &feeds_file, &[]).unwrap();
    assert_eq!(
        load_feeds_file(&feeds_file).unwrap(),
        vec![
            sub("https://cafe.example.fr/rss", Some("Café Noir"), &[]),
            sub("https://wide.example.com/rss", Some("Wide é"), &[]),
        ]
    );
}

#[test]
fn export_then_parse_gives_back_the_same_subscriptions() {
    let feeds = vec![
        sub(
            "https://a.example/feed?x=1&y=2",
            Some("A <&> \"B\" 'C'"),
            &["Tech", "rust"],
        ),
        sub("https://b.example/rss", None, &[]),
        sub("https://c.example/atom", Some("C"), &["News"]),
        sub("https://d.example/feed", Some("D"), &["Tech"]),
        sub("file:///srv/e.xml", Some("E"), &["News", "local", "more"]),
    ];
    let xml = export_opml(&feeds);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">"));
    assert!(
        xml.contains("xmlUrl=\"https://a.example/feed?x=1&amp;y=2\""),
        "{xml}"
    );
    assert!(xml.contains("type=\"rss\""));
    // One folder per first tag, in first-seen order.
    assert_eq!(xml.matches("<outline text=\"Tech\"").count(), 1);
    assert!(xml.find("text=\"Tech\"").unwrap() < xml.find("text=\"News\"").unwrap());

    let back = parse_opml_with_files(&xml).unwrap();
    assert!(back.rejected.is_empty());
    let mut expected = feeds.clone();
    // Folders come out grouped: D joins A in Tech.
    expected.swap(1, 3);
    expected.swap(2, 3);
    let order: Vec<_> = back.feeds.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        order,
        vec![
            "https://a.example/feed?x=1&y=2",
            "https://d.example/feed",
            "https://b.example/rss",
            "https://c.example/atom",
            "file:///srv/e.xml",
        ]
    );
    for feed in &feeds {
        let found = back.feeds.iter().find(|b| b.url == feed.url).unwrap();
        assert_eq!(found, feed);
    }
    assert_eq!(
        parse_opml_with_files(&export_opml(&back.feeds)).unwrap(),
        back
    );
}

/// `depth` outlines, each inside the one before, one a line, the innermost a feed.
fn nested_opml(depth: usize) -> String {
    let mut text = String::from("<?xml version=\"1.0\"?>\n<opml version=\"2.0\">\n<body>\n");
    for _ in 0..depth {
        text.push_str("<outline text=\"folder\">\n");
    }
    text.push_str("<outline text=\"Deep\" xmlUrl=\"https://deep.example/feed\"/>\n");
    for _ in 0..depth {
        text.push_str("</outline>\n");
    }
    text.push_str("</body>\n</opml>\n");
    text
}

/// 10,000 nested outlines (280 KB) once overflowed the stack and aborted `gazette import`: now
/// nesting past 100 is a one-line error naming the file and the line, and nothing is written.
#[test]
fn deeply_nested_outlines_are_a_clear_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let feeds_file = dir.path().join("feeds.toml");
    for depth in [10_000, 100_000] {
        let path = dir.path().join(format!("deep-{depth}.opml"));
        fs::write(&path, nested_opml(depth)).unwrap();
        let error = format!("{:#}", import(&path, &feeds_file, &[]).unwrap_err());
        // Line 1 is the declaration, 2 <opml> (depth 1), 3 <body>, 4 the first outline (depth
        // 3): the 99th, on line 102, is the first too deep.
        assert_eq!(
            error,
            format!(
                "{}: outlines nested more than 100 deep (line 102)",
                path.display()
            )
        );
        assert!(!feeds_file.exists());
    }
    // As deep as allowed: read, every folder a tag (one, as they have one name).
    let path = dir.path().join("deep-ok.opml");
    fs::write(&path, nested_opml(97)).unwrap();
    let report = import(&path, &feeds_file, &[]).unwrap();
    assert!(report.starts_with("Imported 1 feed into"), "{report}");
    assert_eq!(
        load_feeds_file(&feeds_file).unwrap(),
        vec![sub("https://deep.example/feed", Some("Deep"), &["folder"])]
    );
}

/// A feed inherits every folder around it: a file of a few MB must not ask for gigabytes of tags.
#[test]
fn a_file_whose_folders_would_take_gigabytes_of_tags_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.opml");
    let label = "L".repeat(1 << 20);
    let feeds: String = (0..15_000)
        .map(|i| format!("<outline xmlUrl=\"https://h{i}.example/\"/>"))
        .collect();
    let text = format!(
        "<opml version=\"2.0\"><body><outline text=\"{label}\">{feeds}</outline></body></opml>"
    );
    fs::write(&path, text).unwrap();
    let feeds_file = dir.path().join("feeds.toml");
    let error = format!("{:#}", import(&path, &feeds_file, &[]).unwrap_err());
    assert_eq!(
        error,
        format!(
            "{}: too many folders: the feeds' tags add up to over 64 MiB",
            path.display()
        )
    );
    assert!(!feeds_file.exists());
}

/// Import is linear: 100,000 feeds (every tenth listed twice, in another folder) come in once
/// each, the duplicates folded. (The time is measured by `cargo bench --bench opml`.)
#[test]
fn a_hundred_thousand_feeds_import_once_each() {
    let mut text = String::from("<opml version=\"2.0\"><body><outline text=\"A\">");
    for i in 0..100_000 {
        text.push_str(&format!(
            "<outline text=\"F{i}\" xmlUrl=\"https://h{i}.example/feed\"/>"
        ));
    }
    text.push_str("</outline><outline text=\"B\">");
    for i in (0..100_000).step_by(10) {
        text.push_str(&format!("<outline xmlUrl=\"HTTPS://H{i}.EXAMPLE/feed/\"/>"));
    }
    text.push_str("</outline></body></opml>");
    let found = parse_opml(&text).unwrap();
    assert_eq!(found.feeds.len(), 100_000);
    assert_eq!(
        found.feeds[10],
        sub("https://h10.example/feed", Some("F10"), &["A", "B"])
    );
    assert_eq!(
        found.feeds[11],
        sub("https://h11.example/feed", Some("F11"), &["A"])
    );
}

/// U+FFFF in a title was imported and exported as is, and the export then refused whole.
#[test]
fn characters_xml_forbids_are_dropped_on_the_way_in_and_never_exported() {
    let text = "<opml version=\"2.0\"><body>\
        <outline text=\"Tech\u{ffff}\"><outline text=\"A\u{ffff}B&#xFFFE;\u{fdd0}\" \
        xmlUrl=\"https://a.example/\u{ffff}feed\" category=\"x\u{10ffff}\"/></outline>\
        </body></opml>";
    let found = parse_opml(text).unwrap();
    assert_eq!(
        found.feeds,
        vec![sub("https://a.example/feed", Some("AB"), &["Tech", "x"])]
    );
    // From feeds.toml and config.toml too, and export drops them whatever it is given.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeds.toml");
    fs::write(
        &path,
        "[[feeds]]\nurl = \"https://b.example/\u{ffff}\"\nname = \"N\u{fffe}\"\ntags = [\"t\u{ffff}\", \"\u{ffff}\"]\n",
    )
    .unwrap();
    assert_eq!(
        load_feeds_file(&path).unwrap(),
        vec![sub("https://b.example/", Some("N"), &["t"])]
    );
    let config = gazette::config::Config::from_str_with_defaults(Some((
        "c.toml",
        "[[feeds]]\nurl = \"https://c.example/\"\nname = \"C\u{ffff}\"\n",
    )))
    .unwrap();
    assert_eq!(
        config.feeds,
        vec![sub("https://c.example/", Some("C"), &[])]
    );
    let raw = vec![sub(
        "https://d.example/\u{ffff}",
        Some("D\u{ffff}"),
        &["\u{ffff}t", "u\u{fffe}"],
    )];
    let xml = export_opml(&raw);
    assert!(!xml.contains(['\u{ffff}', '\u{fffe}']), "{xml}");
    assert_eq!(
        parse_opml(&xml).unwrap().feeds,
        vec![sub("https://d.example/", Some("D"), &["t", "u"])]
    );
}

/// Tags with a comma were left out of the export, and `/slash/` came back as `slash`.
#[test]
fn tags_with_commas_slashes_and_percent_signs_survive_export_and_import() {
    let feeds = vec![
        sub(
            "https://a.example/feed",
            Some("A, \"the\" <one> & only/"),
            &[
                "Tech, etc.",
                "/slash/",
                "a,b",
                "100%",
                "%2C",
                "Boston/Weather",
                "/",
            ],
        ),
        sub("https://b.example/feed", None, &["/slash/", ","]),
    ];
    let xml = export_opml(&feeds);
    let back = parse_opml(&xml).unwrap();
    assert!(back.rejected.is_empty());
    assert_eq!(back.feeds, feeds, "{xml}");
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Text of the kinds that broke the export: commas, slashes, quotes, markup, percent signs,
    /// noncharacters, controls and escapes, white space, anything at all.
    fn field() -> impl Strategy<Value = String> {
        let odd = select(vec![
            "\u{ffff}",
            "\u{fffe}",
            "\u{fdd0}",
            "\u{10fffe}",
            "/",
            ",",
            "%",
            "%2C",
            "%2f",
            "\"",
            "'",
            "<",
            ">",
            "&",
            "&amp;",
            " ",
            "\t",
            "\n",
            "\u{1b}[31m",
            "\u{202e}",
            "東京",
            "e\u{301}",
        ]);
        prop_oneof![
            3 => "[a-zA-Z0-9 ,/%\"'<>&;.-]{0,12}",
            2 => prop::collection::vec(prop_oneof![
                odd.prop_map(str::to_string),
                "[a-z]{1,3}",
            ], 0..6).prop_map(|parts| parts.concat()),
            1 => any::<String>(),
        ]
    }

    /// Subscriptions with distinct hosts (so none is a duplicate of another), arbitrary paths,
    /// names and tags.
    fn subscriptions() -> impl Strategy<Value = Vec<Subscription>> {
        let one = (
            select(vec!["https", "http", "HTTP", "file"]),
            any::<String>(),
            prop::option::of(field()),
            prop::collection::vec(field(), 0..5),
        );
        prop::collection::vec(one, 0..12).prop_map(|feeds| {
            (feeds.into_iter().enumerate())
                .map(|(i, (scheme, path, name, tags))| {
                    let path: String = path.chars().filter(|c| !c.is_whitespace()).collect();
                    let url = match scheme {
                        "file" => format!("file:///h{i}/{path}"),
                        _ => format!("{scheme}://h{i}.example/{path}"),
                    };
                    Subscription {
                        url,
                        name,
                        tags,
                        ..Subscription::default()
                    }
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Export then import gives back exactly the sanitised subscriptions (in the export's
        /// order: grouped by folder), and exporting those again gives the same text.
        #[test]
        fn export_then_import_gives_back_every_subscription(feeds in subscriptions()) {
            let expected: Vec<Subscription> = feeds.iter().map(Subscription::sanitised).collect();
            let xml = export_opml(&feeds);
            prop_assert!(!xml.chars().any(gazette::sanitize::is_xml_forbidden), "{}", xml);
            let back = parse_opml_with_files(&xml).map_err(TestCaseError::fail)?;
            prop_assert!(back.rejected.is_empty(), "{:?}", back.rejected);
            let mut got = back.feeds.clone();
            let mut want = expected.clone();
            got.sort_by(|a, b| a.url.cmp(&b.url));
            want.sort_by(|a, b| a.url.cmp(&b.url));
            prop_assert_eq!(got, want, "{}", xml);
            prop_assert_eq!(export_opml(&back.feeds), xml);
        }
    }
}

/// feeds.toml errors are capped like config.toml's: a 100,000-deep table name or a 200,000-letter
/// key gives a short line naming the file (and the line).
#[test]
fn feeds_file_errors_about_huge_keys_stay_short() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeds.toml");
    let shown = path.display().to_string();
    let deep = vec!["a"; 100_000].join(".");
    fs::write(&path, format!("[{deep}]\n")).unwrap();
    let error = load_feeds_file(&path).unwrap_err().to_string();
    assert_eq!(
        error,
        format!("{shown}: nested too deeply (tables or values thousands of levels deep)")
    );
    let long = "k".repeat(200_000);
    fs::write(
        &path,
        format!("[[feeds]]\nurl = \"https://a.example/\"\n{long} = 1\n"),
    )
    .unwrap();
    let error = load_feeds_file(&path).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("{shown}:3:1: feeds.kkk")),
        "{error}"
    );
    assert!(error.contains("…: unknown field"), "{error}");
    assert!(error.chars().count() <= gazette::sanitize::MAX_ERROR_CHARS);
}

/// Through the binary: a 10,000-deep file (which once aborted with SIGABRT) exits 2 with one
/// line on stderr; `file:///dev/tty` is left out unless `import --allow-files` is given.
#[test]
fn the_import_command_refuses_deep_files_and_takes_files_only_when_allowed() {
    let home = tempfile::tempdir().unwrap();
    let deep = home.path().join("deep.opml");
    fs::write(&deep, nested_opml(10_000)).unwrap();
    let output = gazette(&["import", "deep.opml"], home.path());
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "gazette: deep.opml: outlines nested more than 100 deep (line 102)\n"
    );
    let feeds_file = home.path().join("config/gazette/feeds.toml");
    assert!(!feeds_file.exists());

    let tty = home.path().join("tty.opml");
    fs::write(
        &tty,
        "<opml version=\"2.0\"><body><outline text=\"tty\" xmlUrl=\"file:///dev/tty\"/>\
         <outline text=\"web\" xmlUrl=\"https://web.example/feed\"/></body></opml>",
    )
    .unwrap();
    let output = gazette(&["import", "tty.opml"], home.path());
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!(
            "Imported 1 feed into {}; left out 1 local file (--allow-files takes them): file:///dev/tty.\n",
            feeds_file.display()
        )
    );
    let output = gazette(&["import", "--allow-files", "tty.opml"], home.path());
    assert!(output.status.success(), "{output:?}");
    let urls: Vec<String> = (load_feeds_file(&feeds_file).unwrap().into_iter())
        .map(|s| s.url)
        .collect();
    assert_eq!(urls, vec!["https://web.example/feed", "file:///dev/tty"]);
}
