package epcis

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Identifiers.
//
// An EPCIS event names things either by EPC URI ("urn:epc:id:sgtin:…") or by
// GS1 Digital Link URI ("https://id.gs1.org/01/…/21/…", any domain). Canonical
// maps both spellings of one thing to one key, the canonical Digital Link URI
// on id.gs1.org at its finest level of identification; indexes and traces use
// that key.

const dlRoot = "https://id.gs1.org"

// Canonical returns the one key under which id is indexed:
//
//   - SGTIN  urn:epc:id:sgtin:CP.IR.S       ↔ https://id.gs1.org/01/{GTIN}/21/{S}
//   - LGTIN  urn:epc:class:lgtin:CP.IR.L    ↔ https://id.gs1.org/01/{GTIN}/10/{L}
//   - class  urn:epc:idpat:sgtin:CP.IR.*    ↔ https://id.gs1.org/01/{GTIN}
//   - SGLN   urn:epc:id:sgln:CP.LR.E        ↔ https://id.gs1.org/414/{GLN}[/254/{E}] (E "0" is the GLN itself)
//   - PGLN   urn:epc:id:pgln:CP.PR          ↔ https://id.gs1.org/417/{GLN}
//   - SSCC   urn:epc:id:sscc:CP.SR          ↔ https://id.gs1.org/00/{SSCC}
//
// GTIN, GLN and SSCC check digits are computed from the URN's company prefix
// and reference (with the indicator digit first for a GTIN); a Digital Link
// URI's check digit must be right. Digital Link URIs may use any domain, the
// short names (gtin, lot, ser, …), GTIN-8/12/13, a query string; a lot next
// to a serial is dropped (the serial is finer). Serials, lots and extensions
// are compared percent-decoded and re-encoded the one way (RFC 3986
// unreserved characters stay, everything else is %XX).
//
// Other GS1 keys (GRAI, GIAI, GSRN, GDTI, …) are mapped as the CBV 2.0 event
// hash maps them when it can, and anything else (a UUID, a custom URI) is
// its own key, unchanged. A malformed identifier of one of the schemes above
// is KindInvalid.
func Canonical(id string) (string, error) {
	id = strings.TrimSpace(id)
	switch {
	case strings.HasPrefix(id, "urn:epc:id:sgtin:"):
		cp, ir, s, ok := split3(id[len("urn:epc:id:sgtin:"):])
		gtin, ok2 := gtinFromEPC(cp, ir)
		if !ok || !ok2 || s == "" {
			return "", badID(id, "an SGTIN EPC URI is urn:epc:id:sgtin:CompanyPrefix.ItemRef.Serial with 13 digits in all")
		}
		return dlRoot + "/01/" + gtin + "/21/" + canonicalComponent(s), nil
	case strings.HasPrefix(id, "urn:epc:class:lgtin:"):
		cp, ir, l, ok := split3(id[len("urn:epc:class:lgtin:"):])
		gtin, ok2 := gtinFromEPC(cp, ir)
		if !ok || !ok2 || l == "" {
			return "", badID(id, "an LGTIN EPC class URI is urn:epc:class:lgtin:CompanyPrefix.ItemRef.Lot with 13 digits in all")
		}
		return dlRoot + "/01/" + gtin + "/10/" + canonicalComponent(l), nil
	case strings.HasPrefix(id, "urn:epc:idpat:sgtin:"):
		cp, ir, star, ok := split3(id[len("urn:epc:idpat:sgtin:"):])
		gtin, ok2 := gtinFromEPC(cp, ir)
		if !ok || !ok2 || star != "*" {
			return "", badID(id, "an SGTIN class pattern is urn:epc:idpat:sgtin:CompanyPrefix.ItemRef.*")
		}
		return dlRoot + "/01/" + gtin, nil
	case strings.HasPrefix(id, "urn:epc:id:sgln:"):
		cp, lr, ext, ok := split3(id[len("urn:epc:id:sgln:"):])
		if !ok || !companyPrefix(cp) || !digits(lr) || len(cp)+len(lr) != 12 || ext == "" {
			return "", badID(id, "an SGLN EPC URI is urn:epc:id:sgln:CompanyPrefix.LocationRef.Extension with 12 digits in all")
		}
		gln := withCheckDigit(cp + lr)
		if ext == "0" {
			return dlRoot + "/414/" + gln, nil
		}
		return dlRoot + "/414/" + gln + "/254/" + canonicalComponent(ext), nil
	case strings.HasPrefix(id, "urn:epc:id:pgln:"):
		cp, pr, ok := strings.Cut(id[len("urn:epc:id:pgln:"):], ".")
		if !ok || !companyPrefix(cp) || !digits(pr) || len(cp)+len(pr) != 12 {
			return "", badID(id, "a PGLN EPC URI is urn:epc:id:pgln:CompanyPrefix.PartyRef with 12 digits in all")
		}
		return dlRoot + "/417/" + withCheckDigit(cp+pr), nil
	case strings.HasPrefix(id, "urn:epc:id:sscc:"):
		cp, sr, ok := strings.Cut(id[len("urn:epc:id:sscc:"):], ".")
		if !ok || !companyPrefix(cp) || !digits(sr) || len(cp)+len(sr) != 17 {
			return "", badID(id, "an SSCC EPC URI is urn:epc:id:sscc:CompanyPrefix.SerialRef with 17 digits in all")
		}
		return dlRoot + "/00/" + withCheckDigit(sr[:1]+cp+sr[1:]), nil
	case strings.HasPrefix(id, "http://") || strings.HasPrefix(id, "https://"):
		if c, ok, err := canonicalDigitalLink(id); ok || err != nil {
			return c, err
		}
	}
	if c, ok := refNormalise(id); ok {
		return c, nil
	}
	return id, nil
}

