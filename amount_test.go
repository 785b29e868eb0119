package gongxu

import (
	"math"
	"testing"
)

func TestUnitsMilli(t *testing.T) {
	for u, want := range map[Units]Qty{0: 0, 1: 1000, 12: 12000, -3: -3000, MaxUnits: Qty(MaxUnits) * 1000, -MaxUnits: -Qty(MaxUnits) * 1000} {
		if got, err := u.Milli(); err != nil || got != want {
			t.Errorf("%d units: %d, %v; want %d milli", u, got, err, want)
		}
	}
	for _, u := range []Units{MaxUnits + 1, -MaxUnits - 1, math.MaxInt64, math.MinInt64} {
		if _, err := u.Milli(); ErrorKind(err) != KindInvalid {
			t.Errorf("%d units: %v, want KindInvalid", u, err)
		}
	}
}

func TestCost(t *testing.T) {
	if c, err := Cost(12, 399); err != nil || c != 4788 {
		t.Fatalf("12 × 399: %d, %v", c, err)
	}
	if _, err := Cost(math.MaxInt64/2+1, 2); ErrorKind(err) != KindInvalid {
		t.Fatalf("overflow: %v", err)
	}
	for _, c := range []struct {
		q     Qty
		price Amount
		want  Amount
	}{{1500, 200, 300}, {1, 999, 0}, {2500, 3, 7}, {0, 5, 0}, {math.MaxInt64, 1000, math.MaxInt64}, {math.MaxInt64, 999, 9214148664817921031}} {
		if got, err := CostMilli(c.q, c.price); err != nil || got != c.want {
			t.Errorf("CostMilli(%d, %d) = %d, %v; want %d", c.q, c.price, got, err, c.want)
		}
	}
	for _, c := range [][2]int64{{math.MaxInt64, 1001}, {-1, 5}, {5, -1}} {
		if _, err := CostMilli(Qty(c[0]), Amount(c[1])); ErrorKind(err) != KindInvalid {
			t.Errorf("CostMilli(%d, %d): %v, want KindInvalid", c[0], c[1], err)
		}
	}
}

func TestQtyDecimal(t *testing.T) {
	for n, want := range map[Qty]string{0: "0", 1: "0.001", 10: "0.01", 1500: "1.5", 120000: "120", 123456: "123.456", -2500: "-2.5",
		math.MaxInt64: "9223372036854775.807", math.MinInt64: "-9223372036854775.808"} {
		if got := n.Decimal(); got != want {
			t.Errorf("Qty(%d).Decimal() = %s, want %s", n, got, want)
		}
	}
}

func TestAddSubMul(t *testing.T) {
	if s, err := Add(Amount(5), 7); err != nil || s != 12 {
		t.Fatalf("Add: %d, %v", s, err)
	}
	if _, err := Add(Qty(math.MaxInt64), 1); ErrorKind(err) != KindInvalid {
		t.Fatalf("Add overflow: %v", err)
	}
	if d, err := Sub(Units(5), 7); err != nil || d != -2 {
		t.Fatalf("Sub: %d, %v", d, err)
	}
	if _, err := Sub(Units(math.MinInt64), 1); ErrorKind(err) != KindInvalid {
		t.Fatalf("Sub overflow: %v", err)
	}
	if _, err := Mul(int64(math.MinInt64), -1); ErrorKind(err) != KindInvalid {
		t.Fatalf("Mul overflow: %v", err)
	}
}

func TestMOQWasReached(t *testing.T) {
	opened := PoolChange{Status: PoolOpen, Reason: "opened by acme"}
	reached := PoolChange{Status: PoolOpen, Reason: "minimum batch reached: 10 units pledged"}
	for _, c := range []struct {
		p    Pool
		want bool
	}{
		{Pool{History: []PoolChange{opened}}, false},
		{Pool{History: []PoolChange{opened, reached}}, true},                   // reduced below since
		{Pool{MOQReached: true, History: []PoolChange{opened, reached}}, true}, // above it now
		{Pool{MOQReached: true}, true},                                         // awarded: closed at once
		{Pool{History: []PoolChange{opened, {Status: PoolFailed}}}, false},
	} {
		if got := c.p.MOQWasReached(); got != c.want {
			t.Errorf("%+v: %v, want %v", c.p, got, c.want)
		}
	}
}
