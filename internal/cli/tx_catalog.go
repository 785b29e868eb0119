package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// newTxCatalogCmd builds "gongxu tx catalog": a factory's products.
func newTxCatalogCmd(env *Env, o *txOptions) *cobra.Command {
	var m catalog.MsgPublish
	var variants []string
	publish := &cobra.Command{
		Use:   "publish",
		Short: "Publish a product of your factory, or a new version of it",
		Long: `Publish the product SKU of the factory the --from key belongs to. Publishing an existing
SKU replaces its description and bumps its version. --variants takes ID:NAME pairs,
for example --variants m-navy:"M / navy",l-navy:"L / navy".`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			m.Variants = nil
			for _, v := range variants {
				id, name, ok := strings.Cut(v, ":")
				if !ok {
					return usagef("--variants takes ID:NAME pairs, got %q", v)
				}
				m.Variants = append(m.Variants, gongxu.Variant{ID: id, Name: name})
			}
			return env.sendMsg(cmd, o, catalog.TypePublish, &m)
		},
	}
	f := publish.Flags()
	f.StringVar(&m.SKU, "sku", "", "the product's `SKU` within your factory (a-z, 0-9, '-', '.')")
	f.StringVar(&m.Name, "name", "", "the product's `NAME`")
	f.StringVar(&m.Description, "description", "", "what it is")
	f.StringVar(&m.Unit, "unit", "piece", "unit of measure: piece, kg, m …")
	f.StringSliceVar(&variants, "variants", nil, "variants as ID:NAME pairs")
	f.StringVar(&m.GTIN, "gtin", "", "GS1 `GTIN` (8, 12, 13 or 14 digits)")
	f.Int64Var(&m.LeadTimeDays, "lead-days", 0, "lead time in `DAYS`")
	_ = publish.MarkFlagRequired("sku")
	_ = publish.MarkFlagRequired("name")
	return newGroup("catalog", "Factories' products", publish)
}

// newTxSettleCmd builds "gongxu tx settle": money entering and leaving the ledger.
func newTxSettleCmd(env *Env, o *txOptions) *cobra.Command {
	var d settle.MsgDeposit
	var to string
	deposit := &cobra.Command{
		Use:   "deposit",
		Short: "Record money your hub received off-ledger (into its account, or a consumer's key account), or your factory's money for bid bonds (into its own account)",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			d.To = ""
			if to != "" {
				if strings.Contains(to, ":") {
					d.To = gongxu.AccountID(to)
				} else {
					k, err := env.resolvePubKey(to)
					if err != nil {
						return err
					}
					d.To = settle.KeyAccount(k)
				}
			}
			return env.sendMsg(cmd, o, settle.TypeDeposit, &d)
		},
	}
	deposit.Flags().StringVar(&to, "to", "", "account: org:ID, key:HEX, or a consumer key's hex or keyring name (default: your org's account; a hub may name a consumer's key account)")
	deposit.Flags().StringVar(&d.Currency, "currency", "CNY", "ISO 4217 `CODE`")
	deposit.Flags().Int64Var((*int64)(&d.Amount), "amount", 0, "`AMOUNT` in minor units (fen, cents)")
	deposit.Flags().StringVar(&d.Ref, "ref", "", "bank or till reference")
	_ = deposit.MarkFlagRequired("amount")

	var w settle.MsgWithdraw
	withdraw := &cobra.Command{
		Use:   "withdraw",
		Short: "Record money leaving the ledger from your own account",
		Args:  exactArgs(),
		RunE:  func(cmd *cobra.Command, _ []string) error { return env.sendMsg(cmd, o, settle.TypeWithdraw, &w) },
	}
	withdraw.Flags().StringVar(&w.Currency, "currency", "CNY", "ISO 4217 `CODE`")
	withdraw.Flags().Int64Var((*int64)(&w.Amount), "amount", 0, "`AMOUNT` in minor units")
	withdraw.Flags().StringVar(&w.Ref, "ref", "", "bank reference")
	_ = withdraw.MarkFlagRequired("amount")
	return newGroup("settle", "Money on the ledger: deposits and withdrawals", deposit, withdraw)
}