func badID(id, why string) error {
	return gongxu.Errorf(gongxu.KindInvalid, "epcis: identifier %q is malformed: %s", id, why)
}

// canonicalDigitalLink handles Digital Link URIs of GTINs (01), SSCCs (00),
// GLNs (414) and party GLNs (417). ok is false for any other URI.
func canonicalDigitalLink(uri string) (string, bool, error) {
	rest := uri[strings.Index(uri, "://")+3:]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return "", false, nil
	}
	path := rest[slash:]
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	short := map[string]string{"gtin": "01", "sscc": "00", "gln": "414", "party": "417", "lot": "10", "ser": "21", "cpv": "22", "glnx": "254"}
	for i, s := range segs {
		if ai, ok := short[s]; ok {
			segs[i] = ai
		}
	}
	// The primary key is the first AI we know; anything before it is the
	// resolver's own path (a custom domain may have one).
	start := -1
	for i, s := range segs {
		if s == "01" || s == "00" || s == "414" || s == "417" {
			start = i
			break
		}
	}
	if start < 0 || start+1 >= len(segs) || (len(segs)-start)%2 != 0 {
		return "", false, nil
	}
	ai, key := segs[start], segs[start+1]
	quals := map[string]string{}
	for i := start + 2; i+1 < len(segs); i += 2 {
		quals[segs[i]] = segs[i+1]
	}
	bad := func(why string) (string, bool, error) { return "", true, badID(uri, why) }
	switch ai {
	case "01":
		if !digits(key) || (len(key) != 8 && len(key) != 12 && len(key) != 13 && len(key) != 14) {
			return bad("a GTIN has 8, 12, 13 or 14 digits")
		}
		key = strings.Repeat("0", 14-len(key)) + key
		if withCheckDigit(key[:13]) != key {
			return bad("the GTIN's check digit is wrong")
		}
		out := dlRoot + "/01/" + key
		if s, ok := quals["21"]; ok && s != "" {
			return out + "/21/" + canonicalComponent(s), true, nil
		}
		if l, ok := quals["10"]; ok && l != "" {
			return out + "/10/" + canonicalComponent(l), true, nil
		}
		return out, true, nil
	case "00":
		if !digits(key) || len(key) != 18 || withCheckDigit(key[:17]) != key {
			return bad("an SSCC has 18 digits with a right check digit")
		}
		return dlRoot + "/00/" + key, true, nil
	case "414", "417":
		if !digits(key) || len(key) != 13 || withCheckDigit(key[:12]) != key {
			return bad("a GLN has 13 digits with a right check digit")
		}
		out := dlRoot + "/" + ai + "/" + key
		if e, ok := quals["254"]; ai == "414" && ok && e != "" && e != "0" {
			out += "/254/" + canonicalComponent(e)
		}
		return out, true, nil
	}
	return "", false, nil
}

