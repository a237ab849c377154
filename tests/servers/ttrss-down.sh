#!/bin/bash
# Stop what ttrss-up.sh started (by recorded PID / pg_ctl) and remove its directory.
# Env override: TTRSS_DIR (as given to ttrss-up.sh).
set -uo pipefail
D=${TTRSS_DIR:-/tmp/ttrss-run}
# running = exists and not a zombie (an exited child may stay <defunct> until reaped)
alive() { local st; st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1); [ -n "$st" ] && [ "$st" != Z ]; }
[ -e "$D" ] || exit 0
if [ -f "$D/pids" ]; then
  while read -r name pid; do
    [ "$name" = postgres ] && continue
    [ -n "$pid" ] && alive "$pid" || continue
    # only kill it if it is still the process we started
    case "$name:$(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null)" in
      php:*php*-S*|feed:*http.server*) kill "$pid" 2>/dev/null
        for i in $(seq 1 25); do alive "$pid" || break; sleep 0.2; done
        alive "$pid" && kill -9 "$pid" 2>/dev/null ;;
    esac
  done < "$D/pids"
fi
if [ -f "$D/pg/postmaster.pid" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  (cd / && setpriv --reuid=postgres --regid=postgres --init-groups -- \
     "$PGBIN/pg_ctl" -D "$D/pg" -m fast -w -t 60 stop >/dev/null 2>&1) || true
fi
rm -rf "$D"
