package member

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// TestDecodeOrgAgrees: on every record saveOrg can write, decodeOrg gives
// exactly the value encoding/json gives (module.Load's decoder): nil and
// empty lists, escapes, non-ASCII and invalid UTF-8 (which encoding/json
// writes as U+FFFD), the largest values the limits allow; and a plain
// record (no escapes) takes the fast path.
func TestDecodeOrgAgrees(t *testing.T) {
	orgs := []gongxu.Org{
		{},
		{ID: "a", Name: "A", Roles: []gongxu.Role{}, Keys: []gongxu.PubKey{}, Prefixes: []string{}},
		{ID: "factory-a", Name: "Factory <A> & \"co\"", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator},
			Keys:        []gongxu.PubKey{gongxu.PubKey(strings.Repeat("ab", 32)), gongxu.PubKey(strings.Repeat("01", 32))},
			Description: "工厂 \u2028 line\nbreak\ttab \\ slash / \x00 nul \xff\xfe bad", Contact: "ops@example.com",
			Since: 1<<63 - 1, Prefixes: []string{"0614141", "123456789012"}, SealKey: gongxu.SealKey(strings.Repeat("cd", 32))},
		{ID: "x", Name: strings.Repeat("n", MaxName), Description: strings.Repeat("é", MaxDescription/2), Contact: strings.Repeat("c", MaxContact), Since: -1},
	}
	for i, o := range orgs {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var v1, v2 gongxu.Org
		if err := json.Unmarshal(b, &v1); err != nil {
			t.Fatal(err)
		}
		if err := decodeOrg(orgKey(o.ID), b, &v2); err != nil {
			t.Fatalf("org %d: %v", i, err)
		}
		if !reflect.DeepEqual(v1, v2) {
			t.Errorf("org %d: encoding/json %#v, decodeOrg %#v", i, v1, v2)
		}
		if plain := !strings.Contains(string(b), `\`); scanOrg(b, new(gongxu.Org)) != plain {
			t.Errorf("org %d: fast path %v, want %v for %s", i, !plain, plain, b)
		}
		a1, _ := json.Marshal(v1)
		a2, _ := json.Marshal(v2)
		if string(a1) != string(a2) {
			t.Errorf("org %d: written again as\n%s\nnot\n%s", i, a2, a1)
		}
	}
}

// FuzzDecodeOrg: whatever the bytes, a record the fast path reads is one
// encoding/json reads to the same value, and decodeOrg fails exactly where
// encoding/json does.
//
//	go test ./internal/module/member/ -run '^$' -fuzz FuzzDecodeOrg -fuzztime 30s
func FuzzDecodeOrg(f *testing.F) {
	for _, o := range []gongxu.Org{{}, {ID: "a", Roles: []gongxu.Role{}, Keys: []gongxu.PubKey{"k"}, Since: -12, Prefixes: []string{"123456"}, SealKey: "s"},
		{ID: "b", Name: "B", Description: "d", Contact: "c", Since: 7}} {
		b, _ := json.Marshal(o)
		f.Add(b)
	}
	for _, s := range []string{`{"id":"a","id":"b"}`, `{"since":01}`, `{"since":-0}`, `{"roles":[]}`, `{"roles":null}`, `{"name":null}`,
		`{"ID":"x"}`, `{"id":"a"} `, `{"since":1e3}`, `{"keys":["a",]}`, `{}`, `{"since":9223372036854775808}`, "{\"name\":\"\x7f\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast, slow, dec gongxu.Org
		if scanOrg(b, &fast) {
			if err := json.Unmarshal(b, &slow); err != nil {
				t.Fatalf("the fast path read %q, encoding/json refuses it: %v", b, err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("%q: fast %#v, encoding/json %#v", b, fast, slow)
			}
		}
		slow = gongxu.Org{}
		errSlow := json.Unmarshal(b, &slow)
		errDec := decodeOrg(nil, b, &dec)
		if (errSlow == nil) != (errDec == nil) || errSlow == nil && !reflect.DeepEqual(slow, dec) {
			t.Fatalf("%q: decodeOrg %#v %v, encoding/json %#v %v", b, dec, errDec, slow, errSlow)
		}
	})
}

// TestEncodeOrgAgrees: encodeOrg writes encoding/json's bytes for plain and
// not plain orgs alike (empty, nil and empty lists, omitted fields, extreme
// numbers, HTML characters, escapes, non-ASCII, invalid UTF-8), and takes
// the fast path exactly for the plain ones.
func TestEncodeOrgAgrees(t *testing.T) {
	orgs := []gongxu.Org{
		{},
		{ID: "a", Name: "A", Roles: []gongxu.Role{}, Keys: []gongxu.PubKey{}, Prefixes: []string{}},
		{ID: "hub-c", Name: "Hub C", Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{gongxu.PubKey(strings.Repeat("ab", 32))},
			Description: "bench load: signer 1 tx 2 ........", Contact: "ops@example.com ~!#$%()*+,-./:;=?@[]^_`{|}", Since: 42,
			Prefixes: []string{"0614141"}, SealKey: gongxu.SealKey(strings.Repeat("cd", 32))},
		{ID: "factory-a", Name: "Factory <A> & \"co\"", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator},
			Keys:        []gongxu.PubKey{gongxu.PubKey(strings.Repeat("ab", 32)), gongxu.PubKey(strings.Repeat("01", 32))},
			Description: "工厂 \u2028 line\nbreak\ttab \\ slash / \x00 nul \xff\xfe bad", Contact: "ops@example.com",
			Since: 1<<63 - 1, Prefixes: []string{"0614141", "123456789012"}, SealKey: gongxu.SealKey(strings.Repeat("cd", 32))},
		{ID: "x", Name: strings.Repeat("n", MaxName), Description: strings.Repeat("é", MaxDescription/2), Contact: strings.Repeat("c", MaxContact), Since: -1 << 63},
		{ID: "d", Description: "\x7f"}, {ID: "e", Roles: []gongxu.Role{"<"}}, {ID: "f", Keys: []gongxu.PubKey{"&"}}, {ID: "g", Prefixes: []string{">"}},
	}
	for i, o := range orgs {
		want, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeOrg(o)
		if err != nil || string(got) != string(want) {
			t.Errorf("org %d: encodeOrg %s (%v), encoding/json %s", i, got, err, want)
		}
		if plain := i < 3; plainOrg(o) != plain {
			t.Errorf("org %d: plain %v, want %v", i, !plain, plain)
		}
	}
}

