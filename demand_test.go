package gongxu

import (
	"strings"
	"testing"
)

func TestDemandThresholdsDefaults(t *testing.T) {
	if got := (DemandThresholds{DominancePct: 70}).OrDefault(); got != (DemandThresholds{3, 2, 70}) {
		t.Fatalf("OrDefault: %+v", got)
	}
	for _, bad := range []DemandThresholds{{0, 2, 85}, {3, 0, 85}, {3, 2, 0}, {3, 2, 101}} {
		if ErrorKind(bad.Validate()) != KindInvalid {
			t.Errorf("%+v: want invalid", bad)
		}
	}
	if err := DefaultDemandThresholds.Validate(); err != nil {
		t.Fatal(err)
	}
}

// A suppressed cell's values are empty in CSV, never 0; one measure asked,
// one pair of columns.
func TestWriteDemandCSV(t *testing.T) {
	r := DemandReport{Cells: []DemandCell{
		{Period: "2026-W02", Product: "acme/tee", Variant: "m", Hub: "", Currency: "CNY", Contributors: 5, Consumers: 7,
			Pledged: &DemandValue{12, 1200}, Captured: &DemandValue{0, 0}},
		{Period: "2026-W02", Product: "acme/tee", Variant: "m", Hub: "hub1", Currency: "CNY", Suppressed: true},
	}}
	var b strings.Builder
	if err := WriteDemandCSV(&b, r, MeasurePledged); err != nil {
		t.Fatal(err)
	}
	const want = "period,product,variant,hub,currency,suppressed,contributors,consumers,pledged_units,pledged_money\n" +
		"2026-W02,acme/tee,m,,CNY,false,5,7,12,1200\n" +
		"2026-W02,acme/tee,m,hub1,CNY,true,,,,\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
