package web

import (
	"cmp"
	"crypto/rand"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The hub form sends a deposit of the money the hub took at its till
// (gongxu.DepositBody) and a batch of one pledge (gongxu.BatchBody): the
// root's definitions of the modules' messages (web imports no module).

// walkInRef is the reference of the deposit of a walk-in consumer's cash.
const walkInRef = "walk-in"

// hubOption is one choice of the form's pool select: a pool and a variant.
type hubOption struct {
	Value    string // "<pool>/<variant>"
	Label    string
	Selected bool
}

// hubPool is an open pool the hub may gather for, with its choices.
type hubPool struct {
	Pool    gongxu.Pool
	Options []hubOption
}

// hubForm is what was entered, to show again after a rejection.
type hubForm struct {
	Item string
	Qty  string
	Paid bool
}

type hubData struct {
	Org     gongxu.Org // the operator's org (zero when there is none)
	Problem string     // why this node records no walk-in pledges; the form is not offered
	Pools   []hubPool
	SignIn  string // the sign-in page, when signing in would open the form
	CSRF    string
	Form    hubForm
	Error   string           // why the last submission was refused
	Deposit *gongxu.TxResult // a deposit that was recorded before the batch was refused
	Now     int64            // latest block time
	// DemandCards are the open pools' products' forecasts (demand_card.go;
	// nil without demand services).
	DemandCards []*demandCard
}

// receiptData is the page a hub prints for its walk-in consumer.
type receiptData struct {
	Pool       gongxu.Pool
	Hub        gongxu.Org
	Leaf       gongxu.PoolLeaf
	Secret     string // the consumer's pickup secret: on this page only
	Variant    string // named
	Escrow     gongxu.Amount
	Deposit    *gongxu.TxResult // when the consumer paid cash now
	Batch      gongxu.TxResult
	ReceiptURL string
	// The consumer's receipt code and its QR code: the address of their
	// pledge page (pledge.go) with the code, to keep and to show at pickup.
	Code      string
	PledgeURL string
	QR        template.HTML
}

// hubState reads the operator's org and the pools it may gather for; d.Problem
// says why there is no form.
func (s *server) hubState(r *http.Request, form hubForm) (hubData, error) {
	ctx := r.Context()
	var d hubData
	d.Form = form
	org, problem, err := s.operatorOrg(r, hubGate)
	if err != nil || problem != "" {
		d.Org, d.Problem = org, problem
		return d, err
	}
	d.Org = org
	if d.Now, err = s.latestBlock(ctx); err != nil {
		return d, err
	}
	pools, err := s.pools.Pools(ctx, gongxu.PoolFilter{Status: gongxu.PoolOpen, Hub: org.ID, Limit: listOpenPools})
	if err != nil {
		return d, err
	}
	slices.SortStableFunc(pools, func(a, b gongxu.Pool) int { return cmp.Compare(a.ID, b.ID) })
	for _, p := range pools {
		if len(p.Hubs) > 0 && !slices.Contains(p.Hubs, org.ID) || d.Now > 0 && p.Deadline <= d.Now {
			continue
		}
		names, _, err := s.variantNames(ctx, p)
		if err != nil {
			return d, err
		}
		hp := hubPool{Pool: p}
		variants := p.Variants
		if len(variants) == 0 {
			variants = []string{""}
		}
		for _, v := range variants {
			o := hubOption{Value: strconv.FormatUint(p.ID, 10) + "/" + v, Label: fmt.Sprintf("#%d %s", p.ID, p.Title)}
			if v != "" {
				o.Label += " · " + variantLabel(names, v)
			}
			o.Selected = o.Value == form.Item
			hp.Options = append(hp.Options, o)
		}
		d.Pools = append(d.Pools, hp)
	}
	return d, nil
}

func (s *server) hubForm(w http.ResponseWriter, r *http.Request) error {
	form := hubForm{Qty: "1"}
	if raw := r.URL.Query().Get("pool"); raw != "" {
		form.Item = raw + "/" // preselect the pool's first choice
	}
	d, err := s.hubState(r, form)
	if err != nil {
		return err
	}
	if form.Item != "" {
		preselect(&d, form.Item)
	}
	status := http.StatusOK
	if s.op != nil && !s.fromHere(r) {
		status = http.StatusForbidden
	}
	if d.Problem == "" {
		s.offerForm(r, hubGuard, &d.CSRF, &d.Problem, &d.SignIn, "to record walk-in pledges")
	}
	if d.DemandCards, err = s.hubDemandCards(r, d.Pools); err != nil {
		return err
	}
	return s.renderStatus(w, r, status, "hub", view{Title: "Record a walk-in pledge", Section: "hub", Content: d})
}

// preselect selects the first choice of a pool ("<id>/") when the exact
// choice is not offered.
func preselect(d *hubData, item string) {
	id, _, _ := strings.Cut(item, "/")
	for i := range d.Pools {
		for j := range d.Pools[i].Options {
			if d.Pools[i].Options[j].Selected {
				return
			}
		}
	}
	for i := range d.Pools {
		if strconv.FormatUint(d.Pools[i].Pool.ID, 10) == id && len(d.Pools[i].Options) > 0 {
			d.Pools[i].Options[0].Selected = true
			return
		}
	}
}

func (s *server) hubSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, tok := s.admit(w, r, hubGuard)
	if sess == nil {
		return nil
	}
	form := hubForm{Item: r.PostFormValue("item"), Qty: strings.TrimSpace(r.PostFormValue("qty")), Paid: r.PostFormValue("paid") == "yes"}
	d, err := s.hubState(r, form)
	if err != nil {
		return err
	}
	if d.Problem != "" {
		return s.renderStatus(w, r, http.StatusConflict, "hub", view{Title: "Record a walk-in pledge", Section: "hub", Content: d})
	}
	// The token is spent (admit): the form comes back with a new one.
	d.CSRF = s.sessions.issue(sess, hubGuard.Form)
	l := s.langs.pick(r)
	again := func(status int, format string, args ...any) error {
		d.Error = l.T(format, args...) // a message (messages_zh.go)
		return s.renderStatus(w, r, status, "hub", view{Title: "Record a walk-in pledge", Section: "hub", Content: d})
	}

	var chosen *hubPool
	var variant string
	for i := range d.Pools {
		for _, o := range d.Pools[i].Options {
			if o.Value == form.Item {
				chosen = &d.Pools[i]
				_, variant, _ = strings.Cut(o.Value, "/")
			}
		}
	}
	if chosen == nil {
		return again(http.StatusUnprocessableEntity, "Choose a pool that is open for %s.", d.Org.Name)
	}
	p := chosen.Pool
	n, err := strconv.ParseInt(form.Qty, 10, 64)
	qty := gongxu.Units(n)
	if err != nil || qty <= 0 {
		return again(http.StatusUnprocessableEntity, "The quantity must be a whole number from 1, not %q.", form.Qty)
	}
	if p.CasePack > 1 && qty%p.CasePack != 0 {
		return again(http.StatusUnprocessableEntity, "Pool %d takes pledges in cases of %d: the quantity must be a multiple of %d.", p.ID, p.CasePack, p.CasePack)
	}
	escrow, err := gongxu.Cost(qty, p.Tiers[0].UnitPrice)
	if err != nil {
		return again(http.StatusUnprocessableEntity, "%d units are too many.", qty)
	}

	// The consumer's pseudonym and pickup secret, drawn before anything is
	// recorded; the secret is shown on the receipt page only (the batch
	// holds its commitment, the public receipt never the secret).
	leaf, secret, err := gongxu.NewPoolLeaf(rand.Reader, variant, qty)
	if err != nil {
		return again(http.StatusInternalServerError, "This node could not draw the consumer's pickup secret (%v). Nothing was recorded.", err)
	}
	rc := receiptData{Pool: p, Hub: d.Org, Escrow: escrow, Leaf: leaf, Secret: secret}
	if form.Paid {
		res, err := s.operator(r).Send(r.Context(), gongxu.TypeDeposit, gongxu.DepositBody{Currency: p.Currency, Amount: escrow, Ref: walkInRef})
		if err != nil {
			return again(s.sendFailed(err, gongxu.TypeDeposit), "%s Nothing was recorded.", sendError(err))
		}
		if res.Code != 0 {
			return again(http.StatusUnprocessableEntity, "The network refused the deposit of %s: %s. Nothing was recorded.", money(escrow, p.Currency), rejection(res))
		}
		rc.Deposit = &res
		s.sessions.done(sess, tok, s.langs.pick(r).T("Its cash deposit was recorded in transaction %s.", res.Hash))
	}
	res, err := s.operator(r).Send(r.Context(), gongxu.TypePoolBatch, gongxu.BatchBody{Pool: p.ID, Leaves: []gongxu.PoolLeaf{rc.Leaf}})
	if err != nil || res.Code != 0 {
		status := http.StatusUnprocessableEntity
		if err != nil {
			d.Error, status = sendError(err), s.sendFailed(err, gongxu.TypePoolBatch)
		} else {
			d.Error = s.langs.pick(r).T("The network refused the pledge: %s.", rejection(res))
		}
		if rc.Deposit != nil {
			d.Deposit = rc.Deposit
			d.Error += fmt.Sprintf(" The cash deposit of %s was recorded: it stays in %s's account.", money(escrow, p.Currency), d.Org.Name)
		}
		return s.renderStatus(w, r, status, "hub", view{Title: "Record a walk-in pledge", Section: "hub", Content: d})
	}
	rc.Batch = res
	s.sessions.done(sess, tok, s.langs.pick(r).T("It was recorded: the pledge is in transaction %s.", res.Hash))
	rc.ReceiptURL = "/v1/batches/" + url.PathEscape(res.Hash) + "/receipts/0"
	rc.QR, rc.Code, rc.PledgeURL = s.receiptQR(r, receiptKey{Tx: res.Hash, Index: 0, Secret: secret})
	names, _, err := s.variantNames(r.Context(), p)
	if err != nil {
		s.log.Warn("web: variant names", "pool", p.ID, "err", err)
	}
	rc.Variant = variantLabel(names, variant)
	s.log.Info("web: walk-in pledge recorded", "pool", p.ID, "qty", qty, "tx", res.Hash, "paid", form.Paid)
	return s.render(w, r, "receipt", view{Title: "Pledge recorded", Section: "hub", Content: rc})
}

