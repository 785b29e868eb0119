package bench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Report is the outcome of a benchmark run.
type Report struct {
	Command    string         `json:"command"`
	CPUs       int            `json:"cpus"`
	GoVersion  string         `json:"go"`
	Validators int            `json:"validators"`
	Signers    int            `json:"signers"`
	StepSecs   float64        `json:"step_s"`
	WindowSecs float64        `json:"window_s"` // the measured part of each step
	TxBytes    map[string]int `json:"tx_bytes"`
	// Networks says how the networks of a run of several shared the machine.
	Networks string      `json:"networks,omitempty"`
	Apps     []AppResult `json:"apps"`
	Ratio    *Ratio      `json:"ratio,omitempty"`
}

// Ratio compares an application with the baseline measured in the same run.
type Ratio struct {
	App        string      `json:"app"`
	Baseline   string      `json:"baseline"`
	Saturation float64     `json:"saturation"` // app saturation tx/s / baseline saturation tx/s
	PerRate    []RateRatio `json:"per_rate"`
	// CPUPerTx is the app's node CPU per committed transaction over the
	// baseline's, per rate (> 1: the app spends more CPU per transaction).
	CPUPerTx []RateRatio `json:"cpu_per_tx,omitempty"`
}

// RateRatio is the ratio of committed tx/s at one offered rate.
type RateRatio struct {
	Rate  int     `json:"rate"`
	Ratio float64 `json:"ratio"`
}

// Compare returns app's committed tx/s over base's, at saturation and at each
// rate both ran.
func Compare(app, base AppResult) Ratio {
	r := Ratio{App: app.App, Baseline: base.App, Saturation: div(app.SaturationTPS, base.SaturationTPS)}
	for _, s := range app.Steps {
		for _, b := range base.Steps {
			if b.Rate == s.Rate {
				r.PerRate = append(r.PerRate, RateRatio{Rate: s.Rate, Ratio: div(s.CommittedTPS, b.CommittedTPS)})
				if s.CPUPerTxUs > 0 && b.CPUPerTxUs > 0 {
					r.CPUPerTx = append(r.CPUPerTx, RateRatio{Rate: s.Rate, Ratio: s.CPUPerTxUs / b.CPUPerTxUs})
				}
				break
			}
		}
	}
	return r
}

func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// WriteTable prints the report as aligned text.
func (rep *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%d validators (separate processes, loopback), %d signers, %d CPUs, %s; steps of %.0fs, committed tx/s over the last %.0fs of each\n\n",
		rep.Command, rep.Validators, rep.Signers, rep.CPUs, rep.GoVersion, rep.StepSecs, rep.WindowSecs)
	if rep.Networks != "" {
		fmt.Fprintf(&b, "networks: %s\n\n", rep.Networks)
	}
	for _, a := range rep.Apps {
		fmt.Fprintf(&b, "%s (tx %d bytes):\n", a.App, rep.TxBytes[a.App])
		tw := tabwriter.NewWriter(&b, 2, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "rate\toffered/s\taccepted/s\tcommitted/s\tp50 ms\tp99 ms\trejected\tcheck-rej\trefused\tshed\tdropped\tuncommitted\tmempool\tblocks\tnode CPU µs/tx\t")
		for _, s := range a.Steps {
			fmt.Fprintf(tw, "%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t\n", s.Rate, s.OfferedTPS, s.AcceptedTPS, s.CommittedTPS, s.P50ms, s.P99ms,
				s.Rejected, s.CheckReject, s.Refused, s.Shed, s.Dropped, s.Uncommitted, s.MempoolEnd, s.Blocks, s.CPUPerTxUs)
		}
		tw.Flush()
		fmt.Fprintf(&b, "saturation: %.0f tx/s committed (at offered %d/s)\n", a.SaturationTPS, a.SaturationRate)
		if a.Counted != "" {
			fmt.Fprintf(&b, "counted: %s\n", a.Counted)
		}
		var mm int64
		for _, s := range a.Steps {
			mm += s.Mismatch
		}
		if mm > 0 {
			fmt.Fprintf(&b, "COUNT MISMATCH: the chain's counts and the blocks disagreed by %d over the run (see the submit errors)\n", mm)
		}
		if errs := TopErrors(a.Errors, 5); len(errs) > 0 {
			fmt.Fprintf(&b, "submit errors: %s\n", strings.Join(errs, "; "))
		}
		if a.Profile != "" {
			fmt.Fprintf(&b, "CPU profile of node 0: %s\n", a.Profile)
		}
		b.WriteString("\n")
	}
	if r := rep.Ratio; r != nil {
		fmt.Fprintf(&b, "ratio %s/%s at saturation: %.2f×\n", r.App, r.Baseline, r.Saturation)
		var parts []string
		for _, x := range r.PerRate {
			parts = append(parts, fmt.Sprintf("%d: %.2f×", x.Rate, x.Ratio))
		}
		fmt.Fprintf(&b, "ratio per offered rate: %s\n", strings.Join(parts, "  "))
		if len(r.CPUPerTx) > 0 {
			parts = parts[:0]
			for _, x := range r.CPUPerTx {
				parts = append(parts, fmt.Sprintf("%d: %.2f×", x.Rate, x.Ratio))
			}
			fmt.Fprintf(&b, "node CPU per committed tx, %s/%s: %s\n", r.App, r.Baseline, strings.Join(parts, "  "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
