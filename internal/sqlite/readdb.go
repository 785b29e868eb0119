package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// readDB is the pool of read-only connections, with the statements of its
// queries prepared once and kept: a query otherwise parses and plans its SQL
// on every call, which under a load of list requests cost about two thirds
// of the time the queries took (bench read's profile). A statement prepared
// on the pool is prepared on each connection the first time it runs there.
// At most maxReadStmts distinct SQL texts are kept; others run unprepared.
type readDB struct {
	*sql.DB
	keep bool // false for the in-memory database, whose one connection projects too

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// maxReadStmts bounds the kept statements: the read model's queries are
// written in its code, so their texts are few, but one built with a
// variable number of placeholders must not grow the cache without bound.
const maxReadStmts = 512

func newReadDB(db *sql.DB, keep bool) *readDB {
	return &readDB{DB: db, keep: keep, stmts: map[string]*sql.Stmt{}}
}

// stmt is query's kept statement, prepared now if need be; nil when it is
// not kept (the cache is full, or preparing failed: the query then runs
// unprepared and reports its own error).
func (r *readDB) stmt(ctx context.Context, query string) *sql.Stmt {
	if !r.keep {
		return nil
	}
	r.mu.Lock()
	st, ok := r.stmts[query]
	full := len(r.stmts) >= maxReadStmts
	r.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := r.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.stmts[query]; ok { // prepared meanwhile by another query
		st.Close()
		return old
	}
	if r.stmts == nil { // closed meanwhile
		st.Close()
		return nil
	}
	r.stmts[query] = st
	return st
}

// QueryContext runs query through its kept statement.
func (r *readDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query through its kept statement.
func (r *readDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.DB.QueryRowContext(ctx, query, args...)
}

// Query is QueryContext without a context.
func (r *readDB) Query(query string, args ...any) (*sql.Rows, error) {
	return r.QueryContext(context.Background(), query, args...)
}

// QueryRow is QueryRowContext without a context.
func (r *readDB) QueryRow(query string, args ...any) *sql.Row {
	return r.QueryRowContext(context.Background(), query, args...)
}

// closeStmts closes the kept statements; later queries run unprepared.
func (r *readDB) closeStmts() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, st := range r.stmts {
		st.Close()
	}
	r.stmts = nil
}
