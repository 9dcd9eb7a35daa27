#!/bin/sh
# Installs Debian's chromium for the browser tests (test/browser, test/dashboard) when
# /usr/bin/chromium is missing. Idempotent: does nothing when it is already there.
# CI runs this as root before `npm test`; without chromium those tests skip with a message.
set -eu

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "install-chromium: run as root (or install sudo) to apt-get install chromium" >&2
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium
echo "installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
