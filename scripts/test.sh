#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian's chromium for
# the browser tests), then runs every test, a short fuzz of the transaction
# decoder, and the race detector over the concurrent packages.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-browser.sh

export GONGXU_REQUIRE_BROWSER=1   # browser tests fail instead of skipping
echo "== go vet"
go vet ./...
echo "== go test ./..."
go test -count=1 -timeout 30m ./...
echo "== race detector: chain, store, read model, HTTP API, CLI"
go test -count=1 -race -timeout 20m ./internal/chain/... ./internal/store/... ./internal/sqlite/ ./internal/httpapi/ ./client/
echo "== fuzz: transaction decoder (20s)"
go test -run '^$' -fuzz '^FuzzDecodeTx$' -fuzztime 20s .
