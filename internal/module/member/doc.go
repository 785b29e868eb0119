// Package member is the module of member organizations and their governance:
// organizations with roles and keys, the genesis members, and proposals to
// admit or remove an org, add or remove a validator, or change a parameter,
// which pass with the yes votes of more than 2/3 of member orgs before their
// deadline (block time). It also answers which org a signing key belongs to,
// and holds the network's parameters.
//
// State keys, under "member/": org/<id>, key/<hex key>, prop/<id>,
// open/<deadline>/<id>, val/<hex key>, params, propseq, count.
package member
