package dispute

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Seed is the seed of a dispute's panel draw, from committed data only:
// SHA-256 of a domain tag, the dispute id, the opening transaction's hash,
// the height of the block that escalates it and the app hash the block
// before it committed (module.Context.PrevAppHash). That app hash was fixed
// before the escalating block's proposer chose anything, and the opening
// party could not know it when it signed: neither can choose the panel by
// choosing what goes into the escalating block or into its own opening
// transaction. What remains (the previous block's proposer) is in
// docs/security.md.
func Seed(id uint64, openTx string, height int64, prevAppHash []byte) [32]byte {
	var b bytes.Buffer
	b.WriteString("gongxu/dispute/panel/v2\x00")
	b.Write(binary.BigEndian.AppendUint64(nil, id))
	b.WriteString(openTx)
	b.WriteByte(0)
	b.Write(binary.BigEndian.AppendUint64(nil, uint64(height)))
	b.Write(prevAppHash)
	return sha256.Sum256(b.Bytes())
}

// Draw returns n of the candidates in a permutation seeded by seed: each
// candidate's score is SHA-256(seed ‖ id), the panel the n smallest scores
// in score order (ties, which SHA-256 makes unheard of, by id). The
// candidates are distinct. It is a pure function of its arguments: the
// order of candidates does not matter.
func Draw(seed [32]byte, candidates []gongxu.OrgID, n int) []gongxu.OrgID {
	type scored struct {
		score [32]byte
		id    gongxu.OrgID
	}
	s := make([]scored, 0, len(candidates))
	for _, c := range candidates {
		s = append(s, scored{sha256.Sum256(append(seed[:], c...)), c})
	}
	slices.SortFunc(s, func(a, b scored) int {
		if c := bytes.Compare(a.score[:], b.score[:]); c != 0 {
			return c
		}
		return bytes.Compare([]byte(a.id), []byte(b.id))
	})
	out := make([]gongxu.OrgID, 0, min(n, len(s)))
	for i := 0; i < n && i < len(s); i++ {
		out = append(out, s[i].id)
	}
	return out
}

// PanelSize is the size of a panel for size P and e eligible orgs: P when
// there are enough, else the largest odd number ≤ e (0 when none).
func PanelSize(p int64, eligible int) int {
	n := int(min(p, int64(eligible)))
	if n%2 == 0 && n > 0 {
		n--
	}
	return n
}

// Ruling is the panel's split from votes of a panel of size panel: the
// largest split that a majority of the panel (⌊panel/2⌋+1) voted for at
// least (for a full odd panel, the median vote). ok is false when fewer
// than a majority voted.
func Ruling(votes []gongxu.DisputeVote, panel int) (gongxu.Amount, bool) {
	maj := panel/2 + 1
	if len(votes) < maj || panel <= 0 {
		return 0, false
	}
	vs := make([]gongxu.Amount, len(votes))
	for i, v := range votes {
		vs[i] = v.ToClaimant
	}
	slices.Sort(vs)
	slices.Reverse(vs)
	return vs[maj-1], true
}

// DefaultSplit is bps basis points of claimed, rounded down, without
// overflow.
func DefaultSplit(claimed gongxu.Amount, bps int64) gongxu.Amount {
	return claimed/10_000*gongxu.Amount(bps) + claimed%10_000*gongxu.Amount(bps)/10_000
}

// Eligible lists the member orgs that may sit on d's panel, sorted: members
// with a role, but for the parties and the orgs tied to them (over a pool
// share, the other hubs with a share in the same pool and the enablers its
// terms pay a share of every payout, which a ruling for the claimant
// lowers; a purchase order ties its two parties only to each other).
func (m *Module) Eligible(ctx *module.Context, d gongxu.Dispute) ([]gongxu.OrgID, error) {
	orgs, err := m.members.Orgs(ctx.KV)
	if err != nil {
		return nil, err
	}
	var hubs []gongxu.OrgID
	if d.Subject == gongxu.DisputeSubjectPoolShare {
		if hubs, err = m.shares.Hubs(ctx.KV, d.Pool); err != nil {
			return nil, err
		}
		enablers, err := m.shares.Enablers(ctx.KV, d.Pool)
		if err != nil {
			return nil, err
		}
		hubs = append(hubs, enablers...) // tied alike
	}
	var out []gongxu.OrgID
	for _, o := range orgs {
		if len(o.Roles) == 0 || o.ID == d.Claimant || o.ID == d.Respondent || slices.Contains(hubs, o.ID) {
			continue
		}
		out = append(out, o.ID)
	}
	return out, nil
}

// MaxStepsPerBlock bounds the disputes one block escalates or rules at
// their deadlines.
const MaxStepsPerBlock = 64

// BeginBlock implements module.Module: each dispute whose step's deadline
// is at or before the block time moves on, in (deadline, id) order: an open
// one escalates to a panel, a panel's vote ends in a ruling or the default.
func (m *Module) BeginBlock(ctx *module.Context) error {
	// A block takes at most MaxStepsPerBlock disputes past their deadline
	// (an escalation draws over every member org); the rest stay in the
	// index for the next blocks, so no pile of deadlines at one instant (a
	// chain resuming after a halt) stalls a block.
	due, err := deadlines.First(ctx.KV, ctx.Time, MaxStepsPerBlock)
	if err != nil {
		return err
	}
	for _, id := range due {
		d, err := m.Dispute(ctx.KV, id)
		if err != nil {
			return err
		}
		switch d.Status {
		case gongxu.DisputeOpen:
			err = m.escalate(ctx, &d)
		case gongxu.DisputePanel:
			if split, ok := Ruling(d.Votes, len(d.Panel)); ok {
				err = m.resolve(ctx, &d, split, gongxu.OutcomePanel)
			} else {
				err = m.resolve(ctx, &d, DefaultSplit(d.Claimed, d.DefaultBps), gongxu.OutcomeDefault)
			}
		default:
			err = fmt.Errorf("dispute %d is %s but still in the deadline index", id, d.Status)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// escalate draws d's panel and opens its vote; with nobody eligible the
// default rules at once.
func (m *Module) escalate(ctx *module.Context, d *gongxu.Dispute) error {
	ps, err := m.members.Params(ctx.KV)
	if err != nil {
		return err
	}
	eligible, err := m.Eligible(ctx, *d)
	if err != nil {
		return err
	}
	n := PanelSize(ps.DisputePanel(), len(eligible))
	d.EscalatedHeight = ctx.Height
	if n == 0 {
		d.PanelNote = "no member org is eligible for the panel (all are parties or tied to them): the default split rules"
		return m.resolve(ctx, d, DefaultSplit(d.Claimed, d.DefaultBps), gongxu.OutcomeDefault)
	}
	if int64(n) < ps.DisputePanel() {
		d.PanelNote = fmt.Sprintf("%d member orgs are eligible for a panel of %d: the panel is %d", len(eligible), ps.DisputePanel(), n)
	}
	d.Panel = Draw(Seed(d.ID, d.OpenTx, ctx.Height, ctx.PrevAppHash), eligible, n)
	if err := deadlines.Remove(ctx.KV, d.Deadline, d.ID); err != nil {
		return err
	}
	if d.Deadline, err = gongxu.AddInt64(ctx.Time, ps.DisputeVote()); err != nil {
		return err
	}
	if err := deadlines.Add(ctx.KV, d.Deadline, d.ID); err != nil {
		return err
	}
	d.Status = gongxu.DisputePanel
	return save(ctx, d, gongxu.EventDisputeEscalated, 0)
}
