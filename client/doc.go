// Package client is the Go client of a gongxu node's HTTP API (see
// internal/httpapi and GET /v1/openapi.json): node status, submission of
// signed transactions, and the read-side queries. The CLI and the end-to-end
// tests reach nodes through it.
//
// It uses only the standard library and the root package. Every error it
// returns is a *gongxu.Error: the API's JSON errors keep their kind and
// message; transport failures are of kind gongxu.KindUnavailable and wrap
// their cause.
//
// A Client implements gongxu.NodeService, gongxu.MemberService,
// gongxu.TxService, gongxu.RFQService, gongxu.ReceiptService,
// gongxu.ProductionService and gongxu.PlanService, so code
// written against those interfaces can run against a remote node. It has the
// methods of gongxu.PoolService too, except that Pool answers the pool with
// its progress (gongxu.PoolView), as the API does.
//
// The routes that make the node sign with its keys (Capture) need an API
// token of the node (WithToken); the client sends it to those routes only.
package client
