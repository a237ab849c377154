#!/usr/bin/env python3
"""Full-text search keystrokes in a real terminal (tmux), on a large store.

    bench/search_keys.py --bin target/release/gazette --feeds N [--items K] [--keep] [--reps 3]
    bench/search_keys.py --bin target/release/gazette --data-dir DIR --feed URL... [--reps 3]
        [--words harbour,lighthouse,345]

With --feeds, a store of N feeds of K items (default 1,000) is built first in a temporary
directory (removed at the end unless --keep): bench/feed_server.py serves them on 127.0.0.1
(stopped afterwards, by its PID) and `gazette --list` stores them (1,000 x 1,000: under a minute).
Every word of the default ones is in every story's text ("345" is a number in some titles). With
--data-dir, a store filled before is used, the FEEDs being the sources it holds.

Starts `gazette --offline --data-dir DIR` with a private config subscribed to the feeds, waits until
every stored story is listed and the reader idle (its full-text index built), then opens the
filter in text mode and types each word a letter at a time. For every letter from the second on
(the search starts at two letters) it measures, from the key's write:
  - list changed: until the headlines or the story change at all;
  - newest 2,000: until the status bar counts the newest 2,000 matches ("2000+ of M match"), or
    the whole answer when it is smaller;
  - whole answer: until the status bar counts the whole answer ("N of M match", no "+").
Ctrl-U clears the prompt between words. The tmux server is a private one, killed on exit.
Needs python3 and tmux; the measuring machinery is bench/tui.py's.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tui  # noqa: E402  (bench/tui.py: the tmux client and the screen predicates)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The search thread's first answer: its newest this many matches (runtime::FIRST_ANSWER).
FIRST_ANSWER = 2000


def counted(lines):
    """The status bar's match count, as (shown, total, whole), or None."""
    m = re.search(r"(\d+)(\+?) of (\d+) match", tui.status_left(lines))
    return m and (int(m.group(1)), int(m.group(3)), m.group(2) == "")


