package comet

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
)

// State sync: the app's side of CometBFT's snapshots (ABCI ListSnapshots,
// LoadSnapshotChunk, OfferSnapshot, ApplySnapshotChunk).
//
// Every Interval blocks, right after Commit, the app freezes its committed
// state (store.State.View: a Pebble snapshot, no copy) and a goroutine writes
// it to HOME/data/snapshots/<height>/ as chunks of about 4 MiB
// (store.View.Chunks) and a metadata file; the last Keep snapshots are kept.
// A snapshot's metadata (SnapshotMeta) lists the sha256 of every chunk, and
// its hash (what peers compare) is the sha256 of the metadata, so the same
// state gives the same snapshot on every node.
//
// A node restoring refuses metadata it cannot decode, checks every chunk
// against its hash in the metadata (a bad chunk is fetched again from
// another peer, and its sender rejected) and writes the pairs into its empty
// state; after the last chunk it rebuilds the sparse Merkle tree and accepts
// the snapshot only if the root equals the app hash CometBFT gives, taken
// from a light-client verified header (store.Restorer). Otherwise the state is
// emptied and the snapshot rejected.

// SnapshotFormat is the only snapshot format: store.View.Chunks' records,
// each chunk compressed with DEFLATE (compress/flate, best speed).
const SnapshotFormat = 1

// maxSnapshotChunks bounds a snapshot's chunks (at 4 MiB each, 400 GB): the
// metadata of the largest stays under CometBFT's 4 MB snapshot message.
const maxSnapshotChunks = 100_000

const metaVersion = 1

// SnapshotMeta is what a snapshot's Metadata carries.
type SnapshotMeta struct {
	Time   int64 // block time of the snapshot's height, unix ms
	Pairs  uint64
	Chunks [][32]byte // sha256 of each chunk
}

// Encode is the metadata's one encoding: version (1 byte), time (8), pairs
// (8), chunk count (4), then 32 bytes per chunk; integers big endian.
func (m SnapshotMeta) Encode() []byte {
	b := make([]byte, 0, 21+32*len(m.Chunks))
	b = append(b, metaVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(m.Time))
	b = binary.BigEndian.AppendUint64(b, m.Pairs)
	b = binary.BigEndian.AppendUint32(b, uint32(len(m.Chunks)))
	for _, h := range m.Chunks {
		b = append(b, h[:]...)
	}
	return b
}

// DecodeSnapshotMeta decodes untrusted metadata; anything but Encode's exact
// output is an error of kind gongxu.KindInvalid.
func DecodeSnapshotMeta(b []byte) (SnapshotMeta, error) {
	if len(b) < 21 || b[0] != metaVersion {
		return SnapshotMeta{}, gongxu.Errorf(gongxu.KindInvalid, "snapshot metadata: %d bytes, not version %d", len(b), metaVersion)
	}
	n := binary.BigEndian.Uint32(b[17:21])
	if n == 0 || n > maxSnapshotChunks || uint64(len(b)) != 21+32*uint64(n) {
		return SnapshotMeta{}, gongxu.Errorf(gongxu.KindInvalid, "snapshot metadata: %d chunks in %d bytes (1 to %d chunks)", n, len(b), maxSnapshotChunks)
	}
	m := SnapshotMeta{Time: int64(binary.BigEndian.Uint64(b[1:9])), Pairs: binary.BigEndian.Uint64(b[9:17]), Chunks: make([][32]byte, n)}
	if m.Time < 0 {
		return SnapshotMeta{}, gongxu.Errorf(gongxu.KindInvalid, "snapshot metadata: negative time")
	}
	for i := range m.Chunks {
		copy(m.Chunks[i][:], b[21+32*i:])
	}
	return m, nil
}

func compressChunk(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeSnapshotChunk inflates an untrusted chunk into its records, at most
// store.MaxSnapshotChunk bytes of them (a chunk that inflates further is
// refused, however small it is); errors are of kind gongxu.KindInvalid.
func DecodeSnapshotChunk(c []byte) ([]byte, error) {
	if len(c) > store.MaxSnapshotChunk {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "snapshot chunk of %d bytes", len(c))
	}
	r := flate.NewReader(bytes.NewReader(c))
	defer r.Close()
	raw, err := io.ReadAll(io.LimitReader(r, store.MaxSnapshotChunk+1))
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "snapshot chunk does not inflate: %v", err)
	}
	if len(raw) > store.MaxSnapshotChunk {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "snapshot chunk inflates past %d bytes", store.MaxSnapshotChunk)
	}
	return raw, nil
}

