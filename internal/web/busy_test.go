package web

import (
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// TestSendBusy: a node that sheds load (KindBusy) tells people to try again,
// as one that is starting does, not that something broke.
func TestSendBusy(t *testing.T) {
	busy := gongxu.Errorf(gongxu.KindBusy, "busy: the node holds 4000 transactions waiting for blocks")
	if got := sendError(busy); !strings.Contains(got, "Try again in a moment") {
		t.Errorf("sendError(busy) = %q", got)
	}
	if got := (&server{}).sendFailed(busy, "pool/pledge"); got != 503 {
		t.Errorf("sendFailed(busy) = %d, want 503", got)
	}
}
