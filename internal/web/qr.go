package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// QR codes, drawn by the node itself (ISO/IEC 18004:2015): byte mode,
// error correction level M (about 15 % of the symbol may be damaged),
// versions 1 to 10 (21×21 to 57×57 modules, up to 213 bytes: a URL of a
// page is far shorter). The steps are the standard's: the data bits
// (mode, count, bytes, terminator, pad codewords), Reed–Solomon error
// correction codewords over GF(256) per block, the blocks interleaved, the
// function patterns (finders, separators, timing, alignment, the dark
// module), the codewords placed in the zigzag order, then each of the eight
// masks tried and the one with the lowest penalty (rules N1 to N4) kept,
// with its format information (and from version 7 the version
// information) written around the finders.

// qrMaxVersion is the largest version EncodeQR makes.
const qrMaxVersion = 10

// qrBlocks is the error correction block structure of a version at level M
// (ISO/IEC 18004:2015 Table 9): the error correction codewords of every
// block, the number of short blocks and their data codewords, and the
// number of long blocks, which hold one data codeword more.
type qrBlocks struct {
	EC, Short, ShortData, Long int
}

// qrLevelM is the block structure of versions 1 to 10 at level M.
var qrLevelM = [qrMaxVersion + 1]qrBlocks{
	1:  {EC: 10, Short: 1, ShortData: 16},
	2:  {EC: 16, Short: 1, ShortData: 28},
	3:  {EC: 26, Short: 1, ShortData: 44},
	4:  {EC: 18, Short: 2, ShortData: 32},
	5:  {EC: 24, Short: 2, ShortData: 43},
	6:  {EC: 16, Short: 4, ShortData: 27},
	7:  {EC: 18, Short: 4, ShortData: 31},
	8:  {EC: 22, Short: 2, ShortData: 38, Long: 2},
	9:  {EC: 22, Short: 3, ShortData: 36, Long: 2},
	10: {EC: 26, Short: 4, ShortData: 43, Long: 1},
}

// qrAlignment lists the row and column centers of a version's alignment
// patterns (Annex E); version 1 has none.
var qrAlignment = [qrMaxVersion + 1][]int{
	2: {6, 18}, 3: {6, 22}, 4: {6, 26}, 5: {6, 30}, 6: {6, 34},
	7: {6, 22, 38}, 8: {6, 24, 42}, 9: {6, 26, 46}, 10: {6, 28, 50},
}

// dataCodewords is the number of data codewords of a version at level M.
func (b qrBlocks) dataCodewords() int { return b.Short*b.ShortData + b.Long*(b.ShortData+1) }

// qrCountBits is the width of the byte mode's character count.
func qrCountBits(version int) int {
	if version <= 9 {
		return 8
	}
	return 16
}

// qrCapacity is the most bytes a version holds at level M in byte mode.
func qrCapacity(version int) int {
	return (qrLevelM[version].dataCodewords()*8 - 4 - qrCountBits(version)) / 8
}

// qrRawModules is the number of modules of a version left for codewords
// once the function patterns and the format and version information are
// drawn; the last few (remainder bits) hold no codeword.
func qrRawModules(version int) int {
	n := (16*version+128)*version + 64
	if version >= 2 {
		align := version/7 + 2
		n -= (25*align-10)*align - 55
		if version >= 7 {
			n -= 36
		}
	}
	return n
}

// QRCode is a QR symbol: Size×Size modules, dark or light, without the quiet
// zone (4 light modules on every side) that QRSVG adds.
type QRCode struct {
	Version int // 1 to 10
	Mask    int // 0 to 7
	Size    int // 17 + 4×Version
	dark    []bool
}

// Dark reports whether the module in column x and row y is dark; outside
// the symbol every module is light.
func (q *QRCode) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= q.Size || y >= q.Size {
		return false
	}
	return q.dark[y*q.Size+x]
}

// EncodeQR encodes data in byte mode at error correction level M, in the
// smallest version from 1 to 10 that holds it, with the mask of the lowest
// penalty. Errors: gongxu.KindTooLarge for more than 213 bytes.
func EncodeQR(data []byte) (*QRCode, error) {
	for v := 1; v <= qrMaxVersion; v++ {
		if len(data) <= qrCapacity(v) {
			return qrEncode(data, v, -1), nil
		}
	}
	return nil, gongxu.Errorf(gongxu.KindTooLarge, "%d bytes do not fit a QR code of version %d at level M: it holds at most %d",
		len(data), qrMaxVersion, qrCapacity(qrMaxVersion))
}

