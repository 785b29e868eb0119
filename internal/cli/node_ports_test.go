package cli

import (
	"net"
	"strconv"
	"testing"

	"github.com/gongxu-network/gongxu/internal/comet"
)

// freePorts picks free loopback ports for a node's CometBFT.
func freePorts(t *testing.T) comet.Ports {
	t.Helper()
	port := func() int {
		_, p, _ := net.SplitHostPort(freeAddr(t))
		n, _ := strconv.Atoi(p)
		return n
	}
	return comet.Ports{P2P: port(), RPC: port()}
}
