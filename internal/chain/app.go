package chain

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Auth tells the chain which member org a signing key belongs to.
type Auth interface {
	// OrgOfKey returns the org of key, or "" when it belongs to none.
	OrgOfKey(r store.Reader, key gongxu.PubKey) (gongxu.OrgID, error)
}

// ParamsSource reads the governance parameters the chain enforces.
type ParamsSource interface {
	Params(r store.Reader) (gongxu.Params, error)
}

// Config wires a chain. Modules run in the order given, always.
type Config struct {
	ChainID string
	Modules []module.Module
	Auth    Auth
	Params  ParamsSource
	Logger  *slog.Logger
	// Plans is where governance keeps the scheduled upgrade, and Upgrades
	// the versions this binary can migrate to (upgrade.go).
	Plans    UpgradePlans
	Upgrades []Upgrade
}

// Genesis is what InitChain starts from.
type Genesis struct {
	Time     int64                      // genesis time, unix ms
	AppState map[string]json.RawMessage // module name → its genesis
	// AppVersion is the state machine version the chain starts at
	// (CometBFT's consensus_params.version.app); 0 means gongxu.AppVersion.
	AppVersion uint64
}

// Block is a block to execute.
type Block struct {
	Height int64
	Time   int64 // block time, unix ms
	Txs    [][]byte
}

// TxResult is the outcome of one transaction.
type TxResult struct {
	Hash   string
	Code   uint32 // the Kind of the rejection, 0 when it succeeded
	Log    string // the rejection's message
	Type   string
	Signer gongxu.PubKey
	Org    gongxu.OrgID
	Events []gongxu.Event
}

// BlockResult is the outcome of a block.
type BlockResult struct {
	Height           int64
	Time             int64
	Txs              []TxResult
	Events           []gongxu.Event // before the txs: genesis, BeginBlock hooks
	EndEvents        []gongxu.Event // after the txs: EndBlock hooks
	ValidatorUpdates []module.ValidatorUpdate
	AppHash          []byte
	// AppVersion is the state machine version an upgrade in this block
	// moved to; 0 when none ran.
	AppVersion uint64
}

// App is the state machine. FinalizeBlock and Commit are called by one
// goroutine in order; CheckTx, Account and reads may run concurrently with them.
type App struct {
	cfg    Config
	state  *store.State
	routes map[string]module.Route
	txs    *txCache // decoded, verified transactions: one decode per node (txcache.go)
	log    *slog.Logger

	// The block being executed, between InitChain/FinalizeBlock and Commit.
	pending      *store.Cache
	pendingRes   *BlockResult
	genesisEvts  []gongxu.Event
	genesisVals  []module.ValidatorUpdate
	txValUpdates []module.ValidatorUpdate
	prevAppHash  []byte // the committed root when the block began: module.Context.PrevAppHash

	// genesisView is a frozen copy of the genesis state, which CheckTx and
	// reads use until the first block commits it.
	genesisView atomic.Pointer[store.Cache]

	// mempoolSeqs holds, per signer (raw key), the sequences of transactions this
	// node's CheckTx accepted since the last commit: the mempool may list one
	// signer's transactions in any order (CometBFT appends after CheckTx
	// returns, from several peers at once), so CheckTx takes any sequence
	// within a window and PrepareProposal puts them in order.
	checkMu     sync.Mutex
	mempoolSeqs map[string]map[uint64]struct{}
	// checkState accumulates the writes of the transactions CheckTx accepted
	// since the last commit, over the committed state, so that CheckTx judges
	// a transaction as the next block would (a pledge after the deposit that
	// pays for it). Nil until first needed after a commit; guarded by checkMu.
	checkState *store.Cache
	// reads memoizes the checks' reads of the committed state until the
	// next commit (checkreads.go). Guarded by checkMu.
	reads *checkReads
	// pendingWeight is the work weight (module.WeightOf) of the
	// transactions CheckTx accepted since the last commit: after a commit's
	// rechecks, the weight of what the mempool holds. Guarded by checkMu.
	pendingWeight int64

	stats stats
	// lastTime is the block time of the last committed block (genesis time
	// before the first), the time CheckTx judges against.
	lastTime atomic.Int64

	paramsMu     sync.Mutex
	paramsHeight int64 // -1: not cached
	paramsCache  gongxu.Params

	onCommit func(BlockResult)
}

const seqPrefix = "chain/seq/"

