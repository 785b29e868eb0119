package httpapi

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// secretReceipts is a ReceiptService that knows a consumer's pickup secret.
type secretReceipts struct{}

const testPickupSecret = "5be05be05be05be05be05be05be05be05be05be05be05be05be05be05be05be0"

func (secretReceipts) Receipt(_ context.Context, tx string, index int) (gongxu.Receipt, error) {
	return gongxu.Receipt{Tx: strings.ToUpper(tx), Pool: 1, Hub: "hub-a", Index: index, Leaves: 1,
		Leaf:  gongxu.PoolLeaf{ID: strings.Repeat("ab", 16), Qty: 2, Commit: strings.Repeat("cd", 32)},
		Proof: []string{}, Root: strings.Repeat("ef", 32), Secret: testPickupSecret}, nil
}

// TestReceiptRouteNeverServesSecret: the public receipt route serves the
// leaf (with its commitment) and the proof, never the pickup secret that
// collects the goods, even from a service that knows it.
func TestReceiptRouteNeverServesSecret(t *testing.T) {
	e := envOn(t, nil)
	e.cfg.Receipts = secretReceipts{}
	rec := e.doWith("GET", "/v1/batches/"+strings.Repeat("AB", 32)+"/receipts/0", "", nil)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	if strings.Contains(body, testPickupSecret) || strings.Contains(body, `"secret"`) {
		t.Fatalf("the public receipt holds the pickup secret: %s", body)
	}
	var r gongxu.Receipt
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.Leaf.Commit != strings.Repeat("cd", 32) || r.Secret != "" {
		t.Fatalf("receipt %+v (%v)", r, err)
	}
}
