package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// The tests in this file keep the embedded OpenAPI document true: it
// describes exactly the routes the mux serves, and every golden response is
// valid against the schema the document gives for its route and status.

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding JSON: %v\n%.300s", err, b)
	}
	return v
}

func loadDoc(t *testing.T) map[string]any {
	t.Helper()
	doc, ok := decodeJSON(t, openAPIDocument).(map[string]any)
	if !ok {
		t.Fatal("the OpenAPI document is not an object")
	}
	return doc
}

// lookup follows a local JSON pointer ("#/components/schemas/Org").
func lookup(doc map[string]any, ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("$ref %q is not local", ref)
	}
	var cur any = doc
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: %q is not in an object", ref, tok)
		}
		if cur, ok = m[tok]; !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
	}
	return cur, nil
}

// deref resolves v while it is a {"$ref": ...} object.
func deref(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	for range 10 {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("not an object: %v", v)
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var err error
		if v, err = lookup(doc, ref); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("$ref chain too long")
	return nil
}

// operation is one documented method and path.
type operation struct {
	method, path string
	op           map[string]any
	params       []map[string]any // resolved, path-item and operation level
}

func (o operation) key() string { return strings.ToUpper(o.method) + " " + o.path }

func operations(t *testing.T, doc map[string]any) map[string]operation {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("no paths")
	}
	ops := map[string]operation{}
	for path, item := range paths {
		it := deref(t, doc, item)
		var common []map[string]any
		if ps, ok := it["parameters"].([]any); ok {
			for _, p := range ps {
				common = append(common, deref(t, doc, p))
			}
		}
		for _, m := range httpMethods {
			raw, ok := it[m]
			if !ok {
				continue
			}
			o := operation{method: m, path: path, op: deref(t, doc, raw), params: slices.Clone(common)}
			if ps, ok := o.op["parameters"].([]any); ok {
				for _, p := range ps {
					o.params = append(o.params, deref(t, doc, p))
				}
			}
			ops[o.key()] = o
		}
	}
	return ops
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// docPath is the OpenAPI path of a mux pattern: OpenAPI has no wildcard
// that matches the rest of the path, so "{id...}" is documented as "{id}"
// (its description says it holds slashes).
func docPath(pattern string) string { return strings.ReplaceAll(pattern, "...}", "}") }

// examplePath fills the path parameters of a pattern with placeholder values.
func examplePath(path string) string {
	return pathParam.ReplaceAllString(path, "p1")
}

func TestOpenAPIDocument(t *testing.T) {
	doc := loadDoc(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi is %q, want 3.1.x", v)
	}
	ops := operations(t, doc)

	// Every route the package registers is documented, and nothing else.
	registered := map[string]bool{}
	for _, rt := range routes {
		k := rt.Method + " " + docPath(rt.Path)
		registered[k] = true
		if _, ok := ops[k]; !ok {
			t.Errorf("route %s is not in the OpenAPI document", k)
		}
	}
	// Every documented operation is served by the mux, under that very pattern.
	mux := newServer(Config{}).mux()
	ids := map[string]string{}
	for k, o := range ops {
		if !registered[k] {
			t.Errorf("documented %s is not a registered route", k)
		}
		req := httptest.NewRequest(strings.ToUpper(o.method), examplePath(o.path), nil)
		if _, pattern := mux.Handler(req); docPath(pattern) != k {
			t.Errorf("documented %s: the mux serves %s %s with pattern %q", k, req.Method, req.URL.Path, pattern)
		}

		id, _ := o.op["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", k)
		} else if other, dup := ids[id]; dup {
			t.Errorf("operationId %s is used by %s and %s", id, other, k)
		}
		ids[id] = k

		// Path parameters: exactly those of the template, required.
		var inPath []string
		for _, p := range o.params {
			name, _ := p["name"].(string)
			if p["schema"] == nil {
				t.Errorf("%s: parameter %s has no schema", k, name)
			}
			if p["in"] == "path" {
				inPath = append(inPath, name)
				if p["required"] != true {
					t.Errorf("%s: path parameter %s is not required", k, name)
				}
			}
		}
		var tmpl []string
		for _, m := range pathParam.FindAllStringSubmatch(o.path, -1) {
			tmpl = append(tmpl, m[1])
		}
		sort.Strings(inPath)
		sort.Strings(tmpl)
		if !slices.Equal(inPath, tmpl) {
			t.Errorf("%s: path parameters documented %v, in the path %v", k, inPath, tmpl)
		}

		// Responses: each has a description; errors have the Error schema.
		resps, ok := o.op["responses"].(map[string]any)
		if !ok || len(resps) == 0 {
			t.Errorf("%s documents no responses", k)
			continue
		}
		for status, r := range resps {
			rm := deref(t, doc, r)
			if d, _ := rm["description"].(string); d == "" {
				t.Errorf("%s %s: no description", k, status)
			}
			if code, err := strconv.Atoi(status); err == nil && code >= 400 {
				content, _ := rm["content"].(map[string]any)
				mt, _ := content["application/json"].(map[string]any)
				if mt == nil || mt["schema"] == nil {
					t.Errorf("%s %s: an error response must be application/json", k, status)
					continue
				}
				if s := mt["schema"].(map[string]any); s["$ref"] != "#/components/schemas/Error" {
					t.Errorf("%s %s: error schema is %v, want the Error schema", k, status, s)
				}
			}
		}
	}

	// Every $ref anywhere resolves.
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if _, err := lookup(doc, ref); err != nil {
					t.Errorf("at %s: %v", at, err)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for i, x := range v {
				walk(x, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")

	// The error codes are the kinds' names (ok is never an error code).
	codes, err := lookup(doc, "#/components/schemas/ErrorCode/enum")
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, k := range gongxu.Kinds() {
		if k != gongxu.KindOK {
			want = append(want, k.String())
		}
	}
	for _, c := range codes.([]any) {
		got = append(got, c.(string))
	}
	if !slices.Equal(got, want) {
		t.Errorf("ErrorCode enum is %v, want the kinds %v", got, want)
	}

	// The proposal statuses accepted by ?status= are the documented ones.
	enum, err := lookup(doc, "#/components/schemas/ProposalStatus/enum")
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, s := range proposalStatuses {
		statuses = append(statuses, string(s))
	}
	got = got[:0]
	for _, c := range enum.([]any) {
		got = append(got, c.(string))
	}
	if !slices.Equal(got, statuses) {
		t.Errorf("ProposalStatus enum is %v, the handler accepts %v", got, statuses)
	}
	checkEnum(t, doc, "PoolStatus", poolStatuses)
	checkEnum(t, doc, "RFQStatus", rfqStatuses)
}

// checkEnum checks that the enum of a schema is what a handler accepts.
func checkEnum[T ~string](t *testing.T, doc map[string]any, schema string, accepted []T) {
	t.Helper()
	enum, err := lookup(doc, "#/components/schemas/"+schema+"/enum")
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, c := range enum.([]any) {
		got = append(got, c.(string))
	}
	for _, a := range accepted {
		want = append(want, string(a))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s enum is %v, the handler accepts %v", schema, got, want)
	}
}

// golden is a parsed testdata/*.golden file.
type golden struct {
	method, target string
	status         int
	ctype          string
	body           []byte
}

func readGolden(t *testing.T, name string) golden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	head, body, ok := bytes.Cut(b, []byte("\n\n"))
	if !ok {
		t.Fatalf("%s.golden: no blank line after the head", name)
	}
	lines := strings.Split(string(head), "\n")
	if len(lines) < 3 {
		t.Fatalf("%s.golden: short head", name)
	}
	var g golden
	g.method, g.target, _ = strings.Cut(lines[0], " ")
	if g.status, err = strconv.Atoi(lines[1]); err != nil {
		t.Fatalf("%s.golden: status %q", name, lines[1])
	}
	g.ctype = strings.TrimPrefix(lines[2], "Content-Type: ")
	g.body = body
	return g
}

func TestOpenAPIGoldenResponses(t *testing.T) {
	doc := loadDoc(t)
	ops := operations(t, doc)
	mux := newServer(Config{}).mux()
	covered := map[string]bool{}
	errorSchema := map[string]any{"$ref": "#/components/schemas/Error"}

	check := func(name string, g golden) {
		req := httptest.NewRequest(g.method, g.target, nil)
		_, pattern := mux.Handler(req)
		pattern = docPath(pattern)
		media, _, err := mime.ParseMediaType(g.ctype)
		if err != nil {
			t.Errorf("%s: Content-Type %q: %v", name, g.ctype, err)
			return
		}
		if pattern == "" {
			// No route: only the JSON error is promised.
			if media != "application/json" {
				t.Errorf("%s: Content-Type %s", name, g.ctype)
			}
			for _, e := range validate(doc, errorSchema, decodeJSON(t, g.body), "body") {
				t.Errorf("%s: %s", name, e)
			}
			return
		}
		o, ok := ops[pattern]
		if !ok {
			t.Errorf("%s: %s is not documented", name, pattern)
			return
		}
		// Every query parameter of the request is documented.
		u, _ := url.Parse(g.target)
		for q := range u.Query() {
			found := false
			for _, p := range o.params {
				found = found || (p["in"] == "query" && p["name"] == q)
			}
			if !found {
				t.Errorf("%s: query parameter %q is not documented for %s", name, q, pattern)
			}
		}
		resps, _ := o.op["responses"].(map[string]any)
		r, ok := resps[strconv.Itoa(g.status)]
		if !ok {
			t.Errorf("%s: %s answered %d, which the document does not list", name, pattern, g.status)
			return
		}
		content, _ := deref(t, doc, r)["content"].(map[string]any)
		mt, ok := content[media].(map[string]any)
		if !ok {
			t.Errorf("%s: %s %d answered %s, which the document does not list", name, pattern, g.status, media)
			return
		}
		var v any = string(g.body)
		if media == "application/json" {
			v = decodeJSON(t, g.body)
		}
		for _, e := range validate(doc, mt["schema"], v, "body") {
			t.Errorf("%s (%s %d): %s", name, pattern, g.status, e)
		}
		if g.status < 300 {
			covered[pattern] = true
		}
	}

	for _, c := range goldenCases {
		check(c.name, readGolden(t, c.name))
	}
	// The document itself is not a golden file: check the live response.
	rec := envOn(t, nil).do("GET", "/v1/openapi.json", "", nil)
	check("openapi", golden{method: "GET", target: "/v1/openapi.json", status: rec.Code, ctype: rec.Header().Get("Content-Type"), body: rec.Body.Bytes()})

	for k := range ops {
		if !covered[k] {
			t.Errorf("%s has no golden example of a successful response", k)
		}
	}
}

// validate checks v against a JSON Schema (the subset the document uses:
// $ref, allOf, type, enum, const, required, properties, additionalProperties,
// items, pattern, minimum, maximum). It is stricter than JSON Schema in one
// way: an object property that the schema's properties do not name is an
// error, so that a new field cannot go undocumented. In an allOf, a property
// named by any part is documented for every part (unless a part says
// additionalProperties: false).
func validate(doc map[string]any, schema any, v any, at string) []string {
	return validateIn(doc, schema, v, at, nil)
}

// validateIn is validate where the property names in siblings, those of the
// other parts of an enclosing allOf, are documented too.
func validateIn(doc map[string]any, schema any, v any, at string, siblings map[string]bool) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: schema is not an object", at)}
	}
	var errs []string
	if ref, ok := s["$ref"].(string); ok {
		target, err := lookup(doc, ref)
		if err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
		errs = append(errs, validateIn(doc, target, v, at, siblings)...)
	}
	if all, ok := s["allOf"].([]any); ok {
		names := maps.Clone(siblings)
		if names == nil {
			names = map[string]bool{}
		}
		for _, part := range all {
			propertyNames(doc, part, names)
		}
		for _, part := range all {
			errs = append(errs, validateIn(doc, part, v, at, names)...)
		}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return hasType(v, t) }) {
			return append(errs, fmt.Sprintf("%s: %s is not of type %v", at, short(v), types))
		}
	}
	if enum, ok := s["enum"].([]any); ok {
		if !slices.ContainsFunc(enum, func(e any) bool { return equalJSON(e, v) }) {
			errs = append(errs, fmt.Sprintf("%s: %s is not one of %v", at, short(v), enum))
		}
	}
	if c, ok := s["const"]; ok && !equalJSON(c, v) {
		errs = append(errs, fmt.Sprintf("%s: %s is not %v", at, short(v), c))
	}
	switch v := v.(type) {
	case map[string]any:
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := v[r.(string)]; !ok {
					errs = append(errs, fmt.Sprintf("%s: required property %q is missing", at, r))
				}
			}
		}
		props, hasProps := s["properties"].(map[string]any)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k]; ok {
				errs = append(errs, validate(doc, ps, v[k], at+"."+k)...)
			} else if s["additionalProperties"] == false || hasProps && !siblings[k] {
				errs = append(errs, fmt.Sprintf("%s: property %q is not documented", at, k))
			}
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, x := range v {
				errs = append(errs, validate(doc, items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case string:
		if p, ok := s["pattern"].(string); ok {
			if !regexp.MustCompile(p).MatchString(v) {
				errs = append(errs, fmt.Sprintf("%s: %q does not match %s", at, v, p))
			}
		}
	case json.Number:
		f, _ := v.Float64()
		if m, ok := s["minimum"].(json.Number); ok {
			if min, _ := m.Float64(); f < min {
				errs = append(errs, fmt.Sprintf("%s: %s is below %s", at, v, m))
			}
		}
		if m, ok := s["maximum"].(json.Number); ok {
			if max, _ := m.Float64(); f > max {
				errs = append(errs, fmt.Sprintf("%s: %s is above %s", at, v, m))
			}
		}
	}
	return errs
}

// propertyNames adds to names the properties a schema names, through $ref
// and allOf.
func propertyNames(doc map[string]any, schema any, names map[string]bool) {
	s, ok := schema.(map[string]any)
	if !ok {
		return
	}
	if ref, ok := s["$ref"].(string); ok {
		if target, err := lookup(doc, ref); err == nil {
			propertyNames(doc, target, names)
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for k := range props {
			names[k] = true
		}
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, part := range all {
			propertyNames(doc, part, names)
		}
	}
}

func hasType(v any, t string) bool {
	switch v := v.(type) {
	case map[string]any:
		return t == "object"
	case []any:
		return t == "array"
	case string:
		return t == "string"
	case bool:
		return t == "boolean"
	case nil:
		return t == "null"
	case json.Number:
		if t == "number" {
			return true
		}
		_, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			_, err = strconv.ParseUint(string(v), 10, 64)
		}
		return t == "integer" && err == nil
	}
	return false
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// TestValidator checks that the schema validator does catch what it must,
// so that the tests above cannot pass vacuously.
func TestValidator(t *testing.T) {
	doc := loadDoc(t)
	org := map[string]any{"$ref": "#/components/schemas/Org"}
	good := `{"id":"acme","name":"A","roles":["hub"],"keys":[],"since":0}`
	if errs := validate(doc, org, decodeJSON(t, []byte(good)), "org"); len(errs) > 0 {
		t.Errorf("a good org: %v", errs)
	}
	for _, bad := range []string{
		`{"name":"A","roles":["hub"],"keys":[],"since":0}`,                   // id missing
		`{"id":"acme","name":"A","roles":["chef"],"keys":[],"since":0}`,      // unknown role
		`{"id":"acme","name":"A","roles":["hub"],"keys":[],"since":0.5}`,     // not an integer
		`{"id":"acme","name":"A","roles":["hub"],"keys":[],"since":0,"x":1}`, // undocumented
		`{"id":"acme","name":"A","roles":null,"keys":[],"since":0}`,          // null list
		`{"id":"acme","name":"A","roles":["hub"],"keys":["ABC"],"since":0}`,  // bad key
		`{"id":"Acme","name":"A","roles":["hub"],"keys":[],"since":0}`,       // bad id
		`[]`,
	} {
		if errs := validate(doc, org, decodeJSON(t, []byte(bad)), "org"); len(errs) == 0 {
			t.Errorf("%s validated", bad)
		}
	}
}

// TestValidatorAllOf checks the allOf of PoolView: the pool's fields and
// progress are both documented, each part still checks its own.
func TestValidatorAllOf(t *testing.T) {
	doc := loadDoc(t)
	view := map[string]any{"$ref": "#/components/schemas/PoolView"}
	good, err := os.ReadFile(filepath.Join("testdata", "pool.golden"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := bytes.Cut(good, []byte("\n\n"))
	if errs := validate(doc, view, decodeJSON(t, body), "view"); len(errs) > 0 {
		t.Errorf("the golden pool view: %v", errs)
	}
	edit := func(f func(m map[string]any)) any {
		m := decodeJSON(t, body).(map[string]any)
		f(m)
		return m
	}
	progress := func(m map[string]any) map[string]any { return m["progress"].(map[string]any) }
	for name, bad := range map[string]any{
		"progress missing":         edit(func(m map[string]any) { delete(m, "progress") }),
		"pool field missing":       edit(func(m map[string]any) { delete(m, "moq") }),
		"undocumented field":       edit(func(m map[string]any) { m["colour"] = "red" }),
		"bad pool field":           edit(func(m map[string]any) { m["status"] = "pending" }),
		"undocumented in progress": edit(func(m map[string]any) { progress(m)["id"] = 4 }),
		"pool field in progress":   edit(func(m map[string]any) { progress(m)["cap"] = 4 }),
		"bad next":                 edit(func(m map[string]any) { progress(m)["next"] = "none" }),
		"next missing units":       edit(func(m map[string]any) { delete(progress(m)["next"].(map[string]any), "units") }),
	} {
		if errs := validate(doc, view, bad, "view"); len(errs) == 0 {
			t.Errorf("%s: validated", name)
		}
	}
	if errs := validate(doc, view, edit(func(m map[string]any) { progress(m)["next"] = nil }), "view"); len(errs) > 0 {
		t.Errorf("next null: %v", errs)
	}
}
