#!/usr/bin/env python3
"""A loopback server of N generated feeds of K items each, for the scale figures (bench/scale.sh).

    python3 bench/feed_server.py [--feeds N] [--items K] [--round R] [--faulty] [--port P] [--hosts H]

Serves http://127.0.0.1:PORT/feed/I.xml for I in 0..N: an RSS 2.0 feed of K items (about 2.5 KB
each: a 60-90 character title, a 2 KB HTML description), deterministic, whose items are new in
each round (R; `/round/R` switches the round while it runs, so a refresh brings K new items per
feed). HTTP/1.1 with keep-alive; each answer carries an ETag and Last-Modified for its round, and a
conditional request for the current round gets 304 Not Modified. `/urls` lists the feed URLs.
With --faulty, every tenth feed (I % 10 == 9) fails one of ten ways: hanging, reset mid-body, a
gzip bomb, a redirect loop, 404, 500, not a feed, a 5 MB title, invalid UTF-8, truncated.

With --hosts H, the same port is served on 127.0.0.1 to 127.0.0.H too, and feed I is listed at
127.0.0.(1 + I % H): several hosts, as real feeds have, so a per-host connection limit applies as
it would. Prints "READY http://127.0.0.1:PORT" on stdout once listening; stops on SIGTERM or SIGINT. Binds
127.0.0.1 only. Stdlib only.
"""

import argparse
import functools
import gzip
import http.server
import signal
import sys
import threading
import time

WORDS = ("harbour council tide ferry lighthouse budget election storm fishing market school "
         "bridge festival museum railway weather quay island ministry report winter").split()
FAULTS = ["hang", "reset", "gzip-bomb", "redirect-loop", "404", "500", "not-a-feed",
          "huge-title", "invalid-utf8", "truncated"]


def title(feed, item):
    words = [WORDS[(feed * 7 + item * 13 + k * 3) % len(WORDS)] for k in range(11)]
    text = " ".join(words).capitalize()
    return "%s %d-%d" % (text[:80], feed, item)


def feed_xml(feed, items, round_):
    first = round_ * items
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
             "<title>Feed %d</title><link>http://127.0.0.1/%d</link>" % (feed, feed)]
    for item in range(first + items - 1, first - 1, -1):
        stamp = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                              time.gmtime(1_700_000_000 + item * 3600 + feed))
        para = " ".join(WORDS[(feed + item + k) % len(WORDS)] for k in range(40))
        body = "".join("&lt;p&gt;%s %d.&lt;/p&gt;" % (para, k) for k in range(7))
        parts.append("<item><title>%s</title><link>http://127.0.0.1/%d/%d</link>"
                     "<guid>%d-%d</guid><pubDate>%s</pubDate><description>%s</description></item>"
                     % (title(feed, item), feed, item, feed, item, stamp, body))
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()


@functools.lru_cache(maxsize=1)
def gzip_bomb():
    """200 MB of '<' gzipped (about 200 KB), made once: compressing it took the server a second or
    more of CPU, under Python's one lock, for each of the ten requests, and every other feed's
    answer waited behind it."""
    return gzip.compress(b"<" * (200 << 20), compresslevel=9)


class State:
    def __init__(self, feeds, items, faulty):
        self.feeds, self.items, self.faulty = feeds, items, faulty
        self.round = 0
        self.hosts = 1
        self.cache = {}
        self.lock = threading.Lock()

    def body(self, feed):
        key = (feed, self.round)
        with self.lock:
            if key not in self.cache:
                self.cache[key] = feed_xml(feed, self.items, self.round)
            return self.cache[key]

    def fault(self, feed):
        if self.faulty and feed % 10 == 9:
            return FAULTS[(feed // 10) % len(FAULTS)]
        return None


def handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, code, body, headers=()):
            self.send_response(code)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path
            if path == "/urls":
                port = self.server.server_address[1]
                urls = "".join("http://127.0.0.%d:%d/feed/%d.xml\n" % (1 + i % state.hosts, port, i)
                               for i in range(state.feeds))
                return self.send(200, urls.encode())
            if path.startswith("/round/"):
                state.round = int(path.split("/")[2])
                return self.send(200, b"ok\n")
            if not (path.startswith("/feed/") and path.endswith(".xml")):
                return self.send(404, b"")
            try:
                feed = int(path[len("/feed/"):-len(".xml")])
            except ValueError:
                return self.send(404, b"")
            fault = state.fault(feed)
            if fault:
                return self.faulty(fault, feed)
            etag = '"r%d-f%d"' % (state.round, feed)
            modified = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                     time.gmtime(1_700_000_000 + state.round * 86400))
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send(200, state.body(feed), [("Content-Type", "application/rss+xml"),
                                              ("ETag", etag), ("Last-Modified", modified)])

        def faulty(self, fault, feed):
            if fault == "hang":
                time.sleep(3600)
            elif fault == "reset":
                body = state.body(feed)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.connection.close()
                self.close_connection = True
            elif fault == "gzip-bomb":
                self.send(200, gzip_bomb(), [("Content-Encoding", "gzip")])
            elif fault == "redirect-loop":
                self.send(302, b"", [("Location", self.path)])
            elif fault in ("404", "500"):
                self.send(int(fault), b"")
            elif fault == "not-a-feed":
                self.send(200, b"<html><body>Not a feed</body></html>",
                          [("Content-Type", "text/html")])
            elif fault == "huge-title":
                big = b"T" * (5 << 20)
                self.send(200, b'<rss version="2.0"><channel><title>x</title><item><title>'
                          + big + b"</title><guid>1</guid></item></channel></rss>")
            elif fault == "invalid-utf8":
                self.send(200, state.body(feed).replace(b"Feed ", b"Feed \xff\xfe ", 1))
            elif fault == "truncated":
                body = state.body(feed)
                self.send(200, body[: len(body) * 2 // 3])

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--round", type=int, default=0)
    parser.add_argument("--faulty", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--hosts", type=int, default=1)
    args = parser.parse_args()
    state = State(args.feeds, args.items, args.faulty)
    state.round = args.round
    state.hosts = max(1, min(args.hosts, 254))
    if args.faulty:
        gzip_bomb()  # before READY: not while the feeds are being fetched
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler(state))
    server.daemon_threads = True
    port = server.server_address[1]
    # The same port on 127.0.0.2, 127.0.0.3, ...: feeds spread over several hosts, as real ones
    # are, so a per-host limit applies as it would (Linux routes all of 127/8 to loopback).
    others = []
    for host in range(2, state.hosts + 1):
        other = http.server.ThreadingHTTPServer(("127.0.0.%d" % host, port), handler(state))
        other.daemon_threads = True
        threading.Thread(target=other.serve_forever, daemon=True).start()
        others.append(other)
    def stop(*_):
        for s in [server] + others:
            threading.Thread(target=s.shutdown).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY http://127.0.0.1:%d" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
