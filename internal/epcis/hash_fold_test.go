package epcis

import (
	"strings"
	"testing"
)

// timeNameOld is how the pre-hash decided a time field before isTimeName.
func timeNameOld(name string) bool {
	lower := strings.ToLower(name)
	return strings.Contains(lower, "time") && !strings.Contains(lower, "offset")
}

var timeNames = []string{
	"", "eventTime", "recordTime", "eventTimeZoneOffset", "declarationTime", "TIME", "tIMe", "offsetTime",
	"timeOffset", "startTime", "tim", "ime", "Tİme", "TİME", "tıme", "ex:myTime", "ex:ΤΙΜΕ", "Offset", "OFFSET time",
	"\u212Aelvin time", "timestamp", "sensorMetadata", "ttime", "timetime", "\xff time", "off\u017fet time", "offſet time",
}

// TestIsTimeName: the ASCII fold decides as strings.ToLower did, for ASCII
// and non-ASCII names (U+0130 lowers to i, so "Tİme" is a time).
func TestIsTimeName(t *testing.T) {
	for _, n := range timeNames {
		if got, want := isTimeName(n), timeNameOld(n); got != want {
			t.Errorf("isTimeName(%q) = %v, strings.ToLower says %v", n, got, want)
		}
	}
	if !isTimeName("Tİme") || isTimeName("tim") || isTimeName("eventTimeZoneOffset") {
		t.Fatal("isTimeName misses a case the list above pins")
	}
}

// FuzzIsTimeName holds isTimeName to strings.ToLower's answer.
//
//	go test -run '^$' -fuzz '^FuzzIsTimeName$' -fuzztime 30s ./internal/epcis/
func FuzzIsTimeName(f *testing.F) {
	for _, n := range timeNames {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n string) {
		if got, want := isTimeName(n), timeNameOld(n); got != want {
			t.Fatalf("isTimeName(%q) = %v, strings.ToLower says %v", n, got, want)
		}
	})
}

// TestCanonizeValueSkipsReplacer: a value naming a CBV URN anywhere is
// still rewritten, one without the prefix is left as it is.
func TestCanonizeValueSkipsReplacer(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"urn:epcglobal:cbv:bizstep:shipping", cbvWeb + "BizStep-shipping"},
		{"x urn:epcglobal:cbv:disp:active", "x " + cbvWeb + "Disp-active"},
		{"urn:epcglobal:cbv:other:x", "urn:epcglobal:cbv:other:x"},
		{"urn:epcglobal:cbv:bizstep", "urn:epcglobal:cbv:bizstep"},
	} {
		if got := canonizeValue(c.in); got != c.want {
			t.Errorf("canonizeValue(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := cbvURNToWeb.Replace(c.in); got != c.want {
			t.Errorf("the replacer gives %q for %q, the test wants %q", got, c.in, c.want)
		}
	}
}
