package bench

import (
	"bufio"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// BlockTiming is one height's life on a node, read from the node's
// CometBFT log (consensus and state at info level). A time not seen is zero.
type BlockTiming struct {
	Height     int64
	Txs        int       // transactions in the block
	Round      int       // round of the last proposal seen at this height
	Proposal   time.Time // the first proposal of the height was received (or made)
	Complete   time.Time // the proposal's block was complete (all its parts)
	Finalizing time.Time // +2/3 precommits: the node starts to store and execute the block
	Finalized  time.Time // FinalizeBlock returned
	Committed  time.Time // the application's Commit returned
}

// Exec is the time from the start of finalizing the commit to the end of
// FinalizeBlock: storing the block and executing it.
func (b BlockTiming) Exec() time.Duration { return span(b.Finalizing, b.Finalized) }

// Process is Exec plus saving the results and the application's Commit.
func (b BlockTiming) Process() time.Duration { return span(b.Finalizing, b.Committed) }

// Gossip is the time from the proposal to its complete block.
func (b BlockTiming) Gossip() time.Duration { return span(b.Proposal, b.Complete) }

// Vote is the time from the complete block to +2/3 precommits.
func (b BlockTiming) Vote() time.Duration { return span(b.Complete, b.Finalizing) }

func span(from, to time.Time) time.Duration {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0
	}
	return to.Sub(from)
}

var (
	reHeight   = regexp.MustCompile(`\bheight=(\d+)`)
	reNumTxs   = regexp.MustCompile(`\bnum_txs=(\d+)`)
	reProposal = regexp.MustCompile(`Proposal\{(\d+)/(\d+) `)
)

// logTimeLayout is the time stamp of CometBFT's text log lines, local time:
// I[2026-11-22|17:25:00.123] message   key=value …
const logTimeLayout = "2006-01-02|15:04:05.000"

