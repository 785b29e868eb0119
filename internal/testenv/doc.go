// Package testenv owns the helpers that tests use to run real gongxu nodes:
// it builds the gongxu binary once per test process (Binary), picks loopback
// ports that are free (FreePorts, FreeBase), writes an N-validator network
// with `gongxu testnet` into a temporary directory and runs every node as its
// own OS process with `gongxu start` (NewNetwork, StartSingle). A Network
// starts, stops (SIGTERM), kills (SIGKILL) and restarts its nodes, talks to
// them through the Go client of the HTTP API and through CometBFT's RPC (app
// and block hashes per height, to compare nodes), and signs transactions with
// each node's operator key.
//
// Every process is killed when the test ends; when the test failed, the tail
// of each node's process output (HOME/process.log) and CometBFT log
// (HOME/data/node.log) is written to the test log. All waiting is bounded by
// contexts; nothing here asserts a wall-clock duration.
//
// Set GONGXU_TEST_BINARY to a prebuilt gongxu binary to skip the build.
package testenv
