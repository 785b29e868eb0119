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
# The read model's randomized equivalence tests (one goroutine each, run in
# full above) cost ~15x under the race detector: past 20 minutes together.
go test -count=1 -race -skip 'TestProjectFoldedSameRows|TestTraceBufferedSameRows' -timeout 30m ./internal/chain/... ./internal/store/... ./internal/sqlite/ ./internal/httpapi/ ./client/
# A count, not a duration: with a duration, Go's fuzz coordinator can report
# its own deadline as a failure ("context deadline exceeded", no crasher;
# golang/go#75804, not fixed in Go 1.26). A million inputs is ~20 s here.
echo "== fuzz: transaction decoder (1,000,000 inputs)"
go test -run '^$' -fuzz '^FuzzDecodeTx$' -fuzztime 1000000x .
# The EPCIS parser, and its differential with GS1's schema validator, the
# ledger's CheckJSON and encoding/json's struct decoding: ~10 s each here.
echo "== fuzz: EPCIS parser (100,000 inputs each)"
go test -run '^$' -fuzz '^FuzzParseDocument$' -fuzztime 100000x ./internal/epcis/
go test -run '^$' -fuzz '^FuzzEPCISAgree$' -fuzztime 100000x ./internal/epcis/
# Every message type's body decoder (one meaning: what the chain accepts,
# encoding/json reads the same) and the JSON canonicality check under it.
echo "== fuzz: message bodies (50,000 inputs) and CheckJSON (200,000 inputs)"
go test -run '^$' -fuzz '^FuzzMessages$' -fuzztime 50000x ./internal/chain/
go test -run '^$' -fuzz '^FuzzCheckJSON$' -fuzztime 200000x .
echo "== fuzz: the forecast command's CSV reader (50,000 inputs)"
go test -run '^$' -fuzz '^FuzzReadCSV$' -fuzztime 50000x ./internal/forecast/
echo "== fuzz: the pledge page's receipt code reader (50,000 inputs)"
go test -run '^$' -fuzz '^FuzzReadReceipt$' -fuzztime 50000x ./internal/web/
echo "== fuzz: a hub batch's packed leaves (100,000 inputs)"
go test -run '^$' -fuzz '^FuzzDecodeLeaves$' -fuzztime 100000x ./internal/module/pool/
echo "== fuzz: a hub batch body's fast decoder against the general one (100,000 inputs)"
go test -run '^$' -fuzz '^FuzzBatchDecodeCanonical$' -fuzztime 100000x ./internal/module/pool/
echo "== fuzz: a binary pool/batch body: one encoding a batch, its base64 form's leaves, the chain's verdict (50,000 inputs)"
go test -run '^$' -fuzz '^FuzzBatchBinaryBody$' -fuzztime 50000x ./internal/module/pool/
echo "== fuzz: state sync's snapshot chunk and metadata decoders (50,000 inputs each)"
go test -run '^$' -fuzz '^FuzzDecodeChunk$' -fuzztime 50000x ./internal/store/
go test -run '^$' -fuzz '^FuzzDecodeSnapshotMeta$' -fuzztime 50000x ./internal/comet/
go test -run '^$' -fuzz '^FuzzDecodeSnapshotChunk$' -fuzztime 50000x ./internal/comet/
echo "== fuzz: the decoder of opened sealed terms (50,000 inputs)"
go test -run '^$' -fuzz '^FuzzDecodeTerms$' -fuzztime 50000x ./internal/seal/
echo "== fuzz: the GS1 schema's fast path against the library validator (20,000 inputs), the capture's compaction (50,000)"
go test -run '^$' -fuzz '^FuzzSchemaFast$' -fuzztime 20000x ./internal/epcis/
go test -run '^$' -fuzz '^FuzzCompact$' -fuzztime 50000x ./internal/module/trace/
echo "== fuzz: the read model's trace event decoder and the org record encoder (50,000 inputs each)"
go test -run '^$' -fuzz '^FuzzDecodeTraceEvent$' -fuzztime 50000x ./internal/sqlite/
go test -run '^$' -fuzz '^FuzzEncodeOrg$' -fuzztime 50000x ./internal/module/member/
echo "== fuzz: the join file decoder (50,000 inputs)"
go test -run '^$' -fuzz '^FuzzDecodeJoinFile$' -fuzztime 50000x ./internal/node/
echo "== fuzz: the benchmark harness's answer decoders (20,000 inputs each)"
go test -run '^$' -fuzz '^FuzzParseSubmitAnswer$' -fuzztime 20000x ./internal/bench/
go test -run '^$' -fuzz '^FuzzParseRoundLog$' -fuzztime 20000x ./internal/bench/
go test -run '^$' -fuzz '^FuzzJSONInt$' -fuzztime 20000x ./internal/bench/
go test -run '^$' -fuzz '^FuzzDecodeSeq$' -fuzztime 20000x ./internal/bench/scenario/
echo "== fuzz: the capture's record encoder and the event hash's in-place corrections (20,000 inputs each)"
go test -run '^$' -fuzz '^FuzzMarshalEvent$' -fuzztime 20000x ./internal/module/trace/
go test -run '^$' -fuzz '^FuzzDeepCorrectInPlace$' -fuzztime 20000x ./internal/epcis/
go test -run '^$' -fuzz '^FuzzIsTimeName$' -fuzztime 20000x ./internal/epcis/
echo "== fuzz: the read model's hand decoder of the pool events against encoding/json (50,000 inputs)"
go test -run '^$' -fuzz '^FuzzPoolEventDecode$' -fuzztime 50000x ./internal/sqlite/
echo "== fuzz: the read model's binary events record of a tx (read back as the JSON form; canonical) (50,000 inputs)"
go test -run '^$' -fuzz '^FuzzEvs$' -fuzztime 50000x ./internal/sqlite/
