package httpapi

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// The handlers of the demand side: products, pools, hub batches and their
// receipts, money, requests for quote.

// poolStatuses are the values of ?status= on GET /v1/pools.
var poolStatuses = []gongxu.PoolStatus{
	gongxu.PoolOpen, gongxu.PoolSucceeded, gongxu.PoolFailed, gongxu.PoolInProduction, gongxu.PoolReady,
	gongxu.PoolDelivered, gongxu.PoolSettled, gongxu.PoolCancelled,
}

// rfqStatuses are the values of ?status= on GET /v1/rfqs.
var rfqStatuses = []gongxu.RFQStatus{gongxu.RFQOpen, gongxu.RFQAwarded, gongxu.RFQCancelled, gongxu.RFQExpired}

// queryEnum reads an optional query parameter that must be one of values.
func queryEnum[T ~string](r *http.Request, name string, values []T) (T, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", nil
	}
	names := make([]string, len(values))
	for i, x := range values {
		if string(x) == v {
			return x, nil
		}
		names[i] = string(x)
	}
	return "", gongxu.Errorf(gongxu.KindInvalid, "%s must be one of %s; got %q", name, strings.Join(names, ", "), clip(v))
}

// queryOrg reads an optional query parameter holding an org id.
func queryOrg(r *http.Request, name string) (gongxu.OrgID, error) {
	id := gongxu.OrgID(r.URL.Query().Get(name))
	if id == "" {
		return "", nil
	}
	if err := id.Validate(); err != nil {
		return "", errOrgID(name, string(id))
	}
	return id, nil
}

func errOrgID(what, v string) error {
	return gongxu.Errorf(gongxu.KindInvalid, "%s %q must be an org id: 2 to 64 characters of a-z, 0-9 and '-', starting with a letter", what, clip(v))
}

// pathID reads a uint64 path parameter named id; what names it in errors.
func pathID(r *http.Request, what string) (uint64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, gongxu.Errorf(gongxu.KindInvalid, "%s id %q must be a non-negative integer", what, clip(v))
	}
	return id, nil
}

// pathAccount reads the {account} path parameter: org:<org id>, key:<public
// key>, escrow:<pool id>, captured:<pool id> or bond:<rfq id>.
func pathAccount(r *http.Request) (gongxu.AccountID, error) {
	a := r.PathValue("account")
	if !validAccount(a) {
		return "", gongxu.Errorf(gongxu.KindInvalid,
			"account %q must be org:<org id>, key:<public key, 64 lower-case hex characters>, escrow:<pool id>, captured:<pool id> or bond:<rfq id>", clip(a))
	}
	return gongxu.AccountID(a), nil
}

// validAccount reports whether a is a well-formed account name.
func validAccount(a string) bool { return gongxu.ValidateAccount(gongxu.AccountID(a)) == nil }

func (s *server) products(w http.ResponseWriter, r *http.Request) error {
	if s.pools == nil {
		return errNoService("products")
	}
	factory, err := queryOrg(r, "factory")
	if err != nil {
		return err
	}
	ps, err := s.pools.Products(r.Context(), factory)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(ps, normProduct))
	return nil
}

func (s *server) product(w http.ResponseWriter, r *http.Request) error {
	if s.pools == nil {
		return errNoService("products")
	}
	factory, sku := gongxu.OrgID(r.PathValue("factory")), r.PathValue("sku")
	if err := factory.Validate(); err != nil {
		return errOrgID("factory", string(factory))
	}
	if err := gongxu.ValidateSlug("sku", sku); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "sku %q must be 1 to 64 characters of a-z, 0-9, '-' and '.', starting with a letter or digit", clip(sku))
	}
	p, err := s.pools.Product(r.Context(), gongxu.NewProductID(factory, sku))
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normProduct(p))
	return nil
}

func (s *server) poolList(w http.ResponseWriter, r *http.Request) error {
	if s.pools == nil {
		return errNoService("pools")
	}
	var (
		f   gongxu.PoolFilter
		err error
	)
	if f.Status, err = queryEnum(r, "status", poolStatuses); err != nil {
		return err
	}
	if f.Factory, err = queryOrg(r, "factory"); err != nil {
		return err
	}
	if f.Hub, err = queryOrg(r, "hub"); err != nil {
		return err
	}
	if v := r.URL.Query().Get("series"); v != "" {
		if f.Series, err = strconv.ParseUint(v, 10, 64); err != nil || f.Series == 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "series %q must be a pool id from 1 (the series' first pool)", clip(v))
		}
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	ps, err := s.pools.Pools(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(ps, normPool))
	return nil
}

func (s *server) pool(w http.ResponseWriter, r *http.Request) error {
	if s.pools == nil {
		return errNoService("pools")
	}
	if s.node == nil {
		return errNoService("node status")
	}
	id, err := pathID(r, "pool")
	if err != nil {
		return err
	}
	p, err := s.pools.Pool(r.Context(), id)
	if err != nil {
		return err
	}
	now, err := s.blockTime(r)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, gongxu.PoolView{Pool: normPool(p), Progress: gongxu.PoolProgress(p, now)})
	return nil
}

