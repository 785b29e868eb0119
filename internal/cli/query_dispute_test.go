package cli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
)

// oneDispute is a dispute service at the HTTP edge with one dispute; it
// records the filter it was asked.
type oneDispute struct {
	d    gongxu.Dispute
	last *gongxu.DisputeFilter
}

func (o oneDispute) Disputes(_ context.Context, f gongxu.DisputeFilter) ([]gongxu.Dispute, error) {
	*o.last = f
	return []gongxu.Dispute{o.d}, nil
}

func (o oneDispute) Dispute(_ context.Context, id uint64) (gongxu.Dispute, error) {
	if id != o.d.ID {
		return gongxu.Dispute{}, gongxu.Errorf(gongxu.KindNotFound, "no dispute %d", id)
	}
	return o.d, nil
}

func TestQueryDispute(t *testing.T) {
	d := gongxu.Dispute{ID: 3, Subject: gongxu.DisputeSubjectPoolShare, Pool: 4, Hub: "hub-lishui", Claimant: "hub-lishui", Respondent: "acme",
		Kind: gongxu.DisputeDamaged, Currency: "CNY", Stake: 30000, Claimed: 12000, Evidence: []string{strings.Repeat("ab", 32)},
		Status: gongxu.DisputeResolved, Panel: []gongxu.OrgID{"beta", "gamma", "delta"}, DefaultBps: 5000,
		Votes:      []gongxu.DisputeVote{{Org: "beta", ToClaimant: 8000}, {Org: "gamma", ToClaimant: 6000}, {Org: "delta", ToClaimant: 0}},
		ToClaimant: 6000, Outcome: gongxu.OutcomePanel, Opened: 1740816000000, Resolved: 1742025600000}
	var f gongxu.DisputeFilter
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Disputes: oneDispute{d, &f}}))
	defer srv.Close()
	home, _, _ := testHome(t)

	code, stdout, stderr := run(t, "--node", srv.URL, "--home", home, "query", "dispute", "list", "--status", "resolved", "--org", "gamma", "--pool", "4", "-o", "json")
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, stderr)
	}
	var ds []gongxu.Dispute
	if err := json.Unmarshal([]byte(stdout), &ds); err != nil || len(ds) != 1 || ds[0].ToClaimant != 6000 {
		t.Fatalf("list: %s (%v)", stdout, err)
	}
	if f.Status != gongxu.DisputeResolved || f.Org != "gamma" || f.Pool != 4 {
		t.Errorf("the node was asked %+v", f)
	}
	code, stdout, stderr = run(t, "--node", srv.URL, "--home", home, "query", "dispute", "show", "3", "-o", "table")
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"hub-lishui", "damaged", "delta: 0 CNY", "gamma: 6000 CNY", "to_claimant  6000 CNY", "50.0 % of the claim"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr = run(t, "--node", srv.URL, "--home", home, "query", "dispute", "show", "9"); code == 0 || !strings.Contains(stderr, "no dispute 9") {
		t.Errorf("show 9: exit %d, %s", code, stderr)
	}
	if code, _, _ = run(t, "--node", srv.URL, "--home", home, "query", "dispute", "list", "--status", "lost"); code == 0 {
		t.Errorf("an unknown status was taken")
	}
}