// SnapshotOptions configure the snapshots a node takes.
type SnapshotOptions struct {
	// Interval is the number of blocks between snapshots; 0 takes none.
	Interval int64
	// Keep is how many of the latest snapshots stay on disk (at least 1).
	Keep int
	// Dir holds them (default HOME/data/snapshots).
	Dir string
	// ChunkSize overrides store.SnapshotChunkSize (tests).
	ChunkSize int
}

// snapshots takes, lists and serves this node's snapshots and runs a restore.
type snapshots struct {
	opt   SnapshotOptions
	state *store.State
	log   func() *slog.Logger
	now   func() time.Time // for the log's durations only

	mu      sync.Mutex
	busy    bool          // a snapshot is being written
	idle    chan struct{} // closed when the running snapshot ends
	restore *restoring
	// Taken is told of each snapshot written (height, duration, bytes).
	taken func(height int64, d time.Duration, bytes int64)
}

type restoring struct {
	snap *abci.Snapshot
	meta SnapshotMeta
	r    *store.Restorer
	next uint32
}

func newSnapshots(opt SnapshotOptions, st *store.State, log func() *slog.Logger) *snapshots {
	if opt.Keep < 1 {
		opt.Keep = 1
	}
	return &snapshots{opt: opt, state: st, log: log, now: time.Now}
}

func snapDir(root string, h int64) string { return filepath.Join(root, fmt.Sprintf("%020d", h)) }

// maybeTake freezes the committed state of height h (block time t) when a
// snapshot is due, and writes it on another goroutine. On the consensus
// goroutine: it only takes a Pebble snapshot.
func (s *snapshots) maybeTake(h, t int64) {
	if s.opt.Interval <= 0 || h%s.opt.Interval != 0 {
		return
	}
	s.mu.Lock()
	if s.busy {
		s.mu.Unlock()
		s.log().Warn("snapshot skipped: the previous one is still being written", "height", h)
		return
	}
	v, err := s.state.View()
	if err != nil {
		s.mu.Unlock()
		s.log().Error("snapshot skipped", "height", h, "err", err)
		return
	}
	s.busy = true
	s.idle = make(chan struct{})
	s.mu.Unlock()
	go func() {
		start := s.now()
		n, err := s.write(v, t)
		v.Close()
		if err != nil {
			s.log().Error("snapshot failed", "height", v.Height, "err", err)
		} else {
			s.log().Info("snapshot taken", "height", v.Height, "bytes", n, "took", s.now().Sub(start).String())
			if s.taken != nil {
				s.taken(v.Height, s.now().Sub(start), n)
			}
			s.prune()
		}
		s.mu.Lock()
		s.busy = false
		close(s.idle)
		s.mu.Unlock()
	}()
}

// wait returns once no snapshot is being written.
func (s *snapshots) wait() {
	s.mu.Lock()
	busy, idle := s.busy, s.idle
	s.mu.Unlock()
	if busy {
		<-idle
	}
}

// write writes v's chunks and metadata to a temporary directory and renames
// it into place, so a listed snapshot is always whole.
func (s *snapshots) write(v *store.View, t int64) (int64, error) {
	final := snapDir(s.opt.Dir, v.Height)
	tmp := final + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return 0, err
	}
	meta := SnapshotMeta{Time: t}
	var total int64
	pairs, err := v.Chunks(s.opt.ChunkSize, func(raw []byte) error {
		if len(meta.Chunks) >= maxSnapshotChunks {
			return gongxu.Errorf(gongxu.KindInternal, "state over %d chunks", maxSnapshotChunks)
		}
		c, err := compressChunk(raw)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, strconv.Itoa(len(meta.Chunks))), c, 0o600); err != nil {
			return err
		}
		meta.Chunks = append(meta.Chunks, sha256.Sum256(c))
		total += int64(len(c))
		return nil
	})
	if err != nil {
		os.RemoveAll(tmp)
		return 0, err
	}
	meta.Pairs = uint64(pairs)
	if err := os.WriteFile(filepath.Join(tmp, "meta"), meta.Encode(), 0o600); err != nil {
		os.RemoveAll(tmp)
		return 0, err
	}
	os.RemoveAll(final)
	if err := os.Rename(tmp, final); err != nil {
		return 0, err
	}
	return total, nil
}

// heights lists the heights of the whole snapshots on disk, ascending.
func (s *snapshots) heights() []int64 {
	ents, err := os.ReadDir(s.opt.Dir)
	if err != nil {
		return nil
	}
	var hs []int64
	for _, e := range ents {
		if h, err := strconv.ParseInt(e.Name(), 10, 64); err == nil && e.IsDir() && len(e.Name()) == 20 {
			hs = append(hs, h)
		}
	}
	slices.Sort(hs)
	return hs
}

