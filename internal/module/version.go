package module

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
)

// appVersionKey holds the state machine version the state is at
// (gongxu.AppVersionInfo). The chain writes it at an upgrade, and at
// genesis when the chain starts at another version than the first;
// governance reads it to check a plan's version.
var appVersionKey = []byte("chain/version")

// FirstAppVersion is the version of a state without a version record: the
// first state machine, that every chain started at before versions were
// recorded and that a genesis naming no other starts at. It never changes
// (gongxu.AppVersion, the version a new genesis starts at, may), so a
// record-less state keeps its meaning, and the genesis state of such a
// chain — its app hash — is what it was before versions existed.
const FirstAppVersion uint64 = 1

// AppVersion returns the state machine version of the state r.
func AppVersion(r store.Reader) (gongxu.AppVersionInfo, error) {
	var v gongxu.AppVersionInfo
	ok, err := Load(r, appVersionKey, &v)
	if err != nil {
		return v, err
	}
	if !ok {
		return gongxu.AppVersionInfo{Version: FirstAppVersion, Name: gongxu.GenesisVersionName}, nil
	}
	return v, nil
}

// SetAppVersion records the state machine version of the state. Only the
// chain calls it (at genesis and when an upgrade runs).
func SetAppVersion(kv store.KV, v gongxu.AppVersionInfo) ([]byte, error) {
	return Save(kv, appVersionKey, v)
}
