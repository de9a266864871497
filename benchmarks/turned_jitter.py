"""Box jitter of turned lines: how far a margin label turned exactly 90 / 270 degrees is measured off its turn.

usage: python benchmarks/turned_jitter.py [--presets fast,accurate,swift] [--tilt 10]

Draws short margin labels (``File No 48``, ``Sheet 3 of 9``, ...) turned exactly 90 and 270 degrees beside
four body lines, in DejaVu Sans, Noto Sans, URW Bookman and Nimbus Roman at 200 and 300 dpi, and the same
labels turned ``90 - tilt`` degrees (really tilted). Each page is read with each preset; for every turned
line it prints the angle off the nearest right-angle turn and that offset as a lean across the line's
length in text heights (``tan(off) * length / height``), then per preset, over the lines that hold the
whole label, the largest and 95th-percentile lean of the labels turned exactly and the smallest of the
tilted ones. ``ocrplug.geometry.TURN_JITTER``
is chosen between the two.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle, quad_height, quad_width
from ocrplug.presets import preset_config

FONTS = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 10, 300),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", 11, 200),
    ("/usr/share/fonts/opentype/urw-base35/URWBookman-Light.otf", 9, 300),
    ("/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf", 12, 200),
]
LABELS = ["File No 48", "Sheet 3 of 9", "Form 7 Rev 2", "Case 61 B", "Page 12 of 40", "Ref 7 No 3"]
BODY = ["The committee met on Tuesday to review", "the annual budget and the plans for the",
        "new library building near the station.", "Members agreed to publish the minutes"]


def labelled(label: str, turn: float, face: str, pt: float, dpi: int) -> np.ndarray:
    """An 8.5 x 4 inch page: body lines and ``label`` turned ``turn`` degrees counter-clockwise in a margin."""
    font = ImageFont.truetype(face, round(pt * dpi / 72))
    img = Image.new("L", (round(8.5 * dpi), 4 * dpi), 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(BODY):
        draw.text((round(1.2 * dpi), round((0.8 + 0.25 * i) * dpi)), text, font=font, fill=0)
    _, _, right, bottom = font.getbbox(label)
    strip = Image.new("L", (right + 8, bottom + 8), 255)
    ImageDraw.Draw(strip).text((4, 2), label, font=font, fill=0)
    strip = strip.rotate(turn, expand=True, fillcolor=255, resample=Image.BICUBIC)
    x = round(0.3 * dpi) if turn < 180 else img.width - round(0.3 * dpi) - strip.width
    img.paste(strip, (x, round(0.6 * dpi)))
    return np.asarray(img.convert("RGB"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--tilt", type=float, default=10.0, help="degrees off the turn of the really tilted labels")
    args = ap.parse_args()
    for preset in args.presets.split(","):
        pipe = Pipeline.from_dict(dict(preset_config(preset), renderers=[]))
        exact: list[float] = []
        tilted: list[float] = []
        for k, label in enumerate(LABELS):
            face, pt, dpi = FONTS[k % len(FONTS)]
            for base in (90.0, 270.0):
                for tilt in (0.0, args.tilt):
                    page = pipe.run(labelled(label, base - tilt, face, pt, dpi)).pages[0]
                    for line in page.lines:
                        deg = -math.degrees(quad_angle(line.quad)) % 360.0  # counter-clockwise
                        off = deg - 90.0 * round(deg / 90.0)
                        if round(deg / 90.0) % 2 == 0:
                            continue  # level body text
                        lean = math.tan(math.radians(abs(off))) * quad_width(line.quad) / max(quad_height(line.quad), 1.0)
                        if line.text == label:  # a piece read alone was turned on its own box's axis
                            (tilted if tilt else exact).append(lean)
                        print(f"{preset:9} {Path(face).stem:22} {dpi} {label!r:16} turn {base - tilt:5.1f}  "
                              f"read {line.text!r:18} off {off:+6.2f} deg  lean {lean:.3f} heights")
        if exact:
            print(f"== {preset}: exact turns: {len(exact)} lines, lean max {max(exact):.3f}, "
                  f"p95 {np.percentile(exact, 95):.3f}; tilted {args.tilt:g} deg: min {min(tilted, default=math.nan):.3f}")


if __name__ == "__main__":
    main()
