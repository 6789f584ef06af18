#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (Playwright drives it at /usr/bin/chromium).
# Needs root (CI runs it as root; locally use sudo). Playwright's own browser download is not
# used: tests must not fetch anything at run time.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium fonts-liberation
/usr/bin/chromium --version
