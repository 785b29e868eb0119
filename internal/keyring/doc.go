// Package keyring owns the signing keys of a node's operators: a file keyring
// in one directory (the node home's keys/), one JSON file per key name
// (NAME.json, mode 0600, directory 0700) holding the name, the Ed25519 seed and
// public key in hex, and the time the key was created.
//
// Key names are 1 to 64 characters of a-z, 0-9, '_' and '-'. Errors are
// *gongxu.Error: KindInvalid for a bad name or seed, KindConflict when a name
// is taken, KindNotFound for an unknown name, KindInternal for failed I/O or a
// corrupt key file.
//
// The keys are not encrypted: the directory's permissions are their only
// protection.
package keyring
