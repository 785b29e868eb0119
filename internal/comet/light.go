package comet

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/light/provider"
	lighthttp "github.com/cometbft/cometbft/light/provider/http"
	lightdb "github.com/cometbft/cometbft/light/store/db"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/cometbft/cometbft/types"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
)

// The checks of a light-client verification, in the order they run. A
// failed check is reported in VerifiedValue.Failed or VerifiedTx.Failed,
// with an error of kind gongxu.KindInvalid.
const (
	// CheckQuery: the node answered the "/prove" query for the key asked,
	// with a proof in its Info.
	CheckQuery = "query"
	// CheckTrust: the header at the trusted height has the trusted hash, is
	// signed by its validators, the witnesses agree, and it is within the
	// trusting period.
	CheckTrust = "trust"
	// CheckHeader: the light client verified the header needed (for a state
	// value, the one after the proof's height, which carries its app hash)
	// from the trusted header, and the witnesses agree.
	CheckHeader = "header"
	// CheckStateProof: the proof shows the value (or the key's absence) under
	// the verified header's app hash.
	CheckStateProof = "state_proof"
	// CheckBlock: the block the node returned is the verified header's block.
	CheckBlock = "block"
	// CheckTx: the transaction is in that block, by a Merkle proof against
	// the verified header's data hash.
	CheckTx = "tx"
)

// Defaults of LightOptions.
const (
	// DefaultRPC is the CometBFT RPC address of a node on this machine.
	DefaultRPC = "http://127.0.0.1:26657"
	// DefaultTrustingPeriod is how long a trusted header stays usable, as
	// CometBFT's own light client command has it.
	DefaultTrustingPeriod = 168 * time.Hour
	// DefaultWaitHeader is how long to wait for the header that carries a
	// proof's app hash: it is the next block, normally a second away.
	DefaultWaitHeader = 30 * time.Second
)

// LightOptions say whom a light client asks and what it trusts.
type LightOptions struct {
	// RPC is the CometBFT RPC address of the primary node, the one asked for
	// values, proofs and blocks ("http://host:26657"; DefaultRPC when empty).
	RPC string
	// Witnesses are the RPC addresses of other nodes that the light client
	// cross-checks the primary's headers with. None: the primary is its own
	// witness, which catches nothing; an outsider should name independent
	// nodes here.
	Witnesses []string
	// ChainID is the chain's id; empty: the primary's. A trusted hash binds
	// the chain id too (it is in the header), so a wrong one fails CheckTrust.
	ChainID string
	// TrustHeight and TrustHash are the header trusted from outside (a
	// member, a regulator's notice, a printed receipt). TrustHeight 0 is
	// height 1. TrustHash nil trusts the primary's header at TrustHeight:
	// then the result is only as good as the primary's word about that one
	// header, and says so (TrustedFromNode).
	TrustHeight int64
	TrustHash   []byte
	// TrustingPeriod is how old the trusted header may be. Zero:
	// DefaultTrustingPeriod, or, when the header comes from the node
	// (TrustHash nil), long enough to cover its age.
	TrustingPeriod time.Duration
	// Sequential verifies every header from the trusted one to the target;
	// the default is skipping verification (bisection, trust level 1/3).
	Sequential bool
	// WaitHeader bounds the wait for the header after a proof's height
	// (DefaultWaitHeader when zero).
	WaitHeader time.Duration
}

// VerifiedValue is a state value proven against a verified block header.
type VerifiedValue struct {
	Key     []byte
	Value   []byte // nil: the key is absent from the state, and that is proven
	Present bool
	// Height is the committed height of the state the value is from; its
	// root is the app hash in the header at HeaderHeight (Height+1), whose
	// hash is HeaderHash.
	Height       int64
	HeaderHeight int64
	AppHash      []byte
	HeaderHash   []byte
	Proof        *store.Proof
	Trust        Trust
	// Checks are the checks that passed, in order. When a check fails, the
	// error is of kind gongxu.KindInvalid and Failed names the check; the
	// other fields then hold what was learned so far and prove nothing.
	Checks []string
	Failed string
}