def all_listed(lines):
    """The status bar counts every story as listed (no filter yet) and says nothing is loading."""
    return bool(re.match(r"\s*\d+ stories", tui.status_left(lines)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--feeds", type=int)
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--data-dir")
    ap.add_argument("--feed", action="append")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--words", default="harbour,lighthouse,345")
    args = ap.parse_args()
    words = args.words.split(",")
    work = tempfile.mkdtemp(prefix="gazette-search-keys-")
    try:
        if args.feeds:
            args.data_dir, args.feed = build_store(args.bin, work, args.feeds, args.items)
        elif not (args.data_dir and args.feed):
            ap.error("give --feeds N, or --data-dir and --feed")
        measure(args, words, work)
    finally:
        if args.keep:
            tui.log(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def build_store(bin_, work, feeds, items):
    """Stores `feeds` feeds of `items` items each, served over loopback by bench/feed_server.py
    (stopped afterwards, by its PID), with `gazette --list`; returns (data dir, feed URLs)."""
    data = os.path.join(work, "data")
    argv = [sys.executable, os.path.join(ROOT, "bench", "feed_server.py"), "--feeds", str(feeds), "--items", str(items)]
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().split()
        if not line or line[0] != "READY":
            raise tui.Failure("the feed server did not start")
        urls = urllib.request.urlopen(line[1] + "/urls").read().decode().split()
        config = os.path.join(work, "build.toml")
        write_config(config, urls)
        t0 = tui.now()
        subprocess.run([bin_, "--list", "--data-dir", data, "--config", config], check=True, stdout=subprocess.DEVNULL)
        tui.log(f"{feeds:,} feeds x {items:,} items stored in {tui.now() - t0:.0f} s")
    finally:
        server.terminate()
        server.wait()
    return data, urls


def write_config(path, urls):
    """A config subscribed to `urls`."""
    with open(path, "w") as f:
        f.writelines(f'[[feeds]]\nurl = "{url}"\n' for url in urls)


def measure(args, words, work):
    """Starts the reader on the store and types the words."""
    config = os.path.join(work, "config.toml")
    write_config(config, args.feed)
    argv = [args.bin, "--offline", "--data-dir", args.data_dir, "--config", config]
    tmux = tui.Tmux(f"gazette-search-keys-{os.getpid()}")
    b = tui.Bench(tmux, args)
    seen = {}
    try:
        pane, pid = tmux.start(argv)
        stories = wait_listed(b, pane, pid)
        if stories == 0:
            raise tui.Failure(f"no stories of the feeds given in {args.data_dir}")
        tui.log(f"{stories:,} stories listed; reader idle")
        for _ in range(args.reps):
            b.key(pane, "/", lambda l, _b: bool(re.search(r"(^|\s)(text)?/$", tui.status_left(l))))
            if not re.search(r"text/$", tui.status_left(tmux.capture(pane))):
                b.key(pane, "Tab", tui.prompt_is("", text=True))
            for word in words:
                type_word(b, pane, word, seen)
                b.key(pane, "C-u", tui.prompt_is("", text=True), settle=0.3)
            b.key(pane, "Escape", tui.no_prompt, settle=0.1)
        b.quit(pane, pid)
    finally:
        tmux.close()
    report(seen)


def wait_listed(b, pane, pid):
    """Waits until every stored story is listed and gazette is idle; returns how many."""
    deadline = time.time() + 300
    while time.time() < deadline:
        lines = b.t.capture(pane)
        if all_listed(lines) and tui.wait_idle(pid, limit=60) is not None:
            lines = b.t.capture(pane)
            return int(re.match(r"\s*(\d+)", tui.status_left(lines)).group(1))
        time.sleep(0.5)
    raise tui.Failure("the stored stories were not all listed within 300 s")


def type_word(b, pane, word, seen):
    """Types `word` a letter at a time; records, for each letter from the second on, the ms from
    the key until the list changed, the newest 2,000 matches were listed ("2000+ of", or the
    whole answer when it is smaller) and the whole answer was counted."""
    for i, ch in enumerate(word):
        query = word[: i + 1]
        shows = tui.prompt_is(query, text=True)
        if i == 0:
            b.key(pane, ch, shows, settle=0.2, literal=True)
            continue
        before = b.t.capture(pane)
        t0 = tui.now()
        b.t.send(pane, ch, literal=True)
        times = {}
        while "whole" not in times:
            lines = b.t.capture(pane)
            t = (tui.now() - t0) * 1000
            if shows(lines, before):
                if tui.upper_changed(lines, before):
                    times.setdefault("changed", t)
                count = counted(lines)
                if count and (count[2] or count[0] >= FIRST_ANSWER):
                    times.setdefault("first", t)
                if count and count[2]:
                    times["whole"] = t
            if t > 10_000:
                raise tui.Failure(f"{query!r}: no whole answer after 10 s")
            # A capture when the pane writes, else every 50 ms: polling tmux every millisecond
            # took a third of a core from a search that wants both.
            b.t.wait_activity(0.05)
        for what, ms in times.items():
            seen.setdefault(what, {}).setdefault(query, []).append(ms)


COLUMNS = [("changed", "list changed"), ("first", "newest 2,000"), ("whole", "whole answer")]


def report(seen):
    """Per query typed, and over every key: each moment's median and worst."""
    tui.log(f"{'query':<12}" + "".join(f"{title + ': median / worst':>30}" for _, title in COLUMNS))
    queries = list(seen["whole"])
    for query in queries + [None]:
        cells = []
        for what, _ in COLUMNS:
            by_query = seen.get(what, {})
            values = by_query.get(query, []) if query else [v for vs in by_query.values() for v in vs]
            cells.append(fmt(tui.stats(values) if values else None))
        tui.log(f"{query or 'every key':<12}" + "".join(f"{c:>30}" for c in cells))


def fmt(s):
    return f"{s['median']:.1f} / {s['max']:.1f} ms" if s else "—"


if __name__ == "__main__":
    sys.exit(main())
