package node

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// JoinFileVersion is the version of the join file format this binary writes
// and reads.
const JoinFileVersion = 1

// Limits of a join file.
const (
	// MaxJoinFileBytes bounds a join file as read (a real one is under 1 KiB).
	MaxJoinFileBytes = 16 << 10
	// MaxJoinKeys bounds the operator keys one join file lists.
	MaxJoinKeys = 8
	// MaxP2PAddr bounds the p2p address (a DNS name is at most 253 bytes).
	MaxP2PAddr = 260
)

// joinJSON bounds the shape of a join file: one flat object with two short
// lists.
var joinJSON = gongxu.JSONLimits{MaxDepth: 2, MaxMembers: 64, MaxKeyLen: 32}

// JoinFile is what an org hands the network to found it or join it: public
// material only, never a private key. Founders give theirs to gongxu
// genesis; a joining org gives it to a member, who proposes its admission
// (gongxu tx member propose-join) and later its validator
// (propose-validator).
type JoinFile struct {
	Version int           `json:"version"`
	Org     gongxu.OrgID  `json:"org"`
	Name    string        `json:"name"`
	Roles   []gongxu.Role `json:"roles"`
	// OperatorKeys are the Ed25519 keys that sign for the org.
	OperatorKeys []gongxu.PubKey `json:"operator_keys"`
	// SealKey is the X25519 key others seal the org's private terms to.
	SealKey gongxu.SealKey `json:"seal_key"`
	// NodeID is the node's CometBFT p2p id (hex of 20 bytes).
	NodeID string `json:"node_id"`
	// ValidatorKey is the node's CometBFT consensus key (Ed25519, hex).
	ValidatorKey gongxu.PubKey `json:"validator_key"`
	// P2PAddr is HOST:PORT where other nodes reach this node's p2p port.
	P2PAddr string `json:"p2p_addr"`
}

// Peer is the node's address as CometBFT names a peer: ID@HOST:PORT.
func (j JoinFile) Peer() string { return j.NodeID + "@" + j.P2PAddr }

// MemberOrg is the org the join file describes, as the member module keeps it.
func (j JoinFile) MemberOrg() gongxu.Org {
	return gongxu.Org{ID: j.Org, Name: j.Name, Roles: append([]gongxu.Role(nil), j.Roles...),
		Keys: append([]gongxu.PubKey(nil), j.OperatorKeys...), SealKey: j.SealKey}
}

// Validate checks a join file: its org as governance would admit it (the
// member module's rules for a new org), a seal key, 1 to MaxJoinKeys
// operator keys, a node id, a validator key that is none of the operator
// keys, and a p2p address HOST:PORT. Errors are of KindInvalid.
func (j JoinFile) Validate() error {
	if j.Version != JoinFileVersion {
		return gongxu.Errorf(gongxu.KindInvalid, "join file version %d, this gongxu reads version %d", j.Version, JoinFileVersion)
	}
	if len(j.OperatorKeys) == 0 || len(j.OperatorKeys) > MaxJoinKeys {
		return gongxu.Errorf(gongxu.KindInvalid, "join file of %s lists %d operator keys, want 1 to %d", j.Org, len(j.OperatorKeys), MaxJoinKeys)
	}
	if j.SealKey == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "join file of %s has no seal key", j.Org)
	}
	org := j.MemberOrg()
	if err := (&member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Title: "join", Org: &org}).ValidateBasic(); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "join file of %s: %s", j.Org, gongxu.ErrorMessage(err))
	}
	if err := checkNodeID(j.NodeID); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "join file of %s: %s", j.Org, gongxu.ErrorMessage(err))
	}
	if err := j.ValidatorKey.Validate(); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "join file of %s: validator key: %s", j.Org, gongxu.ErrorMessage(err))
	}
	for _, k := range j.OperatorKeys {
		if k == j.ValidatorKey {
			return gongxu.Errorf(gongxu.KindInvalid, "join file of %s: the validator key %s is also an operator key; a consensus key signs nothing else", j.Org, k)
		}
	}
	if err := CheckP2PAddr(j.P2PAddr); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "join file of %s: %s", j.Org, gongxu.ErrorMessage(err))
	}
	return nil
}

// checkNodeID checks a CometBFT node id: 40 lower-case hex characters.
func checkNodeID(id string) error {
	b, err := hex.DecodeString(id)
	if err != nil || len(b) != 20 || strings.ToLower(id) != id {
		return gongxu.Errorf(gongxu.KindInvalid, "node id %q must be 40 lower-case hex characters", clipText(id))
	}
	return nil
}