// split3 splits "a.b.rest" at its first two dots.
func split3(s string) (a, b, rest string, ok bool) {
	a, r, ok1 := strings.Cut(s, ".")
	b, rest, ok2 := strings.Cut(r, ".")
	return a, b, rest, ok1 && ok2
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// companyPrefix reports whether s can be a GS1 company prefix in an EPC URI
// (6 to 12 digits).
func companyPrefix(s string) bool { return digits(s) && len(s) >= 6 && len(s) <= 12 }

// gtinFromEPC builds a GTIN-14 from an EPC company prefix and item reference
// (whose first digit is the indicator digit).
func gtinFromEPC(cp, ir string) (string, bool) {
	if !companyPrefix(cp) || !digits(ir) || len(cp)+len(ir) != 13 {
		return "", false
	}
	return withCheckDigit(ir[:1] + cp + ir[1:]), true
}

// checkDigit is the GS1 mod-10 check digit of a key without it (GS1 General
// Specifications 7.9.1): weights 3,1,3,… from the right.
func checkDigit(s string) byte {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func withCheckDigit(s string) string { return s + string(checkDigit(s)) }

// canonicalComponent percent-decodes a serial, lot or extension and encodes
// it again the one way: RFC 3986 unreserved characters as they are,
// everything else as %XX.
func canonicalComponent(s string) string {
	var raw []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			raw = append(raw, byte(v))
			i += 2
			continue
		}
		raw = append(raw, s[i])
	}
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	for _, c := range raw {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			sb.WriteByte(c)
		default:
			sb.WriteByte('%')
			sb.WriteByte(hex[c>>4])
			sb.WriteByte(hex[c&15])
		}
	}
	return sb.String()
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// ---------------------------------------------------------------------------
// The CBV 2.0 event hash's identifier normalisation.
//
// refNormalise follows, rule for rule, the "dl_normaliser" of GS1's
// reference implementation of the EPCIS Event Hash ID
// (github.com/RalphTro/epcis-event-hash-generator), quirks included, because
// two implementations that differ here compute different event IDs: the
// fixed-offset slicing of EPC URIs, which characters are percent-encoded,
// custom domains replaced by id.gs1.org, short names replaced by AIs, CPV
// removed, a lot dropped next to a serial, and a final syntax check whose
// character set has no '%' (so an identifier with a percent-encoded
// character is left as it was). ok is false when the value is not a GS1
// identifier the hash rewrites; the value then enters the hash unchanged.

const (
	epcChar   = `(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])`
	cpRef13   = `((\d{6}\.\d{7})|(\d{7}\.\d{6})|(\d{8}\.\d{5})|(\d{9}\.\d{4})|(\d{10}\.\d{3})|(\d{11}\.\d{2})|(\d{12}\.\d{1}))`
	cpRef12   = `((\d{6}\.\d{6})|(\d{7}\.\d{5})|(\d{8}\.\d{4})|(\d{9}\.\d{3})|(\d{10}\.\d{2})|(\d{11}\.\d{1})|(\d{12}\.))`
	cpRef12dd = `((\d{6}\.\d{6})|(\d{7}\.\d{5})|(\d{8}\.\d{4})|(\d{9}\.\d{3})|(\d{10}\.\d{2})|(\d{11}\.\d{1})|(\d{12}\.\.))`
	cpiChar   = `(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])`
	dlChar    = `[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]`
)

func cpVar(char string, total int) string {
	var alts []string
	for n := 6; n <= 12; n++ {
		alts = append(alts, `(\d{`+strconv.Itoa(n)+`}\.`+char+`{1,`+strconv.Itoa(total-n)+`})`)
	}
	return "(" + strings.Join(alts, "|") + ")"
}

