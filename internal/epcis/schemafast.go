package epcis

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The fast path of the GS1 schema check (issue 17). The library validator
// walks a map[string]any copy of the document and builds an error tree for
// every branch of every anyOf it tries; for a capture that is half of the
// parse. fastNode is the same compiled schema — built from the library's
// own *jsonschema.Schema, with its regular expressions, its format checks
// and its enum values — judged over the parser's tree, answering only
// valid or not.
//
// It is used one way only: a document fastNode finds valid is valid; one it
// does not is handed to the library, whose verdict and message stand. So the
// library decides every rejection, and the fast path must never accept what
// the library refuses. To keep that true it mirrors the library's
// validator.validate keyword by keyword for draft-07 (including that type,
// const, enum and format are checked before a $ref that then ends the
// schema), and it refuses — sending the document to the library — wherever
// it is unsure: a keyword it does not implement, a schema of a later draft,
// a uniqueItems over a long list of non-strings, or a recursion deeper than
// any GS1 document needs. TestSchemaFastDifferential and FuzzSchemaFast
// compare the two verdicts on GS1's examples and on mutations of them.
type fastNode struct {
	unsupported bool  // refuse: the library decides
	boolSchema  *bool // true or false schema

	types uint8 // jtNull | …; 0 when the schema sets no type

	constVal       *any
	enumStr        map[string]struct{} // the enum when every value is a string
	enumVals       []any               // the enum otherwise
	hasEnum        bool
	format         func(any) error
	uriFormat      bool // format "uri": opaqueURI answers most without net/url
	refShort       bool // $ref ends the schema (drafts before 2019)
	ref            *fastNode
	not            *fastNode
	allOf          []*fastNode
	anyOf          []*fastNode
	oneOf          []*fastNode
	ifS            *fastNode
	thenS          *fastNode
	elseS          *fastNode
	required       []string
	minProps       int // -1 when unset
	maxProps       int
	props          map[string]*fastNode
	patProps       []fastPatProp
	addlFalse      bool
	addl           *fastNode
	propNames      *fastNode
	minItems       int
	maxItems       int
	unique         bool
	items          *fastNode
	itemsList      []*fastNode
	addlItemsFalse bool
	addlItems      *fastNode
	minLen         int
	maxLen         int
	pattern        jsonschema.Regexp

	minimum, maximum, exclMin, exclMax, multipleOf *big.Rat
}

type fastPatProp struct {
	re  jsonschema.Regexp
	sch *fastNode
}

const (
	jtNull uint8 = 1 << iota
	jtBool
	jtNumber
	jtInteger
	jtString
	jtArray
	jtObject
)

// maxFastDepth bounds the recursion of the fast path (schema steps, not
// only instance levels); past it the library decides. A GS1 document within
// MaxDepth needs a few hundred at most.
const maxFastDepth = 2000

// maxFastUnique is the longest list of non-strings whose uniqueItems the
// fast path compares pairwise; longer ones go to the library.
const maxFastUnique = 64

var (
	fastOnce sync.Once
	fastRoot *fastNode
	fastErr  error
)

// fastSchema builds the fast path of the compiled root schema once.
func fastSchema() (*fastNode, error) {
	fastOnce.Do(func() {
		sch, err := rootSchema()
		if err != nil {
			fastErr = err
			return
		}
		fastRoot = newFastNode(sch, map[*jsonschema.Schema]*fastNode{})
	})
	return fastRoot, fastErr
}

func typeBits(t *jsonschema.Types) uint8 {
	if t == nil || t.IsEmpty() {
		return 0
	}
	var b uint8
	for _, s := range t.ToStrings() {
		switch s {
		case "null":
			b |= jtNull
		case "boolean":
			b |= jtBool
		case "number":
			b |= jtNumber
		case "integer":
			b |= jtInteger
		case "string":
			b |= jtString
		case "array":
			b |= jtArray
		case "object":
			b |= jtObject
		}
	}
	return b
}

func intOr(p *int, d int) int {
	if p == nil {
		return d
	}
	return *p
}

