package sqlite

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// ackEvent is the event of hub's acknowledgement of recall, by tx idx of
// block height.
func ackEvent(height int64, idx int, recall uint64, hub gongxu.OrgID, pool uint64) gongxu.Event {
	a := gongxu.RecallAck{Recall: recall, Hub: hub, Pool: pool, Height: height, Time: at(height), Tx: txHash(height, idx)}
	return gongxu.NewEvent(gongxu.EventTraceRecallAck, "recall", itoa(recall), "hub", string(hub), "pool", itoa(pool), "json", mustJSON(a))
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// TestRecallAcks: the read model keeps the hubs' acknowledgements of a
// recall, refuses one that is not what its tx emitted, of an unknown
// recall or twice, and rebuilds them alike.
func TestRecallAcks(t *testing.T) {
	ctx := context.Background()
	blocks, _ := newTraceScenario(t)
	ack := block(11, []gongxu.TxRecord{tx("trace/recall_ack", "hub-a", key(3), ackEvent(11, 0, 1, "hub-a", 7))})
	db := openTemp(t)
	projectAll(t, db, append(blocks, ack))
	got, err := db.RecallAcks(ctx, 1)
	if err != nil || len(got) != 1 || got[0].Hub != "hub-a" || got[0].Pool != 7 || got[0].Tx != txHash(11, 0) {
		t.Fatalf("acks of recall 1: %+v, %v", got, err)
	}
	if none, err := db.RecallAcks(ctx, 2); err != nil || none == nil || len(none) != 0 {
		t.Errorf("acks of recall 2: %+v, %v", none, err)
	}
	want := dump(t, db)
	if !strings.Contains(want, "== trace_recall_acks (1)") {
		t.Errorf("dump lacks the acknowledgement:\n%s", want)
	}

	base := openTemp(t)
	projectAll(t, base, blocks)
	before := dump(t, base)
	for name, c := range map[string]struct {
		ev  gongxu.Event
		msg string
	}{
		"unknown recall": {ackEvent(11, 0, 9, "hub-a", 7), "which the read model does not hold"},
		"other tx":       {ackEvent(11, 1, 1, "hub-a", 7), "emitted by tx"},
		"hub attr":       {gongxu.NewEvent(gongxu.EventTraceRecallAck, "recall", "1", "hub", "hub-b", "pool", "7", "json", ackEvent(11, 0, 1, "hub-a", 7).Get("json")), "hub"},
		"pool attr":      {gongxu.NewEvent(gongxu.EventTraceRecallAck, "recall", "1", "hub", "hub-a", "pool", "8", "json", ackEvent(11, 0, 1, "hub-a", 7).Get("json")), "pool attr"},
		"recall attr":    {gongxu.NewEvent(gongxu.EventTraceRecallAck, "recall", "x", "hub", "hub-a", "pool", "7", "json", "{}"), "recall"},
	} {
		b := block(11, []gongxu.TxRecord{tx("trace/recall_ack", "hub-a", key(3), c.ev)})
		err := base.Project(ctx, b)
		wantKind(t, err, gongxu.KindInvalid, c.msg)
		if after := dump(t, base); after != before {
			t.Fatalf("%s: a failed projection left rows behind", name)
		}
	}
	twice := block(11, []gongxu.TxRecord{tx("trace/recall_ack", "hub-a", key(3), ackEvent(11, 0, 1, "hub-a", 7), ackEvent(11, 0, 1, "hub-a", 7))})
	wantKind(t, base.Project(ctx, twice), gongxu.KindInvalid, "acknowledged recall 1 twice")

	// Reindexing rebuilds them alike.
	if err := db.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	projectAll(t, db, append(blocks, ack))
	if again := dump(t, db); again != want {
		t.Errorf("rebuilt:\n%s\nwant\n%s", again, want)
	}
}
