#!/usr/bin/env python3
"""How often gazette lists the entries Python's feedparser lists, with the same titles.

The corpus is feedparser's own test suite (about 2,200 small feed files, real-world shapes and
edge cases: every RSS and Atom version, RDF, CDF, encodings, entities, sanitising, ill-formed
XML), taken from its source distribution. For each file, feedparser's entries (their count and
titles) are compared with what `gazette --list --format json FILE` prints: the same path the
reader takes for a feed file, with a throwaway --config and --data-dir so nothing of yours is
read or written, and --offline so nothing is fetched.

Set up and run (from the repository):

    python3 -m venv /tmp/fpvenv && /tmp/fpvenv/bin/pip install feedparser==6.0.14
    cargo build --release
    /tmp/fpvenv/bin/python bench/feedparser_agreement.py            # per-category figures
    /tmp/fpvenv/bin/python bench/feedparser_agreement.py --show     # and every disagreement

Without --corpus DIR (the sdist's `tests` folder), the script downloads the sdist with
`pip download --no-binary :all: --no-deps feedparser==6.0.14` into a temporary folder.
--gazette PATH picks the binary (default: $CARGO_TARGET_DIR or ./target, release).

What counts as agreeing (a file agrees when every entry does, and the counts are equal):
- Titles are compared as a reader sees them. feedparser keeps (sanitised) markup and entities
  in text of type html or xhtml (and of a base64 type), so its titles and texts are stripped of
  tags and unescaped unless it says `text/plain`; gazette's titles are plain text already (a `<`
  in them is a character). Control characters are dropped and whitespace collapsed on both
  sides. `--show` prints feedparser's titles so normalised and gazette's as it lists them.
- Order is ignored (multisets compared): `--list` prints newest first, feedparser in document
  order; the same titles in another order are the same listing.
- gazette cuts a title at 400 columns with "…": a cut title agrees with feedparser's when it is
  a prefix of it.
- An entry feedparser gives no title (absent or empty) agrees with gazette's title derived from
  the entry's text when that title's words start feedparser's summary or one of its contents
  (gazette takes the content first, feedparser keeps both), or when gazette says "(untitled)"
  and feedparser has no text either. Both parsers found the entry; feedparser leaves the
  headline to its caller, and gazette takes it from the same text, as issue 13 asks. Anything
  else is a disagreement.

feedparser runs as `pip install feedparser` leaves it, without the optional `chardet`: it then
reads undeclared legacy encodings as Windows-1252, and those files count as disagreements.

Excluded, as not feeds for either parser: `tests/http` (status codes and redirects, only
meaningful through feedparser's test server) and `tests/compression` (gzip/deflate bodies that
are only a feed once an HTTP Content-Encoding header is applied; feedparser does not decompress
a local file). Files whose test also sends HTTP headers (`Header:` comments) are kept: both
parsers read the same bytes without them.
"""

import argparse
import collections
import concurrent.futures
import glob
import html
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

import feedparser

VERSION = "6.0.14"
EXCLUDED_DIRS = ("http", "compression")
MAX_TITLE_COLUMNS = 400


class _Text(html.parser.HTMLParser):
    """Collects the text of a fragment: tags dropped, entities resolved."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def normalise(title, markup=False):
    """The words a reader sees: with `markup` (feedparser's html and xhtml text), tags stripped
    and entities unescaped; then control characters dropped and whitespace collapsed. gazette's
    titles are plain text already: a `<` in them is a character."""
    text = title or ""
    if markup:
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = html.unescape("".join(parser.parts))
    text = "".join(c for c in text if c >= " " or c in "\t\n")
    return " ".join(text.split())


def fetch_corpus(tmp):
    """Downloads feedparser's sdist with pip and returns its `tests` folder."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
         "-d", tmp, f"feedparser=={VERSION}"],
        check=True, stdout=subprocess.DEVNULL)
    archive = glob.glob(os.path.join(tmp, f"feedparser-{VERSION}.tar.gz"))[0]
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    return os.path.join(tmp, f"feedparser-{VERSION}", "tests")


def corpus_files(corpus):
    """Every feed file of the corpus (sorted), and the number excluded."""
    files, excluded = [], 0
    for root, _, names in os.walk(corpus):
        rel = os.path.relpath(root, corpus)
        for name in names:
            if not name.endswith(".xml"):
                excluded += name.endswith((".gz", ".z"))
                continue
            if rel.split(os.sep)[0] in EXCLUDED_DIRS:
                excluded += 1
                continue
            files.append(os.path.join(root, name))
    return sorted(files), excluded


