"""Ticked boxes with broken rings: scanned thin frames with gaps, typed ``X`` touching them (issue 24, k13).

usage: python benchmarks/broken_boxes.py [--shared /work/shared] [--parts funsd,drawn,glyphs,wide]
    [--broken 0.7] [--bands 0.15] [--wide 1.3,2.2] [--lines 1.01,0.5] [--closed 0.9] [--inked 0.1]

No pipeline: :func:`ocrplug.checkboxes.checkbox_state` on ink components (``ocrplug.crops.paper_ink``,
8-connected, up to 2.5:1), with ``TICK_RING_BROKEN`` set to each of ``--broken`` (0.95, the closed ring's
``TICK_RING_SIDES``, is the rule off), ``TICK_INNER_BAND`` to each of ``--bands``, ``WIDE_FRAME_ASPECT``
to each of ``--wide`` (1.3, ``BOX_FRAME_ASPECT``, is wide frames off) and ``FRAME_LINE`` to each of
``--lines`` (1.01 is the frame-stripped look at a touching mark off; K14), ``TICK_RING_NEAR`` to each of
``--closed`` (0.95, the closed ring's, is the all-but-closed ring off; b16) and ``TICK_NEAR_INK`` to each
of ``--inked``. k13's sweep:
``--broken 0.95,0.85,0.8,0.7,0.6 --bands 0.1,0.15,0.2 --wide 1.3 --lines 1.01``.

* ``funsd``: every about-square component (6-80 px) of the 149 ``funsd_train`` pages (validation split): how
  many classified ticked stand on a ground-truth ``☑`` word (of 35), on a ``☐`` word, and on none (false;
  listed by page and box).
* ``drawn``: boxes of 10-40 px side, 1-3 px frames, drawn with gaps in the frame (a side's line broken
  in 0-3 places, each gap 1-2 px) and marked with a typed ``X`` (DejaVu Sans, Liberation Sans / Serif /
  Mono, FreeSerif, bold and regular) scaled to touch the frame or a drawn cross of two strokes corner to
  corner, or left empty: ticked found / empty kept empty (seeded, 4 variants each).
* ``glyphs``: the letters, digits and signs ``OoD0QCGUBHNpq8#XxKkMWRAEZz%&@`` of every installed face at
  8, 10, 12, 14, 16, 20, 24, 40 px: how many components are classified a box (false).
* ``wide`` (K14): frames 14-40 px wide, 1.4-2.2 times as wide as tall, 1-2 px lines with 0-1 gap, marked
  with a typed ``X`` or ``x`` (faces as ``drawn``) apart from the frame or touching it, or left empty, and
  ``wide`` things that are no box: a cell of a ruled row holding ``O 0 D o 8 B``, a boxed dash, a field box
  holding a digit (seeded, 3 variants each): ticked found / empty ones and non-boxes classified a box.
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


Component = tuple[tuple[int, int, int, int], np.ndarray, float, "np.ndarray | None"]


def _components(gray: np.ndarray, ink: np.ndarray | None = None) -> list[Component]:
    """The ink components of ``gray`` up to 2.5:1 (box, mask, inside ink share, inside ink mask), as the
    checkbox step sees them."""
    if ink is None:
        ink = paper_ink(gray)
    if ink is None:
        return []
    n, lab, st, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    cx, cy = st[:, 0] + st[:, 2] / 2, st[:, 1] + st[:, 3] / 2
    out = []
    for c in range(1, n):
        bx, by, bw, bh, a = (int(v) for v in st[c])
        if min(bw, bh) < 6 or max(bw, bh) > 2.5 * min(bw, bh) or max(bw, bh) > 80:
            continue
        inside = (bx < cx) & (cx < bx + bw) & (by < cy) & (cy < by + bh)
        inside[0] = inside[c] = False
        inner = np.flatnonzero(inside)
        out.append(((bx, by, bw, bh), lab[by:by + bh, bx:bx + bw] == c, float(st[inside, 4].sum()) / a,
                    cb._inside_mask(lab, st, inner)))
    return out


Setting = tuple[float, float, float, float, float, float]


def _settings(args: argparse.Namespace) -> list[Setting]:
    return [(b, t, a, f, c, i) for b in map(float, args.broken.split(",")) for t in map(float, args.bands.split(","))
            for a in map(float, args.wide.split(",")) for f in map(float, args.lines.split(","))
            for c in map(float, args.closed.split(",")) for i in map(float, args.inked.split(","))]


def _name(setting: Setting) -> str:
    return (f"broken={setting[0]} band={setting[1]} wide={setting[2]} lines={setting[3]} closed={setting[4]} "
            f"inked={setting[5]}")


def _state(mask: np.ndarray, inside: float, setting: Setting, inner: np.ndarray | None = None) -> str | None:
    cb.TICK_RING_BROKEN, cb.TICK_INNER_BAND, cb.WIDE_FRAME_ASPECT, cb.FRAME_LINE, cb.TICK_RING_NEAR, cb.TICK_NEAR_INK = setting
    return cb.checkbox_state(mask, inside, inner)


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
            for (bx, by, bw, bh), mask, inside, inner in comps:
                if _state(mask, inside, setting, inner) != "ticked":
                    continue
                on = [g for g in gt if g[0] <= bx + bw / 2 <= g[2] and g[1] <= by + bh / 2 <= g[3]]
                if on and on[0][4] == cb.TICKED:
                    on_t += 1
                elif on:
                    on_e += 1
                else:
                    false.append(f"{fid}@{bx},{by},{bw}x{bh}")
        print(f"funsd_train {_name(setting)}: ticked on ☑ {on_t}/35, on ☐ {on_e}, "
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
            got = _state(frame[1], frame[2], setting, frame[3]) if frame else None
            found[want][0] += got == want
            found[want][1] += 1
        print(f"drawn {_name(setting)}: ticked {found['ticked'][0]}/{found['ticked'][1]}, "
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
                comps += [(Path(face).name, px, ch, m, i, n) for _, m, i, n in _components(gray, gray < 128)]
    for setting in _settings(args):
        false = [f"{f}:{px}:{ch}" for f, px, ch, m, i, n in comps if _state(m, i, setting, n) is not None]
        print(f"glyphs {_name(setting)}: {len(false)} of {len(comps)} components a box {' '.join(false[:20])}")


def _wide(rng: random.Random) -> list[tuple[str, np.ndarray, str]]:
    """Wide frames (see the module's ``wide``): (name, gray page, ``"ticked"``, ``"empty"`` or ``"none"``)."""
    fonts = Path("/usr/share/fonts/truetype")
    faces = [f for f in X_FACES if (fonts / f).exists()]
    out = []
    for height in (10, 12, 14, 16, 20, 24):
        for aspect in (1.4, 1.6, 1.8, 2.0, 2.2):
            width = round(aspect * height)
            for line in (1, 2):
                for mark in ("X", "x", "X touching", "none", "O", "0", "D", "o", "8", "B", "-", "1", "4", "7"):
                    for _ in range(3):
                        img = Image.new("L", (width + 2 * height, 3 * height), 255)
                        dr = ImageDraw.Draw(img)
                        x0, y0, x1, y1 = height, height, height + width - 1, 2 * height - 1
                        dr.rectangle((x0, y0, x1, y1), outline=0, width=line)
                        for _ in range(rng.randint(0, 1)):  # a gap away from the corners (the ring in one piece)
                            g, k = rng.randint(1, 2), rng.randint(0, 1)
                            t = rng.randint(x0 + line + 1, x1 - line - 3)
                            yy = y0 if k == 0 else y1 - line + 1
                            dr.rectangle((t, yy, t + g - 1, yy + line - 1), fill=255)
                        if mark != "none":
                            glyph = mark.split()[0]
                            touch = mark.endswith("touching")
                            px = max(6, round(height * (rng.uniform(1.1, 1.35) if touch else rng.uniform(0.6, 0.85))))
                            font = ImageFont.truetype(str(fonts / rng.choice(faces)), px)
                            gl, gt, gr, gb = dr.textbbox((0, 0), glyph, font=font)
                            inner = (x1 - x0) - (gr - gl)
                            cx = x0 + (rng.uniform(0.2, 0.8) * inner if inner > 0 else inner / 2)
                            dr.text((cx - gl, (y0 + y1 - (gb - gt)) / 2 - gt), glyph, font=font, fill=0)
                        want = "ticked" if mark in ("X", "x", "X touching") else "empty" if mark == "none" else "none"
                        out.append((f"{height}px/{aspect}/{line}/{mark}", np.asarray(img), want))
    return out


def wide(args: argparse.Namespace) -> None:
    boxes = _wide(random.Random(14))
    for setting in _settings(args):
        got = {"ticked": [0, 0], "empty": [0, 0], "none": [0, 0]}
        false = []
        for name, gray, want in boxes:
            comps = _components(gray, gray < 128)
            frame = max(comps, key=lambda c: c[1].size) if comps else None
            state = _state(frame[1], frame[2], setting, frame[3]) if frame else None
            got[want][0] += state == want if want != "none" else state is not None
            got[want][1] += 1
            if want == "none" and state is not None:
                false.append(name)
        print(f"wide {_name(setting)}: ticked {got['ticked'][0]}/{got['ticked'][1]}, empty ones a box "
              f"{got['empty'][0]}/{got['empty'][1]}, no box taken for a box {got['none'][0]}/{got['none'][1]} "
              f"{' '.join(false[:12])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", "/work/shared")))
    ap.add_argument("--parts", default="funsd,drawn,glyphs")
    ap.add_argument("--broken", default="0.7")
    ap.add_argument("--bands", default="0.15")
    ap.add_argument("--wide", default="1.3,2.2")
    ap.add_argument("--lines", default="1.01,0.5")
    ap.add_argument("--closed", default="0.9")
    ap.add_argument("--inked", default="0.1")
    args = ap.parse_args()
    for part in args.parts.split(","):
        {"funsd": funsd, "drawn": drawn, "glyphs": glyphs, "wide": wide}[part](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