// ParseBlockLog reads a CometBFT text log and returns the timing of every
// height it shows being committed, in height order. Time stamps are read in
// loc (the node's local time zone). Lines it does not know are skipped.
func ParseBlockLog(r io.Reader, loc *time.Location) ([]BlockTiming, error) {
	byH := map[int64]*BlockTiming{}
	get := func(h int64) *BlockTiming {
		b := byH[h]
		if b == nil {
			b = &BlockTiming{Height: h}
			byH[h] = b
		}
		return b
	}
	err := scanLog(r, loc, []string{"received proposal ", "received complete proposal block ",
		"finalizing commit of block ", "finalized block ", "committed state "}, func(kind int, t time.Time, rest string) {
		kind++ // 1 to 5, in the order of the prefixes
		if kind == 1 {
			m := reProposal.FindStringSubmatch(rest)
			if m == nil {
				return
			}
			h, _ := strconv.ParseInt(m[1], 10, 64)
			round, _ := strconv.Atoi(m[2])
			b := get(h)
			if b.Proposal.IsZero() {
				b.Proposal = t
			}
			b.Round = max(b.Round, round)
			return
		}
		m := reHeight.FindStringSubmatch(rest)
		if m == nil {
			return
		}
		h, _ := strconv.ParseInt(m[1], 10, 64)
		b := get(h)
		switch kind {
		case 2:
			b.Complete = t // the last one: a later round's block replaces an earlier
		case 3:
			b.Finalizing = t
			if m := reNumTxs.FindStringSubmatch(rest); m != nil {
				b.Txs, _ = strconv.Atoi(m[1])
			}
		case 4:
			b.Finalized = t
		case 5:
			b.Committed = t
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]BlockTiming, 0, len(byH))
	for _, b := range byH {
		if !b.Committed.IsZero() {
			out = append(out, *b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Height < out[j].Height })
	return out, nil
}

// Interval is the time between the commit of the block before b and b's
// own, on the node: the block interval as the node lived it. blocks must be
// in height order; it is 0 for a block without its predecessor.
func Interval(blocks []BlockTiming, i int) time.Duration {
	if i <= 0 || i >= len(blocks) || blocks[i-1].Height != blocks[i].Height-1 {
		return 0
	}
	return span(blocks[i-1].Committed, blocks[i].Committed)
}

// BlockLogStats summarizes the blocks a node committed in a time window.
type BlockLogStats struct {
	Blocks      int     `json:"blocks"`
	TxsMean     float64 `json:"txs_per_block"`
	TxsMax      int     `json:"txs_max"`
	IntervalMs  float64 `json:"interval_ms"`       // mean commit-to-commit time
	GossipMs    float64 `json:"gossip_ms"`         // mean proposal → complete block
	VoteMs      float64 `json:"vote_ms"`           // mean complete block → +2/3 precommits
	ExecMs      float64 `json:"exec_ms"`           // mean store + FinalizeBlock
	ProcessMs   float64 `json:"process_ms"`        // mean store + FinalizeBlock + Commit
	ExecMaxMs   float64 `json:"exec_max_ms"`       // slowest store + FinalizeBlock
	LaterRounds int     `json:"later_rounds"`      // blocks decided after round 0
	IdleMs      float64 `json:"idle_ms,omitempty"` // mean commit → next proposal (timeout_commit, waiting for txs)
}

// SummarizeBlockLog summarizes the blocks committed in [from, to).
func SummarizeBlockLog(blocks []BlockTiming, from, to time.Time) BlockLogStats {
	var s BlockLogStats
	var txs, nIv, nG, nV, nIdle int
	var iv, g, v, ex, pr, idle time.Duration
	for i, b := range blocks {
		if b.Committed.Before(from) || !b.Committed.Before(to) {
			continue
		}
		s.Blocks++
		txs += b.Txs
		s.TxsMax = max(s.TxsMax, b.Txs)
		if d := Interval(blocks, i); d > 0 {
			iv += d
			nIv++
			if d := span(blocks[i-1].Committed, b.Proposal); d > 0 {
				idle += d
				nIdle++
			}
		}
		if d := b.Gossip(); d > 0 {
			g += d
			nG++
		}
		if d := b.Vote(); d > 0 {
			v += d
			nV++
		}
		ex += b.Exec()
		pr += b.Process()
		s.ExecMaxMs = max(s.ExecMaxMs, ms(b.Exec()))
		if b.Round > 0 {
			s.LaterRounds++
		}
	}
	if s.Blocks == 0 {
		return s
	}
	mean := func(d time.Duration, n int) float64 {
		if n == 0 {
			return 0
		}
		return ms(d) / float64(n)
	}
	s.TxsMean = float64(txs) / float64(s.Blocks)
	s.IntervalMs, s.GossipMs, s.VoteMs, s.IdleMs = mean(iv, nIv), mean(g, nG), mean(v, nV), mean(idle, nIdle)
	s.ExecMs, s.ProcessMs = mean(ex, s.Blocks), mean(pr, s.Blocks)
	return s
}

// scanLog calls fn for each line of a CometBFT text log whose message starts
// with one of prefixes: kind is the prefix's index, t the line's time stamp
// read in loc, rest the message and its key=value pairs. Other lines, and
// lines whose time stamp does not parse, are skipped.
func scanLog(r io.Reader, loc *time.Location, prefixes []string, fn func(kind int, t time.Time, rest string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		if len(line) < 28 || line[1] != '[' || line[25] != ']' {
			continue
		}
		rest := strings.TrimLeft(line[26:], " ")
		kind := slices.IndexFunc(prefixes, func(p string) bool { return strings.HasPrefix(rest, p) })
		if kind < 0 {
			continue
		}
		t, err := time.ParseInLocation(logTimeLayout, line[2:25], loc)
		if err != nil {
			continue
		}
		fn(kind, t, rest)
	}
	return sc.Err()
}
