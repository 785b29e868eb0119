package web

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// site is what the pages serve in a test: the services of a network made
// of the real parts (inproc's World, its read model and its planner), this
// node's operator (Hilltown Community Hub's key, unless a test moves it),
// and the tests' token. A test may put a failing service (inproc.Broken) in
// place of a real one: the pages' edge cases.
type site struct {
	w      *inproc.World
	op     *inproc.Operator
	tokens *fakeTokens

	node     gongxu.NodeService
	members  gongxu.MemberService
	txs      gongxu.TxService
	pools    gongxu.PoolService
	rfqs     gongxu.RFQService
	disputes gongxu.DisputeService
	prod     gongxu.ProductionService
	plans    gongxu.PlanService
	trace    gongxu.TraceService
	proofs   TraceProofFunc
	operator gongxu.Operator
}

// newSite tells the World's story and serves it, on the node of the hub
// Hilltown Community Hub.
func newSite(t testing.TB) *site {
	t.Helper()
	w := inproc.NewWorld(t)
	db := w.Read()
	f := &site{w: w, op: w.Operator(inproc.Hilltown), tokens: newFakeTokens(),
		node: w.Node(), members: db, txs: db, pools: db, rfqs: db, disputes: db, prod: db, plans: w.Plans(), trace: db, proofs: w.TraceProof}
	f.operator = f.op
	return f
}

func (f *site) config() Config {
	return Config{Node: f.node, Members: f.members, Txs: f.txs, Pools: f.pools, Progress: f.progress, PoolMoney: f.w.Read().PoolMoney, RFQs: f.rfqs, Disputes: f.disputes, Legs: f.w.Read(), Operator: f.operator,
		Production: f.prod, Plans: f.plans, Trace: f.trace, TraceProof: f.proofs, Tokens: f.tokens, Reputation: f.w.Read(),
		Logger: slog.New(slog.DiscardHandler)}
}

// progress is the Config.Progress of a node: the read model's points.
func (f *site) progress(ctx context.Context, pool uint64) ([]ProgressPoint, error) {
	if b, ok := f.pools.(inproc.Broken); ok {
		return nil, b.Err
	}
	ps, err := f.w.Progress(ctx, pool)
	if err != nil {
		return nil, err
	}
	out := make([]ProgressPoint, len(ps))
	for i, p := range ps {
		out[i] = ProgressPoint{Time: p.Time, Total: p.Total}
	}
	return out, nil
}

// sent is what the node's operator sent, in order.
func (f *site) sent() []inproc.Sent { return f.op.Sent() }

// tx is a committed transaction of the World.
func (f *site) tx(t testing.TB, hash string) gongxu.TxRecord {
	t.Helper()
	r, err := f.w.Read().Tx(context.Background(), hash)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// key is the public key named name (inproc.Key).
func key(name string) gongxu.PubKey { return inproc.Key(name) }

// The World's last block and the handler tests' clock, a minute later.
var (
	worldEnd = time.UnixMilli(inproc.End).UTC()
	testNow  = worldEnd.Add(time.Minute)
)

const (
	hourMs = inproc.Hour
	dayMs  = inproc.Day
)

// World's pools, orders, purchase orders and recalls, by what the pages
// show of them (inproc.World names the same).
const (
	poolShipped      = 1 // jackets, ready: shipped to Hilltown (delivered) and to Lakeside (on its way)
	poolFailed       = 2 // wool socks
	poolAwarded      = 3 // linen shirts from request 1, settled
	poolProducing    = 4 // linen shirts, in production, late
	poolOpen         = 5 // jackets, open: 88 of 300
	poolSocks        = 6 // bamboo socks, open to Hilltown
	rfqAwarded       = 1
	rfqOpen          = 2
	orderJackets     = 1 // from poolShipped, completed
	orderScarves     = 2 // completed, its lot recalled
	orderShirts      = 3 // from poolProducing, in progress, late
	orderPlanned     = 4 // jackets, open
	poReceived       = 1
	poLinen          = 2 // accepted with a later date, half shipped
	poRejected       = 3
	poProposed       = 4
	poButtons        = 5
	poLinenThread    = 6 // two lines, sent
	poDye            = 7 // to Lakeside Dyeworks
	recallScarf      = 1
	recallFabric     = 2
	worldHubShipment = "urn:gongxu:pool:1:hub:hilltown-hub"
)

// lower is s in lower case, for hashes in addresses.
func lower(s string) string { return strings.ToLower(s) }
