package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gongxu-network/gongxu"
)

// The event types of EPCIS 2.0. Any other type is rejected, though GS1's
// schema lets a URI name an extension event type.
const (
	ObjectEvent         = "ObjectEvent"
	AggregationEvent    = "AggregationEvent"
	TransformationEvent = "TransformationEvent"
	TransactionEvent    = "TransactionEvent"
	AssociationEvent    = "AssociationEvent"
)

// The document types.
const (
	TypeDocument      = "EPCISDocument"
	TypeQueryDocument = "EPCISQueryDocument"
)

// StandardContext is the JSON-LD context of EPCIS 2.0.
const StandardContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// DefaultMaxBytes bounds a captured document when ParseOptions.MaxBytes is 0.
const DefaultMaxBytes = 1 << 20

// DefaultMaxFutureSkew is how far ahead of ParseOptions.Now an event may be
// when ParseOptions.MaxFutureSkew is 0.
const DefaultMaxFutureSkew = 5 * time.Minute

func knownEventType(t string) bool {
	switch t {
	case ObjectEvent, AggregationEvent, TransformationEvent, TransactionEvent, AssociationEvent:
		return true
	}
	return false
}

// ParseOptions tune ParseDocument. The zero value is usable.
type ParseOptions struct {
	// MaxBytes is the largest document accepted (DefaultMaxBytes when 0).
	MaxBytes int
	// Now, when set, is the time events are checked against (CheckTime):
	// on the ledger, the block time. The zero time skips the check.
	Now time.Time
	// MaxFutureSkew is how far past Now an event or record time may be
	// (DefaultMaxFutureSkew when 0).
	MaxFutureSkew time.Duration
}

// Document is a parsed EPCIS 2.0 document.
type Document struct {
	// Type is EPCISDocument or EPCISQueryDocument, or the event type when
	// the document is a single event.
	Type          string
	ID            string          // the document's "id", if any
	Context       json.RawMessage // the document's "@context", as written
	SchemaVersion string
	CreationDate  int64 // Unix milliseconds, UTC; 0 when absent
	Events        []Event
}

// Event is one EPCIS event. Times are Unix milliseconds (UTC); quantities
// are decimal text; CBV values (business step, disposition, business
// transaction, source/destination and error reason types) are normalized to
// their CBV 2.0 Web URIs (NormalizeVocab), so "shipping",
// "urn:epcglobal:cbv:bizstep:shipping" and
// "https://ref.gs1.org/cbv/BizStep-shipping" compare equal. Identifiers are
// kept as written; Canonical gives their index key.
type Event struct {
	Type string
	// EventID is the capturer's eventID, or HashID when it gave none
	// (IDAssigned is then true).
	EventID    string
	IDAssigned bool
	// HashID is the CBV 2.0 event hash of the event (EventHash).
	HashID string

	EventTime           int64
	EventTimeZoneOffset string
	RecordTime          *int64

	Action                string
	BizStep               string
	Disposition           string
	PersistentDisposition *PersistentDisposition
	ReadPoint             string
	BizLocation           string
	BizTransactions       []BizTransaction
	Sources               []SourceDest
	Destinations          []SourceDest

	EPCList            []string
	QuantityList       []Quantity
	ParentID           string
	ChildEPCs          []string
	ChildQuantityList  []Quantity
	InputEPCList       []string
	InputQuantityList  []Quantity
	OutputEPCList      []string
	OutputQuantityList []Quantity
	TransformationID   string

	ILMD              json.RawMessage
	SensorElementList json.RawMessage
	ErrorDeclaration  *ErrorDeclaration
	CertificationInfo []string
	// Extensions holds the event-level user extensions, by key as written
	// ("example:myField").
	Extensions map[string]json.RawMessage

	// Raw is the event's JSON object as captured, plus "eventID" when it was
	// assigned and, when the document declared namespaces of its own, an
	// "@context" with them, so that the object stands alone in an export.
	Raw json.RawMessage
}

// PersistentDisposition lists the dispositions an event sets and unsets.
type PersistentDisposition struct {
	Set   []string
	Unset []string
}

