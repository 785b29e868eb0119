package cli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
)

func TestTxLogisticsBodies(t *testing.T) {
	pod := filepath.Join(t.TempDir(), "signed.jpg")
	if err := os.WriteFile(pod, []byte("test"), 0o600); err != nil {
		t.Fatal(err)
	}
	const testSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // sha256("test")
	for _, c := range []struct {
		args []string
		typ  string
		body string
	}{
		{[]string{"logistics", "assign", "--pool", "4", "--hub", "hub-h", "--carrier", "swift"}, "logistics/assign", `{"pool":4,"hub":"hub-h","carrier":"swift"}`},
		{[]string{"logistics", "assign", "--po", "12", "--shipment", "2", "--carrier", "swift"}, "logistics/assign", `{"po":12,"shipment":2,"carrier":"swift"}`},
		{[]string{"logistics", "assign", "--pool", "4", "--hub", "hub-h", "--shipment", "2", "--carrier", "swift"}, "logistics/assign",
			`{"pool":4,"hub":"hub-h","shipment":2,"carrier":"swift"}`},
		{[]string{"logistics", "pickup", "3"}, "logistics/pickup", `{"leg":3}`},
		{[]string{"logistics", "deliver", "3", "--received-by", "Wang Fang", "--evidence", pod, "--note", "2 cartons"}, "logistics/deliver",
			`{"leg":3,"received_by":"Wang Fang","evidence":["` + testSHA + `"],"note":"2 cartons"}`},
		{[]string{"logistics", "deliver", "3"}, "logistics/deliver", `{"leg":3}`},
	} {
		tx := dryRun(t, c.args...)
		if tx.Type != c.typ || !sameJSON(t, tx.Body, []byte(c.body)) {
			t.Errorf("%v:\n got %s %s\nwant %s %s", c.args, tx.Type, tx.Body, c.typ, c.body)
		}
	}
}

// TestTxLogisticsUsage: bad flags are refused before anything is signed.
func TestTxLogisticsUsage(t *testing.T) {
	home, _, _ := testHome(t)
	dead, err := deadURL()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"assign", "--pool", "4", "--hub", "hub-h"}, "carrier"},
		{[]string{"assign", "--carrier", "swift"}, "give exactly one"},
		{[]string{"assign", "--pool", "4", "--hub", "hub-h", "--po", "2", "--shipment", "1", "--carrier", "swift"}, "give exactly one"},
		{[]string{"assign", "--po", "2", "--carrier", "swift"}, "a shipment number from 1"},
		{[]string{"assign", "--pool", "4", "--hub", "hub-h", "--shipment", "17", "--carrier", "swift"}, "a share's shipment is 1 to 16"},
		{[]string{"assign", "--shipment", "2", "--carrier", "swift"}, "give exactly one"},
		{[]string{"assign", "--pool", "4", "--hub", "hub-h", "--carrier", "Swift Co"}, "carrier:"},
		{[]string{"pickup", "0"}, "leg id must be a positive integer"},
		{[]string{"deliver", "x"}, "leg id must be a positive integer"},
		{[]string{"deliver", "3", "--evidence", "no-such-file.jpg"}, "neither a SHA-256"},
		{[]string{"deliver", "3", "--received-by", strings.Repeat("x", 101)}, "received_by is 101 bytes"},
	} {
		full := append([]string{"--home", home, "--node", dead, "--chain-id", "offline-1", "tx", "logistics"}, c.args...)
		full = append(full, "--from", "alice", "--sequence", "1", "--dry-run")
		code, _, stderr := run(t, full...)
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want a refusal containing %q", c.args, code, stderr, c.want)
		}
	}
}

// oneLeg is a leg service at the HTTP edge with one leg; it records the
// filter it was asked.
type oneLeg struct {
	l    gongxu.Leg
	last *gongxu.LegFilter
}

func (o oneLeg) Legs(_ context.Context, f gongxu.LegFilter) ([]gongxu.Leg, error) {
	*o.last = f
	return []gongxu.Leg{o.l}, nil
}

func (o oneLeg) Leg(_ context.Context, id uint64) (gongxu.Leg, error) {
	if id != o.l.ID {
		return gongxu.Leg{}, gongxu.Errorf(gongxu.KindNotFound, "no leg %d", id)
	}
	return o.l, nil
}

func TestQueryLogistics(t *testing.T) {
	l := gongxu.Leg{ID: 3, PO: 12, Shipment: 1, Shipper: "blue", Consignee: "acme", Carrier: "swift",
		Lots: []gongxu.LotQty{{Lot: "blue/fab-1", Qty: 1500}}, Unit: "urn:gongxu:po:12:shipment:1", Status: gongxu.LegDelivered,
		Assigned: 1740816000000, PickedUp: 1740819600000, Delivered: 1740902400000, ReceivedBy: "Wang Fang",
		DeliveryEvent: "ni:///sha-256;" + strings.Repeat("ab", 32) + "?ver=CBV2.0"}
	var f gongxu.LegFilter
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Legs: oneLeg{l, &f}}))
	defer srv.Close()
	home, _, _ := testHome(t)

	code, stdout, stderr := run(t, "--node", srv.URL, "--home", home, "query", "logistics", "list", "--org", "swift", "--status", "delivered", "--po", "12", "--lot", "blue/fab-1", "-o", "json")
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, stderr)
	}
	var ls []gongxu.Leg
	if err := json.Unmarshal([]byte(stdout), &ls); err != nil || len(ls) != 1 || ls[0].Carrier != "swift" {
		t.Fatalf("list: %s (%v)", stdout, err)
	}
	if f.Status != gongxu.LegDelivered || f.Org != "swift" || f.PO != 12 || f.Lot != "blue/fab-1" {
		t.Errorf("the node was asked %+v", f)
	}
	code, stdout, stderr = run(t, "--node", srv.URL, "--home", home, "query", "logistics", "show", "3", "-o", "table")
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"po 12 shipment 1", "blue/fab-1: 1.5", "Wang Fang", "pod_evidence", strings.Repeat("ab", 32)} {
		if !strings.Contains(stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr = run(t, "--node", srv.URL, "--home", home, "query", "logistics", "show", "9"); code == 0 || !strings.Contains(stderr, "no leg 9") {
		t.Errorf("show 9: exit %d, %s", code, stderr)
	}
	if code, _, _ = run(t, "--node", srv.URL, "--home", home, "query", "logistics", "list", "--status", "lost"); code == 0 {
		t.Errorf("an unknown status was taken")
	}
}
