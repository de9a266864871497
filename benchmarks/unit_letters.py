"""Letters read in a number's unit or for its digits: ``Ib`` for ``lb``, ``O`` for ``0`` (issue 24, H16).

usage: python benchmarks/unit_letters.py [--fonts dejavu,...] [--sizes 20,28,40] [--show]

Draws nutrition, recipe and specification lines (``Trans Fat 0g``, ``Cholesterol 0mg 0%``, ``1½ lb cooking
apples``, ``Net weight 10 lbs``) and control lines whose words start with ``O`` or ``I`` (``Ogden, Ohio``,
``OK Olga``, ``Ibis Om``) in several faces and sizes, reads each line with the ``ppocr`` recognizer
(``fast``/``accurate``'s reader) and the ``tesseract`` recognizer (``swift``'s first reader) through the
host's crop path, and counts, before and after :func:`ocrplug.recognition.digit_units`: lines read
exactly, unit words (a number glued to or followed by a unit) right, and every word the rule changed,
right or wrong. "Before" is the reading with the rule turned off. Recognizers only, no detector.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

FACES = {
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "dejavuserif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "libsans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "libserif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "nimbussans": "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf",
    "notosans": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
}
LINES = [
    "Trans Fat 0g", "Cholesterol 0mg 0%", "Sodium 160mg 7%", "Total Fat 10g 13%", "Vitamin D 0mcg 0%",
    "Iron 0.5mg 2%", "Added Sugars 0g 0%", "Protein 0g", "1½ lb cooking apples", "2 lb potatoes",
    "Net weight 10 lbs", "1 lb 4 oz beef", "Bag of 3 lbs.", "Volume 500ml", "Battery 0% left",
]
CONTROLS = ["Ogden, Ohio 2024", "OK Olga, Oscar", "Ibis Om Iowa", "IBM O2 OLED", "Ib. cit. 12"]
UNITS = ("g", "mg", "mcg", "ml", "%", "lb", "lbs", "lbs.", "oz")


def line_image(text: str, face: ImageFont.FreeTypeFont) -> np.ndarray:
    """``text`` in black on white (RGB uint8) with a quarter em of paper above and below, half an em beside."""
    em = face.size
    _, top, right, bottom = face.getbbox(text)
    img = Image.new("RGB", (right + em, bottom - top + em // 2), "white")
    ImageDraw.Draw(img).text((em // 2, em // 4 - top), text, font=face, fill="black")
    return np.asarray(img)


def unit_words(text: str) -> list[str]:
    """The words of ``text`` that are or hold a unit of :data:`UNITS` after a number."""
    words = text.split()
    out = []
    for k, w in enumerate(words):
        glued = any(w.endswith(u) and w[: -len(u)][-1:].isdigit() for u in UNITS)
        alone = w in UNITS and k > 0 and words[k - 1][-1:] in "0123456789½"
        if glued or alone:
            out.append(w)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fonts", default=",".join(FACES))
    ap.add_argument("--sizes", default="20,28,40")
    ap.add_argument("--readers", default="ppocr,tesseract")
    ap.add_argument("--show", action="store_true", help="print every line the rule changed")
    args = ap.parse_args()

    import ocrplug.recognition as recognition
    from ocrplug.model import PageImage, Region

    rule = recognition.unit_letters
    recognition.unit_letters = lambda region: region  # read without the rule: "before"
    readers = {}
    for name in args.readers.split(","):
        if name == "ppocr":
            from ocrplug_ppocr.options import PPOCRRecognizerOptions
            from ocrplug_ppocr.recognizer import PPOCRRecognizer

            readers[name] = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1))
        else:
            from ocrplug_tesseract.options import TesseractRecognizerOptions
            from ocrplug_tesseract.recognizer import TesseractRecognizer

            readers[name] = TesseractRecognizer(TesseractRecognizerOptions())
    tally: dict[tuple[str, str], Counter[str]] = {}
    for name in args.fonts.split(","):
        if not Path(FACES[name]).exists():
            continue
        font = ImageFont.truetype(FACES[name], 10)
        for size in (int(s) for s in args.sizes.split(",")):
            face = font.font_variant(size=size)
            for kind, texts in (("lines", LINES), ("controls", CONTROLS)):
                for truth in texts:
                    canvas = line_image(truth, face).copy()
                    h, w = canvas.shape[:2]
                    region = Region(quad=np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), level="line")
                    page = PageImage(image=canvas, index=0, source="drawn")
                    for reader_name, reader in readers.items():
                        (before,) = reader.recognize(page, [region])
                        after = rule(before)
                        t = tally.setdefault((reader_name, kind), Counter())
                        t["lines"] += 1
                        t["exact before"] += (before.text or "") == truth
                        t["exact after"] += (after.text or "") == truth
                        units = unit_words(truth)
                        t["units"] += len(units)
                        got_b, got_a = Counter((before.text or "").split()), Counter((after.text or "").split())
                        t["units before"] += sum((Counter(units) & got_b).values())
                        t["units after"] += sum((Counter(units) & got_a).values())
                        for wb, wa in zip((before.text or "").split(), (after.text or "").split(), strict=True):
                            if wb != wa:
                                t["changed"] += 1
                                t["changed right"] += wa in truth.split()
                        words_b = [c.text for c in before.children]
                        words_a = [c.text for c in after.children]
                        t["word boxes agree"] += " ".join(words_a) == " ".join((after.text or "").split()) or not words_a
                        if args.show and after.text != before.text:
                            print(f"  {reader_name} {name} {size}: {truth!r}: {before.text!r} -> {after.text!r} {words_b} -> {words_a}")
    print(f"{'reader':10s} {'kind':9s} {'lines':>5s} {'exact before -> after':>22s} {'unit words before -> after':>27s} "
          f"{'words changed (right)':>22s}")
    for (reader_name, kind), t in tally.items():
        print(f"{reader_name:10s} {kind:9s} {t['lines']:5d} {t['exact before']:>10d} -> {t['exact after']:<9d} "
              f"{t['units before']:>10d} -> {t['units after']:<5d}/{t['units']:<8d} {t['changed']:>8d} ({t['changed right']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
