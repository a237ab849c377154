//! The fidelity corpus (`tests/fixtures/feeds/fidelity/`, written by its `generate.py` plus
//! hand-written files): every kind of real-world feed issue 13 lists, in every encoding gazette
//! reads, each with the titles a liberal parser lists. Read both ways, as a fetched feed
//! (`parse_feed`, whole) and as a feed file (`FeedStream`, entry by entry, the RSS fast path
//! among them), the titles must be those expected; the agreement figure is printed.

use std::path::{Path, PathBuf};

use gazette::feed::parse_feed;
use gazette::ingest::FeedStream;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/fidelity")
}

/// What a reading gave: the titles, then the error (if any) as a line starting with `!`.
fn whole(path: &Path) -> Vec<String> {
    let url = format!("file://{}", path.display());
    match parse_feed(&std::fs::read(path).unwrap(), Some(&url)) {
        Ok(feed) => {
            let mut lines: Vec<String> = feed.stories.into_iter().map(|s| s.title).collect();
            lines.extend(feed.problem.map(|p| format!("!{p}")));
            lines
        }
        Err(e) => vec![format!("!{e}")],
    }
}

fn streamed(path: &Path) -> Vec<String> {
    let url = format!("file://{}", path.display());
    let mut stream = match FeedStream::open(path, Some(&url)) {
        Ok(stream) => stream,
        Err(e) => return vec![format!("!{e}")],
    };
    let mut lines = Vec::new();
    loop {
        match stream.next_batch() {
            Ok(Some(batch)) => lines.extend(batch.into_iter().map(|s| s.title)),
            Ok(None) => return lines,
            Err(e) => {
                lines.push(format!("!{e}"));
                return lines;
            }
        }
    }
}

/// The titles and the error lines of a reading.
fn split(lines: &[String]) -> (Vec<&String>, Vec<&String>) {
    let (errors, titles): (Vec<&String>, Vec<&String>) =
        lines.iter().partition(|l| l.starts_with('!'));
    (titles, errors)
}

/// True when `got` is what `expected` says: the same titles, and an error containing each
/// expected error line's text (none when none is expected).
fn agrees(got: &[String], expected: &[String]) -> bool {
    let (got_titles, got_errors) = split(got);
    let (titles, errors) = split(expected);
    got_titles == titles
        && got_errors.len() == errors.len()
        && got_errors
            .iter()
            .zip(&errors)
            .all(|(g, e)| g.contains(&e[1..]))
}

