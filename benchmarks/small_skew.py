"""Small skews written exactly: generated text pages turned -3..+3 degrees, the angles each preset writes.

usage: python benchmarks/small_skew.py [--presets fast,swift,accurate] [--angles -3:3:0.5] [--fonts 2]
                                       [--work DIR] [--verbose] [--reuse]

Issue 24 item 2: a region's angle is exact for small skews as for turns, and a line whose skew is under
the renderers' threshold (``level_tolerance_deg``: ``LEVEL_ANGLE_DEG``, less for long lines) is written level. Each page is drawn with PIL at 300 dpi
(8.5 x 6 inches): a heading (16 pt), two columns of 12 body lines (10 pt), a short footer (``Page 3 of
12``, 10 pt), then turned by the page's angle (counter-clockwise, ``expand``, white fill) as a scan on a
skewed feeder would be. Each angle of ``--angles`` is drawn in ``--fonts`` of the installed DejaVu Sans,
Liberation Serif, FreeSerif and Noto Sans (chosen in turn, so that every font meets every sign of
angle), with one of four headings (one short). Every page runs through each preset in this process with
the ``json`` and ``hocr`` renderers; for each line the *written* angle is read from both: the json
renderer's line quad (``quad_angle``, degrees counter-clockwise) and hOCR's ``textangle`` (0 when none
is written). A line's json error is ``|json - true|``; its hOCR error is against what a renderer should
write, the true angle past the line's level tolerance and 0 under it (at exactly the tolerance either
counts; :func:`ocrplug.levelling.level_tolerance_deg` of the line's length and height: at most
``LEVEL_ANGLE_DEG``, less for a long line). A page's error is the largest over its lines (heading,
body and footer told apart by their place down the turned page). Printed per page: the true angle, the
heading's and footer's written angles, the body lines' median, the blocks' (json regions') largest
error and the page's largest line error; per preset the mean and largest error over all lines (json and
hOCR) and over blocks, and how many lines are off by more than 0.3 degrees.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.levelling import LEVEL_ANGLE_DEG, level_tolerance_deg
from ocrplug.presets import preset_config

FONTS = {
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "liberation": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "freeserif": "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
    "notosans": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
}
HEADINGS = ["Quarterly Maintenance Report", "Site Notes", "Minutes of the March Meeting", "Storage Inventory"]
FOOTER = "Page 3 of 12"
WORDS = (
    "the survey found eleven broken windows near north gate and two open doors while inspectors noted water "
    "damage along eastern wall of storage building repairs were scheduled for early spring pending approval "
    "from regional office budget committee"
).split()
DPI = 300
OFF = 0.3  # degrees: a line written further than this off its true angle is counted


def draw_page(font: str, degrees: float, heading: str, seed: int) -> Image.Image:
    """A two-column page in ``font`` (a key of FONTS) turned ``degrees`` counter-clockwise (expand, white)."""
    rng = random.Random(seed)
    width, height = round(8.5 * DPI), round(6 * DPI)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(FONTS[font], round(10 * DPI / 72))
    head = ImageFont.truetype(FONTS[font], round(16 * DPI / 72))
    margin, gutter = round(0.7 * DPI), round(0.4 * DPI)
    draw.text((margin, margin), heading, font=head, fill=0)
    top = margin + round(16 * DPI / 72 * 2.2)
    col = (width - 2 * margin - gutter) // 2
    pitch = round(10 * DPI / 72 * 1.5)
    for c in range(2):
        x = margin + c * (col + gutter)
        for i in range(12):
            words: list[str] = []
            while True:
                w = rng.choice(WORDS)
                if body.getlength(" ".join([*words, w])) > col:
                    break
                words.append(w)
            draw.text((x, top + i * pitch), " ".join(words), font=body, fill=0)
    draw.text((margin, height - margin), FOOTER, font=body, fill=0)
    return img.rotate(degrees, expand=True, fillcolor=255, resample=Image.BICUBIC)


def pages(angles: list[float], fonts: int, work: Path) -> list[tuple[str, str, float]]:
    """Draw the pages under ``work``: ``[(name, font, degrees)]``."""
    names = list(FONTS)
    out = []
    for i, deg in enumerate(angles):
        for k in range(fonts):
            font = names[(i + k * len(names) // max(fonts, 1)) % len(names)]
            name = f"skew{deg:+.1f}_{font}".replace(".", "p")
            heading = HEADINGS[(i + k) % len(HEADINGS)]
            draw_page(font, deg, heading, seed=17 * i + k).save(work / f"{name}.png", dpi=(DPI, DPI))
            out.append((name, font, deg))
    return out


def _lines(regions: list[dict]) -> list[dict]:
    out = []
    for r in regions:
        if r["level"] == "line":
            out.append(r)
        else:
            out += _lines(r.get("children", []))
    return out


def read_angles(out: Path, name: str, degrees: float) -> dict:
    """Per line of the page's json (in reading order): its role, json angle and hOCR textangle (degrees);
    and each block's json angle."""
    page = json.loads((out / f"{name}.json").read_text())["pages"][0]
    blocks = [-math.degrees(quad_angle(tuple(map(tuple, b["quad"])))) for b in page["regions"]]
    lines = _lines(page["regions"])
    rad = math.radians(degrees)
    down = np.array([math.sin(rad), math.cos(rad)])  # the turned page's downward direction (y down)
    depth = [float(np.mean(np.asarray(ln["quad"]), axis=0) @ down) for ln in lines]
    hocr = etree.parse(str(out / f"{name}.hocr"), etree.HTMLParser())
    spans = [s for s in hocr.iter("span") if s.get("class") == "ocr_line"]
    text_angles = []
    for s in spans:
        m = re.search(r"textangle (-?[\d.]+)", s.get("title", ""))
        a = float(m.group(1)) if m else 0.0
        text_angles.append(a - 360.0 if a > 180 else a)
    rows = []
    top, bottom = (int(np.argmin(depth)), int(np.argmax(depth))) if lines else (-1, -1)
    for k, ln in enumerate(lines):
        role = "heading" if k == top else "footer" if k == bottom else "body"
        q = np.asarray(ln["quad"], dtype=np.float64)
        rows.append({
            "role": role,
            "text": ln.get("text") or "",
            "length": float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2,
            "height": float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2,
            "json": -math.degrees(quad_angle(tuple(map(tuple, ln["quad"])))),
            "hocr": text_angles[k] if k < len(text_angles) else float("nan"),
        })
    return {"lines": rows, "blocks": blocks}


