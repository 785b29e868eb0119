package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// MemoryPath opens a private in-memory database (for tests). It lives on a
// single connection, so its queries do wait behind projection.
const MemoryPath = ":memory:"

// DB is the read model. It is safe for concurrent use: projections are
// serialized on one writer connection, queries run on a pool of read-only
// connections.
type DB struct {
	w    *sql.DB // one connection: projection, migrations, Reset
	r    *readDB // read-only pool, statements kept (readdb.go); over w for MemoryPath
	path string

	traceQ traceStatements // the trace walks' statements, prepared on first use (query_trace.go)
	projS  projStatements  // the projection's statements on the writer, prepared once (project.go)
	repC   repCache        // reputations computed at the latest height (query_reputation.go)

	carry      projCarry // rows a committed projection hands to the next (project_write.go)
	projLegacy bool      // project row by row, as before issue 17 (project_write.go; tests and benchmarks)
	projJSON   bool      // decode the pool events with encoding/json alone, not the hand decoder (pool_decode.go; tests and benchmarks)
	evsJSON    bool      // write a tx row's events record as JSON (migration 0024's form), not binary (evs.go; tests)
	demandOne  bool      // write the demand folds one row per statement, as before (project_write.go; benchmarks)
}

// Open opens (creating if needed) the read model at path and brings its schema
// up to date; opening the same database again is fine. Path MemoryPath
// (":memory:") opens a private in-memory database.
//
// Errors: KindInvalid for an empty path or one holding '?'; KindConflict when
// the database has a newer schema than this binary knows; KindInternal for
// I/O failures.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "read model: empty database path")
	}
	if strings.Contains(path, "?") {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "read model: database path %q must not contain '?'", path)
	}
	const common = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	db := &DB{path: path}
	var err error
	if path == MemoryPath {
		// Every connection to ":memory:" is a separate database, so the one
		// connection must serve both sides and must never be closed.
		db.w, err = sql.Open("sqlite", path+"?"+common+"&_txlock=immediate")
		if err != nil {
			return nil, gongxu.Wrap(err, "read model: open %s", path)
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetMaxIdleConns(1)
		db.w.SetConnMaxLifetime(0)
		db.w.SetConnMaxIdleTime(0)
		db.r = newReadDB(db.w, false)
	} else {
		// wal_autocheckpoint: the WAL is copied into the file every 20,000
		// pages (≈ 80 MiB) instead of 1,000, so that a page many blocks
		// change (balances, pools, index interiors) is copied once per
		// checkpoint, not once per block: 6 % of projecting 1,000-tx blocks
		// (issue 17). Crash safety is the WAL's either way.
		db.w, err = sql.Open("sqlite", path+"?"+common+
			"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)&_pragma=temp_store(MEMORY)"+
			"&_pragma=wal_autocheckpoint(20000)&_txlock=immediate")
		if err != nil {
			return nil, gongxu.Wrap(err, "read model: open %s", path)
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetMaxIdleConns(1)
	}
	if err := db.migrate(context.Background()); err != nil {
		db.w.Close()
		return nil, err
	}
	if db.r == nil {
		r, err := sql.Open("sqlite", path+"?"+common+"&_query_only=1")
		if err != nil {
			db.w.Close()
			return nil, gongxu.Wrap(err, "read model: open readers of %s", path)
		}
		db.r = newReadDB(r, true)
		n := max(4, runtime.NumCPU())
		db.r.SetMaxOpenConns(n)
		db.r.SetMaxIdleConns(n)
	}
	return db, nil
}

// Close closes the database. Errors: KindInternal.
func (db *DB) Close() error {
	var err error
	db.projS.close()
	if db.r != nil {
		db.r.closeStmts()
		if db.r.DB != db.w {
			err = db.r.Close()
		}
	}
	if e := db.w.Close(); err == nil {
		err = e
	}
	return gongxu.Wrap(err, "read model: close %s", db.path)
}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order. Files are named
// NNNN_what.sql; NNNN is the schema version they bring the database to.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", base)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same version", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// migrate applies the migrations the database lacks (by version, whatever
// the highest applied), each in its own
// transaction together with its schema_version row.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return gongxu.Wrap(err, "read model: embedded migrations")
	}
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY,
		name    TEXT NOT NULL
	)`); err != nil {
		return gongxu.Wrap(err, "read model: create schema_version in %s", db.path)
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	for _, m := range ms {
		if err := db.applyMigration(ctx, m, latest); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, m migration, latest int) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return gongxu.Wrap(err, "read model: begin migration %s", m.name)
	}
	defer tx.Rollback()
	var cur int
	// Read inside the (immediate) transaction, so two processes opening the
	// same file cannot both apply a migration.
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&cur); err != nil {
		return gongxu.Wrap(err, "read model: read schema version")
	}
	if cur > latest {
		return gongxu.Errorf(gongxu.KindConflict,
			"read model %s has schema version %d, newer than this binary knows (%d): use a newer gongxu or reindex into a new file",
			db.path, cur, latest)
	}
	// A migration is applied once, by its version: one numbered below the
	// highest applied (merged from a branch that took its number earlier)
	// is applied too, not skipped.
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_version WHERE version = ?`, m.version).Scan(&done); err != nil {
		return gongxu.Wrap(err, "read model: read schema version")
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return gongxu.Wrap(err, "read model: apply migration %s", m.name)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
		return gongxu.Wrap(err, "read model: record migration %s", m.name)
	}
	return gongxu.Wrap(tx.Commit(), "read model: commit migration %s", m.name)
}
