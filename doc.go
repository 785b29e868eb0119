// Package gongxu is the vocabulary of the gongxu network, standard library only:
// identifiers, integer money and quantities, the one Error type with its
// append-only Kinds, ledger events, the domain records the read side serves,
// and the read-side service interfaces that adapters implement.
//
// Nothing here talks to a disk, a network or a clock.
package gongxu
