package epcis

import (
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

func agg(action, t, parent string, children ...string) string {
	kids, _ := jsonList(children)
	return `{"type":"AggregationEvent","eventTime":"` + t + `","eventTimeZoneOffset":"+00:00","action":"` + action +
		`","parentID":"` + parent + `","childEPCs":` + kids + `}`
}

func jsonList(ss []string) (string, error) {
	if len(ss) == 0 {
		return "[]", nil
	}
	return `["` + strings.Join(ss, `","`) + `"]`, nil
}

const (
	palletURN = "urn:epc:id:sscc:0614141.1234567890"
	palletDL  = "https://id.gs1.org/00/106141412345678908"
	caseURN   = "urn:epc:id:sscc:0614141.1000000001"
	itemURN   = "urn:epc:id:sgtin:0614141.107346.2017"
)

func TestAggregationCycles(t *testing.T) {
	for _, c := range []struct {
		name   string
		events []string
		cycle  string
	}{
		{"itself", []string{agg("ADD", "2024-01-01T00:00:00Z", palletURN, palletDL)},
			palletURN + " contains " + palletURN},
		{"through a case", []string{
			agg("ADD", "2024-01-01T00:00:00Z", palletURN, caseURN),
			agg("ADD", "2024-01-01T00:01:00Z", caseURN, itemURN),
			agg("ADD", "2024-01-01T00:02:00Z", itemURN, palletDL),
		}, itemURN + " contains " + palletURN + " contains " + caseURN + " contains " + itemURN},
		{"written out of time order", []string{
			agg("ADD", "2024-01-01T00:02:00Z", caseURN, palletURN),
			agg("ADD", "2024-01-01T00:00:00Z", palletURN, caseURN),
		}, "at event 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseDocument(doc(c.events...), ParseOptions{})
			wantErr(t, err, gongxu.KindInvalid, "aggregation cycle", c.cycle)
		})
	}
	for _, c := range []struct {
		name   string
		events []string
	}{
		{"a tree", []string{
			agg("ADD", "2024-01-01T00:00:00Z", palletURN, caseURN),
			agg("ADD", "2024-01-01T00:01:00Z", caseURN, itemURN),
			agg("OBSERVE", "2024-01-01T00:02:00Z", itemURN, palletURN),
		}},
		{"unpacked before repacked the other way", []string{
			agg("ADD", "2024-01-01T00:00:00Z", palletURN, caseURN),
			agg("DELETE", "2024-01-01T00:01:00Z", palletURN, caseURN),
			agg("ADD", "2024-01-01T00:02:00Z", caseURN, palletURN),
		}},
		{"emptied by a DELETE that names no child", []string{
			agg("ADD", "2024-01-01T00:00:00Z", palletURN, caseURN),
			agg("DELETE", "2024-01-01T00:01:00Z", palletURN),
			agg("ADD", "2024-01-01T00:02:00Z", caseURN, palletURN),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ParseDocument(doc(c.events...), ParseOptions{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCheckTime(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at time.Time
		ok bool
	}{
		{now.Add(-24 * time.Hour), true},
		{now, true},
		{now.Add(5 * time.Minute), true},
		{now.Add(5*time.Minute + time.Millisecond), false},
		{now.AddDate(1, 0, 0), false},
	} {
		err := CheckTime(c.at, now, 5*time.Minute)
		if c.ok && err != nil {
			t.Errorf("%s: %v", c.at, err)
		}
		if !c.ok {
			wantErr(t, err, gongxu.KindInvalid, "in the future", c.at.Format("2006-01-02T15:04:05.000Z"))
		}
	}
}
