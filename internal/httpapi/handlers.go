package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	gongxu "github.com/gongxu-network/gongxu"
)

// errNoService answers a route whose service the Config left nil.
func errNoService(what string) error {
	return gongxu.Errorf(gongxu.KindUnavailable, "this node does not serve %s", what)
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) error {
	if s.node == nil {
		return errNoService("node status")
	}
	if _, err := s.node.Status(r.Context()); err != nil {
		// Health is binary: a node that cannot report its status is
		// unavailable, whatever the reason (logged by writeError).
		msg := "the node cannot report its status"
		var e *gongxu.Error
		if errors.As(err, &e) && e.Kind != gongxu.KindInternal && e.Msg != "" {
			msg = e.Msg
		}
		return &gongxu.Error{Kind: gongxu.KindUnavailable, Msg: msg, Err: err}
	}
	w.Header().Set("Cache-Control", "no-store")
	if s.health != nil {
		if err := s.health(r.Context()); err != nil {
			// Degraded: the message says why (a stalled chain, a read
			// model behind, a broken invariant).
			msg := "the node is not healthy"
			var e *gongxu.Error
			if errors.As(err, &e) && e.Msg != "" {
				msg = e.Msg
			}
			return &gongxu.Error{Kind: gongxu.KindUnavailable, Msg: msg, Err: err}
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
	return nil
}

func (s *server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDocument)
	return nil
}

func (s *server) status(w http.ResponseWriter, r *http.Request) error {
	if s.node == nil {
		return errNoService("node status")
	}
	st, err := s.node.Status(r.Context())
	if err != nil {
		return err
	}
	if s.txs != nil {
		h, err := s.txs.Height(r.Context())
		if err != nil {
			return err
		}
		st.ReadModelHeight = h
	}
	if st.Validators == nil {
		st.Validators = []gongxu.Validator{}
	}
	writeJSON(w, s.log, http.StatusOK, st)
	return nil
}

// submitRequest is the JSON form of POST /v1/txs.
type submitRequest struct {
	Tx *string `json:"tx"`
}

func (s *server) submitTx(w http.ResponseWriter, r *http.Request) error {
	if s.node == nil {
		return errNoService("transactions")
	}
	wait := true
	if v := r.URL.Query().Get("wait"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "wait must be true or false, got %q", clip(v))
		}
		wait = b
	}
	tx, err := readTx(w, r)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.wait)
	defer cancel()
	res, err := s.node.Submit(ctx, tx, wait)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, res)
	return nil
}

// readTx reads the signed transaction from the body of POST /v1/txs: raw
// bytes (application/octet-stream) or {"tx": "<base64>"} (application/json).
func readTx(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil && ct != "" {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "malformed Content-Type %q", clip(ct))
	}
	switch mt {
	case "application/octet-stream":
		if r.ContentLength > maxTxBytes {
			return nil, errTxTooLarge()
		}
		tx, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTxBytes))
		if err != nil {
			return nil, bodyError(err)
		}
		if len(tx) == 0 {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "the request body is empty: send the signed transaction's bytes")
		}
		return tx, nil
	case "application/json":
		if r.ContentLength > jsonBodyLimit {
			return nil, errJSONTooLarge()
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, jsonBodyLimit))
		dec.DisallowUnknownFields()
		var req submitRequest
		if err := dec.Decode(&req); err != nil {
			if isMaxBytes(err) {
				return nil, errJSONTooLarge()
			}
			return nil, bodyError(err)
		}
		if err := dec.Decode(&struct{}{}); err != io.EOF {
			if isMaxBytes(err) {
				return nil, errJSONTooLarge()
			}
			return nil, gongxu.Errorf(gongxu.KindInvalid, `malformed JSON body: unexpected data after the object {"tx": "<base64>"}`)
		}
		if req.Tx == nil || *req.Tx == "" {
			return nil, gongxu.Errorf(gongxu.KindInvalid, `the JSON body must be {"tx": "<signed transaction, standard base64>"}`)
		}
		tx, err := base64.StdEncoding.DecodeString(*req.Tx)
		if err != nil {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "tx is not valid standard base64 (RFC 4648, with padding): %v", err)
		}
		if len(tx) > maxTxBytes {
			return nil, errTxTooLarge()
		}
		return tx, nil
	default:
		return nil, gongxu.Errorf(gongxu.KindInvalid,
			`Content-Type must be application/octet-stream (the signed transaction's bytes) or application/json ({"tx": "<base64>"}), got %q`, clip(ct))
	}
}

func errTxTooLarge() error {
	return gongxu.Errorf(gongxu.KindTooLarge, "the transaction is larger than %d bytes", maxTxBytes)
}

func errJSONTooLarge() error {
	return gongxu.Errorf(gongxu.KindTooLarge, "the JSON body is larger than %d bytes: a transaction is at most %d bytes", jsonBodyLimit, maxTxBytes)
}

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// bodyError explains a failure to read or decode a request body.
func bodyError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case isMaxBytes(err):
		return errTxTooLarge()
	case errors.As(err, &syn):
		return gongxu.Errorf(gongxu.KindInvalid, "malformed JSON body at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		return gongxu.Errorf(gongxu.KindInvalid, "malformed JSON body: field %q must be a %s", typ.Field, typ.Type)
	case errors.Is(err, io.EOF):
		return gongxu.Errorf(gongxu.KindInvalid, `the JSON body is empty: want {"tx": "<base64>"}`)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return gongxu.Errorf(gongxu.KindInvalid, "malformed JSON body: unexpected end")
	default:
		// Unknown fields, or a body that could not be read.
		return gongxu.Errorf(gongxu.KindInvalid, "malformed request body: %v", err)
	}
}

