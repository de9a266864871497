"""How much paper around a lone glyph lets PP-OCR read it (issue 24, M6: a lone monospaced ``%`` read ``0``).

usage: python benchmarks/lone_reread.py

Draws a lone ``%``, ``0`` and ``x`` with PIL in URW Nimbus Mono, Liberation Mono, DejaVu Sans Mono and
DejaVu Sans at 25, 33 and 46 px, cuts each to its ink with 0.1, 0.2, 0.3, 0.45 or 0.6 of its ink height
of paper above and below (rows) and beside it (columns), reads every cut with the ``ppocr`` recognizer
(``PPOCRRecognizer.read``) and prints a grid per glyph, font and size: ``#`` where it is read as drawn
(``x`` and ``X`` alike: the case comes from the row, ocrplug.crops.lone_glyph_case). The result chose
``ocrplug_ppocr.recognizer.LONE_INK_PAD``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from ocrplug_ppocr.options import PPOCRRecognizerOptions
from ocrplug_ppocr.recognizer import PPOCRRecognizer
from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "nimbusmono": "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf",
    "libmono": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "dejavumono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "dejavusans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}
PADS = (0.1, 0.2, 0.3, 0.45, 0.6)


def main() -> None:
    reader = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1))
    print("rows: paper above and below", PADS, "; columns: beside", PADS)
    for glyph in "%0x":
        for name, path in FONTS.items():
            if not Path(path).is_file():
                print(f"skipped (not installed): {path}")
                continue
            for px in (25, 33, 46):
                face = ImageFont.truetype(path, px)
                img = Image.new("RGB", (4 * px, 4 * px), "white")
                ImageDraw.Draw(img).text((px, px), glyph, font=face, fill="black")
                a = np.asarray(img)
                ink = a.min(axis=2) < 128
                ys, xs = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
                height = ys[-1] - ys[0] + 1
                cuts = []
                for py in PADS:
                    for pxx in PADS:
                        p, q = round(py * height), round(pxx * height)
                        cuts.append(a[ys[0] - p : ys[-1] + 1 + p, xs[0] - q : xs[-1] + 1 + q])
                hits = [res.text.lower() == glyph for res, _ in reader.read(cuts)]
                grid = " ".join("".join("#" if h else "." for h in hits[i : i + len(PADS)])
                                for i in range(0, len(hits), len(PADS)))
                print(f"{glyph} {name:11s} {px:3d} px  {grid}")


if __name__ == "__main__":
    main()
