//! Synthetic feeds and editions for benchmarks: a port of `../shared/tools/gen_rss.py` to plain Rust
//! (std only), so a bench makes its corpus itself instead of reading a 254 MB file from disk.
//!
//! Include it from a bench with
//!
//! ```ignore
//! #[path = "support/feedgen.rs"]
//! mod feedgen;
//! ```
//!
//! The output has the Python tool's shape, not its bytes (the random numbers come from splitmix64,
//! not Python's Mersenne Twister), and is the same for the same `n` and `seed`:
//!
//! - titles of 60-90 characters ending in ` #i` (the item's index), built from the same subject,
//!   verb, object and tail lists; about 5% are one of the same ten non-ASCII headlines instead;
//! - an ASCII title of item `i` starts with `Ukraine: ` when `i % 50 == 7` and with `Zanzibar: `
//!   when `i % 200 == 13` (so about 1,900 and 480 hits at 100,000 items: the non-ASCII ones miss);
//! - descriptions of 1-3 KB of HTML paragraphs (`<p>`, `<strong>`, `<a href>`), escaped inside
//!   `<description>`;
//! - a link, a `guid isPermaLink="false"` of `perf-N-i`, and a `pubDate` in RFC 2822 form
//!   (`Tue, 14 Nov 2023 22:13:20 GMT`), 60 s older for each item from 1,700,000,000.
//!
//! [`rss`] and [`write_rss`] make the feed (100,000 items: about 250 MB, in about a second);
//! [`edition`] a plain-text news document of headlines only, one per line; [`prose`] plain-text
//! paragraphs of the descriptions' sentences (for one very long story).
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::Path;

const SUBJECTS: &[&str] = &[
    "Central bank",
    "Parliament",
    "City council",
    "Tech giant",
    "Regulators",
    "Researchers",
    "Energy ministry",
    "Union leaders",
    "Prime minister",
    "Health officials",
    "Startup founders",
    "Climate scientists",
    "Investors",
    "Federal judge",
    "Election commission",
    "Airline industry",
    "Farmers",
    "Space agency",
    "Local residents",
    "Automakers",
];
const VERBS: &[&str] = &[
    "announces",
    "rejects",
    "weighs",
    "delays",
    "approves",
    "warns over",
    "unveils",
    "backs",
    "criticises",
    "launches review of",
    "pushes for",
    "scraps",
    "expands",
    "defends",
    "struggles with",
    "moves to block",
];
const OBJECTS: &[&str] = &[
    "new interest rate policy amid slowing growth",
    "plan to overhaul public transport network by 2030",
    "controversial data protection rules for cloud providers",
    "emergency funding package for flood-hit regions",
    "landmark agreement on cross-border electricity trading",
    "proposal to cap rents in major metropolitan areas",
    "record investment in battery manufacturing plants",
    "sweeping changes to university admissions process",
    "long-awaited report on coastal erosion and housing",
    "merger talks that could reshape the streaming market",
    "tax relief for small businesses hit by inflation",
    "pilot programme for four-day working week in public sector",
    "new safety standards after series of rail incidents",
    "bid to host international summit on food security",
];
const TAILS: &[&str] = &[
    "",
    "",
    "",
    " as talks continue",
    " despite opposition",
    " in surprise move",
    ", sources say",
    " after months of debate",
    " ahead of key vote",
];
const NONASCII: &[&str] = &[
    "Zürich café owners protest über-strict zoning rules — résumé inside",
    "São Paulo’s mayor signs décret on façade renovation in Brasília",
    "東京 stock exchange hits record as 日本 exporters rally on weak yen",
    "北京 and 上海 announce joint AI research hub; 研究 funding doubles",
    "Markets rally 📈 as inflation cools; crypto slides 🪙 on new rules",
    "Kraków’s Old Town festival draws crowds — Łódź and Gdańsk next 🎉",
    "서울 tech fair showcases foldable screens and 반도체 breakthroughs",
    "Ελλάδα tourism rebounds as Athens sees record summer arrivals ☀️",
    "Україна and Polska sign grain corridor deal after night-long talks",
    "Crème brûlée shortage? Pâtissiers blame butter prices in Besançon",
];
const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "that",
    "for",
    "is",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "this",
    "it",
    "be",
    "are",
    "was",
    "were",
    "government",
    "report",
    "officials",
    "said",
    "according",
    "statement",
    "market",
    "analysts",
    "growth",
    "policy",
    "public",
    "sector",
    "investment",
    "region",
    "community",
    "spokesperson",
    "data",
    "minister",
    "committee",
    "proposal",
    "economy",
    "security",
    "infrastructure",
    "budget",
    "quarter",
    "percent",
    "increase",
    "decline",
    "industry",
    "workers",
    "households",
    "prices",
    "energy",
    "climate",
    "technology",
    "research",
    "development",
];

/// The first item's date (seconds since the Unix epoch); each next item is 60 s older.
const BASE_TIME: i64 = 1_700_000_000;

/// splitmix64: tiny, fast, and good enough to pick words.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `lo..=hi` (Python's `randint`), by multiply-shift: no division, and a bias of
    /// under 2^-40 for these small ranges.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        let span = (hi - lo + 1) as u128;
        lo + ((u128::from(self.next_u64()) * span) >> 64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.range(0, items.len() - 1)]
    }
}