// VerifiedTx is a transaction proven to be in a block whose header was
// verified.
type VerifiedTx struct {
	Hash       string // upper-case hex, as gongxu.TxHash
	Tx         []byte
	Height     int64
	Index      int // in the block
	HeaderHash []byte
	DataHash   []byte // the root of the block's transactions
	// Total and Aunts are the Merkle proof of the tx hash (leaf Index of
	// Total) up to DataHash, as CometBFT's types.TxProof has it.
	Total  int64
	Aunts  [][]byte
	Trust  Trust
	Checks []string // as in VerifiedValue
	Failed string
}

// Trust is the header a verification started from.
type Trust struct {
	Height   int64
	Hash     []byte
	FromNode bool // the hash was the primary's word, not given from outside
	Period   time.Duration
}

// String says what was trusted, for people.
func (t Trust) String() string {
	if t.FromNode {
		return fmt.Sprintf("trusting height %d from the node asked (hash %X)", t.Height, t.Hash)
	}
	return fmt.Sprintf("trusting height %d with hash %X", t.Height, t.Hash)
}

// VerifyState proves the value of key in the latest committed state of the
// node at opts.RPC against a block header verified with CometBFT's light
// client. It is NewVerifier(opts).State(ctx, key); use a Verifier for more
// than one key.
func VerifyState(ctx context.Context, opts LightOptions, key []byte) (VerifiedValue, error) {
	v, err := NewVerifier(opts)
	if err != nil {
		return VerifiedValue{Key: key}, err
	}
	return v.State(ctx, key)
}

// VerifyTxInBlock proves that the transaction with hash txHash is in the
// block at height, against that block's header verified with CometBFT's
// light client. (Nodes run no CometBFT tx indexer, so the height must be
// known: the read model and state records carry it.)
func VerifyTxInBlock(ctx context.Context, opts LightOptions, height int64, txHash string) (VerifiedTx, error) {
	v, err := NewVerifier(opts)
	if err != nil {
		return VerifiedTx{Hash: txHash, Height: height}, err
	}
	return v.TxInBlock(ctx, height, txHash)
}

// Verifier proves state values and transactions against headers verified
// by one CometBFT light client, which keeps the headers it verified (in
// memory) for the next call. It is safe for concurrent use.
type Verifier struct {
	opts LightOptions
	rpc  *rpchttp.HTTP

	mu    sync.Mutex
	lc    *light.Client
	trust Trust
}

// NewVerifier returns a verifier for opts. It contacts no node yet: the
// trusted header is fetched and checked on first use.
func NewVerifier(opts LightOptions) (*Verifier, error) {
	if opts.RPC == "" {
		opts.RPC = DefaultRPC
	}
	if opts.WaitHeader <= 0 {
		opts.WaitHeader = DefaultWaitHeader
	}
	if opts.TrustHeight < 0 {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "trust height %d is negative", opts.TrustHeight)
	}
	if opts.TrustHeight == 0 {
		opts.TrustHeight = 1
	}
	if opts.TrustHash != nil && len(opts.TrustHash) != 32 {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "trust hash must be 32 bytes (64 hex digits), not %d", len(opts.TrustHash))
	}
	if opts.TrustingPeriod < 0 {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "trusting period %s is negative", opts.TrustingPeriod)
	}
	opts.RPC = rpcURL(opts.RPC)
	c, err := rpchttp.NewWithTimeout(opts.RPC, "/websocket", 10)
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "CometBFT RPC address %q: %v", opts.RPC, err)
	}
	return &Verifier{opts: opts, rpc: c}, nil
}

// rpcURL puts a scheme on an address without one.
func rpcURL(addr string) string {
	if !strings.Contains(addr, "://") {
		return "http://" + addr
	}
	return addr
}

