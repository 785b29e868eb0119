// Package node owns a running gongxu node and its home.
//
// Open starts a node from its home: the state (Pebble) and the state
// machine (package chain over the module set of package modules), CometBFT
// through package comet, the read model (package sqlite) and its feeder,
// which projects every committed block off the consensus goroutine, fills
// any gap from the block store and broadcasts each height it reaches to
// those waiting for it (WaitProjected). Serve serves the API (package
// httpapi) and the pages (package web) behind one hardened http.Server
// (Config.HTTP: timeouts, a connection cap, body limits, per-client rate
// limits); Close stops it all, in order.
//
// A running node also
//   - answers a committed transaction only once the read model shows it
//     (read-your-writes), so a client that submits and then queries sees
//     its change;
//   - signs for its org with the keys of HOME/keys (Send, and the operator
//     service the API and pages use with a credential from HOME/config/
//     tokens.json), one transaction at a time so sequences never collide;
//   - builds hub-batch receipts from the block store, and caches factories'
//     plans per read-model height;
//   - plans its operator org's production on its own when the ledger
//     changes what the plan depends on (Config.AutoPlan), and sends what
//     the plan proposes;
//   - exports Prometheus metrics on /metrics, checks the money invariant
//     after every projected batch, and reports its health (a stalled chain,
//     a lagging read model, a broken invariant) on /healthz.
//
// The one configuration (Config, with DefaultConfig's defaults) lives in
// HOME/config/gongxu.json beside CometBFT's config.toml; nothing here reads
// globals, so a whole node runs inside a test. Init, InitLocal and Testnet
// write new homes; Reindex rebuilds a stopped node's read model.
package node
