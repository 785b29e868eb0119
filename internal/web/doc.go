// Package web owns the server-rendered pages of a node: the HTML handler that
// New returns, its embedded templates (templates/) and static assets
// (static/: a small style sheet and htmx for live updates, no JS build step),
// and the helpers the pages share: time, quantity and money formatting, key
// shortening, and pictures drawn as server-side SVG (svg.go: progress bars,
// tier ladders, a pool's progress; gantt.go: the Gantt chart of a factory's
// work centers; tracegraph.go: the graph of a trace; qr.go: QR codes, encoded
// here from ISO/IEC 18004, byte mode at level M, versions 1 to 10).
//
// Pages read only the read-side services of the root package (NodeService for
// the chain status, MemberService, TxService, PoolService, RFQService,
// ProductionService, PlanService, TraceService, a pool's progress points
// through Config.Progress and a trace event's batch proof through
// Config.TraceProof); they never touch consensus state. Times left are
// counted from the latest block time, never from a clock.
//
// Traceability (trace.go): the public provenance page of a lot or an item
// (/p/{id...}, which the QR code on the goods leads to: the page draws its
// own QR code of its address) shows the backward trace as a timeline and a
// graph, and checks each step's event against its anchor with
// gongxu.VerifyTraceEvent, saying plainly what that proves and how to check
// without trusting this node. A bad identifier is a 400 page and an unknown
// one a 404 page, both with the lookup form. The recall pages show what a
// recall reaches, per hub the pledge batches to contact and, once the
// factory shipped the hub its share (goods.go), the recalled lots shipped,
// the pledges already picked up with them (named by the pledge, never the
// person) and the units to hold, reloaded live; the home page and a pool's
// page carry a banner when a recall reaches a pool (a hub's own, on a hub's
// node). The steps of a pool's goods read in words ("Shipped to Hilltown
// Community Hub", "Picked up by a consumer"). Pages link ledger lots to
// their provenance pages.
//
// Two pages act for this node's own organization through gongxu.Operator:
// the hub form (hub.go) records a walk-in consumer's pledge, and the supplier
// inbox (supplier.go) accepts, rejects or counter-proposes the purchase
// orders sent to the org. They build the message bodies themselves as plain
// structs with the modules' JSON field names and import no module. Since
// they make the node sign, both need a person signed in (session.go: GET and
// POST /signin with an API token of the node, checked by Config.Tokens; a
// random session id in an HttpOnly, SameSite=Strict cookie, Secure over TLS;
// sessions kept in memory, ended by sign-out, expiry or the token's
// removal), and take a submission only (guard.go) when its Host and Origin
// are this node's own names (Config.Hosts: a rebound DNS name is refused,
// also on loopback), when it comes from this machine (unless
// Config.RemoteForms), and with a form token given to that session for that
// form and used once: consumed atomically, so that a double submit records
// once and says "already submitted", and a replayed token is refused.
// Anyone may read every page without signing in. The factory console
// (factory.go) reads this node's factory, or any other with ?org=ID; a
// factory acts from its pages with the same guard (factory_actions*.go,
// pools_new.go): it decides on a supplier's proposal, starts, reports on and
// completes work orders, ships a pool's hub shares, opens a pool, and a
// requester awards its request for quote; each form is offered only to the
// org that may send its message, and its answer shows the committed
// transaction or the network's refusal.
//
// Every page speaks English and Simplified Chinese (i18n.go): the language is
// the switch's cookie (GET /lang, linked from the layout), else the best of
// the browser's Accept-Language, else the node's default (Config.Language,
// the node config's pages.language: "en" unless set to "zh-CN"). Texts are
// messages of a golang.org/x/text catalog keyed by their English
// (messages_zh.go holds the Chinese; a test fails on a message the
// templates or handlers use without it). Status words come from one table
// (status.go). Money is written from its integer minor units, with two
// decimals (¥1,299.50); dates and times in the node's time zone
// (Config.TimeZone, pages.time_zone: Asia/Shanghai by default on a node
// whose default language is zh-CN, else UTC), with the zone ("UTC+8").
//
// An error of kind gongxu.KindNotFound from a service becomes a 404 page,
// gongxu.KindInvalid (a malformed address) a 400 page,
// gongxu.KindUnavailable a 503 page, and any other error a 500 page whose
// details go to the log and never to the browser.
//
// The package webtest beside it starts a headless browser for tests of the
// pages in a real browser.
package web
