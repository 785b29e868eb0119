package chain

import (
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// jsonOnly is a message without a binary body.
type jsonOnly struct {
	A uint64 `json:"a"`
}

func (*jsonOnly) ValidateBasic() error { return nil }

// withBinary declares a binary body: one byte 0x07, then the value of A.
type withBinary struct {
	A     uint64 `json:"a"`
	calls int
}

func (*withBinary) ValidateBasic() error { return nil }

func (m *withBinary) DecodeBinary(body []byte) error {
	m.calls++
	if len(body) != 2 || body[0] != 7 {
		return gongxu.Errorf(gongxu.KindInvalid, "want 0x07 and one byte")
	}
	m.A = uint64(body[1])
	return nil
}

// TestDecodeBodyBinaryRegistry: a body not starting with '{' reaches
// DecodeBinary only for a message that declares a binary body; any other
// message, and an empty body, are refused as not a JSON object; a JSON body
// of a type with a binary body is decoded as JSON, never by DecodeBinary;
// DecodeBinary's error comes back with its kind and the type's name.
func TestDecodeBodyBinaryRegistry(t *testing.T) {
	var j jsonOnly
	for _, body := range [][]byte{{7, 9}, nil, []byte(" {}"), []byte(`[1]`)} {
		err := decodeBody("x/json_only", body, &j)
		if gongxu.ErrorKind(err) != gongxu.KindInvalid || !strings.Contains(err.Error(), "must be a JSON object") {
			t.Fatalf("json-only %q: %v", body, err)
		}
	}
	var b withBinary
	if err := decodeBody("x/bin", []byte{7, 9}, &b); err != nil || b.A != 9 || b.calls != 1 {
		t.Fatalf("binary body: %v, A=%d, calls %d", err, b.A, b.calls)
	}
	b = withBinary{}
	if err := decodeBody("x/bin", []byte(`{"a":5}`), &b); err != nil || b.A != 5 || b.calls != 0 {
		t.Fatalf("JSON body of a binary type: %v, A=%d, calls %d", err, b.A, b.calls)
	}
	b = withBinary{}
	err := decodeBody("x/bin", []byte{8, 9}, &b)
	if gongxu.ErrorKind(err) != gongxu.KindInvalid || !strings.HasPrefix(gongxu.ErrorMessage(err), "x/bin body: want 0x07") {
		t.Fatalf("refused binary body: %v", err)
	}
	b = withBinary{}
	if err := decodeBody("x/bin", nil, &b); gongxu.ErrorKind(err) != gongxu.KindInvalid || b.calls != 0 {
		t.Fatalf("empty body of a binary type: %v, calls %d", err, b.calls)
	}
}