// State proves the value of key in the primary's latest committed state:
// (a) it asks the primary's "/prove" query, (b) waits for the header of the
// next height, which carries that state's root as its app hash, (c) verifies
// that header with the light client from the trusted one, and (d) checks the
// proof against its app hash.
//
// Errors: KindInvalid with Failed set when a check fails (the node lied, or
// the trust options are wrong); KindUnavailable when a node cannot be
// reached; KindTimeout when the next header does not come in time; the kind
// of the node's refusal when it refuses the query.
func (v *Verifier) State(ctx context.Context, key []byte) (VerifiedValue, error) {
	out := VerifiedValue{Key: key}
	if len(key) == 0 {
		return out, gongxu.Errorf(gongxu.KindInvalid, "no state key to verify")
	}
	value, proof, err := v.query(ctx, key)
	if err != nil {
		return out.fail(CheckQuery, err)
	}
	out.Value, out.Proof, out.Height, out.HeaderHeight = value, proof, proof.Height, proof.Height+1
	// A committed state's block is in the block store before it is executed.
	st, err := v.rpc.Status(ctx)
	if err != nil {
		return out, v.unavailable(err)
	}
	if latest := st.SyncInfo.LatestBlockHeight; proof.Height > latest {
		return out.fail(CheckQuery, gongxu.Errorf(gongxu.KindInvalid, "the node's proof is for height %d, beyond its latest block %d", proof.Height, latest))
	}
	out.Checks = append(out.Checks, CheckQuery)

	err = v.init(ctx)
	out.Trust = v.trusted()
	if err != nil {
		return out.fail(CheckTrust, err)
	}
	out.Checks = append(out.Checks, CheckTrust)

	lb, check, err := v.header(ctx, out.HeaderHeight)
	if err != nil {
		return out.fail(check, err)
	}
	out.AppHash, out.HeaderHash = lb.AppHash, lb.Hash()
	out.Checks = append(out.Checks, CheckHeader)

	present, err := checkStateProof(lb.AppHash, key, value, proof)
	if err != nil {
		return out.fail(CheckStateProof, err)
	}
	out.Present = present
	if !present {
		out.Value = nil
	} else if out.Value == nil {
		out.Value = []byte{}
	}
	out.Checks = append(out.Checks, CheckStateProof)
	return out, nil
}

// TxInBlock proves that the transaction with hash txHash is in the block at
// height: it verifies that block's header with the light client, checks that
// the block the primary returns is that header's, finds the transaction and
// checks its Merkle proof against the header's data hash. Errors as State.
func (v *Verifier) TxInBlock(ctx context.Context, height int64, txHash string) (VerifiedTx, error) {
	out := VerifiedTx{Hash: strings.ToUpper(txHash), Height: height}
	want, err := hex.DecodeString(txHash)
	if err != nil || len(want) != 32 {
		return out, gongxu.Errorf(gongxu.KindInvalid, "transaction hash %q is not 64 hex digits", txHash)
	}
	if height <= 0 {
		return out, gongxu.Errorf(gongxu.KindInvalid, "block height %d is not positive", height)
	}
	err = v.init(ctx)
	out.Trust = v.trusted()
	if err != nil {
		return out.failTx(CheckTrust, err)
	}
	out.Checks = append(out.Checks, CheckTrust)
	lb, check, err := v.header(ctx, height)
	if err != nil {
		return out.failTx(check, err)
	}
	out.HeaderHash, out.DataHash = lb.Hash(), lb.DataHash
	out.Checks = append(out.Checks, CheckHeader)

	res, err := v.rpc.Block(ctx, &height)
	if err != nil {
		if unreachable(err) {
			return out, v.unavailable(err)
		}
		return out.failTx(CheckBlock, gongxu.Errorf(gongxu.KindInvalid, "the node returned no block %d: %v", height, err))
	}
	idx, proof, check, err := checkTxInBlock(lb.Header, res.Block, want)
	if check == CheckTx {
		out.Checks = append(out.Checks, CheckBlock)
	}
	if err != nil {
		return out.failTx(check, err)
	}
	out.Checks = append(out.Checks, CheckTx)
	out.Index, out.Tx, out.Total, out.Aunts = idx, proof.Data, proof.Proof.Total, proof.Proof.Aunts
	return out, nil
}