func (s *snapshots) prune() {
	hs := s.heights()
	for len(hs) > s.opt.Keep {
		if err := os.RemoveAll(snapDir(s.opt.Dir, hs[0])); err != nil {
			s.log().Warn("could not remove an old snapshot", "height", hs[0], "err", err)
		}
		hs = hs[1:]
	}
}

// list returns the snapshots on disk, newest first.
func (s *snapshots) list() []*abci.Snapshot {
	hs := s.heights()
	out := make([]*abci.Snapshot, 0, len(hs))
	for i := len(hs) - 1; i >= 0; i-- {
		b, err := os.ReadFile(filepath.Join(snapDir(s.opt.Dir, hs[i]), "meta"))
		if err != nil {
			continue
		}
		m, err := DecodeSnapshotMeta(b)
		if err != nil {
			continue
		}
		h := sha256.Sum256(b)
		out = append(out, &abci.Snapshot{Height: uint64(hs[i]), Format: SnapshotFormat, Chunks: uint32(len(m.Chunks)), Hash: h[:], Metadata: b})
	}
	return out
}

func (s *snapshots) chunk(height uint64, format, index uint32) []byte {
	if format != SnapshotFormat || height > 1<<62 {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(snapDir(s.opt.Dir, int64(height)), strconv.FormatUint(uint64(index), 10)))
	if err != nil {
		return nil
	}
	return b
}

// offer starts restoring snap if it is well formed and the state is empty.
func (s *snapshots) offer(snap *abci.Snapshot, appHash []byte) (abci.ResponseOfferSnapshot_Result, error) {
	if snap == nil {
		return abci.ResponseOfferSnapshot_REJECT, nil
	}
	if snap.Format != SnapshotFormat {
		return abci.ResponseOfferSnapshot_REJECT_FORMAT, nil
	}
	if len(appHash) != 32 {
		s.log().Warn("refused a snapshot: the trusted app hash is not 32 bytes", "height", snap.Height, "app_hash", fmt.Sprintf("%X", appHash))
		return abci.ResponseOfferSnapshot_REJECT, nil
	}
	m, err := DecodeSnapshotMeta(snap.Metadata)
	h := sha256.Sum256(snap.Metadata)
	if err != nil || snap.Chunks != uint32(len(m.Chunks)) || !bytes.Equal(snap.Hash, h[:]) || snap.Height == 0 || snap.Height > 1<<62 {
		// A peer that offers it lies or is broken: CometBFT drops its
		// snapshots and the snapshot.
		s.log().Warn("refused a malformed snapshot", "height", snap.Height, "err", err)
		return abci.ResponseOfferSnapshot_REJECT_SENDER, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.restore != nil {
		if err := s.restore.r.Abort(); err != nil {
			return abci.ResponseOfferSnapshot_ABORT, err
		}
		s.restore = nil
	}
	r, err := s.state.Restore(int64(snap.Height), appHash)
	if err != nil {
		s.log().Error("cannot restore a snapshot", "height", snap.Height, "err", err)
		return abci.ResponseOfferSnapshot_ABORT, nil
	}
	s.restore = &restoring{snap: snap, meta: m, r: r}
	s.log().Info("restoring a snapshot", "height", snap.Height, "chunks", snap.Chunks, "pairs", m.Pairs)
	return abci.ResponseOfferSnapshot_ACCEPT, nil
}

// apply checks chunk index against the metadata and restores it; after the
// last one it checks the rebuilt state against the trusted app hash. done is
// the restored block time after the last chunk.
func (s *snapshots) apply(req *abci.RequestApplySnapshotChunk) (*abci.ResponseApplySnapshotChunk, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.restore
	if rs == nil {
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_ABORT}, 0, nil
	}
	if req.Index < rs.next {
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_ACCEPT}, 0, nil // applied already
	}
	if req.Index != rs.next {
		return s.reject(fmt.Sprintf("chunk %d before chunk %d", req.Index, rs.next), req.Sender)
	}
	if sum := sha256.Sum256(req.Chunk); sum != rs.meta.Chunks[req.Index] {
		s.log().Warn("refused a snapshot chunk that does not match its hash", "height", rs.snap.Height, "chunk", req.Index, "sender", req.Sender)
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_RETRY,
			RefetchChunks: []uint32{req.Index}, RejectSenders: senders(req.Sender)}, 0, nil
	}
	raw, err := DecodeSnapshotChunk(req.Chunk)
	if err == nil {
		err = rs.r.Add(raw)
	}
	if err != nil {
		if gongxu.ErrorKind(err) != gongxu.KindInvalid {
			return nil, 0, err
		}
		// The chunk is the one the metadata names: the snapshot itself is bad.
		return s.reject(err.Error(), req.Sender)
	}
	rs.next++
	if int(rs.next) < len(rs.meta.Chunks) {
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_ACCEPT}, 0, nil
	}
	s.restore = nil
	if err := rs.r.Finish(); err != nil {
		if gongxu.ErrorKind(err) != gongxu.KindInvalid {
			return nil, 0, err
		}
		s.log().Warn("refused a snapshot that does not rebuild the trusted state", "height", rs.snap.Height, "err", err)
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT, RejectSenders: senders(req.Sender)}, 0, nil
	}
	s.log().Info("restored a snapshot", "height", rs.snap.Height, "pairs", rs.meta.Pairs)
	return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_ACCEPT}, rs.meta.Time, nil
}

