package forecast

import (
	"errors"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	in := "series,period,value\nb,2,5\na,2026-01-01,1\n"
	if _, err := ReadCSV(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("mixed kinds: %v", err)
	}
	ss, err := ReadCSV(strings.NewReader("series,period,value\nb,3,5\nb,1,3\nb,2,4\na,1,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || ss[0].Name != "a" || ss[1].Values[0] != 3 || ss[1].Values[2] != 5 || ss[1].Next(2) != "5" {
		t.Fatalf("%+v", ss)
	}
	ss, err = ReadCSV(strings.NewReader("series,period,value\nx,2026-03-31,2\nx,2026-01-31,1\n"))
	if err == nil {
		t.Fatalf("month step from Jan 31 to Mar 31 is a gap: %+v", ss)
	}
	ss, err = ReadCSV(strings.NewReader("series,period,value\nx,2026-02-01,2\nx,2026-01-01,1\nx,2026-03-01,3\n"))
	if err != nil || ss[0].Step != "month" || ss[0].Season() != 12 || ss[0].Next(1) != "2026-04-01" {
		t.Fatalf("monthly: %+v %v", ss, err)
	}
	for _, c := range []struct{ in, want string }{
		{"", "line 1: empty input"},
		{"a,b,c\n", "line 1: header"},
		{"series,period,value\n", "no data rows"},
		{"series,period,value\nx,1,abc\n", "line 2: value"},
		{"series,period,value\nx,1,NaN\n", "line 2: value"},
		{"series,period,value\nx,1,1\nx,1,2\n", "line 3: series \"x\": period 1 repeats line 2"},
		{"series,period,value\nx,1,1\nx,3,2\n", "line 3: series \"x\": gap"},
		{"series,period,value\n,1,1\n", "line 2: empty series name"},
		{"series,period,value\nx,1\n", "line 2: 2 fields"},
		{"series,period,value\nx,2026-13-01,1\n", "line 2: period"},
		{"series,period,value\nx,1,1\nx,\"2,2\n", "line 3"},
	} {
		_, err := ReadCSV(strings.NewReader(c.in))
		var le *LineError
		if err == nil || !errors.As(err, &le) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
}

// FuzzReadCSV: any input either reads into well-formed series or fails
// with a *LineError; never a panic.
func FuzzReadCSV(f *testing.F) {
	f.Add("series,period,value\na,1,1\na,2,2\n")
	f.Add("series,period,value\nx,2026-01-01,1\nx,2026-01-08,2\n")
	f.Add("series,period,value\nx,2026-01-31,1\nx,2026-02-28,2\n")
	f.Add("\ufeffseries,period,value\r\n\"a,b\",3,1e300\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		ss, err := ReadCSV(strings.NewReader(in))
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, s := range ss {
			if s.Name == "" || len(s.Values) == 0 || len(s.Values) != len(s.Periods) || s.Step == "" {
				t.Fatalf("bad series %+v", s)
			}
			_ = s.Next(1)
		}
	})
}
