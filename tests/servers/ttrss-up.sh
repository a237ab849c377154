#!/bin/bash
# Start a throwaway Tiny Tiny RSS (Debian package) on 127.0.0.1 only, for tests/sync_ttrss.rs and
# .ci/run: a throwaway PostgreSQL cluster + php -S + a loopback feed server. Needs root; installs
# the Debian packages when missing (apt). Stop it with ttrss-down.sh (by its own PIDs).
# Env overrides: TTRSS_DIR PG_PORT WEB_PORT FEED_PORT
# Writes $TTRSS_DIR/env (BASE_URL API_URL USER PASSWORD FEED_URL FEED_DIR CACHE_DIR UPDATE_CMD PSQL):
#   GAZETTE_TTRSS_ENV=$TTRSS_DIR/env cargo test --test sync_ttrss
set -euo pipefail
D=${TTRSS_DIR:-/tmp/ttrss-run}
PG_PORT=${PG_PORT:-54329}; WEB_PORT=${WEB_PORT:-8089}; FEED_PORT=${FEED_PORT:-8090}
DB=ttrss DBUSER=ttrss DBPASS=ttrss-$PG_PORT
RUNAS=www-data
BASE_URL="http://127.0.0.1:$WEB_PORT"
say() { echo "BASE_URL=$BASE_URL/"; echo "API_URL=$BASE_URL/api/"; echo "USER=admin"; echo "PASSWORD=password"; echo "PIDS=$D/pids"; }
die() { echo "ttrss-up: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"

# Already up? (all PIDs alive and API answers) -> just print info.
if [ -f "$D/pids" ]; then
  ok=1; while read -r n p; do st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)
    { [ -n "$st" ] && [ "$st" != Z ]; } || ok=0; done < "$D/pids"
  if [ $ok = 1 ] && curl -fsS -m 5 -d '{"op":"getApiLevel"}' "$BASE_URL/api/" 2>/dev/null | grep -q '"seq"'; then say; exit 0; fi
fi
# Partial/stale state -> clean it.
[ -e "$D" ] && "$(dirname "$0")/ttrss-down.sh"

# 1. Packages (dbconfig-no-thanks first, so tt-rss's postinst does not try to make a DB).
PKGS="tt-rss postgresql php-cli php-pgsql php-mbstring php-xml php-curl php-intl python3 curl util-linux"
missing=""; for p in dbconfig-no-thanks $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends dbconfig-no-thanks >/dev/null
  apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WWW_SRC=/usr/share/tt-rss/www
SCHEMA=/usr/share/tt-rss/schema/ttrss_schema_pgsql.sql

for port in $PG_PORT $WEB_PORT $FEED_PORT; do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && die "port $port on 127.0.0.1 already in use"; done

mkdir -p "$D"; chmod 755 "$D"
mkdir -p "$D/pg" "$D/pgsock" "$D/log"; chown postgres:postgres "$D/pg" "$D/pgsock"; chmod 700 "$D/pg" "$D/pgsock"
chown postgres "$D/log"
asu() { setpriv --reuid="$1" --regid="$1" --init-groups -- "${@:2}"; }

# 2. PostgreSQL cluster: 127.0.0.1 only, socket in $D/pgsock, small footprint, no fsync (throwaway).
(cd /; asu postgres "$PGBIN/initdb" -D "$D/pg" -U postgres -E UTF8 --locale=C.UTF-8 \
   --auth-local=peer --auth-host=scram-sha-256 -N >"$D/log/initdb.log" 2>&1) || die "initdb failed, see $D/log/initdb.log"
cat >> "$D/pg/postgresql.conf" <<PGC
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$D/pgsock'
shared_buffers = 32MB
max_connections = 30
fsync = off
synchronous_commit = off
full_page_writes = off
PGC
(cd /; asu postgres "$PGBIN/pg_ctl" -D "$D/pg" -l "$D/log/postgres.log" -w -t 60 start >/dev/null) || die "postgres failed, see $D/log/postgres.log"
psql_pg() { (cd /; asu postgres "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$D/pgsock" -p "$PG_PORT" "$@"); }
psql_pg -d postgres -c "CREATE ROLE $DBUSER LOGIN PASSWORD '$DBPASS'" -c "CREATE DATABASE $DB OWNER $DBUSER ENCODING 'UTF8' TEMPLATE template0" >/dev/null
export PGPASSWORD=$DBPASS
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PG_PORT -U $DBUSER -d $DB -f "$SCHEMA" >"$D/log/schema.log" 2>&1 || die "schema load failed, see $D/log/schema.log"
# 3. API access for admin (uid 1; default password 'password'): per-user pref, profile NULL.
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PG_PORT -U $DBUSER -d $DB \
  -c "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value) SELECT id, 'ENABLE_API_ACCESS', NULL, 'true' FROM ttrss_users WHERE login='admin'" >/dev/null

