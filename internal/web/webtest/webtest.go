package webtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// Timeout bounds a whole browser session, so that a hung browser fails the
// test instead of the test binary's deadline.
const Timeout = 2 * time.Minute

// ChromiumPath returns the browser binary to use: $GONGXU_CHROMIUM, else
// DefaultChromium.
func ChromiumPath() string {
	if p := os.Getenv("GONGXU_CHROMIUM"); p != "" {
		return p
	}
	return DefaultChromium
}

// Flags are the browser's command-line flags beyond chromedp's defaults. The
// networking ones matter: without them chromium keeps calling home, which on
// a closed network floods it with failing connections.
var Flags = []chromedp.ExecAllocatorOption{
	chromedp.Flag("headless", true),
	chromedp.Flag("no-sandbox", true), // runs as root in containers and CI
	chromedp.Flag("disable-gpu", true),
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("no-first-run", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("disable-renderer-backgrounding", true), // htmx timers keep running
	chromedp.Flag("hide-scrollbars", true),
	chromedp.WindowSize(1280, 900),
}

// Browser starts a fresh headless browser for t and returns a chromedp
// context of one tab in it. The browser stops when t ends; the session also
// ends after Timeout. When the browser binary is missing the test is skipped,
// or fails when GONGXU_REQUIRE_BROWSER=1.
func Browser(t testing.TB) context.Context {
	t.Helper()
	path := ChromiumPath()
	if _, err := exec.LookPath(path); err != nil {
		msg := fmt.Sprintf("no browser at %s (%v): run scripts/install-browser.sh, or set GONGXU_CHROMIUM", path, err)
		if os.Getenv("GONGXU_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + "; GONGXU_REQUIRE_BROWSER=1 forbids skipping")
		}
		t.Skip(msg)
	}

	// What the browser and chromedp say goes to a buffer, shown if the test fails.
	out := new(syncBuffer)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(out),
	)
	opts = append(opts, Flags...)

	ctx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	logf := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithLogf(logf), chromedp.WithErrorf(logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit, before TempDir's cleanup removes its profile
		cancelTimeout()
		if t.Failed() {
			t.Logf("browser output:\n%s", out.Tail(8<<10))
		}
	})

	// Start the browser now, so a browser that cannot start fails here, clearly.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start browser %s: %v\n%s", path, err, out.Tail(8<<10))
	}
	return ctx
}

// Screenshot saves a PNG of the whole page as name (e.g. "home.png") in a
// temporary directory of t, and also in $GONGXU_SCREENSHOTS when set, and
// returns the path of the kept copy (the latter when set).
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	kept := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(kept, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("GONGXU_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		kept = filepath.Join(dir, name)
		if err := os.WriteFile(kept, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot: %s", kept)
	return kept
}

// syncBuffer is a bytes.Buffer safe for the browser's output goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// Tail returns the last n bytes written.
func (s *syncBuffer) Tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.b.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Do runs a browser test's actions in the tab ctx, failing t with what
// on an error.
func Do(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Text is the text of the first element sel selects in the tab ctx.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}