// checkTxInBlock finds the tx hashed want in b, which must be the block of
// the verified header h, and checks its Merkle proof against h.DataHash. It
// returns the tx's index and proof, and the check it got to: CheckBlock when
// b is not h's block, else CheckTx; an error of KindInvalid when that check
// failed.
func checkTxInBlock(h *types.Header, b *types.Block, want []byte) (int, types.TxProof, string, error) {
	if b == nil {
		return 0, types.TxProof{}, CheckBlock, gongxu.Errorf(gongxu.KindInvalid, "the node returned no block %d", h.Height)
	}
	if got := b.Header.Hash(); got == nil || !bytes.Equal(got, h.Hash()) {
		return 0, types.TxProof{}, CheckBlock, gongxu.Errorf(gongxu.KindInvalid,
			"the node's block %d has header hash %X, the verified header %X", b.Height, []byte(got), []byte(h.Hash()))
	}
	for i, tx := range b.Txs {
		if !bytes.Equal(tx.Hash(), want) {
			continue
		}
		p := b.Txs.Proof(i)
		if err := p.Validate(h.DataHash); err != nil {
			return i, p, CheckTx, gongxu.Errorf(gongxu.KindInvalid,
				"transaction %X is not proven in block %d: its Merkle proof does not lead to the verified data hash %X: %v", want, h.Height, []byte(h.DataHash), err)
		}
		return i, p, CheckTx, nil
	}
	return 0, types.TxProof{}, CheckTx, gongxu.Errorf(gongxu.KindInvalid, "block %d holds no transaction %X", h.Height, want)
}

// checkStateProof checks value and proof against the app hash and says
// whether the key is present. An empty value is ambiguous on the wire (an
// absent key or an empty one): the proof decides.
func checkStateProof(appHash, key, value []byte, p *store.Proof) (present bool, err error) {
	if len(value) > 0 {
		return true, store.VerifyProof(appHash, key, value, p)
	}
	if err := store.VerifyProof(appHash, key, nil, p); err == nil {
		return false, nil
	} else if store.VerifyProof(appHash, key, []byte{}, p) == nil {
		return true, nil
	} else {
		return false, err
	}
}

func (o VerifiedValue) fail(check string, err error) (VerifiedValue, error) {
	if gongxu.ErrorKind(err) == gongxu.KindInvalid {
		o.Failed = check
		return o, gongxu.Errorf(gongxu.KindInvalid, "check %s failed: %s", check, gongxu.ErrorMessage(err))
	}
	return o, err
}

func (o VerifiedTx) failTx(check string, err error) (VerifiedTx, error) {
	if gongxu.ErrorKind(err) == gongxu.KindInvalid {
		o.Failed = check
		return o, gongxu.Errorf(gongxu.KindInvalid, "check %s failed: %s", check, gongxu.ErrorMessage(err))
	}
	return o, err
}

// query asks the primary for key's value and proof. A node racing a commit
// can answer a value and a proof of two heights; that shows as a response
// height other than the proof's, and is asked again.
func (v *Verifier) query(ctx context.Context, key []byte) ([]byte, *store.Proof, error) {
	for attempt := 0; ; attempt++ {
		res, err := v.rpc.ABCIQueryWithOptions(ctx, "/prove", key, rpcclient.ABCIQueryOptions{})
		if err != nil {
			if unreachable(err) {
				return nil, nil, v.unavailable(err)
			}
			return nil, nil, gongxu.Errorf(gongxu.KindInvalid, "the node's answer to the /prove query: %v", err)
		}
		value, p, err := parseProve(key, res.Response.Code, res.Response.Log, res.Response.Key, res.Response.Value, res.Response.Info)
		if err != nil {
			return nil, nil, err
		}
		if res.Response.Height != p.Height && attempt < 3 {
			continue
		}
		return value, p, nil
	}
}

