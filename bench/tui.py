#!/usr/bin/env python3
"""The measuring half of bench/tui.sh (run that: it builds, makes the feed and cleans up).

Drives gazette in a private tmux server through one tmux control-mode client: commands
(`send-keys`, `capture-pane -p`) go over a pipe and answer in about 0.1 ms, and the client is told
(`%output`) whenever a pane writes, so the screen is captured again at once instead of on a timer.
Every figure is "from the moment the command was written to tmux until a capture shows the
expected screen", so it includes tmux's own latency; the baseline (a key echoed by the terminal of
a pane running `cat`, and a trivial program started and shown) is measured the same way and printed
alongside.

A keystroke's screen is "done" when the expected change is visible (the prompt shows the query,
the list moved, the search answer replaced the list) and then nothing changes for a settling time;
the latency is to the first capture of that final screen, so a frame written in several pieces, or
an answer that comes after the prompt was redrawn, is counted in full.

stdlib only.
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time

WIDTH, HEIGHT = 200, 50
now = time.perf_counter


class Failure(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# tmux


def quote(arg):
    """An argument for tmux's command parser."""
    arg = str(arg)
    if "'" in arg:
        raise Failure(f"cannot pass {arg!r} to tmux (single quote)")
    return "'" + arg + "'"


class Tmux:
    """A private tmux server and one control-mode client attached to its `host` session."""

    def __init__(self, socket):
        self.socket = socket
        base = ["tmux", "-L", socket, "-u", "-f", "/dev/null"]
        subprocess.run(
            base + ["new-session", "-d", "-s", "host", "-x", str(WIDTH), "-y", str(HEIGHT), "cat"],
            check=True,
        )
        for option, value in [
            ("remain-on-exit", "on"),
            ("status", "off"),
            # (not window-size manual: tmux 3.3a crashes on new-window from a control client then)
            ("default-size", f"{WIDTH}x{HEIGHT}"),
        ]:
            subprocess.run(base + ["set-option", "-g", option, value], check=True)
        self.proc = subprocess.Popen(
            base + ["-C", "attach-session", "-t", "host", "-f", "ignore-size"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.fd = self.proc.stdout.fileno()
        self.buf = bytearray()
        self.block = None  # lines of the answer being read
        self.number = None  # its command number
        self.answers = []  # (ok, lines) read and not yet taken
        self.activity = False  # a pane wrote since this was last cleared
        # The attach itself answers first: read up to a known answer.
        self._write("display-message -p GAZETTE-BENCH-SYNC")
        while True:
            ok, lines = self._answer()
            if lines == ["GAZETTE-BENCH-SYNC"]:
                break

    def close(self):
        try:
            self._write("kill-server")
        except (OSError, Failure):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    # -- the protocol

    def _write(self, line):
        self.proc.stdin.write(line.encode() + b"\n")

    def _fill(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        data = os.read(self.fd, 1 << 20)
        if not data:
            raise Failure("the tmux control client exited")
        self.buf += data
        self._parse()
        return True

    def _parse(self):
        start = 0
        while True:
            end = self.buf.find(b"\n", start)
            if end < 0:
                break
            line = bytes(self.buf[start:end])
            start = end + 1
            if self.block is not None:
                if line.startswith((b"%end ", b"%error ")) and line.split(b" ")[2:3] == [self.number]:
                    # Flags 1: the answer to a command of this client (not, say, the attach).
                    if line.split(b" ")[3:4] == [b"1"]:
                        self.answers.append((line.startswith(b"%end "), self.block))
                    self.block = None
                else:
                    self.block.append(line.decode("utf-8", "replace"))
            elif line.startswith(b"%begin "):
                self.block = []
                self.number = line.split(b" ")[2]
            elif line.startswith((b"%output ", b"%extended-output ")):
                self.activity = True
            elif line.startswith(b"%exit"):
                raise Failure("the tmux server went away")
        del self.buf[:start]

    def _answer(self):
        while not self.answers:
            self._fill(10.0)
        return self.answers.pop(0)

    def cmd(self, line):
        self._write(line)
        ok, lines = self._answer()
        if not ok:
            raise Failure(f"tmux {line.split()[0]}: {' '.join(lines)}")
        return lines

    def wait_activity(self, timeout):
        """Returns when a pane wrote (or at once if one did since the last call), else after
        `timeout` seconds."""
        deadline = now() + timeout
        while not self.activity:
            left = deadline - now()
            if left <= 0:
                break
            self._fill(left)
        self.activity = False

    # -- panes

    def start(self, argv, cwd=None, env=None):
        """Runs argv (no shell) in a new window of the host session; returns (pane, pid)."""
        command = "new-window -d -P -F '#{pane_id} #{pane_pid}' -t host:"
        if cwd:
            command += " -c " + quote(cwd)
        for name, value in (env or {}).items():
            command += " -e " + quote(f"{name}={value}")
        command += " " + " ".join(quote(a) for a in argv)
        pane, pid = self.cmd(command)[0].split()
        return pane, int(pid)

    def capture(self, pane):
        lines = self.cmd(f"capture-pane -p -t {pane}")
        return lines + [""] * (HEIGHT - len(lines))

    def send(self, pane, key, literal=False):
        self.cmd(f"send-keys -t {pane} {'-l ' if literal else ''}{quote(key)}")

    def dead(self, pane):
        """None while the pane's program runs, else its exit status (or the signal)."""
        out = self.cmd(f"display-message -p -t {pane} '#{{pane_dead}} #{{pane_dead_status}} #{{pane_dead_signal}}'")
        fields = out[0].split() if out else []
        if not fields or fields[0] != "1":
            return None
        return " ".join(fields[1:]) or "?"

    def kill(self, pane):
        try:
            self.cmd(f"kill-pane -t {pane}")
        except Failure:
            pass


# ---------------------------------------------------------------------------------------------
# what the screen and the process show


def headline_rows(lines):
    """Rows of the left pane that hold a headline (a dozen letters or more)."""
    count = 0
    for line in lines[1 : HEIGHT - 1]:
        if not line.startswith("│"):
            continue
        end = line.find("│", 1)
        segment = line[1:end] if end > 0 else line[1:]
        if sum(c.isalpha() for c in segment) >= 12:
            count += 1
    return count


def first_screen(want):
    """At least `want` headline rows, and the status bar drawn (the last row of a frame: ratatui
    writes a frame top to bottom, so a frame written in pieces is not taken for the whole)."""
    return lambda lines: headline_rows(lines) >= want and lines[HEIGHT - 1].strip() != ""


def status_left(lines):
    """The status bar's left part (counts and the filter prompt)."""
    return re.split(r"\s{3,}", lines[HEIGHT - 1].strip())[0]


def prompt_is(query, text=False):
    pattern = re.compile(r"(^|\s)" + ("text/" if text else "/") + re.escape(query) + r"$")
    return lambda lines, before: bool(pattern.search(status_left(lines)))


def no_prompt(lines, before):
    return not re.search(r"(^|\s)(text)?/\S*$", status_left(lines))


def upper_changed(lines, before):
    return lines[: HEIGHT - 1] != before[: HEIGHT - 1]


def proc_status(pid):
    """VmHWM and VmRSS in MiB."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    key, value = line.split(":")
                    out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def zombie_status(pid):
    """The exit status of a process that exited and was not reaped yet (Linux 3.5+)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] != "Z" or len(fields) < 50:
        return None
    code = int(fields[49])
    return f"signal {code & 0x7F}" if code & 0x7F else str(code >> 8)


def cpu_seconds(pid):
    """User + system time of the whole process, all threads."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def wait_idle(pid, window=1.0, limit=60.0):
    """Waits until the process uses under 5% of a core over `window` seconds; returns the seconds
    waited (or None if it never went idle within `limit`)."""
    start = now()
    samples = [(start, cpu_seconds(pid))]
    while now() - start < limit:
        time.sleep(0.1)
        samples.append((now(), cpu_seconds(pid)))
        old = [s for s in samples if s[0] <= samples[-1][0] - window]
        if old and old[-1][1] is not None and samples[-1][1] is not None:
            if samples[-1][1] - old[-1][1] < 0.05 * window:
                return max(0.0, old[-1][0] - start)
    return None


def db_count(path):
    """SELECT count(*) FROM stories, read-only; None while the store cannot be read."""
    if not os.path.exists(path):
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
        try:
            return con.execute("SELECT count(*) FROM stories").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def feed_items(path):
    count = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 24)
            if not chunk:
                break
            count += chunk.count(b"<item>")
    return count


# ---------------------------------------------------------------------------------------------
# measurements


def tmux_dir():
    """Where tmux puts its sockets (`-L NAME` is this directory's NAME)."""
    base = os.environ.get("TMUX_TMPDIR") or "/tmp"
    return os.path.join(base, f"tmux-{os.getuid()}")


class Bench:
    def __init__(self, tmux, args):
        self.t = tmux
        self.args = args

    def fresh_tmux(self):
        """Replaces the tmux server with a new one on the same socket. Start times are taken on a
        fresh server, as the baseline's are: a server that has shown the 100,000-story panes
        holds some 90 MiB it does not give back, and forking it for each new window then adds
        about 5 ms to any program's start (`cat` of a recorded frame: 5.5 ms fresh, 11 ms after
        200 Downs)."""
        socket = self.t.socket
        self.t.close()
        # Until the old server is gone: a client that reaches it while it exits fails.
        deadline = now() + 5
        while now() < deadline:
            gone = subprocess.run(
                ["tmux", "-L", socket, "list-sessions"], capture_output=True
            ).returncode != 0
            if gone and not os.path.exists(os.path.join(tmux_dir(), socket)):
                break
            time.sleep(0.02)
        self.t = Tmux(socket)

    def until(self, pane, predicate, timeout, t0, poll=0.002):
        """Captures until predicate(lines) holds; returns (seconds since t0, lines). A capture
        follows each write of the pane at once; without one, the next comes after `poll`, or 2% of
        the time so far, whichever is longer (up to 50 ms), so a slow start is not slowed further
        by the polling."""
        checked = now()
        while True:
            lines = self.t.capture(pane)
            t = now()
            if predicate(lines):
                return t - t0, lines
            if t - t0 > timeout:
                raise Failure(f"nothing after {timeout:.0f} s; the screen:\n" + screen(lines))
            if t - checked > 0.2:
                checked = t
                status = self.t.dead(pane)
                if status is not None:
                    raise Failure(f"the program exited ({status}); the screen:\n" + screen(lines))
            self.t.wait_activity(min(0.05, max(poll, (t - t0) / 50)))

    def launch(self, argv, want, timeout):
        """Starts argv and waits for `want` headline rows: (ms, pane, pid, lines)."""
        t0 = now()
        pane, pid = self.t.start(argv)
        try:
            seconds, lines = self.until(pane, first_screen(want), timeout, t0)
        except Failure:
            self.t.kill(pane)
            raise
        return seconds * 1000, pane, pid, lines

    def key(self, pane, key, predicate, settle=0.05, timeout=5.0, literal=False):
        """Sends a key; ms until the screen shows the change and then stays as it is for `settle`
        seconds (None if the change never shows), and the final screen."""
        before = self.t.capture(pane)
        t0 = now()
        self.t.send(pane, key, literal)
        while True:
            lines = self.t.capture(pane)
            t = now()
            if predicate(lines, before):
                break
            if t - t0 > timeout:
                return None, lines
            self.t.wait_activity(0.001)
        last, t_last = lines, t
        # When the expected change showed first (the figure is to the final screen).
        self.first_ms = (t - t0) * 1000
        while now() - t_last < settle and now() - t0 < timeout:
            self.t.wait_activity(0.001)
            lines = self.t.capture(pane)
            if lines != last:
                last, t_last = lines, now()
        return (t_last - t0) * 1000, last

    def quit(self, pane, pid, key="q"):
        """Quits the program; (ms until it exited, exit status)."""
        t0 = now()
        self.t.send(pane, key)
        status = None
        while now() - t0 < 30:
            status = self.t.dead(pane)
            if status is not None:
                break
            time.sleep(0.005)
        ms = (now() - t0) * 1000
        # The pane is dead when its terminal closes; the status comes when tmux reaps the child,
        # which tmux 3.3a sometimes fails to do: then the zombie's /proc entry tells.
        waited = now()
        while status == "?" and now() - waited < 1:
            time.sleep(0.01)
            status = self.t.dead(pane)
        if status == "?":
            status = zombie_status(pid) or status
        if status is None:
            self.t.send(pane, "C-c")
            time.sleep(1)
        self.t.kill(pane)
        return ms, status

    # -- the baseline: tmux itself

    def baseline(self, runs):
        pane, _ = self.t.start(["cat"])
        time.sleep(0.2)
        echo = []
        for i in range(runs):
            ms, _ = self.key(pane, "x", lambda l, b: l != b, settle=0, literal=True)
            if ms is not None:
                echo.append(ms)
            if i % 50 == 49:
                self.key(pane, "Enter", lambda l, b: l != b, settle=0)
        self.t.kill(pane)
        # A program that repaints the whole pane (text only) at each key: the floor for a keystroke
        # whose answer is a full screen.
        pane, _ = self.t.start([sys.executable, "-c", REPAINT])
        time.sleep(0.3)
        repaint = []
        for i in range(runs):
            mark = f"{i + 1:6d} "
            ms, _ = self.key(pane, "x", lambda l, b, m=mark: l[HEIGHT - 1].startswith(m), settle=0, literal=True)
            repaint.append(ms)
        self.t.kill(pane)
        start = []
        for _ in range(max(3, runs // 4)):
            t0 = now()
            pane, _ = self.t.start(["sh", "-c", "echo READY; exec sleep 600"])
            seconds, _ = self.until(pane, lambda l: any("READY" in x for x in l), 10, t0, poll=0.0005)
            start.append(seconds * 1000)
            self.t.kill(pane)
        return echo, repaint, start


# One line (a tmux command cannot span lines): each key read repaints the pane, numbered.
REPAINT = (
    'import os, tty; tty.setraw(0); '
    '[os.write(1, ("\\x1b[H" + "\\r\\n".join(["%6d " % n + chr(97 + n % 26) * '
    f'{WIDTH - 8}] * {HEIGHT})).encode()) '
    'for n, _ in enumerate(iter(lambda: os.read(0, 1), b""), 1)]'
)


def screen(lines):
    return "\n".join("    " + l.rstrip() for l in lines if l.strip())


class Pty:
    """gazette in a pseudo-terminal of its own, no tmux in between: for the figures tmux's own
    work would swamp (a start in a few milliseconds, a key answered in one). A frame counts as
    written when the output has been quiet for QUIET seconds; the time is that of its last byte."""

    QUIET = 0.15

    def __init__(self, argv, rows=50, cols=200):
        import pty, fcntl, struct, termios
        self.t0 = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.execv(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.output = b""

    def burst(self, since, timeout=10.0):
        """Reads until the output is quiet; the ms from `since` to the burst's last byte."""
        last = None
        while time.perf_counter() - since < timeout:
            ready, _, _ = select.select([self.fd], [], [], self.QUIET if last else timeout)
            if not ready:
                if last:
                    break
                continue
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:
                break
            self.output += data
            last = time.perf_counter()
        return None if last is None else (last - since) * 1000

    def first_frame(self):
        return self.burst(self.t0)

    def key(self, data):
        self.output = b""
        sent = time.perf_counter()
        os.write(self.fd, data)
        return self.burst(sent, timeout=2.0)

    def close(self):
        try:
            os.write(self.fd, b"q")
            deadline = time.time() + 2
            while time.time() < deadline:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    break
                self.burst(time.perf_counter(), timeout=0.05)
            else:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {
        "median": statistics.median(values),
        "max": max(values),
        "min": min(values),
        "n": len(values),
    }


def fmt_ms(v):
    if v is None:
        return "—"
    return f"{v:.1f} ms" if v < 100 else f"{v:,.0f} ms"


def fmt_stats(s):
    if not s:
        return "—"
    return f"median {fmt_ms(s['median'])}, max {fmt_ms(s['max'])} (n={s['n']})"


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------------------------


def run_gazette(b, args, R, items):
    bin_, work = args.bin, args.work
    config = os.path.join(work, "config.toml")
    open(config, "w").close()
    data = os.path.join(work, "data")
    db = os.path.join(data, "gazette.db")
    argv = [bin_, "--data-dir", data, "--config", config, args.feed]
    want = min(10, items)
    timeout = 300
    reps = args.reps or (2 if args.quick else 5)

    # -- cold start
    log(f"\n== cold start: gazette --data-dir NEW --config EMPTY {args.feed}")
    t_launch = now()
    ms, pane, pid, lines = b.launch(argv, want, timeout)
    mem = proc_status(pid)
    R["cold_first_screen_ms"] = ms
    R["cold_first_screen_hwm_mib"] = mem.get("VmHWM")
    log(f"first screen of headlines: {fmt_ms(ms)}; VmHWM then {mem.get('VmHWM', 0):.0f} MiB")

    # -- every story in the store, the UI used meanwhile
    log(f"waiting for {items:,} stories in {db} (probing the UI with Down every second)")
    probes = []
    count, last_count, last_change = None, None, now()
    cpu = [(now(), cpu_seconds(pid))]
    next_probe = now()
    stored_ms = None
    stop = None
    while True:
        count = db_count(db)
        t = now()
        if count is not None and count >= items:
            stored_ms = (t - t_launch) * 1000
            break
        if count != last_count:
            last_count, last_change = count, t
        cpu.append((t, cpu_seconds(pid)))
        old = [c for c in cpu if c[0] <= t - 5]
        idle = bool(old) and None not in (old[-1][1], cpu[-1][1]) and cpu[-1][1] - old[-1][1] < 0.25
        if t - last_change > 5 and idle:
            stop = f"stalled: {count if count is not None else 'no readable store'} stories stored, gazette idle"
            break
        if t - t_launch > timeout:
            stop = f"timed out after {timeout} s with {count} stories stored"
            break
        if b.t.dead(pane) is not None:
            stop = "gazette exited"
            break
        if t >= next_probe:
            ms_probe, _ = b.key(pane, "Down", upper_changed, settle=0, timeout=1.0)
            probes.append(ms_probe)
            next_probe = now() + 1.0
        time.sleep(0.05)
    mem = proc_status(pid)
    R["stored_all_ms"] = stored_ms
    R["stored_count"] = count
    R["cold_after_ingest_hwm_mib"] = mem.get("VmHWM")
    R["ingest_ui_probes_ms"] = probes
    if stored_ms is not None:
        log(f"all {items:,} stories stored: {fmt_ms(stored_ms)} from launch; VmHWM {mem.get('VmHWM', 0):.0f} MiB")
        busy = wait_idle(pid, limit=120)
        if busy is not None:
            R["cold_idle_ms"] = stored_ms + busy * 1000
            log(f"gazette idle (under 5% of a core) {fmt_ms(R['cold_idle_ms'])} from launch")
        mem = proc_status(pid)
        R["cold_after_ingest_hwm_mib"] = mem.get("VmHWM")
    else:
        log(f"not every story stored: {stop}; VmHWM {mem.get('VmHWM', 0):.0f} MiB")
    answered = [p for p in probes if p is not None]
    log(
        f"Down pressed {len(probes)} times meanwhile: {len(answered)} redrawn within 1 s"
        + (f" ({fmt_stats(stats(answered))})" if answered else "")
    )
    ms_quit, status = b.quit(pane, pid)
    log(f"quit: {fmt_ms(ms_quit)}, exit status {status}")

    # -- warm start
    log("\n== warm start: the same command again, the file unchanged")
    ms, pane, pid, lines = b.launch(argv, want, timeout)
    mem_first = proc_status(pid)
    busy = wait_idle(pid)
    time.sleep(1)
    mem = proc_status(pid)
    R["warm_first_screen_ms"] = ms
    R["warm_first_screen_hwm_mib"] = mem_first.get("VmHWM")
    R["warm_busy_after_first_screen_s"] = busy
    R["warm_idle_rss_mib"] = mem.get("VmRSS")
    R["warm_idle_hwm_mib"] = mem.get("VmHWM")
    log(f"first screen of headlines: {fmt_ms(ms)}; VmHWM then {mem_first.get('VmHWM', 0):.0f} MiB")
    log(
        (f"busy for {busy:.1f} s after that" if busy is not None else "still busy after 60 s")
        + f"; idle with the list shown: VmRSS {mem.get('VmRSS', 0):.0f} MiB, VmHWM {mem.get('VmHWM', 0):.0f} MiB",
    )

    # -- filter keystrokes
    log(f"\n== filter: / then z a n z i b a r, one key at a time, {reps} times (Esc clears)")
    letters, opens, clears = [], [], []
    for _ in range(reps):
        ms, lines = b.key(pane, "/", lambda l, _b: bool(re.search(r"(^|\s)(text)?/$", status_left(l))))
        opens.append(ms)
        if re.search(r"text/$", status_left(lines)):
            b.key(pane, "Tab", prompt_is(""))
        query = ""
        for ch in "zanzibar":
            query += ch
            ms, lines = b.key(pane, ch, prompt_is(query), settle=0.1, literal=True)
            letters.append(ms)
        final = status_left(lines)
        ms, _ = b.key(pane, "Escape", no_prompt, settle=0.1)
        clears.append(ms)
    R["filter_open_ms"] = stats(opens)
    R["filter_key_ms"] = stats(letters)
    R["filter_clear_ms"] = stats(clears)
    log(f"status after /zanzibar: {final!r}")
    log(f"/ (open the filter): {fmt_stats(stats(opens))}")
    log(f"a letter:           {fmt_stats(stats(letters))}")
    log(f"Esc (clear):        {fmt_stats(stats(clears))}")
    if None in letters:
        log(f"{letters.count(None)} letters never showed in the prompt (5 s)")

    # -- full-text search keystrokes
    words = ["za", "uk", "fa", "ai", "me", "ho", "ra", "ex"][: 4 if args.quick else 8]
    log(
        f"\n== full-text search: / Tab, then for each of {' '.join(words)}: the first letter, "
        f"then the second (measured: until the index's answer replaces the list), Ctrl-U; {reps} times"
    )
    text_keys, unchanged = [], 0
    for _ in range(reps):
        ms, lines = b.key(pane, "/", lambda l, _b: bool(re.search(r"(^|\s)(text)?/$", status_left(l))))
        if not re.search(r"text/$", status_left(lines)):
            b.key(pane, "Tab", prompt_is("", text=True))
        for w in words:
            b.key(pane, w[0], prompt_is(w[0], text=True), settle=0.1, literal=True)
            shows = prompt_is(w, text=True)
            ms, lines = b.key(
                pane, w[1], lambda l, bf: shows(l, bf) and upper_changed(l, bf), settle=0.2, literal=True
            )
            if ms is None:
                unchanged += 1
            else:
                text_keys.append(ms)
            b.key(pane, "C-u", prompt_is("", text=True), settle=0.1)
        b.key(pane, "Escape", no_prompt, settle=0.1)
    R["text_key_ms"] = stats(text_keys)
    log(f"second letter: {fmt_stats(stats(text_keys))}")
    if unchanged:
        log(f"{unchanged} searches left the list as it was (not counted: the answer cannot be seen)")

    # -- moving the selection
    moves = 15 if args.quick else 40
    log(f"\n== selection: Down {moves} times, {reps} times (g back to the top)")
    downs = []
    for _ in range(reps):
        b.key(pane, "g", lambda l, bf: True, settle=0.1)
        for _ in range(moves):
            ms, _ = b.key(pane, "Down", upper_changed, settle=0.05)
            downs.append(ms)
    R["down_key_ms"] = stats(downs)
    log(f"Down: {fmt_stats(stats(downs))}")
    ms_quit, status = b.quit(pane, pid)
    log(f"quit: {fmt_ms(ms_quit)}, exit status {status}")

    # Down again in a pty of gazette's own (the 100,000 stories, warm): key to frame written.
    run = Pty(argv)
    run.first_frame()
    # Until the rest of the store is listed and the search thread has its table (measuring keys,
    # not the start): under 5% of a core for a second, reading what it draws meanwhile.
    deadline, used = time.time() + 60, cpu_seconds(run.pid)
    while time.time() < deadline:
        run.burst(time.perf_counter(), timeout=1.0)
        now_used = cpu_seconds(run.pid)
        if now_used is None or used is None or now_used - used < 0.05:
            break
        used = now_used
    direct = [run.key(b"\x1b[B") for _ in range(moves * reps)]
    run.close()
    R["down_pty_ms"] = stats(direct)
    log(f"Down, pty without tmux (key written to frame written): {fmt_stats(stats(direct))}")

    # -- the bundled edition
    runs = 3 if args.quick else 10
    log(f"\n== bundled edition: gazette --data-dir NEW --config EMPTY (no file), {runs} times, on a fresh tmux server")
    b.fresh_tmux()
    bundled, again, hwm = [], [], []
    for i in range(runs):
        d = os.path.join(work, f"bundled{i}")
        for times in (bundled, again):
            ms, pane, pid, _ = b.launch([bin_, "--data-dir", d, "--config", config], 10, 30)
            times.append(ms)
            hwm.append(proc_status(pid).get("VmHWM"))
            b.quit(pane, pid)
    R["bundled_first_screen_ms"] = stats(bundled)
    R["bundled_again_first_screen_ms"] = stats(again)
    R["bundled_hwm_mib"] = max(h for h in hwm if h is not None) if any(hwm) else None
    log(f"first screen, new data dir:  {fmt_stats(stats(bundled))}; VmHWM {R['bundled_hwm_mib'] or 0:.0f} MiB")
    log(f"first screen, same data dir again: {fmt_stats(stats(again))}")

    # The same without tmux: exec to the first frame written, in a pty of gazette's own.
    direct = []
    for i in range(runs):
        run = Pty([bin_, "--data-dir", os.path.join(work, f"bundled{i}"), "--config", config])
        direct.append(run.first_frame())
        run.close()
    R["bundled_pty_first_frame_ms"] = stats(direct)
    log(f"exec to the first frame written, pty without tmux: {fmt_stats(stats(direct))}")


def run_newsboat(b, args, R, items):
    nb = shutil.which("newsboat")
    work = os.path.join(args.work, "newsboat")
    os.makedirs(work, exist_ok=True)
    urls, cache, conf = (os.path.join(work, n) for n in ("urls", "cache.db", "config"))
    with open(urls, "w") as f:
        f.write(f"file://{args.feed}\n")
    open(conf, "w").close()
    base = [nb, "-u", urls, "-c", cache, "-C", conf]
    # newsboat keeps histories in its home directory: give it one of its own.
    env = {"HOME": work, "XDG_CONFIG_HOME": work, "XDG_DATA_HOME": work}
    log(f"\n== newsboat ({subprocess.run([nb, '-v'], capture_output=True, text=True).stdout.splitlines()[0]})")
    # Ingest: newsboat -x reload, timed, with its peak memory.
    errors = os.path.join(work, "stderr")
    with open(errors, "wb") as stderr:
        t0 = now()
        proc = subprocess.Popen(
            base + ["-x", "reload"], stdout=subprocess.DEVNULL, stderr=stderr, env={**os.environ, **env}
        )
        _, status, usage = os.wait4(proc.pid, 0)
        ingest = (now() - t0) * 1000
    with open(errors, "rb") as f:
        err = f.read().decode(errors="replace").strip()
    R["newsboat_ingest_ms"] = ingest
    R["newsboat_ingest_maxrss_mib"] = usage.ru_maxrss / 1024
    log(f"newsboat -x reload: {fmt_ms(ingest)}, max RSS {usage.ru_maxrss / 1024:.0f} MiB, status {status >> 8} {err[:200]}")
    # First screen (the feed list) from the filled cache.
    t0 = now()
    pane, pid = b.t.start(base, env=env)
    try:
        seconds, lines = b.until(pane, lambda l: any(re.search(r"\(\d+/\d+", x) for x in l), 120, t0)
        R["newsboat_first_screen_ms"] = seconds * 1000
        log(f"start to the feed list: {fmt_ms(seconds * 1000)}")
        # Open the feed: Enter, until a screen of its headlines.
        def articles(l, _b=None):
            return sum(1 for x in l if re.search(r"#\d+\s*$", x)) >= min(10, items)
        ms, lines = b.key(pane, "Enter", articles, settle=0.3, timeout=300)
        R["newsboat_open_feed_ms"] = ms
        log(f"Enter to the feed's headlines: {fmt_ms(ms)}")
        mem = proc_status(pid)
        R["newsboat_list_rss_mib"] = mem.get("VmRSS")
        log(f"memory with the list open: VmRSS {mem.get('VmRSS', 0):.0f} MiB, VmHWM {mem.get('VmHWM', 0):.0f} MiB")
        # A title filter: F, the expression, Enter.
        filt = []
        for _ in range(2 if args.quick else 3):
            b.key(pane, "F", lambda l, bf: l != bf, settle=0.2)
            b.t.send(pane, 'title =~ "Zanzibar"', literal=True)
            time.sleep(0.3)
            ms, lines = b.key(
                pane,
                "Enter",
                lambda l, bf: l[: HEIGHT - 2] != bf[: HEIGHT - 2]
                and all("Zanzibar" in x for x in l if re.search(r"#\d+\s*$", x)),
                settle=0.3,
                timeout=120,
            )
            filt.append(ms)
            log(f"  filter: first filtered screen {fmt_ms(b.first_ms)}, final screen {fmt_ms(ms)}")
            shown = [x for x in lines if re.search(r"#\d+\s*$", x)]
            if len(filt) == 1:
                log(f"after the filter: {len(shown)} headlines shown, e.g. {shown[0].strip() if shown else None!r}")
            # Back to every article: newsboat's clear-filter key is Ctrl-F.
            b.key(pane, "C-f", lambda l, bf: l != bf, settle=0.5, timeout=120)
        R["newsboat_filter_ms"] = stats(filt)
        log(f"title filter (F, title =~ \"Zanzibar\", Enter): {fmt_stats(stats(filt))}")
    except Failure as e:
        log(f"newsboat: {e}")
    finally:
        b.t.send(pane, "q")
        time.sleep(0.5)
        b.t.send(pane, "q")
        time.sleep(0.5)
        b.t.kill(pane)


def table(R, items, args):
    def ok(value, limit):
        if value is None:
            return "—"
        return "yes" if value < limit else "NO"

    rows = []
    def add(what, target, limit, value, shown=None):
        rows.append((what, target, shown if shown is not None else fmt_ms(value), ok(value, limit) if limit else ""))

    def mib(v):
        return "—" if v is None else f"{v:.0f} MiB"

    if "cold_first_screen_ms" not in R:
        rows.append(("gazette", "", "not measured", ""))
    else:
        gazette_rows(R, items, add, rows, mib)
    if "newsboat_ingest_ms" in R:
        add("newsboat -x reload (ingest)", "", None, R.get("newsboat_ingest_ms"))
        add("newsboat start to feed list", "", None, R.get("newsboat_first_screen_ms"))
        add("newsboat Enter to the feed's headlines", "", None, R.get("newsboat_open_feed_ms"))
        v = R.get("newsboat_list_rss_mib")
        add("newsboat memory with the list open", "", None, v, mib(v))
        s = R.get("newsboat_filter_ms")
        add("newsboat title filter, median", "", None, s and s["median"])
    s = R.get("tmux_echo_ms")
    add("baseline: tmux key echo (cat), median", "", None, s and s["median"])
    add("baseline: tmux key echo (cat), worst", "", None, s and s["max"])
    s = R.get("tmux_repaint_ms")
    add("baseline: tmux full-screen repaint, median", "", None, s and s["median"])
    add("baseline: tmux full-screen repaint, worst", "", None, s and s["max"])
    s = R.get("tmux_start_ms")
    add("baseline: tmux start to output (sh), median", "", None, s and s["median"])

    w = [max(len(r[i]) for r in rows + [("what", "target", "measured", "met")]) for i in range(4)]
    log("")
    log(f"{'what'.ljust(w[0])}  {'target'.ljust(w[1])}  {'measured'.ljust(w[2])}  met")
    log(f"{'-' * w[0]}  {'-' * w[1]}  {'-' * w[2]}  ---")
    for r in rows:
        log(f"{r[0].ljust(w[0])}  {r[1].ljust(w[1])}  {r[2].ljust(w[2])}  {r[3]}")
    log(
        "\nKeystroke and start figures run from the tmux command to the capture showing the final screen,"
        "\nso they include tmux's own latency (the baselines). The targets are for the 100,000-item feed."
        f"\nLoad average at the start {R.get('loadavg_start')}, at the end {loadavg()}."
    )


def gazette_rows(R, items, add, rows, mib):
    add("cold start to first headlines", "< 1.5 s", 1500, R.get("cold_first_screen_ms"))
    v = R.get("cold_first_screen_hwm_mib")
    add("  peak memory (VmHWM) at first screen", "< 600 MiB", 600, v, mib(v))
    v = R.get("cold_after_ingest_hwm_mib")
    add("  peak memory (VmHWM) after ingest", "< 600 MiB", 600, v, mib(v))
    v = R.get("stored_all_ms")
    add(f"all {items:,} stories stored", "< 5 s", 5000, v,
        None if v is not None else f"— ({R.get('stored_count')} stored)")
    probes = R.get("ingest_ui_probes_ms") or []
    answered = [p for p in probes if p is not None]
    rows.append(("  UI usable meanwhile (Down redrawn)", "< 1 s", f"{len(answered)}/{len(probes)}" + (f", max {fmt_ms(max(answered))}" if answered else ""),
                 "—" if not probes else ("yes" if len(answered) == len(probes) else "NO")))
    add("warm start to first headlines", "< 100 ms", 100, R.get("warm_first_screen_ms"))
    v = R.get("warm_idle_rss_mib")
    add("  memory, list shown (VmRSS, idle)", "< 100 MiB", 100, v, mib(v))
    v = R.get("warm_idle_hwm_mib")
    add("  peak memory (VmHWM) of the warm run", "", None, v, mib(v))
    s = R.get("filter_key_ms")
    add("filter keystroke, median", "< 5 ms", 5, s and s["median"])
    add("filter keystroke, worst", "< 16 ms", 16, s and s["max"])
    s = R.get("text_key_ms")
    add("full-text search keystroke, median", "< 50 ms", 50, s and s["median"])
    add("full-text search keystroke, worst", "< 50 ms", 50, s and s["max"])
    s = R.get("down_key_ms")
    add("move the selection, median", "< 2 ms", 2, s and s["median"])
    add("move the selection, worst", "", None, s and s["max"])
    s = R.get("down_pty_ms")
    add("  the same in a pty without tmux, median", "< 2 ms", 2, s and s["median"])
    add("  the same in a pty without tmux, worst", "", None, s and s["max"])
    s = R.get("bundled_first_screen_ms")
    add("bundled edition to first screen, median", "< 20 ms", 20, s and s["median"])
    s = R.get("bundled_again_first_screen_ms")
    add("  the same, its data dir made before", "< 20 ms", 20, s and s["median"])
    s = R.get("bundled_pty_first_frame_ms")
    add("  exec to first frame, pty without tmux", "< 20 ms", 20, s and s["median"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--feed", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--socket", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--newsboat", action="store_true")
    ap.add_argument("--newsboat-only", action="store_true")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--json")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    items = feed_items(args.feed)
    R = {"feed": args.feed, "items": items, "feed_bytes": os.path.getsize(args.feed), "loadavg_start": loadavg()}
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    log(
        f"gazette TUI bench: {args.feed} ({items:,} items, {R['feed_bytes'] / 2**20:.0f} MiB); "
        f"{os.cpu_count()} CPUs {cpu}; tmux {subprocess.run(['tmux', '-V'], capture_output=True, text=True).stdout.strip()}, "
        f"pane {WIDTH}x{HEIGHT}"
    )
    tmux = Tmux(args.socket)
    b = Bench(tmux, args)
    code = 0
    try:
        echo, repaint, start = b.baseline(20 if args.quick else 100)
        R["tmux_echo_ms"] = stats(echo)
        R["tmux_repaint_ms"] = stats(repaint)
        R["tmux_start_ms"] = stats(start)
        log(f"baseline: a key echoed by a pane running cat: {fmt_stats(stats(echo))}")
        log(f"baseline: a key answered by a full {WIDTH}x{HEIGHT} repaint (text): {fmt_stats(stats(repaint))}")
        log(f"baseline: start a program (sh) and see its output: {fmt_stats(stats(start))}")
        try:
            if not args.newsboat_only:
                run_gazette(b, args, R, items)
        except Failure as e:
            log(f"gazette: {e}")
            code = 1
        if args.newsboat or args.newsboat_only:
            try:
                run_newsboat(b, args, R, items)
            except (Failure, OSError, IndexError) as e:
                log(f"newsboat: {e}")
        table(R, items, args)
    finally:
        b.t.close()
        if args.json:
            with open(args.json, "w") as f:
                json.dump(R, f, indent=2)
    return code


if __name__ == "__main__":
    sys.exit(main())
