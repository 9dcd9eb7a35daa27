#!/bin/sh
# Installs Debian's nginx for the sharding test (test/standalone/sharding.test.ts), which puts two
# mock servers behind it, when no nginx is on the PATH or in /usr/sbin. Idempotent: does nothing
# when it is already there. The test starts its own nginx with its own configuration and never
# uses the system service; without nginx it skips with a message.
set -eu

for candidate in "$(command -v nginx 2>/dev/null || true)" /usr/sbin/nginx; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "nginx already installed: $("$candidate" -v 2>&1)"
    exit 0
  fi
done

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "install-nginx: run as root (or install sudo) to apt-get install nginx" >&2
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends nginx
echo "installed: $(/usr/sbin/nginx -v 2>&1)"
