package cli

import (
	"net"
	"strconv"
	"testing"

	"github.com/gongxu-network/gongxu/internal/comet"
)

// cfgPorts rewrites a home's CometBFT config to free loopback ports.
func cfgPorts(t *testing.T, home string) {
	t.Helper()
	port := func() int {
		_, p, _ := net.SplitHostPort(freeAddr(t))
		n, _ := strconv.Atoi(p)
		return n
	}
	if _, err := comet.InitHome(home, comet.HomeOptions{Moniker: "test", Ports: comet.Ports{P2P: port(), RPC: port()}}); err != nil {
		t.Fatal(err)
	}
}
