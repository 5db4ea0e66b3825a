#!/usr/bin/env bash
# The npm tests of one folder (cloudflare/, infra-terraform/, deploy/), as `./mvnw verify` runs them (each
# folder's pom.xml): `bash .mvn/npm-test.sh <folder>`. Without Node 20+ they are skipped, saying
# so: the README's commands need nothing but a JDK.
set -euo pipefail
cd "$1"
folder="$(basename "$PWD")"
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "skipped: the $folder/ tests need Node 20 or newer and npm (https://nodejs.org/)"
  exit 0
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "skipped: the $folder/ tests need Node 20 or newer (this is $(node --version))"
  exit 0
fi
# install only when the lock file changed since the last install
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm test
