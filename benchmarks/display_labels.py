"""Shelf labels with display type (issue 24, D12): word boxes that cut their first letter.

usage: python benchmarks/display_labels.py [--presets fast] [--count 12] [--inks 0.12,0.18]

T11's ``shelf_label``: a price a third of the label tall makes 12.2 % of the page ink, over
``ocrplug.crops.PAPER_INK`` (12 %), so :func:`ocrplug.words.fit_words_to_ink` took the page for no text on
paper and left PP-OCR's boxes of ``Oat`` and ``Art.`` 12 and 7 px short of their first letter. This draws
``--count`` labels (:func:`label_page`: a bold title, an article line, a huge price, a unit price; fonts,
sizes, words and the price's size varied so the labels hold 10-18 % ink), runs each preset once for every
page-ink limit of ``--inks`` (``ocrplug.words.FIT_PAPER_INK`` set to it) and prints, per preset and limit,
the words read and the glyphs cut (:func:`cut_glyphs`: an ink component whose centre lies in a word box
but which reaches more than a pixel past it), with each label's ink share. No shared data is needed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf",
]
REGULAR = {
    "DejaVuSans-Bold.ttf": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "LiberationSans-Bold.ttf": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "FreeSansBold.ttf": "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "LiberationSerif-Bold.ttf": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "DejaVuSerif-Bold.ttf": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "FreeSerifBold.ttf": "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
}
TITLES = ["Oat Drink", "Whole Milk", "Apple Juice", "Oven Chips", "Green Tea", "Tomato Soup", "Wheat Bread",
          "Olive Oil", "Orange Jam", "Mango Slices"]
PRICES = ["1.89", "2.49", "0.99", "3.75", "4.20", "12.90"]


def label_page(seed: int) -> tuple[np.ndarray, list[str]]:
    """A 900 x 450 px shelf label (gray uint8) drawn with seed ``seed``, and its words: a bold title at
    34-40 px, ``Art. NNNNNN`` and a unit price at 18-22 px (the regular face), a price in 250-330 px type."""
    rnd = random.Random(seed)
    bold = FONTS[seed % len(FONTS)]
    regular = REGULAR[Path(bold).name]
    img = Image.new("L", (900, 450), 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((6, 6, 893, 443), outline=0, width=3)
    title = f"{rnd.choice(TITLES)} {rnd.choice(['1 L', '500 g', '250 ml', 'Bio'])}"
    small = ImageFont.truetype(regular, rnd.randint(18, 22))
    article = f"Art. {rnd.randint(100000, 999999)}"
    price = rnd.choice(PRICES)
    unit = f"{price} per 1 kg"
    draw.text((30, 30), title, font=ImageFont.truetype(bold, rnd.randint(34, 40)), fill=0)
    draw.text((30, 92), article, font=small, fill=0)
    big = ImageFont.truetype(bold, rnd.randint(250, 330))
    box = draw.textbbox((0, 0), price, font=big)
    draw.text((860 - box[2], 360 - box[3]), price, font=big, fill=0)
    draw.text((30, 380), unit, font=small, fill=0)
    return np.asarray(img), [*title.split(), *article.split(), price, *unit.split()]


def ink_share(gray: np.ndarray) -> float:
    """The page's ink share as :func:`ocrplug.crops.paper_ink` measures it (Otsu)."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return float(ink.mean())


def cut_glyphs(gray: np.ndarray, boxes: list[tuple[np.ndarray, np.ndarray, str]], widest: float = 0.5) -> list[str]:
    """Ink components (8-connected, under 128, at least 4 px) whose centre lies in a word box ``(lo, hi,
    text)`` but which reach more than a pixel past it, as ``"text: box ... ink ..."``; components wider than
    ``widest`` of the page (a label's frame) are left out. tests/test_word_box_ink.py uses it too."""
    count, _, stats, _ = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8), connectivity=8)
    bad = []
    for x, y, w, h, area in stats[1:count]:
        if area < 4 or w > gray.shape[1] * widest:
            continue
        cx, cy = x + w / 2, y + h / 2
        for lo, hi, text in boxes:
            if lo[0] <= cx <= hi[0] and lo[1] <= cy <= hi[1]:
                if x < lo[0] - 1 or y < lo[1] - 1 or x + w > hi[0] + 1 or y + h > hi[1] + 1:
                    bad.append(f"{text}: box {lo.round().tolist()}-{hi.round().tolist()} ink {[x, y, x + w, y + h]}")
                break
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", default="fast")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--inks", default="0.12,0.18", help="values of ocrplug.words.FIT_PAPER_INK to compare")
    args = parser.parse_args()
    import ocrplug.words as words
    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    pages = [label_page(seed) for seed in range(args.count)]
    print("ink shares:", " ".join(f"{ink_share(g):.3f}" for g, _ in pages))
    for preset in args.presets.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            pipeline = Pipeline.from_dict(dict(preset_config(preset), output={"dir": tmp}, renderers=[]))
            for limit in (float(v) for v in args.inks.split(",")):
                words.FIT_PAPER_INK = limit
                found = cut = 0
                examples: list[str] = []
                for gray, truth in pages:
                    page = pipeline.run(np.stack([gray] * 3, axis=-1)).pages[0]
                    boxes = [
                        (np.asarray(w.quad).min(axis=0), np.asarray(w.quad).max(axis=0), w.text or "")
                        for line in page.lines for w in line.children if w.level == "word" and (w.text or "").strip()
                    ]
                    found += sum(1 for _, _, t in boxes if t in truth)
                    bad = cut_glyphs(gray, boxes)
                    cut += len(bad)
                    examples += bad[:1]
                total = sum(len(t) for _, t in pages)
                print(f"{preset:9s} FIT_PAPER_INK {limit:.2f}: words read {found}/{total}, glyphs cut {cut}"
                      f"  e.g. {examples[:3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
