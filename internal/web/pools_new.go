package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// A factory opens a pool on one of its products: GET /pools/new shows the
// form, POST /pools/new sends gongxu.PoolOpenBody. The form takes prefills
// from its query (other pages link to it, the demand page's "suggest a
// pool" among them): product, min_batch, cap, tiers ("qty:price,qty:price"
// in units and the currency's major unit, "100:89.00,300:79.00"),
// deadline_days, and also variants, case_pack, hubs and terms. The deadline is a
// date and time in the node's time zone (Config.TimeZone), from the latest
// block to maxPoolDays ahead; prices at most maxUnitPriceMajor per unit.

// poolCurrency is the currency of the pools the form opens.
const poolCurrency = "CNY"

// deadlineLayout is the value of a datetime-local input.
const deadlineLayout = "2006-01-02T15:04"

// defaultPoolDays is the deadline a form without a prefill offers, and the
// length of the next pool a demand page suggests for a product that had none.
const defaultPoolDays = 14

// poolNewForm is what the form's inputs hold.
type poolNewForm struct {
	Product  string
	Variants string // comma-separated variant ids; empty: all
	Tiers    string // "qty:price,…"
	MinBatch string
	Cap      string
	CasePack string
	Deadline string // datetime-local, in the node's time zone
	Hubs     string // comma-separated hub ids; empty: every hub
	Terms    string
	Stock    bool // from_stock: the pool sells goods the factory holds
	// RepeatDays and RepeatTimes reopen the pool on a schedule: every so
	// many days, so many times (both empty: once).
	RepeatDays  string
	RepeatTimes string
}

type poolNewData struct {
	actOffer
	Org      gongxu.Org
	Products []gongxu.Product
	Hubs     []gongxu.Org // the member hubs, for the hubs field
	Form     poolNewForm
	Zone     string // the deadline's time zone, "UTC+8"
	Min, Max string // the deadline's bounds, as the input writes them
	Currency string
}

// poolNewState reads the factory and its products; d.Problem says why
// there is no form.
func (s *server) poolNewState(r *http.Request, form poolNewForm) (poolNewData, int64, error) {
	ctx := r.Context()
	l := s.langs.pick(r)
	d := poolNewData{Form: form, Currency: poolCurrency}
	now, err := s.latestBlock(ctx)
	if err != nil {
		return d, 0, err
	}
	if now == 0 {
		now = s.now().UnixMilli()
	}
	at := l.in(msTime(now))
	d.Zone = zoneLabel(at)
	d.Min = at.Format(deadlineLayout)
	d.Max = at.AddDate(0, 0, maxPoolDays).Format(deadlineLayout)
	if d.actOffer, err = s.offerAction(r, factoryGate, poolNewGuard, "", "", "to open pools"); err != nil {
		return d, now, err
	}
	d.Org = d.Actor
	if d.Problem != "" && d.Org.ID == "" {
		return d, now, nil
	}
	if d.Org.ID != "" && d.Org.HasRole(gongxu.RoleFactory) {
		if d.Products, err = s.pools.Products(ctx, d.Org.ID); err != nil {
			return d, now, err
		}
		slices.SortFunc(d.Products, func(a, b gongxu.Product) int { return strings.Compare(string(a.ID), string(b.ID)) })
	}
	orgs, err := s.members.Orgs(ctx)
	if err != nil {
		return d, now, err
	}
	for _, o := range orgs {
		if o.HasRole(gongxu.RoleHub) {
			d.Hubs = append(d.Hubs, o)
		}
	}
	if d.Problem == "" && len(d.Products) == 0 {
		d.Problem = l.T("%s has no products in the catalog yet: a pool is opened on one of them.", d.Org.Name)
		d.CSRF = ""
	}
	return d, now, nil
}

func (s *server) poolNewPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := poolNewForm{Product: q.Get("product"), Variants: q.Get("variants"), Tiers: q.Get("tiers"),
		MinBatch: q.Get("min_batch"), Cap: q.Get("cap"), CasePack: q.Get("case_pack"), Hubs: q.Get("hubs"), Terms: q.Get("terms"),
		RepeatDays: q.Get("repeat_days"), RepeatTimes: q.Get("repeat_times")}
	if form.CasePack == "" {
		form.CasePack = "1"
	}
	d, now, err := s.poolNewState(r, form)
	if err != nil {
		return err
	}
	days := int64(defaultPoolDays)
	if n, err := strconv.ParseInt(q.Get("deadline_days"), 10, 64); err == nil && n >= 1 && n <= maxPoolDays {
		days = n
	}
	l := s.langs.pick(r)
	d.Form.Deadline = l.in(msTime(now + days*dayMillis)).Format(deadlineLayout)
	status := http.StatusOK
	if s.op != nil && !s.fromHere(r) {
		status = http.StatusForbidden
	}
	return s.renderStatus(w, r, status, "pools_new", view{Title: "Open a pool", Section: "pools", Content: d})
}

