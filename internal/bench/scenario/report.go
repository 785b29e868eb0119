package scenario

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gongxu-network/gongxu/internal/bench"
)

// What the reports of bench pools and bench trace share.

// blockBytes is the largest block of a benchmark network (CometBFT's
// max_bytes in the genesis).
const blockBytes = 4 << 20

// blockBatches is how many txs of txBytes fit in a block of blockBytes: each
// tx in the block's data costs its bytes, a protobuf tag and its length.
func blockBatches(blockBytes, txBytes int) int {
	per := txBytes + 1 + uvarintLen(uint64(txBytes))
	return max(0, blockBytes-blockOverhead) / per
}

// blockOverhead is a block's size besides its txs (header, last commit of a
// few validators, evidence): CometBFT reserves MaxOverheadForBlock, 11 kB,
// plus the commit.
const blockOverhead = 16 << 10

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// joinInts writes xs as a flag's comma-separated list.
func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func div0(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// writeHeading writes a report's first lines: the command, and the machine
// and steps it ran on.
func writeHeading(b *strings.Builder, command string, validators, cpus int, goVersion string, stepSecs, windowSecs float64) {
	fmt.Fprintf(b, "%s\n%d validators (separate processes, loopback), %d CPUs, %s; steps of %.0fs, committed/s over the last %.0fs of each\n",
		command, validators, cpus, goVersion, stepSecs, windowSecs)
}

// newTable is the aligned table of a report's steps.
func newTable(b *strings.Builder) *tabwriter.Writer {
	return tabwriter.NewWriter(b, 2, 0, 2, ' ', tabwriter.AlignRight)
}

// writeEnd writes a report's most frequent submit errors, and the report to w.
func writeEnd(w io.Writer, b *strings.Builder, errs map[string]int64) error {
	if top := bench.TopErrors(errs, 6); len(top) > 0 {
		fmt.Fprintf(b, "submit errors: %s\n", strings.Join(top, "; "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
