// Package demo owns the story that `gongxu up --demo` tells on a running
// node (package node): an example network of six organizations admitted by
// governance, products, deposits and three demand pools — one that succeeds,
// is produced (plan, purchase orders, supplier lots, a work order) and
// shipped to its hubs, one that fails and refunds, one that stays open.
//
// It is a package of its own, not a part of node, because it is a user of a
// node and not a part of one: it signs with the home's keys through
// node.Send, reads the committed state through node.State and the module
// keepers, and waits for the read model with node.WaitProjected, as any
// program driving a node in-process could. Nothing in node knows the demo.
package demo