func (s *server) recentTxs(w http.ResponseWriter, r *http.Request) error {
	if s.txs == nil {
		return errNoService("transactions")
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	recs, err := s.txs.RecentTxs(r.Context(), limit)
	if err != nil {
		return err
	}
	out := make([]gongxu.TxRecord, len(recs))
	for i, rec := range recs {
		out[i] = normTx(rec)
	}
	writeJSON(w, s.log, http.StatusOK, out)
	return nil
}

func (s *server) tx(w http.ResponseWriter, r *http.Request) error {
	if s.txs == nil {
		return errNoService("transactions")
	}
	hash := r.PathValue("hash")
	if b, err := hex.DecodeString(hash); err != nil || len(b) != 32 {
		return gongxu.Errorf(gongxu.KindInvalid, "transaction hash %q must be 64 hex characters", clip(hash))
	}
	rec, err := s.txs.Tx(r.Context(), hash)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normTx(rec))
	return nil
}

func (s *server) account(w http.ResponseWriter, r *http.Request) error {
	if s.node == nil {
		return errNoService("accounts")
	}
	key := gongxu.PubKey(r.PathValue("pubkey"))
	if err := key.Validate(); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "public key %q must be 64 lower-case hex characters", clip(string(key)))
	}
	acc, err := s.node.Account(r.Context(), key)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, acc)
	return nil
}

func (s *server) orgs(w http.ResponseWriter, r *http.Request) error {
	if s.members == nil {
		return errNoService("organizations")
	}
	orgs, err := s.members.Orgs(r.Context())
	if err != nil {
		return err
	}
	out := make([]gongxu.Org, len(orgs))
	for i, o := range orgs {
		out[i] = normOrg(o)
	}
	writeJSON(w, s.log, http.StatusOK, out)
	return nil
}

func (s *server) org(w http.ResponseWriter, r *http.Request) error {
	if s.members == nil {
		return errNoService("organizations")
	}
	id := gongxu.OrgID(r.PathValue("id"))
	if err := id.Validate(); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "org id %q must be 2 to 64 characters of a-z, 0-9 and '-', starting with a letter", clip(string(id)))
	}
	o, err := s.members.Org(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normOrg(o))
	return nil
}

func (s *server) validators(w http.ResponseWriter, r *http.Request) error {
	if s.members == nil {
		return errNoService("validators")
	}
	vals, err := s.members.Validators(r.Context())
	if err != nil {
		return err
	}
	if vals == nil {
		vals = []gongxu.Validator{}
	}
	writeJSON(w, s.log, http.StatusOK, vals)
	return nil
}

// proposalStatuses are the values of ?status= on GET /v1/proposals.
var proposalStatuses = []gongxu.ProposalStatus{
	gongxu.ProposalOpen, gongxu.ProposalPassed, gongxu.ProposalRejected, gongxu.ProposalExpired, gongxu.ProposalFailed,
}

func (s *server) proposals(w http.ResponseWriter, r *http.Request) error {
	if s.members == nil {
		return errNoService("proposals")
	}
	var f gongxu.ProposalFilter
	if v := r.URL.Query().Get("status"); v != "" {
		for _, st := range proposalStatuses {
			if string(st) == v {
				f.Status = st
			}
		}
		if f.Status == "" {
			return gongxu.Errorf(gongxu.KindInvalid, "status must be one of open, passed, rejected, expired, failed; got %q", clip(v))
		}
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	f.Limit = limit
	props, err := s.members.Proposals(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]gongxu.Proposal, len(props))
	for i, p := range props {
		out[i] = normProposal(p)
	}
	writeJSON(w, s.log, http.StatusOK, out)
	return nil
}

func (s *server) proposal(w http.ResponseWriter, r *http.Request) error {
	if s.members == nil {
		return errNoService("proposals")
	}
	v := r.PathValue("id")
	id, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "proposal id %q must be a non-negative integer", clip(v))
	}
	p, err := s.members.Proposal(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normProposal(p))
	return nil
}

// queryLimit reads ?limit=: defaultLimit when absent, else 1 to maxLimit.
func queryLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		return 0, gongxu.Errorf(gongxu.KindInvalid, "limit must be an integer from 1 to %d, got %q", maxLimit, clip(v))
	}
	return n, nil
}

// The norm functions turn nil slices into empty ones: lists in responses are
// JSON arrays, never null.

func normOrg(o gongxu.Org) gongxu.Org {
	if o.Roles == nil {
		o.Roles = []gongxu.Role{}
	}
	if o.Keys == nil {
		o.Keys = []gongxu.PubKey{}
	}
	return o
}

func normProposal(p gongxu.Proposal) gongxu.Proposal {
	if p.Org != nil {
		o := normOrg(*p.Org)
		p.Org = &o
	}
	if p.Yes == nil {
		p.Yes = []gongxu.OrgID{}
	}
	if p.No == nil {
		p.No = []gongxu.OrgID{}
	}
	return p
}

func normTx(t gongxu.TxRecord) gongxu.TxRecord {
	if len(t.Events) == 0 {
		return t
	}
	evs := make([]gongxu.Event, len(t.Events))
	for i, ev := range t.Events {
		if ev.Attrs == nil {
			ev.Attrs = []gongxu.Attr{}
		}
		evs[i] = ev
	}
	t.Events = evs
	return t
}
