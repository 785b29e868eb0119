package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/gongxu-network/gongxu"
)

// The pages speak English and Simplified Chinese. Every text people read is
// a message: its key is the English text (a fmt format when it takes
// arguments), and messages_zh.go holds its Chinese. Templates call
// {{T "key" args…}}; handlers call locale.T. A key with no Chinese is shown
// in English and recorded (server.missing), which the tests fail on.

// Language codes, as the switch, the cookie and Config.Language write them.
const (
	langEN = "en"
	langZH = "zh-CN"
)

// langCookie remembers the language people chose with the switch.
const langCookie = "lang"

// langNames are the switch's words for each language, in that language.
var langNames = map[string]string{langEN: "English", langZH: "中文"}

// langTags are the supported languages, English first: the matcher's
// fallback.
var langTags = []language.Tag{language.English, language.SimplifiedChinese}

var langMatcher = language.NewMatcher(langTags)

// codeOf is the code of a supported tag.
func codeOf(t language.Tag) string {
	if t == language.SimplifiedChinese {
		return langZH
	}
	return langEN
}

// parseLang reads a language code people or a config wrote ("zh", "zh-CN",
// "en-GB" …) as a supported code; false when it names none.
func parseLang(s string) (string, bool) {
	t, err := language.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	_, i, conf := langMatcher.Match(t)
	if conf == language.No {
		return "", false
	}
	return codeOf(langTags[i]), true
}

// addZH adds an area's messages to zhMessages; each area of the pages
// keeps its own in a messages_zh_<area>.go file and adds them from an init
// function. A key given twice with different Chinese is a bug (panic).
func addZH(m map[string]string) {
	for k, v := range m {
		if old, ok := zhMessages[k]; ok && old != v {
			panic(fmt.Sprintf("web: message %q has two translations: %q and %q", k, old, v))
		}
		zhMessages[k] = v
	}
}

// msgCatalog is every message in both languages, built when the first
// locale is (after every area's init has added its messages).
var msgCatalog = sync.OnceValue(func() *catalog.Builder {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for k, v := range zhMessages {
		if err := b.SetString(language.English, k, k); err != nil {
			panic(err)
		}
		if err := b.SetString(language.SimplifiedChinese, k, v); err != nil {
			panic(err)
		}
	}
	return b
})

// locale is how one language writes: messages, money, dates in the node's
// time zone.
type locale struct {
	Code    string // langEN, langZH
	p       *message.Printer
	zone    *time.Location
	missing func(key string) // a key without a translation was used
}

func newLocale(code string, zone *time.Location, missing func(string)) *locale {
	tag := language.English
	if code == langZH {
		tag = language.SimplifiedChinese
	}
	return &locale{Code: code, p: message.NewPrinter(tag, message.Catalog(msgCatalog())), zone: zone, missing: missing}
}

// zh says whether the locale is Chinese.
func (l *locale) zh() bool { return l.Code == langZH }

// T is the message key in the locale's language, formatted with args as
// fmt does.
func (l *locale) T(key string, args ...any) string {
	if _, ok := zhMessages[key]; !ok && l.missing != nil {
		l.missing(key)
	}
	return l.p.Sprintf(key, args...)
}

// maybe is s in the locale's language when s is a message key without
// arguments, else s as it is (a text already written for people).
func (l *locale) maybe(s string) string {
	if _, ok := zhMessages[s]; ok && !strings.Contains(s, "%") {
		return l.p.Sprintf(s)
	}
	return s
}

// zoneLabel is the time zone as pages write it: "UTC", "UTC+8", "UTC-3:30".
func zoneLabel(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := "UTC" + sign + strconv.Itoa(off/3600)
	if m := off % 3600 / 60; m != 0 {
		s += fmt.Sprintf(":%02d", m)
	}
	return s
}

// in is t in the node's time zone.
func (l *locale) in(t time.Time) time.Time { return t.In(l.zone) }

// timeHuman formats a time for people, to the minute, with its zone:
// "2 Jan 2026 15:04 UTC", "2026年1月2日 23:04 UTC+8".
func (l *locale) timeHuman(t time.Time) string {
	t = l.in(t)
	if l.zh() {
		return t.Format("2006年1月2日 15:04 ") + zoneLabel(t)
	}
	return t.Format("2 Jan 2006 15:04 ") + zoneLabel(t)
}

