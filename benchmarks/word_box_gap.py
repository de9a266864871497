"""Word boxes that start past their first glyph (issue 24 item 5, W11): generated italic, bold and upright lines.

usage: python benchmarks/word_box_gap.py [--dpi 150,200,300] [--sizes 8,11,14] [--turns 0,90]

No pipeline and no evaluation set: each line is drawn with PIL in one face (italic, bold italic, bold,
upright, serif and sans; the fonts installed here, see ``FACES``), its words found by drawing each word
alone at its place, and each word is given the box a reader gives it when it misses the first letter
(Tesseract's LSTM boxes of T7's bold italic ``EUR,`` and ``19%``): from the first ink of its second glyph
to its last ink, its own ink's top and bottom. The boxes of a line go through
:func:`ocrplug.words.fit_words_to_ink` and the script counts, per face:

- ``whole``: words whose fitted box holds all of the word's ink (its first glyph taken in);
- ``merged``: boxes that then hold any pixel of another word's ink (a neighbour's glyph taken in);
- ``tight``: the same line with every box holding its whole word: boxes that the fit makes hold another
  word's ink (it must stay 0).

Words of one character and words whose first glyph touches the next are left out (no box can start past
it). ``--turns 90`` also turns each line a quarter turn (a spine's text), its boxes turned with it. Run it on
main (``PYTHONPATH=/work/main:/work/main/plugins``) and on a branch for before and after; figures in
docs/benchmarks.md "Word boxes that cut glyphs (issue 24 item 5, W11)".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrplug.model import Region
from ocrplug.words import fit_words_to_ink

FACES = {
    "FreeSerif bold italic": "/usr/share/fonts/truetype/freefont/FreeSerifBoldItalic.ttf",
    "FreeSerif italic": "/usr/share/fonts/truetype/freefont/FreeSerifItalic.ttf",
    "FreeSans bold oblique": "/usr/share/fonts/truetype/freefont/FreeSansBoldOblique.ttf",
    "Liberation Serif bold italic": "/usr/share/fonts/truetype/liberation/LiberationSerif-BoldItalic.ttf",
    "Liberation Sans italic": "/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf",
    "DejaVu Serif bold italic": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf",
    "Nimbus Roman bold italic": "/usr/share/fonts/opentype/urw-base35/NimbusRoman-BoldItalic.otf",
    "DejaVu Sans bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "FreeSerif": "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
}
LINES = [
    "Bold italic notice: prices in EUR, 19% VAT included.",
    "Total due by Friday: 450 USD, Wire to Account 7731.",
    "Keep away from heat; Jump leads, Yarn and Velvet 2026.",
]


def draw_line(text: str, path: str, px: int) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """``text`` drawn in the face at ``path`` with ``px`` pixel em on white: the page (uint8), per word its
    ink mask and its first character's ink mask (bool, page size)."""
    face = ImageFont.truetype(path, px)
    width, height = int(face.getlength(text)) + 4 * px, 3 * px
    page = Image.new("L", (width, height), 255)
    ImageDraw.Draw(page).text((2 * px, px), text, font=face, fill=0)
    words, firsts = [], []
    start = 0
    for token in text.split(" "):
        x = 2 * px + face.getlength(text[:start])
        for part, out in ((token, words), (token[:1], firsts)):
            alone = Image.new("L", (width, height), 255)
            ImageDraw.Draw(alone).text((x, px), part, font=face, fill=0)
            out.append(np.asarray(alone) < 128)
        start += len(token) + 1
    return np.asarray(page), words, firsts


def _box(x0: float, y0: float, x1: float, y1: float, text: str) -> Region:
    return Region(quad=((x0, y0), (x1, y0), (x1, y1), (x0, y1)), level="word", text=text)


def _turn(quad: np.ndarray, height: int) -> np.ndarray:
    """A quad's corners (pixel edges) on the page turned a quarter turn clockwise (``np.rot90(page, -1)``),
    in the same order: the text's top-left corner first."""
    return np.stack([height - quad[:, 1], quad[:, 0]], axis=1)


def run_line(text: str, path: str, px: int, turn: int) -> tuple[int, int, int, int]:
    """(words tried, whole after the fit, merged after the fit, tight boxes that took another word's ink)."""
    gray, words, firsts = draw_line(text, path, px)
    ink = gray < 128
    _, labels = cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)
    tokens = text.split(" ")
    tried, boxes, tight = [], [], []
    for k, (token, mask, first) in enumerate(zip(tokens, words, firsts, strict=True)):
        own = mask & ink
        if not own.any():
            continue
        ys, xs = np.nonzero(own)
        tight.append((k, _box(xs.min(), ys.min(), xs.max() + 1, ys.max() + 1, token)))
        comps = np.unique(labels[first & ink])
        comps = comps[comps > 0]
        lead = np.isin(labels, comps)
        if len(token) < 2 or (lead & own & ~first).sum() > 0.1 * (first & ink).sum():
            continue  # a one-letter word, or a first glyph touching the next: no box starts past it
        rest = own & ~lead
        if not rest.any():
            continue
        rx = np.nonzero(rest)[1]
        tried.append(k)
        boxes.append((k, _box(rx.min(), ys.min(), xs.max() + 1, ys.max() + 1, token)))
    if turn:
        gray = np.ascontiguousarray(np.rot90(gray, -1))
        words = [np.rot90(m, -1) for m in words]
        h = ink.shape[0]
        boxes = [(k, b.with_(quad=tuple(map(tuple, _turn(np.asarray(b.quad), h))))) for k, b in boxes]
        tight = [(k, b.with_(quad=tuple(map(tuple, _turn(np.asarray(b.quad), h))))) for k, b in tight]
    page_ink = gray < 128

    def check(pairs: list[tuple[int, Region]]) -> tuple[int, int]:
        fitted = fit_words_to_ink(gray, [b for _, b in pairs])
        whole = merged = 0
        for (k, _), box in zip(pairs, fitted, strict=True):
            m = np.zeros(gray.shape, np.uint8)
            cv2.fillPoly(m, [np.round(np.asarray(box.quad)).astype(np.int32)], 1)
            inside = m > 0
            own = words[k] & page_ink
            whole += bool((own & ~inside).sum() == 0)
            others = np.zeros(gray.shape, bool)
            for j, w in enumerate(words):
                if j != k:
                    others |= w & page_ink & ~own
            merged += bool((others & inside).any())
        return whole, merged

    whole, merged = check(boxes) if boxes else (0, 0)
    _, tight_merged = check(tight)
    return len(tried), whole, merged, tight_merged


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", default="150,200,300")
    ap.add_argument("--sizes", default="8,11,14", help="point sizes")
    ap.add_argument("--turns", default="0,90")
    args = ap.parse_args()
    total = np.zeros(4, dtype=np.int64)
    for name, path in FACES.items():
        if not Path(path).exists():
            print(f"{name}: not installed, skipped")
            continue
        row = np.zeros(4, dtype=np.int64)
        for dpi in (int(v) for v in args.dpi.split(",")):
            for pt in (float(v) for v in args.sizes.split(",")):
                for turn in (int(v) for v in args.turns.split(",")):
                    for text in LINES:
                        row += run_line(text, path, round(pt * dpi / 72), turn)
        total += row
        print(f"{name:32s} words {row[0]:4d}  whole {row[1]:4d}  merged {row[2]:3d}  tight boxes merged {row[3]:3d}", flush=True)
    print(f"{'TOTAL':32s} words {total[0]:4d}  whole {total[1]:4d}  merged {total[2]:3d}  tight boxes merged {total[3]:3d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
