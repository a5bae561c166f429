#!/bin/sh
# The browser tests drive the system's Chromium (Debian package `chromium`);
# Playwright never downloads a browser of its own here.
set -e
BROWSER="${FORMULA_LAB_CHROMIUM:-/usr/bin/chromium}"
[ -x "$BROWSER" ] && exit 0
echo "Chromium not found at $BROWSER; installing the Debian package 'chromium'..."
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Please install Chromium (e.g. 'apt-get install chromium') or set FORMULA_LAB_CHROMIUM." >&2; exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
[ -x "$BROWSER" ] || { echo "Chromium is still missing at $BROWSER." >&2; exit 1; }