// BizTransaction is a business transaction an event refers to; Type is
// normalized and may be empty.
type BizTransaction struct {
	Type string
	ID   string
}

// SourceDest is a source or destination of a transfer.
type SourceDest struct {
	Type string
	ID   string
}

// Quantity is a quantity element: a class (LGTIN, SGTIN pattern, …) and an
// optional amount, as decimal text exactly as written, with its unit.
type Quantity struct {
	EPCClass string
	Quantity string
	UOM      string
}

// Milli returns the quantity in thousandths of its unit; ok is false when
// there is no quantity, it has more than three decimals or it overflows.
func (q Quantity) Milli() (int64, bool) {
	if q.Quantity == "" {
		return 0, false
	}
	neg, coef, exp, ok := parseDecimal(q.Quantity)
	if !ok {
		return 0, false
	}
	exp += 3
	for exp < 0 {
		if !strings.HasSuffix(coef, "0") {
			return 0, false
		}
		coef = coef[:len(coef)-1]
		exp++
	}
	coef = strings.TrimLeft(coef+strings.Repeat("0", exp), "0")
	if coef == "" {
		return 0, true
	}
	v, err := strconv.ParseInt(coef, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// ErrorDeclaration marks an event as erroneous (EPCIS 2.0 §7.4.1.4): the
// event is a copy of the original with this added, and the original is
// never edited. Its hash (HashID) equals the original's.
type ErrorDeclaration struct {
	DeclarationTime    int64
	Reason             string
	CorrectiveEventIDs []string
	Extensions         map[string]json.RawMessage
}

// ParseDocument parses and checks a captured EPCIS 2.0 JSON-LD document: an
// EPCISDocument, an EPCISQueryDocument or a single event. In order: the size
// limit (KindTooLarge), JSON syntax, unknown event types, the GS1 schema
// (with the failing JSON pointer), then what the schema cannot see: times,
// future events (when opts.Now is set), the same eventID twice, and cycles
// in aggregation. Every event gets its CBV 2.0 hash (HashID), which is its
// EventID when it has none. Errors are KindInvalid unless said otherwise.
func ParseDocument(raw []byte, opts ParseOptions) (*Document, error) {
	max := opts.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	if len(raw) > max {
		return nil, gongxu.Errorf(gongxu.KindTooLarge, "epcis: the document is %d bytes, over the limit of %d", len(raw), max)
	}
	root, err := parseJV(raw)
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: the document is not valid JSON: %v", err)
	}
	if root.kind != 'o' {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: the document must be a JSON object")
	}
	docType := ""
	if t := root.get("type"); t != nil && t.kind == 's' {
		docType = t.str
	}
	var events []*jv
	var eventsPath string
	switch {
	case docType == TypeDocument:
		events, eventsPath = root.get("epcisBody").get("eventList").list(), "/epcisBody/eventList"
	case docType == TypeQueryDocument:
		events, eventsPath = root.get("epcisBody").get("queryResults").get("resultsBody").get("eventList").list(), "/epcisBody/queryResults/resultsBody/eventList"
	case knownEventType(docType):
		events = []*jv{root}
	default:
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: /type: %q is neither an EPCIS document type (%s, %s) nor an event type (%s)",
			docType, TypeDocument, TypeQueryDocument, eventTypeList)
	}
	for i, ev := range events {
		if ev.kind != 'o' {
			continue // the schema says what is wrong
		}
		if t := ev.get("type"); t != nil && t.kind == 's' && !knownEventType(t.str) {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/%d/type: unknown event type %q (want %s)", eventsPath, i, t.str, eventTypeList)
		}
	}
	generic, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: the document is not valid JSON: %v", err)
	}
	if err := validateValue(generic); err != nil {
		return nil, err
	}
	return decodeDocument(raw, root, docType, events, eventsPath, opts)
}

var eventTypeList = strings.Join([]string{ObjectEvent, AggregationEvent, TransformationEvent, TransactionEvent, AssociationEvent}, ", ")

