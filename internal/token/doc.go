// Package token owns a node's API tokens: the credentials that let a person
// or a program make the node sign with its keys (POST /epcis/capture, the
// pages' forms after sign-in).
//
// A token is 32 random bytes, shown once as "gx_" and 43 base64url
// characters when it is added. The node keeps only its SHA-256 (enough for
// a 256-bit random secret: no salt or slow hash is needed), with a name for
// people, a random id and the time it was made, in one JSON file per home
// (HOME/config/tokens.json, mode 0600), written atomically (a temporary file
// renamed over it) under a lock file, so that concurrent commands never lose
// each other's changes.
//
// A Store reads the file again whenever it changed on disk (another file,
// or another size or time), so a token added or removed by `gongxu token`
// counts at once on a running node, without a restart. Check compares the
// secret's hash with every stored hash in constant time. A file that cannot
// be read or parsed refuses every token.
//
// The package imports the standard library and the root only.
package token