// reject drops the restore in progress (emptying the state) and rejects the
// snapshot. Under s.mu.
func (s *snapshots) reject(why, sender string) (*abci.ResponseApplySnapshotChunk, int64, error) {
	rs := s.restore
	s.restore = nil
	s.log().Warn("refused a snapshot", "height", rs.snap.Height, "why", why, "sender", sender)
	if err := rs.r.Abort(); err != nil {
		return nil, 0, err
	}
	return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT, RejectSenders: senders(sender)}, 0, nil
}

func senders(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// ListSnapshots implements abci.Application.
func (a *App) ListSnapshots(context.Context, *abci.RequestListSnapshots) (*abci.ResponseListSnapshots, error) {
	s := a.snapshots()
	if s == nil {
		return &abci.ResponseListSnapshots{}, nil
	}
	return &abci.ResponseListSnapshots{Snapshots: s.list()}, nil
}

// LoadSnapshotChunk implements abci.Application.
func (a *App) LoadSnapshotChunk(_ context.Context, req *abci.RequestLoadSnapshotChunk) (*abci.ResponseLoadSnapshotChunk, error) {
	s := a.snapshots()
	if s == nil {
		return &abci.ResponseLoadSnapshotChunk{}, nil
	}
	return &abci.ResponseLoadSnapshotChunk{Chunk: s.chunk(req.Height, req.Format, req.Chunk)}, nil
}

// OfferSnapshot implements abci.Application.
func (a *App) OfferSnapshot(_ context.Context, req *abci.RequestOfferSnapshot) (*abci.ResponseOfferSnapshot, error) {
	res, err := a.restorer().offer(req.Snapshot, req.AppHash)
	if err != nil {
		return nil, err
	}
	return &abci.ResponseOfferSnapshot{Result: res}, nil
}

// ApplySnapshotChunk implements abci.Application.
func (a *App) ApplySnapshotChunk(_ context.Context, req *abci.RequestApplySnapshotChunk) (*abci.ResponseApplySnapshotChunk, error) {
	res, t, err := a.restorer().apply(req)
	if err != nil {
		return nil, err
	}
	if t > 0 {
		a.chain.SetLastBlockTime(t)
	}
	return res, nil
}

func (a *App) snapshots() *snapshots {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.snaps
}

// afterCommit takes a snapshot when one is due and returns the height below
// which CometBFT may prune its blocks. On the consensus goroutine.
func (a *App) afterCommit() int64 {
	a.mu.Lock()
	s, h, t, keep := a.snaps, a.lastHeight, a.lastTime, a.minRetain
	a.mu.Unlock()
	if s != nil {
		s.maybeTake(h, t)
	}
	return retainHeight(h, keep)
}

// restorer is the snapshot manager, which a node that takes no snapshots
// still needs to restore one.
func (a *App) restorer() *snapshots {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.snaps == nil {
		a.snaps = newSnapshots(SnapshotOptions{}, a.chain.State(), a.log)
	}
	return a.snaps
}

// SetSnapshots makes the app take snapshots as o says; before the node starts.
func (a *App) SetSnapshots(o SnapshotOptions) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.snaps = newSnapshots(o, a.chain.State(), a.log)
}

// SetMinRetainBlocks makes Commit let CometBFT prune its block store below
// the latest n blocks (0 keeps every block).
func (a *App) SetMinRetainBlocks(n int64) {
	a.mu.Lock()
	a.minRetain = n
	a.mu.Unlock()
}

// retainHeight is ResponseCommit.RetainHeight after committing h.
func retainHeight(h, minRetain int64) int64 {
	if minRetain <= 0 || h <= minRetain {
		return 0
	}
	return h - minRetain + 1
}