var (
	reSGTIN   = regexp.MustCompile(`^urn:epc:id:sgtin:` + cpRef13 + `\.` + epcChar + `{1,20}$`)
	reSSCC    = regexp.MustCompile(`^urn:epc:id:sscc:((\d{6}\.\d{11}$)|(\d{7}\.\d{10}$)|(\d{8}\.\d{9}$)|(\d{9}\.\d{8}$)|(\d{10}\.\d{7}$)|(\d{11}\.\d{6}$)|(\d{12}\.\d{5}$))`)
	reSGLN    = regexp.MustCompile(`^urn:epc:id:sgln:` + cpRef12 + `\.` + epcChar + `{1,20}$`)
	reGRAI    = regexp.MustCompile(`^urn:epc:id:grai:` + cpRef12dd + `\.` + epcChar + `{1,16}$`)
	reGIAI    = regexp.MustCompile(`^urn:epc:id:giai:` + cpVar(epcChar, 30) + `$`)
	reGSRN    = regexp.MustCompile(`^urn:epc:id:gsrn:((\d{6}\.\d{11}$)|(\d{7}\.\d{10}$)|(\d{8}\.\d{9}$)|(\d{9}\.\d{8}$)|(\d{10}\.\d{7}$)|(\d{11}\.\d{6}$)|(\d{12}\.\d{5}$))`)
	reGSRNP   = regexp.MustCompile(`^urn:epc:id:gsrnp:((\d{6}\.\d{11}$)|(\d{7}\.\d{10}$)|(\d{8}\.\d{9}$)|(\d{9}\.\d{8}$)|(\d{10}\.\d{7}$)|(\d{11}\.\d{6}$)|(\d{12}\.\d{5}$))`)
	reGDTI    = regexp.MustCompile(`^urn:epc:id:gdti:` + cpRef12dd + epcChar + `{1,20}$`)
	reCPI     = regexp.MustCompile(`^urn:epc:id:cpi:` + cpVar(cpiChar, 30) + `\.\d{1,12}$`)
	reSGCN    = regexp.MustCompile(`^urn:epc:id:sgcn:` + cpRef12 + `\.\d{1,12}$`)
	reGINC    = regexp.MustCompile(`^urn:epc:id:ginc:` + cpVar(epcChar, 30) + `$`)
	reGSIN    = regexp.MustCompile(`^urn:epc:id:gsin:((\d{6}\.\d{10}$)|(\d{7}\.\d{9}$)|(\d{8}\.\d{8}$)|(\d{9}\.\d{7}$)|(\d{10}\.\d{6}$)|(\d{11}\.\d{5}$)|(\d{12}\.\d{4}$))`)
	reITIP    = regexp.MustCompile(`^urn:epc:id:itip:` + cpRef13 + `\.\d{2}\.\d{2}\.` + epcChar + `{1,20}$`)
	reUPUI    = regexp.MustCompile(`^urn:epc:id:upui:` + cpRef13 + `\.` + epcChar + `{1,28}$`)
	rePGLN    = regexp.MustCompile(`^urn:epc:id:pgln:` + cpRef12 + `$`)
	reLGTIN   = regexp.MustCompile(`^urn:epc:class:lgtin:` + cpRef13 + `\.` + epcChar + `{1,20}$`)
	rePatSGTN = regexp.MustCompile(`^urn:epc:idpat:sgtin:` + cpRef13 + `\.\*$`)
	rePatGRAI = regexp.MustCompile(`^urn:epc:idpat:grai:` + cpRef12dd + `\.\*$`)
	rePatGDTI = regexp.MustCompile(`^urn:epc:idpat:gdti:` + cpRef12dd + `\.\*$`)
	rePatSGCN = regexp.MustCompile(`^urn:epc:idpat:sgcn:` + cpRef12dd + `\.\*$`)
	rePatCPI  = regexp.MustCompile(`^urn:epc:idpat:cpi:` + cpVar(cpiChar, 30) + `\.\*$`)
	rePatITIP = regexp.MustCompile(`^urn:epc:idpat:itip:` + cpRef13 + `\.\d{2}\.\d{2}\.\*$`)
	rePatUPUI = regexp.MustCompile(`^urn:epc:idpat:upui:` + cpRef13 + `\.\*$`)

	reDL        = regexp.MustCompile(`^https?:(//((([^/?#]*)@)?([^/?#:]*)(:([^/?#]*))?))?((([^?#]*)(/(01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai)/)(\d{4}[^/]+)(/[^/]+/[^/]+)?[/]?(\?([^?\n]*))?(#([^\n]*))?)|(/[A-Za-z_-]{10}$))`)
	reDLCanon   = regexp.MustCompile(`^(?:https://id.gs1.org/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)/(\d{4}[^/]+)(/[^/]+/[^/]+)?[/]?(\?([^?\n]*))?(#([^\n]*))?|/[A-Za-z_-]{10}$)`)
	reGTIN14    = regexp.MustCompile(`^https://id.gs1.org/01/\d{14}`)
	reGTIN13    = regexp.MustCompile(`^https://id.gs1.org/01/\d{13}`)
	reGTIN12    = regexp.MustCompile(`^https://id.gs1.org/01/\d{12}`)
	reGTIN8     = regexp.MustCompile(`^https://id.gs1.org/01/\d{8}`)
	reCPVOnly   = regexp.MustCompile(`^(https://id.gs1.org/8006/\d{18}/22/` + dlChar + `{0,20}$|https://id.gs1.org/01/\d{14}/22/` + dlChar + `{0,20}$)`)
	reCPVMore   = regexp.MustCompile(`^(https://id.gs1.org/8006/\d{18}/22/[\x2F\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]{0,20}$|https://id.gs1.org/01/\d{14}/22/[\x2F\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]{0,20}$)`)
	reLotSerial = regexp.MustCompile(`^(https://id.gs1.org/8006/\d{18}/10/` + dlChar + `{0,20}/21/` + dlChar + `{0,20}$|https://id.gs1.org/01/(\d{14})/10/` + dlChar + `{0,20}/21/` + dlChar + `{0,20}$)`)
	reDLValid   = regexp.MustCompile(`^(` + strings.Join([]string{
		`https://id.gs1.org/00/(\d{18})$`,
		`https://id.gs1.org/01/(\d{14})/21/` + dlChar + `{0,20}$`,
		`https://id.gs1.org/01/(\d{14})/10/` + dlChar + `{0,20}$`,
		`https://id.gs1.org/01/(\d{14})$`,
		`https://id.gs1.org/01/(\d{14})/235/` + dlChar + `{0,28}$`,
		`https://id.gs1.org/253/(\d{13})` + dlChar + `{0,17}$`,
		`https://id.gs1.org/255/(\d{13})(\d{0,12})$`,
		`https://id.gs1.org/401/` + dlChar + `{0,30}$`,
		`https://id.gs1.org/402/(\d{17})$`,
		`https://id.gs1.org/414/(\d{13})$`,
		`https://id.gs1.org/414/(\d{13})/254/` + dlChar + `{0,20}$`,
		`https://id.gs1.org/417/(\d{13})$`,
		`https://id.gs1.org/8003/(\d{14})` + dlChar + `{0,16}$`,
		`https://id.gs1.org/8004/` + dlChar + `{0,30}$`,
		`https://id.gs1.org/8006/(\d{18})/21/` + dlChar + `{0,20}$`,
		`https://id.gs1.org/8006/(\d{18})/10/` + dlChar + `{0,20}$`,
		`https://id.gs1.org/8006/(\d{18})$`,
		`https://id.gs1.org/8010/[\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30}/8011/(\d{0,12})$`,
		`https://id.gs1.org/8010/[\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30}$`,
		`https://id.gs1.org/8017/(\d{18})$`,
		`https://id.gs1.org/8018/(\d{18})$`,
	}, "|") + `)`)
)

