#!/usr/bin/env bash
# Measures gazette's user-visible figures in a real terminal (tmux): start to the first screen of
# headlines (cold, warm, bundled edition), peak memory, time until every story is in the store, and
# keystroke-to-redrawn-screen latency (filter, full-text search, moving the selection). The bundled
# start and Down are also measured in a pseudo-terminal of gazette's own, without tmux (python's pty
# module): from exec or the key to the last byte of the frame written.
#
#   bench/tui.sh [--quick] [--newsboat] [--no-build] [--reps N] [--json FILE] [--keep] [FEED]
#
#   FEED        an RSS file; default /tmp/gazette-bench/feed.xml, made by
#               ../shared/tools/gen_rss.py 100000 if missing (254 MB; the issue's targets are for it)
#   --quick     2,000 items (/tmp/gazette-bench/feed-quick.xml) and few repetitions: a smoke check
#   --newsboat  also measure newsboat on the same file (installs it with apt-get if missing)
#   --newsboat-only  measure newsboat alone
#   --no-build  use target/release/gazette as it is (default: cargo build --release first)
#   --reps N    repetitions of each keystroke series (default 5, --quick 2)
#   --json FILE also write the figures as JSON
#   --keep      keep the temporary directory (data dir, config) and print where it is
#   --article   measure reader mode instead: a page arriving over loopback to its article drawn
#               (bench/article_latency.py; no FEED needed)
#   --refresh   measure keys while the reader refreshes 1,000 loopback feeds, 100 of them faulty,
#               and its memory (bench/refresh_keys.py; no FEED needed)
#
# Needs bash, python3 (stdlib only) and tmux (installed with apt-get if missing). Everything runs on
# a private tmux server (tmux -L gazette-bench-PID), killed on exit; the user's tmux sessions,
# config, subscriptions and store are never touched (gazette gets --config and --data-dir in a
# temporary directory). The measuring itself is bench/tui.py.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=0
newsboat=0
build=1
keep=0
article=0
refresh=0
reps=""
json=""
feed=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --newsboat) newsboat=1 ;;
        --newsboat-only) newsboat=2 ;;
        --no-build) build=0 ;;
        --keep) keep=1 ;;
        --article) article=1 ;;
        --refresh) refresh=1 ;;
        --reps) reps="$2"; shift ;;
        --reps=*) reps="${1#--reps=}" ;;
        --json) json="$2"; shift ;;
        --json=*) json="${1#--json=}" ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "bench/tui.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) feed="$1" ;;
    esac
    shift
done

if ! command -v tmux >/dev/null 2>&1; then
    echo "bench/tui.sh: installing tmux" >&2
    (apt-get install -y tmux >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y tmux >/dev/null; }) \
        || { echo "bench/tui.sh: tmux is needed and could not be installed" >&2; exit 1; }
fi
command -v python3 >/dev/null 2>&1 || { echo "bench/tui.sh: python3 is needed" >&2; exit 1; }

if [ "$article" = 1 ]; then
    [ "$build" = 1 ] && (cd "$root" && cargo build --release --quiet)
    exec python3 "$root/bench/article_latency.py" --bin "$root/target/release/gazette" ${reps:+--reps "$reps"}
fi

if [ "$refresh" = 1 ]; then
    [ "$build" = 1 ] && (cd "$root" && cargo build --release --quiet)
    exec python3 "$root/bench/refresh_keys.py" --bin "$root/target/release/gazette"
fi

if [ -z "$feed" ]; then
    mkdir -p /tmp/gazette-bench
    if [ "$quick" = 1 ]; then items=2000; feed=/tmp/gazette-bench/feed-quick.xml
    else items=100000; feed=/tmp/gazette-bench/feed.xml; fi
    if [ ! -s "$feed" ]; then
        gen="$root/../shared/tools/gen_rss.py"
        [ -f "$gen" ] || { echo "bench/tui.sh: $gen not found; give a FEED" >&2; exit 1; }
        echo "bench/tui.sh: generating $feed ($items items)" >&2
        python3 "$gen" "$items" "$feed.tmp" && mv "$feed.tmp" "$feed"
    fi
fi
[ -r "$feed" ] || { echo "bench/tui.sh: cannot read $feed" >&2; exit 1; }
feed="$(cd "$(dirname "$feed")" && pwd)/$(basename "$feed")"

if [ "$build" = 1 ]; then
    echo "bench/tui.sh: cargo build --release" >&2
    (cd "$root" && cargo build --release --quiet)
fi

if [ "$newsboat" != 0 ] && ! command -v newsboat >/dev/null 2>&1; then
    echo "bench/tui.sh: installing newsboat" >&2
    apt-get install -y newsboat >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y newsboat >/dev/null 2>&1; } \
        || echo "bench/tui.sh: newsboat could not be installed; skipping it" >&2
fi

[ -x "$root/target/release/gazette" ] || { echo "bench/tui.sh: target/release/gazette not built" >&2; exit 1; }
work="$(mktemp -d /tmp/gazette-bench.XXXXXX)"
sock="gazette-bench-$$"
cleanup() {
    tmux -L "$sock" kill-server >/dev/null 2>&1 || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
    if [ "$keep" = 1 ]; then echo "bench/tui.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A copy, so a build in the same tree during the run cannot change the program between phases.
bin="$work/gazette"
cp "$root/target/release/gazette" "$bin"
args=(--bin "$bin" --feed "$feed" --work "$work" --socket "$sock")
[ "$quick" = 1 ] && args+=(--quick)
if command -v newsboat >/dev/null 2>&1; then
    [ "$newsboat" = 1 ] && args+=(--newsboat)
    [ "$newsboat" = 2 ] && args+=(--newsboat-only)
fi
[ -n "$reps" ] && args+=(--reps "$reps")
[ -n "$json" ] && args+=(--json "$json")
case "${LC_ALL:-${LANG:-}}" in *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) ;; *) export LC_ALL=C.UTF-8 ;; esac
python3 "$root/bench/tui.py" "${args[@]}"