// New builds the state machine over st.
func New(st *store.State, cfg Config) (*App, error) {
	if cfg.ChainID == "" {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "chain id is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a := &App{cfg: cfg, state: st, routes: map[string]module.Route{}, txs: newTxCache(txCacheBytes), log: cfg.Logger, mempoolSeqs: map[string]map[uint64]struct{}{}, paramsHeight: -1}
	names := map[string]bool{}
	for _, m := range cfg.Modules {
		if names[m.Name()] || m.Name() == "chain" {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "module name %q is taken", m.Name())
		}
		names[m.Name()] = true
		for _, r := range m.Routes() {
			if _, dup := a.routes[r.Type]; dup {
				return nil, gongxu.Errorf(gongxu.KindInvalid, "message type %q registered twice", r.Type)
			}
			a.routes[r.Type] = r
		}
	}
	if err := a.checkUpgrades(); err != nil {
		return nil, err
	}
	return a, nil
}

// OnCommit sets a function called after each Commit with the committed block's
// result (from the committing goroutine; it must not block for long).
func (a *App) OnCommit(fn func(BlockResult)) { a.onCommit = fn }

// Logger returns the chain's logger.
func (a *App) Logger() *slog.Logger { return a.log }

// ChainID returns the chain id transactions are signed for.
func (a *App) ChainID() string { return a.cfg.ChainID }

// State returns the committed state, for reads and proofs.
func (a *App) State() *store.State { return a.state }

// Info returns the last committed height and app hash.
func (a *App) Info() (int64, []byte) { return a.state.Height(), a.state.Root() }