// parseProve reads the node's answer to "/prove" for key (see App.Query).
func parseProve(key []byte, code uint32, log string, rkey, value []byte, info string) ([]byte, *store.Proof, error) {
	if code != 0 {
		k := gongxu.KindInvalid // a node that will not prove fails the check
		if c := gongxu.Kind(code); c == gongxu.KindUnavailable || c == gongxu.KindTimeout {
			k = c
		}
		return nil, nil, gongxu.Errorf(k, "the node refused the /prove query (%s): %s", gongxu.Kind(code), log)
	}
	if !bytes.Equal(rkey, key) {
		return nil, nil, gongxu.Errorf(gongxu.KindInvalid, "the node answered for key %q, not %q", rkey, key)
	}
	if info == "" {
		return nil, nil, gongxu.Errorf(gongxu.KindInvalid, "the node's answer has no proof")
	}
	var p store.Proof
	dec := json.NewDecoder(strings.NewReader(info))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, nil, gongxu.Errorf(gongxu.KindInvalid, "the node's proof is not a state proof: %v", err)
	}
	if p.Height < 0 {
		return nil, nil, gongxu.Errorf(gongxu.KindInvalid, "the node's proof is for height %d", p.Height)
	}
	return value, &p, nil
}

// trusted is the header the verifier trusts (zero before init).
func (v *Verifier) trusted() Trust {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.trust
}

// init fetches and checks the trusted header, once.
func (v *Verifier) init(ctx context.Context) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.lc != nil {
		return nil
	}
	o := v.opts
	chainID := o.ChainID
	if chainID == "" {
		st, err := v.rpc.Status(ctx)
		if err != nil {
			return v.unavailable(err)
		}
		chainID = st.NodeInfo.Network
	}
	primary := lighthttp.NewWithClient(chainID, v.rpc)
	trust := Trust{Height: o.TrustHeight, Hash: o.TrustHash, Period: o.TrustingPeriod}
	if trust.Period == 0 {
		trust.Period = DefaultTrustingPeriod
	}
	if trust.Hash == nil {
		trust.FromNode = true
		lb, err := primary.LightBlock(ctx, trust.Height)
		if err != nil {
			return v.lightErr(err, fmt.Sprintf("header at trust height %d", trust.Height))
		}
		trust.Hash = lb.Hash()
		if age := time.Since(lb.Time); o.TrustingPeriod == 0 && age+time.Hour > trust.Period {
			trust.Period = (age + time.Hour).Round(time.Hour)
		}
	}
	v.trust = trust
	var witnesses []provider.Provider
	for _, w := range o.Witnesses {
		// The light client drops a witness that does not answer as if it
		// had lied; one out of reach is said so here instead.
		wc, err := rpchttp.NewWithTimeout(rpcURL(w), "/websocket", 10)
		if err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "witness address %q: %v", w, err)
		}
		if _, err := wc.Status(ctx); err != nil {
			return gongxu.Errorf(gongxu.KindUnavailable, "witness %s is unavailable: %v", rpcURL(w), err)
		}
		witnesses = append(witnesses, lighthttp.NewWithClient(chainID, wc))
	}
	if len(witnesses) == 0 {
		witnesses = append(witnesses, lighthttp.NewWithClient(chainID, v.rpc))
	}
	mode := light.SkippingVerification(light.DefaultTrustLevel)
	if o.Sequential {
		mode = light.SequentialVerification()
	}
	lc, err := light.NewClient(ctx, chainID, light.TrustOptions{Period: trust.Period, Height: trust.Height, Hash: trust.Hash},
		primary, witnesses, lightdb.New(dbm.NewMemDB(), "gongxu"), mode, light.MaxRetryAttempts(3))
	if err != nil {
		return v.lightErr(err, fmt.Sprintf("trusted header at height %d", trust.Height))
	}
	v.lc = lc
	return nil
}