// blockTime is the time of the node's latest block, unix ms: the "now" of a
// pool's progress. Never the wall clock, so every node answers alike.
func (s *server) blockTime(r *http.Request) (int64, error) {
	st, err := s.node.Status(r.Context())
	if err != nil {
		return 0, err
	}
	if st.BlockTime == "" {
		return 0, gongxu.Errorf(gongxu.KindUnavailable, "the node has no committed block yet")
	}
	t, err := time.Parse(time.RFC3339Nano, st.BlockTime)
	if err != nil {
		return 0, gongxu.Wrap(err, "the node's block time %q", st.BlockTime)
	}
	return t.UnixMilli(), nil
}

func (s *server) hubShares(w http.ResponseWriter, r *http.Request) error {
	if s.pools == nil {
		return errNoService("pools")
	}
	id, err := pathID(r, "pool")
	if err != nil {
		return err
	}
	shares, err := s.pools.HubShares(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(shares, func(h gongxu.HubShare) gongxu.HubShare {
		if h.Variants == nil {
			h.Variants = []gongxu.VariantQty{}
		}
		return h
	}))
	return nil
}

func (s *server) batches(w http.ResponseWriter, r *http.Request) error {
	if s.pools == nil {
		return errNoService("pools")
	}
	id, err := pathID(r, "pool")
	if err != nil {
		return err
	}
	bs, err := s.pools.Batches(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(bs, same))
	return nil
}

func (s *server) receipt(w http.ResponseWriter, r *http.Request) error {
	if s.receipts == nil {
		return errNoService("batch receipts")
	}
	tx := r.PathValue("tx")
	if b, err := hex.DecodeString(tx); err != nil || len(b) != 32 {
		return gongxu.Errorf(gongxu.KindInvalid, "batch transaction hash %q must be 64 hex characters", clip(tx))
	}
	v := r.PathValue("index")
	index, err := strconv.Atoi(v)
	if err != nil || index < 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "leaf index %q must be a non-negative integer", clip(v))
	}
	rc, err := s.receipts.Receipt(r.Context(), tx, index)
	if err != nil {
		return err
	}
	// Anyone may read a receipt: it proves a pledge is in a batch, and
	// collects nothing without the consumer's pickup secret, which this
	// route never serves, whatever the service knows.
	rc.Secret = ""
	if rc.Proof == nil {
		rc.Proof = []string{}
	}
	writeJSON(w, s.log, http.StatusOK, rc)
	return nil
}

func (s *server) balances(w http.ResponseWriter, r *http.Request) error {
	if s.pools == nil {
		return errNoService("balances")
	}
	acct, err := pathAccount(r)
	if err != nil {
		return err
	}
	bs, err := s.pools.Balances(r.Context(), acct)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(bs, same))
	return nil
}

func (s *server) movements(w http.ResponseWriter, r *http.Request) error {
	if s.pools == nil {
		return errNoService("movements")
	}
	acct, err := pathAccount(r)
	if err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	ms, err := s.pools.Movements(r.Context(), acct, limit)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(ms, same))
	return nil
}

func (s *server) rfqList(w http.ResponseWriter, r *http.Request) error {
	if s.rfqs == nil {
		return errNoService("requests for quote")
	}
	status, err := queryEnum(r, "status", rfqStatuses)
	if err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	qs, err := s.rfqs.RFQs(r.Context(), status, limit)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(qs, normRFQ))
	return nil
}

func (s *server) rfq(w http.ResponseWriter, r *http.Request) error {
	if s.rfqs == nil {
		return errNoService("requests for quote")
	}
	id, err := pathID(r, "rfq")
	if err != nil {
		return err
	}
	q, err := s.rfqs.RFQ(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normRFQ(q))
	return nil
}

func (s *server) bids(w http.ResponseWriter, r *http.Request) error {
	if s.rfqs == nil {
		return errNoService("requests for quote")
	}
	id, err := pathID(r, "rfq")
	if err != nil {
		return err
	}
	bs, err := s.rfqs.Bids(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(bs, same))
	return nil
}

// normList returns the items normalized by norm, as a non-nil slice.
func normList[T any](xs []T, norm func(T) T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = norm(x)
	}
	return out
}

func same[T any](x T) T { return x }

func normProduct(p gongxu.Product) gongxu.Product {
	if p.Variants == nil {
		p.Variants = []gongxu.Variant{}
	}
	return p
}

func normPool(p gongxu.Pool) gongxu.Pool {
	if p.Variants == nil {
		p.Variants = []string{}
	}
	if p.Tiers == nil {
		p.Tiers = []gongxu.Tier{}
	}
	if p.Hubs == nil {
		p.Hubs = []gongxu.OrgID{}
	}
	if p.History == nil {
		p.History = []gongxu.PoolChange{}
	}
	return p
}

func normRFQ(q gongxu.RFQ) gongxu.RFQ {
	if q.Awards == nil {
		q.Awards = []gongxu.RFQAward{}
	}
	return q
}
