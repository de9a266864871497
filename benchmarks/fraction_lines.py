"""Vulgar fractions ``½ ¼ ¾ ⅓ ⅔ ⅛`` on drawn lines, read by the ``ppocr`` recognizer (issue 24, G15; T15's recipe).

usage: python benchmarks/fraction_lines.py [--fonts dejavu,...] [--sizes 24,40,64]

Draws recipe lines (``1 ¼ cups``, ``¼ tsp salt``, ``1½ lb``) for each fraction in faces that have the
glyphs, and control lines (``1/4 inch``, ``3/4 cup``, ``½ cup``, ``2½``) at ``--sizes`` pixels per em; reads
each crop once with the recognizer and prints, per fraction, the lines read exactly before (the model's
text after :func:`~ocrplug_ppocr.recognizer.micro_signs` and ``caron_letters``) and after
:func:`~ocrplug_ppocr.recognizer.vulgar_fractions`, with the readings. Recognizer only: no detector.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from PIL import ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from caron_letters import line_image  # noqa: E402

FACES = {
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "dejavuserif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "libsans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "libserif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "nimbusroman": "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf",
    "c059": "/usr/share/fonts/opentype/urw-base35/C059-Roman.otf",
    "notoserif": "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
    "notosans": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
}
TEMPLATES = ["1 {f} cups plain flour", "{f} tsp salt", "1{f} lb apples", "Slice {f} inch thick"]
FRACTIONS = "½¼¾⅓⅔⅛"
CONTROLS = ["Cut 1/4 inch strips", "Add 3/4 cup milk", "Bake 2½ hours at 350°F", "Version 1/2 of 3"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fonts", default=",".join(FACES))
    ap.add_argument("--sizes", default="24,40,64")
    ap.add_argument("--show", action="store_true", help="print every line read wrong after")
    args = ap.parse_args()
    from dataclasses import replace

    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer, caron_letters, micro_signs, vulgar_fractions

    rec = PPOCRRecognizer(PPOCRRecognizerOptions())
    tally: dict[str, list[int]] = {}
    readings: dict[str, Counter[str]] = {}
    for name in args.fonts.split(","):
        font = ImageFont.truetype(FACES[name], 10)
        for size in (int(s) for s in args.sizes.split(",")):
            face = font.font_variant(size=size)
            jobs = [(f, t.format(f=f)) for f in FRACTIONS for t in TEMPLATES if font.getmask(f).getbbox()]
            jobs += [("control", c) for c in CONTROLS]
            reads = rec.read([line_image(t, face) for _, t in jobs])
            for (key, truth), (res, _) in zip(jobs, reads, strict=True):
                before = caron_letters(replace(res, text=micro_signs(res.text)))
                after = vulgar_fractions(before)
                t = tally.setdefault(key, [0, 0, 0])
                t[0] += before.text == truth
                t[1] += after.text == truth
                t[2] += 1
                if key != "control":
                    got = after.text.split()
                    readings.setdefault(key, Counter())[got[0] if got and truth[0] != "S" else " ".join(got[1:2])] += 1
                if args.show and after.text != truth:
                    print(f"  {name} {size}: {truth!r} -> before {before.text!r} after {after.text!r}")
    print(f"{'fraction':9s} {'before':>9s} {'after':>9s}  most frequent first-word readings after")
    for key, (b, a, n) in tally.items():
        common = ", ".join(f"{w!r} {c}" for w, c in readings.get(key, Counter()).most_common(5))
        print(f"{key:9s} {b:>4d}/{n:<4d} {a:>4d}/{n:<4d}  {common}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
