package node

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestNodeDemandPages: the node gives the pages its demand and forecast
// services, so the demand pages answer (an unknown product is a 404 page).
func TestNodeDemandPages(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	home := initTestHome(t)
	cfg, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	n := openTestNode(t, home, cfg, slog.New(slog.DiscardHandler))
	for path, want := range map[string]int{"/demand": http.StatusOK, "/demand/operator/no-such-product": http.StatusNotFound} {
		resp, err := http.Get(n.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s, want %d\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), want, body)
		}
	}
}
