#!/usr/bin/env python3
"""Word-shingle F1 of `gazette read` on real news pages: the 23 pages (CNN, Time, Wired, BBC
Burmese, LSM, Nikkei, Yonhap, Thai, Arabic and Chinese sites, a Blogger blog...) that newspaper4k
keeps in its test data with the article text newspaper4k's tests expect.

    python3 bench/real_pages_f1.py [--gazette target/release/gazette] [--pages DIR] [--others]

The pages are not ours to commit, so the script fetches newspaper4k's source release from PyPI
(`pip download --no-binary :all: --no-deps newspaper4k==0.9.6`, 4 MB) into --pages (default
/tmp/gazette-real-pages) the first time. The expected text is newspaper4k's curated output, not
hand-made: it leaves out image captions, bylines and dates, so those count against gazette.
gazette's output is scored as bench/article_f1.py scores it, without the title line (the
expected text has none) and without `[image: ...]` lines (gazette's notation). --others also
scores Python trafilatura and readability-lxml where they are installed, on the same pages.
"""

import argparse
import glob
import os
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from article_f1 import ROOT, article_text, f1  # noqa: E402

RELEASE = "newspaper4k-0.9.6"


def pages(folder):
    """(name, page path, expected text) of every page with an expected text."""
    data = os.path.join(folder, RELEASE, "tests", "data")
    if not os.path.isdir(data):
        os.makedirs(folder, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                        "-q", "-d", folder, RELEASE.replace("-", "==")],
                       check=True)
        with tarfile.open(os.path.join(folder, RELEASE + ".tar.gz")) as tar:
            members = [m for m in tar.getmembers() if "/tests/data/" in m.name and m.isfile()]
            tar.extractall(folder, members=members, filter="data")
    out = []
    for txt in sorted(glob.glob(os.path.join(data, "txt", "*.txt"))):
        name = os.path.basename(txt)[:-4]
        page = os.path.join(data, "html", name + ".html")
        if os.path.exists(page):
            with open(txt, encoding="utf-8") as f:
                out.append((name, page, f.read()))
    return out


def gazette_text(binary, page):
    run = subprocess.run([binary, "read", "--width", "60000", page], capture_output=True,
                         text=True, env=dict(os.environ, TZ="UTC"))
    if run.returncode != 0:
        return None, run.stderr.strip()
    body = article_text(run.stdout).split("\n")[1:]
    return "\n".join(line for line in body if not line.startswith("[image")), ""


def others():
    """The outside extractors that are installed, as name -> function of the page's HTML."""
    found = {}
    try:
        import trafilatura
        found["trafilatura"] = lambda html: trafilatura.extract(html) or ""
    except ImportError:
        pass
    try:
        import lxml.html
        from readability import Document
        found["readability-lxml"] = (
            lambda html: lxml.html.fromstring(Document(html).summary()).text_content())
    except ImportError:
        pass
    return found


def report(label, rows):
    n = len(rows)
    mean = lambda i: sum(r[i] for r in rows) / n
    print(f"{label}: mean F1 {mean(1):.4f}  P {mean(2):.4f}  R {mean(3):.4f}  "
          f"min {min(r[1] for r in rows):.3f}  pages {n}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gazette", default=os.path.join(ROOT, "target", "release", "gazette"))
    ap.add_argument("--pages", default="/tmp/gazette-real-pages")
    ap.add_argument("--others", action="store_true")
    args = ap.parse_args()
    corpus = pages(args.pages)
    rows = []
    for name, page, expected in corpus:
        got, error = gazette_text(args.gazette, page)
        if got is None:
            print(f"{name}: gazette read failed: {error}")
            rows.append((name, 0.0, 0.0, 0.0))
            continue
        rows.append((name,) + f1(got, expected))
    for name, f, p, r in rows:
        print(f"{f:.3f}  P {p:.3f}  R {r:.3f}  {name}")
    report("gazette", rows)
    for label, extract in (others().items() if args.others else []):
        scored = []
        for name, page, expected in corpus:
            with open(page, encoding="utf-8", errors="replace") as f:
                html = f.read()
            try:
                got = extract(html)
            except Exception:  # an extractor's own failure scores 0, as gazette's does
                got = ""
            scored.append((name,) + f1(got, expected))
        report(label, scored)
    return 1 if any(r[1] == 0.0 for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