// Types lists the registered message types, sorted.
func (a *App) Types() []string {
	out := make([]string, 0, len(a.routes))
	for t := range a.routes {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// InitChain loads genesis into a pending cache that the first block builds on
// and commits. It returns the app hash of the genesis state and the validators.
func (a *App) InitChain(g Genesis) ([]byte, []module.ValidatorUpdate, error) {
	if a.state.Height() != 0 {
		return nil, nil, gongxu.Errorf(gongxu.KindConflict, "InitChain on a state at height %d", a.state.Height())
	}
	ver, err := a.genesisVersion(g.AppVersion)
	if err != nil {
		return nil, nil, err
	}
	c := a.state.Begin()
	if ver.Version != module.FirstAppVersion { // a record-less state is at the first (module.AppVersion)
		if _, err := module.SetAppVersion(c, ver); err != nil {
			return nil, nil, err
		}
	}
	ctx := &module.Context{KV: c, ChainID: a.cfg.ChainID, Height: 0, Time: g.Time}
	for name := range g.AppState {
		if !a.hasModule(name) {
			return nil, nil, gongxu.Errorf(gongxu.KindInvalid, "genesis app state names unknown module %q", name)
		}
	}
	for _, m := range a.cfg.Modules {
		if err := m.InitGenesis(ctx, g.AppState[m.Name()]); err != nil {
			return nil, nil, fmt.Errorf("genesis of module %s: %w", m.Name(), err)
		}
	}
	hash, err := a.state.Hash(c)
	if err != nil {
		return nil, nil, err
	}
	view := a.state.Begin()
	var cerr error
	if err := c.Iterate(nil, nil, func(k, v []byte) bool {
		cerr = view.Set(k, v)
		return cerr == nil
	}); err != nil || cerr != nil {
		return nil, nil, errors.Join(err, cerr)
	}
	a.genesisView.Store(view)
	a.checkMu.Lock()
	a.reads, a.checkState = nil, nil // the checks judge against the genesis view now
	a.checkMu.Unlock()
	a.lastTime.Store(g.Time)
	a.pending = c
	a.genesisEvts = ctx.Events()
	a.genesisVals = ctx.ValidatorUpdates()
	return hash, ctx.ValidatorUpdates(), nil
}

func (a *App) hasModule(name string) bool {
	for _, m := range a.cfg.Modules {
		if m.Name() == name {
			return true
		}
	}
	return false
}

// decoded is a transaction after envelope decoding and signature checking.
type decoded struct {
	raw      []byte
	key      uint64 // the cache key of raw (txcache.go)
	hash     string // the tx hash: sha256 of raw, upper-case hex
	tx       *gongxu.Tx
	signMsg  []byte // the bytes signed; nil when the cache vouched for the signature
	err      error
	sigValid bool
	route    module.Route
	msg      module.Msg // the decoded body, once routeDecoded ran (or the cache had it)
}

// decode decodes raw, whose cache key is key, without the cache.
func (a *App) decode(raw []byte, key uint64, maxBytes int) decoded {
	d := decoded{raw: raw, key: key, hash: hashString(txKey(raw))}
	tx, unsigned, err := gongxu.DecodeTx(raw, maxBytes)
	if err != nil {
		d.err = err
		return d
	}
	d.tx = tx
	d.signMsg = gongxu.SignBytes(a.cfg.ChainID, unsigned)
	return d
}

var errBadSig = gongxu.Errorf(gongxu.KindBadSignature, "signature does not verify: wrong key, altered bytes, or signed for another chain id")

func (a *App) params(r store.Reader) (gongxu.Params, error) {
	if a.cfg.Params == nil {
		return gongxu.DefaultParams(), nil
	}
	return a.cfg.Params.Params(r)
}

// checkParams are the parameters of the state CheckTx judges against,
// read once per committed height.
func (a *App) checkParams() (gongxu.Params, error) {
	h := a.state.Height()
	a.paramsMu.Lock()
	defer a.paramsMu.Unlock()
	if a.paramsHeight == h && h > 0 {
		return a.paramsCache, nil
	}
	p, err := a.params(a.latest())
	if err != nil {
		return p, err
	}
	a.paramsHeight, a.paramsCache = h, p
	return p, nil
}

// FinalizeBlock executes a block. The writes stay pending until Commit.
func (a *App) FinalizeBlock(b Block) (*BlockResult, error) {
	if want := a.state.Height() + 1; b.Height != want {
		return nil, fmt.Errorf("finalize block %d: state is at height %d", b.Height, a.state.Height())
	}
	c := a.pending
	if c == nil || a.pendingRes != nil {
		// Not the block right after InitChain, or a re-execution of a block
		// that was finalized but not committed: start from committed state.
		c = a.state.Begin()
		if a.pendingRes != nil {
			a.genesisEvts, a.genesisVals = nil, nil
		}
	}
	a.prevAppHash = a.state.Root() // the committed root: the previous block's app hash
	res := &BlockResult{Height: b.Height, Time: b.Time, Txs: make([]TxResult, len(b.Txs))}
	res.Events = append(res.Events, a.genesisEvts...)
	res.ValidatorUpdates = append(res.ValidatorUpdates, a.genesisVals...)
	upgraded, version, err := a.upgradeAt(c, b)
	if err != nil {
		return nil, err
	}
	res.Events, res.AppVersion = append(res.Events, upgraded...), version

	params, err := a.params(c)
	if err != nil {
		return nil, err
	}
	// Decode every tx (the cache gives those this node saw before, verified
	// and, where kept, with their message), then verify the other signatures
	// in one parallel batch before executing in order.
	ds := make([]decoded, len(b.Txs))
	var jobs []sigJob
	var jobIdx []int
	for i, raw := range b.Txs {
		ds[i] = a.decodeCached(raw, int(params.MaxTxBytes))
		if ds[i].err != nil || ds[i].sigValid {
			continue
		}
		jobs = append(jobs, sigJob{pub: ds[i].tx.Signer, msg: ds[i].signMsg, sig: ds[i].tx.Signature})
		jobIdx = append(jobIdx, i)
	}
	for k, ok := range verifyBatch(jobs) {
		ds[jobIdx[k]].sigValid = ok
	}

	begin, beginVals, err := a.hooks(c, b, "begin block", module.Module.BeginBlock)
	if err != nil {
		return nil, err
	}
	res.Events = append(res.Events, begin...)
	res.ValidatorUpdates = append(res.ValidatorUpdates, beginVals...)
	budget := newBlockBudget(params)
	for i := range ds {
		r, err := a.deliver(c, b, &ds[i], params, budget)
		if err != nil {
			return nil, err
		}
		res.Txs[i] = r
	}
	end, endVals, err := a.hooks(c, b, "end block", module.Module.EndBlock)
	if err != nil {
		return nil, err
	}
	res.EndEvents = end
	res.ValidatorUpdates = append(res.ValidatorUpdates, a.txValUpdates...)
	res.ValidatorUpdates = append(res.ValidatorUpdates, endVals...)
	a.txValUpdates = nil
	res.ValidatorUpdates = mergeValidatorUpdates(res.ValidatorUpdates)

	hash, err := a.state.Hash(c)
	if err != nil {
		return nil, err
	}
	res.AppHash = hash
	a.pending, a.pendingRes = c, res
	return res, nil
}

// hooks runs one block hook of every module, in order, each on its own
// branch of c: a hook that fails has its writes discarded (see run) and the
// block goes on; only a storage failure is returned.
func (a *App) hooks(c *store.Cache, b Block, what string, hook func(module.Module, *module.Context) error) ([]gongxu.Event, []module.ValidatorUpdate, error) {
	var evs []gongxu.Event
	var vals []module.ValidatorUpdate
	for _, m := range a.cfg.Modules {
		br := c.Branch()
		ctx := &module.Context{KV: br, ChainID: a.cfg.ChainID, Height: b.Height, Time: b.Time, PrevAppHash: a.prevAppHash}
		if err := a.run(ctx, m.Name()+" "+what, inHook, func() error { return hook(m, ctx) }); err != nil {
			if IsStorageFailure(err) {
				return nil, nil, err
			}
			continue
		}
		if err := br.Write(); err != nil {
			return nil, nil, err
		}
		evs = append(evs, ctx.Events()...)
		vals = append(vals, ctx.ValidatorUpdates()...)
	}
	return evs, vals, nil
}

// mergeValidatorUpdates keeps the last update per key, sorted by key, so the
// set CometBFT receives has no duplicates and a fixed order.
func mergeValidatorUpdates(in []module.ValidatorUpdate) []module.ValidatorUpdate {
	if len(in) == 0 {
		return nil
	}
	last := map[string]int64{}
	for _, u := range in {
		last[string(u.PubKey)] = u.Power
	}
	out := make([]module.ValidatorUpdate, 0, len(last))
	for k, p := range last {
		out = append(out, module.ValidatorUpdate{PubKey: []byte(k), Power: p})
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].PubKey, out[j].PubKey) < 0 })
	return out
}