func (s *server) poolNewSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, tok, err := s.admitAction(w, r, factoryGate, poolNewGuard, "", "")
	if sess == nil || err != nil {
		return err
	}
	form := poolNewForm{Product: strings.TrimSpace(r.PostFormValue("product")), Variants: r.PostFormValue("variants"),
		Tiers: r.PostFormValue("tiers"), MinBatch: strings.TrimSpace(r.PostFormValue("min_batch")), Cap: strings.TrimSpace(r.PostFormValue("cap")),
		CasePack: strings.TrimSpace(r.PostFormValue("case_pack")), Deadline: strings.TrimSpace(r.PostFormValue("deadline")),
		Hubs: r.PostFormValue("hubs"), Terms: strings.TrimSpace(r.PostFormValue("terms")), Stock: r.PostFormValue("from_stock") != "",
		RepeatDays: strings.TrimSpace(r.PostFormValue("repeat_days")), RepeatTimes: strings.TrimSpace(r.PostFormValue("repeat_times"))}
	d, now, err := s.poolNewState(r, form)
	if err != nil {
		return err
	}
	if d.Problem != "" {
		s.problemLink(w, r, http.StatusForbidden, "Not allowed", d.Problem+" "+s.langs.pick(r).T("Nothing was sent."), poolNewGuard.Path, "Back")
		return nil
	}
	l := s.langs.pick(r)
	body, bad := parsePoolForm(l, form, d.Products, d.Hubs, now)
	if bad != nil {
		s.badInput(w, r, poolNewGuard, bad.key, bad.args...)
		return nil
	}
	if rep := body.Repeat; rep != nil {
		return s.sendAction(w, r, sess, tok, pageGuard(poolNewGuard, "/pools"), gongxu.TypePoolOpen, body, "Open a pool",
			"You opened a pool of %s: %d to %d units, pledges until %s; it reopens every %d days, %d times.", string(body.Product), int64(body.MOQ),
			int64(body.Cap), l.msHuman(body.Deadline), rep.EveryMs/dayMillis, rep.Times)
	}
	return s.sendAction(w, r, sess, tok, pageGuard(poolNewGuard, "/pools"), gongxu.TypePoolOpen, body, "Open a pool",
		"You opened a pool of %s: %d to %d units, pledges until %s.", string(body.Product), int64(body.MOQ), int64(body.Cap), l.msHuman(body.Deadline))
}

// formProblem is what is wrong with a form: a message and its arguments.
type formProblem struct {
	key  string
	args []any
}

func problemf(key string, args ...any) *formProblem { return &formProblem{key: key, args: args} }

// formUnits reads a whole number of units from 1 to maxPoolUnits.
func formUnits(raw string) (gongxu.Units, bool) {
	n, ok := parseDecimal(raw, 0)
	if !ok || n < 1 || n > maxPoolUnits {
		return 0, false
	}
	return gongxu.Units(n), true
}

