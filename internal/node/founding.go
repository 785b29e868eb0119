package node

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// FounderPower is the voting power of each founder's validator in an
// assembled genesis: the founders are equals.
const FounderPower = 10

// MaxFounders bounds the join files of one genesis.
const MaxFounders = 100

// FoundingOptions are what the founders agree on besides their join files.
type FoundingOptions struct {
	ChainID string
	// Time is the genesis time: the time of block 1, and when the nodes
	// begin consensus if it is in the future. Every founder gives the same.
	Time time.Time
}

// AssembleGenesis makes the genesis of a network from its founders' join
// files: each founder's org (the validator role added), operator keys and
// seal key, its node's validator at FounderPower, and its node among the
// peers a starting node dials. The founders are sorted by org id, so every
// founder who assembles the same files with the same options gets the same
// bytes, whatever the order of the files. Refused, with KindInvalid or
// KindConflict: a bad join file, an org twice, a key (operator or
// validator) in two places, a node id, p2p address or seal key twice.
func AssembleGenesis(o FoundingOptions, joins []JoinFile) ([]byte, error) {
	if o.ChainID == "" {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "a genesis needs a chain id")
	}
	if o.Time.IsZero() {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "a genesis needs a genesis time that every founder gives alike")
	}
	if len(joins) == 0 || len(joins) > MaxFounders {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "a genesis needs 1 to %d founders' join files, got %d", MaxFounders, len(joins))
	}
	js := slices.Clone(joins)
	slices.SortFunc(js, func(a, b JoinFile) int { return strings.Compare(string(a.Org), string(b.Org)) })
	// owner records which org first named a key, id or address.
	owner := map[string]gongxu.OrgID{}
	claim := func(what, v string, org gongxu.OrgID) error {
		if prev, ok := owner[v]; ok {
			if prev == org {
				return gongxu.Errorf(gongxu.KindConflict, "org %s names %s %s twice", org, what, v)
			}
			return gongxu.Errorf(gongxu.KindConflict, "%s %s is in the join files of both %s and %s", what, v, prev, org)
		}
		owner[v] = org
		return nil
	}
	var g member.Genesis
	var vals []gongxu.Validator
	for i, j := range js {
		if err := j.Validate(); err != nil {
			return nil, err
		}
		if i > 0 && js[i-1].Org == j.Org {
			return nil, gongxu.Errorf(gongxu.KindConflict, "org %s has two join files", j.Org)
		}
		for _, k := range j.OperatorKeys {
			if err := claim("key", "key "+string(k), j.Org); err != nil {
				return nil, err
			}
		}
		checks := [][2]string{{"key", "key " + string(j.ValidatorKey)}, {"node id", "node " + j.NodeID},
			{"p2p address", "addr " + j.P2PAddr}, {"seal key", "seal " + string(j.SealKey)}}
		for _, c := range checks {
			if err := claim(c[0], c[1], j.Org); err != nil {
				return nil, err
			}
		}
		org := j.MemberOrg()
		if !org.HasRole(gongxu.RoleValidator) {
			org.Roles = append(org.Roles, gongxu.RoleValidator)
		}
		g.Orgs = append(g.Orgs, org)
		v := gongxu.Validator{PubKey: j.ValidatorKey, Power: FounderPower, Org: j.Org}
		vals = append(vals, v)
		g.Peers = append(g.Peers, j.Peer())
	}
	g.Validators = vals
	return comet.GenesisJSON(comet.GenesisOptions{ChainID: o.ChainID, Time: o.Time, Validators: vals,
		AppState: map[string]any{member.Name: g}})
}

// GenesisHash is the SHA-256 of a genesis file's bytes, in hex: what the
// founders compare.
func GenesisHash(raw []byte) string {
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

// CheckGenesis verifies that raw is the genesis the join files make with
// its own chain id and genesis time, byte for byte. KindConflict when it is
// not.
func CheckGenesis(raw []byte, joins []JoinFile) error {
	doc, err := comet.ParseGenesis(raw)
	if err != nil {
		return err
	}
	want, err := AssembleGenesis(FoundingOptions{ChainID: doc.ChainID, Time: doc.GenesisTime}, joins)
	if err != nil {
		return err
	}
	if !bytes.Equal(bytes.TrimSpace(raw), want) {
		return gongxu.Errorf(gongxu.KindConflict, "the genesis (sha256 %s) is not the one these join files make with chain id %s and genesis time %s (sha256 %s)",
			GenesisHash(raw), doc.ChainID, doc.GenesisTime.Format(time.RFC3339Nano), GenesisHash(want))
	}
	return nil
}

// InstallGenesis checks a network's genesis and writes it as home's
// HOME/config/genesis.json. A home that already holds another genesis is
// refused (KindConflict): a node's chain never changes.
func InstallGenesis(home string, raw []byte) error {
	if _, err := comet.ParseGenesis(raw); err != nil {
		return err
	}
	path := filepath.Join(home, "config", "genesis.json")
	if old, err := os.ReadFile(path); err == nil {
		if bytes.Equal(old, raw) {
			return nil
		}
		return gongxu.Errorf(gongxu.KindConflict, "%s already holds another genesis (sha256 %s); a node's network never changes", path, GenesisHash(old))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return gongxu.Wrap(err, "create config dir")
	}
	return gongxu.Wrap(os.WriteFile(path, raw, 0o644), "write genesis")
}

// GenesisPeers are the founders' nodes named in a genesis' app state
// ("id@host:port"): none when the genesis lists none (gongxu up, testnet).
func GenesisPeers(appState json.RawMessage) []string {
	var st map[string]json.RawMessage
	if json.Unmarshal(appState, &st) != nil {
		return nil
	}
	var g member.Genesis
	if json.Unmarshal(st[member.Name], &g) != nil {
		return nil
	}
	return g.Peers
}
