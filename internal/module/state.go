package module

import (
	"encoding/json"
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Load reads the JSON value stored at key into *v: the one way a module
// reads its records. found is false, and *v left as it was, when key holds
// nothing (so a caller may fill *v with defaults first). Errors: the store's,
// and a value that does not decode (a broken invariant: KindInternal).
func Load[T any](r store.Reader, key []byte, v *T) (found bool, err error) {
	b, err := r.Get(key)
	if err != nil || b == nil {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("state %q: %w", key, err)
	}
	return true, nil
}

// Save stores v as JSON at key: the one way a module writes its records.
// It returns the bytes stored, which the event announcing the record
// carries as its json attr. Errors: the store's.
func Save[T any](kv store.KV, key []byte, v T) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return b, kv.Set(key, b)
}

// Each decodes, in key order, every JSON record whose key begins with
// prefix, and calls fn with the rest of its key and the record, until fn
// returns false. Errors: the store's, and a record that does not decode (a
// broken invariant).
func Each[T any](r store.Reader, prefix []byte, fn func(rest []byte, v T) bool) error {
	var derr error
	err := r.Iterate(prefix, PrefixEnd(prefix), func(k, b []byte) bool {
		var v T
		if derr = json.Unmarshal(b, &v); derr != nil {
			derr = fmt.Errorf("state %q: %w", k, derr)
			return false
		}
		return fn(k[len(prefix):], v)
	})
	if err != nil {
		return err
	}
	return derr
}

// Has reports whether key holds a value. Errors: the store's.
func Has(r store.Reader, key []byte) (bool, error) {
	b, err := r.Get(key)
	return b != nil, err
}

// Find loads the record under key, or returns a KindNotFound error with the
// message format and args make when there is none: the one shape of every
// keeper's "get by id".
func Find[T any](r store.Reader, key []byte, format string, args ...any) (T, error) {
	var v T
	ok, err := Load(r, key, &v)
	if err == nil && !ok {
		err = gongxu.Errorf(gongxu.KindNotFound, format, args...)
	}
	return v, err
}
