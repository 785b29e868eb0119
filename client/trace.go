package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// Traceability: events with their anchors and proofs, trace walks, recalls,
// and the capture of EPCIS documents.

var _ gongxu.TraceService = (*Client)(nil)

// TraceProof is an event with its batch and the Merkle proof of its leaf,
// as GET /v1/trace/events/{id} answers.
type TraceProof struct {
	Event gongxu.TraceEvent `json:"event"`
	Batch gongxu.TraceBatch `json:"batch"`
	Proof []string          `json:"proof"`
}

// Verify checks that the event is the leaf its anchor names under the
// batch's root, and that the anchor names this batch. It trusts the batch
// record: compare it with a node you trust, or with the block itself.
// Errors: KindInvalid.
func (p TraceProof) Verify() error {
	a, b := p.Event.Anchor, p.Batch
	if !strings.EqualFold(a.Tx, b.Tx) || a.Height != b.Height || a.Root != b.Root || a.Count != b.Count {
		return gongxu.Errorf(gongxu.KindInvalid, "event %s is anchored in tx %s at height %d under %s (%d events), the batch is tx %s at height %d under %s (%d)",
			p.Event.ID, a.Tx, a.Height, a.Root, a.Count, b.Tx, b.Height, b.Root, b.Count)
	}
	return gongxu.VerifyTraceEvent(&p.Event, p.Proof)
}

// CaptureJob is the outcome of a capture, as GS1's binding names it; its
// CaptureID is the hash of the capture transaction.
type CaptureJob struct {
	CaptureID     string         `json:"captureID"`
	CreatedAt     string         `json:"createdAt,omitempty"`
	FinishedAt    string         `json:"finishedAt,omitempty"`
	Running       bool           `json:"running"`
	Success       bool           `json:"success"`
	ErrorBehavior string         `json:"captureErrorBehaviour"`
	Errors        []CaptureError `json:"errors"`
}

// CaptureError is an error of a capture job (an RFC 7807 problem).
type CaptureError struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
}

// Capture sends an EPCIS 2.0 document (an EPCISDocument, an
// EPCISQueryDocument or one event, as JSON) to POST /epcis/capture: the
// node's operator org signs it into a trace/capture transaction, and the
// job comes back once that is committed. A rejection is an error with the
// ledger's kind and message (KindInvalid, KindUnauthorized, KindConflict,
// KindTooLarge). It makes the node sign, so it needs the node's API token
// (WithToken); without a valid one the error is KindUnauthenticated.
func (c *Client) Capture(ctx context.Context, doc []byte) (CaptureJob, error) {
	var job CaptureJob
	err := c.doSigning(ctx, http.MethodPost, "/epcis/capture", nil, doc, "application/ld+json", &job)
	return job, err
}

// CaptureJob returns the job of a capture transaction (its hash).
func (c *Client) CaptureJob(ctx context.Context, id string) (CaptureJob, error) {
	var job CaptureJob
	err := c.do(ctx, http.MethodGet, "/epcis/capture/"+url.PathEscape(id), nil, nil, "", &job)
	return job, err
}

