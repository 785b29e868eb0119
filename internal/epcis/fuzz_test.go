package epcis

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gongxu-network/gongxu"
)

// Run by count in scripts/test.sh, e.g.
//
//	go test -run '^$' -fuzz '^FuzzEPCISAgree$' -fuzztime 100000x ./internal/epcis/

// fuzzSeeds are every GS1 example (AssociationEvent-h, which repeats a key,
// included), the hash reference vectors, the hostile documents of issue 10
// and small documents of the costly shapes.
func fuzzSeeds(f *testing.F) {
	var files []string
	for _, pattern := range []string{examplesDir + "/*.jsonld", examplesDir + "/*/*.jsonld", "testdata/hashref/*.jsonld"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) < 30 {
		f.Fatalf("only %d seed files", len(files))
	}
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, c := range hostileDocuments {
		f.Add([]byte(c.raw))
	}
	f.Add([]byte(baseDoc))
	f.Add([]byte(halting))
	f.Add([]byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],` + okEvent[1:]))
	f.Add(doc(okEvent, strings.Replace(okEvent, `"action"`, `"errorDeclaration":{"declarationTime":"2024-01-02T00:00:00Z","reason":"incorrect_data"},"action"`, 1)))
	f.Add(doc(strings.Replace(okEvent, `"action"`, `"ex:n":1e99,"ex:m":-0.5e-9,"ex:k":"1E-999999999","action"`, 1)))
	f.Add(keysDoc(40))
	f.Add(eventsDoc(3, 2))
	f.Add(packingDoc(3, 2))
	f.Add(nestingDoc(3))
	f.Add(genDoc([]string{aggregationEvent(0, sscc(1), []string{sscc(2)}), aggregationEvent(1, sscc(2), []string{sscc(1)})}))
	// Fragments, which variants splices into a valid document.
	for _, s := range []string{`"EVENTLIST":[],`, `"EventTime":"2020-01-01T00:00:00Z",`, `"ex:k":1,"ex:\u212a":2,`,
		`"eventList":[],`, `"\u0065ventList":[],`, `"ilmd":{"ex:a":{"b":1,"B":2}},`, `"readPoint":{"ID":"urn:x:1"},`} {
		f.Add([]byte(s))
	}
}

// variants are data itself, and baseDoc with data spliced in as members of its
// event and of its epcisBody: mutations of a fragment then make documents
// that pass the schema, where mutations of a whole document rarely do.
func variants(data []byte) [][]byte {
	return [][]byte{
		data,
		[]byte(strings.Replace(baseDoc, `"bizStep"`, string(data)+`"bizStep"`, 1)),
		[]byte(strings.Replace(baseDoc, `}]}}`, `}],`+string(data)+`}}`, 1)),
	}
}

// refusedWell fails t unless err is a *gongxu.Error of a kind for bad
// input: never KindInternal, which on the ledger would be the node's fault.
func refusedWell(t *testing.T, err error) {
	t.Helper()
	if k := gongxu.ErrorKind(err); k != gongxu.KindInvalid && k != gongxu.KindTooLarge {
		t.Fatalf("refused as %s, want invalid or too_large: %v", k, err)
	}
}

// FuzzParseDocument: ParseDocument never panics and refuses only as
// KindInvalid or KindTooLarge; what it accepts it parses the same way
// twice, every event's stored JSON hashes to its HashID, and the events
// export (ExportDocument) and parse back to the same IDs and hashes.
func FuzzParseDocument(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range variants(data) {
			parsesAlike(t, v)
		}
	})
}

func parsesAlike(t *testing.T, data []byte) {
	d1, err := ParseDocument(data, ParseOptions{})
	if err != nil {
		refusedWell(t, err)
		return
	}
	d2, err := ParseDocument(data, ParseOptions{})
	if err != nil || !reflect.DeepEqual(d1, d2) {
		t.Fatalf("parsed twice, differently: %v", err)
	}
	raws := make([][]byte, len(d1.Events))
	for i, e := range d1.Events {
		h, err := EventHash(e.Raw, d1.Context)
		if err != nil || h != e.HashID {
			t.Fatalf("event %d: stored JSON hashes to %s (%v), captured %s", i, h, err, e.HashID)
		}
		raws[i] = e.Raw
	}
	out, err := ExportDocument(raws, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	back, err := ParseDocument(out, ParseOptions{MaxBytes: len(out), MaxEvents: len(raws)})
	if gongxu.ErrorKind(err) == gongxu.KindTooLarge {
		return // an event captured alone sits 3 levels deeper in an export, which also adds members
	}
	if err != nil {
		t.Fatalf("export parsed back: %v", err)
	}
	if len(back.Events) != len(d1.Events) {
		t.Fatalf("export holds %d events, want %d", len(back.Events), len(d1.Events))
	}
	for i, e := range back.Events {
		if w := d1.Events[i]; e.EventID != w.EventID || e.HashID != w.HashID || e.IDAssigned {
			t.Fatalf("exported event %d: %s %s, want %s %s", i, e.EventID, e.HashID, w.EventID, w.HashID)
		}
	}
}

// FuzzEPCISAgree is differential: on every input, the order-keeping parser
// that checks, GS1's schema validator and the decoder into structs agree.
//
//   - The parser and the ledger's gongxu.CheckJSON (on the document without
//     whitespace) accept exactly the same JSON, and what the parser accepts,
//     encoding/json reads as the same values (so the schema validator, fed
//     from the parser, judges what any reader sees).
//   - A document ParseDocument refuses is refused as KindInvalid or
//     KindTooLarge, never KindInternal, never with a panic.
//   - A document it accepts passes ValidateJSON, passes the schema as
//     encoding/json reads it, and encoding/json's case-insensitive struct
//     decoding (the decoder of 3006fb6) sees the same events with the same
//     eventID, eventTime, type, action, bizStep, parentID and list lengths.
func FuzzEPCISAgree(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range variants(data) {
			agree(t, v)
		}
	})
}

func agree(t *testing.T, data []byte) {
	generous := limits{depth: 64, keyBytes: MaxKeyBytes}
	// One meaning: the parser and the ledger's rule agree.
	tree, perr := parseJV(data, generous)
	var compact bytes.Buffer
	if json.Compact(&compact, data) != nil {
		if perr == nil {
			t.Fatal("the parser accepts what encoding/json cannot read")
		}
	} else {
		cerr := gongxu.CheckJSON(compact.Bytes(), gongxu.JSONLimits{MaxDepth: generous.depth, MaxKeyLen: generous.keyBytes})
		if (perr == nil) != (cerr == nil) {
			t.Fatalf("parser: %v; CheckJSON: %v", perr, cerr)
		}
	}
	if perr == nil {
		generic, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("encoding/json cannot read what the parser accepts: %v", err)
		}
		if !reflect.DeepEqual(toAny(tree), generic) {
			t.Fatal("encoding/json reads other values than the parser")
		}
	}

	d, err := ParseDocument(data, ParseOptions{})
	if err != nil {
		refusedWell(t, err)
		return
	}
	if err := ValidateJSON(data); err != nil {
		t.Fatalf("ParseDocument accepts, ValidateJSON refuses: %v", err)
	}
	generic, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := validateValue(generic); err != nil {
		t.Fatalf("the schema refuses the document as encoding/json reads it: %v", err)
	}
	// The struct decoder of 3006fb6: encoding/json, names matched
	// case-insensitively, the last of two keys winning.
	var rd oldDocument
	if err := json.Unmarshal(data, &rd); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	raws := rd.EpcisBody.EventList
	switch d.Type {
	case TypeQueryDocument:
		raws = rd.EpcisBody.QueryResults.ResultsBody.EventList
	case TypeDocument:
	default:
		raws = []json.RawMessage{data}
	}
	if len(raws) != len(d.Events) {
		t.Fatalf("encoding/json sees %d events, ParseDocument %d", len(raws), len(d.Events))
	}
	for i, e := range d.Events {
		var re oldEvent
		if err := json.Unmarshal(raws[i], &re); err != nil {
			t.Fatalf("event %d: encoding/json: %v", i, err)
		}
		at, err := parseMillis(re.EventTime)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if re.Type != e.Type || (!e.IDAssigned && re.EventID != e.EventID) || (e.IDAssigned && re.EventID != "") ||
			at != e.EventTime || re.Action != e.Action || NormalizeVocab(VocabBizStep, re.BizStep) != e.BizStep ||
			re.ParentID != e.ParentID || len(re.EPCList) != len(e.EPCList) || len(re.QuantityList) != len(e.QuantityList) ||
			len(re.ChildEPCs) != len(e.ChildEPCs) || len(re.InputEPCList) != len(e.InputEPCList) ||
			len(re.OutputEPCList) != len(e.OutputEPCList) {
			t.Fatalf("event %d: encoding/json reads %+v, ParseDocument %+v", i, re, e)
		}
	}
}

// oldDocument and oldEvent are the struct shapes 3006fb6 decoded with
// encoding/json.
type oldDocument struct {
	EpcisBody struct {
		EventList    []json.RawMessage `json:"eventList"`
		QueryResults struct {
			ResultsBody struct {
				EventList []json.RawMessage `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

type oldEvent struct {
	Type          string            `json:"type"`
	EventID       string            `json:"eventID"`
	EventTime     string            `json:"eventTime"`
	Action        string            `json:"action"`
	BizStep       string            `json:"bizStep"`
	ParentID      string            `json:"parentID"`
	EPCList       []string          `json:"epcList"`
	QuantityList  []json.RawMessage `json:"quantityList"`
	ChildEPCs     []string          `json:"childEPCs"`
	InputEPCList  []string          `json:"inputEPCList"`
	OutputEPCList []string          `json:"outputEPCList"`
}
