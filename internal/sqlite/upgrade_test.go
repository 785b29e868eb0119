package sqlite

import (
	"context"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func upgradeEv(v gongxu.AppVersionInfo) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventUpgrade, "name", v.Name, "json", mustJSON(v))
}

// TestUpgradeProjection: the read model keeps the upgrades the chain ran
// (migration 0021); an event that is not one, at another height or not
// after the versions recorded, is refused and leaves nothing behind.
func TestUpgradeProjection(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	projectAll(t, db, []gongxu.CommittedBlock{block(1, nil), block(2, nil, upgradeEv(gongxu.AppVersionInfo{Version: 2, Name: "v2", Height: 2}))})
	vs, err := db.AppVersions(ctx)
	if err != nil || len(vs) != 1 || vs[0] != (gongxu.AppVersionInfo{Version: 2, Name: "v2", Height: 2}) {
		t.Fatalf("versions %+v, %v", vs, err)
	}
	for name, v := range map[string]gongxu.AppVersionInfo{
		"another height": {Version: 3, Name: "v3", Height: 9},
		"no name":        {Version: 3, Height: 3},
		"not after":      {Version: 2, Name: "v2-again", Height: 3},
		"genesis":        {Version: 1, Name: "v1", Height: 3},
	} {
		wantKind(t, db.Project(ctx, block(3, nil, upgradeEv(v))), gongxu.KindInvalid, "upgrade event")
		if h, _ := db.Height(ctx); h != 2 {
			t.Fatalf("%s: the refused block was projected (height %d)", name, h)
		}
	}
	if err := db.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if vs, _ := db.AppVersions(ctx); len(vs) != 0 {
		t.Fatalf("reset kept %+v", vs)
	}
}
