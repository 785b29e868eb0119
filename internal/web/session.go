package web

import (
	"github.com/gongxu-network/gongxu"

	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Tokens checks the API tokens people sign in with. The node's token store
// (internal/token) is one.
type Tokens interface {
	// Check returns the id and name of the token whose secret this is; ok
	// is false when it is none.
	Check(secret string) (id, name string, ok bool)
	// Active reports whether the token with this id is still there: a
	// session signed in with a removed token ends.
	Active(id string) bool
}

// Sessions: a person signs in (GET and POST /signin) with an API token of
// the node; the node then keeps a session on its side and gives the browser
// only its random id, in an HttpOnly, SameSite=Strict cookie (Secure when
// served over TLS). A session lasts sessionTTL, or until its token is
// removed or the person signs out; sessions live in the node's memory, so a
// restart signs everybody out.
const (
	sessionCookie = "gongxu_session"
	sessionTTL    = 12 * time.Hour
	maxSessions   = 1000
	idBytes       = 32
	maxFormTokens = 64  // unused form tokens a session keeps (the oldest go)
	maxSpent      = 256 // used form tokens a session remembers
	maxSignIn     = 4 << 10
	signoutField  = "signout" // the sign-out form's token
)

// session is one signed-in browser.
type session struct {
	id      string
	tokenID string // the API token it signed in with
	Name    string // that token's name
	expires time.Time
	out     string       // the sign-out form's token (not single-use: every page has it)
	actAs   gongxu.OrgID // the org its forms act for (actas.go); "": the operator's

	forms map[string]issued // unused form tokens → form
	spent map[string]*spent // used ones
	order []string          // forms' tokens, oldest first
	used  []string          // spent's tokens, oldest first
}

type issued struct {
	form string
	at   time.Time
}

// spent is a used form token: Result says what its submission did, for a
// second submission of the same form.
type spent struct {
	Form   string
	Result string
}

// sessions are the signed-in browsers, by id.
type sessions struct {
	tokens Tokens
	now    func() time.Time

	mu   sync.Mutex
	byID map[string]*session
}

func newSessions(t Tokens, now func() time.Time) *sessions {
	return &sessions{tokens: t, now: now, byID: map[string]*session{}}
}

func randomID() string {
	b := make([]byte, idBytes)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

// signIn checks secret and starts a session; ok is false for a secret that
// is no token of the node.
func (ss *sessions) signIn(secret string) (*session, bool) {
	if ss.tokens == nil {
		return nil, false
	}
	id, name, ok := ss.tokens.Check(secret)
	if !ok {
		return nil, false
	}
	now := ss.now()
	sess := &session{id: randomID(), tokenID: id, Name: name, expires: now.Add(sessionTTL), out: randomID(),
		forms: map[string]issued{}, spent: map[string]*spent{}}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.byID) >= maxSessions {
		ss.evict(now)
	}
	ss.byID[sess.id] = sess
	return sess, true
}

// evict drops the expired sessions, and the one closest to expiry when none
// is. Called with ss.mu held.
func (ss *sessions) evict(now time.Time) {
	var oldest *session
	for id, s := range ss.byID {
		if !now.Before(s.expires) {
			delete(ss.byID, id)
		} else if oldest == nil || s.expires.Before(oldest.expires) {
			oldest = s
		}
	}
	if len(ss.byID) >= maxSessions && oldest != nil {
		delete(ss.byID, oldest.id)
	}
}

// get returns the live session of the request's cookie, or nil.
func (ss *sessions) get(r *http.Request) *session {
	if ss.tokens == nil {
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) != 2*idBytes {
		return nil
	}
	ss.mu.Lock()
	sess := ss.byID[c.Value]
	if sess != nil && !ss.now().Before(sess.expires) {
		delete(ss.byID, sess.id)
		sess = nil
	}
	ss.mu.Unlock()
	if sess == nil {
		return nil
	}
	if !ss.tokens.Active(sess.tokenID) {
		ss.end(sess)
		return nil
	}
	return sess
}

// end forgets a session.
func (ss *sessions) end(sess *session) {
	ss.mu.Lock()
	delete(ss.byID, sess.id)
	ss.mu.Unlock()
}

// issue gives the session a new token for one rendering of form.
func (ss *sessions) issue(sess *session, form string) string {
	tok := randomID()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sess.forms[tok] = issued{form: form, at: ss.now()}
	sess.order = append(sess.order, tok)
	for len(sess.order) > maxFormTokens {
		delete(sess.forms, sess.order[0])
		sess.order = sess.order[1:]
	}
	return tok
}

// What consume found.
const (
	tokenOK      = iota // unused and of this form: now used
	tokenUsed           // used before: a second submission
	tokenInvalid        // never given to this session for this form, or dropped
)

// consume uses a form token of the session, atomically: of two
// submissions with one token, exactly one gets tokenOK. For a token used
// before, result is what its submission did (spent.Result) so far.
func (ss *sessions) consume(sess *session, form, tok string) (result string, status int) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if sp, ok := sess.spent[tok]; ok && sp.Form == form {
		return sp.Result, tokenUsed
	}
	is, ok := sess.forms[tok]
	if !ok || is.form != form {
		return "", tokenInvalid
	}
	delete(sess.forms, tok)
	for i, t := range sess.order {
		if t == tok {
			sess.order = append(sess.order[:i], sess.order[i+1:]...)
			break
		}
	}
	sp := &spent{Form: form}
	sess.spent[tok] = sp
	sess.used = append(sess.used, tok)
	for len(sess.used) > maxSpent {
		delete(sess.spent, sess.used[0])
		sess.used = sess.used[1:]
	}
	return "", tokenOK
}