// traceQueryValues writes q as the query parameters of GET
// /v1/trace/events: lists pipe-delimited, times in unix milliseconds.
func traceQueryValues(q gongxu.TraceQuery) url.Values {
	v := url.Values{}
	list := func(name string, vals []string) {
		if len(vals) > 0 {
			v.Set(name, strings.Join(vals, "|"))
		}
	}
	ms := func(name string, t int64) {
		if t != 0 {
			v.Set(name, strconv.FormatInt(t, 10))
		}
	}
	list("eventType", q.EventTypes)
	ms("GE_eventTime", q.GEEventTime)
	ms("LT_eventTime", q.LTEventTime)
	ms("GE_recordTime", q.GERecordTime)
	ms("LT_recordTime", q.LTRecordTime)
	list("EQ_bizStep", q.BizSteps)
	list("EQ_disposition", q.Dispositions)
	list("EQ_readPoint", q.ReadPoints)
	list("EQ_bizLocation", q.BizLocations)
	list("MATCH_epc", q.EPCs)
	list("MATCH_anyEPCClass", q.EPCClasses)
	list("EQ_eventID", q.EventIDs)
	orgs := make([]string, len(q.Orgs))
	for i, o := range q.Orgs {
		orgs[i] = string(o)
	}
	list("org", orgs)
	if q.After > 0 {
		v.Set("after", strconv.FormatUint(q.After, 10))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// TraceEvents returns the events matching q, in ledger order, with their
// anchors. A value holding '|' cannot be sent (it separates values).
func (c *Client) TraceEvents(ctx context.Context, q gongxu.TraceQuery) ([]gongxu.TraceEvent, error) {
	for _, l := range [][]string{q.EventTypes, q.BizSteps, q.Dispositions, q.ReadPoints, q.BizLocations, q.EPCs, q.EPCClasses, q.EventIDs} {
		for _, s := range l {
			if strings.Contains(s, "|") {
				return nil, gongxu.Errorf(gongxu.KindInvalid, "query value %q holds '|', which separates values", s)
			}
		}
	}
	var evs []gongxu.TraceEvent
	err := c.do(ctx, http.MethodGet, "/v1/trace/events", traceQueryValues(q), nil, "", &evs)
	return evs, err
}

// Event returns an event (not its error declaration) with its anchor.
func (c *Client) Event(ctx context.Context, id string) (gongxu.TraceEvent, error) {
	p, err := c.EventProof(ctx, id)
	return p.Event, err
}

// EventProof returns an event with its batch and the proof of its leaf
// (TraceProof.Verify checks them).
func (c *Client) EventProof(ctx context.Context, id string) (TraceProof, error) {
	var p TraceProof
	if id == "" {
		return p, gongxu.Errorf(gongxu.KindInvalid, "an event id is needed")
	}
	err := c.do(ctx, http.MethodGet, "/v1/trace/events/"+url.PathEscape(id), nil, nil, "", &p)
	return p, err
}

// Batch returns the trace batch a transaction anchored.
func (c *Client) Batch(ctx context.Context, tx string) (gongxu.TraceBatch, error) {
	var b gongxu.TraceBatch
	err := c.do(ctx, http.MethodGet, "/v1/trace/batches/"+url.PathEscape(tx), nil, nil, "", &b)
	return b, err
}

func (c *Client) walk(ctx context.Context, dir, id string, depth int) (gongxu.TraceGraph, error) {
	var g gongxu.TraceGraph
	if strings.TrimSpace(id) == "" {
		return g, gongxu.Errorf(gongxu.KindInvalid, "an identifier is needed: a ledger lot id, a lot URN, an EPC URN or a GS1 Digital Link URI")
	}
	var q url.Values
	if depth != 0 {
		q = url.Values{"depth": {strconv.Itoa(depth)}}
	}
	err := c.do(ctx, http.MethodGet, "/v1/trace/"+dir+"/"+url.PathEscape(id), q, nil, "", &g)
	return g, err
}

// Back walks backward from an identifier (a ledger lot id, a lot URN, an
// EPC URN or a Digital Link URI), at most depth steps (0: the node's
// default, 10).
func (c *Client) Back(ctx context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	return c.walk(ctx, "back", id, depth)
}

// Forward walks forward from an identifier, at most depth steps (0: the
// node's default).
func (c *Client) Forward(ctx context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	return c.walk(ctx, "forward", id, depth)
}

// Recalls returns recalls, newest first; with hub set, only those that
// reach one of its pools. limit 0 means the node's default.
func (c *Client) Recalls(ctx context.Context, hub gongxu.OrgID, limit int) ([]gongxu.Recall, error) {
	var rs []gongxu.Recall
	err := c.do(ctx, http.MethodGet, "/v1/recalls", limitQuery(orgQuery("hub", hub), limit), nil, "", &rs)
	return rs, err
}

// Recall returns a recall and what it reaches.
func (c *Client) Recall(ctx context.Context, id uint64) (gongxu.RecallImpact, error) {
	var im gongxu.RecallImpact
	err := c.do(ctx, http.MethodGet, "/v1/recalls/"+strconv.FormatUint(id, 10), nil, nil, "", &im)
	return im, err
}
