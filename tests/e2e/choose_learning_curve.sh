#!/usr/bin/env bash
# outcore learning-curve: the table (printed and as CSV), the SVG's structure (axes, ticks,
# labels, two series, two bands, legend, title; a log x axis), and the SVG rendered by headless
# Chromium to a PNG that shows both series' colours; errors and --help.
source "$(dirname "$0")/common.bash"
cd "$WORK"
SPEC="$SRC/examples/taxi_tip.toml"
"$OUTCORE" gen-taxi --rows 20000 --seed 5 -o train.csv >/dev/null
"$OUTCORE" learning-curve "$SPEC" train.csv --sizes 100,1000,1e4 --cv 5 --seed 1 -o curve.svg >table.txt
cat table.txt
check "the table is printed" grep -qE '^ +10,000 +0\.[0-9]{6}' table.txt
check "the table is written beside the SVG" $PY -c "
import pandas as pd; t = pd.read_csv('curve.csv')
assert t['size'].tolist() == [100, 1000, 10000] and t.valid_mean.between(0.8, 1).all(), t
assert [c for c in t.columns if c.startswith('valid_fold_')] == [f'valid_fold_{i}' for i in range(5)]"
"$OUTCORE" learning-curve "$SPEC" train.csv --sizes 100,1000,1e4 --cv 5 --seed 1 -o again.svg --threads 1 >/dev/null
check "1 thread draws the same curve" $PY -c "
import pandas as pd; a, b = (pd.read_csv(f).drop(columns='fit_seconds') for f in ('curve.csv', 'again.csv'))
assert a.equals(b)"

$PY - <<'PYEOF' && pass "the SVG has a title, labelled axes with ticks, two series, two bands and a legend" || fail "SVG structure"
import xml.etree.ElementTree as ET, math
NS = "{http://www.w3.org/2000/svg}"
root = ET.parse("curve.svg").getroot()
assert root.tag == NS + "svg", root.tag
by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
def texts(e, cls): return [t.text for t in e.iter(NS + "text") if t.get("class") == cls]
assert "Learning curve" in by_id["title"].text and root.find(NS + "title") is not None
for axis, label in (("x-axis", "training rows (log scale)"), ("y-axis", "accuracy")):
    a = by_id[axis]
    assert any(label in t for t in texts(a, "axis-label")), (axis, texts(a, "axis-label"))
    assert len(texts(a, "tick-label")) >= 3, (axis, texts(a, "tick-label"))
    assert a.find(NS + "line") is not None
assert texts(by_id["x-axis"], "tick-label")[:3] == ["100", "1k", "10k"], texts(by_id["x-axis"], "tick-label")
for s in ("train", "validation"):
    pts = [tuple(map(float, p.split(","))) for p in by_id["series-" + s].get("points").split()]
    assert len(pts) == 3, pts
    # Log x axis: 100 -> 1000 spans as many pixels as 1000 -> 10000.
    assert abs((pts[1][0] - pts[0][0]) - (pts[2][0] - pts[1][0])) < 0.5, pts
    band = by_id["band-" + s]
    assert band.tag == NS + "polygon" and len(band.get("points").split()) == 6
    assert float(band.get("fill-opacity")) < 1
legend = texts(by_id["legend"], "legend-label")
assert len(legend) == 2 and "training" in legend[0] and "validation" in legend[1], legend
PYEOF

if command -v chromium >/dev/null; then
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$WORK/chrome.XXXX")" --screenshot="$WORK/curve.png" \
    --window-size=900,600 "file://$WORK/curve.svg" >chromium.log 2>&1 || true
  $PY - <<'PYEOF' && pass "Chromium renders the SVG: not blank, both series' colours visible" || fail "rendered PNG"
import struct, zlib
data = open("curve.png", "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, width = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw, stride, prev, pixels = zlib.decompress(idat), width * bpp, bytearray(width * bpp), []
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    pixels += [tuple(line[i:i + 3]) for i in range(0, stride, bpp)]
    prev = line
non_white = sum(1 for p in pixels if p != (255, 255, 255))
near = lambda rgb: sum(1 for p in pixels if sum(abs(p[i] - rgb[i]) for i in range(3)) < 40)
blue, red = near((0x1f, 0x77, 0xb4)), near((0xd6, 0x27, 0x28))
print(f"  PNG {width}x{height}: {len(set(pixels))} colours, {non_white / len(pixels):.1%} not white, "
      f"{blue} train-blue and {red} validation-red pixels")
assert width >= 800 and len(set(pixels)) > 50 and non_white > 0.02 * len(pixels) and blue > 300 and red > 300
PYEOF
else
  fail "chromium is not installed (scripts/setup.sh --test installs it)"
fi

expect_error "a size larger than a fold's training rows" 2 "--sizes: 50000 rows is outside \[2, 16,000\]" \
  "$OUTCORE" learning-curve "$SPEC" train.csv --sizes 100,50000 -o x.svg
expect_error "a size that is not a number" 2 "--sizes: 'ten' is not a row count" \
  "$OUTCORE" learning-curve "$SPEC" train.csv --sizes ten -o x.svg
expect_error "output not SVG" 2 "name it like curve.svg" "$OUTCORE" learning-curve "$SPEC" train.csv -o x.png
"$OUTCORE" learning-curve --help >help.txt
for opt in --sizes --cv --seed --scoring --output --threads --on-bad-rows --json; do
  grep -q -- "$opt" help.txt || fail "learning-curve --help lacks $opt"
done
pass "learning-curve --help lists every option"
finish
