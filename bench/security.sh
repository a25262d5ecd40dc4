#!/usr/bin/env bash
# Attack scan of Summit as deployed: `make security` (README, "Attack suite and security scan").
#
# Starts the site in production mode (debug off, a random secret key, collected static files,
# gunicorn with gunicorn.conf.py) on a free loopback port with a throw-away SQLite database of
# the demo content, then
#   1. runs sqlmap (pinned in requirements-dev.txt) in batch mode at level 3 / risk 2 against
#      the search query and the facet parameters of the article list, one verdict line each;
#   2. scores the headers of the home page, an article and the admin's sign-in page with the
#      MDN HTTP Observatory's tests and scoring (bench/observatory.mjs), one verdict line each.
# Everything it starts is stopped and everything it writes is removed on exit, however it ends.
# Exit status: 0 when nothing is injectable and every page scores A+ on the tests that can run
# without a certificate; 1 otherwise; 2 when the scan itself could not run.
#
# The site runs as behind the HTTPS proxy the README prescribes (DJANGO_HTTPS=1), and each
# request carries the `X-Forwarded-Proto: https` such a proxy adds: the headers scored are the
# ones readers get, secure cookies and all. Rate limits are off (DJANGO_RATE_LIMITS=0): sqlmap
# sends thousands of requests from one address and would otherwise be answered 429 and test
# nothing.
#
# Environment: SQLMAP_LEVEL, SQLMAP_RISK (default 3 and 2, the bar of issue #13), SECURITY_KEEP=1
# keeps the working folder (database, server log, sqlmap's logs) and prints where it is.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
LEVEL=${SQLMAP_LEVEL:-3}
RISK=${SQLMAP_RISK:-2}
PROXY_HEADER="X-Forwarded-Proto: https"

if [ ! -x "$PY" ] || [ ! -x .venv/bin/sqlmap ]; then
  echo "security: .venv or sqlmap missing; run 'make bootstrap' (or 'make security')" >&2
  exit 2
fi
command -v node >/dev/null && command -v npm >/dev/null \
  || { echo "security: node and npm are needed for the Observatory scorer" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/summit-security-XXXXXX")
SERVER_PID=""
CHILD_PID=""

# Bash runs a trap only once the foreground command ends, which for sqlmap can be minutes: long
# commands run in the background and are waited for, which a signal interrupts at once.
run_child() {
  local status=0
  "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID" || status=$?
  CHILD_PID=""
  return "$status"
}

cleanup() {
  local status=$?
  if [ -n "$CHILD_PID" ]; then
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    wait "$CHILD_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # Gunicorn's arbiter stops its workers on TERM; KILL only if it does not within 30 s.
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${SECURITY_KEEP:-}" = 1 ]; then
    echo "security: kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Production settings from this environment only: no .env, no developer Redis or database.
unset REDIS_URL DATABASE_URL DJANGO_SETTINGS_MODULE
export DJANGO_ENV_FILE=""
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_HTTPS=1
export DJANGO_RATE_LIMITS=0
export DATABASE_URL="sqlite:///$WORK/summit.sqlite3"
export DJANGO_MEDIA_ROOT="$WORK/media"
export DJANGO_CACHE_DIR="$WORK/cache"
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export GUNICORN_BIND="127.0.0.1:$PORT"
BASE="http://127.0.0.1:$PORT"

echo "== Summit in production mode on $BASE (throw-away database in $WORK)"
# Set-up output goes to a log, shown only if a step fails. Static files go where production
# keeps them (staticfiles/, git-ignored), as `make run` does.
setup() { "$@" >>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 2; }; }
setup "$PY" manage.py collectstatic --noinput -v0
setup "$PY" manage.py migrate --noinput -v0
setup "$PY" manage.py load_demo
.venv/bin/gunicorn -c gunicorn.conf.py summit.wsgi >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

fetch() { curl -fsS --max-time 30 -H "$PROXY_HEADER" "$BASE$1"; }
for _ in $(seq 60); do
  fetch /healthz >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "security: gunicorn exited" >&2; cat "$WORK/server.log" >&2; exit 2; }
  sleep 0.5
done
fetch /healthz >/dev/null || { echo "security: the site did not start" >&2; exit 2; }