// refPercent is the reference's "web URI percent encoder".
var refPercent = strings.NewReplacer("!", "%21", "(", "%28", ")", "%29", "*", "%2A", "+", "%2B", ",", "%2C", ":", "%3A")

// slice is Python's s[i:j] for 0 <= i, j (clamped).
func slice(s string, i, j int) string {
	if j > len(s) {
		j = len(s)
	}
	if i > j {
		return ""
	}
	return s[i:j]
}

func from(s string, i int) string { return slice(s, i, len(s)) }

// isSGTIN and isSGLN match exactly what reSGTIN and reSGLN match (a test
// holds them to it), without a regular expression: they are most of the
// identifiers of most events, and the expressions' alternations of digit
// counts run on the NFA.
func isSGTIN(s string) bool {
	rest, ok := strings.CutPrefix(s, "urn:epc:id:sgtin:")
	if ok {
		rest, ok = cpRefDot(rest, 13)
	}
	return ok && epcChars(rest, 20)
}

func isSGLN(s string) bool {
	rest, ok := strings.CutPrefix(s, "urn:epc:id:sgln:")
	if ok {
		rest, ok = cpRefDot(rest, 12)
	}
	return ok && epcChars(rest, 20)
}

// cpRefDot matches cpRef13 (total 13) or cpRef12 (total 12) and the `\.`
// after it at the start of s: a company prefix of 6 to 12 digits, '.', a
// reference of the rest of total digits (none after 12), '.'. It returns
// what follows.
func cpRefDot(s string, total int) (string, bool) {
	n := strings.IndexByte(s, '.')
	if n < 6 || n > 12 || !digits(s[:n]) {
		return "", false
	}
	r, rest := total-n, s[n+1:]
	if len(rest) < r+1 || (r > 0 && !digits(rest[:r])) || rest[r] != '.' {
		return "", false
	}
	return rest[r+1:], true
}

