package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
)

// The parsing the production commands share: quantities in units with
// decimals, dates, message bodies from --file.

// qtyHelp says how the production commands read quantities.
const qtyHelp = `Quantities on flags are in units of the item, with up to three decimals
(1.5 is 1500 milli-units); the ledger and --file bodies count milli-units.`

// fileHelp says what --file takes.
const fileHelp = `--file F.json gives the whole message body as JSON, exactly the fields of the
message (an unknown field is an error); it replaces the flags that build it.`

// invalidf is bad input on the command line: a usage error of KindInvalid.
func invalidf(format string, args ...any) error {
	return asUsage(gongxu.Errorf(gongxu.KindInvalid, format, args...))
}

// parseQty reads a quantity in units with up to three decimals ("300",
// "1.5", "0.025") as milli-units; negative quantities are refused.
func parseQty(what, s string) (gongxu.Qty, error) {
	t := strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(t, ".")
	bad := func() (gongxu.Qty, error) {
		return 0, invalidf("%s must be a quantity in units with up to 3 decimals (12, 1.5, 0.025), got %q", what, clip(s))
	}
	if whole == "" || len(frac) > 3 || dot && frac == "" || !digits(whole) || !digits(frac) {
		return bad()
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return bad()
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "00")[:3], 10, 64)
	}
	m, err := gongxu.MulInt64(w, 1000)
	if err == nil {
		m, err = gongxu.AddInt64(m, f)
	}
	if err != nil {
		return 0, invalidf("%s %q is too large", what, clip(s))
	}
	return gongxu.Qty(m), nil
}

// digits reports whether s holds only the digits 0-9 ("" does).
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// qtyFlag is a flag holding a quantity in units with decimals.
type qtyFlag struct {
	q gongxu.Qty
}

func (f *qtyFlag) String() string { return fmtQty(f.q) }
func (f *qtyFlag) Set(s string) error {
	q, err := parseQty("the quantity", s)
	if err != nil {
		// pflag names the flag and the value.
		return errors.New("want a quantity in units with up to 3 decimals (12, 1.5, 0.025)")
	}
	f.q = q
	return nil
}
func (f *qtyFlag) Type() string { return "QTY" }

// fmtQty formats milli-units as units with the decimals needed: 1500 → "1.5".
func fmtQty(q gongxu.Qty) string {
	n := int64(q)
	sign := ""
	u := uint64(n)
	if n < 0 {
		sign, u = "-", uint64(-n)
	}
	s := sign + strconv.FormatUint(u/1000, 10)
	if f := u % 1000; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%03d", f), "0")
	}
	return s
}

// parseDate reads a point in time for the flag name: a date (2025-03-10,
// midnight UTC), an RFC 3339 time, or a duration after the latest block.
func parseDate(name, s string) (when, error) {
	if t, err := time.Parse(time.DateOnly, strings.TrimSpace(s)); err == nil {
		return when{name: name, abs: t.UnixMilli()}, nil
	}
	w, err := parseWhen(name, s)
	if err != nil {
		return when{}, invalidf("--%s must be a date (2025-03-10), an RFC 3339 time or a duration after the latest block (72h, 30d), got %q",
			name, clip(s))
	}
	return w, nil
}

// dateHelp says what a date on a production flag may be.
const dateHelp = `A date is 2025-03-10 (midnight UTC), an RFC 3339 time, or a duration after the
block time of the node's latest block (72h, 30d), not after this machine's clock.`

// readBodyFile decodes the JSON object in path into m strictly: only the
// message's fields, one value.
func readBodyFile(path string, m any) error {
	return readFlagFile("--file", path, m)
}

// readFlagFile decodes the JSON object in the file a flag names into m
// strictly, as readBodyFile.
func readFlagFile(flag, path string, m any) error {
	data, err := readInput(flag + " " + path)
	if err != nil {
		return err
	}
	return decodeStrict(flag+" "+path, data, m)
}

// readInput reads the file of a flag: what is "--file PATH".
func readInput(what string) ([]byte, error) {
	_, path, _ := strings.Cut(what, " ")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, invalidf("%s does not exist", what)
	}
	if err != nil {
		return nil, invalidf("cannot read %s: %v", what, err)
	}
	return data, nil
}

// decodeStrict decodes data, the content of the file what names ("--file
// PATH"), into m: a JSON object with only m's fields, and nothing after it.
func decodeStrict(what string, data []byte, m any) error {
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
		return invalidf("%s must hold a JSON object", what)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		return invalidf("%s: %v", what, jsonErr(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalidf("%s holds more than one JSON value", what)
	}
	return nil
}

// jsonErr makes a JSON decoding error read well.
func jsonErr(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("field %s must be a JSON %s, got %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "number"
	case k == "slice":
		return "array"
	case k == "struct", k == "map":
		return "object"
	case k == "bool":
		return "boolean"
	}
	return k
}

// readRecordFile reads --file as either the message body, an object with
// only the key wrapper, into body, or as the bare record, into rec (as
// "query production master" prints it).
func readRecordFile(path, wrapper string, body, rec any) error {
	what := "--file " + path
	data, err := readInput(what)
	if err != nil {
		return err
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) == nil && len(top) == 1 && top[wrapper] != nil {
		return decodeStrict(what, data, body)
	}
	return decodeStrict(what, data, rec)
}

// noFlagsWithFile fails when --file is given together with a flag that
// builds the message.
func noFlagsWithFile(cmd *cobra.Command, file string, flags ...string) error {
	if file == "" {
		return nil
	}
	for _, f := range flags {
		if cmd.Flags().Changed(f) {
			return invalidf("--file gives the whole message; drop --%s", f)
		}
	}
	return nil
}

// splitN cuts s at ':' into exactly n fields, the last one holding the
// rest; form names the expected shape in the error.
func splitN(flag, form, s string, n int) ([]string, error) {
	parts := strings.SplitN(strings.TrimSpace(s), ":", n)
	if len(parts) != n {
		return nil, invalidf("--%s takes %s, got %q", flag, form, clip(s))
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
		if parts[i] == "" {
			return nil, invalidf("--%s takes %s, got %q", flag, form, clip(s))
		}
	}
	return parts, nil
}
