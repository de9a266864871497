"""Closing marks after monospaced words (issue 24, M6): when is a model space before ``: ; , . ) %`` no gap?

usage: python benchmarks/mono_marks.py [--tol 0.12]

Draws ``word + mark`` and ``word + " " + mark`` with PIL for 38 label / receipt words and six closing marks
in URW Nimbus Mono, Liberation Mono and DejaVu Sans Mono (monospaced) and DejaVu Sans, Liberation Sans,
Liberation Serif and URW Nimbus Sans (proportional) at 21, 25, 29, 33 and 46 px, and asks
``ocrplug_ppocr.recognizer._in_next_cell`` (with ``MONO_PITCH_TOL`` set to ``--tol``) whether the mark sits
in the cell right after the word. Prints, per kind of face, the share of marks drawn without a space that
pass (they should: the word's space is no gap) and of marks drawn after a space that pass (they should not;
also per word length for the proportional faces).
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

import numpy as np
from ocrplug_ppocr import recognizer
from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf": True,
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf": True,
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf": True,
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf": False,
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf": False,
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf": False,
    "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf": False,
}
WORDS = ["Code", "Rate", "Qty", "Total", "MARINA", "Amount", "Item", "Size", "Axis", "Mark", "Room", "Class",
         "Quantity", "Grade", "Name", "Date", "Price", "Tax", "No", "Fax", "Phone", "cash", "VISA", "Change",
         "TOTAL", "Subtotal", "3.50", "12", "Nom", "Note", "Tel", "Ref", "Page", "Line", "Unit", "Cost", "Sum",
         "Amt"]
MARKS = ":.,;)%"
SIZES = (21, 25, 29, 33, 46)


def passes(text: str, face: ImageFont.FreeTypeFont, glyphs: int) -> bool:
    """Whether the last character of ``text`` (drawn black on white) passes as in the next cell."""
    img = Image.new("L", (round(face.getlength(text)) + 40, 2 * face.size), 255)
    ImageDraw.Draw(img).text((20, face.size // 3), text, font=face, fill=0)
    runs = recognizer._ink_runs((np.asarray(img) < 128).any(axis=0))
    left, _, right, _ = face.getbbox(text[-1])
    x_mark = 20 + face.getlength(text[:-1]) + (left + right) / 2
    return recognizer._in_next_cell(runs, x_mark, glyphs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tol", type=float, default=recognizer.MONO_PITCH_TOL)
    args = ap.parse_args()
    recognizer.MONO_PITCH_TOL = args.tol
    count: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0])
    for path, mono in FONTS.items():
        if not Path(path).is_file():
            print(f"skipped (not installed): {path}")
            continue
        for px in SIZES:
            face = ImageFont.truetype(path, px)
            for word in WORDS:
                for mark in MARKS:
                    for space in ("", " "):
                        hit = passes(word + space + mark, face, len(word))
                        for key in ((mono, space), (mono, space, min(len(word), 5))):
                            count[key][0] += hit
                            count[key][1] += 1
    for mono in (True, False):
        kind = "monospaced" if mono else "proportional"
        for space, what in (("", "no space (should pass)"), (" ", "after a space (should not)")):
            hit, total = count[(mono, space)]
            by_len = " ".join(f"{n}{'+' if n == 5 else ''}:{count[(mono, space, n)][0]}/{count[(mono, space, n)][1]}"
                              for n in range(2, 6) if count[(mono, space, n)][1])
            print(f"{kind:12s} {what:28s} {hit}/{total} = {hit / max(total, 1):.3f}   by word length {by_len}")


if __name__ == "__main__":
    main()
