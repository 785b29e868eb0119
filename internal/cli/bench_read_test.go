package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestProvLots: bench read finds the demo's provenance pages by what the
// lots are (the jacket lot a work order made, the fabric lot received from
// Lakeside), not by codes that follow production order ids: a demo that made
// another production order first broke the hard-coded
// rain-jacket-0001.
func TestProvLots(t *testing.T) {
	lots := `[
  {"id": "acme-apparel/lakeside-fabrics/thread-0003-1", "item": "thread", "owner": "acme-apparel", "po": 1},
  {"id": "acme-apparel/lakeside-fabrics/waxed-cotton-0003-2", "item": "waxed-cotton", "owner": "acme-apparel", "po": 1},
  {"id": "acme-apparel/rain-jacket-0002", "item": "acme-apparel/rain-jacket", "owner": "acme-apparel", "wo": 4},
  {"id": "acme-apparel/rain-jacket-9999", "item": "acme-apparel/rain-jacket", "owner": "acme-apparel", "wo": 7}
]`
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/lots" || r.URL.Query().Get("owner") != "acme-apparel" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	ctx := context.Background()

	body = lots
	got, err := provLots(ctx, srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/p/acme-apparel/rain-jacket-0002", "/p/acme-apparel/lakeside-fabrics/waxed-cotton-0003-2"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	// No jacket made by a work order, no fabric, or no lots: a clear error.
	for _, bad := range []string{
		`[{"id": "acme-apparel/rain-jacket-0002", "item": "acme-apparel/rain-jacket", "owner": "acme-apparel"},
		  {"id": "acme-apparel/lakeside-fabrics/waxed-cotton-0003-2", "item": "waxed-cotton", "owner": "acme-apparel"}]`,
		`[{"id": "acme-apparel/rain-jacket-0002", "item": "acme-apparel/rain-jacket", "owner": "acme-apparel", "wo": 4}]`,
		`[]`,
		`{"not": "a list"}`,
	} {
		body = bad
		if got, err := provLots(ctx, srv.Client(), srv.URL); err == nil || !strings.Contains(err.Error(), "bench read") {
			t.Errorf("%s: got %q, %v", bad, got, err)
		}
	}
}
