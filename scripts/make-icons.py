#!/usr/bin/env python3
"""Draws the phone app's icons (crates/web/static/icon-192.png, icon-512.png) from the
favicon's "S" stroke: white on Sinergi green, full-bleed so a launcher may mask it.
Standard library only; run again after changing the favicon's path."""
import math
import struct
import sys
import zlib
from pathlib import Path

GREEN = (0x1D, 0x5C, 0x3F)
WHITE = (0xFF, 0xFF, 0xFF)
# favicon.svg's path, as absolute cubic Bézier segments in its 32×32 box.
START = (21.0, 10.5)
RELATIVE = [
    ((-1.2, -1.3), (-3, -2), (-5, -2)),
    ((-3, 0), (-5, 1.6), (-5, 4)),
    ((0, 5), (10, 3), (10, 7.5)),
    ((0, 2), (-2, 3.5), (-5, 3.5)),
    ((-2.2, 0), (-4, -0.8), (-5.3, -2.2)),
]
STROKE = 2.6


def polyline():
    pts = [START]
    cur = START
    for c1, c2, end in RELATIVE:
        p0 = cur
        p1 = (cur[0] + c1[0], cur[1] + c1[1])
        p2 = (cur[0] + c2[0], cur[1] + c2[1])
        p3 = (cur[0] + end[0], cur[1] + end[1])
        for i in range(1, 41):
            t = i / 40
            u = 1 - t
            x = u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
            y = u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
            pts.append((x, y))
        cur = p3
    return pts


def dist(px, py, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def draw(size):
    pts = polyline()
    segs = list(zip(pts, pts[1:]))
    # The S fills about 60 % of the icon (inside the 80 % safe zone of maskable icons).
    scale = size / 32 * 1.15
    off = size / 2 - 16 * scale
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            sx, sy = ((x + 0.5 - off) / scale, (y + 0.5 - off) / scale)
            d = min(dist(sx, sy, a, b) for a, b in segs) if 8 < sx < 24 and 6 < sy < 26 else 99
            cover = max(0.0, min(1.0, (STROKE / 2 - d) * scale + 0.5))
            row.extend(round(g + (w - g) * cover) for g, w in zip(GREEN, WHITE))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "crates/web/static")
    for n in (192, 512):
        (out / f"icon-{n}.png").write_bytes(draw(n))