func reject(r TxResult, err error) TxResult {
	r.Code = uint32(gongxu.ErrorKind(err))
	r.Log = gongxu.ErrorMessage(err)
	return r
}

// deliver executes one transaction of a block. Checks that need no handler
// (envelope, signature, quota, sequence, type, body, signer) change nothing
// when they fail. Once a transaction reaches its handler it consumes its
// sequence number whatever the outcome, so it can never be replayed.
func (a *App) deliver(c *store.Cache, b Block, d *decoded, params gongxu.Params, budget *blockBudget) (TxResult, error) {
	r := TxResult{Hash: d.hash}
	if d.err != nil {
		return reject(r, d.err), nil
	}
	r.Type, r.Signer = d.tx.Type, d.tx.SignerKey()
	if !d.sigValid {
		return reject(r, errBadSig), nil
	}
	route, msg, err := a.routeDecoded(d)
	a.txs.drop(d.key, d.raw) // executed: the mempool lets it go
	if err != nil {
		return reject(r, err), nil
	}
	org, err := a.cfg.Auth.OrgOfKey(c, r.Signer)
	if err != nil {
		return r, err
	}
	r.Org = org
	if org == "" && !route.Open {
		return reject(r, gongxu.Errorf(gongxu.KindUnauthorized, "key %s belongs to no member org; %s needs a member's key", short(r.Signer), d.tx.Type)), nil
	}
	if err := budget.fits(d.tx.Signer, org == "", module.WeightOf(msg)); err != nil {
		return reject(r, err), nil
	}
	next, err := readSeq(c, d.tx.Signer)
	if err != nil {
		return r, err
	}
	if err := checkSeq(d.tx.Sequence, next); err != nil {
		return reject(r, err), nil
	}
	budget.take(d.tx.Signer, org == "", module.WeightOf(msg))
	if err := writeSeq(c, d.tx.Signer, next+1); err != nil {
		return r, err
	}
	branch := c.Branch()
	ctx := &module.Context{KV: branch, ChainID: a.cfg.ChainID, Height: b.Height, Time: b.Time, PrevAppHash: a.prevAppHash,
		Signer: r.Signer, Org: org, TxHash: d.hash}
	if err := a.run(ctx, d.tx.Type, inBlock, func() error { return route.Handle(ctx, msg) }); err != nil {
		if IsStorageFailure(err) {
			return r, err
		}
		return reject(r, err), nil
	}
	if err := branch.Write(); err != nil {
		return r, err
	}
	r.Events = ctx.Events()
	a.txValUpdates = append(a.txValUpdates, ctx.ValidatorUpdates()...)
	return r, nil
}

func checkSeq(got, next uint64) error {
	switch {
	case got < next:
		return gongxu.Errorf(gongxu.KindSequence, "sequence %d was already used (replay); the next is %d", got, next)
	case got > next:
		return gongxu.Errorf(gongxu.KindSequence, "sequence %d skips ahead; the next is %d", got, next)
	}
	return nil
}

// route finds the message type and decodes and checks the body.
func (a *App) route(tx *gongxu.Tx) (module.Route, module.Msg, error) {
	route, ok := a.routes[tx.Type]
	if !ok {
		return route, nil, gongxu.Errorf(gongxu.KindUnknownType, "unknown message type %q", tx.Type)
	}
	msg := route.New()
	if err := decodeBody(tx.Type, tx.Body, msg); err != nil {
		return route, nil, err
	}
	if err := validateBasic(tx.Type, msg); err != nil {
		return route, nil, err
	}
	return route, msg, nil
}

