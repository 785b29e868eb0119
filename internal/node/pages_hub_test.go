package node

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPublicURLConfig: pages.public_url is read from the node's config and
// checked when it is loaded.
func TestPublicURLConfig(t *testing.T) {
	for raw, ok := range map[string]bool{
		`{"pages":{"public_url":"https://gongxu.hilltown.example"}}`: true,
		`{"pages":{"public_url":""}}`:                                true,
		`{"pages":{"public_url":"ftp://gongxu.hilltown.example"}}`:   false,
		`{"pages":{"public_url":"https://x.example/?a=b"}}`:          false,
	} {
		home := t.TempDir()
		if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(ConfigPath(home), []byte(raw), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(home)
		if (err == nil) != ok {
			t.Errorf("%s: %v", raw, err)
		}
		if ok && raw == `{"pages":{"public_url":"https://gongxu.hilltown.example"}}` && c.Pages.PublicURL != "https://gongxu.hilltown.example" {
			t.Errorf("public_url %q", c.Pages.PublicURL)
		}
	}
}
