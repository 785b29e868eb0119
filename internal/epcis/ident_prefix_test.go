package epcis

import "testing"

// TestCompanyDigits: every GS1 key's digits from its company prefix on, the
// same for every spelling of one thing (EPC URIs with different partitions,
// Digital Link URIs, canonical keys), and nothing for what is not a GS1 key.
func TestCompanyDigits(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{"urn:epc:id:sgtin:0614141.812345.6789", "urn:epc:id:sgtin:06141411.82345.6789",
			"https://id.gs1.org/01/80614141123458/21/6789", "https://example.com/gtin/80614141123458/ser/6789?x=1"}, "061414112345"},
		{[]string{"urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877"}, "401234512345"},
		{[]string{"urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456"}, "401234512345"},
		{[]string{"urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"}, "0614141234567890"},
		{[]string{"urn:epc:id:sgln:0614141.12345.400"}, "061414112345"},
		{[]string{"urn:epc:id:pgln:0614141.12345"}, "061414112345"},
		{[]string{"urn:epc:id:grai:0614141.12345.400"}, "061414112345"},
		{[]string{"urn:epc:id:giai:0614141.12345400", "urn:epc:id:giai:0614141.ABC12"}, ""},
		{[]string{"urn:epc:id:gsrn:0614141.1234567890"}, "06141411234567890"},
		{[]string{"urn:epc:id:gdti:0614141.12345.006847"}, "061414112345"},
		{[]string{"urn:epc:id:gsin:0614141.123456789"}, "0614141123456789"},
	} {
		for _, id := range tc.ids {
			got, ok := CompanyDigits(id)
			if tc.want == "" { // alphanumeric references: the leading digits
				if !ok || got[:7] != "0614141" {
					t.Errorf("CompanyDigits(%s) = %q, %v; want it to begin 0614141", id, got, ok)
				}
				continue
			}
			if !ok || got != tc.want {
				t.Errorf("CompanyDigits(%s) = %q, %v; want %s", id, got, ok, tc.want)
			}
			if c, err := Canonical(id); err != nil {
				t.Errorf("Canonical(%s): %v", id, err)
			} else if again, ok := CompanyDigits(c); !ok || again != got {
				t.Errorf("CompanyDigits of the canonical key %s = %q, %v; of %s %q", c, again, ok, id, got)
			}
		}
	}
	for _, id := range []string{
		"urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", "urn:gongxu:lot:factory-a/fab-001", "https://example.com/thing/1",
		"urn:epc:id:sgtin:0614141.812345", "https://id.gs1.org/01/80614141123459/21/6789", "", "urn:epc:id:sgtin:061.4141812345.1",
	} {
		if got, ok := CompanyDigits(id); ok {
			t.Errorf("CompanyDigits(%q) = %q, want none", id, got)
		}
	}
}