// newFastNode mirrors one compiled schema; seen ties recursive references.
func newFastNode(s *jsonschema.Schema, seen map[*jsonschema.Schema]*fastNode) *fastNode {
	if s == nil {
		return nil
	}
	if n, ok := seen[s]; ok {
		return n
	}
	n := &fastNode{minProps: -1, maxProps: -1, minItems: -1, maxItems: -1, minLen: -1, maxLen: -1}
	seen[s] = n
	if s.Bool != nil {
		n.boolSchema = s.Bool
		return n
	}
	// What the fast path does not implement (it mirrors the library for
	// draft-07, the GS1 schemas' draft, only): the library decides.
	if s.DraftVersion != 7 || s.RecursiveRef != nil || s.DynamicRef != nil ||
		len(s.Dependencies) > 0 || len(s.DependentRequired) > 0 || len(s.DependentSchemas) > 0 ||
		s.UnevaluatedProperties != nil || s.UnevaluatedItems != nil || s.Contains != nil ||
		s.MinContains != nil || s.MaxContains != nil || len(s.PrefixItems) > 0 || s.Items2020 != nil ||
		s.ContentEncoding != nil || s.ContentMediaType != nil || s.ContentSchema != nil ||
		len(s.Extensions) > 0 || (s.Format != nil && (s.Format.Name == "regex" || s.Format.Validate == nil)) {
		n.unsupported = true
		return n
	}
	n.types = typeBits(s.Types)
	if s.Const != nil && !plainJSON(*s.Const) {
		n.unsupported = true
	}
	if s.Enum != nil {
		for _, v := range s.Enum.Values {
			if !plainJSON(v) {
				n.unsupported = true
			}
		}
	}
	n.constVal = s.Const
	if s.Enum != nil {
		n.hasEnum = true
		allStr := true
		for _, v := range s.Enum.Values {
			if _, ok := v.(string); !ok {
				allStr = false
			}
		}
		if allStr {
			n.enumStr = make(map[string]struct{}, len(s.Enum.Values))
			for _, v := range s.Enum.Values {
				n.enumStr[v.(string)] = struct{}{}
			}
		} else {
			n.enumVals = s.Enum.Values
		}
	}
	if s.Format != nil {
		n.format = s.Format.Validate
		n.uriFormat = s.Format.Name == "uri"
	}
	if s.Ref != nil {
		n.ref = newFastNode(s.Ref, seen)
		n.refShort = s.DraftVersion < 2019
	}
	n.not = newFastNode(s.Not, seen)
	for _, c := range s.AllOf {
		n.allOf = append(n.allOf, newFastNode(c, seen))
	}
	for _, c := range s.AnyOf {
		n.anyOf = append(n.anyOf, newFastNode(c, seen))
	}
	for _, c := range s.OneOf {
		n.oneOf = append(n.oneOf, newFastNode(c, seen))
	}
	n.ifS, n.thenS, n.elseS = newFastNode(s.If, seen), newFastNode(s.Then, seen), newFastNode(s.Else, seen)
	n.required = s.Required
	n.minProps, n.maxProps = intOr(s.MinProperties, -1), intOr(s.MaxProperties, -1)
	if len(s.Properties) > 0 {
		n.props = make(map[string]*fastNode, len(s.Properties))
		for k, c := range s.Properties {
			n.props[k] = newFastNode(c, seen)
		}
	}
	for re, c := range s.PatternProperties {
		n.patProps = append(n.patProps, fastPatProp{re, newFastNode(c, seen)})
	}
	switch a := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		n.addlFalse = !a
	case *jsonschema.Schema:
		n.addl = newFastNode(a, seen)
	default:
		n.unsupported = true
	}
	n.propNames = newFastNode(s.PropertyNames, seen)
	n.minItems, n.maxItems = intOr(s.MinItems, -1), intOr(s.MaxItems, -1)
	n.unique = s.UniqueItems
	switch it := s.Items.(type) {
	case nil:
	case *jsonschema.Schema:
		n.items = newFastNode(it, seen)
	case []*jsonschema.Schema:
		n.itemsList = make([]*fastNode, len(it))
		for i, c := range it {
			n.itemsList[i] = newFastNode(c, seen)
		}
	default:
		n.unsupported = true
	}
	switch a := s.AdditionalItems.(type) {
	case nil:
	case bool:
		n.addlItemsFalse = !a
	case *jsonschema.Schema:
		n.addlItems = newFastNode(a, seen)
	default:
		n.unsupported = true
	}
	n.minLen, n.maxLen = intOr(s.MinLength, -1), intOr(s.MaxLength, -1)
	n.pattern = s.Pattern
	n.minimum, n.maximum, n.exclMin, n.exclMax, n.multipleOf = s.Minimum, s.Maximum, s.ExclusiveMinimum, s.ExclusiveMaximum, s.MultipleOf
	return n
}

// validateJV checks a parsed document against the GS1 schema: the fast
// path first, the library for anything it does not find valid.
func validateJV(root *jv) error {
	f, err := fastSchema()
	if err != nil {
		return err
	}
	if fastValid(f, root) {
		return nil
	}
	return validateValue(toAny(root))
}

// fastValid reports whether the fast path finds v valid under root. false
// means "not sure": the library decides.
func fastValid(root *fastNode, v *jv) bool {
	return root.check(v, 0) == fOK
}

// verdict is the fast path's answer for one value under one schema: valid,
// invalid, or unsure (the fast path cannot tell; the library decides).
// Keywords combine as the library combines them: all must hold (bad wins,
// then unsure), anyOf wants one ok, oneOf exactly one, not and if read a
// sure answer only.
type verdict uint8

const (
	fOK verdict = iota
	fBad
	fUnsure
)

func kindBit(k byte) uint8 {
	switch k {
	case 'z':
		return jtNull
	case 'b':
		return jtBool
	case 'n':
		return jtNumber
	case 's':
		return jtString
	case 'a':
		return jtArray
	case 'o':
		return jtObject
	}
	return 0
}

// numRat is a number as the library reads it (big.Rat of its text).
func numRat(s string) (*big.Rat, bool) {
	return new(big.Rat).SetString(s)
}

// isIntegerText is the library's isInteger on a number as written.
func isIntegerText(s string) bool {
	if !strings.ContainsAny(s, ".eE") {
		return true // the parser admits only JSON number syntax: digits
	}
	r, ok := numRat(s)
	return ok && r.IsInt()
}

// scalarAny is the value the library sees for a scalar.
func scalarAny(v *jv) any {
	switch v.kind {
	case 's':
		return v.str
	case 'n':
		return json.Number(v.str)
	case 'b':
		return v.str == "true"
	case 'z':
		return nil
	}
	return toAny(v)
}

func (n *fastNode) check(v *jv, depth int) verdict {
	if n == nil {
		return fOK
	}
	if depth > maxFastDepth || n.unsupported {
		return fUnsure
	}
	if n.boolSchema != nil {
		if *n.boolSchema {
			return fOK
		}
		return fBad
	}
	if kindBit(v.kind) == 0 {
		return fUnsure
	}
	// type
	if n.types != 0 {
		t := kindBit(v.kind)
		if n.types&t == 0 && !(n.types&jtInteger != 0 && v.kind == 'n' && isIntegerText(v.str)) {
			return fBad
		}
	}
	// const
	if n.constVal != nil && !jvEqualsAny(v, *n.constVal) {
		return fBad
	}
	// enum
	if n.hasEnum {
		ok := false
		if n.enumStr != nil {
			if v.kind == 's' {
				_, ok = n.enumStr[v.str]
			}
		} else {
			for _, e := range n.enumVals {
				if jvEqualsAny(v, e) {
					ok = true
					break
				}
			}
		}
		if !ok {
			return fBad
		}
	}
	unsure := false
	// format
	if n.format != nil {
		if v.kind == 'o' || v.kind == 'a' {
			unsure = true // the fast path does not build the copy to ask
		} else if n.uriFormat && v.kind == 's' && strings.IndexByte(v.str, ':') < 0 {
			return fBad // no scheme: net/url gives a relative URL, which the format refuses
		} else if !(n.uriFormat && v.kind == 's' && opaqueURI(v.str)) && n.format(scalarAny(v)) != nil {
			return fBad
		}
	}
	// $ref
	if n.ref != nil {
		r := n.ref.check(v, depth+1)
		if r == fBad {
			return fBad
		}
		if n.refShort {
			if unsure {
				return fUnsure
			}
			return r
		}
		unsure = unsure || r == fUnsure
	}
	var r verdict
	switch v.kind {
	case 'o':
		r = n.objCheck(v, depth)
	case 'a':
		r = n.arrCheck(v, depth)
	case 's':
		r = n.strCheck(v.str)
	case 'n':
		r = n.numCheck(v.str)
	}
	if r == fBad {
		return fBad
	}
	unsure = unsure || r == fUnsure
	// not
	if n.not != nil {
		switch n.not.check(v, depth+1) {
		case fOK:
			return fBad
		case fUnsure:
			unsure = true
		}
	}
	// allOf
	for _, c := range n.allOf {
		switch c.check(v, depth+1) {
		case fBad:
			return fBad
		case fUnsure:
			unsure = true
		}
	}
	// anyOf
	if len(n.anyOf) > 0 {
		agg := fBad
		for _, c := range n.anyOf {
			r := c.check(v, depth+1)
			if r == fOK {
				agg = fOK
				break
			}
			if r == fUnsure {
				agg = fUnsure
			}
		}
		if agg == fBad {
			return fBad
		}
		unsure = unsure || agg == fUnsure
	}
	// oneOf
	if len(n.oneOf) > 0 {
		ok, un := 0, 0
		for _, c := range n.oneOf {
			switch c.check(v, depth+1) {
			case fOK:
				ok++
			case fUnsure:
				un++
			}
		}
		switch {
		case ok > 1:
			return fBad
		case un > 0:
			unsure = true
		case ok == 0:
			return fBad
		}
	}
	// if, then, else
	if n.ifS != nil {
		var r verdict
		switch n.ifS.check(v, depth+1) {
		case fOK:
			r = n.thenS.check(v, depth+1)
		case fBad:
			r = n.elseS.check(v, depth+1)
		default:
			r = fUnsure
		}
		if r == fBad {
			return fBad
		}
		unsure = unsure || r == fUnsure
	}
	if unsure {
		return fUnsure
	}
	return fOK
}

func (n *fastNode) objCheck(v *jv, depth int) verdict {
	nk := len(v.keys)
	if n.minProps >= 0 && nk < n.minProps || n.maxProps >= 0 && nk > n.maxProps {
		return fBad
	}
	for _, k := range n.required {
		if v.get(k) == nil {
			return fBad
		}
	}
	unsure := false
	var key *jv // one scratch value for the keys propertyNames judges
	if n.propNames != nil {
		key = &jv{kind: 's'}
	}
	for i, k := range v.keys {
		val := v.vals[i]
		evaluated := false
		if c, ok := n.props[k]; ok {
			evaluated = true
			switch c.check(val, depth+1) {
			case fBad:
				return fBad
			case fUnsure:
				unsure = true
			}
		}
		for _, pp := range n.patProps {
			if pp.re.MatchString(k) {
				evaluated = true
				switch pp.sch.check(val, depth+1) {
				case fBad:
					return fBad
				case fUnsure:
					unsure = true
				}
			}
		}
		if !evaluated {
			if n.addlFalse {
				return fBad
			}
			if n.addl != nil {
				switch n.addl.check(val, depth+1) {
				case fBad:
					return fBad
				case fUnsure:
					unsure = true
				}
			}
		}
		if n.propNames != nil {
			key.str = k
			switch n.propNames.check(key, depth+1) {
			case fBad:
				return fBad
			case fUnsure:
				unsure = true
			}
		}
	}
	if unsure {
		return fUnsure
	}
	return fOK
}

func (n *fastNode) arrCheck(v *jv, depth int) verdict {
	l := len(v.items)
	if n.minItems >= 0 && l < n.minItems || n.maxItems >= 0 && l > n.maxItems {
		return fBad
	}
	unsure := false
	if n.unique && l > 1 {
		switch uniqueItems(v.items) {
		case fBad:
			return fBad
		case fUnsure:
			unsure = true
		}
	}
	evaluated := 0
	if n.items != nil {
		for _, it := range v.items {
			switch n.items.check(it, depth+1) {
			case fBad:
				return fBad
			case fUnsure:
				unsure = true
			}
		}
		evaluated = l
	} else if n.itemsList != nil {
		evaluated = min(l, len(n.itemsList))
		for i := range evaluated {
			switch n.itemsList[i].check(v.items[i], depth+1) {
			case fBad:
				return fBad
			case fUnsure:
				unsure = true
			}
		}
	}
	if n.addlItemsFalse && evaluated != l {
		return fBad
	}
	if n.addlItems != nil {
		for _, it := range v.items[evaluated:] {
			switch n.addlItems.check(it, depth+1) {
			case fBad:
				return fBad
			case fUnsure:
				unsure = true
			}
		}
	}
	if unsure {
		return fUnsure
	}
	return fOK
}

// uniqueItems is the library's uniqueItems: no two items equal as JSON
// values (numbers by value). A list of strings is compared in a set; other
// lists pairwise up to maxFastUnique items, past which the library decides.
func uniqueItems(items []*jv) verdict {
	allStr := true
	for _, it := range items {
		if it.kind != 's' {
			allStr = false
			break
		}
	}
	if allStr {
		seen := make(map[string]struct{}, len(items))
		for _, it := range items {
			if _, dup := seen[it.str]; dup {
				return fBad
			}
			seen[it.str] = struct{}{}
		}
		return fOK
	}
	if len(items) > maxFastUnique {
		return fUnsure
	}
	for i := 1; i < len(items); i++ {
		for j := range i {
			if jvEqual(items[i], items[j]) {
				return fBad
			}
		}
	}
	return fOK
}

