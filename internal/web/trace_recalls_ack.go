package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// A hub acknowledges a recall that reaches the goods of a pool shipped to
// it (POST /recalls/{id}/ack, trace/recall_ack): the recall's page offers it
// on the hub's own node, signed in, once per recall, and lists the hubs
// that acknowledged (Config.RecallAcks).

// RecallAcksFunc returns the hubs' acknowledgements of a recall, oldest
// first.
type RecallAcksFunc func(ctx context.Context, recall uint64) ([]gongxu.RecallAck, error)

var recallAckGuard = formGuard{Name: "The recall acknowledgement", Form: "recall-ack", Path: "/recalls",
	Again: "Open the recall's page again to acknowledge it."}

// ackRow is a hub's acknowledgement as the recall page lists it.
type ackRow struct {
	gongxu.RecallAck
	Name string
}

// ackForm is the acknowledgement form of this node's hub on a recall page.
type ackForm struct {
	Hub     gongxu.Org
	Pools   []uint64 // the pools whose goods shipped to the hub the recall reaches
	Done    *ackRow  // the hub acknowledged already
	CSRF    string
	Problem string
	SignIn  string
}

// recallAcks reads the acknowledgements of a recall, named; nil when the
// node does not say.
func (s *server) recallAcks(ctx context.Context, recall uint64, names map[gongxu.OrgID]string) ([]ackRow, error) {
	if s.acks == nil {
		return nil, nil
	}
	as, err := s.acks(ctx, recall)
	if err != nil {
		return nil, err
	}
	out := []ackRow{}
	for _, a := range as {
		out = append(out, ackRow{RecallAck: a, Name: names[a.Hub]})
	}
	return out, nil
}

// shippedPools are the pools whose goods shipped to the hub the recall
// reaches (the read side's forward trace).
func shippedPools(own *hubReach) []uint64 {
	if own == nil {
		return nil
	}
	var out []uint64
	for _, p := range own.Pools {
		if len(p.Shipped) > 0 {
			out = append(out, p.Pool)
		}
	}
	return out
}

// ackFormFor is the acknowledgement form of the recall page for this
// node's hub, or nil when the recall reaches none of the goods shipped to
// it (or the node has no hub).
func (s *server) ackFormFor(r *http.Request, hub gongxu.Org, im impactData, acks []ackRow) *ackForm {
	pools := shippedPools(im.Own)
	if hub.ID == "" || len(pools) == 0 || s.acks == nil {
		return nil
	}
	f := &ackForm{Hub: hub, Pools: pools}
	for i := range acks {
		if acks[i].Hub == hub.ID {
			f.Done = &acks[i]
			return f
		}
	}
	if !s.fromHere(r) {
		l := s.langs.pick(r)
		f.Problem = l.T("%s acts with this node's operator key, so it only answers on the node's own machine. Open it there, at http://127.0.0.1.", l.maybe(recallAckGuard.Name))
		return f
	}
	s.offerForm(r, recallAckGuard, &f.CSRF, &f.Problem, &f.SignIn, "to acknowledge recalls")
	return f
}

func (s *server) recallAckSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, tok := s.admit(w, r, recallAckGuard)
	if sess == nil {
		return nil
	}
	ctx := r.Context()
	l := s.langs.pick(r)
	org, problem, err := s.operatorOrg(r, hubGate)
	if err != nil {
		return err
	}
	if problem != "" {
		s.problemLink(w, r, http.StatusConflict, "Not allowed", problem, "/recalls", "See the recalls")
		return nil
	}
	im, err := s.recallByID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	id := im.Recall.ID
	back := recallPath(id)
	refuse := func(status int, format string, args ...any) error {
		s.problemLink(w, r, status, "Not recorded", l.T(format, args...), back, l.T("Back to the recall"))
		return nil
	}
	raw, one := oneField(r, "pool")
	pool, perr := strconv.ParseUint(strings.TrimSpace(raw), 10, 64)
	switch {
	case !one:
		return refuse(http.StatusBadRequest, "The form names more than one pool. Acknowledge one at a time.")
	case perr != nil || pool == 0:
		return refuse(http.StatusBadRequest, "%q is not a pool number.", cut(raw, 40))
	}
	if s.acks == nil {
		return refuse(http.StatusConflict, "This node does not record acknowledgements of recalls.")
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	d, err := s.impact(ctx, s.langs.pick(r), im, names, org)
	if err != nil {
		return err
	}
	reached := false
	for _, p := range shippedPools(d.Own) {
		reached = reached || p == pool
	}
	if !reached {
		return refuse(http.StatusConflict, "Recall %d does not reach goods of pool %d shipped to %s: there is nothing to acknowledge.", id, pool, org.Name)
	}
	acks, err := s.recallAcks(ctx, id, names)
	if err != nil {
		return err
	}
	for _, a := range acks {
		if a.Hub == org.ID {
			return refuse(http.StatusConflict, "%s already acknowledged recall %d, in transaction %s.", org.Name, id, a.Tx)
		}
	}
	res, err := s.operator(r).Send(ctx, "trace/recall_ack", struct {
		Recall uint64 `json:"recall"`
		Pool   uint64 `json:"pool"`
	}{id, pool})
	if err != nil {
		s.problemLink(w, r, s.sendFailed(err, "trace/recall_ack"), "Not recorded", l.T(sendError(err)), back, l.T("Back to the recall"))
		return nil
	}
	if res.Code != 0 {
		s.sessions.done(sess, tok, s.langs.pick(r).T("The network refused it: %s.", rejection(res)))
		return refuse(http.StatusUnprocessableEntity, "The network refused the acknowledgement of recall %d: %s.", id, rejection(res))
	}
	s.sessions.done(sess, tok, s.langs.pick(r).T("The acknowledgement was recorded in transaction %s.", res.Hash))
	s.log.Info("web: recall acknowledged", "recall", id, "hub", org.ID, "pool", pool, "tx", res.Hash)
	return s.render(w, r, "hub_done", view{Title: "Recall acknowledged", Section: "trace", Content: doneData{
		Heading:  l.T("Recall acknowledged"),
		Message:  l.T("%s acknowledged recall %d for the goods of pool %d: hold what is left of them, and contact the consumers who picked some up.", org.Name, id, pool),
		Tx:       res,
		Back:     back,
		BackText: l.T("Back to the recall"),
	}})
}
