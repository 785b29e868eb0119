package pool_test

import (
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// TestHistoryWeight: a history's block weight grows with its weeks, as a
// batch's with its leaves: 1, and 1 more per 8 weeks.
func TestHistoryWeight(t *testing.T) {
	for n, want := range map[int]int64{1: 1, 7: 1, 8: 2, 104: 14} {
		m := &pool.MsgHistory{Weeks: make([]gongxu.SalesWeek, n)}
		if got := module.WeightOf(m); got != want {
			t.Errorf("%d weeks weigh %d, want %d", n, got, want)
		}
	}
}