# Real values from the site's own sitemaps (percent-encoded, as they go into a URL): sqlmap
# compares every answer with the page the original value gives, so that must be a real page.
first_slug() {
  fetch "/sitemap-$1.xml" | "$PY" -c '
import re, sys
from urllib.parse import urlsplit
loc = re.search(r"<loc>([^<]+)</loc>", sys.stdin.read())
print(urlsplit(loc.group(1)).path.rstrip("/").rsplit("/", 1)[1] if loc else "")'
}
ARTICLE=$(first_slug articles)
COUNTRY=$(first_slug countries)
AREA=$(first_slug areas)
TAG=$(first_slug tags)
for value in ARTICLE COUNTRY AREA TAG; do
  [ -n "${!value}" ] || { echo "security: no ${value,,} in the sitemaps" >&2; exit 2; }
done

# What the server answered since access-log line $1: "N requests: 200×a, 404×b" (gunicorn's
# access log, gunicorn.conf.py's format: the status follows the quoted request line).
answers_since() {
  tail -n +"$(($1 + 1))" "$WORK/server.log" | grep -oE '" [1-5][0-9]{2} [0-9-]+ [0-9]+ms "' \
    | awk '{n[$2]++; total++} END {printf "%d requests:", total; sep=" ";
           for (s in n) {printf "%s%s×%d", sep, s, n[s]; sep=", "}}'
}

# One sqlmap run; prints "sqlmap NAME: verdict". Its own output goes to a log in $WORK.
VERDICTS=()
INJECTABLE=0
run_sqlmap() {
  local name=$1 url=$2 parameters=$3 log="$WORK/sqlmap-$1.log" started served verdict
  started=$(date +%s)
  served=$(wc -l <"$WORK/server.log")
  echo "== sqlmap $name: $url (-p $parameters, level $LEVEL, risk $RISK)"
  run_child .venv/bin/sqlmap -u "$url" -p "$parameters" --batch --level "$LEVEL" \
    --risk "$RISK" --headers "$PROXY_HEADER" --output-dir "$WORK/sqlmap" --disable-coloring \
    --flush-session >"$log" 2>&1 || true
  if grep -q "identified the following injection point" "$log"; then
    verdict="INJECTABLE: $(grep -E '^Parameter: ' "$log" | sort -u | paste -sd ';' -)"
    INJECTABLE=1
  elif grep -q "do not appear to be injectable" "$log"; then
    verdict="not injectable"
  else
    verdict="INCONCLUSIVE: $(grep -E '\[(CRITICAL|ERROR)\]' "$log" | tail -1)"
    INJECTABLE=1
  fi
  # A 5xx is worth knowing even when nothing got in, hence the server's answers.
  verdict+=" ($(($(date +%s) - started)) s, $(answers_since "$served"))"
  VERDICTS+=("sqlmap $name: $verdict")
  echo "sqlmap $name: $verdict"
}

run_sqlmap search "$BASE/search/?q=Kazakhstan" q
run_sqlmap facets "$BASE/articles/?country=$COUNTRY&area=$AREA&tag=$TAG&page=1" \
  country,area,tag,page

echo "== MDN HTTP Observatory (tools/observatory, pinned)"
if [ ! -d tools/observatory/node_modules/@mdn/mdn-http-observatory ]; then
  # --ignore-scripts: an install script downloads a CA bundle from the network, which only
  # the HTTPS tests use, and bench/observatory.mjs does not run those.
  (cd tools/observatory && npm ci --ignore-scripts --no-audit --no-fund --silent)
fi
GRADES_OK=0
OBSERVATORY=$(node bench/observatory.mjs --base "$BASE" --header "$PROXY_HEADER" \
  / "/articles/$ARTICLE/" /admin/login/) || GRADES_OK=1
echo "$OBSERVATORY"

echo "== Verdicts ($(date -u +%Y-%m-%d), sqlmap $(.venv/bin/sqlmap --version 2>/dev/null | tail -1))"
printf '%s\n' "${VERDICTS[@]}" "$OBSERVATORY"
[ "$INJECTABLE" = 0 ] && [ "$GRADES_OK" = 0 ]
