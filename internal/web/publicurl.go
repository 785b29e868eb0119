package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The public address. QR codes and share links leave the node's screen: a
// consumer keeps a receipt's QR code, goods carry a provenance page's. They
// name the node by Config.PublicURL ("https://trace.hilltown.example"), the
// address people reach it at from anywhere, and not by the address the page
// happened to be opened at (http://127.0.0.1:8080 on the hub's own till).

// cleanPublicURL checks a Config.PublicURL and returns it without a
// trailing slash: an http or https address with a host, and nothing after
// its path ("" stays "": pages then use the request's address).
func cleanPublicURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.ContainsAny(u.Host, "/\\?#@ ") || len(raw) > 200 {
		return "", fmt.Errorf("web: PublicURL %q must be an http or https address with a host and no query, such as https://gongxu.example.com", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// publicURL is the absolute address of path (a path of this site, "/p/…")
// for QR codes and share links: under Config.PublicURL when it is set, else
// where the request reached this node (absURL).
func (s *server) publicURL(r *http.Request, path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if s.public != "" {
		return s.public + path
	}
	return absURL(r, path)
}

// digitalLink is the GS1 Digital Link URI of a lot of a trade item on this
// node's public address: PUBLIC/01/GTIN/10/LOT, with the GTIN as 14 digits.
// ok is false when the GTIN is not 8, 12, 13 or 14 digits or there is no
// lot number. GET /01/{gtin}/10/{lot} on this node leads to the lot's
// provenance page.
func (s *server) digitalLink(r *http.Request, gtin, lot string) (string, bool) {
	g, ok := gtin14(gtin)
	if !ok || lot == "" || len(lot) > 20 {
		return "", false
	}
	return s.publicURL(r, "/01/"+g+"/10/"+url.PathEscape(lot)), true
}

// gtin14 is a GTIN-8, -12, -13 or -14 padded to 14 digits.
func gtin14(g string) (string, bool) {
	switch len(g) {
	case 8, 12, 13, 14:
	default:
		return "", false
	}
	if strings.Trim(g, "0123456789") != "" {
		return "", false
	}
	return strings.Repeat("0", 14-len(g)) + g, true
}

// maxDLProducts bounds the products a Digital Link lookup reads; each
// client address resolves dlRate links a second, in bursts of dlBurst (a
// lookup reads the product list).
const (
	maxDLProducts = 10_000
	dlRate        = 5
	dlBurst       = 20
)

// digitalLinkLot answers GET /01/{gtin}/10/{lot}, the GS1 Digital Link of a
// lot (the provenance page's QR code): it leads to the provenance page of
// the ledger lot LOT of the factory whose product has that GTIN, or to the
// provenance page of the Digital Link itself (which finds what EPCIS events
// name it) when no product has it.
func (s *server) digitalLinkLot(w http.ResponseWriter, r *http.Request) error {
	gtin, lot := r.PathValue("gtin"), r.PathValue("lot")
	g, ok := gtin14(gtin)
	if !ok || lot == "" || len(lot) > 20 || r.URL.RawQuery != "" && len(r.URL.RawQuery) > 512 {
		s.problem(w, r, http.StatusBadRequest, "Bad request", "This address is not one the pages can read.")
		return nil
	}
	if !s.dlRL.allow(r) {
		w.Header().Set("Retry-After", "1")
		s.problem(w, r, http.StatusTooManyRequests, "Too many requests", "Too many requests from your address. Try again in a moment.")
		return nil
	}
	if s.pools != nil && s.prod != nil {
		products, err := s.pools.Products(r.Context(), "")
		if err != nil {
			return err
		}
		for i, p := range products {
			if i >= maxDLProducts {
				break
			}
			pg, ok := gtin14(p.GTIN)
			if !ok || pg != g {
				continue
			}
			id := gongxu.LotID(string(p.Factory) + "/" + lot)
			if id.Validate() != nil {
				continue
			}
			if _, err := s.prod.Lot(r.Context(), id); err == nil {
				http.Redirect(w, r, lotPath(id), http.StatusSeeOther)
				return nil
			} else if k := gongxu.ErrorKind(err); k != gongxu.KindNotFound && k != gongxu.KindInvalid {
				return err
			}
		}
	}
	http.Redirect(w, r, "/p?id="+url.QueryEscape(s.publicURL(r, "/01/"+g+"/10/"+url.PathEscape(lot))), http.StatusSeeOther)
	return nil
}

// lotCode is a ledger lot's code: what follows its owner ("fab-0042").
func lotCode(id gongxu.LotID) string {
	_, code, _ := strings.Cut(string(id), "/")
	return code
}

// CheckPublicURL checks a Config.PublicURL as New does, for a node's
// config: an http or https address with a host and no query.
func CheckPublicURL(raw string) error {
	_, err := cleanPublicURL(raw)
	return err
}
