package gongxu

import "math"

// Amount is money in integer minor units of its currency (cents, fen).
// Floats never enter the ledger.
type Amount int64

// Qty is a quantity in milli-units of its unit of measure (1 piece = 1000).
type Qty int64

// AddInt64 returns a+b, or an error of KindInvalid when it overflows.
func AddInt64(a, b int64) (int64, error) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, Errorf(KindInvalid, "integer overflow: %d + %d", a, b)
	}
	return a + b, nil
}

// SubInt64 returns a-b, or an error of KindInvalid when it overflows.
func SubInt64(a, b int64) (int64, error) {
	if (b < 0 && a > math.MaxInt64+b) || (b > 0 && a < math.MinInt64+b) {
		return 0, Errorf(KindInvalid, "integer overflow: %d - %d", a, b)
	}
	return a - b, nil
}

// MulInt64 returns a*b, or an error of KindInvalid when it overflows.
func MulInt64(a, b int64) (int64, error) {
	if a == 0 || b == 0 {
		return 0, nil
	}
	c := a * b
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || c/b != a {
		return 0, Errorf(KindInvalid, "integer overflow: %d * %d", a, b)
	}
	return c, nil
}
