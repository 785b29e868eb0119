package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

func newTxPoolHistoryCmd(env *Env, o *txOptions) *cobra.Command {
	var m pool.MsgHistory
	var product string
	c := &cobra.Command{
		Use:   "history --product FACTORY/SKU [--variant V] FILE.csv",
		Short: "Record your hub's past weekly sales of a product, so demand series start with them",
		Long: `Record your hub's own past weekly sales of a product on the ledger, signed by
the hub's key (--from), so every node's demand series and forecasts start with
them. FILE.csv has the columns week,units,money,consumers (a header line is
optional): week is an ISO week (2026-W05) before the current one and at most
156 weeks back, units the units sold (1 to 1,000,000,000), money their price in
minor units of --currency, consumers how many consumers bought (1 to units;
the privacy thresholds count them). 1 to 104 weeks a transaction; each week of
a product (and variant) is recorded once: history cannot be changed.`,
		Example: `  gongxu tx pool history --from hub-lishui --product acme/jacket-1 --variant m-navy sales.csv`,
		Args:    exactArgs("FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "from", "product"); err != nil {
				return err
			}
			weeks, err := readHistoryFile(args[0])
			if err != nil {
				return err
			}
			msg := m
			msg.Product, msg.Weeks = gongxu.ProductID(product), weeks
			return env.sendMsg(cmd, o, pool.TypeHistory, &msg)
		},
	}
	c.Flags().StringVar(&product, "product", "", "the product `FACTORY/SKU` (required)")
	c.Flags().StringVar(&m.Variant, "variant", "", "the variant `ID` (default: the product as a whole)")
	c.Flags().StringVar(&m.Currency, "currency", "CNY", "ISO 4217 `CODE` of the money column")
	return c
}

func readHistoryFile(path string) ([]gongxu.SalesWeek, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("history file %s does not exist", path)
		}
		return nil, gongxu.Wrap(err, "open history file")
	}
	defer f.Close()
	weeks, err := readHistoryCSV(f)
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	return weeks, nil
}

// readHistoryCSV reads week,units,money,consumers lines; a first line whose
// first column is "week" is a header. The module checks the ranges.
func readHistoryCSV(r io.Reader) ([]gongxu.SalesWeek, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 4
	cr.TrimLeadingSpace = true
	var weeks []gongxu.SalesWeek
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if line == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "week") {
			continue
		}
		var n [3]int64
		for i, name := range []string{"units", "money", "consumers"} {
			if n[i], err = strconv.ParseInt(strings.TrimSpace(rec[i+1]), 10, 64); err != nil {
				return nil, fmt.Errorf("line %d: %s must be an integer, got %q", line, name, clip(rec[i+1]))
			}
		}
		weeks = append(weeks, gongxu.SalesWeek{Week: strings.TrimSpace(rec[0]), Units: gongxu.Units(n[0]), Money: gongxu.Amount(n[1]), Consumers: n[2]})
	}
	if len(weeks) == 0 {
		return nil, errors.New("no weeks: want lines of week,units,money,consumers")
	}
	return weeks, nil
}
