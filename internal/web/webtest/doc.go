// Package webtest starts a real headless browser for tests of gongxu's web
// pages: Debian's chromium, driven with chromedp. It owns the browser's
// command line, its lifetime (one fresh profile per test, stopped at cleanup)
// and the policy when no browser is installed: the test skips, unless
// GONGXU_REQUIRE_BROWSER=1 (as CI sets it), when it fails.
//
// Environment:
//
//	GONGXU_CHROMIUM          the browser binary (default /usr/bin/chromium)
//	GONGXU_REQUIRE_BROWSER   1: a missing browser fails the test
//	GONGXU_SCREENSHOTS       a directory that also receives Screenshot's files
//
// scripts/install-browser.sh installs the browser.
package webtest