// DecodeMsg decodes and checks a message body of type typ exactly as CheckTx,
// proposals and blocks do, for tools and fuzzing.
func (a *App) DecodeMsg(typ string, body []byte) (module.Msg, error) {
	_, msg, err := a.route(&gongxu.Tx{Type: typ, Body: body})
	return msg, err
}

// canonicalBody is what a message type implements to decode, without
// reflection, a body of the one shape its own encoder writes (a hub batch:
// 250 KB of base64 in one string, which the general decoder copies byte by
// byte). DecodeCanonical runs after CheckJSON accepted the body; it reports
// whether it decoded it, and must then give exactly the message the general
// decoder gives for that body (each implementation has a fuzz test saying
// so); on false it leaves the message untouched and the general decoder
// runs.
type canonicalBody interface{ DecodeCanonical(body []byte) bool }

// binaryBody is what a message type implements to declare a binary body
// besides its JSON one (a hub batch: pool/batch's packed leaves without
// base64 or JSON around them, docs/wire.md). A body whose first byte is not
// '{' goes to DecodeBinary, which must accept only the one canonical
// encoding of each message and refuse everything else with a KindInvalid
// error (each implementation has a fuzz test saying so); ValidateBasic then
// runs as for a JSON body. The types whose messages implement it are the
// only ones whose bodies may be other than a JSON object.
type binaryBody interface{ DecodeBinary(body []byte) error }

// decodeBody decodes a message body that has exactly one meaning: a compact
// JSON object (gongxu.CheckJSON: no duplicate or case-variant keys, valid
// UTF-8, bounded) whose member names match the message's fields exactly —
// case-sensitively, none unknown; or, for a message type that declares a
// binary body (binaryBody), a body not starting with '{' in that form.
func decodeBody(typ string, body []byte, msg module.Msg) error {
	if len(body) > 0 && body[0] != '{' {
		if b, ok := msg.(binaryBody); ok {
			if err := b.DecodeBinary(body); err != nil {
				return gongxu.Errorf(gongxu.ErrorKind(err), "%s body: %s", typ, gongxu.ErrorMessage(err))
			}
			return nil
		}
	}
	if len(body) == 0 || body[0] != '{' {
		return gongxu.Errorf(gongxu.KindInvalid, "%s body: must be a JSON object", typ)
	}
	if err := gongxu.CheckJSON(body, gongxu.DefaultJSONLimits); err != nil {
		return gongxu.Errorf(gongxu.ErrorKind(err), "%s body: %s", typ, gongxu.ErrorMessage(err))
	}
	if c, ok := msg.(canonicalBody); ok && c.DecodeCanonical(body) {
		emptyToNil(reflect.ValueOf(msg))
		return nil
	}
	if err := jsonv2.Unmarshal(body, msg, jsonv2.RejectUnknownMembers(true)); err != nil {
		var se *jsonv2.SemanticError
		if errors.As(err, &se) {
			at := string(se.JSONPointer)
			if se.Err == jsonv2.ErrUnknownName {
				return gongxu.Errorf(gongxu.KindInvalid, "%s body: unknown field %q at %s (names are case-sensitive)", typ, se.JSONPointer.LastToken(), at)
			}
			if se.GoType != nil && at != "" {
				return gongxu.Errorf(gongxu.KindInvalid, "%s body: %s at %s is not a valid %s", typ, se.JSONKind, at, se.GoType)
			}
		}
		return gongxu.Errorf(gongxu.KindInvalid, "%s body: %v", typ, err)
	}
	emptyToNil(reflect.ValueOf(msg))
	return nil
}

// emptyToNil sets every empty list in v (through pointers, struct fields and
// list elements) to nil, so that "field":[] and an absent field are one
// message: the omitempty re-encoding of either decodes to the same value, and
// no handler can tell them apart.
func emptyToNil(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			emptyToNil(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				emptyToNil(f)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			if !v.IsNil() && v.CanSet() {
				v.SetZero()
			}
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			emptyToNil(v.Index(i))
		}
	}
}

// validateBasic runs msg's stateless checks; a panic or an internal error
// there is reported as the message's fault (KindInvalid), since no state is
// involved and every node reaches the same verdict.
func validateBasic(typ string, msg module.Msg) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = gongxu.Errorf(gongxu.KindInvalid, "%s: the message could not be checked: %v", typ, p)
		}
	}()
	if err := msg.ValidateBasic(); err != nil {
		if gongxu.ErrorKind(err) == gongxu.KindInternal {
			err = gongxu.Errorf(gongxu.KindInvalid, "%s: %v", typ, err)
		}
		return err
	}
	return nil
}

