#!/usr/bin/env bash
# install-browser.sh installs Debian's chromium for the browser tests
# (internal/web/webtest). Idempotent: it does nothing when the browser is
# already there. Set GONGXU_CHROMIUM to check another binary.
set -euo pipefail

chromium="${GONGXU_CHROMIUM:-/usr/bin/chromium}"

# Chinese pages need a CJK font: Debian's fonts-noto-cjk (screenshots in zh-CN).
need_fonts=""
if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 && [ -z "${GONGXU_NO_CJK_FONTS:-}" ]; then
	need_fonts="fonts-noto-cjk"
fi

if [ ! -x "$chromium" ] || [ -n "$need_fonts" ]; then
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
		chromium chromium-driver fonts-dejavu-core fonts-noto-cjk
fi

"$chromium" --version
