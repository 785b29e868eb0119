package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
)

// parsePositive reads a positive integer id argument; what names it in the
// error ("pool id", "pledge id" …).
func parsePositive(what, s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, usagef("%s must be a positive integer, got %q", what, clip(s))
	}
	return id, nil
}

// submitCaptured is sendMsg without its output: it signs and submits m and
// returns the node's result for the caller to print with more of its own.
// A transaction the chain rejects comes back with its result and a
// *txRejected error; an error before the submission comes with a zero result.
// Not for --dry-run (call sendMsg, which prints the signed transaction).
func (env *Env) submitCaptured(cmd *cobra.Command, o *txOptions, typ string, m msg) (gongxu.TxResult, error) {
	quiet := *env
	var buf bytes.Buffer
	quiet.Stdout = &buf
	quiet.Output = OutputJSON
	err := quiet.sendMsg(cmd, o, typ, m)
	var res gongxu.TxResult
	if buf.Len() > 0 {
		if jerr := json.Unmarshal(buf.Bytes(), &res); jerr != nil {
			return res, gongxu.Wrap(jerr, "read the result of %s", typ)
		}
	}
	return res, err
}

// rejected reports whether err is a transaction the chain rejected.
func rejected(err error) bool {
	var r *txRejected
	return errors.As(err, &r)
}

// signerOrg returns the org of the --from key, as the node knows it.
func (env *Env) signerOrg(cmd *cobra.Command, o *txOptions) (gongxu.OrgID, error) {
	if err := requireFlags(cmd, "from"); err != nil {
		return "", err
	}
	if err := keyring.ValidateName(o.from); err != nil {
		return "", asUsage(err)
	}
	kr, err := env.Keyring()
	if err != nil {
		return "", err
	}
	key, err := kr.Get(o.from)
	if err != nil {
		return "", err
	}
	acct, err := env.Client().Account(env.Ctx, key.PubKey)
	if err != nil {
		return "", env.nodeErr(err)
	}
	if acct.Org == "" {
		return "", gongxu.Errorf(gongxu.KindUnauthorized, "key %s (%s) belongs to no member org on node %s", o.from, key.PubKey, env.Node)
	}
	return acct.Org, nil
}

// blockClock is the node's latest block time, asked for once, when a
// relative time needs it.
type blockClock struct {
	env  *Env
	t    time.Time
	done bool
}

// now returns the node's latest block time (from /v1/status).
func (c *blockClock) now() (time.Time, error) {
	if c.done {
		return c.t, nil
	}
	st, err := c.env.Client().Status(c.env.Ctx)
	if err != nil {
		return time.Time{}, c.env.nodeErr(err)
	}
	if st.BlockTime == "" {
		return time.Time{}, gongxu.Errorf(gongxu.KindUnavailable,
			"node %s reports no block time yet; give an absolute RFC 3339 time instead of a relative one", c.env.Node)
	}
	t, err := time.Parse(time.RFC3339Nano, st.BlockTime)
	if err != nil {
		return time.Time{}, gongxu.Errorf(gongxu.KindInternal, "node %s reports block time %q, not RFC 3339", c.env.Node, st.BlockTime)
	}
	c.t, c.done = t, true
	return t, nil
}

// when is a point in time a flag gave: absolute, or a span after the latest
// block.
type when struct {
	name string // the flag
	abs  int64  // unix ms, when span is 0
	span time.Duration
}

// parseWhen reads a point in time for the flag name: an RFC 3339 time, or a
// positive duration ("72h", "30d", "1d12h") after the latest block.
func parseWhen(name, s string) (when, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return when{name: name, abs: t.UnixMilli()}, nil
	}
	d, err := parseSpan(s)
	if err != nil {
		return when{}, usagef("--%s must be an RFC 3339 time or a duration after the latest block (72h, 30d), got %q", name, clip(s))
	}
	if d <= 0 {
		return when{}, usagef("--%s must be in the future, got %q", name, clip(s))
	}
	return when{name: name, span: d}, nil
}

// ms is the time in unix milliseconds; now, the latest block's time, is
// asked only for a relative time.
func (w when) ms(now func() (time.Time, error)) (int64, error) {
	if w.span == 0 {
		return w.abs, nil
	}
	base, err := now()
	if err != nil {
		return 0, err
	}
	return base.Add(w.span).UnixMilli(), nil
}

// timeFlag is a flag holding a point in time, and where its value goes.
type timeFlag struct {
	name, value string
	dst         *int64 // unix ms
}

// resolveTimes reads the flags' times, every one before the node is asked,
// then places the relative ones after one block time.
func (env *Env) resolveTimes(flags ...timeFlag) error {
	ws := make([]when, len(flags))
	for i, f := range flags {
		var err error
		if ws[i], err = parseWhen(f.name, f.value); err != nil {
			return err
		}
	}
	clock := &blockClock{env: env}
	for i, w := range ws {
		v, err := w.ms(clock.now)
		if err != nil {
			return err
		}
		*flags[i].dst = v
	}
	return nil
}

// parseSpan reads a duration: Go's syntax ("72h", "90m"), with a leading
// whole number of days allowed ("30d", "1d12h").
func parseSpan(s string) (time.Duration, error) {
	var days int64
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n < 0 || n > 100*365 {
			return 0, errors.New("bad days")
		}
		days, s = n, s[i+1:]
		if s == "" {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	return time.Duration(days)*24*time.Hour + d, nil
}
