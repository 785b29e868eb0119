package module

import (
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu/internal/store"
)

// Deadlines is an index of (deadline, id) entries under a key prefix, read
// back in (deadline, id) order: how a module finds what falls due at a block
// time without scanning everything it holds. Keys are
// prefix + 20-digit deadline + "/" + 20-digit id.
type Deadlines struct{ Prefix string }

func (d Deadlines) key(deadline int64, id uint64) []byte {
	return fmt.Appendf(nil, "%s%020d/%020d", d.Prefix, uint64(max(deadline, 0)), id)
}

// Add puts id in the index at deadline (unix ms).
func (d Deadlines) Add(kv store.KV, deadline int64, id uint64) error {
	return kv.Set(d.key(deadline, id), []byte{})
}

// Remove takes id out of the index at deadline.
func (d Deadlines) Remove(kv store.KV, deadline int64, id uint64) error {
	return kv.Delete(d.key(deadline, id))
}

// Due returns the ids whose deadline is at or before now, in (deadline, id)
// order. A malformed key is a broken invariant.
func (d Deadlines) Due(r store.Reader, now int64) ([]uint64, error) { return d.First(r, now, 0) }

// First returns at most limit (0: no limit) of the ids whose deadline is at
// or before now, in (deadline, id) order, reading no further: how a block
// hook bounds its work when many deadlines fall at one instant, the rest
// staying in the index for the next blocks. A malformed key is a broken
// invariant.
func (d Deadlines) First(r store.Reader, now int64, limit int) ([]uint64, error) {
	var due []uint64
	var ierr error
	start := []byte(d.Prefix)
	end := fmt.Appendf(nil, "%s%020d/~", d.Prefix, uint64(max(now, 0)))
	if err := r.Iterate(start, end, func(k, _ []byte) bool {
		id, err := strconv.ParseUint(string(k[max(len(k)-20, 0):]), 10, 64)
		if err != nil || len(k) != len(d.Prefix)+41 {
			ierr = fmt.Errorf("corrupt deadline index key %q", k)
			return false
		}
		due = append(due, id)
		return limit <= 0 || len(due) < limit
	}); err != nil {
		return nil, err
	}
	return due, ierr
}

// Move puts id in the index at next, or takes it out when !has, keeping the
// date it is indexed at under atKey (to find the entry again): how a record
// with several dates follows its earliest one as they change. A call that
// changes nothing writes nothing.
func (d Deadlines) Move(kv store.KV, atKey []byte, id uint64, next int64, has bool) error {
	var at int64
	ok, err := Load(kv, atKey, &at)
	if err != nil {
		return err
	}
	if ok && (!has || next != at) {
		if err := d.Remove(kv, at, id); err != nil {
			return err
		}
		if !has {
			return kv.Delete(atKey)
		}
	}
	if has && (!ok || next != at) {
		if err := d.Add(kv, next, id); err != nil {
			return err
		}
		_, err := Save(kv, atKey, next)
		return err
	}
	return nil
}
