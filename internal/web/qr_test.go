package web

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// The tests of the QR encoder check it three ways: its Reed–Solomon
// codewords and its format and version information against the values the
// standard and its worked examples give; its symbols module by module
// against those of an independent encoder (testdata/qr, made with
// libqrencode); and every symbol it makes, for inputs of every length and
// every version, by decoding it with the small decoder below, written from
// the standard apart from the encoder (its own zigzag walk, masks, function
// areas, BCH codes and GF(256) arithmetic).

func TestRSKnownCodewords(t *testing.T) {
	for _, c := range []struct {
		name     string
		data, ec []byte
	}{
		// ISO/IEC 18004 Annex I: "01234567", numeric mode, version 1-M.
		{"01234567 1-M", []byte{16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17},
			[]byte{165, 36, 212, 193, 237, 54, 199, 135, 44, 85}},
		// "HELLO WORLD", alphanumeric mode, version 1-M.
		{"HELLO WORLD 1-M", []byte{32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17},
			[]byte{196, 35, 39, 119, 235, 215, 231, 226, 93, 23}},
		// The same at 1-Q: 13 data codewords, 13 error correction codewords.
		{"HELLO WORLD 1-Q", []byte{32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236},
			[]byte{168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16}},
	} {
		if got := rsRemainder(c.data, len(c.ec)); !bytes.Equal(got, c.ec) {
			t.Errorf("%s: error correction codewords %v, want %v", c.name, got, c.ec)
		}
	}
}

func TestQRFormatAndVersionBits(t *testing.T) {
	// ISO/IEC 18004 Annex C: the format information of level M, masks 0 to 7.
	format := []string{"101010000010010", "101000100100101", "101111001111100", "101101101001011",
		"100010111111001", "100000011001110", "100111110010111", "100101010100000"}
	for mask, want := range format {
		if got := fmt.Sprintf("%015b", qrFormatBits(mask)); got != want {
			t.Errorf("format bits of M, mask %d: %s, want %s", mask, got, want)
		}
	}
	// Annex D: the version information of versions 7 to 10.
	for v, want := range map[int]string{7: "000111110010010100", 8: "001000010110111100", 9: "001001101010011001", 10: "001010010011010011"} {
		if got := fmt.Sprintf("%018b", qrVersionBits(v)); got != want {
			t.Errorf("version bits of %d: %s, want %s", v, got, want)
		}
	}
}

// TestQRTables checks the block table against the symbol's geometry: the
// codewords of a version fill its data area, but for 0, 3, 4 or 7
// remainder bits; and the capacities are the standard's (Table 7, byte
// mode, level M).
func TestQRTables(t *testing.T) {
	remainder := []int{1: 0, 2: 7, 3: 7, 4: 7, 5: 7, 6: 7, 7: 0, 8: 0, 9: 0, 10: 0}
	capacity := []int{1: 14, 2: 26, 3: 42, 4: 62, 5: 84, 6: 106, 7: 122, 8: 152, 9: 180, 10: 213}
	for v := 1; v <= qrMaxVersion; v++ {
		bl := qrLevelM[v]
		total := bl.dataCodewords() + bl.EC*(bl.Short+bl.Long)
		if raw := qrRawModules(v); raw/8 != total || raw%8 != remainder[v] {
			t.Errorf("version %d: %d codewords in the table, %d modules for them (remainder %d, want %d)", v, total, raw, raw%8, remainder[v])
		}
		// Count the data area of a drawn grid as well.
		q := newQRGrid(v)
		free := 0
		for _, f := range q.fn {
			if !f {
				free++
			}
		}
		if free != qrRawModules(v) {
			t.Errorf("version %d: %d modules outside the function patterns, want %d", v, free, qrRawModules(v))
		}
		if got := qrCapacity(v); got != capacity[v] {
			t.Errorf("version %d holds %d bytes, want %d", v, got, capacity[v])
		}
	}
}

