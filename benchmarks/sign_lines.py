"""Unit signs and fractions in drawn lines, read by a preset (issue 24, R12: ``µ``, ``½``, ``18 V``).

usage: python benchmarks/sign_lines.py [--presets fast] [--dpis 150,300] [--pt 9,12] [--out DIR] [--show]

Draws, per face (DejaVu Sans, Liberation Sans and Serif, URW Nimbus Roman and C059), size and resolution,
one page of lines that hold the signs a fresh user's pages had misread: the micro sign ``µ`` (U+00B5) in
``50 µm``, ``2 µF``, ``120 µg``; the vulgar fractions ``½`` ``¼`` ``¾`` (``½ cup``, ``1½ hours``); and a
number and its unit apart (``18 V``, ``230 V``, ``5 A``). Each page is read with each preset and, for
every target, the page's text (``ocrplug_render.text.page_text``) is searched: ``right`` when the target
is there as drawn; otherwise the target's line is shown when ``--show`` is given. The micro sign read
as the Greek letter mu (U+03BC, the same glyph in these faces, its NFKC form) is counted apart
(``as Greek mu``), as are the fractions read as ``1/2`` or the like (``as digits``) and a number and
unit read run together (``18V``: ``joined``).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FACES = {
    "dejavu-sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "liberation-sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "liberation-serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "nimbus-roman": "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf",
    "c059": "/usr/share/fonts/opentype/urw-base35/C059-Roman.otf",
}
LINES = [
    ("Film 50 µm thick on a 2 µF capacitor", ["µm", "µF"]),
    ("Each tablet holds 120 µg of iodine", ["µg"]),
    ("Add ½ cup of water and bake for 1½ hours", ["½", "1½"]),
    ("Cut ¼ of the dough, keep ¾ for later", ["¼", "¾"]),
    ("Drill 18 V with a 5 A charger at 230 V", ["18 V", "5 A", "230 V"]),
]
FRACTIONS = {"½": "1/2", "¼": "1/4", "¾": "3/4"}


def draw(face_path: str, pt: float, dpi: int) -> Image.Image:
    """A white page with :data:`LINES` at ``pt`` points and ``dpi``, two lines apart."""
    px = round(pt * dpi / 72)
    face = ImageFont.truetype(face_path, px)
    margin = round(0.5 * dpi)
    width = 2 * margin + max(round(face.getlength(s)) for s, _ in LINES)
    img = Image.new("L", (width, 2 * margin + 2 * px * len(LINES)), 255)
    d = ImageDraw.Draw(img)
    for i, (s, _) in enumerate(LINES):
        d.text((margin, margin + 2 * px * i), s, font=face, fill=0)
    return img


def verdict(target: str, text: str) -> str:
    """How ``target`` shows in ``text`` (the page's text with runs of whitespace made one space)."""
    padded = f" {text} "
    if any(f"{a}{target}{b}" in padded for a in " (" for b in " ,.)"):
        return "right"
    if "µ" in target and target.replace("µ", "\u03bc") in text:
        return "as Greek mu"
    for frac, digits in FRACTIONS.items():
        if frac in target and (target.replace(frac, digits) in text or target.replace(frac, " " + digits) in text):
            return "as digits"
    if " " in target and target.replace(" ", "") in text:
        return "joined"
    return "wrong"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast")
    ap.add_argument("--dpis", default="150,300")
    ap.add_argument("--pt", default="9,12")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--show", action="store_true", help="print the lines that missed a target")
    args = ap.parse_args()
    from ocrplug_render.text import page_text

    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    folder = args.out or Path(tempfile.mkdtemp(prefix="sign_lines_"))
    folder.mkdir(parents=True, exist_ok=True)
    drawn = []
    for dpi in (int(v) for v in args.dpis.split(",")):
        for pt in (float(v) for v in args.pt.split(",")):
            for name, path in FACES.items():
                if Path(path).is_file():
                    page = folder / f"{name}-{pt:g}pt-{dpi}.png"
                    draw(path, pt, dpi).save(page)
                    drawn.append(page)
    kinds = ["micro", "fraction", "unit"]
    for preset in args.presets.split(","):
        pipe = Pipeline.from_dict(dict(preset_config(preset), renderers=[], output={"dir": str(folder / preset)}))
        counts: dict[str, collections.Counter] = {k: collections.Counter() for k in kinds}
        for page in drawn:
            text = page_text(pipe.run(page).pages[0])
            flat = " ".join(text.split())
            for _line, targets in LINES:
                for target in targets:
                    kind = "micro" if "µ" in target else "fraction" if any(f in target for f in FRACTIONS) else "unit"
                    v = verdict(target, flat)
                    counts[kind][v] += 1
                    if v != "right" and args.show:
                        print(f"    {page.stem} {target!r} {v}: {flat!r}")
        for kind in kinds:
            c = counts[kind]
            print(f"{preset:9s} {kind:9s} right {c['right']}/{sum(c.values())}  "
                  + "  ".join(f"{k} {v}" for k, v in sorted(c.items()) if k != "right"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
