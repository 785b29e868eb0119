package module

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
)

// appVersionKey holds the state machine version the state is at
// (gongxu.AppVersionInfo). The chain writes it at genesis and at an
// upgrade; governance reads it to check a plan's version.
var appVersionKey = []byte("chain/version")

// AppVersion returns the state machine version of the state r. A state
// written before versions were recorded is at gongxu.AppVersion.
func AppVersion(r store.Reader) (gongxu.AppVersionInfo, error) {
	var v gongxu.AppVersionInfo
	ok, err := Load(r, appVersionKey, &v)
	if err != nil {
		return v, err
	}
	if !ok {
		return gongxu.AppVersionInfo{Version: gongxu.AppVersion, Name: gongxu.GenesisVersionName}, nil
	}
	return v, nil
}

// SetAppVersion records the state machine version of the state. Only the
// chain calls it (at genesis and when an upgrade runs).
func SetAppVersion(kv store.KV, v gongxu.AppVersionInfo) ([]byte, error) {
	return Save(kv, appVersionKey, v)
}
