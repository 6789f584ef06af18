#!/usr/bin/env bash
# Re-vendor GOV.UK Frontend into src/highneeds/web/static/govuk/.
#
# Why we compile the Sass ourselves: the GDS Transport font and the crown are only licensed for
# services on GOV.UK. A council's service must use its own typeface, so we build the CSS with the
# system font stack and without the @font-face rules. Run this on a machine with npm; nothing
# here runs at install or run time (the built files are committed).
#
# Usage: scripts/update-govuk-frontend.sh [VERSION]   (default: 5)
set -euo pipefail

version="${1:-5}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="$repo/src/highneeds/web/static/govuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "govuk-frontend@${version}" >/dev/null
tar xzf govuk-frontend-*.tgz
exact="$(node -p "require('./package/package.json').version")"

npm init -y >/dev/null
npm install --silent --no-audit --no-fund sass@1 >/dev/null

cat > highneeds.scss <<'SCSS'
// Council services must not use GDS Transport (licensed for GOV.UK only).
$govuk-font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
$govuk-include-default-font-face: false;
$govuk-assets-path: "../assets/";
@import "package/dist/govuk/index";
SCSS
./node_modules/.bin/sass --quiet --no-source-map --style=compressed --load-path=. \
  highneeds.scss govuk-frontend.min.css

rm -rf "$target"
mkdir -p "$target/css" "$target/js" "$target/assets"
cp govuk-frontend.min.css "$target/css/"
cp package/dist/govuk/govuk-frontend.min.js "$target/js/"
# Images only: the GDS fonts are deliberately left out (see above). The crest file is copied only
# because the compiled CSS references it (Django's hashed static storage needs every url() to
# resolve); our templates never show it.
mkdir -p "$target/assets/images"
cp package/dist/govuk/assets/images/favicon.ico package/dist/govuk/assets/images/govuk-crest.svg \
  "$target/assets/images/"

cat > "$target/LICENCE.txt" <<TXT
GOV.UK Frontend ${exact} (https://github.com/alphagov/govuk-frontend), from the npm registry.
Compiled by scripts/update-govuk-frontend.sh with the system font stack.

The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

The GDS Transport font is not included and the crown/crest is not displayed: they are for GOV.UK
services only.
TXT
echo "$exact" > "$target/VERSION"
echo "Vendored GOV.UK Frontend $exact into $target"
