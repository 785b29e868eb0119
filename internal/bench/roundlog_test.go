package bench

import (
	"strings"
	"testing"
	"time"
)

// Two nodes' logs of height 9 decided in round 1: node0 timed out waiting
// for round 0's proposal, which its proposer (1F33, node1) signed 3.2 s
// after node0's propose step began.
const roundLog0 = `I[2026-11-22|17:39:00.000] Timed out                                    module=consensus dur=200ms height=9 round=0 step=RoundStepNewHeight
I[2026-11-22|17:39:03.000] Timed out                                    module=consensus dur=3s height=9 round=0 step=RoundStepPropose
I[2026-11-22|17:39:03.300] received proposal                            module=consensus proposal="Proposal{9/0 (2317AF:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:39:03.200000000Z}" proposer=1F33
I[2026-11-22|17:39:04.100] received proposal                            module=consensus proposal="Proposal{9/1 (99AA:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:39:04.050000000Z}" proposer=2A44
I[2026-11-22|17:39:04.200] received complete proposal block             module=consensus height=9 hash=99AA
I[2026-11-22|17:39:04.300] finalizing commit of block                   module=consensus height=9 hash=99AA root=7C50 num_txs=12
I[2026-11-22|17:39:04.700] Timed out                                    module=consensus dur=200ms height=10 round=0 step=RoundStepNewHeight
garbage line
I[2026-11-22|17:39:04.800] received proposal                            module=consensus proposal="Proposal{10/0 (BBCC:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:39:04.790000000Z}" proposer=2A44
I[2026-11-22|17:39:04.900] finalizing commit of block                   module=consensus height=10 hash=BBCC root=7C50 num_txs=3
I[2026-11-22|17:39:09.000] Timed out                                    module=consensus dur=3s height=10 round=0 step=RoundStepPropose
`

const roundLog1 = `I[2026-11-22|17:39:01.500] Timed out                                    module=consensus dur=200ms height=9 round=0 step=RoundStepNewHeight
I[2026-11-22|17:39:03.200] received proposal                            module=consensus proposal="Proposal{9/0 (2317AF:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:39:03.200000000Z}" proposer=1F33
I[2026-11-22|17:39:03.210] received complete proposal block             module=consensus height=9 hash=2317AF
I[2026-11-22|17:39:04.350] finalizing commit of block                   module=consensus height=9 hash=99AA root=7C50 num_txs=12
`

func TestParseRoundLog(t *testing.T) {
	n0, err := ParseRoundLog(strings.NewReader(roundLog0), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	h := n0[9]
	if h == nil || h.Round() != 1 || len(h.Proposals) != 2 || len(h.Complete) != 1 {
		t.Fatalf("height 9: %+v", h)
	}
	at := func(s string) time.Time {
		x, _ := time.Parse("15:04:05.000", s)
		return time.Date(2026, 11, 22, x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
	}
	if !h.Propose.Equal(at("17:39:00.000")) || !h.ProposeTimeouts[0].Equal(at("17:39:03.000")) || !h.Finalizing.Equal(at("17:39:04.300")) {
		t.Fatalf("height 9 times: %+v", h)
	}
	p := h.Proposals[0]
	if p.Round != 0 || p.Proposer != "1F33" || !p.Signed.Equal(at("17:39:03.200")) || !p.Received.Equal(at("17:39:03.300")) {
		t.Fatalf("round 0 proposal: %+v", p)
	}
	if x := n0[10]; x == nil || x.Round() != 0 || len(x.ProposeTimeouts) != 1 {
		t.Fatalf("height 10: %+v", x)
	}
	n1, err := ParseRoundLog(strings.NewReader(roundLog1), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	nodes := []map[int64]*HeightLife{n0, n1}
	if got := LaterRoundHeights(nodes); len(got) != 1 || got[0] != 9 {
		t.Fatalf("later-round heights %v, want [9] (10's timeout came after its decision)", got)
	}
	names := func(a string) string { return map[string]string{"1F33": "node1", "2A44": "node0"}[a] }
	d := DescribeRounds(nodes, 9, names)
	for _, want := range []string{"node0: p +0 t0 +3000 r0 by node1 signed +3200 got +3300 r1 by node0 signed +4050 got +4100 c +4200 f +4300",
		"node1: p +1500 r0 by node1 signed +3200 got +3200 c +3210 f +4350"} {
		if !strings.Contains(d, want) {
			t.Errorf("DescribeRounds:\n%s\nlacks %q", d, want)
		}
	}
	if d := DescribeRounds(nodes, 99, nil); !strings.Contains(d, "no node logged") {
		t.Errorf("unknown height: %s", d)
	}
}

// FuzzParseRoundLog: any log, however broken, parses without a panic, and
// every height it returns describes without one.
func FuzzParseRoundLog(f *testing.F) {
	f.Add(roundLog0)
	f.Add(roundLog1)
	f.Add("I[2026-11-22|17:39:03.300] received proposal proposal=\"Proposal{9/0 @ x}\" proposer=\n")
	f.Add("I[2026-11-22|17:39:03.000] Timed out height=99999999999999999999 round=-1 step=RoundStepPropose")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseRoundLog(strings.NewReader(s), time.UTC)
		if err != nil {
			return
		}
		nodes := []map[int64]*HeightLife{n, n}
		for _, h := range LaterRoundHeights(nodes) {
			_ = DescribeRounds(nodes, h, nil)
		}
		for h := range n {
			_ = DescribeRounds(nodes, h, func(string) string { return "x" })
		}
	})
}