// epcChars reports whether s is 1 to most epcChar: a character of
// [!')(*+,.0-9:;=A-Za-z_-], or one of epcChar's percent escapes.
func epcChars(s string, most int) bool {
	n := 0
	for i := 0; i < len(s); n++ {
		c := s[i]
		if c != '%' {
			if !epcPlain(c) {
				return false
			}
			i++
			continue
		}
		if i+2 >= len(s) || !epcEscape(s[i+1], s[i+2]) {
			return false
		}
		i += 3
	}
	return n >= 1 && n <= most
}

func epcPlain(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		return true
	}
	return strings.IndexByte("!')(*+,.:;=_-", c) >= 0
}

// epcEscape reports whether %hi lo is one of epcChar's escapes:
// %2[125-9A-Fa-f] %3[0-9A-Fa-f] %4[1-9A-Fa-f] %5[0-9AaFf] %6[1-9A-Fa-f] %7[0-9Aa].
func epcEscape(hi, lo byte) bool {
	hex := (lo >= '0' && lo <= '9') || (lo >= 'A' && lo <= 'F') || (lo >= 'a' && lo <= 'f')
	switch hi {
	case '2':
		return hex && lo != '0' && lo != '3' && lo != '4'
	case '3':
		return hex
	case '4', '6':
		return hex && lo != '0'
	case '5':
		return (lo >= '0' && lo <= '9') || lo == 'A' || lo == 'a' || lo == 'F' || lo == 'f'
	case '7':
		return (lo >= '0' && lo <= '9') || lo == 'A' || lo == 'a'
	}
	return false
}

// dlAIs are the primary keys reDL knows, by AI and short name.
var dlAIs = []string{"01", "gtin", "8006", "itip", "8010", "cpid", "414", "gln", "417", "party", "8017", "gsrnp", "8018", "gsrn",
	"255", "gcn", "00", "sscc", "253", "gdti", "401", "ginc", "402", "gsin", "8003", "grai", "8004", "giai"}

