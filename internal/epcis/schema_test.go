package epcis

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func TestEmbeddedSchemasAreGS1s(t *testing.T) {
	n := 0
	err := fs.WalkDir(schemaFS, "schema", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		got, _ := fs.ReadFile(schemaFS, p)
		want := read(t, filepath.Join("testdata/gs1", p))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from testdata/gs1/%s", p, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 18 {
		t.Fatalf("only %d schema files embedded", n)
	}
	if _, err := os.Stat("schema/LICENSE-GS1.txt"); err != nil {
		t.Errorf("GS1's notice must sit beside the embedded schemas: %v", err)
	}
	if _, err := rootSchema(); err != nil {
		t.Fatal(err)
	}
}

func TestEveryExampleValidates(t *testing.T) {
	for _, f := range examples(t) {
		if err := ValidateJSON(read(t, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

const docHead = `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"eventList":[`

func doc(events ...string) []byte {
	return []byte(docHead + strings.Join(events, ",") + `]}}`)
}

const okEvent = `{"type":"ObjectEvent","eventTime":"2024-01-01T00:00:00Z","eventTimeZoneOffset":"+08:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.2017"],"bizStep":"shipping"}`

func TestSchemaFailureNamesThePath(t *testing.T) {
	for _, c := range []struct {
		name  string
		raw   []byte
		parts []string
	}{
		{"bad bizStep", doc(strings.Replace(okEvent, `"shipping"`, `"shipp"`, 1)),
			[]string{"GS1 schema: /epcisBody/eventList/0/bizStep: value must be one of 'accepting'"}},
		{"CBV URN where JSON wants a bare name", doc(strings.Replace(okEvent, `"shipping"`, `"urn:epcglobal:cbv:bizstep:shipping"`, 1)),
			[]string{"/epcisBody/eventList/0/bizStep:"}},
		{"no eventTime", doc(strings.Replace(okEvent, `"eventTime":"2024-01-01T00:00:00Z",`, ``, 1)),
			[]string{"/epcisBody/eventList/0", "eventTime"}},
		{"bad offset", doc(strings.Replace(okEvent, `+08:00`, `+8`, 1)),
			[]string{"/epcisBody/eventList/0/eventTimeZoneOffset:"}},
		{"bad action", doc(strings.Replace(okEvent, `OBSERVE`, `LOOK`, 1)),
			[]string{"/epcisBody/eventList/0/action: value must be one of 'OBSERVE', 'ADD', 'DELETE'"}},
		{"no creationDate", bytes.Replace(doc(okEvent), []byte(`"creationDate":"2024-01-01T00:00:00Z",`), nil, 1),
			[]string{"GS1 schema: /:", "creationDate"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantErr(t, ValidateJSON(c.raw), gongxu.KindInvalid, c.parts...)
			_, err := ParseDocument(c.raw, ParseOptions{})
			wantErr(t, err, gongxu.KindInvalid, c.parts...)
		})
	}
	if err := ValidateJSON(doc(okEvent)); err != nil {
		t.Fatal(err)
	}
}

func TestNegativeLookaheadPatterns(t *testing.T) {
	re, err := compileRegexp(`^(?!(urn:epcglobal:cbv|https?:\/\/ns\.gs1\.org/cbv\/))`)
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]bool{
		"urn:epcglobal:cbv:bizstep:shipping":    false,
		"https://ns.gs1.org/cbv/BizStep-x":      false,
		"https://ref.gs1.org/cbv/BizStep-x":     true,
		"urn:example:bizstep:x":                 true,
		"http://example.com/urn:epcglobal:cbv:": true,
	} {
		if got := re.MatchString(s); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
	for _, p := range []string{`^(?!a)b`, `^(?!a`, `(?!a)`} {
		if _, ok := leadingNegativeLookahead(p); ok {
			t.Errorf("%q taken for a lone leading lookahead", p)
		}
	}
	if inner, ok := leadingNegativeLookahead(`^(?!(a|[)]b))`); !ok || inner != `(a|[)]b)` {
		t.Errorf("got %q %v", inner, ok)
	}
}