// qrEncode encodes data, which must fit, in version with mask (-1: the
// mask of the lowest penalty).
func qrEncode(data []byte, version, mask int) *QRCode {
	q := newQRGrid(version)
	q.placeCodewords(qrCodewords(data, version))
	if mask < 0 {
		best := 0
		for m := range 8 {
			q.applyMask(m)
			q.drawFormat(m)
			if p := q.penalty(); m == 0 || p < best {
				best, mask = p, m
			}
			q.applyMask(m) // a mask undoes itself
		}
	}
	q.applyMask(mask)
	q.drawFormat(mask)
	return &QRCode{Version: version, Mask: mask, Size: q.size, dark: q.dark}
}

// qrCodewords is the final sequence of codewords of data in version: the
// data codewords split into blocks, each block's error correction
// codewords, then both interleaved block by block.
func qrCodewords(data []byte, version int) []byte {
	bl := qrLevelM[version]
	nData := bl.dataCodewords()

	// The bit stream: mode 0100 (byte), the count, the bytes, up to four
	// zero bits of terminator, zero bits to a whole byte, pad codewords.
	var w qrBits
	w.put(0b0100, 4)
	w.put(len(data), qrCountBits(version))
	for _, b := range data {
		w.put(int(b), 8)
	}
	w.put(0, min(4, nData*8-w.n))
	if r := w.n % 8; r != 0 {
		w.put(0, 8-r)
	}
	bs := w.bytes()
	for pad := byte(0xEC); len(bs) < nData; pad ^= 0xEC ^ 0x11 {
		bs = append(bs, pad)
	}

	// Blocks: the short ones first.
	var blocks, ecs [][]byte
	off := 0
	for i := range bl.Short + bl.Long {
		n := bl.ShortData
		if i >= bl.Short {
			n++
		}
		blk := bs[off : off+n]
		off += n
		blocks = append(blocks, blk)
		ecs = append(ecs, rsRemainder(blk, bl.EC))
	}
	out := make([]byte, 0, nData+bl.EC*len(blocks))
	for i := range bl.ShortData + 1 {
		for _, blk := range blocks {
			if i < len(blk) {
				out = append(out, blk[i])
			}
		}
	}
	for i := range bl.EC {
		for _, ec := range ecs {
			out = append(out, ec[i])
		}
	}
	return out
}

// qrBits collects a bit stream, most significant bit first.
type qrBits struct {
	buf []byte
	n   int // bits written
}

// put appends the low n bits of v.
func (w *qrBits) put(v, n int) {
	for i := n - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		if v>>i&1 == 1 {
			w.buf[w.n/8] |= 0x80 >> (w.n % 8)
		}
		w.n++
	}
}

func (w *qrBits) bytes() []byte { return w.buf }

// GF(256) with the QR code's primitive polynomial x⁸+x⁴+x³+x²+1 (0x11D),
// as tables of powers of α = 2 and their logarithms.
var gfExp, gfLog = gfTables()