// done records what the submission of a used token did, for people who
// submit it again ("It was recorded: transaction …").
func (ss *sessions) done(sess *session, tok, result string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if sp, ok := sess.spent[tok]; ok {
		sp.Result = result
	}
}

// formToken returns a new token of form for the request's session, or ""
// when the request may not use forms (not signed in, or not from the
// node's own site).
func (s *server) formToken(r *http.Request, form string) string {
	sess := s.sessionOf(r)
	if sess == nil {
		return ""
	}
	return s.sessions.issue(sess, form)
}

// sessionOf is the request's session when it may act with it: signed in,
// and asked for under one of the node's own names.
func (s *server) sessionOf(r *http.Request) *session {
	if !s.hosts.allowed(r.Host) {
		return nil
	}
	return s.sessions.get(r)
}

// signInPath is the sign-in page that leads back to next.
func signInPath(next string) string { return "/signin?next=" + url.QueryEscape(next) }

// localPath returns next when it is a path of this site ("/hub?pool=3"),
// else "/": a sign-in never sends anyone to another site.
func localPath(next string) string {
	if len(next) > 512 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return u.RequestURI()
}

// signinData is the sign-in page.
type signinData struct {
	Next    string
	Name    string // signed in as
	Error   string
	NoToken bool // the node checks no tokens: nobody can sign in
}

func (s *server) signinPage(w http.ResponseWriter, r *http.Request) error {
	d := signinData{Next: localPath(r.URL.Query().Get("next")), NoToken: s.sessions.tokens == nil}
	if sess := s.sessionOf(r); sess != nil {
		d.Name = sess.Name
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, "signin", view{Title: "Sign in", Section: "signin", Content: d})
}

func (s *server) signinSubmit(w http.ResponseWriter, r *http.Request) error {
	if why := s.sameSite(r); why != "" {
		s.log.Warn("web: sign-in refused: not from this node's site", "host", r.Host, "origin", r.Header.Get("Origin"), "remote", r.RemoteAddr)
		s.forbidden(w, r, why)
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSignIn)
	if err := r.ParseForm(); err != nil {
		s.problem(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return nil
	}
	next := localPath(r.PostFormValue("next"))
	sess, ok := s.sessions.signIn(strings.TrimSpace(r.PostFormValue("token")))
	if !ok {
		s.log.Warn("web: sign-in with a token that is not valid", "remote", r.RemoteAddr)
		w.Header().Set("Cache-Control", "no-store")
		d := signinData{Next: next, NoToken: s.sessions.tokens == nil,
			Error: "That is not a valid API token of this node. Make one on the node's machine with: gongxu token add NAME --home DIR"}
		return s.renderStatus(w, r, http.StatusUnauthorized, "signin", view{Title: "Sign in", Section: "signin", Content: d})
	}
	if old := s.sessions.get(r); old != nil {
		s.sessions.end(old) // a sign-in always starts a new session
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.id, Path: "/", HttpOnly: true, Secure: overTLS(r),
		SameSite: http.SameSiteStrictMode, MaxAge: int(sessionTTL / time.Second)})
	s.log.Info("web: signed in", "token", sess.Name, "remote", r.RemoteAddr)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *server) signoutSubmit(w http.ResponseWriter, r *http.Request) error {
	if why := s.sameSite(r); why != "" {
		s.forbidden(w, r, why)
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSignIn)
	if err := r.ParseForm(); err != nil {
		s.problem(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return nil
	}
	if sess := s.sessions.get(r); sess != nil {
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue(signoutField)), []byte(sess.out)) != 1 {
			s.forbidden(w, r, "This sign-out form is not this session's. Sign out from a page of this node.")
			return nil
		}
		s.sessions.end(sess)
		s.log.Info("web: signed out", "token", sess.Name, "remote", r.RemoteAddr)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: overTLS(r),
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// overTLS reports whether the browser reached the node over TLS: directly,
// or through a TLS reverse proxy that says so (X-Forwarded-Proto: https),
// so that the session cookie is marked Secure behind one too.
func overTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
