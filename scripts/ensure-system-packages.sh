#!/bin/sh
# What the tests need from the system, as Debian packages: Chromium (the browser tests drive
# it; Playwright never downloads a browser of its own), espeak-ng (the offline fallback voice)
# and sox (the tests make and measure audio with it). Installs whatever is missing.
set -e
BROWSER="${FORMULA_LAB_CHROMIUM:-/usr/bin/chromium}"
missing=""
[ -x "$BROWSER" ] || missing="$missing chromium"
command -v espeak-ng >/dev/null 2>&1 || missing="$missing espeak-ng"
command -v sox >/dev/null 2>&1 || missing="$missing sox"
[ -z "$missing" ] && exit 0
echo "Installing the Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Please install$missing (e.g. 'apt-get install$missing'), or set FORMULA_LAB_CHROMIUM." >&2; exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
[ -x "$BROWSER" ] || { echo "Chromium is still missing at $BROWSER." >&2; exit 1; }
command -v espeak-ng >/dev/null 2>&1 || { echo "espeak-ng is still missing." >&2; exit 1; }
command -v sox >/dev/null 2>&1 || { echo "sox is still missing." >&2; exit 1; }