func gfTables() (exp [512]byte, log [256]byte) {
	x := 1
	for i := range 255 {
		exp[i] = byte(x)
		log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for i := 255; i < 512; i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}

// gfMul multiplies in GF(256).
func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// rsGenerator is the Reed–Solomon generator polynomial of degree n,
// (x−α⁰)(x−α¹)…(x−αⁿ⁻¹), as its coefficients from xⁿ⁻¹ down to x⁰ (the
// leading 1 of xⁿ left out).
func rsGenerator(n int) []byte {
	g := make([]byte, n)
	g[n-1] = 1 // the polynomial 1, as n coefficients with an implicit leading term dropped below
	root := byte(1)
	for range n {
		// Multiply by (x − root): shift up, add root × the old value.
		for j := range n {
			g[j] = gfMul(g[j], root)
			if j+1 < n {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return g
}

// rsRemainder is the n error correction codewords of data: the remainder
// of data(x)·xⁿ divided by the generator polynomial.
func rsRemainder(data []byte, n int) []byte {
	g := rsGenerator(n)
	rem := make([]byte, n)
	for _, b := range data {
		f := b ^ rem[0]
		copy(rem, rem[1:])
		rem[n-1] = 0
		for i := range n {
			rem[i] ^= gfMul(g[i], f)
		}
	}
	return rem
}

// qrGrid is a symbol being drawn: its modules and which of them belong to
// function patterns (or the format and version information), where no
// codeword goes and no mask applies.
type qrGrid struct {
	version, size int
	dark, fn      []bool
}

func newQRGrid(version int) *qrGrid {
	size := 17 + 4*version
	q := &qrGrid{version: version, size: size, dark: make([]bool, size*size), fn: make([]bool, size*size)}
	// Timing patterns: row 6 and column 6, dark on even positions.
	for i := range size {
		q.set(6, i, i%2 == 0)
		q.set(i, 6, i%2 == 0)
	}
	// Finder patterns with their separators, at three corners.
	q.finder(3, 3)
	q.finder(size-4, 3)
	q.finder(3, size-4)
	// Alignment patterns, except where they would overlap a finder.
	al := qrAlignment[version]
	for i, cy := range al {
		for j, cx := range al {
			if i == 0 && j == 0 || i == 0 && j == len(al)-1 || i == len(al)-1 && j == 0 {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					q.set(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	// Reserve the format information (drawn with the mask) and the dark module.
	q.drawFormat(0)
	// Version information, from version 7: 6 bits and a BCH(18,6) remainder,
	// in two 6×3 blocks beside the upper right and lower left finders.
	if version >= 7 {
		bits := qrVersionBits(version)
		for i := range 18 {
			on := bits>>i&1 == 1
			a, b := size-11+i%3, i/3
			q.set(a, b, on)
			q.set(b, a, on)
		}
	}
	return q
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// set draws a function module at column x, row y.
func (q *qrGrid) set(x, y int, dark bool) {
	q.dark[y*q.size+x] = dark
	q.fn[y*q.size+x] = true
}

// finder draws a finder pattern centred on (cx, cy) with its light
// separator around it, clipped to the symbol.
func (q *qrGrid) finder(cx, cy int) {
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			x, y := cx+dx, cy+dy
			if x < 0 || y < 0 || x >= q.size || y >= q.size {
				continue
			}
			d := max(abs(dx), abs(dy))
			q.set(x, y, d != 2 && d != 4)
		}
	}
}

// qrFormatBits is the 15-bit format information of level M with mask: 2
// bits of level (M is 00), 3 of mask, a BCH(15,5) remainder, XORed with
// 101010000010010.
func qrFormatBits(mask int) int {
	data := 0b00<<3 | mask
	rem := data
	for range 10 {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	return (data<<10 | rem) ^ 0x5412
}

// qrVersionBits is the 18-bit version information: 6 bits of version and a
// BCH(18,6) remainder.
func qrVersionBits(version int) int {
	rem := version
	for range 12 {
		rem = rem<<1 ^ (rem>>11)*0x1F25
	}
	return version<<12 | rem
}

// drawFormat writes the format information of mask in its two copies, and
// the dark module beside the lower left finder. Bit 0 is the least
// significant.
func (q *qrGrid) drawFormat(mask int) {
	bits := qrFormatBits(mask)
	bit := func(i int) bool { return bits>>i&1 == 1 }
	// Around the upper left finder: down column 8, then along row 8.
	for i := range 6 {
		q.set(8, i, bit(i))
	}
	q.set(8, 7, bit(6))
	q.set(8, 8, bit(7))
	q.set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		q.set(14-i, 8, bit(i))
	}
	// The copy: along row 8 under the upper right finder, then up column 8
	// beside the lower left one.
	for i := range 8 {
		q.set(q.size-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		q.set(8, q.size-15+i, bit(i))
	}
	q.set(8, q.size-8, true) // the dark module
}

// placeCodewords writes the codewords' bits, most significant first, in the
// zigzag order: two-module columns from the right, up then down, skipping
// the vertical timing pattern and every function module. The remainder bits
// stay light.
func (q *qrGrid) placeCodewords(cw []byte) {
	i, n := 0, len(cw)*8
	for right := q.size - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		upward := (right+1)&2 == 0
		for vert := range q.size {
			y := vert
			if upward {
				y = q.size - 1 - vert
			}
			for j := range 2 {
				x := right - j
				if q.fn[y*q.size+x] || i >= n {
					continue
				}
				q.dark[y*q.size+x] = cw[i>>3]>>(7-i&7)&1 == 1
				i++
			}
		}
	}
}

// qrMasked reports whether mask inverts the module at column x, row y.
func qrMasked(mask, x, y int) bool {
	switch mask {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	default:
		return ((x+y)%2+x*y%3)%2 == 0
	}
}

// applyMask inverts the modules of the data area that mask selects.
func (q *qrGrid) applyMask(mask int) {
	for y := range q.size {
		for x := range q.size {
			if !q.fn[y*q.size+x] && qrMasked(mask, x, y) {
				q.dark[y*q.size+x] = !q.dark[y*q.size+x]
			}
		}
	}
}

// penalty scores the symbol by the rules of ISO/IEC 18004 §7.8.3: N1 = 3
// for each run of five same-coloured modules in a row or column (plus one
// for each module more), N2 = 3 for each 2×2 block of one colour, N3 = 40
// for each 1:1:3:1:1 finder-like pattern with four light modules on one side
// (the quiet zone counts as light), N4 = 10 for each 5 % the share of dark
// modules is away from 50 %.
func (q *qrGrid) penalty() int {
	n := q.size
	at := func(x, y int) bool { return q.dark[y*n+x] }
	p := 0
	line := make([]bool, n)
	for a := range n {
		for b := range n {
			line[b] = at(b, a) // row a
		}
		p += qrRunPenalty(line) + qrFinderPenalty(line)
		for b := range n {
			line[b] = at(a, b) // column a
		}
		p += qrRunPenalty(line) + qrFinderPenalty(line)
	}
	// N2: 2×2 blocks.
	for y := 0; y+1 < n; y++ {
		for x := 0; x+1 < n; x++ {
			c := at(x, y)
			if at(x+1, y) == c && at(x, y+1) == c && at(x+1, y+1) == c {
				p += 3
			}
		}
	}
	// N4: balance.
	dark := 0
	for _, d := range q.dark {
		if d {
			dark++
		}
	}
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1 // the fewest 5 % steps from 50 % that reach the share
	return p + 10*max(k, 0)
}

// qrRunPenalty is rule N1 on one row or column: 3 for each run of five
// modules of one colour, and 1 for each module more.
func qrRunPenalty(line []bool) int {
	p, run := 0, 1
	for i := 1; i <= len(line); i++ {
		if i < len(line) && line[i] == line[i-1] {
			run++
			continue
		}
		if run >= 5 {
			p += 3 + run - 5
		}
		run = 1
	}
	return p
}

// qrFinderPenalty is rule N3 on one row or column: 40 for each 1011101 with
// four light modules before it, and 40 for each with four after it, the
// quiet zone around the symbol counting as light.
func qrFinderPenalty(line []bool) int {
	padded := make([]bool, len(line)+2*qrQuiet)
	copy(padded[qrQuiet:], line)
	p := 0
	for i := 0; i+11 <= len(padded); i++ {
		if qrFinderLike(padded[i:i+11], false) {
			p += 40
		}
		if qrFinderLike(padded[i:i+11], true) {
			p += 40
		}
	}
	return p
}

// qrFinderLike reports whether eleven modules are 1011101 then 0000, or
// (reversed) 0000 then 1011101.
func qrFinderLike(m []bool, reversed bool) bool {
	const pattern = "10111010000"
	for i := range 11 {
		c := pattern[i]
		if reversed {
			c = pattern[10-i]
		}
		if m[i] != (c == '1') {
			return false
		}
	}
	return true
}

// qrQuiet is the width of the quiet zone QRSVG draws around a symbol, in
// modules, as the standard asks.
const qrQuiet = 4

// qrModulePx is the size of a module in CSS pixels at scale 1.
const qrModulePx = 4

// QRSVG renders a QR symbol as inline SVG: a white square with the quiet
// zone, and one path of the dark modules (each row's runs as rectangles),
// drawn with crisp edges. Its accessible name and tooltip are label, escaped.
// The SVG is well-formed XML, so it is served alone as well.
func QRSVG(q *QRCode, label string) template.HTML {
	side := q.Size + 2*qrQuiet
	esc := template.HTMLEscapeString(label)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="%s">`,
		side*qrModulePx, side*qrModulePx, side, side, esc)
	fmt.Fprintf(&b, `<title>%s</title>`, esc)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`, side, side)
	b.WriteString(`<path class="qr-modules" fill="#000" d="`)
	for y := range q.Size {
		for x := 0; x < q.Size; {
			if !q.Dark(x, y) {
				x++
				continue
			}
			run := 1
			for q.Dark(x+run, y) {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+qrQuiet, y+qrQuiet, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}
