package node

import (
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/web"
)

// checkReceipt checks a receipt's Merkle proof for the consumer's pledge
// page (web.Config.CheckReceipt): the pool module's own check.
var checkReceipt = pool.VerifyReceipt

// checkPublicURL checks pages.public_url as the pages will.
var checkPublicURL = web.CheckPublicURL
