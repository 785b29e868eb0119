package node

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestReadCache checks what the list cache keeps: one answer per address
// and reader at one height, nothing with a token, no error answers, no
// other routes, and a new height starts afresh.
func TestReadCache(t *testing.T) {
	calls := 0
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("limit") == "bad" {
			w.WriteHeader(http.StatusBadRequest)
		}
		fmt.Fprintf(w, `{"call":%d,"own":%v}`, calls, own(r.Context()))
	})
	height := int64(5)
	c := newReadCache(api, func() int64 { return height })
	get := func(target string, ownReader bool, header ...string) (int, string) {
		req := httptest.NewRequest("GET", target, nil)
		if ownReader {
			req = req.WithContext(context.WithValue(req.Context(), ownKey{}, true))
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, req)
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("GET %s: Content-Type %q", target, ct)
		}
		return rec.Code, rec.Body.String()
	}
	want := func(what string, gotCode int, got string, code int, body string) {
		t.Helper()
		if gotCode != code || got != body {
			t.Errorf("%s: %d %s, want %d %s", what, gotCode, got, code, body)
		}
	}
	code, b := get("/v1/pools?limit=2", false)
	want("first", code, b, 200, `{"call":1,"own":false}`)
	code, b = get("/v1/pools?limit=2", false)
	want("again at the same height", code, b, 200, `{"call":1,"own":false}`)
	code, b = get("/v1/pools?limit=2", true)
	want("the node's own reader", code, b, 200, `{"call":2,"own":true}`)
	code, b = get("/v1/pools?limit=2", true)
	want("the node's own reader again", code, b, 200, `{"call":2,"own":true}`)
	code, b = get("/v1/pools?limit=3", false)
	want("another query", code, b, 200, `{"call":3,"own":false}`)
	code, b = get("/v1/pools?limit=2", false, "Authorization", "Bearer x")
	want("with a token", code, b, 200, `{"call":4,"own":false}`)
	code, b = get("/v1/pools?limit=bad", false)
	want("an error", code, b, 400, `{"call":5,"own":false}`)
	code, b = get("/v1/pools?limit=bad", false)
	want("the error again", code, b, 400, `{"call":6,"own":false}`)
	code, b = get("/v1/demand", false)
	want("a route not kept", code, b, 200, `{"call":7,"own":false}`)
	code, b = get("/v1/demand", false)
	want("a route not kept, again", code, b, 200, `{"call":8,"own":false}`)
	height = 6
	code, b = get("/v1/pools?limit=2", false)
	want("a new height", code, b, 200, `{"call":9,"own":false}`)
	code, b = get("/v1/pools?limit=2", false)
	want("the new height again", code, b, 200, `{"call":9,"own":false}`)
}
