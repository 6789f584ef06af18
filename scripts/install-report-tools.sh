#!/bin/sh
# System packages the consultation outcome report needs (run once, as root, on Debian/Ubuntu).
# WeasyPrint (PDF) needs Pango; poppler-utils gives pdftoppm/pdftotext, which the report tests
# and reviewers use to look at the PDF pages. Python packages come from pyproject.toml.
set -eu
apt-get update
apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils
