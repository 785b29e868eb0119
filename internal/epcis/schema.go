package epcis

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/gongxu-network/gongxu"
)

// The official GS1 EPCIS 2.0 JSON Schemas (draft-07), copied unchanged from
// github.com/gs1/EPCIS; GS1's notice is in schema/LICENSE-GS1.txt.
//
//go:embed schema/*.json schema/schemas/*.json
var schemaFS embed.FS

// RootSchemaID is the $id of EPCIS-JSON-Schema-root.json, the entry point for
// a whole EPCIS document (or a single event); it references the other files
// by their $id.
const RootSchemaID = "https://gs1.github.io/EPCIS/JSON-Schema/EPCIS-JSON-Schema.json"

var (
	schemaOnce sync.Once
	schemaRoot *jsonschema.Schema
	schemaErr  error
)

// rootSchema compiles the embedded schemas once.
func rootSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() { schemaRoot, schemaErr = compileSchemas(schemaFS) })
	return schemaRoot, schemaErr
}

func compileSchemas(fsys fs.FS) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	c.UseRegexpEngine(compileRegexp)
	c.UseLoader(noLoader{})
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		raw, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		obj, _ := doc.(map[string]any)
		id, _ := obj["$id"].(string)
		if id == "" {
			return fmt.Errorf("%s: no $id", path)
		}
		return c.AddResource(id, doc)
	})
	if err != nil {
		return nil, gongxu.Wrap(err, "epcis: loading the embedded GS1 schemas")
	}
	sch, err := c.Compile(RootSchemaID)
	if err != nil {
		return nil, gongxu.Wrap(err, "epcis: compiling the GS1 schemas")
	}
	return sch, nil
}

// noLoader refuses every URL the schemas did not bring: validation never
// reaches the network.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not embedded", url)
}

// compileRegexp is the schemas' regular-expression engine: Go's RE2, plus the
// one construct the GS1 schemas use that RE2 lacks, a pattern that is a
// single leading negative lookahead "^(?!X)" (definitions-JSON-Schema.json,
// vocab-other-uri and vocab-nonGS1WebVoc-uri). Such a pattern matches exactly
// the strings that do not start with a match of X.
func compileRegexp(pattern string) (jsonschema.Regexp, error) {
	if inner, ok := leadingNegativeLookahead(pattern); ok {
		re, err := regexp.Compile("^(?:" + inner + ")")
		if err != nil {
			return nil, err
		}
		return notPrefix{re: re, src: pattern}, nil
	}
	return regexp.Compile(pattern)
}

// leadingNegativeLookahead reports whether pattern is "^(?!X)" with the group
// closing at the very end, and returns X.
func leadingNegativeLookahead(pattern string) (string, bool) {
	const open = "^(?!"
	if !strings.HasPrefix(pattern, open) || !strings.HasSuffix(pattern, ")") {
		return "", false
	}
	depth := 1
	inClass := false
	for i := len(open); i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return pattern[len(open):i], i == len(pattern)-1
			}
		}
	}
	return "", false
}

type notPrefix struct {
	re  *regexp.Regexp
	src string
}

func (n notPrefix) MatchString(s string) bool { return !n.re.MatchString(s) }
func (n notPrefix) String() string            { return n.src }

// ValidateJSON checks raw against the official EPCIS 2.0 JSON Schema (a whole
// EPCISDocument, an EPCISQueryDocument, or a single event with its
// @context). A failure is KindInvalid and names the failing JSON pointer and
// the schema's message, e.g.
// "/epcisBody/eventList/0/bizStep: value must be one of 'accepting', …".
//
// raw is read as ParseDocument reads it, so the schema judges the members
// every reader sees: a document with two keys equal after unescaping or
// case folding is KindInvalid, and one beyond the shape limits of ojson.go
// (all but MaxMembers: an export holds as many events as it holds) is
// KindTooLarge.
func ValidateJSON(raw []byte) error {
	root, err := parseJV(raw, exportLimits)
	if err != nil {
		return err
	}
	if err := checkOneMeaning(raw, exportLimits); err != nil {
		return err
	}
	return validateJV(root)
}

func validateValue(doc any) error {
	sch, err := rootSchema()
	if err != nil {
		return err
	}
	err = sch.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return gongxu.Wrap(err, "epcis: schema validation")
	}
	leaf := deepestLeaf(ve)
	return gongxu.Errorf(gongxu.KindInvalid, "epcis: GS1 schema: %s: %s",
		jsonPointer(leaf.InstanceLocation), leafMessage(leaf))
}

// deepestLeaf picks, among the causes that have no causes of their own, the
// one deepest in the instance: the most specific thing that is wrong. On a
// tie an enum failure wins (for "shipp" in bizStep, "must be one of …" says
// more than "not a valid uri"), then the first in schema order.
func deepestLeaf(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	best := ve
	bestDepth, bestEnum := -1, false
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			_, enum := e.ErrorKind.(*kind.Enum)
			d := len(e.InstanceLocation)
			if d > bestDepth || (d == bestDepth && enum && !bestEnum) {
				best, bestDepth, bestEnum = e, d, enum
			}
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return best
}

// leafMessage is the schema's own message for one error without causes.
// ValidationError.Error renders such an error as "at '<pointer>': <message>".
func leafMessage(leaf *jsonschema.ValidationError) string {
	s := leaf.Error()
	if strings.HasPrefix(s, "at '") {
		if i := strings.Index(s, "': "); i >= 0 {
			return s[i+3:]
		}
	}
	return s
}

// jsonPointer renders an instance location as an RFC 6901 JSON pointer; the
// document root is "/".
func jsonPointer(tokens []string) string {
	if len(tokens) == 0 {
		return "/"
	}
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(escapePointer(t))
	}
	return sb.String()
}
