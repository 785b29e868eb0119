package gongxu

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Money and quantities are integers that carry their unit in their type;
// floats never enter the ledger. Each encodes in JSON as the integer it is.
// Conversions between them happen here, and an overflow is an error, never a
// silent wrap.

// Amount is money in integer minor units of its currency (cents, fen).
type Amount int64

// Qty is a quantity in milli-units of its unit of measure (1 piece = 1000):
// what production, lots and purchase orders count.
type Qty int64

// Units counts whole units of a product (pieces): what pools, pledges,
// hub shares and requests for quote count.
type Units int64

// MilliPerUnit is how many milli-units (Qty) make one unit (Units).
const MilliPerUnit = 1000

// MaxUnits is the most units that convert to milli-units (Units.Milli).
const MaxUnits Units = math.MaxInt64 / MilliPerUnit

// Milli converts whole units to milli-units. Errors: KindInvalid when u is
// more than a Qty can hold (MaxUnits), or less than -MaxUnits.
func (u Units) Milli() (Qty, error) {
	if u > MaxUnits || u < -MaxUnits {
		return 0, Errorf(KindInvalid, "%d units are more than a quantity in milli-units holds (at most %d units)", int64(u), int64(MaxUnits))
	}
	return Qty(u * MilliPerUnit), nil
}

// Cost returns n units at unit price: n × price. Errors: KindInvalid when it
// overflows.
func Cost(n Units, price Amount) (Amount, error) {
	c, err := Mul(int64(n), int64(price))
	if err != nil {
		return 0, Errorf(KindInvalid, "%d units at %d each overflow an amount", int64(n), int64(price))
	}
	return Amount(c), nil
}

// CostMilli returns the value of q milli-units at price per unit (1000
// milli-units), rounded down: ⌊q × price / 1000⌋, exact even where q × price
// alone would overflow. Errors: KindInvalid for a negative q or price, or a
// value beyond an Amount.
func CostMilli(q Qty, price Amount) (Amount, error) {
	if q < 0 || price < 0 {
		return 0, Errorf(KindInvalid, "%d milli-units at %d: quantities and prices are not negative", int64(q), int64(price))
	}
	hi, lo := bits.Mul64(uint64(q), uint64(price))
	if hi >= MilliPerUnit {
		return 0, Errorf(KindInvalid, "%d milli-units at %d each overflow an amount", int64(q), int64(price))
	}
	v, _ := bits.Div64(hi, lo, MilliPerUnit)
	if v > math.MaxInt64 {
		return 0, Errorf(KindInvalid, "%d milli-units at %d each overflow an amount", int64(q), int64(price))
	}
	return Amount(v), nil
}

// Decimal writes the quantity as a decimal number of units, with the
// decimals it needs: 120000 → "120", 1500 → "1.5", 1 → "0.001". It is how a
// ledger lot's quantity is written in an EPCIS event.
func (q Qty) Decimal() string {
	u := uint64(q)
	if q < 0 {
		u = -u
	}
	s := strconv.FormatUint(u/MilliPerUnit, 10)
	if f := u % MilliPerUnit; f != 0 {
		frac := strconv.FormatUint(f+MilliPerUnit, 10)[1:] // three digits
		s += "." + strings.TrimRight(frac, "0")
	}
	if q < 0 {
		s = "-" + s
	}
	return s
}

// Add returns a+b, or an error of KindInvalid when it overflows.
func Add[T ~int64](a, b T) (T, error) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, Errorf(KindInvalid, "integer overflow: %d + %d", int64(a), int64(b))
	}
	return a + b, nil
}

// Sub returns a-b, or an error of KindInvalid when it overflows.
func Sub[T ~int64](a, b T) (T, error) {
	if (b < 0 && a > math.MaxInt64+b) || (b > 0 && a < math.MinInt64+b) {
		return 0, Errorf(KindInvalid, "integer overflow: %d - %d", int64(a), int64(b))
	}
	return a - b, nil
}

// Mul returns a*b, or an error of KindInvalid when it overflows. (Money
// times a count of units is Cost.)
func Mul[T ~int64](a, b T) (T, error) {
	if a == 0 || b == 0 {
		return 0, nil
	}
	c := a * b
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || c/b != a {
		return 0, Errorf(KindInvalid, "integer overflow: %d * %d", int64(a), int64(b))
	}
	return c, nil
}

// AddInt64 is Add for plain int64 counts.
func AddInt64(a, b int64) (int64, error) { return Add(a, b) }

// SubInt64 is Sub for plain int64 counts.
func SubInt64(a, b int64) (int64, error) { return Sub(a, b) }

// MulInt64 is Mul for plain int64 counts.
func MulInt64(a, b int64) (int64, error) { return Mul(a, b) }
