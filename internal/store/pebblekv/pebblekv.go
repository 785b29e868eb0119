package pebblekv

import (
	"bytes"
	"errors"
	"log"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
)

const (
	// DefaultCacheBytes is the block cache of Open; Pebble charges the
	// memtables to it too.
	DefaultCacheBytes = 256 << 20
	memTableSize      = 32 << 20 // a large block's batch fits in one memtable
)

// DB is a store.DB on a Pebble database.
type DB struct {
	db  *pebble.DB
	dir string
}

var _ store.DB = (*DB)(nil)

// Open opens, or creates, the Pebble database in dir.
func Open(dir string) (*DB, error) { return OpenWith(dir, DefaultCacheBytes) }

// OpenWith is Open with a block cache of cacheBytes (at least 2 memtables:
// smaller values are raised to it). The cache changes memory and speed,
// never contents.
func OpenWith(dir string, cacheBytes int64) (*DB, error) {
	cache := pebble.NewCache(max(cacheBytes, 2*memTableSize))
	defer cache.Unref()
	opts := &pebble.Options{
		Cache:        cache,
		MemTableSize: memTableSize,
		Levels:       []pebble.LevelOptions{{FilterPolicy: bloom.FilterPolicy(10)}},
		Logger:       quietLogger{},
	}
	for i := 1; i < 7; i++ {
		opts.Levels = append(opts.Levels, pebble.LevelOptions{FilterPolicy: bloom.FilterPolicy(10)})
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, gongxu.Wrap(err, "pebblekv: open %s", dir)
	}
	return &DB{db: db, dir: dir}, nil
}

// Get returns a copy of the value of key, or nil when it is absent.
func (d *DB) Get(key []byte) ([]byte, error) {
	v, closer, err := d.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, gongxu.Wrap(err, "pebblekv: get")
	}
	out := append(make([]byte, 0, len(v)), v...) // non-nil, also when empty
	if err := closer.Close(); err != nil {
		return nil, gongxu.Wrap(err, "pebblekv: get")
	}
	return out, nil
}

// Iterate calls fn with copies of every key and value in [start, end), in
// ascending order, from one snapshot; a nil end means no upper bound.
func (d *DB) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	return iterate(d.db.NewIter, start, end, fn)
}

func iterate(newIter func(*pebble.IterOptions) (*pebble.Iterator, error), start, end []byte, fn func(key, value []byte) bool) (err error) {
	if end != nil && bytes.Compare(start, end) >= 0 {
		return nil
	}
	it, err := newIter(&pebble.IterOptions{LowerBound: start, UpperBound: end})
	if err != nil {
		return gongxu.Wrap(err, "pebblekv: iterate")
	}
	defer func() {
		if cerr := it.Close(); cerr != nil && err == nil {
			err = gongxu.Wrap(cerr, "pebblekv: iterate")
		}
	}()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return gongxu.Wrap(err, "pebblekv: iterate")
		}
		if !fn(bytes.Clone(it.Key()), append(make([]byte, 0, len(v)), v...)) {
			return nil
		}
	}
	if err := it.Error(); err != nil {
		return gongxu.Wrap(err, "pebblekv: iterate")
	}
	return nil
}

// Apply writes changes as one batch, synced to disk before it returns.
func (d *DB) Apply(changes []store.Change) error {
	if len(changes) == 0 {
		return nil
	}
	b := d.db.NewBatch()
	defer b.Close()
	for _, c := range changes {
		if len(c.Key) == 0 {
			return gongxu.Errorf(gongxu.KindInternal, "pebblekv: empty key")
		}
		var err error
		if c.Value == nil {
			err = b.Delete(c.Key, nil)
		} else {
			err = b.Set(c.Key, c.Value, nil)
		}
		if err != nil {
			return gongxu.Wrap(err, "pebblekv: batch")
		}
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return gongxu.Wrap(err, "pebblekv: commit batch")
	}
	return nil
}

// Checkpoint writes a consistent copy of the database to dir, which must not
// exist; Open(dir) opens the copy. Files are hard-linked where possible.
func (d *DB) Checkpoint(dir string) error {
	if err := d.db.Checkpoint(dir, pebble.WithFlushedWAL()); err != nil {
		return gongxu.Wrap(err, "pebblekv: checkpoint to %s", dir)
	}
	return nil
}

// Close closes the database.
func (d *DB) Close() error {
	if err := d.db.Close(); err != nil {
		return gongxu.Wrap(err, "pebblekv: close %s", d.dir)
	}
	return nil
}

// quietLogger drops Pebble's informational messages (WAL replay on every
// open would otherwise be printed to the terminal) and keeps fatal ones.
type quietLogger struct{}

func (quietLogger) Infof(string, ...interface{}) {}

func (quietLogger) Fatalf(format string, args ...interface{}) {
	log.Fatalf("pebble: "+format, args...)
}

// Freeze returns a consistent read-only view of the database as it is now
// (a Pebble snapshot: nothing is copied; later batches do not show in it).
// It pins the files it reads until closed.
func (d *DB) Freeze() (store.Frozen, error) {
	return &frozen{s: d.db.NewSnapshot()}, nil
}

type frozen struct{ s *pebble.Snapshot }

func (f *frozen) Get(key []byte) ([]byte, error) {
	v, closer, err := f.s.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, gongxu.Wrap(err, "pebblekv: get")
	}
	out := append(make([]byte, 0, len(v)), v...)
	if err := closer.Close(); err != nil {
		return nil, gongxu.Wrap(err, "pebblekv: get")
	}
	return out, nil
}

func (f *frozen) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	return iterate(f.s.NewIter, start, end, fn)
}

func (f *frozen) Close() error {
	if err := f.s.Close(); err != nil {
		return gongxu.Wrap(err, "pebblekv: close snapshot")
	}
	return nil
}