def hocr_error(written: float, degrees: float, length: float = 0.0, height: float = 0.0) -> float:
    """How far an hOCR ``textangle`` (0 when none) is off what should be written for a line at ``degrees``
    (``length`` x ``height`` pixels: past :func:`ocrplug.levelling.level_tolerance_deg` of them the true
    angle, under it 0; without a length, ``LEVEL_ANGLE_DEG``)."""
    tolerance = level_tolerance_deg(length, height) if length > 0 else LEVEL_ANGLE_DEG
    if abs(degrees) > tolerance + 1e-9:
        return abs(written - degrees)
    if abs(degrees) < tolerance - 1e-9:
        return abs(written)
    return min(abs(written), abs(written - degrees))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--angles", default="-3:3:0.5", help="start:stop:step in degrees (stop included), or a list a,b,c")
    ap.add_argument("--fonts", type=int, default=2, help="fonts per angle (1-4)")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--verbose", action="store_true", help="print every line's angles")
    ap.add_argument("--reuse", action="store_true",
                    help="score the json / hOCR already under --work for a page instead of running it again")
    args = ap.parse_args()
    if ":" in args.angles:
        a, b, s = (float(x) for x in args.angles.split(":"))
        angles = [round(a + k * s, 3) for k in range(round((b - a) / s) + 1)]
    else:
        angles = [float(x) for x in args.angles.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-small-skew-"))
    work.mkdir(parents=True, exist_ok=True)
    todo = pages(angles, args.fonts, work)
    print(f"{len(todo)} pages under {work}")
    for preset in args.presets.split(","):
        out = work / preset
        pipeline = Pipeline.from_dict(dict(preset_config(preset), renderers=[{"name": "json"}, {"name": "hocr"}]))
        errs_json: list[float] = []
        errs_hocr: list[float] = []
        errs_block: list[float] = []
        t0 = time.perf_counter()
        print(f"\n{preset}: true | heading json/hocr | body median json (hocr) | footer json/hocr | block max err | "
              "page max err json/hocr")
        for name, font, deg in todo:
            if not (args.reuse and (out / f"{name}.json").is_file() and (out / f"{name}.hocr").is_file()):
                pipeline.run(work / f"{name}.png", out)
            got = read_angles(out, name, deg)
            lines = got["lines"]
            ej = [abs(ln["json"] - deg) for ln in lines]
            eh = [hocr_error(ln["hocr"], deg, ln["length"], ln["height"]) for ln in lines]
            eb = [abs(b - deg) for b in got["blocks"]]
            errs_json += ej
            errs_hocr += eh
            errs_block += eb
            role = {r: [ln for ln in lines if ln["role"] == r] for r in ("heading", "body", "footer")}

            def pair(r: str, role: dict = role) -> str:
                return f"{role[r][0]['json']:6.2f}/{role[r][0]['hocr']:6.2f}" if role[r] else "     -/     -"

            body = role["body"]
            med = (f"{np.median([ln['json'] for ln in body]):6.2f} ({np.median([ln['hocr'] for ln in body]):6.2f})"
                   if body else "     -")
            print(f"  {deg:+5.1f} {font:10s} | {pair('heading')} | {med} | {pair('footer')} | "
                  f"{max(eb, default=float('nan')):5.2f} | {max(ej, default=float('nan')):5.2f}/"
                  f"{max(eh, default=float('nan')):5.2f}")
            if args.verbose:
                for ln in lines:
                    print(f"      {ln['role']:7s} {ln['json']:6.2f} {ln['hocr']:6.2f} {ln['text'][:40]}")
        ej_a, eh_a, eb_a = np.array(errs_json), np.array(errs_hocr), np.array(errs_block)
        print(f"{preset}: {len(todo)} pages, {len(ej_a)} lines, {time.perf_counter() - t0:.0f} s")
        print(f"  line error json: mean {ej_a.mean():.3f} max {ej_a.max():.2f}; hocr textangle: mean {eh_a.mean():.3f} "
              f"max {eh_a.max():.2f}; lines off > {OFF} deg: {int((eh_a > OFF).sum())} (hocr), {int((ej_a > OFF).sum())} (json)")
        print(f"  block error json: mean {eb_a.mean():.3f} max {eb_a.max():.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
