#!/usr/bin/env bash
# Browser tests of `briefing serve`: builds the binary, makes sure Debian's
# Chromium is there (installing it with apt when it is not), installs the
# pinned playwright-core without any browser download, and runs Node's test
# runner. Works from a fresh clone; CI runs it as root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

(cd "$repo" && cargo build --locked --bin briefing)

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "browser tests: installing chromium with apt" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

cd "$here"
# playwright-core never downloads a browser by itself; say so anyway.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund --loglevel=error
node --test serve.test.mjs