fn sentence(rng: &mut Rng, out: &mut String) {
    let n = rng.range(10, 24);
    for k in 0..n {
        let word = rng.pick(WORDS);
        if k == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out.push('.');
}

fn paragraph(rng: &mut Rng, target: usize, out: &mut String) {
    out.push_str("<p>");
    let mut size = 0;
    let mut s = String::new();
    while size < target {
        s.clear();
        sentence(rng, &mut s);
        if size > 0 {
            out.push(' ');
        }
        let start = out.len();
        if rng.unit() < 0.15 {
            let _ = write!(out, "<strong>{s}</strong>");
        } else if rng.unit() < 0.1 {
            let href = rng.range(1, 1_000_000);
            let _ = write!(out, "<a href=\"https://example.com/ref/{href}\">{s}</a>");
        } else {
            out.push_str(&s);
        }
        // The sentence with its markup and the space that joins it, as the Python tool counts.
        size += out.len() - start + 1;
    }
    out.push_str("</p>");
}

/// 1-3 KB of HTML paragraphs, unescaped.
fn description(rng: &mut Rng) -> String {
    let total = rng.range(1024, 3072);
    let mut out = String::with_capacity(total + 700);
    let mut size = 0;
    while size < total {
        if !out.is_empty() {
            out.push('\n');
        }
        let start = out.len();
        paragraph(rng, 600.min(total - size + 40), &mut out);
        size += out.len() - start;
    }
    out
}

/// A headline of 60-90 characters ending in ` #i`; about 5% non-ASCII; markers up front.
fn title(rng: &mut Rng, i: usize) -> String {
    let suffix = format!(" #{i}");
    if rng.unit() < 0.05 {
        return format!("{}{suffix}", rng.pick(NONASCII));
    }
    let mut t = String::new();
    if i % 50 == 7 {
        t.push_str("Ukraine: ");
    }
    if i % 200 == 13 {
        t.push_str("Zanzibar: ");
    }
    let subject = rng.pick(SUBJECTS);
    let verb = rng.pick(VERBS);
    let object = rng.pick(OBJECTS);
    let tail = rng.pick(TAILS);
    let _ = write!(t, "{subject} {verb} {object}{tail}");
    // All ASCII here, so bytes are characters.
    while t.len() + suffix.len() > 90 {
        match t.rfind(' ') {
            Some(cut) => t.truncate(cut),
            None => break,
        }
    }
    if t.len() + suffix.len() < 60 {
        t.push_str(" - live updates");
    }
    t + &suffix
}

/// `&`, `<` and `>` as entities (what Python's `xml.sax.saxutils.escape` does).
fn escape_into(text: &str, out: &mut String) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// RFC 2822 in GMT, as Python's `email.utils.formatdate(ts, usegmt=True)`.
fn rfc2822(ts: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Writes the feed item by item (never the whole feed in memory).
fn write_feed(n: usize, seed: u64, out: &mut impl Write) -> io::Result<()> {
    let mut rng = Rng::new(seed);
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n\
         <title>Perf Feed {n} items</title>\n<link>https://example.com/perf/{n}</link>\n\
         <description>Synthetic feed for performance testing</description>\n\
         <language>en</language>\n"
    )?;
    let mut item = String::with_capacity(8 * 1024);
    for i in 0..n {
        item.clear();
        item.push_str("<item>\n<title>");
        let t = title(&mut rng, i);
        escape_into(&t, &mut item);
        let date = rfc2822(BASE_TIME - 60 * i as i64);
        let _ = write!(
            item,
            "</title>\n<link>https://example.com/perf/{n}/item/{i}</link>\n\
             <guid isPermaLink=\"false\">perf-{n}-{i}</guid>\n<pubDate>{date}</pubDate>\n\
             <description>"
        );
        escape_into(&description(&mut rng), &mut item);
        item.push_str("</description>\n</item>\n");
        out.write_all(item.as_bytes())?;
    }
    out.write_all(b"</channel>\n</rss>\n")
}

/// An RSS 2.0 feed of `n` items (about 2.5 KB each), the same for the same `seed`.
pub fn rss(n: usize, seed: u64) -> String {
    let mut out = Vec::with_capacity(n * 2600 + 512);
    write_feed(n, seed, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("the feed is UTF-8")
}

/// [`rss`] written to `path`, item by item.
pub fn write_rss(n: usize, seed: u64, path: &Path) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    write_feed(n, seed, &mut out)?;
    out.flush()
}

/// `n` headlines as [`rss`] titles them (same patterns, lengths and markers; not the same
/// headlines as `rss(n, seed)`, whose random numbers also make the descriptions).
pub fn titles(n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n).map(|i| title(&mut rng, i)).collect()
}

/// A plain-text news document of `n` headline-only stories: one block of [`titles`], one per line
/// (none ends a sentence, so the parser reads every line as a headline).
pub fn edition(n: usize, seed: u64) -> String {
    let mut out = String::with_capacity(n * 80);
    for t in titles(n, seed) {
        out.push_str(&t);
        out.push('\n');
    }
    out
}

/// Plain-text paragraphs of about 600 bytes (the descriptions' sentences, without markup), at
/// least `bytes` in all, the same for the same `seed`.
pub fn prose(bytes: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut paragraphs = Vec::new();
    let mut total = 0;
    while total < bytes {
        let mut p = String::with_capacity(700);
        while p.len() < 600 {
            if !p.is_empty() {
                p.push(' ');
            }
            sentence(&mut rng, &mut p);
        }
        total += p.len() + 1;
        paragraphs.push(p);
    }
    paragraphs
}