# 4. Private copy of the web root (8 MB) with our own config.php: no system file is edited.
cp -a "$WWW_SRC" "$D/www"
# the package uses relative symlinks into /usr/share (dojo, gettext, Psr...): make them absolute
find "$D/www" -type l | while read -r l; do ln -sfn "$(readlink -f "$WWW_SRC/${l#$D/www/}")" "$l"; done
rm -f "$D/www/config.php" "$D/www/feed-icons"
mkdir -p "$D/www/feed-icons" "$D/lock" "$D/cache"/{images,upload,export,feeds,js}
chown -R $RUNAS "$D/www/feed-icons" "$D/lock" "$D/cache"
cat > "$D/www/config.php" <<PHP
<?php
	define('DB_TYPE', 'pgsql');
	define('DB_HOST', '127.0.0.1');
	define('DB_PORT', '$PG_PORT');
	define('DB_USER', '$DBUSER');
	define('DB_NAME', '$DB');
	define('DB_PASS', '$DBPASS');
	define('MYSQL_CHARSET', 'UTF8');
	define('SELF_URL_PATH', '$BASE_URL/');
	define('_SKIP_SELF_URL_PATH_CHECKS', true);
	define('SINGLE_USER_MODE', false);
	define('SIMPLE_UPDATE_MODE', false);
	define('PHP_EXECUTABLE', '/usr/bin/php');
	define('LOCK_DIRECTORY', '$D/lock');
	define('CACHE_DIR', '$D/cache');
	define('ICONS_DIR', 'feed-icons');
	define('ICONS_URL', 'feed-icons');
	define('AUTH_AUTO_CREATE', true);
	define('AUTH_AUTO_LOGIN', true);
	define('FORCE_ARTICLE_PURGE', 0);
	define('ENABLE_REGISTRATION', false);
	define('REG_NOTIFY_ADDRESS', 'user@example.invalid');
	define('REG_MAX_USERS', 10);
	define('SESSION_COOKIE_LIFETIME', 86400);
	define('SMTP_FROM_NAME', 'Tiny Tiny RSS');
	define('SMTP_FROM_ADDRESS', 'noreply@example.invalid');
	define('DIGEST_SUBJECT', '[tt-rss] New headlines for last 24 hours');
	define('CHECK_FOR_UPDATES', false);
	define('ENABLE_GZIP_OUTPUT', false);
	define('PLUGINS', 'auth_internal, note');
	define('LOG_DESTINATION', '');
	define('CONFIG_VERSION', 26);
	// tt-rss refuses feed URLs on 127.*/localhost/::1 and ports other than 80/443.
	// All fetches go through this loopback "proxy" (the feed server below), so
	// subscribe to e.g. http://192.0.2.1/feed.xml : nothing leaves 127.0.0.1.
	define('_HTTP_PROXY', '127.0.0.1:$FEED_PORT');
PHP

# 5. Feed server: python http.server; proxied requests "GET http://192.0.2.1/x" map to
#    <dir>/http:/192.0.2.1/x, which is a symlink back to <dir>.
mkdir -p "$D/feeds/http:"; ln -s .. "$D/feeds/http:/192.0.2.1"
now=$(date -R)
cat > "$D/feeds/feed.xml" <<RSS
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Loopback test feed</title><link>http://192.0.2.1/</link>
<description>local test feed</description>
<item><title>First item</title><link>http://192.0.2.1/1</link><guid>http://192.0.2.1/1</guid><pubDate>$now</pubDate><description>Body of the first item</description></item>
<item><title>Second item</title><link>http://192.0.2.1/2</link><guid>http://192.0.2.1/2</guid><pubDate>$now</pubDate><description>Body of the second item</description></item>
<item><title>Third item</title><link>http://192.0.2.1/3</link><guid>http://192.0.2.1/3</guid><pubDate>$now</pubDate><description>Body of the third item</description></item>
</channel></rss>
RSS
chmod -R a+rX "$D/feeds"

: > "$D/pids"
PGPID=$(head -1 "$D/pg/postmaster.pid"); echo "postgres $PGPID" >> "$D/pids"
(cd "$D/feeds" && exec setsid setpriv --reuid=$RUNAS --regid=$RUNAS --init-groups -- \
   /usr/bin/python3 -m http.server "$FEED_PORT" --bind 127.0.0.1 </dev/null >"$D/log/feed.log" 2>&1) &
echo "feed $!" >> "$D/pids"
# tt-rss refuses to run as root (posix_getuid()==0), hence setpriv.
(cd "$D/www" && exec setsid setpriv --reuid=$RUNAS --regid=$RUNAS --init-groups -- \
   /usr/bin/php -d display_errors=stderr -S "127.0.0.1:$WEB_PORT" -t "$D/www" </dev/null >"$D/log/php.log" 2>&1) &
echo "php $!" >> "$D/pids"
cat > "$D/env" <<ENV
BASE_URL=$BASE_URL/
API_URL=$BASE_URL/api/
USER=admin
PASSWORD=password
FEED_URL=http://192.0.2.1/feed.xml
FEED_DIR=$D/feeds
CACHE_DIR=$D/cache
UPDATE_CMD="cd $D/www && setpriv --reuid=$RUNAS --regid=$RUNAS --init-groups -- /usr/bin/php update.php --feeds --quiet"
PSQL="PGPASSWORD=$DBPASS psql -h 127.0.0.1 -p $PG_PORT -U $DBUSER $DB"
ENV
for i in $(seq 1 50); do
  curl -fsS -m 2 -d '{"op":"getApiLevel"}' "$BASE_URL/api/" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS -m 5 -d '{"op":"getApiLevel"}' "$BASE_URL/api/" >/dev/null 2>&1 || die "php server not answering, see $D/log/php.log"
curl -fsS -m 5 "http://127.0.0.1:$FEED_PORT/feed.xml" >/dev/null || die "feed server not answering, see $D/log/feed.log"
say