// header waits for the header at height on the primary and verifies it. A
// failure is of CheckHeader, or of CheckTrust when the trusted header has
// expired.
func (v *Verifier) header(ctx context.Context, height int64) (*types.LightBlock, string, error) {
	if err := v.waitHeight(ctx, height); err != nil {
		return nil, CheckHeader, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	lb, err := v.lc.VerifyLightBlockAtHeight(ctx, height, time.Now())
	if err != nil {
		var exp light.ErrOldHeaderExpired
		if errors.As(err, &exp) {
			return nil, CheckTrust, gongxu.Errorf(gongxu.KindInvalid, "the trusted header at height %d expired at %s (trusting period %s): "+
				"trust a more recent header, or give a longer trusting period", v.trust.Height, exp.At.UTC().Format(time.RFC3339), v.trust.Period)
		}
		return nil, CheckHeader, v.lightErr(err, fmt.Sprintf("header at height %d", height))
	}
	if lb.Height != height {
		return nil, CheckHeader, gongxu.Errorf(gongxu.KindInvalid, "the light client verified height %d, not %d", lb.Height, height)
	}
	return lb, CheckHeader, nil
}

// waitHeight waits until the primary has committed block height.
func (v *Verifier) waitHeight(ctx context.Context, height int64) error {
	deadline := time.Now().Add(v.opts.WaitHeader)
	for {
		st, err := v.rpc.Status(ctx)
		if err != nil {
			return v.unavailable(err)
		}
		if st.SyncInfo.LatestBlockHeight >= height {
			return nil
		}
		if time.Now().After(deadline) {
			return gongxu.Errorf(gongxu.KindTimeout, "node %s has not committed block %d in %s (it is at %d)",
				v.opts.RPC, height, v.opts.WaitHeader, st.SyncInfo.LatestBlockHeight)
		}
		select {
		case <-ctx.Done():
			return gongxu.Errorf(gongxu.KindTimeout, "waiting for block %d: %v", height, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// lightErr classifies an error of the light client about the header what:
// a node out of reach is KindUnavailable, anything else failed verification.
func (v *Verifier) lightErr(err error, what string) error {
	switch {
	case unreachable(err):
		return v.unavailable(err)
	case errors.Is(err, light.ErrFailedHeaderCrossReferencing):
		return gongxu.Errorf(gongxu.KindUnavailable, "no witness could confirm the %s: %v", what, err)
	case errors.Is(err, light.ErrNoWitnesses):
		return gongxu.Errorf(gongxu.KindInvalid, "the %s could not be cross-checked: every witness was dropped, "+
			"for an invalid or conflicting answer or none: %v", what, err)
	case errors.Is(err, provider.ErrHeightTooHigh), errors.Is(err, provider.ErrLightBlockNotFound):
		return gongxu.Errorf(gongxu.KindInvalid, "the node has no %s: %v", what, err)
	}
	return gongxu.Errorf(gongxu.KindInvalid, "the %s does not verify: %v", what, err)
}

func (v *Verifier) unavailable(err error) error {
	if e := (*gongxu.Error)(nil); errors.As(err, &e) {
		return err
	}
	return gongxu.Errorf(gongxu.KindUnavailable, "CometBFT RPC %s is unavailable: %v", v.opts.RPC, err)
}

// unreachable says whether err is a node not answering (rather than a
// node answering wrong).
func unreachable(err error) bool {
	var ne net.Error
	var ue *url.Error
	return errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, provider.ErrNoResponse) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
