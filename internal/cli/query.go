package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
)

// newQueryCmd builds "gongxu query": one subcommand per module, and the
// transactions and accounts of the node.
func newQueryCmd(env *Env) *cobra.Command {
	c := newGroup("query", "Query the node",
		newQueryMemberCmd(env),
		newQueryTxCmd(env),
		newQueryTxsCmd(env),
		newQueryAccountCmd(env),
		newQueryCatalogCmd(env),
		newQueryPoolCmd(env),
		newQuerySettleCmd(env),
		newQueryRFQCmd(env),
		newQueryDisputeCmd(env),
		newQueryLogisticsCmd(env),
		newQueryProductionCmd(env),
		newQueryDemandCmd(env),
		newQueryForecastCmd(env),
		newQueryDerivedDemandCmd(env),
		newQueryReputationCmd(env),
	)
	c.Aliases = []string{"q"}
	return c
}

func newQueryMemberCmd(env *Env) *cobra.Command {
	return newGroup("member", "Member organizations, validators and proposals",
		newQueryOrgsCmd(env),
		newQueryOrgCmd(env),
		newQueryValidatorsCmd(env),
		newQueryProposalsCmd(env),
		newQueryProposalCmd(env),
	)
}

func newQueryOrgsCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "orgs",
		Short: "List the member orgs",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			orgs, err := env.Client().Orgs(env.Ctx)
			if err != nil {
				return env.nodeErr(err)
			}
			if orgs == nil {
				orgs = []gongxu.Org{}
			}
			return env.print(orgs, func(t *tableWriter) { orgsTable(t, orgs) })
		},
	}
}

func orgsTable(t *tableWriter, orgs []gongxu.Org) {
	t.row("ID", "NAME", "ROLES", "KEYS", "SINCE")
	for _, o := range orgs {
		t.row(string(o.ID), o.Name, strings.Join(strs(o.Roles), ","), strconv.Itoa(len(o.Keys)), strconv.FormatInt(o.Since, 10))
	}
}

func newQueryOrgCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "org ID",
		Short: "Show a member org",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := gongxu.OrgID(args[0])
			if err := id.Validate(); err != nil {
				return asUsage(err)
			}
			org, err := env.Client().Org(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(org, func(t *tableWriter) { orgTable(t, org) })
		},
	}
}

func orgTable(t *tableWriter, o gongxu.Org) {
	t.field("id", string(o.ID))
	t.field("name", o.Name)
	t.field("roles", strings.Join(strs(o.Roles), ","))
	t.fieldList("keys", strs(o.Keys))
	t.fieldOpt("description", o.Description)
	t.fieldOpt("contact", o.Contact)
	t.fieldOpt("gs1_prefixes", strings.Join(o.Prefixes, ","))
	t.field("since", strconv.FormatInt(o.Since, 10))
}

func newQueryValidatorsCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "validators",
		Short: "List the consensus validators",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			vals, err := env.Client().Validators(env.Ctx)
			if err != nil {
				return env.nodeErr(err)
			}
			if vals == nil {
				vals = []gongxu.Validator{}
			}
			return env.print(vals, func(t *tableWriter) { validatorsTable(t, vals) })
		},
	}
}

func validatorsTable(t *tableWriter, vals []gongxu.Validator) {
	t.row("PUB_KEY", "POWER", "ORG")
	for _, v := range vals {
		t.row(string(v.PubKey), strconv.FormatInt(v.Power, 10), string(v.Org))
	}
}

