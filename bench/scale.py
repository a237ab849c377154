#!/usr/bin/env python3
"""Refreshing many feeds over loopback, side by side: a bare 6-thread HTTP client, `gazette --list`
and (with --newsboat) `newsboat -x reload`, on the feeds bench/feed_server.py serves.

    bench/scale.py --bin target/release/gazette [--feeds 1000] [--items 20] [--newsboat] [--faulty]

For each program: from nothing to every feed fetched and stored, then the same again with nothing
changed (conditional requests: 304), then after the server's next round (K new items per feed).
The bare client is Python's http.client on 6 threads with keep-alive, reading every body (the
floor: no parsing, no storing). gazette runs with a private --config (the feeds as [[feeds]]) and
--data-dir; newsboat with a private urls file, cache and config (reload-threads 6). Reports
wall-clock seconds, the stories stored (gazette's store, newsboat's cache) and their size.
Stdlib only (newsboat from Debian when asked for).
"""

import argparse
import http.client
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_server(feeds, items, faulty, hosts):
    argv = [sys.executable, os.path.join(ROOT, "bench/feed_server.py"),
            "--feeds", str(feeds), "--items", str(items), "--hosts", str(hosts)] + (
                ["--faulty"] if faulty else [])
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().split()
    if not line or line[0] != "READY":
        server.kill()
        sys.exit("scale: the feed server did not start")
    return server, line[1]


def bare_client(urls, threads=6):
    """Fetches every URL with `threads` keep-alive connections; seconds taken."""
    jobs = queue.Queue()
    for url in urls:
        jobs.put(url)

    def work():
        conn = None
        while True:
            try:
                url = jobs.get_nowait()
            except queue.Empty:
                return
            rest = url.split("://", 1)[1]
            host, path = rest.split("/", 1)
            for _ in range(2):
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(host, timeout=5)
                    conn.request("GET", "/" + path)
                    conn.getresponse().read()
                    break
                except (OSError, http.client.HTTPException):
                    conn = None

    start = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start


def run(argv, env=None):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - start, done.returncode


def stored(db):
    try:
        with sqlite3.connect("file:%s?mode=ro" % db, uri=True) as conn:
            return conn.execute("SELECT count(*) FROM %s" % (
                "stories" if db.endswith("gazette.db") else "rss_item")).fetchone()[0]
    except sqlite3.Error:
        return None


def size(path):
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)
               if os.path.isfile(os.path.join(path, f))) if os.path.isdir(path) else os.path.getsize(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/gazette"))
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--newsboat", action="store_true")
    parser.add_argument("--faulty", action="store_true")
    parser.add_argument("--hosts", type=int, default=1)
    args = parser.parse_args()
    server, base = start_server(args.feeds, args.items, args.faulty, args.hosts)
    work = tempfile.mkdtemp(prefix="gazette-scale.")
    rows = []
    try:
        urls = urllib.request.urlopen(base + "/urls").read().decode().split()
        rows.append(("bare client, 6 threads, keep-alive", bare_client(urls), None, None))
        config = os.path.join(work, "config.toml")
        with open(config, "w") as f:
            for url in urls:
                f.write('[[feeds]]\nurl = "%s"\n' % url)
        data = os.path.join(work, "data")
        gazette = [args.bin, "--config", config, "--data-dir", data, "--list"]
        db = os.path.join(data, "gazette.db")
        for what in ("from nothing", "unchanged (304)"):
            seconds, code = run(gazette)
            rows.append(("gazette --list, " + what, seconds, stored(db), size(data)))
        urllib.request.urlopen(base + "/round/1").read()
        seconds, code = run(gazette)
        rows.append(("gazette --list, %d new items a feed" % args.items, seconds, stored(db),
                     size(data)))
        urllib.request.urlopen(base + "/round/0").read()
        if args.newsboat and shutil.which("newsboat"):
            nb = os.path.join(work, "newsboat")
            os.makedirs(nb)
            with open(os.path.join(nb, "urls"), "w") as f:
                f.write("\n".join(urls) + "\n")
            with open(os.path.join(nb, "config"), "w") as f:
                f.write("reload-threads 6\n")
            cache = os.path.join(nb, "cache.db")
            argv = ["newsboat", "-u", os.path.join(nb, "urls"), "-c", cache,
                    "-C", os.path.join(nb, "config"), "-x", "reload"]
            for what in ("from nothing", "unchanged (304)"):
                seconds, code = run(argv)
                rows.append(("newsboat -x reload, " + what, seconds, stored(cache),
                             os.path.getsize(cache)))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    load = open("/proc/loadavg").read().split()[0]
    print("%d feeds x %d items over loopback, %d host(s)%s (load %s):" % (
        args.feeds, args.items, args.hosts, ", 100 faulty" if args.faulty else "", load))
    for name, seconds, count, nbytes in rows:
        extra = ""
        if count:
            extra = ", %d stories stored, %.0f bytes a story" % (count, nbytes / count)
        print("  %-46s %6.2f s%s" % (name, seconds, extra))


if __name__ == "__main__":
    main()
