package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
	"time"

	"github.com/gongxu-network/gongxu"
)

// templateKeys are the message keys the templates use: the literal first
// argument of every T call, the units of count and plural ("%d UNIT",
// "%d UNITs"), and the literal values given to label.
func templateKeys(t *testing.T, s *server) map[string]string {
	t.Helper()
	keys := map[string]string{}
	var walk func(where string, n parse.Node)
	lit := func(n parse.Node) (string, bool) {
		if s, ok := n.(*parse.StringNode); ok {
			return s.Text, true
		}
		return "", false
	}
	walkCmd := func(where string, args []parse.Node) {
		if len(args) == 0 {
			return
		}
		id, ok := args[0].(*parse.IdentifierNode)
		if !ok {
			return
		}
		switch id.Ident {
		case "T":
			if len(args) > 1 {
				if k, ok := lit(args[1]); ok {
					keys[k] = where
				}
			}
		case "count", "plural":
			if len(args) > 2 {
				if u, ok := lit(args[2]); ok {
					keys["%d "+u], keys["%d "+pluralWord(u)] = where, where
				}
			}
		case "label":
			if len(args) > 1 {
				if v, ok := lit(args[1]); ok {
					w, ok := statusWords[v]
					if !ok {
						t.Errorf("%s: label %q has no word in statusWords", where, v)
					}
					keys[w] = where
				}
			}
		}
	}
	walk = func(where string, n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(where, c)
			}
		case *parse.ActionNode:
			walk(where, n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(where, c)
			}
		case *parse.CommandNode:
			walkCmd(where, n.Args)
			for _, a := range n.Args {
				walk(where, a)
			}
		case *parse.IfNode:
			walk(where, n.Pipe)
			walk(where, n.List)
			walk(where, n.ElseList)
		case *parse.RangeNode:
			walk(where, n.Pipe)
			walk(where, n.List)
			walk(where, n.ElseList)
		case *parse.WithNode:
			walk(where, n.Pipe)
			walk(where, n.List)
			walk(where, n.ElseList)
		case *parse.TemplateNode:
			walk(where, n.Pipe)
		}
	}
	for page, tmpl := range s.pages[langEN] {
		for _, tt := range tmpl.Templates() {
			if tt.Tree != nil {
				walk(page+"/"+tt.Name(), tt.Tree.Root)
			}
		}
	}
	return keys
}