// mayBeDL is false for a value reDL cannot match, which a test holds it
// to: reDL needs "/<key>/" and four digits somewhere (its first
// alternative), or a '/' and ten of [A-Za-z_-] at the end (its second).
// Most https values of an event are neither (a CBV Web URI, a context),
// and the expression's NFA is slow to say no.
func mayBeDL(uri string) bool {
	if n := len(uri); n >= 11 && uri[n-11] == '/' {
		short := true
		for i := n - 10; i < n && short; i++ {
			c := uri[i]
			short = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-'
		}
		if short {
			return true
		}
	}
	for i := strings.IndexByte(uri, '/'); i >= 0; {
		rest := uri[i+1:]
		for _, ai := range dlAIs {
			if len(rest) > len(ai)+4 && rest[len(ai)] == '/' && strings.HasPrefix(rest, ai) && digits(rest[len(ai)+1:len(ai)+5]) {
				return true
			}
		}
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func refNormalise(uri string) (string, bool) {
	partition := strings.IndexByte(uri, '.')
	if partition < 0 {
		return "", false
	}
	// Every EPC URI pattern below begins "^urn:epc:" and the Digital Link
	// one "^https?:": a value with neither prefix (a time, a CBV value, a
	// custom URI; most of an event's values) matches none of them, and is
	// spared two dozen regular expressions.
	if !strings.HasPrefix(uri, "urn:epc:") {
		if !strings.HasPrefix(uri, "http") {
			return "", false
		}
		return dlNormalise(uri)
	}
	gtinOf := func(cpStart int) string {
		cp := slice(uri, cpStart, partition)
		ir := slice(uri, partition+1, partition+1+13-len(cp))
		raw := slice(ir, 0, 1) + cp + from(ir, 1)
		return withCheckDigit(raw)
	}
	key12 := func(cpStart int) (string, string) {
		cp := slice(uri, cpStart, partition)
		return cp, cp + slice(uri, partition+1, partition+1+12-len(cp))
	}
	switch {
	case isSGTIN(uri):
		return dlRoot + "/01/" + gtinOf(17) + "/21/" + refPercent.Replace(from(uri, 32)), true
	case reSSCC.MatchString(uri):
		cp := slice(uri, 16, partition)
		raw := slice(uri, partition+1, partition+2) + cp + from(uri, partition+2)
		return dlRoot + "/00/" + withCheckDigit(raw), true
	case isSGLN(uri):
		_, gln := key12(16)
		ext := from(uri, 30)
		if ext == "0" {
			return dlRoot + "/414/" + withCheckDigit(gln), true
		}
		return dlRoot + "/414/" + withCheckDigit(gln) + "/254/" + refPercent.Replace(ext), true
	case reGRAI.MatchString(uri):
		_, k := key12(16)
		raw := "0" + k
		return dlRoot + "/8003/" + withCheckDigit(raw) + refPercent.Replace(from(uri, 30)), true
	case reGIAI.MatchString(uri):
		return dlRoot + "/8004/" + slice(uri, 16, partition) + refPercent.Replace(from(uri, partition+1)), true
	case reGSRN.MatchString(uri):
		return dlRoot + "/8018/" + withCheckDigit(slice(uri, 16, partition)+from(uri, partition+1)), true
	case reGSRNP.MatchString(uri):
		return dlRoot + "/8017/" + withCheckDigit(slice(uri, 17, partition)+from(uri, partition+1)), true
	case reGDTI.MatchString(uri):
		_, k := key12(16)
		return dlRoot + "/253/" + withCheckDigit(k) + refPercent.Replace(from(uri, 30)), true
	case reCPI.MatchString(uri):
		sep := strings.LastIndexByte(uri, '.')
		raw := slice(uri, 15, partition) + slice(uri, partition+1, sep)
		return dlRoot + "/8010/" + refPercent.Replace(raw) + "/8011/" + from(uri, sep+1), true
	case reSGCN.MatchString(uri):
		_, k := key12(16)
		return dlRoot + "/255/" + withCheckDigit(k) + from(uri, 30), true
	case reGINC.MatchString(uri):
		return dlRoot + "/401/" + slice(uri, 16, partition) + refPercent.Replace(from(uri, partition+1)), true
	case reGSIN.MatchString(uri):
		return dlRoot + "/402/" + withCheckDigit(slice(uri, 16, partition)+from(uri, partition+1)), true
	case reITIP.MatchString(uri):
		return dlRoot + "/8006/" + gtinOf(16) + slice(uri, 31, 33) + slice(uri, 34, 36) + "/21/" + refPercent.Replace(from(uri, 37)), true
	case reUPUI.MatchString(uri):
		return dlRoot + "/01/" + gtinOf(16) + "/235/" + refPercent.Replace(from(uri, 31)), true
	case rePGLN.MatchString(uri):
		_, k := key12(16)
		return dlRoot + "/417/" + withCheckDigit(k), true
	case reLGTIN.MatchString(uri):
		return dlRoot + "/01/" + gtinOf(20) + "/10/" + refPercent.Replace(from(uri, 35)), true
	case rePatSGTN.MatchString(uri):
		return dlRoot + "/01/" + gtinOf(20), true
	case rePatGRAI.MatchString(uri):
		_, k := key12(19)
		return dlRoot + "/8003/" + withCheckDigit("0"+k), true
	case rePatGDTI.MatchString(uri):
		_, k := key12(19)
		return dlRoot + "/253/" + withCheckDigit(k), true
	case rePatSGCN.MatchString(uri):
		_, k := key12(19)
		return dlRoot + "/255/" + withCheckDigit(k), true
	case rePatCPI.MatchString(uri):
		sep := strings.LastIndexByte(uri, '.')
		return dlRoot + "/8010/" + refPercent.Replace(slice(uri, 18, partition)+slice(uri, partition+1, sep)), true
	case rePatITIP.MatchString(uri):
		return dlRoot + "/8006/" + gtinOf(19) + slice(uri, 34, 36) + slice(uri, 37, 39), true
	case rePatUPUI.MatchString(uri):
		return dlRoot + "/01/" + gtinOf(19), true
	}
	return dlNormalise(uri)
}

// dlNormalise is refNormalise's rule for Digital Link URIs.
func dlNormalise(uri string) (string, bool) {
	if !mayBeDL(uri) || !reDL.MatchString(uri) {
		return "", false
	}
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	for _, r := range [][2]string{
		{"/gtin/", "/01/"}, {"/itip/", "/8006/"}, {"/cpid/", "/8010/"}, {"/gln/", "/414/"},
		{"/party/", "/417/"}, {"/gsrnp/", "/8017/"}, {"/gsrn/", "/8018/"}, {"/gcn/", "/255/"},
		{"/sscc/", "/00/"}, {"/gdti/", "/253/"}, {"/ginc/", "/401/"}, {"/gsin/", "/402/"},
		{"/grai/", "/8003/"}, {"/giai/", "/8004/"}, {"/cpv/", "/22/"}, {"/lot/", "/10/"}, {"/ser/", "/21/"},
	} {
		uri = strings.ReplaceAll(uri, r[0], r[1])
	}
	if !reDLCanon.MatchString(uri) {
		for _, ai := range []string{"/00/", "/01/", "/253/", "/255/", "/401/", "/402/", "/414/", "/417/", "/8003/", "/8004/", "/8006/", "/8010/", "/8017/", "/8018/"} {
			if i := strings.Index(uri, ai); i >= 0 {
				uri = dlRoot + uri[i:]
				break
			}
		}
	}
	if !reGTIN14.MatchString(uri) {
		switch {
		case reGTIN13.MatchString(uri):
			uri = strings.ReplaceAll(uri, "/01/", "/01/0")
		case reGTIN12.MatchString(uri):
			uri = strings.ReplaceAll(uri, "/01/", "/01/00")
		case reGTIN8.MatchString(uri):
			uri = strings.ReplaceAll(uri, "/01/", "/01/000000")
		}
	}
	x := from(uri, strings.Index(uri, "/22/")+4)
	if reCPVOnly.MatchString(uri) {
		// x has no '/', so the reference's x[x.find('/'):-1] is empty.
		uri = uri[:strings.Index(uri, "/22/")]
	}
	if reCPVMore.MatchString(uri) {
		if j := strings.IndexByte(x, '/'); j >= 0 {
			uri = uri[:strings.Index(uri, "/22/")] + x[j:]
		} else {
			uri = uri[:strings.Index(uri, "/22/")] + from(x, len(x)-1)
		}
	}
	if reLotSerial.MatchString(uri) {
		i := strings.Index(uri, "/10/")
		y := uri[i+4:]
		uri = uri[:i] + y[strings.IndexByte(y, '/'):]
	}
	if reDLValid.MatchString(uri) {
		return uri, true
	}
	return "", false
}

// CompanyDigits returns the digits of a GS1 identifier from its GS1 company
// prefix on: what a declared company prefix must begin for the identifier to
// be under it. id may be in any form Canonical reads (EPC URI, Digital Link
// URI, or a canonical key); ok is false for anything that is not a GS1 key
// (a UUID, a custom URI, a malformed identifier).
//
// The digits are the key's without its indicator or extension digit (GTIN,
// SSCC, GRAI, ITIP), without its check digit where one follows the reference
// (GTIN, SSCC, GLN, GSRN, GDTI, SGCN, GSIN, GRAI), and up to the first
// non-digit for the keys with alphanumeric references (GIAI, GINC, CPI). The
// partition an EPC URI writes is not used: the same GTIN may be written with
// different partitions, and both spellings name one thing, so the owner is
// found by the digits alone (the longest declared prefix that begins them).
func CompanyDigits(id string) (string, bool) {
	c, err := Canonical(id)
	if err != nil {
		return "", false
	}
	rest, ok := strings.CutPrefix(c, dlRoot+"/")
	if !ok {
		return "", false
	}
	ai, key, _ := strings.Cut(rest, "/")
	lead := func(s string) string { // the leading digits of s
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return s[:i]
	}
	fixed := func(n, from, to int) (string, bool) { // key[from:to] of an n-digit key
		d := lead(key)
		if len(d) < n {
			return "", false
		}
		return d[from:to], true
	}
	var out string
	switch ai {
	case "01": // GTIN-14: indicator, company prefix and item reference, check digit
		out, ok = fixed(14, 1, 13)
	case "8006": // ITIP: a GTIN-14, then piece and total
		out, ok = fixed(18, 1, 13)
	case "00": // SSCC: extension digit, company prefix and serial reference, check digit
		out, ok = fixed(18, 1, 17)
	case "8003": // GRAI: a 0, company prefix and asset type, check digit, serial
		out, ok = fixed(14, 1, 13)
	case "414", "417", "253", "255": // GLN, party GLN, GDTI, SGCN: 12 digits and a check digit first
		out, ok = fixed(13, 0, 12)
	case "8017", "8018": // GSRN: 17 digits and a check digit
		out, ok = fixed(18, 0, 17)
	case "402": // GSIN: 16 digits and a check digit
		out, ok = fixed(17, 0, 16)
	case "8004", "401", "8010": // GIAI, GINC, CPI: company prefix, then an alphanumeric reference
		out = lead(key)
		ok = out != ""
	default:
		return "", false
	}
	if !ok || len(out) < 6 {
		return "", false
	}
	return out, true
}
