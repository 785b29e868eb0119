package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// A change order proposed on the purchase order page adds lines: the add
// rows offer the supplier's items open to the factory in the order's
// currency; a blank price takes the offer's; bad rows are refused without
// sending; the change reaches the ledger with the added line, and once the
// supplier accepts it the order has the line.
func TestFactoryChangeAddsLines(t *testing.T) {
	f := factorySite(t)
	po, _ := acceptedPO(t, f)
	path := poPath(po.ID)
	s, logs := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, path, localAddr, sess)
	add := between(t, body, "change-add")
	contains(t, "add rows", add, `<select name="add-item-1" aria-label="Item of added line 1">`, `<option value="bone-buttons">bone-buttons (piece)`,
		`<option value="merino-fabric">merino-fabric (m)`, "at least 10", `name="add-qty-3"`, `name="add-date-2"`, `name="add-price-1"`)
	lacks(t, "another supplier's item", add, "indigo-dye")
	res, zh := serve(t, s, request("GET", path, nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
	if res.StatusCode != http.StatusOK || checkHTML(zh) != nil {
		t.Fatalf("the page in Chinese: status %d, %v", res.StatusCode, checkHTML(zh))
	}
	contains(t, "zh", zh, "添加订单行")
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}

	now := f.w.Now()
	today, later := dayInputIn(now, nil), dayInputIn(now+10*inproc.Day, nil)
	// form keeps every line as it stands and fills add row 1 (and row 2
	// with extra, when given).
	form := func(item, qty, date, price string, extra ...string) url.Values {
		_, body := formGet(t, s, path, localAddr, sess)
		v := url.Values{"csrf": {csrfOf(t, body)}, "reason": {"buttons too"}}
		for i, l := range po.Lines {
			v.Set(fmt.Sprintf("qty-%d", i+1), decimalString(int64(l.Qty), 3))
			v.Set(fmt.Sprintf("date-%d", i+1), dayInputIn(po.Promised[i], nil))
			v.Set(fmt.Sprintf("price-%d", i+1), decimalString(int64(l.UnitPrice), moneyScale(po.Currency)))
		}
		v.Set("add-item-1", item)
		v.Set("add-qty-1", qty)
		v.Set("add-date-1", date)
		v.Set("add-price-1", price)
		for i, x := range extra {
			v.Set([]string{"add-item-2", "add-qty-2", "add-date-2", "add-price-2"}[i], x)
		}
		return v
	}
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"nothing at all", form("", "", "", ""), "The change changes nothing: change a quantity, date or price, or add a line."},
		{"no item", form("", "5", later, ""), "Added line 1: choose the item to add."},
		{"another supplier's item", form("indigo-dye", "5", later, ""), "Added line 1: blue-river-cotton offers no indigo-dye to acme-textiles in CNY."},
		{"unknown item", form("gold-thread", "5", later, ""), "offers no gold-thread"},
		{"zero qty", form("bone-buttons", "0", later, ""), "Added line 1: the quantity must be a positive number"},
		{"bad qty", form("bone-buttons", "many", later, ""), "the quantity must be a positive number"},
		{"under the minimum", form("merino-fabric", "5", later, ""), "Added line 1: 5 of merino-fabric is under the supplier&#39;s minimum order of 10."},
		{"bad date", form("bone-buttons", "5", "soon", ""), "Added line 1: the date must be a date"},
		{"today", form("bone-buttons", "5", today, ""), "is not after today"},
		{"past", form("bone-buttons", "5", "2020-01-01", ""), "is not after today"},
		{"bad price", form("bone-buttons", "5", later, "free"), "Added line 1: the unit price must be a positive amount"},
		{"huge price", form("bone-buttons", "5", later, "99999999999"), "is more than"},
		{"second row bad", form("bone-buttons", "5", later, "", "silk-lining", "", later), "Added line 2: the quantity must be a positive number"},
	} {
		res, body := factoryPost(t, s, path+"/propose-change", localAddr, sess, c.form)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d\n%s", c.name, res.StatusCode, body)
		}
		contains(t, c.name, body, c.want, "Nothing was sent.")
		if n := len(f.sent()); n != 0 {
			t.Fatalf("%s: %d sends", c.name, n)
		}
	}

	// Row 1 at the offer's price (blank), row 2 at a price given.
	res, body = factoryPost(t, s, path+"/propose-change", localAddr, sess,
		form("bone-buttons", "100", later, "", "silk-lining", "2.5", later, "55.5"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s\n%s", res.StatusCode, body, logs)
	}
	committed(t, f, body, gongxu.TypePOChange, "")
	var sent gongxu.POChangeBody
	if err := json.Unmarshal(f.sent()[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	n := len(po.Lines)
	if len(sent.Lines) != n+2 {
		t.Fatalf("sent %d lines, want %d: %+v", len(sent.Lines), n+2, sent.Lines)
	}
	date, _ := parseDayIn(later, now, nil)
	want := []gongxu.POLine{{Item: "bone-buttons", Qty: 100_000, Date: date, UnitPrice: 12}, {Item: "silk-lining", Qty: 2500, Date: date, UnitPrice: 5550}}
	for i, w := range want {
		if sent.Lines[n+i] != w {
			t.Errorf("added line %d: %+v, want %+v", i+1, sent.Lines[n+i], w)
		}
	}
	got, err := f.w.Read().PO(context.Background(), po.ID)
	if err != nil || got.Change == nil || len(got.Change.Lines) != n+2 || got.Change.Lines[n] != want[0] || got.Change.Lines[n+1] != want[1] {
		t.Fatalf("the change on the ledger: %+v (%v)", got.Change, err)
	}
	// The pending change shows the added lines; the supplier accepts it and
	// the order has them.
	_, body = formGet(t, s, path, localAddr, sess)
	change := between(t, body, "change")
	contains(t, "pending", change, fmt.Sprintf("<td class=\"num\">%d</td>\n<td><code>bone-buttons</code></td>\n<td class=\"num changed\">100</td>", n+1))
	f.w.Send(string(po.Supplier), gongxu.TypePOChangeAnswer, gongxu.POChangeAnswerBody{PO: po.ID, Change: got.Change.ID, Accept: true})
	got, err = f.w.Read().PO(context.Background(), po.ID)
	if err != nil || got.Change != nil || len(got.Lines) != n+2 || got.Lines[n].Item != "bone-buttons" || got.Lines[n].Qty != 100_000 ||
		got.Lines[n+1].UnitPrice != 5550 {
		t.Fatalf("purchase order %d after the supplier accepted: %+v (%v)", po.ID, got, err)
	}
}
