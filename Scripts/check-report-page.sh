#!/usr/bin/env bash
# Opens dvc-report's HTML page in a real headless browser, as a person would, and checks it:
# the page renders at a phone's width, its charts have drawn shapes (pixels of the bar colour in
# the screenshot), and the browser logged no console error.
#
#   Scripts/check-report-page.sh [OUT_DIR]     (default: .build/report-page)
#
# Chromium comes from Debian's packages; it is installed when missing, and the check is skipped
# with a message where it cannot be installed. The screenshot stays in OUT_DIR/report.png.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/report-page}
mkdir -p "$out"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  (apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1; }) || true
  browser=$(command -v chromium || true)
fi
if [ -z "$browser" ]; then
  echo "skipped: no Chromium, and it cannot be installed here (apt-get install chromium)"
  exit 0
fi

# A generated month of a province (dvc-demo writes it and prints where), reported as a page.
month=$(swift run dvc-demo | sed -n 's/.*wrote the month to \(.*\); as a page.*/\1/p')
test -s "$month"
swift run dvc-report --dossiers "$month" --as-of 20260331235959 --html "$out/report.html" > /dev/null

"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=412,2600 \
  --enable-logging=stderr --v=0 --screenshot="$out/report.png" "file://$(pwd)/$out/report.html" 2> "$out/browser.log" || true
test -s "$out/report.png"
if grep -E "CONSOLE|Uncaught|Failed to load" "$out/browser.log"; then
  echo "the page logged console errors (above)" >&2
  exit 1
fi

python3 - "$out/report.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, chunks = 8, {}
width = height = 0
idat = b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
        channels = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * channels
rows, previous, i = [], bytearray(stride), 0
for _ in range(height):
    kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - channels] if x >= channels else 0
        b, c = previous[x], previous[x - channels] if x >= channels else 0
        if kind == 1: line[x] = (line[x] + a) & 255
        elif kind == 2: line[x] = (line[x] + b) & 255
        elif kind == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    previous = line
bar = sum(1 for line in rows for x in range(0, stride, channels)
          if abs(line[x] - 200) < 30 and line[x + 1] < 60 and line[x + 2] < 80)
light = sum(1 for line in rows for x in range(0, stride, channels) if line[x] > 240 and line[x + 1] > 240)
print(f"screenshot {width}x{height}: {bar} bar-coloured pixels, {light} light pixels")
assert width == 412, "the page was not rendered at a phone's width"
assert bar > 3000, "the charts drew (almost) no bars"
assert light > width * height // 4, "the page is not mostly drawn on a light background"
PY
echo "report page checked: $out/report.png"
