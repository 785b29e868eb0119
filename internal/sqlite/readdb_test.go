package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestReadDBKeepsStatements checks that the readers' queries are prepared
// once and kept, that a Reset (the schema dropped and made again, as
// reindex does) leaves the kept statements working, and that past
// maxReadStmts texts queries still run, unprepared.
func TestReadDBKeepsStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "read.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kept := func() int {
		db.r.mu.Lock()
		defer db.r.mu.Unlock()
		return len(db.r.stmts)
	}
	for range 3 {
		if _, err := db.Orgs(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Height(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := kept(); n != 2 {
		t.Fatalf("%d statements kept after two queries asked three times, want 2", n)
	}
	if err := db.Project(ctx, benchBlock(1)); err != nil {
		t.Fatal(err)
	}
	if err := db.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Project(ctx, benchBlock(1)); err != nil {
		t.Fatal(err)
	}
	orgs, err := db.Orgs(ctx)
	if err != nil || len(orgs) != 10 {
		t.Fatalf("after a reset: %d orgs, %v; want the block's 10", len(orgs), err)
	}
	if h, err := db.Height(ctx); err != nil || h != 1 {
		t.Fatalf("after a reset: height %d, %v", h, err)
	}
	for i := range maxReadStmts + 10 {
		var v int
		if err := db.r.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&v); err != nil || v != i {
			t.Fatalf("query %d: %d, %v", i, v, err)
		}
	}
	if n := kept(); n != maxReadStmts {
		t.Fatalf("%d statements kept, want at most %d", n, maxReadStmts)
	}
}
