package epcis

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

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
	// MaxEvents is the most events a document may hold (DefaultMaxEvents
	// when 0).
	MaxEvents int
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

	eventsPath string // the JSON pointer of the event list; "" for a single event
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
	coef = strings.TrimLeft(coef, "0")
	if coef == "" {
		return 0, true
	}
	if len(coef)+exp > 19 {
		return 0, false // beyond int64, without writing out "1e999999999"
	}
	v, err := strconv.ParseInt(coef+strings.Repeat("0", exp), 10, 64)
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
// EPCISDocument, an EPCISQueryDocument or a single event. In order:
//
//   - the size limit (KindTooLarge);
//   - JSON syntax, valid UTF-8, one meaning (no object with two keys equal
//     after unescaping or case folding, also as gongxu.CheckJSON judges the
//     document without its whitespace) and the shape limits of ojson.go
//     (MaxDepth, MaxMembers, MaxObjectKeys, …: KindTooLarge);
//   - EPCIS field names are case-sensitive: a member written like a field in
//     other case ("EventTime", "EVENTLIST") is refused, not ignored;
//   - unknown event types, the number of events (opts.MaxEvents) and of
//     identifiers per event (MaxIdentifiers);
//   - the GS1 schema (with the failing JSON pointer), which reads the very
//     members the parser read;
//   - what the schema cannot see: times, future events (when opts.Now is
//     set), the same eventID twice, and cycles in aggregation.
//
// Every event gets its CBV 2.0 hash (HashID), which is its EventID when it
// has none. Errors are KindInvalid unless said otherwise; every check is
// linear in the document, so a refusal costs no more than an acceptance.
func ParseDocument(raw []byte, opts ParseOptions) (*Document, error) {
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if len(raw) > maxBytes {
		return nil, gongxu.Errorf(gongxu.KindTooLarge, "epcis: the document is %d bytes, over the limit of %d", len(raw), maxBytes)
	}
	root, err := parseJV(raw, docLimits)
	if err != nil {
		return nil, err
	}
	if err := checkOneMeaning(raw, docLimits); err != nil {
		return nil, err
	}
	if root.kind != 'o' {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: the document must be a JSON object")
	}
	if err := checkCase(root, "", typeField); err != nil {
		return nil, err
	}
	docType := ""
	if t := root.get("type"); t != nil && t.kind == 's' {
		docType = t.str
	}
	var events []*jv
	var eventsPath string
	switch {
	case docType == TypeDocument:
		body := root.get("epcisBody")
		err = firstError(checkCase(root, "", documentFields), checkCase(body, "/epcisBody", documentBodyFields))
		events, eventsPath = body.get("eventList").list(), "/epcisBody/eventList"
	case docType == TypeQueryDocument:
		body := root.get("epcisBody")
		results := body.get("queryResults")
		resultsBody := results.get("resultsBody")
		err = firstError(checkCase(root, "", documentFields), checkCase(body, "/epcisBody", queryBodyFields),
			checkCase(results, "/epcisBody/queryResults", queryResultsFields),
			checkCase(resultsBody, "/epcisBody/queryResults/resultsBody", resultsBodyFields))
		events, eventsPath = resultsBody.get("eventList").list(), "/epcisBody/queryResults/resultsBody/eventList"
	case knownEventType(docType):
		events = []*jv{root}
	default:
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: /type: %q is neither an EPCIS document type (%s, %s) nor an event type (%s)",
			docType, TypeDocument, TypeQueryDocument, eventTypeList)
	}
	if err != nil {
		return nil, err
	}
	maxEvents := opts.MaxEvents
	if maxEvents <= 0 {
		maxEvents = DefaultMaxEvents
	}
	if len(events) > maxEvents {
		return nil, gongxu.Errorf(gongxu.KindTooLarge, "epcis: %s: the document holds %d events, the limit is %d per transaction",
			cmp.Or(eventsPath, "/"), len(events), maxEvents)
	}
	for i, ev := range events {
		if ev.kind != 'o' {
			continue // the schema says what is wrong
		}
		path := eventPath(eventsPath, i)
		if t := ev.get("type"); t != nil && t.kind == 's' && !knownEventType(t.str) {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/type: unknown event type %q (want %s)", path, t.str, eventTypeList)
		}
		if err := checkEventCase(ev, path); err != nil {
			return nil, err
		}
		n := 0
		for _, k := range identifierLists {
			if l := ev.get(k); l != nil && l.kind == 'a' {
				n += len(l.items)
			}
		}
		if n > MaxIdentifiers {
			return nil, gongxu.Errorf(gongxu.KindTooLarge, "epcis: %s: the event names %d identifiers (EPCs and quantity elements), the limit is %d",
				cmp.Or(path, "/"), n, MaxIdentifiers)
		}
	}
	if err := validateJV(root); err != nil {
		return nil, err
	}
	return decodeDocument(raw, root, docType, events, eventsPath, opts)
}