#[test]
fn the_corpus_lists_the_titles_a_liberal_parser_lists() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "titles" && e != "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 300, "{} files", files.len());
    let mut wrong = Vec::new();
    let (mut whole_ok, mut stream_ok) = (0, 0);
    for path in &files {
        let titles = path.with_extension("titles");
        let expected: Vec<String> = std::fs::read_to_string(&titles)
            .unwrap_or_else(|e| panic!("{}: {e}", titles.display()))
            .lines()
            .map(str::to_string)
            .collect();
        let name = path.file_name().unwrap().to_string_lossy();
        let (w, s) = (whole(path), streamed(path));
        if agrees(&w, &expected) {
            whole_ok += 1;
        } else {
            wrong.push(format!("{name} (whole): {w:?}\n  expected {expected:?}"));
        }
        if agrees(&s, &expected) {
            stream_ok += 1;
        } else {
            wrong.push(format!("{name} (file): {s:?}\n  expected {expected:?}"));
        }
    }
    let n = files.len();
    println!(
        "fidelity corpus: {n} feeds; read whole {whole_ok}/{n} right, as files {stream_ok}/{n}"
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

mod encodings {
    //! Property: any feed, encoded in any encoding gazette reads, declared or not, lists the same
    //! titles as its UTF-8 original, read whole and streamed.

    use gazette::feed::parse_feed;
    use gazette::ingest::FeedStream;
    use proptest::prelude::*;
    use proptest::test_runner::Config as ProptestConfig;

    /// Words of each language, and the encodings (with their labels) that can write it.
    const LANGUAGES: &[(&[&str], &[&str])] = &[
        (
            &[
                "market", "storm", "council", "bridge", "river", "election", "budget", "school",
                "winter", "coast", "report", "minister", "village", "harvest", "train",
            ],
            &["windows-1252"],
        ),
        (
            &[
                "marché",
                "été",
                "élève",
                "médecin",
                "déjà",
                "crème",
                "théâtre",
                "forêt",
                "château",
                "fenêtre",
                "garçon",
                "où",
                "très",
                "économie",
                "régional",
            ],
            &["windows-1252", "ISO-8859-15"],
        ),
        (
            &[
                "новости",
                "погода",
                "выборы",
                "город",
                "правительство",
                "экономика",
                "школа",
                "река",
                "мост",
                "зима",
                "поезд",
                "деревня",
                "урожай",
                "министр",
                "совет",
            ],
            &["KOI8-R", "windows-1251", "ISO-8859-5", "IBM866"],
        ),
        (
            &[
                "東京",
                "天気",
                "新しい",
                "橋",
                "経済",
                "選挙",
                "結果",
                "政府",
                "発表",
                "学校",
                "電車",
                "冬",
                "川",
                "大臣",
                "村",
                "です",
                "ました",
                "について",
            ],
            &["Shift_JIS", "EUC-JP"],
        ),
        (
            &[
                "서울",
                "날씨",
                "새로운",
                "다리",
                "경제",
                "선거",
                "결과",
                "정부",
                "발표",
                "학교",
                "기차",
                "겨울",
                "강",
                "장관",
                "마을",
                "습니다",
            ],
            &["EUC-KR"],
        ),
        (
            &[
                "北京", "天气", "新的", "大桥", "经济", "选举", "结果", "政府", "宣布", "学校",
                "火车", "冬天", "河流", "部长", "村庄", "我们", "发展",
            ],
            &["GBK", "gb18030"],
        ),
    ];

    /// The feed in UTF-8, with `declaration` (empty for none) first.
    fn feed(kind: usize, titles: &[String], text: &str, declaration: &str) -> String {
        let items: String = titles
            .iter()
            .enumerate()
            .map(|(i, t)| match kind {
                0 => format!(
                    "<item><title>{t}</title><guid>g{i}</guid>\
                              <description>{text}</description></item>\n"
                ),
                _ => format!(
                    "<entry><title>{t}</title><id>urn:{i}</id>\
                              <summary>{text}</summary></entry>\n"
                ),
            })
            .collect();
        match kind {
            0 => format!(
                "{declaration}<rss version=\"2.0\"><channel><title>P</title>\
                          <description>{text}</description>\n{items}</channel></rss>\n"
            ),
            _ => format!(
                "{declaration}<feed xmlns=\"http://www.w3.org/2005/Atom\">\
                          <title>P</title><id>urn:p</id>\n{items}</feed>\n"
            ),
        }
    }

    /// `text` in `label`'s encoding: UTF-16 and UTF-32 by hand (encoding_rs writes neither), with
    /// their byte-order marks.
    fn encode(text: &str, label: &str) -> Vec<u8> {
        let wide = |bom: &[u8], units: Vec<u8>| [bom, &units].concat();
        match label {
            "UTF-8" => text.as_bytes().to_vec(),
            "UTF-8-BOM" => wide(b"\xef\xbb\xbf", text.as_bytes().to_vec()),
            "UTF-16LE" => wide(
                b"\xff\xfe",
                text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            ),
            "UTF-16BE" => wide(
                b"\xfe\xff",
                text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            ),
            "UTF-32LE" => wide(
                b"\xff\xfe\0\0",
                text.chars()
                    .flat_map(|c| u32::from(c).to_le_bytes())
                    .collect(),
            ),
            "UTF-32BE" => wide(
                b"\0\0\xfe\xff",
                text.chars()
                    .flat_map(|c| u32::from(c).to_be_bytes())
                    .collect(),
            ),
            label => {
                let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
                let (bytes, _, unmappable) = encoding.encode(text);
                assert!(!unmappable, "{label} cannot write {text}");
                bytes.into_owned()
            }
        }
    }

    /// The titles a reading lists, whole and streamed (which must agree).
    fn titles(bytes: &[u8]) -> Vec<String> {
        let whole: Vec<String> = parse_feed(bytes, None)
            .unwrap_or_else(|e| panic!("{e}"))
            .stories
            .into_iter()
            .map(|s| s.title)
            .collect();
        let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
        let mut stream = FeedStream::from_reader(input, None).unwrap();
        let mut streamed = Vec::new();
        while let Some(batch) = stream.next_batch().unwrap() {
            streamed.extend(batch.into_iter().map(|s| s.title));
        }
        assert_eq!(streamed, whole, "streamed and whole");
        whole
    }

    fn words(language: usize, count: std::ops::Range<usize>) -> impl Strategy<Value = String> {
        let (pool, _) = LANGUAGES[language];
        let spaced = language < 3 || language == 4;
        prop::collection::vec(prop::sample::select(pool), count)
            .prop_map(move |w| w.join(if spaced { " " } else { "" }))
    }

    fn case() -> impl Strategy<Value = (usize, Vec<String>, String, String, bool, usize)> {
        (0..LANGUAGES.len()).prop_flat_map(|language| {
            let (_, legacy) = LANGUAGES[language];
            let unicode = [
                "UTF-8",
                "UTF-8-BOM",
                "UTF-16LE",
                "UTF-16BE",
                "UTF-32LE",
                "UTF-32BE",
            ];
            let labels: Vec<&'static str> = unicode.iter().chain(legacy).copied().collect();
            (
                Just(language),
                prop::collection::vec(words(language, 2..6), 3..6),
                words(language, 12..20),
                prop::sample::select(labels).prop_map(str::to_string),
                any::<bool>(),
                0..2usize,
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 96,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_encoding_declared_or_not_lists_the_utf8_titles(
            (_language, titles_in, text, label, declared, kind) in case()
        ) {
            let original = feed(kind, &titles_in, &text, "<?xml version=\"1.0\"?>\n");
            let expected = titles(original.as_bytes());
            prop_assert_eq!(&expected, &titles_in);
            let name = label.trim_end_matches("-BOM").trim_end_matches("LE").trim_end_matches("BE");
            let declaration = match declared {
                true => format!("<?xml version=\"1.0\" encoding=\"{name}\"?>\n"),
                false => String::new(),
            };
            let encoded = encode(&feed(kind, &titles_in, &text, &declaration), &label);
            prop_assert_eq!(titles(&encoded), expected, "{} declared: {}", label, declared);
        }
    }
}
