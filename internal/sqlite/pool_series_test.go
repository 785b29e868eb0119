package sqlite

import (
	"context"
	"reflect"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// TestPoolSeriesFilter: the pools of a series (a pool that reopens on a
// schedule) are listed by the series' first pool id, newest first, with the
// other filters; a pool's series link survives its later changes.
func TestPoolSeriesFilter(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	pool := func(id uint64, st gongxu.PoolStatus, s *gongxu.PoolSeries) gongxu.Pool {
		return gongxu.Pool{ID: id, Factory: "acme", Status: st, Series: s}
	}
	week := int64(7 * 24 * 3600 * 1000)
	projectAll(t, db, []gongxu.CommittedBlock{
		block(1, nil, poolEvent(pool(1, gongxu.PoolOpen, &gongxu.PoolSeries{EveryMs: week, Times: 3, Series: 1, NextAt: 5})),
			poolEvent(pool(2, gongxu.PoolOpen, nil))),
		block(2, nil, poolEvent(pool(1, gongxu.PoolFailed, &gongxu.PoolSeries{EveryMs: week, Times: 3, Series: 1, Next: 3})),
			poolEvent(pool(3, gongxu.PoolOpen, &gongxu.PoolSeries{EveryMs: week, Times: 3, Series: 1, N: 1, Prev: 1, NextAt: 9})),
			poolEvent(pool(4, gongxu.PoolOpen, &gongxu.PoolSeries{EveryMs: week, Times: 1, Series: 4, NextAt: 9}))),
		block(3, nil, poolEvent(pool(3, gongxu.PoolOpen, &gongxu.PoolSeries{EveryMs: week, Times: 3, Series: 1, N: 1, Prev: 1, Stopped: "stopped by the factory"}))),
	})
	for _, c := range []struct {
		f    gongxu.PoolFilter
		want []uint64
	}{
		{gongxu.PoolFilter{Series: 1}, []uint64{3, 1}},
		{gongxu.PoolFilter{Series: 4}, []uint64{4}},
		{gongxu.PoolFilter{Series: 2}, []uint64{}},
		{gongxu.PoolFilter{Series: 1, Status: gongxu.PoolOpen}, []uint64{3}},
		{gongxu.PoolFilter{Series: 1, Limit: 1}, []uint64{3}},
		{gongxu.PoolFilter{Series: 1 << 63}, []uint64{}},
		{gongxu.PoolFilter{}, []uint64{4, 3, 2, 1}},
	} {
		ps, err := db.Pools(ctx, c.f)
		if err != nil || !reflect.DeepEqual(ids(ps), c.want) {
			t.Errorf("Pools(%+v) = %v, %v; want %v", c.f, ids(ps), err, c.want)
		}
	}
	p, err := db.Pool(ctx, 3)
	if err != nil || p.Series == nil || p.Series.Prev != 1 || p.Series.Stopped != "stopped by the factory" {
		t.Errorf("pool 3's series: %+v, %v", p.Series, err)
	}
}