// eventPath is the JSON pointer of event i of the list at eventsPath; a
// document that is a single event is the root, "".
func eventPath(eventsPath string, i int) string {
	if eventsPath == "" {
		return ""
	}
	return eventsPath + "/" + strconv.Itoa(i)
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkOneMeaning applies the ledger's own rule for signed bodies,
// gongxu.CheckJSON, to the document without its whitespace: what the
// parser accepts, the chain accepts. The parser refuses all of it first,
// with a JSON pointer; this is the second line.
//
// raw has been parsed (parseJV) before, so its whitespace is dropped in one
// pass without encoding/json's scanner (issue 17); CheckJSON still reads
// every byte of what is left.
func checkOneMeaning(raw []byte, lim limits) error {
	compact, ok := dropSpace(raw)
	if !ok {
		var buf bytes.Buffer
		buf.Grow(len(raw))
		if err := json.Compact(&buf, raw); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "epcis: the document is not valid JSON: %v", err)
		}
		compact = buf.Bytes()
	}
	err := gongxu.CheckJSON(compact, gongxu.JSONLimits{MaxDepth: lim.depth, MaxMembers: lim.members, MaxKeyLen: lim.keyBytes})
	if err != nil {
		return gongxu.Errorf(gongxu.ErrorKind(err), "epcis: %s (bytes counted without whitespace)", gongxu.ErrorMessage(err))
	}
	return nil
}

// dropSpace is json.Compact of raw, valid JSON: raw without the
// whitespace outside strings (raw itself when it has none). ok is false
// when raw ends inside a string; json.Compact then judges it.
func dropSpace(raw []byte) ([]byte, bool) {
	var out []byte
	inStr := false
	start := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case ' ', '\t', '\n', '\r':
			if out == nil {
				out = make([]byte, 0, len(raw))
			}
			out = append(out, raw[start:i]...)
			start = i + 1
		}
	}
	if inStr {
		return nil, false
	}
	if out == nil {
		return raw, true
	}
	return append(out, raw[start:]...), true
}

var eventTypeList = strings.Join([]string{ObjectEvent, AggregationEvent, TransformationEvent, TransactionEvent, AssociationEvent}, ", ")

// The member names of the EPCIS objects this package reads.
var (
	typeField          = fields("type")
	documentFields     = fields("@context", "id", "type", "schemaVersion", "creationDate", "instanceIdentifier", "sender", "receiver", "epcisHeader", "epcisBody")
	documentBodyFields = fields("eventList")
	queryBodyFields    = fields("queryResults")
	queryResultsFields = fields("queryName", "subscriptionID", "resultsBody")
	resultsBodyFields  = fields("eventList", "vocabularyList")
	eventFields        = fields(standardEventKeyList...)
	dispositionFields  = fields("set", "unset")
	idFields           = fields("id")
	bizTxFields        = fields("type", "bizTransaction")
	sourceFields       = fields("type", "source")
	destinationFields  = fields("type", "destination")
	quantityFields     = fields("epcClass", "quantity", "uom")
	declarationFields  = fields("declarationTime", "reason", "correctiveEventIDs")
	sensorFields       = fields("sensorMetadata", "sensorReport")
	sensorMetaFields   = fields(ordNames(sensorOrder, "sensorMetadata")...)
	sensorReportFields = fields(ordNames(sensorOrder, "sensorReport")...)
)

