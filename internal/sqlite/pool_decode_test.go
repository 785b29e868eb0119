package sqlite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// samePoolDecode fails t when the hand decoder accepts raw into one of its
// types with another value than encoding/json's, or where encoding/json
// fails; it returns which types the hand decoder accepted.
func samePoolDecode(t *testing.T, raw string) (accepted []string) {
	t.Helper()
	for _, mk := range []func() any{
		func() any { return new(poolHead) },
		func() any { return new(gongxu.HubShare) },
		func() any { return new(gongxu.Batch) },
	} {
		fast, slow := mk(), mk()
		ok, compact := fastDecode(raw, fast)
		if !ok {
			if !reflect.DeepEqual(fast, mk()) {
				t.Fatalf("declined %q into %T but changed it: %+v", raw, fast, fast)
			}
			continue
		}
		name := reflect.TypeOf(fast).Elem().Name()
		accepted = append(accepted, name)
		if err := json.Unmarshal([]byte(raw), slow); err != nil {
			t.Fatalf("hand decoder accepted %q into %s, encoding/json fails: %v", raw, name, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q into %s:\nhand          %+v\nencoding/json %+v", raw, name, fast, slow)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, []byte(raw)); err != nil || (c.String() == raw) != compact {
			t.Fatalf("%q: hand decoder says compact %v, json.Compact gives %q (%v)", raw, compact, c.String(), err)
		}
	}
	return accepted
}

func mustMarshal(t testing.TB, v any) string {
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// The modules' events: the hand decoder answers for them (else the bulk
// projection would silently lose its fast path) exactly as encoding/json.
func TestFastDecodeModuleForms(t *testing.T) {
	pools := []gongxu.Pool{
		{ID: 3, Factory: "acme", Product: "acme/tee", Variants: []string{"m", "l"},
			Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 5000}, {MinQty: 1000, UnitPrice: 4500}}, MOQ: 1000, Cap: 1 << 40,
			CasePack: 1, Currency: "CNY", Deadline: t0 + 1e9, Hubs: []gongxu.OrgID{}, Status: gongxu.PoolOpen,
			Total: 250, Pledges: 250, Escrowed: 250 * 5000, Created: t0,
			History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: t0, Height: 1, Reason: "opened \"now\" \u00e9"}}},
		{ID: 9, Factory: "f", Hubs: []gongxu.OrgID{"hub-1", "hub-2"}, Status: gongxu.PoolSucceeded, Price: 4500,
			Series: &gongxu.PoolSeries{EveryMs: 7, Times: 3, Series: 9, N: 0, Next: 12, Stopped: "x"}},
		{}, // nil slices: null
	}
	for _, pl := range pools {
		raw := mustMarshal(t, pl)
		if got := samePoolDecode(t, raw); !slices.Contains(got, "poolHead") {
			t.Fatalf("pool %s: hand decoder declined", raw)
		}
	}
	shares := []gongxu.HubShare{
		{Pool: 1, Hub: "hub-1", Qty: 250, Pledges: 250, Variants: []gongxu.VariantQty{{Variant: "m", Qty: 250}}},
		{Pool: 1, Hub: "hub-1", Delivered: true, ConfirmBy: 5, ShippedAt: 4, ShippedQty: 9, PickedUp: 2, Pickups: 1},
		{},
	}
	for _, s := range shares {
		raw := mustMarshal(t, s)
		if got := samePoolDecode(t, raw); !slices.Contains(got, "HubShare") {
			t.Fatalf("share %s: hand decoder declined", raw)
		}
	}
	b := gongxu.Batch{Pool: 2, Hub: "hub-3", Tx: strings.Repeat("AB", 32), Root: strings.Repeat("0", 64), Leaves: 250,
		Qty: 250, Escrow: 1250000, Height: 7}
	if got := samePoolDecode(t, mustMarshal(t, b)); !slices.Contains(got, "Batch") {
		t.Fatal("batch: hand decoder declined")
	}
	// A share with shipments: declined (encoding/json decodes it).
	sh := gongxu.HubShare{Pool: 1, Hub: "h", Shipped: []gongxu.LotQty{{}}}
	if got := samePoolDecode(t, mustMarshal(t, sh)); slices.Contains(got, "HubShare") {
		t.Fatal("a share with shipments was accepted")
	}
}