// FuzzEncodeOrg: for any strings, numbers and lists, encodeOrg's bytes are
// encoding/json's.
func FuzzEncodeOrg(f *testing.F) {
	f.Add("a", "A", "hub", "k", "d", "c", int64(0), "123456", "s", uint8(0))
	f.Add("<", "\"", "\\", "\x00", "é", "\xff", int64(-1), "", "&", uint8(7))
	f.Fuzz(func(t *testing.T, id, name, role, key, desc, contact string, since int64, prefix, seal string, lists uint8) {
		o := gongxu.Org{ID: gongxu.OrgID(id), Name: name, Description: desc, Contact: contact, Since: since, SealKey: gongxu.SealKey(seal)}
		// lists: bit 0/1 roles nil/empty/one/two, 2/3 keys, 4/5 prefixes.
		list := func(sel uint8, s string) []string {
			switch sel & 3 {
			case 1:
				return []string{}
			case 2:
				return []string{s}
			case 3:
				return []string{s, s + s}
			}
			return nil
		}
		for _, r := range list(lists, role) {
			o.Roles = append(o.Roles, gongxu.Role(r))
		}
		if lists&3 == 1 {
			o.Roles = []gongxu.Role{}
		}
		for _, k := range list(lists>>2, key) {
			o.Keys = append(o.Keys, gongxu.PubKey(k))
		}
		if lists>>2&3 == 1 {
			o.Keys = []gongxu.PubKey{}
		}
		o.Prefixes = list(lists>>4, prefix)
		want, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := encodeOrg(o); err != nil || string(got) != string(want) {
			t.Fatalf("encodeOrg %s (%v), encoding/json %s", got, err, want)
		}
	})
}
