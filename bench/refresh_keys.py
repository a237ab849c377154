#!/usr/bin/env python3
"""Keys while the reader refreshes 1,000 feeds, 100 of them faulty: is every key answered within
50 ms throughout, and is memory bounded?

    python3 bench/refresh_keys.py [--bin target/release/gazette] [--feeds 1000] [--items 20]
                                  [--hosts 7] [--no-faulty] [--seconds 90]

bench/feed_server.py serves the feeds on 127.0.0.1 (with --faulty: 10 each of hanging, reset
mid-body, gzip bomb, redirect loop, 404, 500, not a feed, 5 MB title, invalid UTF-8, truncated).
gazette runs as a reader (not --list) on a private config of those feeds and a new data
directory, in a 200x50 pane of a private tmux server driven as bench/tui.py drives it. From its
first frame until the refresh is over (the store's count unchanged for 5 s) or --seconds pass, it
types a filter over and over: `/`, `z`, `q`, Esc, each key timed from the moment it is written to
tmux until a capture shows its effect (the prompt with the query typed so far, or gone), 50 ms
apart. Reports the keys' median, 95th percentile and worst, when the last story was stored
(the store's count read every 0.25 s), the stories stored, and the reader's peak memory (VmHWM) and memory at the end (VmRSS). stdlib only.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tui  # noqa: E402
from scale import ROOT, start_server, stored  # noqa: E402

# Each key and the screen that answers it.
KEYS = [
    ("/", tui.prompt_is("")),
    ("z", tui.prompt_is("z")),
    ("q", tui.prompt_is("zq")),
    ("Escape", tui.no_prompt),
]


def type_keys(bench, pane, deadline, done):
    """Types KEYS round and round until `done()` or the deadline; each key's ms."""
    times = []
    while tui.now() < deadline and not done():
        for key, answered in KEYS:
            ms, lines = bench.key(pane, key, answered, settle=0, literal=key != "Escape")
            if ms is None:
                raise tui.Failure(f"{key!r} was not answered in 5 s:\n" + tui.screen(lines))
            times.append(ms)
            time.sleep(0.05)
    return times


class Refresh:
    """Watches the store's count: over once it has not moved for 5 s."""

    def __init__(self, db):
        self.db, self.count, self.moved, self.started = db, None, tui.now(), tui.now()
        self.last_check = 0.0
        self.over = False

    def done(self):
        if tui.now() - self.last_check < 0.25:
            return False
        self.last_check = tui.now()
        count = stored(self.db)
        if count != self.count:
            self.count, self.moved = count, tui.now()
        self.over = bool(self.count) and tui.now() - self.moved > 5.0
        return self.over


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/gazette"))
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--hosts", type=int, default=7)
    ap.add_argument("--no-faulty", action="store_true")
    ap.add_argument("--seconds", type=float, default=90)
    args = ap.parse_args()
    server, base = start_server(args.feeds, args.items, not args.no_faulty, args.hosts)
    work = tempfile.mkdtemp(prefix="gazette-refresh-keys.")
    socket = f"gazette-refresh-keys-{os.getpid()}"
    t = tui.Tmux(socket)
    try:
        urls = urllib.request.urlopen(base + "/urls").read().decode().split()
        config = os.path.join(work, "config.toml")
        with open(config, "w") as f:
            f.writelines('[[feeds]]\nurl = "%s"\n' % url for url in urls)
        data = os.path.join(work, "data")
        bench = tui.Bench(t, args)
        argv = [args.bin, "--config", config, "--data-dir", data]
        first_ms, pane, pid, _ = bench.launch(argv, 0, 30)
        refresh = Refresh(os.path.join(data, "gazette.db"))
        times = type_keys(bench, pane, tui.now() + args.seconds, refresh.done)
        seconds = tui.now() - refresh.started
        memory = tui.proc_status(pid)
        bench.quit(pane, pid)
    finally:
        t.close()
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    times.sort()
    p95 = times[int(len(times) * 0.95)]
    print("%d feeds x %d items, %d host(s)%s, load %s:" % (
        args.feeds, args.items, args.hosts, "" if args.no_faulty else ", 100 faulty",
        open("/proc/loadavg").read().split()[0]))
    print("  first frame %.0f ms; the last story stored after %.1f s; watched %.1f s (%s), "
          "%s stories stored" % (first_ms, refresh.moved - refresh.started, seconds,
                                 "over" if refresh.over else "cut short", refresh.count))
    print("  %d keys: median %.1f ms, 95th %.1f ms, worst %.1f ms; over 50 ms: %d" % (
        len(times), statistics.median(times), p95, times[-1], sum(t > 50 for t in times)))
    print("  memory: peak %.0f MiB, at the end %.0f MiB" % (memory.get("VmHWM", 0),
                                                          memory.get("VmRSS", 0)))


if __name__ == "__main__":
    main()
