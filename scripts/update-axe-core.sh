#!/usr/bin/env bash
# Re-vendor axe-core (accessibility checks injected by the browser tests) into tests/web/vendor/.
# Usage: scripts/update-axe-core.sh [VERSION]   (default: 4)
set -euo pipefail
version="${1:-4}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="$repo/tests/web/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "axe-core@${version}" >/dev/null
tar xzf axe-core-*.tgz
mkdir -p "$target"
cp package/axe.min.js "$target/axe.min.js"
cp package/LICENSE "$target/axe-core-LICENSE.txt"
cp package/LICENSE-3RD-PARTY.txt "$target/axe-core-LICENSE-3RD-PARTY.txt"
node -p "require('./package/package.json').version" > "$target/axe-core-VERSION"
echo "Vendored axe-core $(cat "$target/axe-core-VERSION") (MPL-2.0) into $target"