func newQueryProposalsCmd(env *Env) *cobra.Command {
	var status string
	var limit int
	statuses := []string{"", string(gongxu.ProposalOpen), string(gongxu.ProposalPassed), string(gongxu.ProposalRejected),
		string(gongxu.ProposalExpired), string(gongxu.ProposalFailed)}
	c := &cobra.Command{
		Use:   "proposals",
		Short: "List governance proposals, most recent first",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return usagef("--limit must not be negative, got %d", limit)
			}
			ps, err := env.Client().Proposals(env.Ctx, gongxu.ProposalFilter{Status: gongxu.ProposalStatus(status), Limit: limit})
			if err != nil {
				return env.nodeErr(err)
			}
			if ps == nil {
				ps = []gongxu.Proposal{}
			}
			return env.print(ps, func(t *tableWriter) { proposalsTable(t, ps) })
		},
	}
	c.Flags().Var(&choiceValue{p: &status, choices: statuses}, "status", "only proposals with this `STATUS`: open, passed, rejected, expired or failed")
	c.Flags().IntVar(&limit, "limit", 0, "at most `N` proposals (0: the node's default)")
	return c
}

func proposalsTable(t *tableWriter, ps []gongxu.Proposal) {
	t.row("ID", "KIND", "STATUS", "PROPOSER", "TITLE", "YES", "NO", "DEADLINE")
	for _, p := range ps {
		t.row(strconv.FormatUint(p.ID, 10), string(p.Kind), string(p.Status), string(p.Proposer), p.Title,
			strconv.Itoa(len(p.Yes)), strconv.Itoa(len(p.No)), msTime(p.Deadline))
	}
}

func newQueryProposalCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "proposal ID",
		Short: "Show a governance proposal",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			p, err := env.Client().Proposal(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(p, func(t *tableWriter) { proposalTable(t, p) })
		},
	}
}

func proposalTable(t *tableWriter, p gongxu.Proposal) {
	t.field("id", strconv.FormatUint(p.ID, 10))
	t.field("kind", string(p.Kind))
	t.field("status", string(p.Status))
	t.field("proposer", string(p.Proposer))
	t.field("title", p.Title)
	if p.Org != nil {
		t.field("org", string(p.Org.ID))
		t.field("org_name", p.Org.Name)
		t.field("org_roles", strings.Join(strs(p.Org.Roles), ","))
		t.fieldList("org_keys", strs(p.Org.Keys))
		t.fieldOpt("org_gs1_prefixes", strings.Join(p.Org.Prefixes, ","))
	}
	t.fieldOpt("target", string(p.Target))
	t.fieldOpt("pub_key", string(p.PubKey))
	t.fieldOpt("gs1_prefixes", strings.Join(p.Prefixes, ","))
	if p.Kind == gongxu.ProposalAddValidator {
		t.field("power", strconv.FormatInt(p.Power, 10))
	}
	if p.Kind == gongxu.ProposalSetParam {
		t.field("param", p.Param)
		t.field("value", strconv.FormatInt(p.Value, 10))
	}
	t.field("yes", strings.Join(strs(p.Yes), ","))
	t.field("no", strings.Join(strs(p.No), ","))
	t.field("electors", strconv.Itoa(p.Electors))
	t.field("created", msTime(p.Created))
	t.field("deadline", msTime(p.Deadline))
	t.fieldOpt("result", p.Result)
	t.field("height", strconv.FormatInt(p.Height, 10))
}

func newQueryTxCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "tx HASH",
		Short: "Show a committed transaction",
		Args:  exactArgs("HASH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			hash := strings.ToUpper(args[0])
			if len(hash) != 64 || strings.Trim(hash, "0123456789ABCDEF") != "" {
				return usagef("transaction hash must be 64 hex characters, got %q", clip(args[0]))
			}
			rec, err := env.Client().Tx(env.Ctx, hash)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(rec, func(t *tableWriter) { txTable(t, rec) })
		},
	}
}

func txTable(t *tableWriter, r gongxu.TxRecord) {
	t.field("hash", r.Hash)
	t.field("height", strconv.FormatInt(r.Height, 10))
	t.field("index", strconv.Itoa(r.Index))
	t.field("time", r.Time)
	t.field("type", r.Type)
	t.field("signer", string(r.Signer))
	t.fieldOpt("org", string(r.Org))
	t.field("code", strconv.FormatUint(uint64(r.Code), 10))
	t.fieldOpt("kind", r.Kind)
	t.fieldOpt("message", r.Message)
	evs := make([]string, len(r.Events))
	for i, e := range r.Events {
		var b strings.Builder
		b.WriteString(e.Type)
		for _, a := range e.Attrs {
			b.WriteString(" " + a.Key + "=" + a.Value)
		}
		evs[i] = b.String()
	}
	t.fieldList("events", evs)
}

