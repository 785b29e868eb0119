package testenv_test

import (
	"net"
	"strconv"
	"testing"

	"github.com/gongxu-network/gongxu/internal/testenv"
)

func TestFreePorts(t *testing.T) {
	seen := map[int]bool{}
	offsets := []int{0, 1, 10, 11, 20, 21}
	for range 3 {
		base := testenv.FreeBase(t, offsets...)
		for _, o := range offsets {
			p := base + o
			if seen[p] {
				t.Fatalf("port %d handed out twice", p)
			}
			seen[p] = true
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				t.Fatalf("port %d of base %d is not free: %v", p, base, err)
			}
			l.Close()
		}
	}
	for _, p := range testenv.FreePorts(t, 5) {
		if seen[p] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[p] = true
	}
}
