"""Ticked boxes with broken rings: scanned thin frames with gaps, typed ``X`` touching them (issue 24, k13).

usage: python benchmarks/broken_boxes.py [--shared /work/shared] [--parts funsd,drawn,glyphs]
    [--broken 0.95,0.85,0.8,0.7,0.6] [--bands 0.1,0.15,0.2]

No pipeline: :func:`ocrplug.checkboxes.checkbox_state` on ink components (``ocrplug.crops.paper_ink``,
8-connected), with ``TICK_RING_BROKEN`` set to each of ``--broken`` (0.95, the closed ring's
``TICK_RING_SIDES``, is the rule off) and ``TICK_INNER_BAND`` to each of ``--bands``.

* ``funsd``: every about-square component (6-80 px) of the 149 ``funsd_train`` pages (validation split): how
  many classified ticked stand on a ground-truth ``☑`` word (of 35), on a ``☐`` word, and on none (false;
  listed by page and box).
* ``drawn``: boxes of 10-40 px side, 1-3 px frames, drawn with gaps in the frame (a side's line broken
  in 0-3 places, each gap 1-2 px) and marked with a typed ``X`` (DejaVu Sans, Liberation Sans / Serif /
  Mono, FreeSerif, bold and regular) scaled to touch the frame or a drawn cross of two strokes corner to
  corner, or left empty: ticked found / empty kept empty (seeded, 4 variants each).
* ``glyphs``: the letters, digits and signs ``OoD0QCGUBHNpq8#XxKkMWRAEZz%&@`` of every installed face at
  8, 10, 12, 14, 16, 20, 24, 40 px: how many components are classified a box (false).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrplug import checkboxes as cb
from ocrplug.crops import paper_ink

X_FACES = ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", "liberation/LiberationSans-Regular.ttf",
           "liberation/LiberationSerif-Regular.ttf", "liberation/LiberationMono-Regular.ttf", "freefont/FreeSerif.ttf")
LETTERS = "OoD0QCGUBHNpq8#XxKkMWRAEZz%&@"


def _components(gray: np.ndarray, ink: np.ndarray | None = None) -> list[tuple[tuple[int, int, int, int], np.ndarray, float]]:
    """The about-square ink components of ``gray`` (box, mask, inside ink share), as the checkbox step sees them."""
    if ink is None:
        ink = paper_ink(gray)
    if ink is None:
        return []
    n, lab, st, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    cx, cy = st[:, 0] + st[:, 2] / 2, st[:, 1] + st[:, 3] / 2
    out = []
    for c in range(1, n):
        bx, by, bw, bh, a = (int(v) for v in st[c])
        if min(bw, bh) < 6 or max(bw, bh) > 1.3 * min(bw, bh) or max(bw, bh) > 80:
            continue
        inside = (bx < cx) & (cx < bx + bw) & (by < cy) & (cy < by + bh)
        inside[0] = inside[c] = False
        out.append(((bx, by, bw, bh), lab[by:by + bh, bx:bx + bw] == c, float(st[inside, 4].sum()) / a))
    return out


def _settings(args: argparse.Namespace) -> list[tuple[float, float]]:
    return [(b, t) for b in map(float, args.broken.split(",")) for t in map(float, args.bands.split(","))]


def _state(mask: np.ndarray, inside: float, setting: tuple[float, float]) -> str | None:
    cb.TICK_RING_BROKEN, cb.TICK_INNER_BAND = setting
    return cb.checkbox_state(mask, inside)


def funsd(args: argparse.Namespace) -> None:
    root = args.shared / "eval" / "funsd_train"
    pages = []
    for f in sorted(glob.glob(str(root / "annotations" / "*.json"))):
        d = json.load(open(f))
        gt = []
        for w in d["words"]:
            if w["text"] in (cb.EMPTY, cb.TICKED):
                xs, ys = [p[0] for p in w["quad"]], [p[1] for p in w["quad"]]
                gt.append((min(xs) - 3, min(ys) - 3, max(xs) + 3, max(ys) + 3, w["text"]))
        gray = np.asarray(Image.open(root / "images" / d["image"]).convert("L"))
        pages.append((os.path.basename(f)[:-5], gt, _components(gray)))
    for setting in _settings(args):
        on_t = on_e = 0
        false = []
        for fid, gt, comps in pages:
            for (bx, by, bw, bh), mask, inside in comps:
                if _state(mask, inside, setting) != "ticked":
                    continue
                on = [g for g in gt if g[0] <= bx + bw / 2 <= g[2] and g[1] <= by + bh / 2 <= g[3]]
                if on and on[0][4] == cb.TICKED:
                    on_t += 1
                elif on:
                    on_e += 1
                else:
                    false.append(f"{fid}@{bx},{by},{bw}x{bh}")
        print(f"funsd_train broken={setting[0]} band={setting[1]}: ticked on ☑ {on_t}/35, on ☐ {on_e}, "
              f"on no checkbox {len(false)} {' '.join(false)}")


def _drawn(rng: random.Random) -> list[tuple[str, np.ndarray, str]]:
    fonts = Path("/usr/share/fonts/truetype")
    out = []
    for side in (10, 12, 14, 16, 20, 24, 30, 40):
        for width in (1, 2, 3):
            if width * 4 > side:
                continue
            for mark in ("x_glyph", "cross", "none"):
                for _ in range(4):
                    s = 3 * side
                    img = Image.new("L", (s, s), 255)
                    dr = ImageDraw.Draw(img)
                    x0 = y0 = side
                    x1 = y1 = 2 * side - 1
                    dr.rectangle((x0, y0, x1, y1), outline=0, width=width)
                    # gaps: 0-3 of them, on random sides, 1-2 px long, away from the corners
                    for _ in range(rng.randint(0, 3)):
                        g = rng.randint(1, 2)
                        t = rng.randint(x0 + width + 1, x1 - width - 3)
                        k = rng.randint(0, 3)
                        if k == 0:
                            dr.rectangle((t, y0, t + g - 1, y0 + width - 1), fill=255)
                        elif k == 1:
                            dr.rectangle((t, y1 - width + 1, t + g - 1, y1), fill=255)
                        elif k == 2:
                            dr.rectangle((x0, t, x0 + width - 1, t + g - 1), fill=255)
                        else:
                            dr.rectangle((x1 - width + 1, t, x1, t + g - 1), fill=255)
                    if mark == "x_glyph":
                        face = rng.choice([f for f in X_FACES if (fonts / f).exists()])
                        px = max(6, round(side * rng.uniform(1.0, 1.3)))
                        font = ImageFont.truetype(str(fonts / face), px)
                        gl, gt, gr, gb = dr.textbbox((0, 0), "X", font=font)
                        # centred, its ink touching (or within a pixel of) the frame's inside
                        dr.text(((x0 + x1 - (gr - gl)) / 2 - gl, (y0 + y1 - (gb - gt)) / 2 - gt), "X", font=font, fill=0)
                    elif mark == "cross":
                        sw = max(1, width)
                        dr.line((x0, y0, x1, y1), fill=0, width=sw)
                        dr.line((x0, y1, x1, y0), fill=0, width=sw)
                    out.append((f"{side}px/{width}/{mark}", np.asarray(img), "empty" if mark == "none" else "ticked"))
    return out


def drawn(args: argparse.Namespace) -> None:
    boxes = _drawn(random.Random(24))
    for setting in _settings(args):
        found = {"ticked": [0, 0], "empty": [0, 0]}
        for _, gray, want in boxes:
            ink = gray < 128
            comps = _components(gray, ink)
            frame = max(comps, key=lambda c: c[1].size) if comps else None
            got = _state(frame[1], frame[2], setting) if frame else None
            found[want][0] += got == want
            found[want][1] += 1
        print(f"drawn broken={setting[0]} band={setting[1]}: ticked {found['ticked'][0]}/{found['ticked'][1]}, "
              f"empty {found['empty'][0]}/{found['empty'][1]}")


def glyphs(args: argparse.Namespace) -> None:
    faces = sorted(glob.glob("/usr/share/fonts/**/*.[ot]tf", recursive=True))
    comps = []
    for face in faces:
        for px in (8, 10, 12, 14, 16, 20, 24, 40):
            try:
                font = ImageFont.truetype(face, px)
            except OSError:
                continue
            for ch in LETTERS:
                img = Image.new("L", (3 * px, 3 * px), 255)
                ImageDraw.Draw(img).text((px, px // 2), ch, font=font, fill=0)
                gray = np.asarray(img)
                comps += [(Path(face).name, px, ch, m, i) for _, m, i in _components(gray, gray < 128)]
    for setting in _settings(args):
        false = [f"{f}:{px}:{ch}" for f, px, ch, m, i in comps if _state(m, i, setting) is not None]
        print(f"glyphs broken={setting[0]} band={setting[1]}: {len(false)} of {len(comps)} components a box {' '.join(false[:20])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", "/work/shared")))
    ap.add_argument("--parts", default="funsd,drawn,glyphs")
    ap.add_argument("--broken", default="0.95,0.85,0.8,0.7,0.6")
    ap.add_argument("--bands", default="0.1,0.15,0.2")
    args = ap.parse_args()
    for part in args.parts.split(","):
        {"funsd": funsd, "drawn": drawn, "glyphs": glyphs}[part](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
