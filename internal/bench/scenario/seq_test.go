package scenario

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// abciQueryServer answers CometBFT's abci_query over JSON-RPC from app, as a
// node's RPC does. seen, if not nil, is told each query's data and the
// height of its answer, and returns the height to report instead.
func abciQueryServer(t *testing.T, app *comet.App, seen func(data []byte, height int64) int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Method string            `json:"method"`
			Params map[string]string `json:"params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Method != "abci_query" {
			t.Errorf("request %+v: %v", req, err)
			return
		}
		data, _ := hex.DecodeString(req.Params["data"])
		res, err := app.Query(r.Context(), &abci.RequestQuery{Path: req.Params["path"], Data: data})
		if err != nil {
			t.Error(err)
			return
		}
		h := res.Height
		if seen != nil {
			h = seen(data, h)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"result": map[string]any{"response": map[string]any{
			"code": res.Code, "log": res.Log, "value": res.Value, "height": strconv.FormatInt(h, 10)}}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSeqKeyLayout: bench ledger's success count reads a signer's next
// sequence where the chain keeps it (seqKeyPrefix), from the committed
// state only: a tx that fails in its block does not count, nor one waiting
// in the mempool (which the account query would count).
func TestSeqKeyLayout(t *testing.T) {
	h := chaintest.New(t, chaintest.OrgSpec{ID: "acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}})
	app := comet.NewApp(h.App)
	srv := abciQueryServer(t, app, nil)
	rpc := bench.NewRPC(1)
	defer rpc.Close()
	ctx := context.Background()
	keys := []ed25519.PrivateKey{chaintest.Key("acme")}
	count := func(want uint64) {
		t.Helper()
		n, height, err := make(seqBase, 1).succeeded(keys)(ctx, rpc, srv.URL, 0)
		if err != nil || n != want || height != h.Height {
			t.Fatalf("succeeded %d at height %d (%v), want %d at %d", n, height, err, want, h.Height)
		}
	}
	count(0) // no tx yet: no sequence stored
	upd := func(d string) member.MsgUpdateOrg { return member.MsgUpdateOrg{Description: d} }
	chaintest.MustOK(t, h.Deliver(h.Sign("acme", member.TypeUpdateOrg, upd("one"))))
	res := h.Block(h.Sign("acme", member.TypeUpdateOrg, upd("two")), h.SignSeq("acme", member.TypeUpdateOrg, upd("skips"), 9))
	if res.Txs[0].Code != 0 || res.Txs[1].Code == 0 {
		t.Fatalf("codes %d %d, want 0 and a failure", res.Txs[0].Code, res.Txs[1].Code)
	}
	count(2)
	if r := h.App.CheckTx(h.Sign("acme", member.TypeUpdateOrg, upd("waiting"))); r.Code != 0 {
		t.Fatalf("CheckTx: %+v", r)
	}
	if acc, err := h.App.Account(chaintest.PubKey("acme")); err != nil || acc.Sequence != 4 {
		t.Fatalf("account %+v, %v: want the mempool's tx counted there", acc, err)
	}
	count(2)
	if _, _, err := (seqBase{5}).succeeded(keys)(ctx, rpc, srv.URL, 0); err == nil {
		t.Fatal("a base past the committed sequence: no error")
	}
}

func TestDecodeSeq(t *testing.T) {
	if n, err := decodeSeq(nil); err != nil || n != 1 {
		t.Fatalf("absent: %d, %v", n, err)
	}
	if n, err := decodeSeq(binary.BigEndian.AppendUint64(nil, 7)); err != nil || n != 7 {
		t.Fatalf("7: %d, %v", n, err)
	}
	for _, v := range [][]byte{{1}, make([]byte, 8), make([]byte, 9), []byte("12345678x")} {
		if n, err := decodeSeq(v); err == nil {
			t.Errorf("%x: accepted as %d", v, n)
		}
	}
}

// FuzzDecodeSeq: any value decodes without a panic; an accepted one is
// absent (1) or 8 bytes that read back as it.
func FuzzDecodeSeq(f *testing.F) {
	f.Add([]byte{})
	f.Add(binary.BigEndian.AppendUint64(nil, 1))
	f.Add(make([]byte, 8))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, v []byte) {
		n, err := decodeSeq(v)
		if err != nil {
			return
		}
		if n < 1 || len(v) != 0 && (len(v) != 8 || binary.BigEndian.Uint64(v) != n) || len(v) == 0 && n != 1 {
			t.Fatalf("%x: %d", v, n)
		}
	})
}
