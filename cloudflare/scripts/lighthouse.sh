#!/usr/bin/env bash
# Lighthouse (mobile) on the landing page, served by the Worker in workerd in front of a service
# on ORIGIN_URL (default: the dev run, ./mvnw -pl app compile exec:java, on port 8080). Uses the
# Chromium in CHROME_PATH (default Debian's /usr/bin/chromium); Lighthouse comes from npm on first use.
#
#   npm run lighthouse
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-18700}"
report="${REPORT:-dist/lighthouse.json}"
mkdir -p "$(dirname "$report")"
# the Worker reads a pipe on stdin and stops when it closes: the sleep is only its other end
sleep 600 2>/dev/null | ORIGIN_URL="${ORIGIN_URL:-http://127.0.0.1:8080}" \
  ORIGIN_LOCK_SECRET="${ORIGIN_LOCK_SECRET:-local-lighthouse-run}" node scripts/serve-local.mjs "$port" > dist/worker.log 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q '^ready' dist/worker.log 2>/dev/null && break; sleep 0.2; done
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}" npx --yes lighthouse@13.5.0 "http://127.0.0.1:$port/" \
  --only-categories=performance,accessibility,best-practices,seo --form-factor=mobile --quiet \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
  --output=json --output-path="$report"
node -e 'const r = require(process.argv[1]);
  for (const [name, c] of Object.entries(r.categories)) console.log(`${name}: ${Math.round(c.score * 100)}`);' "$PWD/$report"
