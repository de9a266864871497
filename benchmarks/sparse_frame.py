"""Sparse forms' text frame: labels at the left, one-character answers far right, every row level.

usage: python benchmarks/sparse_frame.py [--presets fast,swift] [--dpis 150,200,300] [--gaps 1.6:3.0:0.2]
                                         [--fonts dejavu,liberation]

Issue 24 item 2 (O7's sparse page): three labels (``Name:``, ``Date:``, ``Code:``, 11 pt) with lone
answers (``x``, ``7``, ``y``) 6.5 inches to their right, rows ``gap`` font sizes apart, drawn level with
PIL (:func:`sparse_page`). For each page the preset's detector boxes it (no recognition) and the page's
text frame is taken as the layout takes it (:func:`ocrplug.geometry.text_angle`); printed per page: the
quads' median edge angle and the frame, degrees (clockwise on screen, as ``quad_angle``); per preset,
how many frames are more than 0.5 degree off level (the pages are level) and the largest.
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrplug.geometry import text_angle
from ocrplug.model import PageImage
from ocrplug.pipeline import Pipeline

FONTS = {
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "liberation": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "freeserif": "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
    "notosans": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
}
LABELS = ("Name:", "Date:", "Code:")
ANSWERS = ("x", "7", "y")
OFF = 0.5  # degrees: a frame further than this off level is counted


def sparse_page(dpi: int, gap: float, font: str = "dejavu", size_pt: float = 11.0) -> Image.Image:
    """An 8.5 x 4 inch page (grey, ``dpi``): LABELS at 0.8 inch, ANSWERS 6.5 inches right of them, rows
    ``gap`` font sizes apart from 0.8 inch down; everything level."""
    img = Image.new("L", (round(8.5 * dpi), round(4 * dpi)), 255)
    draw = ImageDraw.Draw(img)
    size = round(size_pt * dpi / 72)
    face = ImageFont.truetype(FONTS[font], size)
    x, y = round(0.8 * dpi), round(0.8 * dpi)
    for label, answer in zip(LABELS, ANSWERS, strict=True):
        draw.text((x, y), label, font=face, fill=0)
        draw.text((x + round(6.5 * dpi), y), answer, font=face, fill=0)
        y += round(gap * size)
    return img


def _floats(spec: str) -> list[float]:
    if ":" in spec:
        a, b, s = (float(x) for x in spec.split(":"))
        return [round(a + k * s, 3) for k in range(round((b - a) / s) + 1)]
    return [float(x) for x in spec.split(",")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--dpis", default="150,200,300")
    ap.add_argument("--gaps", default="1.6:3.0:0.2")
    ap.add_argument("--fonts", default="dejavu,liberation")
    args = ap.parse_args()
    for preset in args.presets.split(","):
        det = Pipeline.from_preset(preset, ["renderers=[]"]).detector
        frames = []
        for font in args.fonts.split(","):
            for dpi in (int(d) for d in args.dpis.split(",")):
                for gap in _floats(args.gaps):
                    rgb = np.asarray(sparse_page(dpi, gap, font).convert("RGB"))
                    regions = det.detect(PageImage(image=rgb, index=0, source=f"sparse_{font}_{dpi}_{gap}"))
                    quads = np.asarray([r.quad for r in regions], dtype=np.float64).reshape(-1, 4, 2)
                    top = (quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3])
                    median = math.degrees(float(np.median(np.arctan2(top[:, 1], top[:, 0])))) if len(quads) else 0.0
                    frame = math.degrees(text_angle(quads))
                    frames.append(frame)
                    print(f"{preset:6s} {font:10s} {dpi:3d} dpi gap {gap:.1f}: {len(quads)} boxes, "
                          f"median edge {median:6.2f}, frame {frame:6.2f}{'  OFF' if abs(frame) > OFF else ''}")
        f = np.abs(frames)
        print(f"{preset}: {len(f)} pages, frames off > {OFF} deg: {int((f > OFF).sum())}, largest {f.max():.2f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
