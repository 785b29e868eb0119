package bench

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// HeightLife is what one node's CometBFT log (consensus at info level) shows
// of one height's rounds: when its propose step began, when its propose
// timeouts fired, each proposal it received (with the time its proposer
// signed it) and when a proposal's block was complete. It tells a height
// decided after round 0 because the proposer was late (the proposal signed
// after the others' timeout_propose) from one whose proposal or block parts
// were late on the way (signed in time, received or completed after the
// timeout). A time not seen is zero.
type HeightLife struct {
	Height int64
	// Propose is when timeout_commit of the previous height ended: the node
	// entered round 0 of this height and its propose step.
	Propose time.Time
	// ProposeTimeouts are the times timeout_propose fired, by round.
	ProposeTimeouts map[int]time.Time
	Proposals       []ProposalSeen
	// Complete are the times a proposal's block was complete, in order.
	Complete []time.Time
	// Finalizing is when +2/3 precommits were seen for a block.
	Finalizing time.Time
}

// ProposalSeen is a proposal as a node received it (or made it).
type ProposalSeen struct {
	Round    int
	Proposer string    // validator address, hex, as logged (a prefix)
	Signed   time.Time // the proposal's own time stamp: when its proposer made it
	Received time.Time // when this node had it
}

// Round is the highest round of a proposal the node saw at this height.
func (h *HeightLife) Round() int {
	r := 0
	for _, p := range h.Proposals {
		r = max(r, p.Round)
	}
	return r
}

var (
	reTimedOut  = regexp.MustCompile(`\bheight=(\d+) round=(\d+) step=(RoundStep\w+)`)
	reProposer  = regexp.MustCompile(`\bproposer=([0-9A-Fa-f]+)`)
	reSignedAt  = regexp.MustCompile(` @ (\S+?)\}`)
	propPrefix  = "received proposal "
	compPrefix  = "received complete proposal block "
	finPrefix   = "finalizing commit of block "
	timedPrefix = "Timed out "
)

// ParseRoundLog reads a CometBFT text log and returns each height's rounds
// as HeightLife, by height. Time stamps of lines are read in loc; proposal
// time stamps are UTC, as CometBFT writes them. Lines it does not know are
// skipped.
func ParseRoundLog(r io.Reader, loc *time.Location) (map[int64]*HeightLife, error) {
	out := map[int64]*HeightLife{}
	get := func(h int64) *HeightLife {
		x := out[h]
		if x == nil {
			x = &HeightLife{Height: h, ProposeTimeouts: map[int]time.Time{}}
			out[h] = x
		}
		return x
	}
	err := scanLog(r, loc, []string{propPrefix, compPrefix, finPrefix, timedPrefix}, func(kind int, t time.Time, rest string) {
		kind++ // 1 to 4, in the order of the prefixes
		switch kind {
		case 1:
			m := reProposal.FindStringSubmatch(rest)
			if m == nil {
				return
			}
			h, _ := strconv.ParseInt(m[1], 10, 64)
			round, _ := strconv.Atoi(m[2])
			p := ProposalSeen{Round: round, Received: t}
			if m := reProposer.FindStringSubmatch(rest); m != nil {
				p.Proposer = m[1]
			}
			if m := reSignedAt.FindStringSubmatch(rest); m != nil {
				if s, err := time.Parse(time.RFC3339Nano, m[1]); err == nil {
					p.Signed = s
				}
			}
			x := get(h)
			x.Proposals = append(x.Proposals, p)
		case 4:
			m := reTimedOut.FindStringSubmatch(rest)
			if m == nil {
				return
			}
			h, _ := strconv.ParseInt(m[1], 10, 64)
			round, _ := strconv.Atoi(m[2])
			x := get(h)
			switch m[3] {
			case "RoundStepNewHeight":
				if round == 0 && x.Propose.IsZero() {
					x.Propose = t
				}
			case "RoundStepPropose":
				if _, ok := x.ProposeTimeouts[round]; !ok {
					x.ProposeTimeouts[round] = t
				}
			}
		default:
			m := reHeight.FindStringSubmatch(rest)
			if m == nil {
				return
			}
			h, _ := strconv.ParseInt(m[1], 10, 64)
			x := get(h)
			if kind == 2 {
				x.Complete = append(x.Complete, t)
			} else {
				x.Finalizing = t
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LaterRoundHeights are the heights that some node saw go past round 0, or
// where its timeout_propose fired before it decided the height, in order. A
// timeout the node logs after it decided is stale (its ticker fires for a
// step consensus has left) and does not count.
func LaterRoundHeights(nodes []map[int64]*HeightLife) []int64 {
	seen := map[int64]bool{}
	for _, n := range nodes {
		for h, x := range n {
			if x.Round() > 0 {
				seen[h] = true
			}
			for _, t := range x.ProposeTimeouts {
				if x.Finalizing.IsZero() || t.Before(x.Finalizing) {
					seen[h] = true
				}
			}
		}
	}
	out := make([]int64, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// DescribeRounds tells height h's rounds on every node in one line, times in
// ms from the earliest node's propose step: each node's propose step (p),
// its propose timeouts (t0, t1 …), each proposal it got (r0 by ADDR signed
// +S got +G), its complete blocks (c) and its decision (f). names maps a
// validator address (as logged) to a node name, for the proposers.
func DescribeRounds(nodes []map[int64]*HeightLife, h int64, names func(addr string) string) string {
	var t0 time.Time
	for _, n := range nodes {
		if x := n[h]; x != nil && !x.Propose.IsZero() && (t0.IsZero() || x.Propose.Before(t0)) {
			t0 = x.Propose
		}
	}
	if t0.IsZero() {
		return fmt.Sprintf("height %d: no node logged its propose step", h)
	}
	rel := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return fmt.Sprintf("%+d", t.Sub(t0).Milliseconds())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "height %d (ms from the first propose step, %s):", h, t0.Format("15:04:05.000"))
	for i, n := range nodes {
		x := n[h]
		if x == nil {
			fmt.Fprintf(&b, " | node%d: -", i)
			continue
		}
		fmt.Fprintf(&b, " | node%d: p %s", i, rel(x.Propose))
		rounds := make([]int, 0, len(x.ProposeTimeouts))
		for r := range x.ProposeTimeouts {
			rounds = append(rounds, r)
		}
		sort.Ints(rounds)
		for _, r := range rounds {
			fmt.Fprintf(&b, " t%d %s", r, rel(x.ProposeTimeouts[r]))
		}
		for _, p := range x.Proposals {
			who := p.Proposer
			if names != nil {
				who = names(p.Proposer)
			}
			fmt.Fprintf(&b, " r%d by %s signed %s got %s", p.Round, who, rel(p.Signed), rel(p.Received))
		}
		for _, c := range x.Complete {
			fmt.Fprintf(&b, " c %s", rel(c))
		}
		fmt.Fprintf(&b, " f %s", rel(x.Finalizing))
	}
	return b.String()
}
