package scenario

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"
)

// TestLedgerSubmitOption: --submit api sends gongxu's load to its nodes'
// own API and never kvstore's (which has only the JSON-RPC); rpc, the
// default, sends both through broadcast_tx_sync; anything else is refused.
func TestLedgerSubmitOption(t *testing.T) {
	o := LedgerOptions{Common: Common{Validators: 4, Step: 10 * time.Second, Warmup: 2 * time.Second}, Signers: 8, Rates: []int{500}, App: "both"}
	for _, ok := range []string{"", SubmitRPC, SubmitAPI} {
		o.Submit = ok
		if err := o.Check(); err != nil {
			t.Fatalf("--submit %q: %v", ok, err)
		}
		if got := strings.Contains(o.command(), "--submit api"); got != (ok == SubmitAPI) {
			t.Fatalf("--submit %q: command %q", ok, o.command())
		}
	}
	for _, bad := range []string{"API", "http", "rpc "} {
		o.Submit = bad
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), "--submit") {
			t.Fatalf("--submit %q: %v", bad, err)
		}
	}
	keys := []ed25519.PrivateKey{ed25519.NewKeyFromSeed(make([]byte, 32))}
	for _, c := range []struct {
		name string
		api  bool
		want int
	}{{"gongxu", true, 2}, {"gongxu", false, 0}, {"kvstore", true, 0}, {"gongxu" + wanSuffix, true, 2}} {
		n := &network{name: c.name, rpcs: []string{"http://127.0.0.1:1", "http://127.0.0.1:2"}, apis: []string{"127.0.0.1:3", "127.0.0.1:4"}}
		l := ledgerLoad(n, keys, false, c.api)
		if len(l.APIs) != c.want || (c.want > 0 && l.APIs[0] != "http://127.0.0.1:3") {
			t.Fatalf("%s, api %v: APIs %q", c.name, c.api, l.APIs)
		}
	}
}