// identifierLists are the members of an event that list identifiers.
var identifierLists = []string{"epcList", "childEPCs", "inputEPCList", "outputEPCList",
	"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}

var standardEventKeyList = []string{
	"@context", "type", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime",
	"action", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
	"bizTransactionList", "sourceList", "destinationList", "epcList", "quantityList",
	"parentID", "childEPCs", "childQuantityList", "inputEPCList", "inputQuantityList",
	"outputEPCList", "outputQuantityList", "transformationID", "ilmd", "sensorElementList",
	"errorDeclaration", "certificationInfo",
}

// checkEventCase refuses, in an event and in the standard objects it holds,
// a member written like an EPCIS field in other case (checkCase).
func checkEventCase(ev *jv, path string) error {
	if err := checkCase(ev, path, eventFields); err != nil {
		return err
	}
	sub := func(v *jv, at string, fs fieldSet) error {
		for i, o := range v.list() {
			p := at
			if v.kind == 'a' {
				p += "/" + strconv.Itoa(i)
			}
			if err := checkCase(o, p, fs); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range []struct {
		key string
		fs  fieldSet
	}{
		{"persistentDisposition", dispositionFields}, {"readPoint", idFields}, {"bizLocation", idFields},
		{"bizTransactionList", bizTxFields}, {"sourceList", sourceFields}, {"destinationList", destinationFields},
		{"quantityList", quantityFields}, {"childQuantityList", quantityFields}, {"inputQuantityList", quantityFields},
		{"outputQuantityList", quantityFields}, {"errorDeclaration", declarationFields}, {"sensorElementList", sensorFields},
	} {
		if v := ev.get(c.key); v != nil {
			if err := sub(v, path+"/"+c.key, c.fs); err != nil {
				return err
			}
		}
	}
	for i, se := range ev.get("sensorElementList").list() {
		at := path + "/sensorElementList/" + strconv.Itoa(i)
		if err := firstError(sub(se.get("sensorMetadata"), at+"/sensorMetadata", sensorMetaFields),
			sub(se.get("sensorReport"), at+"/sensorReport", sensorReportFields)); err != nil {
			return err
		}
	}
	return nil
}

func decodeDocument(raw []byte, root *jv, docType string, events []*jv, eventsPath string, opts ParseOptions) (*Document, error) {
	r := &reader{}
	doc := &Document{Type: docType, ID: r.str(root, "", "id"), SchemaVersion: r.str(root, "", "schemaVersion")}
	ctx := root.get("@context")
	if ctx != nil {
		doc.Context = ctx.raw(raw)
	}
	creationDate := r.str(root, "", "creationDate")
	if r.err != nil {
		return nil, r.err
	}
	if creationDate != "" {
		ms, err := parseMillis(creationDate)
		if err != nil {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: /creationDate: %v", err)
		}
		doc.CreationDate = ms
	}
	extraCtx := customContext(ctx, raw)
	skew := opts.MaxFutureSkew
	if skew <= 0 {
		skew = DefaultMaxFutureSkew
	}
	seen := make(map[string]int, len(events))
	if len(events) > 0 {
		doc.Events = make([]Event, 0, len(events)) // nil without events, as before
	}
	for i, ev := range events {
		path := eventPath(eventsPath, i)
		if ev.kind != 'o' {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s: an event must be a JSON object", cmp.Or(path, "/"))
		}
		e, err := decodeEvent(ev, raw, path)
		if err != nil {
			return nil, err
		}
		e.HashID = hashID(preHash(ev, ctx))
		if e.EventID == "" {
			e.EventID, e.IDAssigned = e.HashID, true
		}
		if e.Raw, err = standalone(ev, raw, e, extraCtx); err != nil {
			return nil, err
		}
		if !opts.Now.IsZero() {
			if err := checkEventTimes(path, e.EventTime, e.RecordTime, opts.Now, skew); err != nil {
				return nil, err
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
	doc.eventsPath = eventsPath
	return doc, nil
}

// checkEventTimes is ParseDocument's check of one event's times against
// now (CheckTime), with its errors.
func checkEventTimes(path string, eventTime int64, recordTime *int64, now time.Time, skew time.Duration) error {
	if err := CheckTime(time.UnixMilli(eventTime), now, skew); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/eventTime: %s", path, gongxu.ErrorMessage(err))
	}
	if recordTime != nil {
		if err := CheckTime(time.UnixMilli(*recordTime), now, skew); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/recordTime: %s", path, gongxu.ErrorMessage(err))
		}
	}
	return nil
}

// Times is what ParseDocument's time check reads of a parsed document: its
// events' eventTime and recordTime, and where they are. A caller that
// keeps a parsed document (a parse cache) checks it against another now
// with Check instead of parsing it again.
type Times struct {
	eventsPath string
	event      []int64
	record     []*int64
}

// Times returns the times of the document's events, for Times.Check.
func (d *Document) Times() Times {
	t := Times{eventsPath: d.eventsPath, event: make([]int64, len(d.Events)), record: make([]*int64, len(d.Events))}
	for i := range d.Events {
		t.event[i] = d.Events[i].EventTime
		if r := d.Events[i].RecordTime; r != nil {
			v := *r
			t.record[i] = &v
		}
	}
	return t
}

// Check applies ParseDocument's time check to the events against now, in
// document order, with ParseDocument's errors (maxSkew 0 is
// DefaultMaxFutureSkew; the zero now checks nothing, as in ParseOptions).
// For a document that ParseDocument accepted with some other Now, the
// document parsed with ParseOptions{Now: now} gives this error, or the same
// document when it is nil: every other check does not depend on Now.
func (t Times) Check(now time.Time, maxSkew time.Duration) error {
	if now.IsZero() {
		return nil
	}
	if maxSkew <= 0 {
		maxSkew = DefaultMaxFutureSkew
	}
	for i := range t.event {
		if err := checkEventTimes(eventPath(t.eventsPath, i), t.event[i], t.record[i], now, maxSkew); err != nil {
			return err
		}
	}
	return nil
}

var standardEventKeys = eventFields.exact

// reader reads typed members out of parsed JSON; the first member of
// another type than the field's is its error (KindInvalid, with the JSON
// pointer). The schema has checked the types before, so this is a second
// line, not the one that speaks.
type reader struct{ err error }

func (r *reader) fail(path, key string, i int, want string) {
	if r.err == nil {
		at := path + "/" + escapePointer(key)
		if i >= 0 {
			at += "/" + strconv.Itoa(i)
		}
		r.err = gongxu.Errorf(gongxu.KindInvalid, "epcis: %s: want %s", at, want)
	}
}

// str reads a string member; absent or null is "".
func (r *reader) str(obj *jv, path, key string) string {
	v := obj.get(key)
	switch {
	case v == nil || v.kind == 'z':
		return ""
	case v.kind == 's':
		return v.str
	}
	r.fail(path, key, -1, "a string")
	return ""
}

// strs reads an array of strings; absent or null is nil, [] is empty.
func (r *reader) strs(obj *jv, path, key string) []string {
	v := obj.get(key)
	switch {
	case v == nil || v.kind == 'z':
		return nil
	case v.kind != 'a':
		r.fail(path, key, -1, "an array of strings")
		return nil
	}
	out := make([]string, len(v.items))
	for i, it := range v.items {
		switch it.kind {
		case 's':
			out[i] = it.str
		case 'z':
		default:
			r.fail(path, key, i, "a string")
		}
	}
	return out
}

// obj reads an object member; absent or null is nil.
func (r *reader) obj(obj *jv, path, key string) *jv {
	v := obj.get(key)
	switch {
	case v == nil || v.kind == 'z':
		return nil
	case v.kind != 'o':
		r.fail(path, key, -1, "an object")
		return nil
	}
	return v
}

// objs reads an array of objects; a null item is a nil (empty) object.
func (r *reader) objs(obj *jv, path, key string) []*jv {
	v := obj.get(key)
	switch {
	case v == nil || v.kind == 'z':
		return nil
	case v.kind != 'a':
		r.fail(path, key, -1, "an array of objects")
		return nil
	}
	out := make([]*jv, len(v.items))
	for i, it := range v.items {
		switch it.kind {
		case 'o':
			out[i] = it
		case 'z':
		default:
			r.fail(path, key, i, "an object")
		}
	}
	return out
}

func (r *reader) quantities(obj *jv, path, key string) []Quantity {
	var out []Quantity
	for i, q := range r.objs(obj, path, key) {
		at := path + "/" + key + "/" + strconv.Itoa(i)
		qe := Quantity{EPCClass: r.str(q, at, "epcClass"), UOM: r.str(q, at, "uom")}
		switch v := q.get("quantity"); {
		case v == nil || v.kind == 'z':
		case v.kind == 'n':
			qe.Quantity = v.str
		default:
			r.fail(at, "quantity", -1, "a number")
		}
		out = append(out, qe)
	}
	return out
}

func decodeEvent(ev *jv, src []byte, path string) (Event, error) {
	r := &reader{}
	e := Event{
		Type:                r.str(ev, path, "type"),
		EventID:             r.str(ev, path, "eventID"),
		EventTimeZoneOffset: r.str(ev, path, "eventTimeZoneOffset"),
		Action:              r.str(ev, path, "action"),
		BizStep:             NormalizeVocab(VocabBizStep, r.str(ev, path, "bizStep")),
		Disposition:         NormalizeVocab(VocabDisposition, r.str(ev, path, "disposition")),
		EPCList:             r.strs(ev, path, "epcList"),
		ParentID:            r.str(ev, path, "parentID"),
		ChildEPCs:           r.strs(ev, path, "childEPCs"),
		InputEPCList:        r.strs(ev, path, "inputEPCList"),
		OutputEPCList:       r.strs(ev, path, "outputEPCList"),
		TransformationID:    r.str(ev, path, "transformationID"),
		QuantityList:        r.quantities(ev, path, "quantityList"),
		ChildQuantityList:   r.quantities(ev, path, "childQuantityList"),
		InputQuantityList:   r.quantities(ev, path, "inputQuantityList"),
		OutputQuantityList:  r.quantities(ev, path, "outputQuantityList"),
	}
	if v := ev.get("ilmd"); v != nil {
		e.ILMD = v.raw(src)
	}
	if v := ev.get("sensorElementList"); v != nil {
		e.SensorElementList = v.raw(src)
	}
	eventTime, recordTime := r.str(ev, path, "eventTime"), r.str(ev, path, "recordTime")
	if pd := r.obj(ev, path, "persistentDisposition"); pd != nil {
		e.PersistentDisposition = &PersistentDisposition{}
		at := path + "/persistentDisposition"
		for _, s := range r.strs(pd, at, "set") {
			e.PersistentDisposition.Set = append(e.PersistentDisposition.Set, NormalizeVocab(VocabDisposition, s))
		}
		for _, s := range r.strs(pd, at, "unset") {
			e.PersistentDisposition.Unset = append(e.PersistentDisposition.Unset, NormalizeVocab(VocabDisposition, s))
		}
	}
	if rp := r.obj(ev, path, "readPoint"); rp != nil {
		e.ReadPoint = r.str(rp, path+"/readPoint", "id")
	}
	if bl := r.obj(ev, path, "bizLocation"); bl != nil {
		e.BizLocation = r.str(bl, path+"/bizLocation", "id")
	}
	for i, bt := range r.objs(ev, path, "bizTransactionList") {
		at := path + "/bizTransactionList/" + strconv.Itoa(i)
		e.BizTransactions = append(e.BizTransactions, BizTransaction{Type: NormalizeVocab(VocabBizTransactionType, r.str(bt, at, "type")), ID: r.str(bt, at, "bizTransaction")})
	}
	for i, s := range r.objs(ev, path, "sourceList") {
		at := path + "/sourceList/" + strconv.Itoa(i)
		e.Sources = append(e.Sources, SourceDest{Type: NormalizeVocab(VocabSourceDestType, r.str(s, at, "type")), ID: r.str(s, at, "source")})
	}
	for i, d := range r.objs(ev, path, "destinationList") {
		at := path + "/destinationList/" + strconv.Itoa(i)
		e.Destinations = append(e.Destinations, SourceDest{Type: NormalizeVocab(VocabSourceDestType, r.str(d, at, "type")), ID: r.str(d, at, "destination")})
	}
	switch ci := ev.get("certificationInfo"); {
	case ci == nil:
	case ci.kind == 's':
		e.CertificationInfo = []string{ci.str}
	case ci.kind == 'z':
		e.CertificationInfo = []string{""}
	default:
		e.CertificationInfo = r.strs(ev, path, "certificationInfo")
	}
	if r.err != nil {
		return Event{}, r.err
	}
	bad := func(field string, err error) (Event, error) {
		return Event{}, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s/%s: %v", path, field, err)
	}
	var err error
	if e.EventTime, err = parseMillis(eventTime); err != nil {
		return bad("eventTime", err)
	}
	if recordTime != "" {
		rt, err := parseMillis(recordTime)
		if err != nil {
			return bad("recordTime", err)
		}
		e.RecordTime = &rt
	}
	if v := ev.get("errorDeclaration"); v != nil {
		if e.ErrorDeclaration, err = decodeErrorDeclaration(v, src, path+"/errorDeclaration"); err != nil {
			return Event{}, err
		}
	}
	for i, k := range ev.keys {
		if !standardEventKeys[k] {
			if e.Extensions == nil {
				e.Extensions = map[string]json.RawMessage{}
			}
			e.Extensions[k] = ev.vals[i].raw(src)
		}
	}
	return e, nil
}

func decodeErrorDeclaration(v *jv, src []byte, path string) (*ErrorDeclaration, error) {
	if v.kind != 'o' && v.kind != 'z' {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s: want an object", path)
	}
	r := &reader{}
	when := r.str(v, path, "declarationTime")
	ed := &ErrorDeclaration{Reason: NormalizeVocab(VocabErrorReason, r.str(v, path, "reason")), CorrectiveEventIDs: r.strs(v, path, "correctiveEventIDs")}
	if r.err != nil {
		return nil, r.err
	}
	ms, err := parseMillis(when)
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: %s: %v", path, err)
	}
	ed.DeclarationTime = ms
	for i, k := range v.keys {
		if !declarationFields.exact[k] {
			if ed.Extensions == nil {
				ed.Extensions = map[string]json.RawMessage{}
			}
			ed.Extensions[k] = v.vals[i].raw(src)
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

// customContext returns, as written, the entries of a document's @context
// other than the standard EPCIS context, or nil when there are none.
func customContext(ctx *jv, src []byte) []json.RawMessage {
	var list []*jv
	switch {
	case ctx == nil || ctx.kind == 'z':
		return nil
	case ctx.kind == 'a':
		list = ctx.items
	default:
		list = []*jv{ctx}
	}
	var out []json.RawMessage
	for _, c := range list {
		if c.kind == 's' && isStandardContext(c.str) {
			continue
		}
		out = append(out, c.raw(src))
	}
	return out
}

func isStandardContext(s string) bool {
	return strings.HasPrefix(s, "https://ref.gs1.org/standards/epcis/") && strings.HasSuffix(s, "epcis-context.jsonld")
}

// standalone returns the event's JSON, as written in src, with "eventID"
// added when it was assigned and "@context" (the standard context plus the
// document's own entries) when the document declared namespaces and the
// event has none. Neither changes the event's hash.
func standalone(ev *jv, src []byte, e Event, extraCtx []json.RawMessage) (json.RawMessage, error) {
	var add []string
	if e.IDAssigned {
		id, _ := json.Marshal(e.EventID)
		add = append(add, `"eventID":`+string(id))
	}
	if len(extraCtx) > 0 && !ev.has("@context") {
		std, _ := json.Marshal(StandardContext)
		parts := []string{string(std)}
		for _, c := range extraCtx {
			var buf bytes.Buffer
			if err := json.Compact(&buf, c); err != nil {
				return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: compacting @context: %v", err)
			}
			parts = append(parts, buf.String())
		}
		add = append(add, `"@context":[`+strings.Join(parts, ",")+`]`)
	}
	written := src[ev.start:ev.end]
	if len(add) == 0 {
		return append(json.RawMessage(nil), written...), nil
	}
	body := bytes.TrimSpace(written[1:])
	n := len(written) + len(add)
	for _, a := range add {
		n += len(a)
	}
	out := make([]byte, 0, n)
	out = append(out, '{')
	for i, a := range add {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, a...)
	}
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
