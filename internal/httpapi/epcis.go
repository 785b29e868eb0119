package httpapi

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/epcis"
)

// GS1's EPCIS 2.0 REST binding, the part a trace repository needs:
//
//	POST /epcis/capture              capture a document: the node's operator signs a trace/capture
//	                                 transaction and the answer comes once it is committed
//	GET  /epcis/capture/{captureID}  the capture job: the transaction's outcome
//	GET  /epcis/events               the events matching the EPCIS common query parameters,
//	                                 as an EPCISQueryDocument, perPage at a time
//	GET  /epcis/events/{eventID}     one event and its error declarations
//
// A capture is a ledger transaction, so it is all or nothing
// (GS1-Capture-Error-Behaviour: rollback) and it is decided when it
// commits: the node waits for that and answers with the finished job and
// its Location, instead of GS1's 202 for a job still running (this API
// answers successes with 200 only). A rejection is the node's error, with
// the transaction's kind and message: 400 for an invalid document, 403 for
// an org naming another org's lot, 409 for an event id already on the
// ledger, 413 over the size or event limit. Errors are this API's JSON
// errors, not RFC 7807 problems.

// TypeTraceCapture is the message type of a capture (the trace module's
// trace/capture).
const TypeTraceCapture = "trace/capture"

// maxCaptureBytes is the largest document POST /epcis/capture takes: the
// trace module's limit (half the default transaction size).
const maxCaptureBytes = 512 << 10

// captureStatus answers a committed capture. GS1's binding says 202 for a
// job that may still run; the job here is finished, and this API answers
// successes with 200.
const captureStatus = http.StatusOK

// captureJob is GS1's CaptureJob: the outcome of one capture transaction,
// its id the transaction's hash.
type captureJob struct {
	CaptureID     string         `json:"captureID"`
	CreatedAt     string         `json:"createdAt,omitempty"`
	FinishedAt    string         `json:"finishedAt,omitempty"`
	Running       bool           `json:"running"`
	Success       bool           `json:"success"`
	ErrorBehavior string         `json:"captureErrorBehaviour"`
	Errors        []epcisProblem `json:"errors"`
}

// epcisProblem is an RFC 7807 problem, as GS1 lists a job's errors.
type epcisProblem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
}

// epcisException names a kind as GS1's exception types.
func epcisException(k gongxu.Kind) string {
	switch k {
	case gongxu.KindInvalid:
		return "epcisException:ValidationException"
	case gongxu.KindTooLarge:
		return "epcisException:CaptureLimitExceededException"
	case gongxu.KindConflict:
		return "epcisException:ResourceAlreadyExistsException"
	case gongxu.KindUnauthorized:
		return "epcisException:SecurityException"
	}
	return "epcisException:ImplementationException"
}

// epcisCapture serves POST /epcis/capture.
func (s *server) epcisCapture(w http.ResponseWriter, r *http.Request) error {
	if s.op == nil {
		return errNoService("EPCIS capture (it has no operator key to sign with)")
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" && mt != "application/ld+json" {
		return gongxu.Errorf(gongxu.KindInvalid, "Content-Type must be application/json or application/ld+json (an EPCIS 2.0 document), got %q", clip(ct))
	}
	if b := r.Header.Get("GS1-Capture-Error-Behaviour"); b != "" && b != "rollback" {
		return gongxu.Errorf(gongxu.KindInvalid, "GS1-Capture-Error-Behaviour %q: a capture is one ledger transaction, all or nothing (rollback)", clip(b))
	}
	if r.ContentLength > maxCaptureBytes {
		return errCaptureTooLarge()
	}
	doc, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCaptureBytes))
	if err != nil {
		if isMaxBytes(err) {
			return errCaptureTooLarge()
		}
		return gongxu.Errorf(gongxu.KindInvalid, "reading the document: %v", err)
	}
	doc = bytes.TrimSpace(doc)
	if len(doc) == 0 || doc[0] != '{' || !json.Valid(doc) {
		return gongxu.Errorf(gongxu.KindInvalid, "the body must be an EPCIS 2.0 document as a JSON object")
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.wait)
	defer cancel()
	res, err := s.op.Send(ctx, TypeTraceCapture, struct {
		Document json.RawMessage `json:"document"`
	}{doc})
	if err != nil {
		return err
	}
	if res.Code != 0 {
		return gongxu.Errorf(gongxu.Kind(res.Code), "%s", res.Message)
	}
	job := s.captureJob(r.Context(), res.Hash)
	w.Header().Set("Location", "/epcis/capture/"+url.PathEscape(res.Hash))
	writeJSON(w, s.log, captureStatus, job)
	return nil
}

func errCaptureTooLarge() error {
	return gongxu.Errorf(gongxu.KindTooLarge, "the document is larger than %d bytes, the limit of one capture", maxCaptureBytes)
}

// captureJob is the job of a committed capture; its times come from the
// transaction's record when the node serves transactions.
func (s *server) captureJob(ctx context.Context, hash string) captureJob {
	job := captureJob{CaptureID: hash, Success: true, ErrorBehavior: "rollback", Errors: []epcisProblem{}}
	if s.txs != nil {
		if rec, err := s.txs.Tx(ctx, hash); err == nil {
			job.CreatedAt, job.FinishedAt = rec.Time, rec.Time
		}
	}
	return job
}

