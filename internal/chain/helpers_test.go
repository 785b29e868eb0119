package chain_test

import (
	"testing"

	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

func newDB() *store.MemDB { return store.NewMemDB() }

func newState(t *testing.T) *store.State {
	st, err := store.Open(store.NewMemDB())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func modulesOf(ms ...module.Module) []module.Module { return ms }