// dayHuman formats the day of a time for people: "2 Jan 2026",
// "2026年1月2日".
func (l *locale) dayHuman(t time.Time) string {
	t = l.in(t)
	if l.zh() {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 Jan 2006")
}

func (l *locale) msHuman(ms int64) string { return l.timeHuman(msTime(ms)) }
func (l *locale) msDay(ms int64) string   { return l.dayHuman(msTime(ms)) }

// shortDay is a block time's day in a few characters: "9 Jan", "1月9日".
func (l *locale) shortDay(ms int64) string {
	if l.zh() {
		return l.in(msTime(ms)).Format("1月2日")
	}
	return l.in(msTime(ms)).Format("2 Jan")
}

// rfcHuman reformats an RFC 3339 time for people; a string that does not
// parse is shown as it is.
func (l *locale) rfcHuman(s string) string {
	t, ok := parseRFC3339(s)
	if !ok {
		return s
	}
	return l.timeHuman(t)
}

// count is n of a unit, in the locale's words: "1 day", "3 days", "3 天".
// unit is the English singular; its message keys are "%d UNIT" and
// "%d UNITs" (pluralWord).
func (l *locale) count(n int64, unit string) string {
	if n == 1 {
		return l.T("%d "+unit, n)
	}
	return l.T("%d "+pluralWord(unit), n)
}

// pluralWord is the English plural of a unit: "days", "batches".
func pluralWord(unit string) string {
	for _, end := range []string{"ch", "sh", "s", "x"} {
		if strings.HasSuffix(unit, end) {
			return unit + "es"
		}
	}
	return unit + "s"
}

// relative says how far t is from now, coarsely: "just now", "5 min ago",
// "in 3 days".
func (l *locale) relative(t, now time.Time) string {
	d := t.Sub(now)
	future := d > 0
	if d < 0 {
		d = -d
	}
	var s string
	switch {
	case d < 5*time.Second:
		return l.T("just now")
	case d < time.Minute:
		s = l.T("%d s", int64(d/time.Second))
	case d < time.Hour:
		s = l.T("%d min", int64(d/time.Minute))
	case d < 48*time.Hour:
		s = l.count(int64(d/time.Hour), "hour")
	default:
		s = l.count(int64(d/(24*time.Hour)), "day")
	}
	if future {
		return l.T("in %s", s)
	}
	return l.T("%s ago", s)
}

// timeLeft says how long is left until deadline at block time now (both
// unix ms), for people: "3 days 4 h left", "5 h 12 min left", "deadline
// passed". It is "" when now is unknown (0): pages count time left from the
// latest block, never from a clock of their own.
func (l *locale) timeLeft(deadline, now int64) string {
	if now <= 0 {
		return ""
	}
	d := time.Duration(deadline-now) * time.Millisecond
	switch {
	case deadline <= now:
		return l.T("deadline passed")
	case d < time.Minute:
		return l.T("less than a minute left")
	case d < time.Hour:
		return l.T("%d min left", int64(d/time.Minute))
	case d < 24*time.Hour:
		return l.T("%d h %d min left", int64(d/time.Hour), int64(d%time.Hour/time.Minute))
	default:
		return l.T("%s %d h left", l.count(int64(d/(24*time.Hour)), "day"), int64(d%(24*time.Hour)/time.Hour))
	}
}

// label is a status, kind or role of the vocabulary in words (status.go).
func (l *locale) label(v any) string {
	raw := fmt.Sprint(v)
	w, ok := statusWords[raw]
	if !ok {
		return strings.ReplaceAll(raw, "_", " ")
	}
	return l.T(w)
}

// locales are the server's locales by code.
type locales struct {
	byCode  map[string]*locale
	def     string // the node's default language
	missing sync.Map
}

func newLocales(def, tz string) (*locales, error) {
	code := langEN
	if def != "" {
		var ok bool
		if code, ok = parseLang(def); !ok {
			return nil, fmt.Errorf("web: language %q: the pages speak %s and %s", def, langEN, langZH)
		}
	}
	zone, err := zoneFor(code, tz)
	if err != nil {
		return nil, err
	}
	ls := &locales{byCode: map[string]*locale{}, def: code}
	for _, c := range []string{langEN, langZH} {
		ls.byCode[c] = newLocale(c, zone, func(key string) { ls.missing.Store(key, true) })
	}
	return ls, nil
}

// zoneFor is the node's time zone: tz (an IANA name), else Asia/Shanghai
// for a node whose default language is Chinese, else UTC.
func zoneFor(def, tz string) (*time.Location, error) {
	if tz == "" {
		if def != langZH {
			return time.UTC, nil
		}
		tz = "Asia/Shanghai"
	}
	zone, err := time.LoadLocation(tz)
	if err != nil {
		if tz == "Asia/Shanghai" {
			// China keeps one offset all year: no zone database needed.
			return time.FixedZone("Asia/Shanghai", 8*3600), nil
		}
		return nil, fmt.Errorf("web: time zone %q: %w", tz, err)
	}
	return zone, nil
}

// missingKeys are the message keys used without a translation, sorted.
func (ls *locales) missingKeys() []string {
	var keys []string
	ls.missing.Range(func(k, _ any) bool {
		keys = append(keys, k.(string))
		return true
	})
	slices.Sort(keys)
	return keys
}

// pick is the language of a request: the switch's cookie, else the best
// of Accept-Language, else the node's default.
func (ls *locales) pick(r *http.Request) *locale {
	if c, err := r.Cookie(langCookie); err == nil {
		if code, ok := parseLang(c.Value); ok {
			return ls.byCode[code]
		}
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		tags, _, err := language.ParseAcceptLanguage(h)
		if err == nil && len(tags) > 0 {
			_, i, conf := langMatcher.Match(tags...)
			if conf != language.No {
				return ls.byCode[codeOf(langTags[i])]
			}
		}
	}
	return ls.byCode[ls.def]
}

// langSwitch is the layout's link to the other language.
type langSwitch struct {
	Code string // the other language's code
	Name string // its name, in itself
	Href string
}

// switchFor is the link from the page of r, read in l, to the other
// language.
func switchFor(l *locale, r *http.Request) langSwitch {
	other := langZH
	if l.zh() {
		other = langEN
	}
	back := r.URL.Path
	if back == "" || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "/fragments/") {
		back = "/"
	}
	if r.URL.RawQuery != "" {
		back += "?" + r.URL.RawQuery
	}
	return langSwitch{Code: other, Name: langNames[other], Href: "/lang?" + url.Values{"to": {other}, "back": {back}}.Encode()}
}

// setLang is the switch: GET /lang?to=CODE&back=PATH remembers the
// language in a cookie for a year and goes back to the page.
func (s *server) setLang(w http.ResponseWriter, r *http.Request) error {
	code, ok := parseLang(r.URL.Query().Get("to"))
	if !ok {
		return gongxu.Errorf(gongxu.KindInvalid, "The pages speak English (en) and Chinese (zh-CN).")
	}
	back := r.URL.Query().Get("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, "/\\") {
		back = "/"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
