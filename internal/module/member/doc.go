// Package member is the module of member organizations and their governance:
// organizations with roles and keys, the genesis members, and proposals to
// admit or remove an org, add or remove a validator, change a parameter, or
// assign or unassign GS1 company prefixes, which pass with the yes votes of
// more than 2/3 of member orgs before their deadline (block time; a vote at
// or after it is refused, and the proposal expires at block time, at most
// MaxExpiriesPerBlock a block, the rest in the next blocks). It also
// answers which org a signing key belongs to, which org owns a GS1 key, and
// holds the network's parameters.
//
// Org ids are never reused: removing an org leaves a tombstone, and admitting
// its id again is KindConflict (when proposed, and when a proposal opened
// before the removal passes after it), so no new org inherits the old one's
// balances, lots or events. Its keys are free again.
//
// GS1 company prefixes (6 to 12 digits) belong to orgs: declared in an
// admit_org proposal's org or a founder's genesis record (gs1_prefixes), or
// given and taken back by assign_gs1_prefixes / unassign_gs1_prefixes
// proposals naming the target org. A prefix is held by one org at most, and
// no held prefix begins another (KindConflict naming the holder), so every
// GS1 key has at most one owner: the org holding the longest declared prefix
// that begins the key's digits (PrefixOwner). A removed org's prefixes stay
// reserved to it, so nobody else may act on its identifiers, until an
// unassign_gs1_prefixes proposal names it.
//
// Seal keys. An org registers and rotates its own X25519 seal key
// (member/seal_key, any of its keys; registering the key it has is
// KindConflict); others seal its private terms to it (docs/security.md,
// "Sealed terms"). It lives in the org's record (seal_key).
//
// State keys, under "member/": org/<id>, key/<hex key>, prop/<id>,
// open/<deadline>/<id>, val/<hex key>, params, propseq, count,
// removed/<id> (tombstones), gs1/<prefix> (the org holding it).
//
// Events: member.org, member.org_removed, member.proposal, member.validator,
// member.params, member.gs1_prefix (prefix, org: "" when released).
package member
