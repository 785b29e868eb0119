package httpapi

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// The handlers of traceability in gongxu's own JSON: events with their
// anchors and Merkle proofs, the trace walks, recalls. The GS1 REST binding
// of the same events is in epcis.go.

// Trace walk depths: ?depth= of /v1/trace/back and /v1/trace/forward.
const (
	defaultTraceDepth = 10
	maxTraceDepth     = 50
)

// Pages of events: ?limit= of /v1/trace/events, ?perPage= of /epcis/events.
const (
	defaultTraceLimit = 100
	defaultPerPage    = 30 // GS1's default
	maxTracePage      = 1000
)

// traceQueryParams are the EPCIS query parameters both event listings
// take (each a list: repeated, or values separated by '|').
var traceQueryParams = []string{
	"eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_bizStep", "EQ_disposition",
	"EQ_readPoint", "EQ_bizLocation", "MATCH_epc", "MATCH_anyEPCClass", "EQ_eventID",
}

// queryList reads every value of a list parameter: repeated, or
// pipe-delimited as GS1's binding writes arrays.
func queryList(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for _, s := range strings.Split(v, "|") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// queryTime reads a time parameter: an RFC 3339 date-time (a '+' of its
// offset may arrive as a space) or unix milliseconds; 0 when absent.
func queryTime(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return 0, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
		return ms, nil
	}
	if i := strings.LastIndex(v, " "); i > 0 {
		v = v[:i] + "+" + v[i+1:]
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil || t.UnixMilli() <= 0 {
		return 0, gongxu.Errorf(gongxu.KindInvalid, "%s %q must be a date-time (2006-01-02T15:04:05.000Z, with an offset or Z) after 1970, or unix milliseconds",
			name, clip(r.URL.Query().Get(name)))
	}
	return t.UnixMilli(), nil
}

// queryInt reads an integer parameter from lo to hi, def when absent.
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, gongxu.Errorf(gongxu.KindInvalid, "%s must be an integer from %d to %d, got %q", name, lo, hi, clip(v))
	}
	return n, nil
}

// parseTraceQuery reads the EPCIS query parameters and those in extra;
// any other parameter is an error, so a mistyped filter never widens a
// query silently.
func parseTraceQuery(r *http.Request, extra ...string) (gongxu.TraceQuery, error) {
	var q gongxu.TraceQuery
	known := map[string]bool{}
	for _, p := range append(traceQueryParams, extra...) {
		known[p] = true
	}
	for name := range r.URL.Query() {
		if !known[name] {
			return q, gongxu.Errorf(gongxu.KindInvalid, "unknown query parameter %q: this node takes %s", clip(name),
				strings.Join(append(traceQueryParams, extra...), ", "))
		}
	}
	var err error
	for _, t := range []struct {
		name string
		dst  *int64
	}{{"GE_eventTime", &q.GEEventTime}, {"LT_eventTime", &q.LTEventTime}, {"GE_recordTime", &q.GERecordTime}, {"LT_recordTime", &q.LTRecordTime}} {
		if *t.dst, err = queryTime(r, t.name); err != nil {
			return q, err
		}
	}
	q.EventTypes = queryList(r, "eventType")
	q.BizSteps = queryList(r, "EQ_bizStep")
	q.Dispositions = queryList(r, "EQ_disposition")
	q.ReadPoints = queryList(r, "EQ_readPoint")
	q.BizLocations = queryList(r, "EQ_bizLocation")
	q.EPCs = queryList(r, "MATCH_epc")
	q.EPCClasses = queryList(r, "MATCH_anyEPCClass")
	q.EventIDs = queryList(r, "EQ_eventID")
	for _, o := range queryList(r, "org") {
		id := gongxu.OrgID(o)
		if err := id.Validate(); err != nil {
			return q, errOrgID("org", o)
		}
		q.Orgs = append(q.Orgs, id)
	}
	return q, nil
}

// traceEvents serves GET /v1/trace/events: the events matching the EPCIS
// filters, with their anchors, in ledger order after ?after=.
func (s *server) traceEvents(w http.ResponseWriter, r *http.Request) error {
	if s.trace == nil {
		return errNoService("trace events")
	}
	q, err := parseTraceQuery(r, "org", "after", "limit")
	if err != nil {
		return err
	}
	if q.Limit, err = queryInt(r, "limit", defaultTraceLimit, 1, maxTracePage); err != nil {
		return err
	}
	if v := r.URL.Query().Get("after"); v != "" {
		if q.After, err = strconv.ParseUint(v, 10, 64); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "after must be a ledger sequence (a non-negative integer), got %q", clip(v))
		}
	}
	evs, err := s.trace.TraceEvents(r.Context(), q)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(evs, same))
	return nil
}

