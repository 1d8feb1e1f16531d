#!/bin/sh
# Installs the Debian packages the browser and PDF checks need (tests/test_visual.py):
#   chromium         headless screenshots of the HTML mail at phone width
#   poppler-utils    pdftoppm, the PDF appendix's first page as PNG
#   fonts-dejavu-core the fonts the report, its charts and its PDF use
# A no-op when they are all present. Run as root (make test does it on the machines).
set -eu

PACKAGES="chromium poppler-utils fonts-dejavu-core"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "ensure_system_packages: missing:$missing; run this script as root" >&2
    exit 1
fi

echo "ensure_system_packages: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y --no-install-recommends $missing