// parsePoolForm checks the new pool form against the factory's products
// and the latest block time now, and builds the message.
func parsePoolForm(l *locale, f poolNewForm, products []gongxu.Product, hubs []gongxu.Org, now int64) (gongxu.PoolOpenBody, *formProblem) {
	b := gongxu.PoolOpenBody{Product: gongxu.ProductID(f.Product), Currency: poolCurrency, Terms: f.Terms, FromStock: f.Stock}
	i := slices.IndexFunc(products, func(p gongxu.Product) bool { return string(p.ID) == f.Product })
	if i < 0 {
		return b, problemf("Choose one of your products; %q is not one.", f.Product)
	}
	prod := products[i]
	seen := map[string]bool{}
	for _, v := range strings.Split(f.Variants, ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if !slices.ContainsFunc(prod.Variants, func(x gongxu.Variant) bool { return x.ID == v }) {
			return b, problemf("%s has no variant %q.", prod.Name, v)
		}
		if seen[v] {
			return b, problemf("The variant %q is listed twice.", v)
		}
		seen[v] = true
		b.Variants = append(b.Variants, v)
	}
	var ok bool
	if b.MOQ, ok = formUnits(f.MinBatch); !ok {
		return b, problemf("The minimum batch must be a whole number of units from 1 to %d, not %q.", maxPoolUnits, f.MinBatch)
	}
	if b.Cap, ok = formUnits(f.Cap); !ok {
		return b, problemf("The cap must be a whole number of units from 1 to %d, not %q.", maxPoolUnits, f.Cap)
	}
	if b.Cap < b.MOQ {
		return b, problemf("The cap (%d) must be at least the minimum batch (%d).", int64(b.Cap), int64(b.MOQ))
	}
	if f.CasePack == "" {
		f.CasePack = "1"
	}
	if b.CasePack, ok = formUnits(f.CasePack); !ok {
		return b, problemf("The case pack must be a whole number of units from 1 to %d, not %q.", maxPoolUnits, f.CasePack)
	}
	if b.Cap%b.CasePack != 0 {
		return b, problemf("The cap (%d) must be a multiple of the case pack (%d).", int64(b.Cap), int64(b.CasePack))
	}
	scale := moneyScale(poolCurrency)
	parts := strings.Split(f.Tiers, ",")
	if strings.TrimSpace(f.Tiers) == "" || len(parts) > 16 {
		return b, problemf("Give 1 to 16 price tiers as quantity:price, separated by commas (100:89.00,300:79.00).")
	}
	for j, part := range parts {
		qs, ps, found := strings.Cut(strings.TrimSpace(part), ":")
		if !found {
			return b, problemf("Tier %d: %q is not quantity:price.", j+1, strings.TrimSpace(part))
		}
		q, ok := formUnits(qs)
		if !ok {
			return b, problemf("Tier %d: the quantity must be a whole number of units from 1 to %d, not %q.", j+1, maxPoolUnits, strings.TrimSpace(qs))
		}
		p, ok := parseDecimal(ps, scale)
		if !ok || p <= 0 {
			return b, problemf("Tier %d: the unit price must be a positive amount of %s (up to %d decimals), not %q.", j+1, poolCurrency, scale, strings.TrimSpace(ps))
		}
		if bound := maxUnitPrice(scale); p > bound {
			return b, problemf("Tier %d: the unit price %s is more than %s per unit: check the amount.", j+1,
				money(gongxu.Amount(p), poolCurrency), money(gongxu.Amount(bound), poolCurrency))
		}
		t := gongxu.Tier{MinQty: q, UnitPrice: gongxu.Amount(p)}
		if j == 0 {
			// The first tier's price holds from the first unit: a pool
			// below its minimum batch fails anyway.
			if q > b.MOQ && q != 1 {
				return b, problemf("The first tier starts at %d units; it must start at 1 or at most at the minimum batch (%d).", int64(q), int64(b.MOQ))
			}
			t.MinQty = 1
		} else {
			prev := b.Tiers[j-1]
			if t.MinQty <= prev.MinQty {
				return b, problemf("Tier %d: its quantity must be above the previous tier's.", j+1)
			}
			if t.UnitPrice >= prev.UnitPrice {
				return b, problemf("Tier %d: its price must be below the previous tier's (prices fall as the total grows).", j+1)
			}
		}
		b.Tiers = append(b.Tiers, t)
	}
	if _, err := gongxu.Cost(b.Cap, b.Tiers[0].UnitPrice); err != nil {
		return b, problemf("The cap times the first price is more than an amount can hold: lower the cap or the price.")
	}
	at, err := time.ParseInLocation(deadlineLayout, f.Deadline, zoneOr(l.zone))
	if err != nil {
		return b, problemf("The deadline must be a date and time (YYYY-MM-DDTHH:MM), not %q.", f.Deadline)
	}
	b.Deadline = at.UnixMilli()
	if b.Deadline <= now {
		return b, problemf("The deadline %s is not in the future (now is %s).", l.msHuman(b.Deadline), l.msHuman(now))
	}
	if b.Deadline-now > maxPoolDays*dayMillis {
		return b, problemf("The deadline %s is more than %d days ahead.", l.msHuman(b.Deadline), maxPoolDays)
	}
	seenHub := map[string]bool{}
	for _, h := range strings.Split(f.Hubs, ",") {
		if h = strings.TrimSpace(h); h == "" {
			continue
		}
		if !slices.ContainsFunc(hubs, func(o gongxu.Org) bool { return string(o.ID) == h }) {
			return b, problemf("%q is not a member hub.", h)
		}
		if seenHub[h] {
			return b, problemf("The hub %q is listed twice.", h)
		}
		seenHub[h] = true
		b.Hubs = append(b.Hubs, gongxu.OrgID(h))
	}
	if len(b.Terms) > maxTermsBytes {
		return b, problemf("The terms are %d bytes long; the ledger takes at most %d.", len(b.Terms), maxTermsBytes)
	}
	if b.Repeat, ok = parseRepeatForm(f); !ok {
		return b, problemf("To reopen the pool, give the days between pools (1 to %d) and how many times it reopens (1 to %d), or leave both empty.",
			gongxu.MaxPoolRepeatMs/dayMillis, gongxu.MaxPoolRepeats)
	}
	return b, nil
}

// parseRepeatForm reads the form's repeat: both fields empty (none), or a
// whole number of days and of times within the ledger's bounds.
func parseRepeatForm(f poolNewForm) (*gongxu.PoolRepeat, bool) {
	if f.RepeatDays == "" && f.RepeatTimes == "" {
		return nil, true
	}
	days, ok1 := parseDecimal(f.RepeatDays, 0)
	times, ok2 := parseDecimal(f.RepeatTimes, 0)
	if !ok1 || !ok2 || days < gongxu.MinPoolRepeatMs/dayMillis || days > gongxu.MaxPoolRepeatMs/dayMillis || times < 1 || times > gongxu.MaxPoolRepeats {
		return nil, false
	}
	return &gongxu.PoolRepeat{EveryMs: days * dayMillis, Times: times}, true
}
