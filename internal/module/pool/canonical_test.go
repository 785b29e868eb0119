package pool_test

import (
	"encoding/json"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// FuzzBatchDecodeCanonical: for any body CheckJSON accepts, the batch's
// fast decoder either declines, leaving the message untouched, or gives
// exactly what the chain's general decoder (jsonv2, unknown members
// refused) gives, which must then accept the body too.
func FuzzBatchDecodeCanonical(f *testing.F) {
	p, _ := pool.PackLeaves(codecLeaves(3, 16))
	for _, m := range []pool.MsgBatch{{Pool: 1, Packed: p}, {Pool: 18446744073709551615, Packed: "QUJD"}, {Pool: 0}, {Pool: 7, Leaves: codecLeaves(1, 16)}} {
		b, _ := json.Marshal(m)
		f.Add(b)
	}
	for _, s := range []string{`{"pool":01,"packed":"QUJD"}`, `{"pool":1,"packed":"\u0041BCD"}`, `{"pool":-1,"packed":"x"}`,
		`{"pool":1e2,"packed":"x"}`, `{"pool":18446744073709551616,"packed":"x"}`, `{"packed":"x","pool":1}`, `{"pool":1,"packed":""}`,
		`{"pool":1,"packed":"}`, `{"pool":1,"packed":"a","x":"b"}`, `{"pool":1.0,"packed":"x"}`} {
		f.Add([]byte(s))
	}
	sentinel := pool.MsgBatch{Pool: 99, Packed: "sentinel", Leaves: codecLeaves(1, 16)}
	f.Fuzz(func(t *testing.T, body []byte) {
		if gongxu.CheckJSON(body, gongxu.DefaultJSONLimits) != nil {
			return // the chain refuses it before any decoder
		}
		fast := sentinel
		fast.Leaves = append([]pool.Leaf(nil), sentinel.Leaves...)
		if !fast.DecodeCanonical(body) {
			if !reflect.DeepEqual(fast, sentinel) {
				t.Fatalf("declined %q but changed the message: %+v", body, fast)
			}
			return
		}
		var general pool.MsgBatch
		if err := jsonv2.Unmarshal(body, &general, jsonv2.RejectUnknownMembers(true)); err != nil {
			t.Fatalf("fast decoder took %q, the general one refuses it: %v", body, err)
		}
		if !reflect.DeepEqual(fast, general) {
			t.Fatalf("%q: fast %+v, general %+v", body, fast, general)
		}
	})
}
