package bench

import (
	"strings"
	"testing"
	"time"
)

// A node's log as CometBFT writes it (consensus and state at info level),
// trimmed: height 7 decided in round 1, height 8 in round 0.
const sampleLog = `I[2026-11-22|17:38:56.000] committed state                              module=state height=6 block_app_hash=AA
I[2026-11-22|17:38:56.461] received proposal                            module=consensus proposal="Proposal{7/0 (2317AF:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:38:56.442707292Z}" proposer=1F33
I[2026-11-22|17:38:58.500] received proposal                            module=consensus proposal="Proposal{7/1 (99AA:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:38:58.442707292Z}" proposer=1F34
I[2026-11-22|17:38:58.600] received complete proposal block             module=consensus height=7 hash=99AA
I[2026-11-22|17:38:58.700] finalizing commit of block                   module=consensus height=7 hash=99AA root=7C50 num_txs=12
I[2026-11-22|17:38:58.820] finalized block                              module=state height=7 num_txs_res=12 num_val_updates=0 block_app_hash=7C51
I[2026-11-22|17:38:58.821] executed block                               module=state height=7 app_hash=7C51
I[2026-11-22|17:38:58.850] committed state                              module=state height=7 block_app_hash=7C51
I[2026-11-22|17:38:59.217] Timed out                                    module=consensus dur=476.39719ms height=8 round=0 step=RoundStepNewHeight
I[2026-11-22|17:38:59.400] received proposal                            module=consensus proposal="Proposal{8/0 (BBCC:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:38:59.442707292Z}" proposer=1F33
I[2026-11-22|17:38:59.450] received complete proposal block             module=consensus height=8 hash=BBCC
this line is not CometBFT's
I[2026-11-22|17:38:59.500] finalizing commit of block                   module=consensus height=8 hash=BBCC root=7C51 num_txs=3
I[2026-11-22|17:38:59.540] finalized block                              module=state height=8 num_txs_res=3 num_val_updates=0 block_app_hash=7C52
I[2026-11-22|17:38:59.550] committed state                              module=state height=8 block_app_hash=7C52
I[2026-11-22|17:39:00.000] received proposal                            module=consensus proposal="Proposal{9/0 (DDEE:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:39:00.442707292Z}" proposer=1F33
`

func TestParseBlockLog(t *testing.T) {
	blocks, err := ParseBlockLog(strings.NewReader(sampleLog), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	// Height 9 was never committed: left out.
	if len(blocks) != 3 || blocks[0].Height != 6 || blocks[1].Height != 7 || blocks[2].Height != 8 {
		t.Fatalf("heights %+v", blocks)
	}
	at := func(s string) time.Time {
		v, err := time.Parse("15:04:05.000", s)
		if err != nil {
			t.Fatal(err)
		}
		return time.Date(2026, 11, 22, v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC)
	}
	b := blocks[1]
	if b.Txs != 12 || b.Round != 1 || !b.Proposal.Equal(at("17:38:56.461")) || !b.Complete.Equal(at("17:38:58.600")) {
		t.Fatalf("height 7: %+v", b)
	}
	ms := time.Millisecond
	if b.Exec() != 120*ms || b.Process() != 150*ms || b.Gossip() != 2139*ms || b.Vote() != 100*ms {
		t.Fatalf("height 7: exec %v process %v gossip %v vote %v", b.Exec(), b.Process(), b.Gossip(), b.Vote())
	}
	if Interval(blocks, 1) != 2850*ms || Interval(blocks, 2) != 700*ms || Interval(blocks, 0) != 0 {
		t.Fatalf("intervals %v %v %v", Interval(blocks, 0), Interval(blocks, 1), Interval(blocks, 2))
	}
	// A gap in the heights has no interval.
	if Interval([]BlockTiming{blocks[0], blocks[2]}, 1) != 0 {
		t.Fatal("interval across a missing height")
	}

	s := SummarizeBlockLog(blocks, at("17:38:56.500"), at("17:39:00.000"))
	if s.Blocks != 2 || s.TxsMean != 7.5 || s.TxsMax != 12 || s.LaterRounds != 1 {
		t.Fatalf("summary %+v", s)
	}
	if s.IntervalMs != 1775 || s.ExecMs != 80 || s.ProcessMs != 100 || s.ExecMaxMs != 120 || s.VoteMs != 75 {
		t.Fatalf("summary %+v", s)
	}
	// Idle: commit of 6 → first proposal of 7 (461 ms), commit of 7 → proposal of 8 (550 ms).
	if s.IdleMs != 505.5 {
		t.Fatalf("idle %v", s.IdleMs)
	}
	if s := SummarizeBlockLog(blocks, at("17:40:00.000"), at("17:41:00.000")); s.Blocks != 0 || s.ExecMs != 0 {
		t.Fatalf("empty window %+v", s)
	}
}

func TestParseProcStatus(t *testing.T) {
	status := "Name:\tgongxu\nVmPeak:\t 2000000 kB\nVmHWM:\t  250000 kB\nVmRSS:\t  200000 kB\nThreads:\t12\n"
	m, err := parseProcStatus(status)
	if err != nil || m.RSS != 200000<<10 || m.Peak != 250000<<10 {
		t.Fatalf("parseProcStatus = %+v, %v", m, err)
	}
	for _, bad := range []string{"", "VmRSS:\t 12 kB\n", "VmRSS:\t x kB\nVmHWM:\t 1 kB\n", "VmRSS:\t 12 MB\nVmHWM:\t 1 kB\n"} {
		if _, err := parseProcStatus(bad); err == nil {
			t.Errorf("parseProcStatus(%q) did not fail", bad)
		}
	}
}