// CheckP2PAddr checks a p2p address HOST:PORT as other nodes dial it: a DNS
// name or an IP address (IPv6 in brackets), and a port 1 to 65535. Nothing
// is resolved.
func CheckP2PAddr(addr string) error {
	bad := func(why string) error {
		return gongxu.Errorf(gongxu.KindInvalid, "p2p address %q %s (want HOST:PORT, such as node.example.com:26656)", clipText(addr), why)
	}
	if len(addr) > MaxP2PAddr {
		return bad("is too long")
	}
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return bad("has no port")
	}
	host, port := addr[:i], addr[i+1:]
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 || strconv.Itoa(p) != port {
		return bad("has no port between 1 and 65535")
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		h := host[1 : len(host)-1]
		if h == "" || strings.Trim(h, "0123456789abcdefABCDEF:.") != "" {
			return bad("has a bad IPv6 address")
		}
		return nil
	}
	if host == "" {
		return bad("has no host")
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return bad("has a bad host name")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return bad("has a bad host name")
			}
		}
	}
	return nil
}

// CheckPeer checks a peer as CometBFT names one: ID@HOST:PORT.
func CheckPeer(p string) error {
	id, addr, ok := strings.Cut(p, "@")
	if !ok {
		return gongxu.Errorf(gongxu.KindInvalid, "peer %q must be ID@HOST:PORT", clipText(p))
	}
	if err := checkNodeID(id); err != nil {
		return err
	}
	return CheckP2PAddr(addr)
}

func clipText(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// DecodeJoinFile reads a join file strictly: at most MaxJoinFileBytes, one
// JSON object with one meaning (gongxu.CheckJSON after compaction: no key
// twice, none that folds to another, bounded), member names matched exactly
// with none unknown, and a valid join file (Validate). Errors are of
// KindInvalid or KindTooLarge.
func DecodeJoinFile(raw []byte) (JoinFile, error) {
	if len(raw) > MaxJoinFileBytes {
		return JoinFile{}, gongxu.Errorf(gongxu.KindTooLarge, "join file is %d bytes, the limit is %d", len(raw), MaxJoinFileBytes)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return JoinFile{}, gongxu.Errorf(gongxu.KindInvalid, "join file is not JSON: %v", err)
	}
	if compact.Len() == 0 || compact.Bytes()[0] != '{' {
		return JoinFile{}, gongxu.Errorf(gongxu.KindInvalid, "join file must be a JSON object")
	}
	if err := gongxu.CheckJSON(compact.Bytes(), joinJSON); err != nil {
		return JoinFile{}, gongxu.Errorf(gongxu.ErrorKind(err), "join file: %s", gongxu.ErrorMessage(err))
	}
	var j JoinFile
	if err := jsonv2.Unmarshal(compact.Bytes(), &j, jsonv2.RejectUnknownMembers(true)); err != nil {
		var se *jsonv2.SemanticError
		if errors.As(err, &se) && se.Err == jsonv2.ErrUnknownName {
			return JoinFile{}, gongxu.Errorf(gongxu.KindInvalid, "join file: unknown field %q (names are case-sensitive)", clipText(se.JSONPointer.LastToken()))
		}
		return JoinFile{}, gongxu.Errorf(gongxu.KindInvalid, "join file: %v", err)
	}
	if err := j.Validate(); err != nil {
		return JoinFile{}, err
	}
	return j, nil
}

// Encode writes the join file as indented JSON, for people to read and send.
func (j JoinFile) Encode() []byte {
	b, _ := json.MarshalIndent(j, "", "  ")
	return append(b, '\n')
}

// ReadJoinFile reads and decodes the join file at path.
func ReadJoinFile(path string) (JoinFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return JoinFile{}, gongxu.Errorf(gongxu.KindNotFound, "no join file %s", path)
	}
	if err != nil {
		return JoinFile{}, gongxu.Wrap(err, "read join file")
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxJoinFileBytes+1))
	if err != nil {
		return JoinFile{}, gongxu.Wrap(err, "read join file %s", path)
	}
	j, err := DecodeJoinFile(raw)
	if err != nil {
		return JoinFile{}, gongxu.Errorf(gongxu.ErrorKind(err), "%s: %s", path, gongxu.ErrorMessage(err))
	}
	return j, nil
}

// JoinFilePath is where init writes the home's join file: HOME/config/join.json.
func JoinFilePath(home string) string { return filepath.Join(home, "config", "join.json") }