// Hostile and unusual texts: wherever the hand decoder accepts, encoding/json
// answers the same; where the two could differ it declines.
func TestFastDecodeHostile(t *testing.T) {
	declines := []string{
		``, ` `, `null`, `[]`, `"x"`, `{`, `{"id":1`, `{"id":1}x`, `{"id":1}{}`, `{"id":1,}`, `{,}`,
		`{"ID":1}`, `{"Id":1}`, `{"id":1,"id":2}`, `{"pool":1,"pool":1}`, // folded and repeated keys
		`{"id":-1}`, `{"id":1.0}`, `{"id":1e2}`, `{"id":01}`, `{"id":18446744073709551616}`, `{"id":"1"}`,
		`{"deadline":9223372036854775808}`, `{"deadline":-9223372036854775809}`, `{"deadline":true}`,
		`{"factory":"a\"b"}`, `{"factory":"\u00e9"}`, "{\"factory\":\"\xc3\xa9\"}", "{\"factory\":\"a\x01\"}",
		`{"factory":1}`, `{"hubs":[null]}`, `{"hubs":"a"}`, `{"tiers":[null]}`, `{"tiers":[{"MIN_QTY":1}]}`,
		`{"series":{"series":1},"series":{"n":2}}`, `{"variants":[{"qty":1,"qty":2}]}`,
		`{"x":"\q"}`, `{"x":"\u12g4"}`, "{\"x\":\"\x00\"}", `{"x":01}`, `{"x":1.}`, `{"x":.5}`, `{"x":1e}`, `{"x":-}`,
		`{"x":tru}`, `{"x":nul}`, `{"x":[1,]}`, `{"x":{"a"}}`, `{"x":"unterminated}`,
		`{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
		"\v{}", "{}\v", `{"shipped":[]}`, `{"shipments":null}`, `{"picked":[]}`,
		`{"名":1}`, `{"\u0069d":1}`,
	}
	for _, raw := range declines {
		for _, v := range []any{new(poolHead), new(gongxu.HubShare), new(gongxu.Batch)} {
			if ok, _ := fastDecode(raw, v); ok {
				// allowed only for a type the key is unknown to; then it must agree
				samePoolDecode(t, raw)
			}
		}
		samePoolDecode(t, raw)
	}
	// These must decline for every type (invalid JSON, or not an object).
	for _, raw := range []string{``, `null`, `{"x":"\q"}`, `{"x":01}`, `{"x":[1,]}`, `{"id":1}x`, "\v{}",
		`{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`} {
		if got := samePoolDecode(t, raw); len(got) > 0 {
			t.Fatalf("%q accepted into %v", raw, got)
		}
	}
	accepts := []string{
		`{}`, " {\n\t\"id\" : 7 ,\r\"x\":{\"y\":[1,-2.5e+3,true,false,null,\"\\u00e9\\n\\\"\",\"\xff\"]}} ",
		`{"id":null,"hubs":null,"tiers":null,"series":null,"factory":null}`, `{"hubs":[],"tiers":[],"variants":[]}`,
		`{"deadline":-9223372036854775808,"total":9223372036854775807,"id":18446744073709551615}`,
		`{"series":{"every_ms":1,"times":2,"series":3,"n":4,"prev":5,"next":6,"next_at":7,"stopped":"s","zz":[{}]}}`,
		`{"tiers":[{"min_qty":1,"unit_price":2,"other":3},{}]}`, `{"id":-0}`,
		`{"pool":1,"variants":[{"variant":"m","qty":-0},{}],"delivered":null,"qty":0}`, `{"id":0,"factory":"a\u007fb"}`,
	}
	for _, raw := range accepts {
		if got := samePoolDecode(t, raw); len(got) == 0 {
			t.Fatalf("%q declined by every type", raw)
		}
	}
}

// FuzzPoolEventDecode: for any text, the hand decoder of the pool head,
// share and batch either declines or answers what encoding/json answers.
func FuzzPoolEventDecode(f *testing.F) {
	f.Add(`{"id":3,"factory":"acme","hubs":[],"tiers":[{"min_qty":1,"unit_price":5000}],"history":[{"reason":"x"}]}`)
	f.Add(`{"pool":1,"hub":"h","qty":2,"variants":[{"variant":"m","qty":2}],"delivered":true}`)
	f.Add(`{"pool":1,"hub":"h","tx":"AB","root":"00","leaves":2,"qty":2,"escrow":3,"height":4}`)
	f.Add(`{"series":{"series":1,"next":null},"status":"open","Status":"x"}`)
	f.Add(`{"x":[1.5e3,"\u00e9",{"a":null}],"id":-0}`)
	f.Fuzz(func(t *testing.T, raw string) {
		samePoolDecode(t, raw)
	})
}

// TestProjectHandDecoderSameRows projects the same chains with the hand
// decoder of the pool events and with encoding/json alone (DB.projJSON), the
// pool, share and batch attrs of every other event re-indented (the hand
// decoder then finds them not compact, and the stored copy must be
// compacted as before), and requires every row of every table and the
// answers to be the same.
func TestProjectHandDecoderSameRows(t *testing.T) {
	chains := map[string][]gongxu.CommittedBlock{
		"pool":  newPoolScenario().blocks,
		"bench": {benchBlock(1), benchBlock(2)},
	}
	for seed := uint64(1); seed <= 6; seed++ {
		chains[fmt.Sprintf("random %d", seed)] = randomPoolChain(seed)
	}
	for name, bs := range chains {
		t.Run(name, func(t *testing.T) {
			bs = indentPoolEvents(t, bs)
			slow, fast := openTemp(t), openTemp(t)
			slow.projJSON = true
			projectAll(t, slow, bs)
			projectAll(t, fast, bs)
			if wq, gq := queries(t, slow), queries(t, fast); gq != wq {
				t.Fatalf("answers differ:\n%s", firstDiff(gq, wq))
			}
			if want, got := dump(t, slow), dump(t, fast); got != want {
				t.Fatalf("hand decoder's projection differs from encoding/json's:\n%s", firstDiff(got, want))
			}
		})
	}
}

// indentPoolEvents is bs with the json attr of every other pool, share and
// batch event indented.
func indentPoolEvents(t *testing.T, bs []gongxu.CommittedBlock) []gongxu.CommittedBlock {
	out := make([]gongxu.CommittedBlock, len(bs))
	n := 0
	indent := func(evs []gongxu.Event) []gongxu.Event {
		evs = slices.Clone(evs)
		for i := range evs {
			ev := &evs[i]
			if ev.Type != gongxu.EventPool && ev.Type != gongxu.EventShare && ev.Type != gongxu.EventBatch {
				continue
			}
			if n++; n%2 == 0 {
				continue
			}
			ev.Attrs = slices.Clone(ev.Attrs)
			for j := range ev.Attrs {
				if a := &ev.Attrs[j]; a.Key == "json" {
					var b bytes.Buffer
					if json.Indent(&b, []byte(a.Value), "", " ") == nil {
						a.Value = b.String()
					}
				}
			}
		}
		return evs
	}
	for i, b := range bs {
		b.Txs = slices.Clone(b.Txs)
		for j := range b.Txs {
			b.Txs[j].Events = indent(b.Txs[j].Events)
		}
		b.Events, b.EndEvents = indent(b.Events), indent(b.EndEvents)
		out[i] = b
	}
	if n < 2 {
		t.Fatalf("%d pool events in the chain", n)
	}
	return out
}