def feedparser_entries(path):
    """feedparser's entries: (title, the entry's summary and content), each normalised."""
    parsed = feedparser.parse(path)
    entries = []
    for entry in parsed.entries:
        details = [entry.get("summary_detail")] + entry.get("content", [])
        texts = [normalise(d.get("value"), is_markup(d)) for d in details if d]
        title = normalise(entry.get("title"), is_markup(entry.get("title_detail")))
        entries.append((title, [t for t in texts if t]))
    return entries


def is_markup(detail):
    """True unless feedparser says the text is plain: html, xhtml, and base64 of another type
    keep their (sanitised) markup in its values."""
    return bool(detail) and detail.get("type") != "text/plain"


def gazette_titles(binary, path, scratch):
    """gazette's titles for the file, as `--list --format json` prints them (none on failure)."""
    home = tempfile.mkdtemp(dir=scratch)
    config = os.path.join(home, "config.toml")
    with open(config, "w"):
        pass
    try:
        out = subprocess.run(
            [binary, "--offline", "--list", "--format", "json", "--config", config,
             "--data-dir", os.path.join(home, "data"), path],
            capture_output=True, timeout=60, env={**os.environ, "HOME": home}).stdout
    finally:
        shutil.rmtree(home, ignore_errors=True)
    titles = []
    for line in out.decode("utf-8", "replace").splitlines():
        if line.strip():
            titles.append(json.loads(line)["title"])
    return titles


def title_agrees(fp_title, fp_texts, ours):
    """True when gazette's title is feedparser's as a reader sees it (see the docstring)."""
    theirs, mine = fp_title, normalise(ours)
    if theirs == mine:
        return True
    if mine.endswith("…") and len(mine) > MAX_TITLE_COLUMNS // 2:
        return theirs.startswith(mine[:-1].rstrip())
    if not theirs:
        if mine == "(untitled)":
            return not fp_texts
        head = mine[:-1].rstrip() if mine.endswith("…") else mine
        return bool(head) and any(text.startswith(head) for text in fp_texts)
    return False


def file_agrees(fp, ours):
    """True when both list as many entries, matched one to one (in any order) by title."""
    if len(fp) != len(ours):
        return False
    left = list(ours)
    for title, text in fp:
        match = next((i for i, t in enumerate(left) if title_agrees(title, text, t)), None)
        if match is None:
            return False
        left.pop(match)
    return True


def category(corpus, path):
    rel = os.path.relpath(os.path.dirname(path), corpus)
    return rel.replace(os.sep, "/")


def default_binary():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    return os.path.join(target, "release", "gazette")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="feedparser's tests folder (downloaded if absent)")
    parser.add_argument("--gazette", default=default_binary(), help="the gazette binary")
    parser.add_argument("--show", action="store_true", help="list every disagreeing file")
    parser.add_argument("--jobs", type=int, default=2, help="gazette runs at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        corpus = args.corpus or fetch_corpus(scratch)
        files, excluded = corpus_files(corpus)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            ours = pool.map(lambda p: gazette_titles(args.gazette, p, scratch), files)
            report(corpus, files, excluded, ours, args.show)


def report(corpus, files, excluded, ours, show):
    """Prints the figures per category and overall, and with `show` each disagreement."""
    totals = collections.defaultdict(lambda: [0, 0])
    wrong = []
    for path, mine in zip(files, ours):
        fp = feedparser_entries(path)
        cat = category(corpus, path)
        totals[cat][0] += 1
        if not file_agrees(fp, mine):
            totals[cat][1] += 1
            wrong.append((os.path.relpath(path, corpus), [t for t, _ in fp], mine))
    if show:
        for rel, theirs, mine in wrong:
            print(f"{rel}\n  feedparser: {theirs!r}\n  gazette:    {mine!r}")
        print()
    print(f"{'category':<24}{'files':>7}{'differ':>8}{'%':>8}")
    for cat in sorted(totals):
        n, bad = totals[cat]
        print(f"{cat:<24}{n:>7}{bad:>8}{100 * bad / n:>8.1f}")
    n, bad = len(files), len(wrong)
    print(f"{'all':<24}{n:>7}{bad:>8}{100 * bad / n:>8.2f}")
    print(f"excluded (not feeds without feedparser's test server): {excluded}")


if __name__ == "__main__":
    main()
