package comet

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

func TestAdmissionBound(t *testing.T) {
	a := Admission{MaxTxs: 3, MaxBytes: 1000, MaxBlocks: 2, MaxBlockBytes: 500}
	for _, c := range []struct {
		p    pending
		busy bool
	}{
		{pending{}, false},
		{pending{txs: 2, bytes: 999}, false},
		{pending{txs: 3, bytes: 10}, true},
		{pending{txs: 1, bytes: 1000}, true},
		{pending{txs: 9, bytes: 9000}, true},
		// work: two blocks' budget of 100 each
		{pending{txs: 1, bytes: 10, weight: 199, blockWork: 100}, false},
		{pending{txs: 1, bytes: 10, weight: 200, blockWork: 100}, true},
		{pending{txs: 2, bytes: 999, weight: 5000, blockWork: 100}, true},
		{pending{txs: 1, bytes: 10, weight: 5000}, false}, // no budget known: no bound by work
	} {
		err := a.busy(c.p)
		if (err != nil) != c.busy || (err != nil && gongxu.ErrorKind(err) != gongxu.KindBusy) {
			t.Errorf("%+v: %v, want busy %v", c.p, err, c.busy)
		}
	}
	if d := (Admission{}).withDefaults(); d != DefaultAdmission {
		t.Errorf("defaults: %+v", d)
	}
	if got := a.proposalBytes(4 << 20); got != 500 {
		t.Errorf("proposal under a 4 MB consensus limit: %d", got)
	}
	if got := a.proposalBytes(100); got != 100 {
		t.Errorf("proposal under a 100-byte consensus limit: %d", got)
	}
	if got := DefaultAdmission.proposalBytes(4 << 20); got != 4<<20 {
		t.Errorf("default proposal bytes under a 4 MB consensus limit: %d, want the limit", got)
	}
	// Transactions: a prefix of what PrepareProposal chose, at most MaxBlockTxs.
	txs := [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d")}
	for _, c := range []struct {
		max  int
		want int
	}{{0, 4}, {5, 4}, {4, 4}, {3, 3}, {1, 1}} {
		got := Admission{MaxBlockTxs: c.max}.proposal(txs)
		if len(got) != c.want || (len(got) > 0 && string(got[0]) != "a") {
			t.Errorf("max_block_txs %d: %q, want the first %d", c.max, got, c.want)
		}
	}
}

// TestNodeBusy: a node whose mempool reaches its admission bound answers
// new transactions busy — through CometBFT's broadcast_tx_sync (CheckTx
// code KindBusy, before any work on the tx) and through Submit (a KindBusy
// error, which the API sends as 503) — and admits the same transaction
// again once blocks have drained its mempool.
func TestNodeBusy(t *testing.T) {
	ln := startLightNodeWith(t, StartOptions{Admission: Admission{MaxTxs: 3}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	acc, err := ln.node.Account(ctx, gongxu.PubKey(hex.EncodeToString(ln.key.Public().(ed25519.PublicKey))))
	if err != nil {
		t.Fatal(err)
	}
	mk := func(seq uint64) []byte {
		b, _ := json.Marshal(member.MsgUpdateOrg{Description: fmt.Sprintf("admission %d", seq)})
		return gongxu.SignTx(ln.chainID, ln.key, member.TypeUpdateOrg, b, seq).Encode()
	}
	next := acc.Sequence
	rpc, err := rpchttp.New(ln.rpc, "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	// The mempool fills within milliseconds; a block every 0.5 s takes it.
	busyRPC := false
	for i := 0; i < 500 && !busyRPC; i++ {
		r, err := rpc.BroadcastTxSync(ctx, mk(next))
		switch {
		case err != nil:
			t.Fatal(err)
		case r.Code == 0:
			next++
		case r.Code == uint32(gongxu.KindBusy):
			busyRPC = true
			if r.Codespace != "gongxu" || len(r.Log) < 5 || r.Log[:5] != "busy:" {
				t.Errorf("busy answer: %+v", r)
			}
		default:
			t.Fatalf("broadcast %d: code %d %s", next, r.Code, r.Log)
		}
	}
	if !busyRPC {
		t.Fatal("broadcast_tx_sync never answered busy")
	}
	var shed []byte
	for i := 0; i < 500 && shed == nil; i++ {
		tx := mk(next)
		r, err := ln.node.Submit(ctx, tx, false)
		switch {
		case gongxu.ErrorKind(err) == gongxu.KindBusy:
			shed = tx
		case err != nil || r.Code != 0:
			t.Fatalf("submit %d: %+v %v", next, r, err)
		default:
			next++
		}
	}
	if shed == nil {
		t.Fatal("Submit never answered busy")
	}
	for ln.node.MempoolSize() > 0 {
		if ctx.Err() != nil {
			t.Fatal("the mempool did not drain")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r, err := ln.node.Submit(ctx, shed, true)
	if err != nil || r.Code != 0 || r.Height == 0 {
		t.Fatalf("the shed transaction after the drain: %+v %v", r, err)
	}
}

// TestNodeBusyByWork: a node whose waiting transactions weigh its
// admission's blocks of work answers busy — here captures of 200-event
// EPCIS documents (about 61 KB each, weighing ~3,000 of a block's 40,000)
// with blocks that take none of them (max_block_bytes of 1) — long before
// the count or byte bounds, and says so.
func TestNodeBusyByWork(t *testing.T) {
	ln := startLightNodeWith(t, StartOptions{Admission: Admission{MaxBlocks: 1, MaxBlockBytes: 1}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	acc, err := ln.node.Account(ctx, gongxu.PubKey(hex.EncodeToString(ln.key.Public().(ed25519.PublicKey))))
	if err != nil {
		t.Fatal(err)
	}
	capture := func(seq uint64) []byte {
		var events []string
		for i := range 200 {
			var epcs []string
			for j := range 4 {
				epcs = append(epcs, fmt.Sprintf(`"urn:epc:id:sgtin:0614141.107346.%d"`, (int(seq)*200+i)*4+j))
			}
			events = append(events, fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"2026-01-01T00:%02d:%02d.000Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","bizStep":"inspecting","epcList":[%s]}`,
				i/60, i%60, strings.Join(epcs, ",")))
		}
		doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[` +
			strings.Join(events, ",") + `]}}`
		b, _ := json.Marshal(map[string]json.RawMessage{"document": json.RawMessage(doc)})
		return gongxu.SignTx(ln.chainID, ln.key, "trace/capture", b, seq).Encode()
	}
	next := acc.Sequence
	var busy error
	admitted := 0
	for i := 0; i < 40 && busy == nil; i++ {
		r, err := ln.node.Submit(ctx, capture(next), false)
		switch {
		case gongxu.ErrorKind(err) == gongxu.KindBusy:
			busy = err
		case err != nil || r.Code != 0:
			t.Fatalf("capture %d: %+v %v", next, r, err)
		default:
			admitted++
			next++
		}
	}
	if busy == nil {
		t.Fatal("40 captures of 200 events were admitted: no bound by work")
	}
	w, block := ln.node.chain.PendingWeight()
	// Busy from the capture that took the weight past one block's budget
	// (the captures weigh about the same), and not before.
	if !strings.Contains(gongxu.ErrorMessage(busy), "blocks' work") || admitted < 2 || w < block || w-w/int64(admitted) >= block {
		t.Errorf("busy after %d captures weighing %d (a block's budget %d): %v", admitted, w, block, busy)
	}
	if size := ln.node.MempoolSize(); size != admitted {
		t.Errorf("mempool holds %d, %d were admitted", size, admitted)
	}
}
