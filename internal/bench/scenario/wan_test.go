package scenario

import (
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

func TestLedgerWANOptions(t *testing.T) {
	o := LedgerOptions{Common: Common{Validators: 4, Step: 10 * time.Second, Warmup: 2 * time.Second}, Signers: 8, Rates: []int{500}, App: "both"}
	o.WAN, o.WANTimeouts = 50*time.Millisecond, comet.Timeouts{Propose: 3 * time.Second, Commit: time.Second}
	if err := o.Check(); err != nil {
		t.Fatal(err)
	}
	cmd := o.command()
	for _, want := range []string{"--wan 50ms", "--wan-timeout-propose 3s", "--wan-timeout-commit 1s"} {
		if !strings.Contains(cmd, want) {
			t.Fatalf("command %q lacks %q", cmd, want)
		}
	}
	if strings.Contains(cmd, "prevote") {
		t.Fatalf("command %q names an unset timeout", cmd)
	}
	for _, bad := range []time.Duration{-time.Millisecond, time.Minute} {
		o.WAN = bad
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), "--wan") {
			t.Fatalf("--wan %s: %v", bad, err)
		}
	}
}

func TestCompareWAN(t *testing.T) {
	lo := &PoolsReport{Batches: &poolsPhase{PledgesPerTx: 100, SaturationPledges: 8000, SaturationTPS: 80}, Ledger: &poolsPhase{SaturationTPS: 500}}
	wan := &PoolsReport{Batches: &poolsPhase{PledgesPerTx: 100, SaturationPledges: 6000, SaturationTPS: 60}, Ledger: &poolsPhase{SaturationTPS: 250}}
	r := compareWAN(lo, wan)
	if r.Batches != 0.75 || r.Ledger != 0.5 || r.Direct != 0 {
		t.Fatalf("%+v", r)
	}
}

// TestPoolsConsumersFitOnePool: the direct phase pledges every consumer into
// one pool, which takes at most pool.MaxPayersPerPool payer accounts (the
// hubs' batches count one each); more is refused up front, not by the ledger
// half-way through the run.
func TestPoolsConsumersFitOnePool(t *testing.T) {
	o := PoolsOptions{Common: Common{Validators: 4, Step: 10 * time.Second, Warmup: 2 * time.Second},
		Hubs: 16, Leaves: 100, LeafID: 64, Consumers: pool.MaxPayersPerPool - 16,
		BatchRates: []int{4}, DirectRates: []int{500}, Phases: []string{PhaseBatches, PhaseDirect}}
	if err := o.Check(); err != nil {
		t.Fatal(err)
	}
	o.Consumers++
	if err := o.Check(); err == nil || !strings.Contains(err.Error(), "payer accounts") {
		t.Fatalf("%d consumers and %d hubs: %v", o.Consumers, o.Hubs, err)
	}
	o.Phases = []string{PhaseBatches} // without the direct phase no consumer pledges
	if err := o.Check(); err != nil {
		t.Fatal(err)
	}
}
