package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
)

// The forms that act with this node's operator key (the hub's walk-in
// pledge, the supplier's answers to purchase orders) share one guard: they
// answer only clients on this machine, only submissions from their own page,
// and only with a CSRF token: a random value in a cookie and in a hidden
// field, which must match. The token changes after every submission, so that
// a resubmitted (or replayed) form is refused instead of acting twice.
const (
	csrfCookie = "gongxu_hub_csrf" // the hub form's cookie (hubGuard)
	csrfField  = "csrf"
	csrfBytes  = 32
	maxForm    = 16 << 10
)

// formGuard is the guard of one form: its name for people, its cookie and
// the path the cookie is scoped to (the form's own page), and what to do
// after a refused token.
type formGuard struct {
	Name   string // "The hub form"
	Cookie string
	Path   string
	Again  string // "Open the hub page again to record a pledge."
}

// The guards of the forms.
var (
	hubGuard = formGuard{Name: "The hub form", Cookie: csrfCookie, Path: "/hub",
		Again: "Open the hub page again to record a pledge."}
	supplierGuard = formGuard{Name: "The supplier inbox", Cookie: "gongxu_supplier_csrf", Path: "/supplier",
		Again: "Open the supplier inbox again to answer."}
)

// loopback reports whether the request comes from this machine. The guarded
// forms act with the node's operator key: only its own machine may use them.
// (Behind a reverse proxy on the same machine every request looks local: do
// not put one in front of the pages.)
func loopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func newToken() string {
	b := make([]byte, csrfBytes)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

// setToken gives the browser a fresh CSRF token for the form and returns it.
func (g formGuard) setToken(w http.ResponseWriter) string {
	tok := newToken()
	http.SetCookie(w, &http.Cookie{Name: g.Cookie, Value: tok, Path: g.Path, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: 12 * 3600})
	return tok
}

// validToken reports whether the form's token matches the cookie's.
func (g formGuard) validToken(r *http.Request) bool {
	c, err := r.Cookie(g.Cookie)
	if err != nil || len(c.Value) != 2*csrfBytes {
		return false
	}
	f := r.PostFormValue(csrfField)
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(f)) == 1
}

// tokenFor reuses the browser's CSRF token when it has a well-formed one, so
// that two tabs of the form both work, and sets a new one otherwise.
func (g formGuard) tokenFor(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(g.Cookie); err == nil && len(c.Value) == 2*csrfBytes {
		if _, err := hex.DecodeString(c.Value); err == nil {
			return c.Value
		}
	}
	return g.setToken(w)
}

// admit checks a POST of the guarded form before anything is read or sent:
// from this machine, from the form's own page, within the size limit, with
// the form's token. When it refuses, it has written the answer (403 or 400)
// and returns false; the caller then only returns.
func (s *server) admit(w http.ResponseWriter, r *http.Request, g formGuard) bool {
	if !loopback(r) {
		s.log.Warn("web: form posted from another machine", "form", g.Path, "remote", r.RemoteAddr)
		s.forbidden(w, r, g.Name+" only answers on this node's own machine.")
		return false
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		s.forbidden(w, r, g.Name+" only accepts submissions from its own page.")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.problem(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return false
	}
	if !g.validToken(r) {
		s.forbidden(w, r, "This form has expired or was already submitted. "+g.Again)
		return false
	}
	return true
}

// forbidden renders a 403 page with msg.
func (s *server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	s.problem(w, r, http.StatusForbidden, "Not allowed", msg)
}
