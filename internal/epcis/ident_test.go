package epcis

import (
	"testing"

	"github.com/gongxu-network/gongxu"
)

func TestCanonicalSpellingsMeet(t *testing.T) {
	for _, group := range [][]string{
		{ // SGTIN: Example 9.6.1's item
			"urn:epc:id:sgtin:0614141.107346.2017",
			"https://id.gs1.org/01/10614141073464/21/2017",
			"https://id.gs1.org/gtin/10614141073464/ser/2017",
			"https://brand.example.com/shop/01/10614141073464/21/2017?linkType=gs1:pip",
			"https://id.gs1.org/01/10614141073464/10/LOT7/21/2017",
		},
		{ // SGTIN from GS1's Digital Link examples, with a 7-digit company prefix
			"https://id.gs1.org/01/70614141123451/21/2018",
			"urn:epc:id:sgtin:0614141.712345.2018",
		},
		{ // LGTIN: a lot
			"urn:epc:class:lgtin:4012345.012345.998877",
			"https://id.gs1.org/01/04012345123456/10/998877",
			"https://id.gs1.org/01/4012345123456/lot/998877",
		},
		{ // the whole GTIN (a class pattern)
			"urn:epc:idpat:sgtin:4012345.012345.*",
			"https://id.gs1.org/01/04012345123456",
		},
		{ // SGLN: a location with an extension, and without
			"urn:epc:id:sgln:0614141.07346.1234",
			"https://id.gs1.org/414/0614141073467/254/1234",
		},
		{
			"urn:epc:id:sgln:0012345.11111.0",
			"https://id.gs1.org/414/0012345111112",
			"https://id.gs1.org/414/0012345111112/254/0",
		},
		{ // PGLN: a party
			"urn:epc:id:pgln:4012345.00225",
			"https://id.gs1.org/417/4012345002256",
		},
		{ // SSCC: a logistic unit
			"urn:epc:id:sscc:0614141.1234567890",
			"https://id.gs1.org/00/106141412345678908",
			"https://example.com/sscc/106141412345678908",
		},
		{ // serials are compared decoded
			"urn:epc:id:sgtin:0614141.107346.A%2FB!",
			"https://id.gs1.org/01/10614141073464/21/A%2fB%21",
		},
		{ // GTIN-8, 12 and 13 are GTIN-14s with leading zeros
			"https://id.gs1.org/01/4012345123456",
			"https://id.gs1.org/01/04012345123456",
		},
	} {
		want, err := Canonical(group[0])
		if err != nil {
			t.Fatalf("%s: %v", group[0], err)
		}
		for _, id := range group[1:] {
			if got, err := Canonical(id); err != nil || got != want {
				t.Errorf("Canonical(%q) = %q, %v; want %q like %s", id, got, err, want, group[0])
			}
		}
	}
	for in, want := range map[string]string{
		"urn:epc:id:sgtin:0614141.107346.2017":          "https://id.gs1.org/01/10614141073464/21/2017",
		"urn:epc:id:sscc:0614141.1234567890":            "https://id.gs1.org/00/106141412345678908",
		"urn:epc:id:grai:4012345.55555.987":             "https://id.gs1.org/8003/04012345555554987",
		"urn:epc:id:giai:4000001.111":                   "https://id.gs1.org/8004/4000001111",
		"urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8": "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
		"https://example.com/po/1":                      "https://example.com/po/1",
	} {
		if got, err := Canonical(in); err != nil || got != want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestCanonicalRejectsMalformed(t *testing.T) {
	for _, id := range []string{
		"urn:epc:id:sgtin:0614141.10734.2017",       // 12 digits
		"urn:epc:id:sgtin:0614141.107346",           // no serial
		"urn:epc:id:sgtin:061414x.107346.1",         // not digits
		"urn:epc:class:lgtin:0614141.107346.",       // empty lot
		"urn:epc:id:sgln:0614141.0734.1",            // 11 digits
		"urn:epc:id:sscc:0614141.123456789",         // 16 digits
		"urn:epc:id:pgln:0614141",                   // no party reference
		"https://id.gs1.org/01/10614141073465/21/1", // wrong check digit
		"https://id.gs1.org/01/1061414107346/21/1",  // wrong check digit after padding
		"https://id.gs1.org/00/106141412345678909",  // wrong check digit
		"https://id.gs1.org/414/0614141073468",      // wrong check digit
		"https://id.gs1.org/01/ABC/21/1",            // not digits
	} {
		_, err := Canonical(id)
		wantErr(t, err, gongxu.KindInvalid, "malformed")
	}
}

// Every identifier in GS1's examples has a key, and every Digital Link URI
// there has a right check digit.
func TestCanonicalExamples(t *testing.T) {
	n := 0
	for _, f := range examples(t) {
		for _, e := range parse(t, f).Events {
			ids := append([]string{e.ParentID, e.ReadPoint, e.BizLocation}, e.EPCList...)
			ids = append(ids, e.ChildEPCs...)
			ids = append(ids, e.InputEPCList...)
			ids = append(ids, e.OutputEPCList...)
			for _, ql := range [][]Quantity{e.QuantityList, e.ChildQuantityList, e.InputQuantityList, e.OutputQuantityList} {
				for _, q := range ql {
					ids = append(ids, q.EPCClass)
				}
			}
			for _, sd := range append(e.Sources, e.Destinations...) {
				ids = append(ids, sd.ID)
			}
			for _, id := range ids {
				if id == "" {
					continue
				}
				n++
				if _, err := Canonical(id); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		}
	}
	t.Logf("%d identifiers", n)
}

func TestCheckDigit(t *testing.T) {
	for key, want := range map[string]byte{"1061414107346": '4', "061414107346": '7', "10614141234567890": '8', "7061414112345": '1', "400638133393": '1'} {
		if got := checkDigit(key); got != want {
			t.Errorf("checkDigit(%s) = %c, want %c", key, got, want)
		}
	}
}
