package module

import (
	"reflect"

	"github.com/gongxu-network/gongxu"
)

// Require checks a module's dependencies as its New receives them: deps
// alternate a name and a value. It returns an error of KindInvalid naming
// those that are nil (a nil interface, pointer or function), so that a
// module set wired incompletely fails when it is built, not later with
// other app hashes.
func Require(module string, deps ...any) error {
	var missing []string
	for i := 0; i+1 < len(deps); i += 2 {
		if isNil(deps[i+1]) {
			missing = append(missing, deps[i].(string))
		}
	}
	if len(missing) > 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "the %s module needs %s: wire every module it depends on (internal/modules)", module, joinAnd(missing))
	}
	return nil
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Interface, reflect.Map, reflect.Slice, reflect.Chan:
		return r.IsNil()
	}
	return false
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(s []string) string {
	out := ""
	for i, x := range s {
		switch {
		case i == 0:
		case i == len(s)-1:
			out += " and "
		default:
			out += ", "
		}
		out += x
	}
	return out
}
