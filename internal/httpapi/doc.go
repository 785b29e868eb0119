// Package httpapi owns the node's JSON HTTP API: the handler tree on the
// standard library's ServeMux (/healthz, /metrics, /v1/openapi.json and the
// /v1 resource routes, and GS1's EPCIS 2.0 REST binding under /epcis/:
// capture signed by the node's operator, and the query interface's common
// filters answered as schema-valid EPCISQueryDocuments), the embedded
// OpenAPI 3.1 document that describes it,
// the decoding and validation of request input, and the one table that maps a
// gongxu.Kind to an HTTP status.
//
// It serves the root package's read-side services (gongxu.MemberService,
// gongxu.TxService, gongxu.PoolService, gongxu.RFQService,
// gongxu.ReceiptService, gongxu.ProductionService, gongxu.TraceService), a factory's plan
// (gongxu.PlanService) and the node (gongxu.NodeService); it holds no state
// of its own. A pool's progress (gongxu.PoolProgress) is computed against the
// latest block time the node reports, never the wall clock. Errors are JSON {"code": "<kind name>", "message": "..."}; internal
// errors are logged and answered with a generic message.
//
// Guards (guard.go), applied to each route where New registers it: the
// routes that make the node sign with its keys (signingRoutes: POST
// /epcis/capture) need Authorization: Bearer TOKEN, checked by
// Config.Tokens, and answer 401 unauthenticated with WWW-Authenticate:
// Bearer without a valid one; POST /v1/txs takes transactions signed
// elsewhere and needs none. Costly reads (a plan, trace walks, EPCIS event
// queries) and every POST are rate limited per client IP address (token
// buckets of Config.Limits, on Config.Now's clock), answering 429 quota
// with Retry-After. /healthz asks Config.Health too, so that a stalled
// chain, a read model far behind or a broken money invariant answer 503.
//
// The package only builds an http.Handler: which address it binds to, TLS,
// server timeouts and the connection cap are the caller's policy.
package httpapi
