package store

// KV is the deterministic key-value view that a module reads and writes while a
// block executes. Iteration is in ascending byte order of keys; nothing here
// depends on map order or time.
type KV interface {
	// Get returns the value of key, or nil and no error when it is absent.
	Get(key []byte) ([]byte, error)
	// Set stores value (non-nil; may be empty) under key (non-empty).
	Set(key, value []byte) error
	// Delete removes key; deleting an absent key is not an error.
	Delete(key []byte) error
	// Iterate calls fn for every key in [start, end) in ascending order; a nil
	// end means no upper bound. fn returns false to stop. fn must not write to
	// the KV being iterated.
	Iterate(start, end []byte, fn func(key, value []byte) bool) error
}

// Reader is the read-only part of KV.
type Reader interface {
	Get(key []byte) ([]byte, error)
	Iterate(start, end []byte, fn func(key, value []byte) bool) error
}

// Change is one write of a batch: a nil Value deletes Key.
type Change struct {
	Key   []byte
	Value []byte
}

// DB is the persistent, ordered database under a State. Apply is atomic and
// durable: after a crash either all of a batch is there or none of it; when a
// batch holds a key twice, the last change wins. Reads may run concurrently
// with Apply: an Iterate call sees one snapshot, all of a batch or none of it.
// Slices handed to fn or returned by Get belong to the caller. MemDB and
// pebblekv.DB implement it.
type DB interface {
	Reader
	Apply(changes []Change) error
	Close() error
}
