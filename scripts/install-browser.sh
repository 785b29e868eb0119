#!/usr/bin/env bash
# install-browser.sh installs Debian's chromium for the browser tests
# (internal/web/webtest). Idempotent: it does nothing when the browser is
# already there. Set GONGXU_CHROMIUM to check another binary.
set -euo pipefail

chromium="${GONGXU_CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			sudo="sudo"
		else
			echo "install-browser: not root and no sudo; cannot install chromium" >&2
			exit 1
		fi
	fi
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		chromium chromium-driver fonts-dejavu-core
fi

"$chromium" --version