// epcisCaptureJob serves GET /epcis/capture/{captureID}: the outcome of a
// capture transaction, rejected ones included (a capture rejected before
// it reached a block has no job).
func (s *server) epcisCaptureJob(w http.ResponseWriter, r *http.Request) error {
	if s.txs == nil {
		return errNoService("capture jobs")
	}
	id := r.PathValue("captureID")
	if b, err := hex.DecodeString(id); err != nil || len(b) != 32 {
		return gongxu.Errorf(gongxu.KindInvalid, "capture id %q must be the capture transaction's hash, 64 hex characters", clip(id))
	}
	rec, err := s.txs.Tx(r.Context(), id)
	if err != nil {
		return err
	}
	if rec.Type != TypeTraceCapture {
		return gongxu.Errorf(gongxu.KindNotFound, "transaction %s is a %s, not a capture", id, rec.Type)
	}
	job := captureJob{CaptureID: rec.Hash, CreatedAt: rec.Time, FinishedAt: rec.Time, Success: rec.Code == 0,
		ErrorBehavior: "rollback", Errors: []epcisProblem{}}
	if rec.Code != 0 {
		k := gongxu.Kind(rec.Code)
		job.Errors = append(job.Errors, epcisProblem{Type: epcisException(k), Title: rec.Message, Status: httpStatus(k)})
	}
	writeJSON(w, s.log, http.StatusOK, job)
	return nil
}

// epcisEvents serves GET /epcis/events: an EPCISQueryDocument of the
// events matching the query, in ledger order, perPage at a time; a full
// page links the next one (Link: <…&nextPageToken=…>; rel="next").
func (s *server) epcisEvents(w http.ResponseWriter, r *http.Request) error {
	if s.trace == nil {
		return errNoService("EPCIS queries")
	}
	q, err := parseTraceQuery(r, "perPage", "nextPageToken")
	if err != nil {
		return err
	}
	if q.Limit, err = queryInt(r, "perPage", defaultPerPage, 1, maxTracePage); err != nil {
		return err
	}
	if v := r.URL.Query().Get("nextPageToken"); v != "" {
		if q.After, err = strconv.ParseUint(v, 10, 64); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "nextPageToken %q is not one this node gave", clip(v))
		}
	}
	evs, err := s.trace.TraceEvents(r.Context(), q)
	if err != nil {
		return err
	}
	doc, err := s.queryDocument(r, evs)
	if err != nil {
		return err
	}
	if len(evs) == q.Limit {
		next := r.URL.Query()
		next.Set("nextPageToken", strconv.FormatUint(evs[len(evs)-1].Seq, 10))
		w.Header().Set("Link", `</epcis/events?`+next.Encode()+`>; rel="next"`)
	}
	writeDocument(w, doc)
	return nil
}

// epcisEvent serves GET /epcis/events/{eventID}: a one-event
// EPCISQueryDocument, with the event's error declarations after it.
func (s *server) epcisEvent(w http.ResponseWriter, r *http.Request) error {
	if s.trace == nil {
		return errNoService("EPCIS queries")
	}
	id := r.PathValue("eventID")
	if id == "" || len(id) > 1024 {
		return gongxu.Errorf(gongxu.KindInvalid, "an event id is 1 to 1024 bytes")
	}
	evs, err := s.trace.TraceEvents(r.Context(), gongxu.TraceQuery{EventIDs: []string{id}, Limit: maxTracePage})
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return gongxu.Errorf(gongxu.KindNotFound, "no EPCIS event %s", clip(id))
	}
	doc, err := s.queryDocument(r, evs)
	if err != nil {
		return err
	}
	writeDocument(w, doc)
	return nil
}

// queryDocument writes events as an EPCISQueryDocument of the
// SimpleEventQuery, created at the node's latest block time, and checks it
// against GS1's schema. Each event is its JSON as anchored, byte for byte.
func (s *server) queryDocument(r *http.Request, evs []gongxu.TraceEvent) ([]byte, error) {
	created := time.Now()
	if s.node != nil {
		if ms, err := s.blockTime(r); err == nil {
			created = time.UnixMilli(ms)
		}
	}
	var buf bytes.Buffer
	buf.WriteString(`{"@context":["` + epcis.StandardContext + `"],"type":"EPCISQueryDocument","schemaVersion":"2.0","creationDate":"`)
	buf.WriteString(created.UTC().Format("2006-01-02T15:04:05.000Z"))
	buf.WriteString(`","epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":[`)
	for i, e := range evs {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := json.Compact(&buf, e.Raw); err != nil {
			return nil, gongxu.Wrap(err, "event %s: its stored JSON", e.ID)
		}
	}
	buf.WriteString(`]}}}}`)
	out := buf.Bytes()
	if err := epcis.ValidateJSON(out); err != nil {
		return nil, gongxu.Wrap(err, "the EPCISQueryDocument does not validate")
	}
	return out, nil
}

// writeDocument writes an EPCIS document with the binding's version headers.
func writeDocument(w http.ResponseWriter, doc []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("GS1-EPCIS-Version", "2.0.0")
	h.Set("GS1-CBV-Version", "2.0.0")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(doc, '\n'))
}
