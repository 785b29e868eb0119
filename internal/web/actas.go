package web

import (
	"crypto/subtle"
	"net/http"

	"github.com/gongxu-network/gongxu"
)

// Acting as another org. A node may hold the keys of several member orgs
// (the demo's node holds every org's); its Operator is then a
// gongxu.Operators, and a signed-in session chooses which of them its forms
// act for (POST /act-as). Without a choice, or on a node holding one org's
// keys, the forms act for the operator key's org.

// actAsField is the form field of the chosen org.
const actAsField = "org"

// operator is the Operator the request's forms act with: the session's
// chosen org when the node holds its key, else the node's operator; nil
// when the node has no operator key.
func (s *server) operator(r *http.Request) gongxu.Operator {
	if s.op == nil {
		return nil
	}
	sess := s.sessionOf(r)
	if sess == nil {
		return s.op
	}
	org := s.sessions.actingAs(sess)
	ops, ok := s.op.(gongxu.Operators)
	if org == "" || !ok {
		return s.op
	}
	op, err := ops.As(r.Context(), org)
	if err != nil {
		s.log.Warn("web: acting as an org whose key this node no longer holds; acting as the operator", "org", org, "err", err)
		return s.op
	}
	return op
}

// actAsChoice is the layout's chooser of the org to act as, shown to
// signed-in people on a node that holds several orgs' keys.
type actAsChoice struct {
	Orgs    []gongxu.Org
	Current gongxu.OrgID
	Token   string // the session's sign-out token doubles as this form's
}

// actAsFor is the chooser for the request, or nil when there is no choice.
func (s *server) actAsFor(r *http.Request, sess *session) *actAsChoice {
	ops, ok := s.op.(gongxu.Operators)
	if !ok || sess == nil {
		return nil
	}
	ctx := r.Context()
	ids, err := ops.Orgs(ctx)
	if err != nil {
		s.log.Warn("web: the orgs this node holds keys of", "err", err)
		return nil
	}
	if len(ids) < 2 {
		return nil
	}
	c := &actAsChoice{Token: sess.out}
	for _, id := range ids {
		o, err := s.members.Org(ctx, id)
		if err != nil {
			o = gongxu.Org{ID: id, Name: string(id)}
		}
		c.Orgs = append(c.Orgs, o)
	}
	if op := s.operator(r); op != nil {
		c.Current, _ = op.Org(ctx)
	}
	return c
}

// actAsSubmit chooses the org the session's forms act for, then goes back
// to the page it came from.
func (s *server) actAsSubmit(w http.ResponseWriter, r *http.Request) error {
	if why := s.sameSite(r); why != "" {
		s.forbidden(w, r, why)
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSignIn)
	if err := r.ParseForm(); err != nil {
		s.problem(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return nil
	}
	sess := s.sessionOf(r)
	if sess == nil {
		http.Redirect(w, r, signInPath(localPath(r.PostFormValue("next"))), http.StatusSeeOther)
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue(signoutField)), []byte(sess.out)) != 1 {
		s.forbidden(w, r, "This form is not this session's. Choose from a page of this node.")
		return nil
	}
	ops, ok := s.op.(gongxu.Operators)
	if !ok {
		s.problem(w, r, http.StatusBadRequest, "Bad request", "This node acts for one organization only.")
		return nil
	}
	want := gongxu.OrgID(r.PostFormValue(actAsField))
	ids, err := ops.Orgs(r.Context())
	if err != nil {
		return err
	}
	found := false
	for _, id := range ids {
		found = found || id == want
	}
	if !found {
		s.problem(w, r, http.StatusBadRequest, "Bad request", "This node holds no key of that organization.")
		return nil
	}
	s.sessions.setActingAs(sess, want)
	s.log.Info("web: acting as", "org", want, "token", sess.Name, "remote", r.RemoteAddr)
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// actingAs is the org the session chose to act as ("" for none).
func (ss *sessions) actingAs(sess *session) gongxu.OrgID {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return sess.actAs
}

func (ss *sessions) setActingAs(sess *session, org gongxu.OrgID) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sess.actAs = org
}
