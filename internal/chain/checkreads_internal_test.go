package chain

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
)

// countingReader is a store.Reader over a map that counts its reads and can
// fail them.
type countingReader struct {
	m     map[string][]byte
	reads int
	fail  error
}

func (r *countingReader) Get(key []byte) ([]byte, error) {
	r.reads++
	if r.fail != nil {
		return nil, r.fail
	}
	return bytes.Clone(r.m[string(key)]), nil
}

func (r *countingReader) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	return nil
}

// TestCheckReads: each key is read from the state once, present, absent and
// empty alike, and told apart; callers get copies (mutating one changes no
// later answer); a failed read is not remembered; past the bound reads go to
// the state uncached.
func TestCheckReads(t *testing.T) {
	st := &countingReader{m: map[string][]byte{"a": []byte("1"), "e": {}}}
	c := &checkReads{r: st, m: map[string][]byte{}}
	for range 3 {
		v, err := c.Get([]byte("a"))
		if err != nil || string(v) != "1" {
			t.Fatalf("a = %q, %v", v, err)
		}
		v[0] = 'X'
		if v, _ := c.Get([]byte("missing")); v != nil {
			t.Fatalf("missing = %q", v)
		}
		if v, _ := c.Get([]byte("e")); v == nil || len(v) != 0 {
			t.Fatalf("empty value read as %v", v)
		}
	}
	if st.reads != 3 {
		t.Fatalf("%d reads of the state for 3 keys", st.reads)
	}

	st.fail = errors.New("disk")
	if _, err := c.Get([]byte("b")); err == nil {
		t.Fatal("a failed read succeeded")
	}
	st.fail = nil
	st.m["b"] = []byte("2")
	if v, err := c.Get([]byte("b")); err != nil || string(v) != "2" {
		t.Fatalf("b after a failed read = %q, %v", v, err)
	}

	full := &checkReads{r: st, m: map[string][]byte{}}
	for i := range checkReadsMax {
		full.m["k/"+strconv.Itoa(i)] = nil
	}
	st.reads = 0
	for range 2 {
		if v, _ := full.Get([]byte("a")); string(v) != "1" {
			t.Fatalf("a past the bound = %q", v)
		}
	}
	if st.reads != 2 || len(full.m) != checkReadsMax {
		t.Fatalf("past the bound: %d reads, %d keys", st.reads, len(full.m))
	}
}