func short(k gongxu.PubKey) string {
	if len(k) > 12 {
		return string(k[:12]) + "…"
	}
	return string(k)
}

func seqKey(signer []byte) []byte { return append([]byte(seqPrefix), signer...) }

func readSeq(r store.Reader, signer []byte) (uint64, error) {
	v, err := r.Get(seqKey(signer))
	if err != nil {
		return 0, err
	}
	if v == nil {
		return 1, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("sequence of %x: corrupt value of %d bytes", signer, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

func writeSeq(kv store.KV, signer []byte, next uint64) error {
	return kv.Set(seqKey(signer), binary.BigEndian.AppendUint64(nil, next))
}

// Commit persists the finalized block in one atomic batch.
func (a *App) Commit() ([]byte, error) {
	if a.pending == nil || a.pendingRes == nil {
		return nil, fmt.Errorf("commit without a finalized block")
	}
	res := a.pendingRes
	// The mempool's checks wait while the state changes under them.
	a.checkMu.Lock()
	root, err := a.state.Commit(a.pending, res.Height)
	if err != nil {
		a.checkMu.Unlock()
		return nil, err
	}
	a.lastTime.Store(res.Time)
	a.pending, a.pendingRes = nil, nil
	a.genesisEvts, a.genesisVals = nil, nil
	a.genesisView.Store(nil)
	clear(a.mempoolSeqs)
	a.checkState = nil
	a.reads = nil
	a.pendingWeight = 0
	a.checkMu.Unlock()
	if a.onCommit != nil {
		a.onCommit(*res)
	}
	return root, nil
}

// latest is the state that CheckTx and reads judge against: the committed
// state, or genesis before the first block commits it.
func (a *App) latest() store.Reader {
	if v := a.genesisView.Load(); v != nil && a.state.Height() == 0 {
		return v
	}
	return a.state
}

// CheckTx judges a transaction for the mempool as the next block would:
// envelope, signature, body, signer, sequence, the block budget it needs
// (module.WeightOf), and then its handler, run against the committed state
// plus the transactions this node accepted since (the check state), so that
// what would fail in a block — a pledge without the money in escrow, a
// withdrawal over the balance, a message its signer may not send — does not
// take block space. It changes no committed state.
func (a *App) CheckTx(raw []byte) TxResult {
	params, err := a.checkParams()
	if err != nil {
		return reject(TxResult{Hash: gongxu.TxHash(raw)}, err)
	}
	d := a.decodeVerified(raw, int(params.MaxTxBytes))
	defer a.remember(&d) // verified: with its message, once routed
	r := TxResult{Hash: d.hash}
	if d.err != nil {
		return reject(r, d.err)
	}
	r.Type, r.Signer = d.tx.Type, d.tx.SignerKey()
	if !d.sigValid {
		return reject(r, errBadSig)
	}
	route, msg, err := a.routeDecoded(&d)
	if err != nil {
		return reject(r, err)
	}
	weight := module.WeightOf(msg)
	if err := checkWeight(d.tx.Type, weight, params); err != nil {
		return reject(r, err)
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	reads := a.checkReadsFor()
	org, err := a.cfg.Auth.OrgOfKey(reads, r.Signer)
	if err != nil {
		return reject(r, err)
	}
	r.Org = org
	if org == "" && !route.Open {
		return reject(r, gongxu.Errorf(gongxu.KindUnauthorized, "key %s belongs to no member org; %s needs a member's key", short(r.Signer), d.tx.Type))
	}
	if err := a.sequenceFree(reads, d.tx, params); err != nil {
		return reject(r, err)
	}
	if err := a.simulate(&d, route, msg, org); err != nil {
		return reject(r, err)
	}
	a.takeSequence(d.tx)
	a.pendingWeight += weight
	return r
}

// PendingWeight returns the work weight (module.WeightOf) of the
// transactions CheckTx and Recheck accepted since the last commit — once a
// commit's rechecks are done, the weight of what the mempool holds, and of
// the writes the check state keeps for them — and the block work budget
// (gongxu.Params.BlockWeight) it compares with. A node's admission control
// reads it (internal/comet); it decides nothing in a block.
func (a *App) PendingWeight() (weight, blockWeight int64) {
	p, err := a.checkParams()
	if err != nil {
		p = gongxu.DefaultParams()
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	return a.pendingWeight, p.BlockWeight()
}

// simulate runs the handler of a checked transaction on a branch of the
// check state and keeps its writes there when it succeeds. The caller holds
// checkMu.
func (a *App) simulate(d *decoded, route module.Route, msg module.Msg, org gongxu.OrgID) error {
	reads := a.checkReadsFor()
	if a.checkState == nil {
		a.checkState = store.NewCache(reads)
	}
	br := a.checkState.Branch()
	h, t := a.state.Height(), a.lastTime.Load()
	ctx := &module.Context{KV: br, ChainID: a.cfg.ChainID, Height: h + 1, Time: t, PrevAppHash: a.state.Root(),
		Signer: d.tx.SignerKey(), Org: org, TxHash: d.hash}
	if err := a.run(ctx, d.tx.Type, inCheck, func() error { return route.Handle(ctx, msg) }); err != nil {
		if IsStorageFailure(err) {
			a.log.Error("mempool check: storage failure", "err", err)
			return gongxu.Errorf(gongxu.KindUnavailable, "this node cannot judge the transaction now (storage failure); try another node")
		}
		return err
	}
	return br.Write()
}

// Recheck re-judges a transaction still in the mempool after a commit, the
// way CheckTx does, in mempool order: the check state starts again from the
// new committed state, and each remaining transaction's handler runs on it,
// so a transaction that now fails (its pledge's pool closed, the balance
// spent by a committed one) leaves the mempool, and one that depends on
// another still waiting there stays. The signature is not verified again
// (the transaction cache remembers it, and the decoded message of types that
// opt in).
func (a *App) Recheck(raw []byte) TxResult { return a.CheckTx(raw) }

// sequenceFree says whether a transaction's sequence may enter the mempool:
// within the window from the signer's next in r (the committed state), and
// not taken by another transaction there. The caller holds checkMu.
func (a *App) sequenceFree(r store.Reader, tx *gongxu.Tx, params gongxu.Params) error {
	committed, err := readSeq(r, tx.Signer)
	if err != nil {
		return err
	}
	window := uint64(max(params.MaxTxsPerSignerBlock, minSeqWindow))
	switch seq := tx.Sequence; {
	case seq < committed:
		return gongxu.Errorf(gongxu.KindSequence, "sequence %d was already used (replay); the next is %d", seq, committed)
	case seq-committed >= window:
		return gongxu.Errorf(gongxu.KindSequence, "sequence %d skips more than %d ahead of the next, %d", seq, window, committed)
	}
	if _, dup := a.mempoolSeqs[string(tx.Signer)][tx.Sequence]; dup {
		return gongxu.Errorf(gongxu.KindSequence, "sequence %d is already taken by a transaction in the mempool", tx.Sequence)
	}
	return nil
}

// takeSequence records a transaction's sequence as taken in the mempool.
// The caller holds checkMu.
func (a *App) takeSequence(tx *gongxu.Tx) {
	ps := a.mempoolSeqs[string(tx.Signer)]
	if ps == nil {
		ps = map[uint64]struct{}{}
		a.mempoolSeqs[string(tx.Signer)] = ps
	}
	ps[tx.Sequence] = struct{}{}
}

// Account returns the org of key and the next sequence it must sign with.
func (a *App) Account(key gongxu.PubKey) (gongxu.Account, error) {
	raw, err := key.Bytes()
	if err != nil {
		return gongxu.Account{}, err
	}
	org, err := a.cfg.Auth.OrgOfKey(a.latest(), key)
	if err != nil {
		return gongxu.Account{}, err
	}
	next, err := readSeq(a.latest(), raw)
	if err != nil {
		return gongxu.Account{}, err
	}
	a.checkMu.Lock()
	for ps := a.mempoolSeqs[string(raw)]; ; next++ {
		if _, taken := ps[next]; !taken {
			break
		}
	}
	a.checkMu.Unlock()
	return gongxu.Account{PubKey: key, Org: org, Sequence: next}, nil
}

// minSeqWindow is the least number of sequences ahead of a signer's next
// that CheckTx takes into the mempool.
const minSeqWindow = 64

// PrepareProposal chooses the transactions of a block this node proposes, at
// most maxBytes and within the block budget (blockBudget). Each signer's
// transactions go in sequence order from its next sequence, stopping at a
// gap; signers take turns, one transaction each per round in the order the
// mempool first lists them, so one signer's volume (large or many
// transactions) cannot push another's out of the block. A signer whose next
// transaction does not fit is done for this block. Transactions that no
// longer decode or check are left out.
func (a *App) PrepareProposal(txs [][]byte, maxBytes int64) [][]byte {
	r := a.latest()
	params, err := a.params(r)
	if err != nil {
		params = gongxu.DefaultParams()
	}
	type item struct {
		seq    uint64
		raw    []byte
		weight int64
	}
	type queue struct {
		signer []byte
		open   bool
		items  []item
	}
	var order []string
	bySigner := map[string][]item{}
	for _, raw := range txs {
		d := a.decodeCached(raw, int(params.MaxTxBytes))
		if d.err != nil {
			continue
		}
		tx := d.tx
		_, msg, err := a.routeDecoded(&d)
		if err != nil {
			continue
		}
		a.remember(&d) // a message decoded here joins its verified entry
		k := string(tx.Signer)
		if _, seen := bySigner[k]; !seen {
			order = append(order, k)
		}
		bySigner[k] = append(bySigner[k], item{tx.Sequence, raw, module.WeightOf(msg)})
	}
	// Each signer's queue: its transactions from its next sequence on,
	// without gaps or duplicates.
	queues := make([]*queue, 0, len(order))
	for _, k := range order {
		items := bySigner[k]
		sort.SliceStable(items, func(i, j int) bool { return items[i].seq < items[j].seq })
		next, err := readSeq(r, []byte(k))
		if err != nil {
			continue
		}
		org, err := a.cfg.Auth.OrgOfKey(r, gongxu.PubKey(hex.EncodeToString([]byte(k))))
		if err != nil {
			continue
		}
		q := &queue{signer: []byte(k), open: org == ""}
		for _, it := range items {
			if it.seq < next {
				continue // replayed, or a duplicate of one already taken
			}
			if it.seq > next {
				break
			}
			q.items = append(q.items, it)
			next++
		}
		if len(q.items) > 0 {
			queues = append(queues, q)
		}
	}
	out := make([][]byte, 0, len(txs))
	var size int64
	budget := newBlockBudget(params)
	for len(queues) > 0 {
		live := queues[:0]
		for _, q := range queues {
			it := q.items[0]
			if size+int64(len(it.raw)) > maxBytes || budget.fits(q.signer, q.open, it.weight) != nil {
				continue // this signer is done for the block
			}
			budget.take(q.signer, q.open, it.weight)
			out = append(out, it.raw)
			size += int64(len(it.raw))
			if q.items = q.items[1:]; len(q.items) > 0 {
				live = append(live, q)
			}
		}
		queues = live
	}
	return out
}

// ProcessProposal judges a block another validator proposes, before voting
// for it, with what needs no execution: every transaction decodes, its
// signature verifies (one batch, remembered for FinalizeBlock), its body
// checks, and the block stays within the block budget. A proposal that
// fails is refused (the round moves on to another proposer); an honest
// proposer's PrepareProposal never makes one. Every validator judges the
// same proposal against the same committed state, so all reach the same
// verdict.
func (a *App) ProcessProposal(txs [][]byte) error {
	r := a.latest()
	params, err := a.params(r)
	if err != nil {
		return err
	}
	budget := newBlockBudget(params)
	orgs := map[string]gongxu.OrgID{}
	var jobs []sigJob
	var unverified []decoded
	for i, raw := range txs {
		d := a.decodeCached(raw, int(params.MaxTxBytes))
		if d.err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "tx %d: %s", i, gongxu.ErrorMessage(d.err))
		}
		_, msg, err := a.routeDecoded(&d)
		if err != nil {
			return gongxu.Errorf(gongxu.ErrorKind(err), "tx %d: %s", i, gongxu.ErrorMessage(err))
		}
		org, ok := orgs[string(d.tx.Signer)]
		if !ok {
			if org, err = a.cfg.Auth.OrgOfKey(r, d.tx.SignerKey()); err != nil {
				return err
			}
			orgs[string(d.tx.Signer)] = org
		}
		w := module.WeightOf(msg)
		if err := budget.fits(d.tx.Signer, org == "", w); err != nil {
			return gongxu.Errorf(gongxu.KindQuota, "tx %d: %s", i, gongxu.ErrorMessage(err))
		}
		budget.take(d.tx.Signer, org == "", w)
		if !d.sigValid {
			jobs = append(jobs, sigJob{pub: d.tx.Signer, msg: d.signMsg, sig: d.tx.Signature})
			unverified = append(unverified, d)
		}
	}
	// Remembered for FinalizeBlock: verified, with their messages.
	var bad bool
	for i, ok := range verifyBatch(jobs) {
		if !ok {
			bad = true
			continue
		}
		unverified[i].sigValid = true
		a.remember(&unverified[i])
	}
	if bad {
		return gongxu.Errorf(gongxu.KindBadSignature, "a transaction's signature does not verify")
	}
	return nil
}

// SetLastBlockTime tells a restarted chain the time of its last committed
// block (from the consensus engine's block store), which CheckTx judges
// against until the next commit.
func (a *App) SetLastBlockTime(ms int64) {
	for {
		old := a.lastTime.Load()
		if ms <= old || a.lastTime.CompareAndSwap(old, ms) {
			return
		}
	}
}
