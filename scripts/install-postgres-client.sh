#!/usr/bin/env bash
# Install PostgreSQL's client tools (pg_dump, pg_restore) for `highneeds backup` / `restore` on a
# PostgreSQL store and their tests. Needs root (CI runs it as root; locally use sudo). The
# major version matches the server's (PostgreSQL 15); pg_dump refuses a newer server.
set -euo pipefail
if command -v pg_dump >/dev/null && command -v pg_restore >/dev/null; then
  pg_dump --version
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends postgresql-client-15
pg_dump --version