func (n *fastNode) strCheck(s string) verdict {
	if n.minLen >= 0 || n.maxLen >= 0 {
		l := utf8.RuneCountInString(s)
		if n.minLen >= 0 && l < n.minLen || n.maxLen >= 0 && l > n.maxLen {
			return fBad
		}
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		return fBad
	}
	return fOK
}

func (n *fastNode) numCheck(s string) verdict {
	if n.minimum == nil && n.maximum == nil && n.exclMin == nil && n.exclMax == nil && n.multipleOf == nil {
		return fOK
	}
	r, ok := numRat(s)
	if !ok {
		return fUnsure
	}
	if n.minimum != nil && r.Cmp(n.minimum) < 0 || n.maximum != nil && r.Cmp(n.maximum) > 0 ||
		n.exclMin != nil && r.Cmp(n.exclMin) <= 0 || n.exclMax != nil && r.Cmp(n.exclMax) >= 0 {
		return fBad
	}
	if n.multipleOf != nil && !new(big.Rat).Quo(r, n.multipleOf).IsInt() {
		return fBad
	}
	return fOK
}

// opaqueURI reports whether s is an absolute URI with an opaque part
// ("urn:epc:id:sgtin:…", "urn:uuid:…"), which the library's "uri" format
// (net/url.Parse, then IsAbs) accepts without looking further: no control
// byte, no fragment (Parse would unescape it), a scheme (a letter, then
// letters, digits, "+", "-", "."), and after its colon no "/" (no authority
// or path for Parse to check). It is one-sided: false means "ask the
// format", never "invalid" (TestOpaqueURI, FuzzSchemaFast).
func opaqueURI(s string) bool {
	colon := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c == 0x7f || c == '#' {
			return false
		}
		if colon >= 0 {
			continue
		}
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		case c == ':':
			if i == 0 {
				return false
			}
			colon = i
		default:
			return false
		}
	}
	return colon > 0 && (colon+1 == len(s) || s[colon+1] != '/')
}

// plainJSON reports whether x holds only the types jvEqualsAny compares
// (the library's schema loader writes numbers as json.Number).
func plainJSON(x any) bool {
	switch x := x.(type) {
	case map[string]any:
		for _, v := range x {
			if !plainJSON(v) {
				return false
			}
		}
		return true
	case []any:
		for _, v := range x {
			if !plainJSON(v) {
				return false
			}
		}
		return true
	case nil, bool, string, json.Number:
		return true
	}
	return false
}

// jvEqual is the library's equals on two parsed values.
func jvEqual(a, b *jv) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case 'o':
		if len(a.keys) != len(b.keys) {
			return false
		}
		for i, k := range a.keys {
			w := b.get(k)
			if w == nil || !jvEqual(a.vals[i], w) {
				return false
			}
		}
		return true
	case 'a':
		if len(a.items) != len(b.items) {
			return false
		}
		for i := range a.items {
			if !jvEqual(a.items[i], b.items[i]) {
				return false
			}
		}
		return true
	case 'n':
		if a.str == b.str {
			return true
		}
		x, ok1 := numRat(a.str)
		y, ok2 := numRat(b.str)
		return ok1 && ok2 && x.Cmp(y) == 0
	default:
		return a.str == b.str
	}
}

// jvEqualsAny is the library's equals of a parsed value and a schema value
// (an enum or const member).
func jvEqualsAny(v *jv, x any) bool {
	switch x := x.(type) {
	case map[string]any:
		if v.kind != 'o' || len(v.keys) != len(x) {
			return false
		}
		for k, xv := range x {
			w := v.get(k)
			if w == nil || !jvEqualsAny(w, xv) {
				return false
			}
		}
		return true
	case []any:
		if v.kind != 'a' || len(v.items) != len(x) {
			return false
		}
		for i := range x {
			if !jvEqualsAny(v.items[i], x[i]) {
				return false
			}
		}
		return true
	case nil:
		return v.kind == 'z'
	case bool:
		return v.kind == 'b' && (v.str == "true") == x
	case string:
		return v.kind == 's' && v.str == x
	case json.Number: // the only number type in a schema read with UseNumber (plainJSON)
		if v.kind != 'n' {
			return false
		}
		a, ok1 := numRat(v.str)
		b, ok2 := numRat(fmt.Sprint(x))
		return ok1 && ok2 && a.Cmp(b) == 0
	}
	return false
}