// goKeys are the message keys the handlers use: the literal first argument
// of every call to a method T, and of notFound and the forms' refuse and
// again.
func goKeys(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			case *ast.Ident:
				fn = f.Name
			}
			if fn == "count" && len(call.Args) > 1 { // locale.count(n, unit)
				if b, ok := call.Args[1].(*ast.BasicLit); ok && b.Kind == token.STRING {
					u, _ := strconv.Unquote(b.Value)
					where := fset.Position(b.Pos()).String()
					keys["%d "+u], keys["%d "+pluralWord(u)] = where, where
				}
				return true
			}
			if fn != "T" && fn != "notFound" && fn != "refuse" && fn != "again" {
				return true
			}
			arg := call.Args[0]
			if fn == "again" && len(call.Args) > 1 {
				arg = call.Args[1] // again(status, format, args…)
			}
			if b, ok := arg.(*ast.BasicLit); ok && b.Kind == token.STRING {
				k, err := strconv.Unquote(b.Value)
				if err != nil {
					t.Fatal(err)
				}
				keys[k] = fset.Position(b.Pos()).String()
			}
			return true
		})
	}
	return keys
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[a-zA-Z%]`)

// verbs are the fmt verbs of a format, without their indexes, sorted.
func verbs(s string) []string {
	var out []string
	for _, v := range verbRE.FindAllString(s, -1) {
		out = append(out, regexp.MustCompile(`\[\d+\]`).ReplaceAllString(v, ""))
	}
	slices.Sort(out)
	return out
}

// Every message the templates and the handlers use has its Chinese, with
// the same fmt verbs; every status word and navigation entry too.
func TestCatalogComplete(t *testing.T) {
	s, _ := newTestServer(t, newSite(t))
	used := templateKeys(t, s)
	for k, where := range goKeys(t) {
		used[k] = where
	}
	for _, w := range statusWords {
		used[w] = "statusWords"
	}
	for _, n := range s.nav {
		used[n.Name] = "nav"
	}
	if len(used) < 200 {
		t.Errorf("found only %d message keys: is the walk broken?", len(used))
	}
	for k, where := range used {
		zh, ok := zhMessages[k]
		if !ok {
			t.Errorf("%s: message %q has no Chinese in messages_zh.go", where, k)
			continue
		}
		if !slices.Equal(verbs(k), verbs(zh)) {
			t.Errorf("message %q: Chinese %q has other verbs (%v, want %v)", k, zh, verbs(zh), verbs(k))
		}
		if strings.TrimSpace(zh) == "" {
			t.Errorf("message %q: empty Chinese", k)
		}
	}
}

// Every page renders in both languages, and in Chinese uses no message
// without a translation (the server records any it meets).
func TestPagesInBothLanguages(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	pages := []string{"/", "/orgs/acme-textiles", "/orgs/blue-river-cotton/reputation/on_time", "/orgs/acme-textiles/reputation/repeat", "/txs/" + f.w.RiversideVote, "/proposals/2", "/proposals/3",
		"/pools", "/pools/1", "/pools/2", "/pools/4", "/pools/5", "/rfqs", "/rfqs/1", "/rfqs/2",
		"/factory?org=acme-textiles", "/production-orders/1", "/purchase-orders/4", "/supplier", "/hub", "/carrier",
		"/recalls", "/recalls/1", jacketPath, "/p/acme-textiles/scarf-001", "/signin", "/no/such/page", "/txs/zz"}
	for _, lang := range []string{"en", "zh-CN"} {
		for _, target := range pages {
			res, body := do(t, s, "GET", target, "Accept-Language", lang)
			if res.StatusCode >= 500 {
				t.Errorf("%s in %s: status %d", target, lang, res.StatusCode)
			}
			if err := checkHTML(body); err != nil {
				t.Errorf("%s in %s: %v", target, lang, err)
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) || res.Header.Get("Content-Language") != lang {
				t.Errorf("%s in %s: html lang or Content-Language %q", target, lang, res.Header.Get("Content-Language"))
			}
		}
	}
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}

	// The Chinese pages speak Chinese: words, statuses, dates.
	_, body := do(t, s, "GET", "/pools/4", "Accept-Language", "zh-CN")
	contains(t, "zh pool", body, "拼单 #4", ">生产中</span>", "阶梯价格", "2026年", "已达到起订量 ·", "aria-label=\"阶梯价格：1 件起 ¥159.00，40 件起 ¥139.00。已认购 64 件：第 2/2 档。\"", "区块时间，UTC")
	lacks(t, "zh pool", body, ">in_production<", ">Price tiers<")
	_, body = do(t, s, "GET", "/", "Accept-Language", "zh-CN")
	contains(t, "zh home", body, "<h1>网络</h1>", "成员组织", "已决提案", ">已通过</span>", `hreflang="en" lang="en">English</a>`)
	_, body = do(t, s, "GET", "/hub", "Accept-Language", "zh-CN")
	contains(t, "zh hub", body, "服务站表单以本节点的运营密钥签名")
	_, body = do(t, s, "GET", jacketPath, "Accept-Language", "zh-CN")
	contains(t, "zh provenance", body, "<p class=\"eyebrow\">产品溯源</p>", "<h3>顾客已提货", "<h3>为 Hilltown Community Hub 装箱", "<h3>Hilltown Community Hub 已收货", "· 运输中", "锚定于交易")
	_, body = do(t, s, "GET", "/", "Accept-Language", "en")
	contains(t, "en home", body, `hreflang="zh-CN" lang="zh-CN">中文</a>`, `href="/lang?back=%2F&amp;to=zh-CN"`)
}

// The language is the switch's cookie, else the best of Accept-Language,
// else the node's default.
func TestLanguageNegotiation(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	for _, c := range []struct {
		header []string
		want   string
	}{
		{nil, "en"},
		{[]string{"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"}, "zh-CN"},
		{[]string{"Accept-Language", "zh"}, "zh-CN"},
		{[]string{"Accept-Language", "en-GB,en;q=0.9"}, "en"},
		{[]string{"Accept-Language", "fr-FR"}, "en"}, // neither: the default
		{[]string{"Accept-Language", "fr, zh;q=0.5"}, "zh-CN"},
		{[]string{"Accept-Language", "zh-CN", "Cookie", "lang=en"}, "en"}, // the switch wins
		{[]string{"Accept-Language", "en", "Cookie", "lang=zh-CN"}, "zh-CN"},
		{[]string{"Cookie", "lang=klingon"}, "en"},
	} {
		res, _ := do(t, s, "GET", "/", c.header...)
		if got := res.Header.Get("Content-Language"); got != c.want {
			t.Errorf("%v: %s, want %s", c.header, got, c.want)
		}
	}

	// A node whose default is Chinese.
	cfg := f.config()
	cfg.Language = "zh-CN"
	zs, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]string{"": "zh-CN", "fr": "zh-CN", "en": "en"} {
		res, _ := do(t, zs, "GET", "/", "Accept-Language", header)
		if got := res.Header.Get("Content-Language"); got != want {
			t.Errorf("zh node, Accept-Language %q: %s, want %s", header, got, want)
		}
	}
	cfg.Language = "fr"
	if _, err := newServer(cfg, time.Now); err == nil || !strings.Contains(err.Error(), `language "fr"`) {
		t.Errorf("language fr: %v", err)
	}
	cfg.Language, cfg.TimeZone = "", "Mars/Olympus"
	if _, err := newServer(cfg, time.Now); err == nil {
		t.Error("an unknown time zone was taken")
	}

	// The switch sets the cookie and goes back; never to another site.
	for target, back := range map[string]string{
		"/lang?to=zh-CN&back=%2Fpools%2F5%3Fx%3D1": "/pools/5?x=1",
		"/lang?to=en&back=//evil.example/":         "/",
		"/lang?to=en&back=https://evil.example/":   "/",
		"/lang?to=zh&back=/%5Cevil.example":        "/",
	} {
		res, _ := do(t, s, "GET", target)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != back {
			t.Errorf("%s: %d to %q, want %q", target, res.StatusCode, res.Header.Get("Location"), back)
		}
		ck := res.Cookies()
		if len(ck) != 1 || ck[0].Name != "lang" || !ck[0].HttpOnly || ck[0].Path != "/" {
			t.Errorf("%s: cookies %v", target, ck)
		}
	}
	page(t, s, "/lang?to=xx&back=/", http.StatusBadRequest)
}

// Money is ¥ with two decimals, from integers; dates and times are in the
// node's time zone, Asia/Shanghai by default on a Chinese node.
func TestLocaleFormats(t *testing.T) {
	ms := time.Date(2026, 1, 29, 19, 59, 0, 0, time.UTC).UnixMilli()
	en, err := newLocales("", "")
	if err != nil {
		t.Fatal(err)
	}
	zhNode, err := newLocales("zh-CN", "")
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := newLocales("en", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want string }{
		{en.byCode[langEN].msHuman(ms), "29 Jan 2026 19:59 UTC"},
		{en.byCode[langZH].msHuman(ms), "2026年1月29日 19:59 UTC"},
		{zhNode.byCode[langZH].msHuman(ms), "2026年1月30日 03:59 UTC+8"}, // the next day in Shanghai
		{zhNode.byCode[langEN].msHuman(ms), "30 Jan 2026 03:59 UTC+8"},
		{zhNode.byCode[langZH].msDay(ms), "2026年1月30日"},
		{berlin.byCode[langEN].msHuman(ms), "29 Jan 2026 20:59 UTC+1"},
		{zhNode.byCode[langZH].rfcHuman("2026-01-29T19:59:00Z"), "2026年1月30日 03:59 UTC+8"},
		{zhNode.byCode[langZH].timeLeft(ms+(2*24+5)*3600_000, ms), "剩余 2 天 5 小时"},
		{en.byCode[langEN].timeLeft(ms+(2*24+5)*3600_000, ms), "2 days 5 h left"},
		{en.byCode[langEN].timeLeft(ms+25*3600_000, ms), "1 h 0 min left"[:0] + "1 day 1 h left"},
		{zhNode.byCode[langZH].relative(msTime(ms-3*60_000), msTime(ms)), "3 分钟前"},
		{en.byCode[langEN].relative(msTime(ms+3*24*3600_000), msTime(ms)), "in 3 days"},
		{zhNode.byCode[langZH].label(gongxu.PoolInProduction), "生产中"},
		{en.byCode[langEN].label(gongxu.PoolInProduction), "in production"},
		{en.byCode[langEN].label(gongxu.POChangesProposed), "changes proposed"},
		{zhNode.byCode[langZH].label(gongxu.ProposalAdmitOrg), "接纳组织"},
		{zhNode.byCode[langZH].label("some_new_value"), "some new value"},
		{zhNode.byCode[langZH].T("%s of %s units", "3", "10"), "3 / 10 件"},
		{zhNode.byCode[langZH].T("%s per %s", "¥1.00", "piece"), "每piece ¥1.00"},
		{zhNode.byCode[langZH].T("You accepted purchase order %d from %s.", 6, "Acme"), "您已接受来自 Acme 的采购订单 6。"},
		{zhNode.byCode[langZH].T("Line %d: the unit price %s is more than %s per unit: check the amount.", 1, "¥1.00", "¥2.00"),
			"第 1 行：单价 ¥1.00 超过每件 ¥2.00：请检查金额。"},
		{money(8900, "CNY"), "¥89.00"},
		{money(100_000_000_00, "CNY"), "¥100,000,000.00"},
		{money(5, "CNY"), "¥0.05"},
		{money(-123456, "CNY"), "-¥1,234.56"},
		{money(9_223_372_036_854_775_807, "CNY"), "¥92,233,720,368,547,758.07"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if z := zhNode.byCode[langZH].zone; z.String() != "Asia/Shanghai" {
		t.Errorf("zh node zone %s", z)
	}
}

// The icon answers where browsers ask for it; a malformed id is a 404 page,
// never a 500.
func TestFaviconAndMalformedIDs(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	res, body := do(t, s, "GET", "/favicon.ico")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/x-icon" || !strings.HasPrefix(body, "\x00\x00\x01\x00") {
		t.Errorf("favicon: %d %s % x", res.StatusCode, res.Header.Get("Content-Type"), body[:min(8, len(body))])
	}
	_, home := do(t, s, "GET", "/")
	contains(t, "layout", home, `<link rel="icon" href="/favicon.ico"`)
	for _, target := range []string{"/txs/zz", "/txs/0x12", "/txs/%00", "/pools/-1", "/pools/1e3", "/rfqs/x", "/proposals/-2",
		"/production-orders/0", "/purchase-orders/abc", "/recalls/zz", "/orgs/%20"} {
		res, body := do(t, s, "GET", target)
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", target, res.StatusCode)
		}
		if !strings.Contains(body, `class="card problem"`) {
			t.Errorf("%s: no error page", target)
		}
	}
	body = page(t, s, "/txs/zz", http.StatusNotFound)
	contains(t, "/txs/zz", body, "No committed transaction has the hash &#34;zz&#34;.")
	_, body = do(t, s, "GET", "/txs/zz", "Accept-Language", "zh-CN")
	contains(t, "/txs/zz in Chinese", body, "<h1>未找到</h1>", "没有哈希为 &#34;zz&#34; 的已提交交易。")
}

var _ = template.HTML("")