// rejection says why the network refused a transaction.
func rejection(res gongxu.TxResult) string {
	msg := res.Message
	if msg == "" {
		msg = "no reason given"
	}
	if res.Kind != "" {
		return res.Kind + ": " + msg
	}
	return msg
}

// sendError says, for people, why a message could not be sent.
func sendError(err error) string {
	switch gongxu.ErrorKind(err) {
	case gongxu.KindTimeout:
		return "The node did not see the transaction committed in time; it may still be. Look at the pool page before trying again."
	case gongxu.KindUnavailable, gongxu.KindBusy:
		return "The node is busy or starting. Try again in a moment."
	default:
		return "The node could not submit the transaction; its log has the details."
	}
}

// sendFailed logs a failed Send and returns the status of the page.
func (s *server) sendFailed(err error, typ string) int {
	switch gongxu.ErrorKind(err) {
	case gongxu.KindTimeout:
		return http.StatusGatewayTimeout
	case gongxu.KindUnavailable, gongxu.KindBusy:
		return http.StatusServiceUnavailable
	}
	s.log.Error("web: operator send failed", "type", typ, "err", err)
	return http.StatusInternalServerError
}

// hubDemandCards are the demand cards of the products of a hub's open pools,
// at most four, in the pools' order.
func (s *server) hubDemandCards(r *http.Request, pools []hubPool) ([]*demandCard, error) {
	var (
		out  []*demandCard
		seen = map[gongxu.ProductID]bool{}
	)
	for _, p := range pools {
		if len(out) == 4 {
			break
		}
		id := p.Pool.Product
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		c, err := s.demandCardFor(r, id)
		if err != nil {
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				continue
			}
			return nil, err
		}
		if c != nil {
			out = append(out, c)
		}
	}
	return out, nil
}
