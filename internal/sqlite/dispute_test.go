package sqlite

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func disputeEvent(typ string, d gongxu.Dispute, split gongxu.Amount) gongxu.Event {
	return gongxu.NewEvent(typ, "id", strconv.FormatUint(d.ID, 10), "kind", string(d.Kind), "pool", strconv.FormatUint(d.Pool, 10),
		"hub", string(d.Hub), "claimant", string(d.Claimant), "respondent", string(d.Respondent),
		"claimed", strconv.FormatInt(int64(d.Claimed), 10), "to_claimant", strconv.FormatInt(int64(split), 10),
		"outcome", string(d.Outcome), "json", mustJSON(d))
}

// TestDisputes: the read model keeps each dispute as its last step left
// it, lists them by status, org (party or panelist) and pool, refuses an
// event whose attributes do not match its json, and rebuilds alike.
func TestDisputes(t *testing.T) {
	ctx := context.Background()
	d1 := gongxu.Dispute{ID: 1, Subject: gongxu.DisputeSubjectPoolShare, Pool: 7, Hub: "hub-b", Claimant: "hub-b", Respondent: "acme",
		Kind: gongxu.DisputeShort, Currency: "CNY", Stake: 3000, Claimed: 1000, Evidence: []string{}, Status: gongxu.DisputeOpen}
	d2 := d1
	d2.ID, d2.Hub, d2.Claimant, d2.Pool = 2, "hub-c", "hub-c", 8
	esc := d1
	esc.Status, esc.Panel = gongxu.DisputePanel, []gongxu.OrgID{"carrier-d", "supplier-e", "supplier-f"}
	res := esc
	res.Status, res.Outcome, res.ToClaimant = gongxu.DisputeResolved, gongxu.OutcomePanel, 600
	blocks := []gongxu.CommittedBlock{
		block(1, []gongxu.TxRecord{tx("dispute/open", "hub-b", key(1), disputeEvent(gongxu.EventDisputeOpened, d1, 0))}),
		block(2, []gongxu.TxRecord{tx("dispute/open", "hub-c", key(2), disputeEvent(gongxu.EventDisputeOpened, d2, 0))},
			disputeEvent(gongxu.EventDisputeEscalated, esc, 0)),
		block(3, []gongxu.TxRecord{tx("dispute/vote", "supplier-e", key(3), disputeEvent(gongxu.EventDisputeVoted, res, 600), disputeEvent(gongxu.EventDisputeResolved, res, 600))}),
	}
	db := openTemp(t)
	projectAll(t, db, blocks)
	got, err := db.Dispute(ctx, 1)
	if err != nil || got.Status != gongxu.DisputeResolved || got.ToClaimant != 600 || len(got.Panel) != 3 {
		t.Fatalf("dispute 1: %+v, %v", got, err)
	}
	if _, err := db.Dispute(ctx, 9); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("dispute 9: %v, want not found", err)
	}
	ids := func(f gongxu.DisputeFilter) string {
		t.Helper()
		ds, err := db.Disputes(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, d := range ds {
			s = append(s, strconv.FormatUint(d.ID, 10))
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		f    gongxu.DisputeFilter
		want string
	}{
		{gongxu.DisputeFilter{}, "2,1"},
		{gongxu.DisputeFilter{Status: gongxu.DisputeOpen}, "2"},
		{gongxu.DisputeFilter{Status: gongxu.DisputeResolved}, "1"},
		{gongxu.DisputeFilter{Org: "acme"}, "2,1"},
		{gongxu.DisputeFilter{Org: "hub-c"}, "2"},
		{gongxu.DisputeFilter{Org: "supplier-e"}, "1"}, // a panelist
		{gongxu.DisputeFilter{Org: "nobody"}, ""},
		{gongxu.DisputeFilter{Pool: 8}, "2"},
		{gongxu.DisputeFilter{Limit: 1}, "2"},
	} {
		if got := ids(c.f); got != c.want {
			t.Errorf("disputes %+v: %s, want %s", c.f, got, c.want)
		}
	}
	if _, err := db.Disputes(ctx, gongxu.DisputeFilter{Status: "lost"}); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("unknown status: %v", err)
	}
	want := dump(t, db)

	base := openTemp(t)
	projectAll(t, base, blocks[:1])
	before := dump(t, base)
	bad := disputeEvent(gongxu.EventDisputeOpened, d2, 0)
	bad.Attrs[0].Value = "3"
	bad2 := disputeEvent(gongxu.EventDisputeOpened, d2, 0)
	bad2.Attrs[4].Value = "hub-x"
	for name, ev := range map[string]gongxu.Event{"id": bad, "claimant": bad2} {
		err := base.Project(ctx, block(2, []gongxu.TxRecord{tx("dispute/open", "hub-c", key(2), ev)}))
		wantKind(t, err, gongxu.KindInvalid, name)
		if after := dump(t, base); after != before {
			t.Fatalf("%s: a failed projection left rows behind", name)
		}
	}

	if err := db.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	projectAll(t, db, blocks)
	if again := dump(t, db); again != want {
		t.Errorf("rebuilt:\n%s\nwant\n%s", again, want)
	}
}
