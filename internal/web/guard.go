package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The forms that act with this node's operator key (the hub's walk-in
// pledge, the supplier's answers to purchase orders) share one guard. A
// submission is taken only when all of these hold:
//
//   - its Host is one of the node's own addresses (Config.Hosts), and so is
//     its Origin when the browser sends one, and Sec-Fetch-Site (when sent)
//     says it comes from the page itself: a page of another site, or of a
//     name that resolves to this machine (DNS rebinding), cannot post it;
//   - it comes from this machine, unless Config.RemoteForms lets signed-in
//     people use the forms from elsewhere;
//   - the browser is signed in (session.go) with an API token of the node;
//   - it carries a form token that this session was given with the form,
//     used once: consumed atomically on the first submission, so that a
//     double click or a replay records nothing a second time.
const (
	csrfField = "csrf"
	maxForm   = 16 << 10
)

// formGuard is the guard of one form: its name for people, the form its
// tokens belong to and where to open it again.
type formGuard struct {
	Name  string // "The hub form"
	Form  string // the tokens' form: a token of one form is no good for another
	Path  string // the form's page
	Again string // "Open the hub page again to record a pledge."
}

// The guards of the forms.
var (
	hubGuard = formGuard{Name: "The hub form", Form: "hub", Path: "/hub",
		Again: "Open the hub page again to record a pledge."}
	supplierGuard = formGuard{Name: "The supplier inbox", Form: "supplier", Path: "/supplier",
		Again: "Open the supplier inbox again to answer."}
)

// loopback reports whether the request comes from this machine. (Behind a
// reverse proxy on the same machine every request looks local: the session
// and the Host check still hold.)
func loopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// fromHere reports whether forms may be used from where r comes: this
// machine, or anywhere when Config.RemoteForms.
func (s *server) fromHere(r *http.Request) bool { return s.remoteForms || loopback(r) }

// hostMatcher decides which Host names are this node's: the entries of
// Config.Hosts, each "host:port" (that port only) or "host" (any port). An
// entry whose host is an unspecified address ("0.0.0.0:8080", "[::]:8080",
// ":8080": the node listens on every address) admits any IP address with
// its port: a request by IP cannot come from a rebound DNS name.
type hostMatcher struct {
	exact   map[string]bool // "host:port", lower case
	anyPort map[string]bool // "host"
	anyIP   map[string]bool // "port"
}

// defaultHosts are the Hosts when Config.Hosts is empty: loopback names.
var defaultHosts = []string{"localhost", "127.0.0.1", "::1"}

func newHostMatcher(hosts []string) hostMatcher {
	if len(hosts) == 0 {
		hosts = defaultHosts
	}
	m := hostMatcher{exact: map[string]bool{}, anyPort: map[string]bool{}, anyIP: map[string]bool{}}
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		host, port, err := net.SplitHostPort(h)
		switch {
		case err != nil:
			m.anyPort[strings.Trim(h, "[]")] = true
		case host == "" || net.ParseIP(host) != nil && net.ParseIP(host).IsUnspecified():
			m.anyIP[port] = true
		default:
			m.exact[net.JoinHostPort(host, port)] = true
		}
	}
	return m
}

// allowed reports whether hostport (a Host header, or an Origin's host) is
// one of the node's.
func (m hostMatcher) allowed(hostport string) bool {
	hostport = strings.ToLower(hostport)
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.Trim(hostport, "[]"), ""
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return false
	}
	if m.anyPort[host] || port != "" && m.exact[net.JoinHostPort(host, port)] {
		return true
	}
	return port != "" && m.anyIP[port] && net.ParseIP(host) != nil
}

// sameSite checks where a state-changing request comes from: its Host, its
// Origin and Sec-Fetch-Site. It returns "" when they are this node's, else
// why not, for people.
func (s *server) sameSite(r *http.Request) string {
	if !s.hosts.allowed(r.Host) {
		return "This page was asked for under the name " + quoteHost(r.Host) + ", which is not one of this node's addresses. Open it at the node's own address."
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || !s.hosts.allowed(u.Host) {
			return "The form was sent from another site (" + quoteHost(o) + "). It only accepts submissions from its own page."
		}
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "The form was sent from another site. It only accepts submissions from its own page."
	}
	return ""
}

// quoteHost shows a name from a request, cut and without control
// characters.
func quoteHost(h string) string {
	if len(h) > 80 {
		h = h[:80] + "…"
	}
	return `"` + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, h) + `"`
}

// admit checks a POST of a guarded form before anything is sent: from the
// node's own site and machine, within the size limit, signed in, with an
// unused form token of this form, which it consumes. When it refuses, it
// has written the answer and returns nil; the caller then only returns.
// tok is the consumed token, to record what it did (session.done).
func (s *server) admit(w http.ResponseWriter, r *http.Request, g formGuard) (sess *session, tok string) {
	if why := s.sameSite(r); why != "" {
		s.log.Warn("web: form refused: not from this node's site", "form", g.Path, "host", r.Host, "origin", r.Header.Get("Origin"), "remote", r.RemoteAddr)
		s.forbidden(w, r, why)
		return nil, ""
	}
	if !s.fromHere(r) {
		s.log.Warn("web: form posted from another machine", "form", g.Path, "remote", r.RemoteAddr)
		s.forbidden(w, r, g.Name+" only answers on this node's own machine.")
		return nil, ""
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.problem(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return nil, ""
	}
	sess = s.sessions.get(r)
	if sess == nil {
		s.problemLink(w, r, http.StatusUnauthorized, "Sign in first",
			g.Name+" acts with this node's key: sign in with an API token of the node, then open it again. Nothing was recorded.",
			signInPath(g.Path), "Sign in")
		return nil, ""
	}
	tok = r.PostFormValue(csrfField)
	switch result, res := s.sessions.consume(sess, g.Form, tok); res {
	case tokenOK:
	case tokenUsed:
		msg := "This form was already submitted, and is recorded only once: this submission recorded nothing."
		if result != "" {
			msg += " " + result
		} else {
			msg += " The first submission may still be under way: look before trying again."
		}
		s.problemLink(w, r, http.StatusConflict, "Already submitted", msg, g.Path, "Open the form again")
		return nil, ""
	default:
		s.forbidden(w, r, "This form has expired or was not given to this session. "+g.Again)
		return nil, ""
	}
	return sess, tok
}

// forbidden renders a 403 page with msg.
func (s *server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	s.problem(w, r, http.StatusForbidden, "Not allowed", msg)
}

// offerForm gives a form page its token when the request may use the form,
// and otherwise says why not (problem) and where to sign in (signIn).
// what finishes the sentence "Sign in with an API token of this node …".
func (s *server) offerForm(r *http.Request, g formGuard, csrf, problem, signIn *string, what string) {
	l := s.langs.pick(r)
	switch {
	case !s.hosts.allowed(r.Host):
		*problem = l.T("%s acts with this node's key, so it only answers under the node's own address. Open it there.", l.maybe(g.Name))
	case s.sessions.tokens == nil:
		*problem = l.T("%s acts with this node's key, and this node takes no sign-ins, so it is not offered here.", l.maybe(g.Name))
	default:
		if *csrf = s.formToken(r, g.Form); *csrf == "" {
			*problem = l.T("%s acts with this node's key: sign in with an API token of this node %s.", l.maybe(g.Name), l.maybe(what))
			*signIn = signInPath(r.URL.RequestURI())
		}
	}
}
