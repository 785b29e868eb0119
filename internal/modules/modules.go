// Package modules assembles gongxu's domain modules in their fixed order,
// with the expected interfaces of each module satisfied by the others. The
// order is part of the state machine: changing it changes app hashes. The CLI
// (to run a node) and the chain test harness build their chains from here,
// so there is one list.
package modules

import (
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// Set is the modules of one chain.
type Set struct {
	Member  *member.Module
	Catalog *catalog.Module
	Settle  *settle.Module
}

// New wires a fresh set of modules.
func New() *Set {
	m := member.New()
	return &Set{Member: m, Catalog: catalog.New(m), Settle: settle.New(m)}
}

// List returns the modules in execution order.
func (s *Set) List() []module.Module {
	return []module.Module{s.Member, s.Catalog, s.Settle}
}

// ChainConfig returns the chain configuration for chainID.
func (s *Set) ChainConfig(chainID string) chain.Config {
	return chain.Config{ChainID: chainID, Modules: s.List(), Auth: s.Member, Params: s.Member}
}