// traceEventProof is an event with what proves it: its batch record and
// the Merkle proof of its leaf (gongxu.VerifyTraceEvent).
type traceEventProof struct {
	Event gongxu.TraceEvent `json:"event"`
	Batch gongxu.TraceBatch `json:"batch"`
	Proof []string          `json:"proof"`
}

// traceEvent serves GET /v1/trace/events/{id}: an event (not its error
// declaration) with its batch and proof. The id is percent-encoded.
func (s *server) traceEvent(w http.ResponseWriter, r *http.Request) error {
	if s.trace == nil {
		return errNoService("trace events")
	}
	id := r.PathValue("id")
	e, err := s.trace.Event(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := s.trace.Batch(r.Context(), e.Anchor.Tx)
	if err != nil {
		return err
	}
	proof, err := b.Proof(e.Anchor.Index)
	if err != nil {
		return gongxu.Wrap(err, "the proof of event %s", id)
	}
	if b.Leaves == nil {
		b.Leaves = []string{}
	}
	writeJSON(w, s.log, http.StatusOK, traceEventProof{Event: e, Batch: b, Proof: proof})
	return nil
}

// traceBatch serves GET /v1/trace/batches/{tx}: the batch a transaction
// anchored.
func (s *server) traceBatch(w http.ResponseWriter, r *http.Request) error {
	if s.trace == nil {
		return errNoService("trace batches")
	}
	tx := r.PathValue("tx")
	if b, err := hex.DecodeString(tx); err != nil || len(b) != 32 {
		return gongxu.Errorf(gongxu.KindInvalid, "transaction hash %q must be 64 hex characters", clip(tx))
	}
	b, err := s.trace.Batch(r.Context(), tx)
	if err != nil {
		return err
	}
	b.Leaves = normList(b.Leaves, same)
	writeJSON(w, s.log, http.StatusOK, b)
	return nil
}

func (s *server) traceBack(w http.ResponseWriter, r *http.Request) error {
	return s.traceWalk(w, r, false)
}

func (s *server) traceForward(w http.ResponseWriter, r *http.Request) error {
	return s.traceWalk(w, r, true)
}

// traceWalk serves GET /v1/trace/back/{id...} and /v1/trace/forward/{id...}:
// the identifier is the rest of the path (a lot id's slashes may stay; a
// URI's must be escaped, "https://…" as "https:%2F%2F…").
func (s *server) traceWalk(w http.ResponseWriter, r *http.Request, fwd bool) error {
	if s.trace == nil {
		return errNoService("traces")
	}
	depth, err := queryInt(r, "depth", defaultTraceDepth, 1, maxTraceDepth)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	// An unescaped URI's "//" is cleaned to "/" by the mux's redirect:
	// put it back.
	for _, scheme := range []string{"https:/", "http:/"} {
		if strings.HasPrefix(id, scheme) && !strings.HasPrefix(id, scheme+"/") {
			id = scheme + "/" + id[len(scheme):]
		}
	}
	var g gongxu.TraceGraph
	if fwd {
		g, err = s.trace.Forward(r.Context(), id, depth)
	} else {
		g, err = s.trace.Back(r.Context(), id, depth)
	}
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normGraph(g))
	return nil
}

// recalls serves GET /v1/recalls: newest first, those reaching ?hub='s
// pools when it is given.
func (s *server) recalls(w http.ResponseWriter, r *http.Request) error {
	if s.trace == nil {
		return errNoService("recalls")
	}
	hub, err := queryOrg(r, "hub")
	if err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	rs, err := s.trace.Recalls(r.Context(), hub, limit)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(rs, same))
	return nil
}

// recall serves GET /v1/recalls/{id}: a recall and what it reaches.
func (s *server) recall(w http.ResponseWriter, r *http.Request) error {
	if s.trace == nil {
		return errNoService("recalls")
	}
	id, err := pathID(r, "recall")
	if err != nil {
		return err
	}
	im, err := s.trace.Recall(r.Context(), id)
	if err != nil {
		return err
	}
	im.Trace = normGraph(im.Trace)
	im.Hubs = normList(im.Hubs, normHubShare)
	writeJSON(w, s.log, http.StatusOK, im)
	return nil
}

func normHubShare(h gongxu.TraceHubShare) gongxu.TraceHubShare {
	h.Batches = normList(h.Batches, same)
	return h
}

func normGraph(g gongxu.TraceGraph) gongxu.TraceGraph {
	g.Nodes = normList(g.Nodes, same)
	g.Steps = normList(g.Steps, func(st gongxu.TraceStep) gongxu.TraceStep {
		st.From = normList(st.From, same)
		st.To = normList(st.To, same)
		return st
	})
	g.Pools = normList(g.Pools, func(p gongxu.TracePool) gongxu.TracePool {
		p.Lots = normList(p.Lots, same)
		p.Hubs = normList(p.Hubs, normHubShare)
		return p
	})
	return g
}
