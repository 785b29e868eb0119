package httpapi

import _ "embed"

// openAPIDocument is the OpenAPI 3.1 description of every route, served on
// GET /v1/openapi.json. A test keeps it true to the mux and the responses.
//
//go:embed openapi.json
var openAPIDocument []byte
