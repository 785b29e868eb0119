// Package web owns the server-rendered pages of a node: the HTML handler that
// New returns, its embedded templates (templates/) and static assets
// (static/: a small style sheet and htmx for live updates, no JS build step),
// and the helpers the pages share: time formatting, key shortening, and charts
// drawn as server-side SVG (svg.go).
//
// Pages read only the read-side services of the root package (NodeService for
// the chain status, MemberService, TxService, PoolService, RFQService, and a
// pool's progress points through Config.Progress); they never touch consensus
// state. Times left are counted from the latest block time, never from a
// clock. One page acts: the hub form (hub.go) records a walk-in consumer's
// pledge through gongxu.Operator, answering only loopback clients and checking
// a CSRF token; it builds the message bodies itself and imports no module.
//
// An error of kind gongxu.KindNotFound from a service becomes a 404 page,
// gongxu.KindUnavailable a 503 page, and any other error a 500 page whose
// details go to the log and never to the browser.
//
// The package webtest beside it starts a headless browser for tests of the
// pages in a real browser.
package web
