package sqlite

import (
	"context"

	"github.com/gongxu-network/gongxu"
)

// upgrade projects a chain.upgrade event: the version the state machine
// moved to in this block. Errors: KindInvalid for an event that is not one
// (no version or name, another height, a version already recorded).
func (p *projector) upgrade(ev *gongxu.Event) error {
	var v gongxu.AppVersionInfo
	if err := decode(ev, &v); err != nil {
		return err
	}
	if v.Version <= gongxu.AppVersion || v.Name == "" || v.Height != p.height {
		return gongxu.Errorf(gongxu.KindInvalid, "upgrade event: version %d, name %q, height %d in block %d", v.Version, v.Name, v.Height, p.height)
	}
	var n int
	if err := p.tx.QueryRowContext(p.ctx, `SELECT count(*) FROM app_versions WHERE version >= ?`, v.Version).Scan(&n); err != nil {
		return gongxu.Wrap(err, "read app versions")
	}
	if n > 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "upgrade event: version %d is not after the versions recorded", v.Version)
	}
	_, err := p.tx.ExecContext(p.ctx, `INSERT INTO app_versions (version, name, height) VALUES (?, ?, ?)`, v.Version, v.Name, v.Height)
	return gongxu.Wrap(err, "store app version %d", v.Version)
}

// AppVersions lists the upgrades the chain ran, oldest first (none for a
// chain still at its genesis version).
func (db *DB) AppVersions(ctx context.Context) ([]gongxu.AppVersionInfo, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT version, name, height FROM app_versions ORDER BY version`)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: app versions")
	}
	defer rows.Close()
	var out []gongxu.AppVersionInfo
	for rows.Next() {
		var v gongxu.AppVersionInfo
		if err := rows.Scan(&v.Version, &v.Name, &v.Height); err != nil {
			return nil, gongxu.Wrap(err, "read model: app versions")
		}
		out = append(out, v)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: app versions")
}
