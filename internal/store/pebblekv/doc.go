// Package pebblekv owns the node's persistent state database: a store.DB on
// Pebble (github.com/cockroachdb/pebble) in one directory. Each block is one
// atomic, synced Pebble batch; reads and iterations see consistent snapshots;
// Checkpoint makes a consistent copy of the database.
//
// Errors are I/O failures of kind gongxu.KindInternal.
package pebblekv
