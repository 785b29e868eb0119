package trace

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// memoParser returns the events it is given; an identifier "gs1:<digits>:…"
// is a GS1 key of those company digits.
type memoParser struct{ evs []gongxu.TraceEvent }

func (p memoParser) Parse([]byte, int64, int) ([]gongxu.TraceEvent, error) {
	out := make([]gongxu.TraceEvent, len(p.evs))
	for i, e := range p.evs {
		e.EPCs = append([]string(nil), e.EPCs...)
		out[i] = e
	}
	return out, nil
}
func (memoParser) Hash([]byte) (string, error)         { return "", nil }
func (memoParser) Canonical(id string) (string, error) { return id, nil }
func (memoParser) CompanyDigits(id string) (string, bool) {
	d, ok := strings.CutPrefix(id, "gs1:")
	if !ok {
		return "", false
	}
	d, _, _ = strings.Cut(d, ":")
	return d, true
}

// memoMembers owns company digits by their first digit ('1': org "a", '2':
// org "b", others none) and counts PrefixOwner's calls.
type memoMembers struct{ calls map[string]int }

func (m memoMembers) PrefixOwner(_ store.Reader, digits string) (gongxu.OrgID, string, error) {
	m.calls[digits]++
	switch digits[0] {
	case '1':
		return "a", digits[:6], nil
	case '2':
		return "b", digits[:6], nil
	}
	return "", "", nil
}
func (memoMembers) HasRole(store.Reader, gongxu.OrgID, gongxu.Role) (bool, error) { return false, nil }

type memoLots struct{}

func (memoLots) Lot(store.Reader, gongxu.LotID) (gongxu.Lot, error) { return gongxu.Lot{}, nil }
func (memoLots) Hold(*module.Context, gongxu.LotID, uint64) (int, bool, error) {
	return 0, false, nil
}

// TestOwnerMemoOneLookupPerDigits: a capture looks the owner of each company
// digits up once for the whole document, however many of its events'
// identifiers share them, and judges as a look-up per identifier would: an
// identifier under another org's prefix is refused at its own event, after
// many of the signer's own and unowned ones.
func TestOwnerMemoOneLookupPerDigits(t *testing.T) {
	const n = 50
	var evs []gongxu.TraceEvent
	for i := range n {
		evs = append(evs, gongxu.TraceEvent{ID: fmt.Sprintf("ev-%d", i), Type: objectEvent, Action: actionAdd, Raw: []byte(`{}`),
			EPCs: []string{fmt.Sprintf("gs1:100000111:%d", i), fmt.Sprintf("gs1:300000222:%d", i), fmt.Sprintf("gs1:100000111:x%d", i), "urn:uuid:" + fmt.Sprint(i)}})
	}
	run := func(evs []gongxu.TraceEvent) (map[string]int, error) {
		members := memoMembers{calls: map[string]int{}}
		m, err := New(memoParser{evs}, memoLots{}, members)
		if err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(store.NewMemDB())
		if err != nil {
			t.Fatal(err)
		}
		ctx := &module.Context{KV: store.NewCache(st), Height: 1, Time: 1, Org: "a", TxHash: "AB"}
		return members.calls, m.handleCapture(ctx, &MsgCapture{Document: []byte(`{}`)})
	}
	calls, err := run(evs)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls["100000111"] != 1 || calls["300000222"] != 1 {
		t.Fatalf("PrefixOwner calls %v, want one per company digits (2 of them) for %d events", calls, n)
	}
	// Event 37 commissions a key under org b's prefix: refused there, with
	// the message a look-up of its own gives.
	bad := append([]gongxu.TraceEvent(nil), evs...)
	bad[37].EPCs = append([]string{"gs1:200000333:1"}, bad[37].EPCs...)
	calls, err = run(bad)
	want := "event 37 commissions gs1:200000333:1, under GS1 company prefix 200000 of org b"
	if err == nil || !strings.Contains(gongxu.ErrorMessage(err), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
	if calls["200000333"] != 1 || calls["100000111"] != 1 {
		t.Fatalf("PrefixOwner calls %v", calls)
	}
	if gongxu.ErrorKind(err) != gongxu.KindUnauthorized {
		t.Fatalf("kind %v, want unauthorized", gongxu.ErrorKind(err))
	}
}