func newQueryTxsCmd(env *Env) *cobra.Command {
	var limit int
	c := &cobra.Command{
		Use:   "txs",
		Short: "List the most recent committed transactions",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return usagef("--limit must be positive, got %d", limit)
			}
			recs, err := env.Client().RecentTxs(env.Ctx, limit)
			if err != nil {
				return env.nodeErr(err)
			}
			if recs == nil {
				recs = []gongxu.TxRecord{}
			}
			return env.print(recs, func(t *tableWriter) { txsTable(t, recs) })
		},
	}
	c.Flags().IntVar(&limit, "limit", 20, "at most `N` transactions")
	return c
}

func txsTable(t *tableWriter, recs []gongxu.TxRecord) {
	t.row("HASH", "HEIGHT", "TYPE", "ORG", "CODE", "TIME")
	for _, r := range recs {
		t.row(r.Hash, strconv.FormatInt(r.Height, 10), r.Type, string(r.Org), strconv.FormatUint(uint64(r.Code), 10), r.Time)
	}
}

func newQueryAccountCmd(env *Env) *cobra.Command {
	var keyName string
	c := &cobra.Command{
		Use:   "account PUBKEY | --key NAME",
		Short: "Show a signing key's org and next sequence",
		Args:  rangeArgs(0, 1, "a PUBKEY or --key NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var pk gongxu.PubKey
			switch {
			case len(args) == 1 && keyName != "":
				return usagef("give a PUBKEY or --key NAME, not both")
			case len(args) == 1:
				pk = gongxu.PubKey(strings.ToLower(args[0]))
				if err := pk.Validate(); err != nil {
					return asUsage(err)
				}
			case keyName != "":
				if err := keyring.ValidateName(keyName); err != nil {
					return asUsage(err)
				}
				kr, err := env.Keyring()
				if err != nil {
					return err
				}
				k, err := kr.Get(keyName)
				if err != nil {
					return err
				}
				pk = k.PubKey
			default:
				return usagef("%s needs a PUBKEY or --key NAME", cmd.CommandPath())
			}
			acct, err := env.Client().Account(env.Ctx, pk)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(acct, func(t *tableWriter) {
				t.field("pub_key", string(acct.PubKey))
				t.field("org", string(acct.Org))
				t.field("sequence", strconv.FormatUint(acct.Sequence, 10))
			})
		},
	}
	c.Flags().StringVar(&keyName, "key", "", "the key `NAME` in the keyring")
	return c
}

func newStatusCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the node's status and chain",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := env.Client().Status(env.Ctx)
			if err != nil {
				return env.nodeErr(err)
			}
			if st.Validators == nil {
				st.Validators = []gongxu.Validator{}
			}
			return env.print(st, func(t *tableWriter) { statusTable(t, st) })
		},
	}
}

func statusTable(t *tableWriter, s gongxu.Status) {
	t.field("chain_id", s.ChainID)
	t.field("node_id", s.NodeID)
	t.field("moniker", s.Moniker)
	t.field("height", strconv.FormatInt(s.Height, 10))
	t.field("app_hash", s.AppHash)
	t.field("block_time", s.BlockTime)
	t.field("catching_up", strconv.FormatBool(s.CatchingUp))
	t.field("validators", strconv.Itoa(len(s.Validators)))
	t.field("mempool_txs", strconv.Itoa(s.MempoolTxs))
	t.field("version", s.Version)
	t.field("read_model_height", strconv.FormatInt(s.ReadModelHeight, 10))
}
