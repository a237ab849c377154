#!/usr/bin/env python3
"""Reader mode's page-to-pane latency: how long after a story's web page has arrived over loopback
the story pane shows its article.

A feed of summary-only stories and their article pages (each a copy of a corpus page,
tests/fixtures/articles/aesop-newsroom.html, 30 KB) are served on 127.0.0.1 by a thread of this
script, which notes when it has written each page's last byte. gazette runs in a pseudo-terminal
of its own (no tmux in between, stdlib pty); for each story the script presses `f` and reads the
terminal's output until the article's first words are drawn. The figure is the time from the
page's last byte written to the frame holding the article (extraction, layout and drawing, plus
the loopback hop), over REPS stories, each page fetched once; and, as an upper bound that does not
depend on the server thread's clock, the time from the key to the article drawn.

    bench/article_latency.py --bin target/release/gazette [--reps N]

bench/tui.sh --article runs it (after building). Stdlib only.
"""

import argparse
import http.server
import os
import pty
import select
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "tests/fixtures/articles/aesop-newsroom.html")
# Words of the article's first paragraph, not in the feed's summary: drawn once it is shown.
MARKER = b"famished"


def serve(reps):
    page = open(PAGE, "rb").read()
    served = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/feed.xml":
                base = "http://127.0.0.1:%d" % self.server.server_address[1]
                items = "".join(
                    "<item><title>Story %d</title><link>%s/page/%d.html</link><guid>%d</guid>"
                    "<description>Summary %d.</description></item>" % (i, base, i, i, i)
                    for i in range(reps)
                )
                body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Latency</title>'
                        "%s</channel></rss>" % items).encode()
                kind = "application/rss+xml"
            elif self.path.startswith("/page/"):
                body, kind = page, "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            served[self.path] = time.perf_counter()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, served


def read_until(fd, want, timeout):
    """Reads the terminal's output until `want` is in it; the time of the chunk holding it."""
    seen = b""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            return None
        now = time.perf_counter()
        seen = (seen + data)[-(1 << 16):]
        if want in seen:
            return now
    return None


def drain(fd, quiet=0.2):
    while select.select([fd], [], [], quiet)[0]:
        try:
            os.read(fd, 1 << 16)
        except OSError:
            return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/gazette"))
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    server, served = serve(args.reps)
    work = tempfile.mkdtemp(prefix="gazette-article-bench.")
    feed = "http://127.0.0.1:%d/feed.xml" % server.server_address[1]
    config = os.path.join(work, "config.toml")
    open(config, "w").close()
    argv = [args.bin, "--config", config, "--data-dir", os.path.join(work, "data"), feed]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    import fcntl, struct, termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    latencies, totals = [], []
    try:
        # ratatui writes only the cells that change (a space already there is skipped, the
        # cursor moved past it), so what is waited for is one word.
        if read_until(fd, b"Summary", 20) is None:
            sys.exit("article_latency: the feed never showed")
        drain(fd)
        for i in range(args.reps):
            pressed = time.perf_counter()
            os.write(fd, b"f")
            shown = read_until(fd, MARKER, 10)
            arrived = served.get("/page/%d.html" % i)
            if shown is None or arrived is None:
                sys.exit("article_latency: story %d's article never showed" % i)
            latencies.append((shown - arrived) * 1000)
            totals.append((shown - pressed) * 1000)
            drain(fd)
            os.write(fd, b"j")
            drain(fd, quiet=0.3)
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    latencies.sort()
    totals.sort()
    load = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
    print("reader mode, page arrived over loopback -> article drawn (%d pages, load %s):"
          % (len(latencies), load))
    print("  median %.1f ms, worst %.1f ms, best %.1f ms"
          % (statistics.median(latencies), latencies[-1], latencies[0]))
    # The server's clock is read by a Python thread after its last write, so under load the
    # figure above can come out short; the key to the article bounds it from above.
    print("key f pressed -> article drawn (request, loopback fetch, extraction, frame):")
    print("  median %.1f ms, worst %.1f ms" % (statistics.median(totals), totals[-1]))


if __name__ == "__main__":
    main()
