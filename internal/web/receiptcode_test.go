package web

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

var (
	testTx     = strings.Repeat("0123456789ABCDEF", 4)
	testSecret = strings.Repeat("fedcba9876543210", 4)
)

func TestReceiptCode(t *testing.T) {
	k := receiptKey{Tx: testTx, Index: 4999, Secret: testSecret}
	code := receiptCode(k)
	if len(code) != receiptCodeLen || receiptCodeLen != 91 || !strings.HasPrefix(code, "GX1") {
		t.Fatalf("code %q (%d)", code, len(code))
	}
	for _, in := range []string{code, "  " + code + "\n", "https://hub.example/pledge#" + code, "http://127.0.0.1:8080/pledge?code=" + code} {
		got, err := readReceipt([]byte(in))
		if err != nil || got != k {
			t.Errorf("readReceipt(%q) = %+v, %v", in, got, err)
		}
	}
	// Lower-case hex of the transaction reads as CometBFT writes it.
	if got, _ := parseReceiptCode(receiptCode(receiptKey{Tx: strings.ToLower(testTx), Secret: testSecret})); got.Tx != testTx {
		t.Errorf("tx %q", got.Tx)
	}
	for _, bad := range []receiptKey{{Tx: "AB", Secret: testSecret}, {Tx: testTx, Secret: "ab"}, {Tx: testTx, Secret: testSecret, Index: 5000}, {Tx: testTx, Secret: testSecret, Index: -1}} {
		if c := receiptCode(bad); c != "" {
			t.Errorf("receiptCode(%+v) = %q", bad, c)
		}
	}
	// An index beyond a batch's leaves, and codes that are not exactly one.
	raw := []byte(code[3:])
	over := receiptCode(receiptKey{Tx: testTx, Secret: testSecret})
	b, _ := hexOfCode(over)
	b[32], b[33] = 0xff, 0xff
	for in, want := range map[string]error{
		"":                                     errReceiptEmpty,
		"   ":                                  errReceiptEmpty,
		"GX1":                                  errReceiptFormat,
		code + "A":                             errReceiptFormat,
		code[:90]:                              errReceiptFormat,
		"GX2" + string(raw):                    errReceiptFormat,
		"gx1" + string(raw):                    errReceiptFormat,
		codeOfBytes(b):                         errReceiptIndex,
		code[:50] + "+" + code[51:]:            errReceiptFormat,
		"\xff\xfe":                             errReceiptFormat,
		strings.Repeat("A", maxReceiptInput+1): errReceiptLarge,
		`{"tx":"` + testTx + `","index":1}`:    errReceiptPublic,
		`{"tx":"` + testTx + `","index":1,"secret":"` + testSecret + `","extra":1}`:                     errReceiptFile,
		`{"tx":"` + testTx + `","index":1,"secret":"` + testSecret + `","Secret":"` + testSecret + `"}`: errReceiptFile,
		`{"tx":"` + testTx + `","index":1,"secret":"` + testSecret + `"}{}`:                             errReceiptFile,
		`{"tx":"` + strings.ToLower(testTx) + `","index":1,"secret":"` + testSecret + `"}`:              errReceiptFile,
		`{"tx":"` + testTx + `","index":5000,"secret":"` + testSecret + `"}`:                            errReceiptIndex,
		`{"tx":"` + testTx + `","index":1,"secret":"` + strings.ToUpper(testSecret) + `"}`:              errReceiptFile,
		`{"tx":`: errReceiptFile,
	} {
		if _, err := readReceipt([]byte(in)); err != want {
			t.Errorf("readReceipt(%.60q) = %v, want %v", in, err, want)
		}
	}
	// The consumer's receipt file, as the hub writes it.
	file, _ := json.MarshalIndent(gongxu.Receipt{Tx: testTx, Pool: 1, Hub: "hub-a", Index: 3, Leaves: 5, Proof: []string{}, Secret: testSecret}, "", "  ")
	if got, err := readReceipt(file); err != nil || got != (receiptKey{Tx: testTx, Index: 3, Secret: testSecret}) {
		t.Errorf("file: %+v, %v", got, err)
	}
}

func hexOfCode(code string) ([]byte, error) {
	k, err := parseReceiptCode(code)
	if err != nil {
		return nil, err
	}
	tx, _ := hex.DecodeString(k.Tx)
	sec, _ := hex.DecodeString(k.Secret)
	return append(append(tx, byte(k.Index>>8), byte(k.Index)), sec...), nil
}

// FuzzReadReceipt: the receipt reader never panics, reads only what it
// bounds, and what it accepts is a well-formed key whose code reads back to
// the same key.
func FuzzReadReceipt(f *testing.F) {
	code := receiptCode(receiptKey{Tx: testTx, Index: 7, Secret: testSecret})
	for _, s := range []string{code, "https://x/pledge#" + code, "GX1", "", "{}",
		`{"tx":"` + testTx + `","pool":1,"hub":"h","index":7,"leaves":9,"leaf":{"id":"ab","qty":1,"commit":"c"},"proof":["a"],"root":"r","secret":"` + testSecret + `"}`,
		`{"tx":"` + testTx + `","tx":"` + testTx + `","index":7,"secret":"` + testSecret + `"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		k, err := readReceipt(raw)
		if err != nil {
			if _, ok := err.(errReceipt); !ok {
				t.Fatalf("%q: an error for nobody: %v", raw, err)
			}
			return
		}
		if len(raw) > maxReceiptInput {
			t.Fatalf("%d bytes accepted", len(raw))
		}
		if k.Index < 0 || k.Index > maxLeafIndex || len(k.Tx) != 64 || strings.ToUpper(k.Tx) != k.Tx {
			t.Fatalf("%q: malformed key %+v", raw, k)
		}
		if _, err := gongxu.PickupCommit(k.Secret); err != nil {
			t.Fatalf("%q: secret %q: %v", raw, k.Secret, err)
		}
		back, err := parseReceiptCode(receiptCode(k))
		if err != nil || back != k {
			t.Fatalf("%q: %+v reads back as %+v (%v)", raw, k, back, err)
		}
	})
}

func codeOfBytes(b []byte) string {
	return receiptCodePrefix + base64.RawURLEncoding.EncodeToString(b)
}