// readReference reads a symbol of testdata/qr: its text, then its rows.
func readReference(t *testing.T, path string) (text string, m [][]bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	for _, row := range lines[1:] {
		var r []bool
		for _, c := range row {
			r = append(r, c == '#')
		}
		if len(r) != len(lines)-1 {
			t.Fatalf("%s: row of %d modules in a symbol of %d rows", path, len(r), len(lines)-1)
		}
		m = append(m, r)
	}
	return lines[0], m
}

// TestQRMatchesReference compares symbols with those of libqrencode: the
// reference decodes (which checks the decoder), and this encoder makes the
// same symbol module for module with the reference's mask, and picks the
// same version on its own. The masks the two choose may differ: libqrencode
// scores rules N1 and N3 in its own way (TestQRMaskHasLowestPenalty and
// TestQRPenaltyRules check this encoder's scoring).
func TestQRMatchesReference(t *testing.T) {
	files, err := filepath.Glob("testdata/qr/*.txt")
	if err != nil || len(files) < 5 {
		t.Fatalf("reference symbols: %v, %v", files, err)
	}
	for _, path := range files {
		text, ref := readReference(t, path)
		got, info, err := qrDecode(len(ref), func(x, y int) bool { return ref[y][x] })
		if err != nil {
			t.Errorf("%s: the reference does not decode: %v", path, err)
			continue
		}
		if string(got) != text {
			t.Errorf("%s: the reference decodes to %q", path, got)
		}
		q := qrEncode([]byte(text), info.Version, info.Mask)
		diff := 0
		for y := range q.Size {
			for x := range q.Size {
				if q.Dark(x, y) != ref[y][x] {
					diff++
				}
			}
		}
		if q.Size != len(ref) || diff > 0 {
			t.Errorf("%s: version %d mask %d: %d of %d modules differ from the reference:\n%s", path, info.Version, info.Mask, diff, q.Size*q.Size, qrText(q))
		}
		auto, err := EncodeQR([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if auto.Version != info.Version {
			t.Errorf("%s: EncodeQR chose version %d, the reference %d", path, auto.Version, info.Version)
		}
		t.Logf("%s: version %d, reference mask %d, ours %d", filepath.Base(path), info.Version, info.Mask, auto.Mask)
	}
}

// qrText draws a symbol as text, for failure messages.
func qrText(q *QRCode) string {
	var b strings.Builder
	for y := range q.Size {
		for x := range q.Size {
			if q.Dark(x, y) {
				b.WriteByte('#')
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestQRRoundTrip decodes symbols of every length from 0 to 213 bytes, and
// of every version with every mask.
func TestQRRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	versions := map[int]bool{}
	for n := 0; n <= qrCapacity(qrMaxVersion); n++ {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		q, err := EncodeQR(data)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if q.Version > 1 && n <= qrCapacity(q.Version-1) {
			t.Errorf("%d bytes in version %d: a smaller one holds them", n, q.Version)
		}
		versions[q.Version] = true
		got, info, err := qrDecode(q.Size, q.Dark)
		if err != nil {
			t.Fatalf("%d bytes, version %d, mask %d: %v\n%s", n, q.Version, q.Mask, err, qrText(q))
		}
		if !bytes.Equal(got, data) || info.Version != q.Version || info.Mask != q.Mask {
			t.Fatalf("%d bytes: decoded %d bytes, version %d mask %d; encoded version %d mask %d", n, len(got), info.Version, info.Mask, q.Version, q.Mask)
		}
	}
	if len(versions) != qrMaxVersion {
		t.Errorf("versions used: %v", versions)
	}
	for v := 1; v <= qrMaxVersion; v++ {
		for mask := range 8 {
			data := []byte(fmt.Sprintf("https://gongxu.example/p/v%d-m%d/%s", v, mask, strings.Repeat("0123456789", 22)))[:qrCapacity(v)]
			q := qrEncode(data, v, mask)
			got, info, err := qrDecode(q.Size, q.Dark)
			if err != nil || !bytes.Equal(got, data) || info.Mask != mask || info.Version != v {
				t.Errorf("version %d mask %d: %q, %+v, %v", v, mask, got, info, err)
			}
		}
	}
}

// TestQRMaskHasLowestPenalty: the chosen mask scores lowest of the eight,
// and the first of equals.
func TestQRMaskHasLowestPenalty(t *testing.T) {
	for _, text := range []string{"HELLO WORLD", "http://127.0.0.1:8080/p/acme-textiles/merino-jacket-0001", strings.Repeat("x", 150)} {
		q, err := EncodeQR([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		scores := make([]int, 8)
		for m := range 8 {
			g := newQRGrid(q.Version)
			g.placeCodewords(qrCodewords([]byte(text), q.Version))
			g.applyMask(m)
			g.drawFormat(m)
			scores[m] = g.penalty()
		}
		for m, s := range scores {
			if s < scores[q.Mask] || s == scores[q.Mask] && m < q.Mask {
				t.Errorf("%q: mask %d chosen (penalty %d), mask %d scores %d; all: %v", text, q.Mask, scores[q.Mask], m, s, scores)
			}
		}
	}
}

// TestQRPenaltyRules scores small hand-made grids rule by rule.
func TestQRPenaltyRules(t *testing.T) {
	grid := func(rows ...string) *qrGrid {
		n := len(rows)
		g := &qrGrid{size: n, dark: make([]bool, n*n), fn: make([]bool, n*n)}
		for y, r := range rows {
			for x, c := range r {
				g.dark[y*n+x] = c == '#'
			}
		}
		return g
	}
	// A checkerboard: no runs, no blocks, no finder-like patterns, half dark.
	var rows []string
	for y := range 12 {
		var r strings.Builder
		for x := range 12 {
			if (x+y)%2 == 0 {
				r.WriteByte('#')
			} else {
				r.WriteByte('.')
			}
		}
		rows = append(rows, r.String())
	}
	if p := grid(rows...).penalty(); p != 0 {
		t.Errorf("checkerboard: penalty %d, want 0", p)
	}
	// All light, 6×6: rows and columns are runs of 6 (N1 = 12 × 4), 25
	// blocks (N2 = 75), no dark module (N4 = 90).
	light := strings.Repeat(".", 6)
	if p := grid(light, light, light, light, light, light).penalty(); p != 12*4+25*3+90 {
		t.Errorf("all light: penalty %d, want %d", p, 12*4+25*3+90)
	}

	line := func(s string) []bool {
		var l []bool
		for _, c := range s {
			l = append(l, c == '#')
		}
		return l
	}
	for s, want := range map[string]int{
		"#.#.#.#.#":      0,
		"#####.#.#":      3,
		"#######.#":      5,
		"#####.....####": 6,
	} {
		if got := qrRunPenalty(line(s)); got != want {
			t.Errorf("N1 of %s: %d, want %d", s, got, want)
		}
	}
	for s, want := range map[string]int{
		"#.###.#":                 80,  // light on both sides: the quiet zone
		"##.###.#..#":             0,   // a dark module right before it and after it
		"#.###.#....#.#":          80,  // the quiet zone before it, four light modules after it
		"..#.###.#...#":           40,  // the zone's two and two more before it
		"#.#.###.#...#.###.#....": 40,  // the second one, before four light modules
		"....#.###.#....#.###.#.": 160, // each one on both sides
	} {
		if got := qrFinderPenalty(line(s)); got != want {
			t.Errorf("N3 of %s: %d, want %d", s, got, want)
		}
	}
}

func TestEncodeQRTooLarge(t *testing.T) {
	_, err := EncodeQR(make([]byte, 214))
	if gongxu.ErrorKind(err) != gongxu.KindTooLarge {
		t.Fatalf("214 bytes: %v", err)
	}
	if _, err := EncodeQR(make([]byte, 213)); err != nil {
		t.Fatalf("213 bytes: %v", err)
	}
}

// TestQRSVG: the SVG is well formed, has the quiet zone, and its path draws
// exactly the dark modules.
func TestQRSVG(t *testing.T) {
	q, err := EncodeQR([]byte("http://127.0.0.1:8080/p/acme-textiles/merino-jacket-0001"))
	if err != nil {
		t.Fatal(err)
	}
	svg := string(QRSVG(q, `Scan <me> & "go"`))
	if err := checkHTML(svg); err != nil {
		t.Fatal(err)
	}
	contains(t, "qr svg", svg, `viewBox="0 0 41 41"`, `width="164"`, `aria-label="Scan &lt;me&gt; &amp; &#34;go&#34;"`, `shape-rendering="crispEdges"`)
	size, dark, err := parseQRSVG(svg)
	if err != nil {
		t.Fatal(err)
	}
	if size != q.Size {
		t.Fatalf("size %d, want %d", size, q.Size)
	}
	for y := range size {
		for x := range size {
			if dark(x, y) != q.Dark(x, y) {
				t.Fatalf("module (%d, %d) differs", x, y)
			}
		}
	}
	got, _, err := qrDecode(size, dark)
	if err != nil || string(got) != "http://127.0.0.1:8080/p/acme-textiles/merino-jacket-0001" {
		t.Fatalf("decoded %q, %v", got, err)
	}
}

// parseQRSVG reads the modules back from a QRSVG: the symbol's size (the
// viewBox less the quiet zone) and its dark modules, from the path's runs.
func parseQRSVG(svg string) (int, func(x, y int) bool, error) {
	vb := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindStringSubmatch(svg)
	d := regexp.MustCompile(`class="qr-modules"[^>]* d="([^"]*)"`).FindStringSubmatch(svg)
	if vb == nil || d == nil || vb[1] != vb[2] {
		return 0, nil, errors.New("no QR viewBox or path")
	}
	side, _ := strconv.Atoi(vb[1])
	size := side - 2*qrQuiet
	dark := make([]bool, size*size)
	runs := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(d[1], -1)
	if strings.Join(regexp.MustCompile(`M\d+ \d+h\d+v1h-\d+z`).FindAllString(d[1], -1), "") != d[1] {
		return 0, nil, fmt.Errorf("path has commands other than runs: %.80s", d[1])
	}
	for _, r := range runs {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		n, _ := strconv.Atoi(r[3])
		x, y = x-qrQuiet, y-qrQuiet
		if r[3] != r[4] || y < 0 || y >= size || x < 0 || x+n > size {
			return 0, nil, fmt.Errorf("run %s outside the symbol", r[0])
		}
		for i := range n {
			dark[y*size+x+i] = true
		}
	}
	return size, func(x, y int) bool { return dark[y*size+x] }, nil
}

// qrInfo is what the decoder read of a symbol's format.
type qrInfo struct {
	Version, Mask int
}

// qrDecode decodes a level-M, byte-mode symbol of version 1 to 10 from its
// modules (dark(x, y): column x, row y, without the quiet zone). It reads
// the format information from both copies (nearest valid code word, at most
// 3 bits off), the version information from version 7, unmasks the data
// area, reads the codewords in the zigzag order, splits the blocks, checks
// every block's Reed–Solomon syndromes, and parses the data: mode, count,
// bytes, terminator and pad codewords. It corrects no error.
func qrDecode(size int, dark func(x, y int) bool) ([]byte, qrInfo, error) {
	var info qrInfo
	v := (size - 17) / 4
	if size != 17+4*v || v < 1 || v > qrMaxVersion {
		return nil, info, fmt.Errorf("a symbol of %d modules is no version from 1 to %d", size, qrMaxVersion)
	}
	info.Version = v
	bit := func(x, y int) int { return boolInt(dark(x, y)) }

	// Format information: bit 14 (most significant) first, as the standard
	// lists the positions. Copy 1 around the upper left finder, copy 2
	// split between the lower left and the upper right one.
	var f1, f2 int
	for _, p := range [][2]int{{0, 8}, {1, 8}, {2, 8}, {3, 8}, {4, 8}, {5, 8}, {7, 8}, {8, 8}, {8, 7}, {8, 5}, {8, 4}, {8, 3}, {8, 2}, {8, 1}, {8, 0}} {
		f1 = f1<<1 | bit(p[0], p[1])
	}
	for i := range 7 { // bits 14..8: column 8, from the bottom row up
		f2 = f2<<1 | bit(8, size-1-i)
	}
	for i := range 8 { // bits 7..0: row 8, from column size-8 to the right
		f2 = f2<<1 | bit(size-8+i, 8)
	}
	best, bestDist := -1, 99
	for code := range 32 { // 2 bits of level, 3 of mask
		cw := decBCH(code, 15, 0x537) ^ 0x5412
		for _, f := range []int{f1, f2} {
			if d := popcount(cw ^ f); d < bestDist {
				best, bestDist = code, d
			}
		}
	}
	if bestDist > 3 {
		return nil, info, fmt.Errorf("format information %015b / %015b is no code word", f1, f2)
	}
	if level := best >> 3; level != 0b00 {
		return nil, info, fmt.Errorf("error correction level bits %02b, not M", level)
	}
	info.Mask = best & 7
	if bit(8, size-8) != 1 {
		return nil, info, errors.New("the dark module is light")
	}

	// Version information from version 7: bit i at (size-11+i%3, i/3) and transposed.
	if v >= 7 {
		var a, b int
		for i := 17; i >= 0; i-- {
			a = a<<1 | bit(size-11+i%3, i/3)
			b = b<<1 | bit(i/3, size-11+i%3)
		}
		found := false
		for cand := 7; cand <= 40; cand++ {
			cw := decBCH(cand, 18, 0x1F25)
			if popcount(cw^a) <= 3 || popcount(cw^b) <= 3 {
				if cand != v {
					return nil, info, fmt.Errorf("version information says %d in a symbol of version %d", cand, v)
				}
				found = true
			}
		}
		if !found {
			return nil, info, fmt.Errorf("version information %018b / %018b is no code word", a, b)
		}
	}

	// The function areas: finders with separators and format areas, timing,
	// alignment patterns, version areas.
	fn := make([][]bool, size)
	for i := range fn {
		fn[i] = make([]bool, size)
	}
	area := func(r0, c0, h, w int) {
		for r := r0; r < r0+h; r++ {
			for c := c0; c < c0+w; c++ {
				fn[r][c] = true
			}
		}
	}
	area(0, 0, 9, 9)
	area(0, size-8, 9, 8)
	area(size-8, 0, 8, 9)
	area(6, 0, 1, size)
	area(0, 6, size, 1)
	if v >= 2 {
		last := 4*v + 10
		centers := []int{6, last}
		if v >= 7 {
			centers = []int{6, (6 + last) / 2, last}
		}
		for _, r := range centers {
			for _, c := range centers {
				if r == 6 && c == 6 || r == 6 && c == last || r == last && c == 6 {
					continue // a finder is there
				}
				area(r-2, c-2, 5, 5)
			}
		}
	}
	if v >= 7 {
		area(0, size-11, 6, 3)
		area(size-11, 0, 3, 6)
	}

	// The data bits, unmasked, in the zigzag order.
	masked := func(i, j int) bool { // i row, j column, as the standard writes them
		switch info.Mask {
		case 0:
			return (i+j)%2 == 0
		case 1:
			return i%2 == 0
		case 2:
			return j%3 == 0
		case 3:
			return (i+j)%3 == 0
		case 4:
			return (i/2+j/3)%2 == 0
		case 5:
			return (i*j)%2+(i*j)%3 == 0
		case 6:
			return ((i*j)%2+(i*j)%3)%2 == 0
		default:
			return ((i*j)%3+(i+j)%2)%2 == 0
		}
	}
	var bits []bool
	up := true
	for col := size - 1; col > 0; col -= 2 {
		if col == 6 {
			col--
		}
		for k := range size {
			row := k
			if up {
				row = size - 1 - k
			}
			for _, c := range []int{col, col - 1} {
				if !fn[row][c] {
					bits = append(bits, dark(c, row) != masked(row, c))
				}
			}
		}
		up = !up
	}
	cw := make([]byte, len(bits)/8)
	for i := range cw {
		for j := range 8 {
			cw[i] = cw[i]<<1 | byte(boolInt(bits[8*i+j]))
		}
	}

	// De-interleave the blocks and check each one.
	bl := qrLevelM[v]
	nb := bl.Short + bl.Long
	if len(cw) != bl.dataCodewords()+bl.EC*nb {
		return nil, info, fmt.Errorf("%d codewords read, the table has %d", len(cw), bl.dataCodewords()+bl.EC*nb)
	}
	blocks := make([][]byte, nb)
	k := 0
	for i := range bl.ShortData + 1 {
		for b := range nb {
			if i < bl.ShortData || b >= bl.Short {
				blocks[b] = append(blocks[b], cw[k])
				k++
			}
		}
	}
	for range bl.EC {
		for b := range nb {
			blocks[b] = append(blocks[b], cw[k])
			k++
		}
	}
	var data []byte
	for b, blk := range blocks {
		for i := range bl.EC {
			var s byte // the received polynomial at αⁱ, by Horner's rule
			ai := decPow(2, i)
			for _, c := range blk {
				s = decMul(s, ai) ^ c
			}
			if s != 0 {
				return nil, info, fmt.Errorf("block %d: syndrome %d is %d, not 0", b, i, s)
			}
		}
		data = append(data, blk[:len(blk)-bl.EC]...)
	}

	// The data: mode, count, bytes, then terminator and pad codewords.
	pos := 0
	read := func(n int) int {
		x := 0
		for range n {
			x = x<<1 | int(data[pos/8]>>(7-pos%8)&1)
			pos++
		}
		return x
	}
	if mode := read(4); mode != 0b0100 {
		return nil, info, fmt.Errorf("mode %04b, not byte mode", mode)
	}
	n := read(qrCountBits(v))
	if 4+qrCountBits(v)+8*n > 8*len(data) {
		return nil, info, fmt.Errorf("count %d overruns the %d data codewords", n, len(data))
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(read(8))
	}
	if t := min(4, 8*len(data)-pos); read(t) != 0 {
		return nil, info, errors.New("terminator is not zero")
	}
	if pos%8 != 0 && read(8-pos%8) != 0 {
		return nil, info, errors.New("bits after the terminator are not zero")
	}
	for i, pad := 0, 0xEC; pos < 8*len(data); i, pad = i+1, pad^0xEC^0x11 {
		if p := read(8); p != pad {
			return nil, info, fmt.Errorf("pad codeword %d is %#x, want %#x", i, p, pad)
		}
	}
	return out, info, nil
}

// decBCH is the code word of data (the remainder of data·x^(n-k) by the
// generator gen, appended), by long division bit by bit.
func decBCH(data, n, gen int) int {
	degree := 0
	for g := gen; g > 1; g >>= 1 {
		degree++
	}
	r := data << degree
	for i := n - 1; i >= degree; i-- {
		if r>>i&1 == 1 {
			r ^= gen << (i - degree)
		}
	}
	return data<<degree | r
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// decMul multiplies in GF(256) mod 0x11D by shifts, without tables.
func decMul(a, b byte) byte {
	var p byte
	for b != 0 {
		if b&1 == 1 {
			p ^= a
		}
		hi := a&0x80 != 0
		a <<= 1
		if hi {
			a ^= 0x1D
		}
		b >>= 1
	}
	return p
}

func decPow(a byte, n int) byte {
	p := byte(1)
	for range n {
		p = decMul(p, a)
	}
	return p
}
