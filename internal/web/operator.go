package web

import (
	"net/http"

	"github.com/gongxu-network/gongxu"
)

// gate is what a form that acts with this node's operator key says when it
// cannot: the org it acts for must exist, be a member, and hold the role.
type gate struct {
	Form       string      // "The hub form"
	Role       gongxu.Role // the role the operator's org needs
	OrRole     gongxu.Role // another role that will do, if any
	NoKey      string      // the node has no operator key
	Unadmitted string      // the key belongs to no member org yet
	NoRole     string      // the org lacks the role: a format with the org's name
}

// The gates of the forms.
var (
	hubGate = gate{Form: "The hub form", Role: gongxu.RoleHub,
		NoKey:      "This node has no operator key to sign with, so it records no walk-in pledges. A hub records them on its own node.",
		Unadmitted: "This node's operator key belongs to no member organization yet. Once the network admits the organization with the hub role, its walk-in pledges can be recorded here.",
		NoRole:     "%s is not a hub. Only hubs gather consumers' pledges; a member vote can add the hub role."}
	supplierGate = gate{Form: "The supplier inbox", Role: gongxu.RoleSupplier,
		NoKey:      "This node has no operator key to sign with, so it answers no purchase orders. A supplier answers them on its own node.",
		Unadmitted: "This node's operator key belongs to no member organization yet. Once the network admits the organization with the supplier role, it answers its purchase orders here.",
		NoRole:     "%s is not a supplier. Purchase orders go to supplier organizations; a member vote can add the supplier role."}
)

// operatorOrg returns the member org this node's operator key acts for, or
// a problem saying why the form g cannot act (with the org as far as it is
// known); err is for failures to read.
func (s *server) operatorOrg(r *http.Request, g gate) (gongxu.Org, string, error) {
	ctx := r.Context()
	l := s.langs.pick(r)
	if s.op == nil {
		return gongxu.Org{}, l.T(g.NoKey), nil
	}
	if !s.fromHere(r) {
		return gongxu.Org{}, l.T("%s acts with this node's operator key, so it only answers on the node's own machine. Open it there, at http://127.0.0.1.", l.maybe(g.Form)), nil
	}
	id, err := s.operator(r).Org(ctx)
	if err != nil {
		return gongxu.Org{}, "", err
	}
	if id == "" {
		return gongxu.Org{}, l.T(g.Unadmitted), nil
	}
	org, err := s.members.Org(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return gongxu.Org{ID: id, Name: string(id)}, l.T("This node's operator key belongs to %s, which is not a member organization (any more).", id), nil
	} else if err != nil {
		return gongxu.Org{}, "", err
	}
	if g.Role != "" && !org.HasRole(g.Role) && (g.OrRole == "" || !org.HasRole(g.OrRole)) {
		return org, l.T(g.NoRole, org.Name), nil // a message (messages_zh.go)
	}
	return org, "", nil
}