type rawDocument struct {
	ID            string          `json:"id"`
	Context       json.RawMessage `json:"@context"`
	SchemaVersion string          `json:"schemaVersion"`
	CreationDate  string          `json:"creationDate"`
	EpcisBody     struct {
		EventList    []json.RawMessage `json:"eventList"`
		QueryResults struct {
			ResultsBody struct {
				EventList []json.RawMessage `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

func decodeDocument(raw []byte, root *jv, docType string, events []*jv, eventsPath string, opts ParseOptions) (*Document, error) {
	var rd rawDocument
	if err := json.Unmarshal(raw, &rd); err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: the document cannot be read: %v", err)
	}
	doc := &Document{Type: docType, ID: rd.ID, Context: rd.Context, SchemaVersion: rd.SchemaVersion}
	raws := rd.EpcisBody.EventList
	switch docType {
	case TypeQueryDocument:
		raws = rd.EpcisBody.QueryResults.ResultsBody.EventList
	case TypeDocument:
	default:
		raws = []json.RawMessage{raw}
		eventsPath = ""
	}
	if len(raws) != len(events) {
		return nil, gongxu.Errorf(gongxu.KindInternal, "epcis: %d raw events for %d parsed", len(raws), len(events))
	}
	if rd.CreationDate != "" {
		ms, err := parseMillis(rd.CreationDate)
		if err != nil {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: /creationDate: %v", err)
		}
		doc.CreationDate = ms
	}
	docCtx := root.get("@context")
	extraCtx := customContext(rd.Context)
	skew := opts.MaxFutureSkew
	if skew <= 0 {
		skew = DefaultMaxFutureSkew
	}
	seen := map[string]int{}
	for i, ev := range events {
		path := fmt.Sprintf("%s/%d", eventsPath, i)
		if eventsPath == "" {
			path = ""
		}
		e, err := decodeEvent(raws[i], path)
		if err != nil {
			return nil, err
		}
		e.HashID = hashID(preHash(ev, docCtx))
		if e.EventID == "" {
			e.EventID, e.IDAssigned = e.HashID, true
		}
		if e.Raw, err = standalone(raws[i], e, extraCtx); err != nil {
			return nil, err
		}
		if !opts.Now.IsZero() {
			if err := CheckTime(time.UnixMilli(e.EventTime), opts.Now, skew); err != nil {
				return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/eventTime: %s", path, gongxu.ErrorMessage(err))
			}
			if e.RecordTime != nil {
				if err := CheckTime(time.UnixMilli(*e.RecordTime), opts.Now, skew); err != nil {
					return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/recordTime: %s", path, gongxu.ErrorMessage(err))
				}
			}
		}
		key := e.EventID
		if e.ErrorDeclaration != nil {
			key += "\x00declaration"
		}
		if j, dup := seen[key]; dup {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/eventID: event %s is also event %d of the document", path, e.EventID, j)
		}
		seen[key] = i
		doc.Events = append(doc.Events, e)
	}
	if err := CheckAggregation(doc.Events); err != nil {
		return nil, err
	}
	return doc, nil
}

// rawEvent is the JSON shape of an event's standard fields.
type rawEvent struct {
	Type                  string `json:"type"`
	EventID               string `json:"eventID"`
	EventTime             string `json:"eventTime"`
	EventTimeZoneOffset   string `json:"eventTimeZoneOffset"`
	RecordTime            string `json:"recordTime"`
	Action                string `json:"action"`
	BizStep               string `json:"bizStep"`
	Disposition           string `json:"disposition"`
	PersistentDisposition *struct {
		Set   []string `json:"set"`
		Unset []string `json:"unset"`
	} `json:"persistentDisposition"`
	ReadPoint *struct {
		ID string `json:"id"`
	} `json:"readPoint"`
	BizLocation *struct {
		ID string `json:"id"`
	} `json:"bizLocation"`
	BizTransactionList []struct {
		Type           string `json:"type"`
		BizTransaction string `json:"bizTransaction"`
	} `json:"bizTransactionList"`
	SourceList []struct {
		Type   string `json:"type"`
		Source string `json:"source"`
	} `json:"sourceList"`
	DestinationList []struct {
		Type        string `json:"type"`
		Destination string `json:"destination"`
	} `json:"destinationList"`
	EPCList            []string        `json:"epcList"`
	QuantityList       []rawQuantity   `json:"quantityList"`
	ParentID           string          `json:"parentID"`
	ChildEPCs          []string        `json:"childEPCs"`
	ChildQuantityList  []rawQuantity   `json:"childQuantityList"`
	InputEPCList       []string        `json:"inputEPCList"`
	InputQuantityList  []rawQuantity   `json:"inputQuantityList"`
	OutputEPCList      []string        `json:"outputEPCList"`
	OutputQuantityList []rawQuantity   `json:"outputQuantityList"`
	TransformationID   string          `json:"transformationID"`
	ILMD               json.RawMessage `json:"ilmd"`
	SensorElementList  json.RawMessage `json:"sensorElementList"`
	ErrorDeclaration   json.RawMessage `json:"errorDeclaration"`
	CertificationInfo  json.RawMessage `json:"certificationInfo"`
	Context            json.RawMessage `json:"@context"`
}

type rawQuantity struct {
	EPCClass string      `json:"epcClass"`
	Quantity json.Number `json:"quantity"`
	UOM      string      `json:"uom"`
}

var standardEventKeys = map[string]bool{
	"@context": true, "type": true, "eventID": true, "eventTime": true, "eventTimeZoneOffset": true, "recordTime": true,
	"action": true, "bizStep": true, "disposition": true, "persistentDisposition": true, "readPoint": true, "bizLocation": true,
	"bizTransactionList": true, "sourceList": true, "destinationList": true, "epcList": true, "quantityList": true,
	"parentID": true, "childEPCs": true, "childQuantityList": true, "inputEPCList": true, "inputQuantityList": true,
	"outputEPCList": true, "outputQuantityList": true, "transformationID": true, "ilmd": true, "sensorElementList": true,
	"errorDeclaration": true, "certificationInfo": true,
}

func decodeEvent(raw json.RawMessage, path string) (Event, error) {
	bad := func(field string, err error) (Event, error) {
		return Event{}, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/%s: %v", path, field, err)
	}
	var re rawEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&re); err != nil {
		return bad("", err)
	}
	e := Event{
		Type:                re.Type,
		EventID:             re.EventID,
		EventTimeZoneOffset: re.EventTimeZoneOffset,
		Action:              re.Action,
		BizStep:             NormalizeVocab(VocabBizStep, re.BizStep),
		Disposition:         NormalizeVocab(VocabDisposition, re.Disposition),
		EPCList:             re.EPCList,
		ParentID:            re.ParentID,
		ChildEPCs:           re.ChildEPCs,
		InputEPCList:        re.InputEPCList,
		OutputEPCList:       re.OutputEPCList,
		TransformationID:    re.TransformationID,
		ILMD:                re.ILMD,
		SensorElementList:   re.SensorElementList,
		QuantityList:        quantities(re.QuantityList),
		ChildQuantityList:   quantities(re.ChildQuantityList),
		InputQuantityList:   quantities(re.InputQuantityList),
		OutputQuantityList:  quantities(re.OutputQuantityList),
	}
	var err error
	if e.EventTime, err = parseMillis(re.EventTime); err != nil {
		return bad("eventTime", err)
	}
	if re.RecordTime != "" {
		rt, err := parseMillis(re.RecordTime)
		if err != nil {
			return bad("recordTime", err)
		}
		e.RecordTime = &rt
	}
	if pd := re.PersistentDisposition; pd != nil {
		e.PersistentDisposition = &PersistentDisposition{}
		for _, s := range pd.Set {
			e.PersistentDisposition.Set = append(e.PersistentDisposition.Set, NormalizeVocab(VocabDisposition, s))
		}
		for _, s := range pd.Unset {
			e.PersistentDisposition.Unset = append(e.PersistentDisposition.Unset, NormalizeVocab(VocabDisposition, s))
		}
	}
	if re.ReadPoint != nil {
		e.ReadPoint = re.ReadPoint.ID
	}
	if re.BizLocation != nil {
		e.BizLocation = re.BizLocation.ID
	}
	for _, bt := range re.BizTransactionList {
		e.BizTransactions = append(e.BizTransactions, BizTransaction{Type: NormalizeVocab(VocabBizTransactionType, bt.Type), ID: bt.BizTransaction})
	}
	for _, s := range re.SourceList {
		e.Sources = append(e.Sources, SourceDest{Type: NormalizeVocab(VocabSourceDestType, s.Type), ID: s.Source})
	}
	for _, d := range re.DestinationList {
		e.Destinations = append(e.Destinations, SourceDest{Type: NormalizeVocab(VocabSourceDestType, d.Type), ID: d.Destination})
	}
	if len(re.CertificationInfo) > 0 {
		var one string
		if json.Unmarshal(re.CertificationInfo, &one) == nil {
			e.CertificationInfo = []string{one}
		} else if err := json.Unmarshal(re.CertificationInfo, &e.CertificationInfo); err != nil {
			return bad("certificationInfo", err)
		}
	}
	if len(re.ErrorDeclaration) > 0 {
		ed, err := decodeErrorDeclaration(re.ErrorDeclaration)
		if err != nil {
			return bad("errorDeclaration", err)
		}
		e.ErrorDeclaration = ed
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return bad("", err)
	}
	for k, v := range all {
		if !standardEventKeys[k] {
			if e.Extensions == nil {
				e.Extensions = map[string]json.RawMessage{}
			}
			e.Extensions[k] = v
		}
	}
	return e, nil
}

func quantities(in []rawQuantity) []Quantity {
	var out []Quantity
	for _, q := range in {
		out = append(out, Quantity{EPCClass: q.EPCClass, Quantity: string(q.Quantity), UOM: q.UOM})
	}
	return out
}

func decodeErrorDeclaration(raw json.RawMessage) (*ErrorDeclaration, error) {
	var r struct {
		DeclarationTime    string   `json:"declarationTime"`
		Reason             string   `json:"reason"`
		CorrectiveEventIDs []string `json:"correctiveEventIDs"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	ms, err := parseMillis(r.DeclarationTime)
	if err != nil {
		return nil, err
	}
	ed := &ErrorDeclaration{DeclarationTime: ms, Reason: NormalizeVocab(VocabErrorReason, r.Reason), CorrectiveEventIDs: r.CorrectiveEventIDs}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	for k, v := range all {
		if k != "declarationTime" && k != "reason" && k != "correctiveEventIDs" {
			if ed.Extensions == nil {
				ed.Extensions = map[string]json.RawMessage{}
			}
			ed.Extensions[k] = v
		}
	}
	return ed, nil
}

// parseMillis reads an RFC 3339 / ISO 8601 date-time as Unix milliseconds,
// rounding finer digits half up as the event hash does.
func parseMillis(s string) (int64, error) {
	t, ok := parseTimestamp(s)
	if !ok {
		return 0, fmt.Errorf("%q is not a date-time with a UTC offset", s)
	}
	micro := int64(t.Nanosecond() / 1000)
	return t.Unix()*1000 + (micro+500)/1000, nil
}

// FormatMillis writes Unix milliseconds as an EPCIS date-time in UTC.
func FormatMillis(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

// customContext returns the entries of a document's @context other than
// the standard EPCIS context, or nil when there are none.
func customContext(ctx json.RawMessage) []json.RawMessage {
	var list []json.RawMessage
	if json.Unmarshal(ctx, &list) != nil {
		list = []json.RawMessage{ctx}
	}
	var out []json.RawMessage
	for _, c := range list {
		var s string
		if json.Unmarshal(c, &s) == nil && isStandardContext(s) {
			continue
		}
		if len(bytes.TrimSpace(c)) == 0 {
			continue
		}
		out = append(out, c)
	}
	return out
}

func isStandardContext(s string) bool {
	return strings.HasPrefix(s, "https://ref.gs1.org/standards/epcis/") && strings.HasSuffix(s, "epcis-context.jsonld")
}

// standalone returns the event's JSON with "eventID" added when it was
// assigned and "@context" (the standard context plus the document's own
// entries) when the document declared namespaces and the event has none.
// Neither changes the event's hash.
func standalone(raw json.RawMessage, e Event, extraCtx []json.RawMessage) (json.RawMessage, error) {
	var add []string
	if e.IDAssigned {
		id, _ := json.Marshal(e.EventID)
		add = append(add, `"eventID":`+string(id))
	}
	if len(extraCtx) > 0 {
		var probe struct {
			Context json.RawMessage `json:"@context"`
		}
		if json.Unmarshal(raw, &probe) == nil && len(probe.Context) == 0 {
			std, _ := json.Marshal(StandardContext)
			parts := []string{string(std)}
			for _, c := range extraCtx {
				var buf bytes.Buffer
				if err := json.Compact(&buf, c); err != nil {
					return nil, gongxu.Wrap(err, "epcis: compacting @context")
				}
				parts = append(parts, buf.String())
			}
			add = append(add, `"@context":[`+strings.Join(parts, ",")+`]`)
		}
	}
	trimmed := bytes.TrimSpace(raw)
	if len(add) == 0 {
		return append(json.RawMessage(nil), trimmed...), nil
	}
	if len(trimmed) < 2 || trimmed[0] != '{' {
		return nil, gongxu.Errorf(gongxu.KindInternal, "epcis: an event is not a JSON object")
	}
	body := bytes.TrimSpace(trimmed[1:])
	out := make([]byte, 0, len(trimmed)+64)
	out = append(out, '{')
	out = append(out, strings.Join(add, ",")...)
	if len(body) > 0 && body[0] != '}' {
		out = append(out, ',')
	}
	out = append(out, body...)
	return out, nil
}

// --- CBV vocabulary -----------------------------------------------------------

// Vocab is a CBV 2.0 standard vocabulary.
type Vocab int

// The CBV vocabularies an event's values come from.
const (
	VocabBizStep Vocab = iota
	VocabDisposition
	VocabBizTransactionType
	VocabSourceDestType
	VocabErrorReason
)

var vocabForms = map[Vocab]struct{ urn, web string }{
	VocabBizStep:            {"urn:epcglobal:cbv:bizstep:", "BizStep-"},
	VocabDisposition:        {"urn:epcglobal:cbv:disp:", "Disp-"},
	VocabBizTransactionType: {"urn:epcglobal:cbv:btt:", "BTT-"},
	VocabSourceDestType:     {"urn:epcglobal:cbv:sdt:", "SDT-"},
	VocabErrorReason:        {"urn:epcglobal:cbv:er:", "ER-"},
}

// NormalizeVocab writes a CBV value the one way used for storage and
// queries, its CBV 2.0 Web URI: "shipping", "urn:epcglobal:cbv:bizstep:shipping",
// "cbv:BizStep-shipping" and "https://ref.gs1.org/cbv/BizStep-shipping" all
// become the last. A value of another vocabulary (a URI of one's own) is
// returned as it is; "" stays "".
func NormalizeVocab(v Vocab, s string) string {
	s = strings.TrimSpace(s)
	f, ok := vocabForms[v]
	if s == "" || !ok {
		return s
	}
	switch {
	case strings.HasPrefix(s, f.urn):
		return cbvWeb + f.web + s[len(f.urn):]
	case strings.HasPrefix(s, "http://ref.gs1.org/cbv/"+f.web):
		return cbvWeb + s[len("http://ref.gs1.org/cbv/"):]
	case strings.HasPrefix(s, "cbv:"+f.web):
		return cbvWeb + s[len("cbv:"):]
	case !strings.Contains(s, ":"):
		return cbvWeb + f.web + s
	}
	return s
}

// ShortVocab returns the bare CBV name of a value of vocabulary v in any of
// its forms ("shipping"), and false when it is not a CBV value.
func ShortVocab(v Vocab, s string) (string, bool) {
	n := NormalizeVocab(v, s)
	prefix := cbvWeb + vocabForms[v].web
	if strings.HasPrefix(n, prefix) && len(n) > len(prefix) {
		return n[len(prefix):], true
	}
	return "", false
}
