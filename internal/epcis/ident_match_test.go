package epcis

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The hand-written matchers of the two commonest EPC URIs must match
// exactly what the reference implementation's expressions match.
func checkEPCMatchers(t testing.TB, s string) {
	if got, want := isSGTIN(s), reSGTIN.MatchString(s); got != want {
		t.Errorf("isSGTIN(%q) = %v, reSGTIN says %v", s, got, want)
	}
	if got, want := isSGLN(s), reSGLN.MatchString(s); got != want {
		t.Errorf("isSGLN(%q) = %v, reSGLN says %v", s, got, want)
	}
	if !mayBeDL(s) && reDL.MatchString(s) {
		t.Errorf("mayBeDL(%q) is false, reDL matches it", s)
	}
}

// epcMatcherSeeds are edges of the patterns: digit counts of the company
// prefix and reference, serial lengths, every escape's bounds.
var epcMatcherSeeds = []string{
	"urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.", "urn:epc:id:sgtin:0614141.10734.1",
	"urn:epc:id:sgtin:061414.1073461.1", "urn:epc:id:sgtin:06141411073.46.1", "urn:epc:id:sgtin:061414110734.6.1",
	"urn:epc:id:sgtin:0614141107346..1", "urn:epc:id:sgtin:06141.41107346.1", "urn:epc:id:sgtin:0614141.107346.12345678901234567890",
	"urn:epc:id:sgtin:0614141.107346.123456789012345678901", "urn:epc:id:sgtin:0614141.107346.%2F%21%7a",
	"urn:epc:id:sgtin:0614141.107346.%20", "urn:epc:id:sgtin:0614141.107346.%2", "urn:epc:id:sgtin:0614141.107346.%",
	"urn:epc:id:sgtin:0614141.107346.a/b", "urn:epc:id:sgtin:0614141.107346.a b", "urn:epc:id:sgtin:0614141.107346.1\n",
	"urn:epc:id:sgtin:0614141.1073a6.1", "urn:epc:id:sgtin:.107346.1", "urn:epc:id:sgtin:0614141",
	"urn:epc:id:sgln:0614141.07346.1234", "urn:epc:id:sgln:061414112345..0", "urn:epc:id:sgln:061414112345.0",
	"urn:epc:id:sgln:0614141.073461.0", "urn:epc:id:sgln:0614141.0734.0", "urn:epc:id:sgln:0614141.07346.",
	"urn:epc:id:sgln:0614141.07346.%5F%5f%5B%7A%7B%60%40%4G", "urn:epc:id:SGLN:0614141.07346.1", "urn:epc:id:sgtin:",
	"xurn:epc:id:sgtin:0614141.107346.2017", "",
	"https://id.gs1.org/01/09520123456788/21/12345", "http://example.com/gtin/9520123456788?x=1", "https://a/b/0A-_zzzzzzz",
	"https://a/b/0A-_zzzzzz", "https://ref.gs1.org/cbv/BizStep-shipping", "https:/01/1234x", "https://01/1234x", "https:0/01/1234",
	"https://x/8004/1234", "https://x/8004/123", "https://x/giai/1234/", "https://x?/01/12345", "https://x#/01/12345",
	"https://x/abc/ABCDEFGHIJ", "https://x/ABCDEFGHI", "https://x/ABCDEFGHIJK", "/ABCDEFGHIJ", "https:/ABCDEFGHIJ",
}

func TestEPCMatchersAgree(t *testing.T) {
	for _, s := range epcMatcherSeeds {
		checkEPCMatchers(t, s)
	}
	// Every escape %XY.
	const hexdig = "0123456789ABCDEFabcdefgG%"
	for _, x := range hexdig {
		for _, y := range hexdig {
			checkEPCMatchers(t, "urn:epc:id:sgtin:0614141.107346.a%"+string(x)+string(y))
			checkEPCMatchers(t, "urn:epc:id:sgln:0614141.07346.%"+string(x)+string(y)+"b")
		}
	}
	// Every byte as a serial, and around the prefix.
	for c := range 256 {
		checkEPCMatchers(t, "urn:epc:id:sgtin:0614141.107346."+string(rune(c)))
		checkEPCMatchers(t, "urn:epc:id:sgtin:0614141.107346.1"+string([]byte{byte(c)}))
		checkEPCMatchers(t, "urn:epc:id:sgln:0614141.07346.1"+string([]byte{byte(c)}))
	}
	// Random near-misses: structured (digit counts, serials of escapes) and
	// from a small alphabet.
	// Digital Link near-misses for mayBeDL.
	for _, ai := range append(dlAIs, "0", "011", "gtinx", "GTIN") {
		for _, tail := range []string{"1234", "12345", "123x5", "1234/", "12345/21/7", "?01/12345"} {
			for _, host := range []string{"https://id.gs1.org", "http://a.example", "https:", "http://a/b?c"} {
				checkEPCMatchers(t, host+"/"+ai+"/"+tail)
			}
		}
	}
	r := rand.New(rand.NewPCG(17, 2026))
	pick := func(set string) byte { return set[r.IntN(len(set))] }
	for range 200_000 {
		var b strings.Builder
		if r.IntN(2) == 0 {
			b.WriteString("urn:epc:id:sgtin:")
		} else {
			b.WriteString("urn:epc:id:sgln:")
		}
		if r.IntN(4) == 0 {
			for range r.IntN(40) {
				b.WriteByte(pick("0123456789..%%2357AaFfGz/!_- "))
			}
		} else {
			for range 5 + r.IntN(9) {
				b.WriteByte(pick("0123456789"))
			}
			b.WriteByte('.')
			for range r.IntN(9) {
				b.WriteByte(pick("0123456789"))
			}
			b.WriteByte(pick("..x"))
			for range r.IntN(23) {
				if r.IntN(5) == 0 {
					b.WriteByte('%')
					b.WriteByte(pick("0123456789"))
					b.WriteByte(pick("0123456789AaBbFfGg"))
				} else {
					b.WriteByte(pick("0123456789azAZ!')(*+,.:;=_-/ ~#"))
				}
			}
		}
		checkEPCMatchers(t, b.String())
		var d strings.Builder
		d.WriteString([]string{"https://", "http://", "https:", "http:/"}[r.IntN(4)])
		for range r.IntN(30) {
			switch r.IntN(6) {
			case 0:
				d.WriteString("/" + dlAIs[r.IntN(len(dlAIs))] + "/")
			case 1:
				d.WriteString("1234")
			default:
				d.WriteByte(pick("0123456789/aZ_-?#.:@"))
			}
		}
		checkEPCMatchers(t, d.String())
		if t.Failed() {
			return
		}
	}
}

func FuzzEPCMatchers(f *testing.F) {
	for _, s := range epcMatcherSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkEPCMatchers(t, s)
		checkEPCMatchers(t, "urn:epc:id:sgtin:"+s)
		checkEPCMatchers(t, "urn:epc:id:sgln:"+s)
		checkEPCMatchers(t, "https://"+s)
	})
}
