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
// The package only builds an http.Handler: which address it binds to, TLS and
// server timeouts are the caller's policy.
package httpapi
