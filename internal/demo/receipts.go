package demo

import "github.com/gongxu-network/gongxu"

// PickupSecret is the pickup secret the demo gave consumer i of a hub's
// batch-th batch (0-based, in the order sent) in a pool: the consumer's copy
// of their receipt, with which a test hands their goods over at the hub
// (the story itself has the first hub's consumers 0 and 1 of its first
// jacket batch pick up).
func PickupSecret(hub gongxu.OrgID, poolID uint64, batch, i int) string {
	return secret(string(hub), poolID, batch, i)
}
