#!/usr/bin/env python3
"""Word-shingle F1 of `gazette read` against the expected text of each page of the reader-mode
corpus (tests/fixtures/articles/NAME.html and NAME.txt).

    python3 bench/article_f1.py [--gazette target/release/gazette] [--show NAME]

Runs `gazette read --width 100000 PAGE` (plain text: stdout is a pipe) for every page, keeps its
title line and its text (the meta lines under the title, the numbered references at the end and
the ` [n]` reference marks are gazette's notation, not the article's), and compares it with the
expected text: both are lowercased and cut into words (runs of letters and digits; each CJK
character is a word of its own), then into overlapping shingles of 4 words; precision and recall
count shingles as a multiset. Prints one line per page and the means; exit 1 if a page fails.
tests/article_quality.rs computes the same figure in Rust and checks a floor."""

import argparse
import collections
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "fixtures", "articles")
SHINGLE = 4


def is_cjk(c):
    o = ord(c)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF)


def words(text):
    out, word = [], ""
    for c in text.lower():
        if is_cjk(c):
            if word:
                out.append(word)
            out.append(c)
            word = ""
        elif c.isalnum():
            word += c
        elif word:
            out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def shingles(text):
    w = words(text)
    if len(w) < SHINGLE:
        return collections.Counter([tuple(w)]) if w else collections.Counter()
    return collections.Counter(tuple(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1))


def f1(got, expected):
    g, e = shingles(got), shingles(expected)
    common = sum((g & e).values())
    if not common:
        return 0.0, 0.0, 0.0
    p, r = common / sum(g.values()), common / sum(e.values())
    return 2 * p * r / (p + r), p, r


def article_text(output):
    """Title line and text of `gazette read`'s plain output, without meta lines and references."""
    lines = output.split("\n")
    title = lines[0]
    rest = lines[lines.index("") + 1:] if "" in lines else []
    while rest and (not rest[-1].strip() or re.match(r"^\[\d+\] ", rest[-1])):
        rest.pop()
    text = "\n".join([title] + rest)
    return re.sub(r" \[\d+\]", "", text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gazette", default=os.path.join(ROOT, "target", "release", "gazette"))
    ap.add_argument("--show", help="print gazette's text for this page")
    args = ap.parse_args()
    rows = []
    for page in sorted(glob.glob(os.path.join(CORPUS, "*.html"))):
        name = os.path.basename(page)[:-5]
        run = subprocess.run([args.gazette, "read", "--width", "60000", page], capture_output=True,
                             text=True, env=dict(os.environ, TZ="UTC"))
        if run.returncode != 0:
            print(f"{name}: gazette read failed: {run.stderr.strip()}")
            rows.append((name, 0.0, 0.0, 0.0))
            continue
        got = article_text(run.stdout)
        if name == args.show:
            print(got)
        with open(page[:-5] + ".txt", encoding="utf-8") as f:
            expected = f.read()
        rows.append((name,) + f1(got, expected))
    for name, f, p, r in rows:
        print(f"{f:.3f}  P {p:.3f}  R {r:.3f}  {name}")
    n = len(rows)
    mean = lambda i: sum(r[i] for r in rows) / n
    print(f"mean F1 {mean(1):.4f}  P {mean(2):.4f}  R {mean(3):.4f}  min {min(r[1] for r in rows):.3f}  pages {n}")
    return 1 if any(r[1] == 0.0 for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
