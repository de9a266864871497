"""Lone glyphs with no word on their row: clue numbers in grid cells, an axis's ticks, a page number.

usage: python benchmarks/lone_cells.py [--presets fast,swift,accurate]
                                      [--kinds grid,axis,foot,row,label,board,panel]
       python benchmarks/lone_cells.py --tints icdar2015_val,funsd_train [--limit 40]
                                      [--set KEY=VALUE]

Draws pages of the kinds T11 and T10 found lost (issue 24, G12): a crossword-like grid (2 px rules,
some cells filled black) with a number or a letter (``1 l I 0 O 7 x``...) in the top-left corner of some
cells at 6-14 pt beside a list of clues; a bar chart's y axis whose ticks (``0``..``40``) are numbers
right-aligned in a column, each alone on its row; a page of body text with its page number alone at
the foot; a board's files (``a``..``h``, a row of single letters or digits with no word on it); with
``--kinds ...,label`` (issue 24, L13) shelf labels of display type (10-17 % ink) with a lone digit or
letter in a corner inside the label's frame, near the image's edge; with ``board`` and ``panel`` (issue 24, L14) chess boards with flat grey squares (a
third of the page, level 140-200) with their files and ranks, and forms whose lone answers stand on a flat
grey panel (level 150-200). Fonts from benchmarks/drawn_pages.py, 150-300 dpi. Each expected glyph counts as found when a
word's centre lies in its box grown by half its height, read right when the words there read exactly
it. Prints per preset and kind: glyphs found / read right / expected, and false words (words read
where nothing is drawn, outside every drawn word's box). Generated pages only: no data set is read.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_pages import font

CLUES = ["ACROSS", "Pet that purrs (3)", "Loyal friend (3)", "Black bird (5)", "DOWN", "Automobile (3)",
         "Tree or deer (3)", "Opposite of off (2)"]
BODY = ["The committee met on Tuesday to review the", "budget for the coming year and agreed to",
        "publish the figures with the next report.", "Members asked for a summary of the changes."]


@dataclass
class Glyph:
    text: str
    box: tuple[float, float, float, float]


@dataclass
class Page:
    name: str
    kind: str
    image: np.ndarray
    glyphs: list[Glyph]
    words: list[tuple[float, float, float, float]] = field(default_factory=list)  # every drawn text's box


def _text(d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, f, anchor: str = "la") -> tuple:
    d.text(xy, text, font=f, fill=0, anchor=anchor)
    return d.textbbox(xy, text, font=f, anchor=anchor)


def grid_page(name: str, face: str, pt: float, dpi: int, marks: str, seed: int) -> Page:
    """A 6 x 5 grid of cells 0.4 in wide, a third of them black, a mark of ``marks`` (space-separated) in the top-left corner
    of most white cells (``pt`` points), and clues at 12 pt right of the grid."""
    rng = np.random.default_rng(seed)
    cell = round(0.4 * dpi)
    w, h = round(7.2 * dpi), round(3.0 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    gx, gy = round(0.3 * dpi), round(0.4 * dpi)
    f = font(face, pt, dpi)
    glyphs, words = [], []
    k = 0
    for r in range(5):
        for c in range(6):
            x, y = gx + c * cell, gy + r * cell
            if rng.random() < 0.3:
                d.rectangle([x, y, x + cell, y + cell], fill=0)
                continue
            d.rectangle([x, y, x + cell, y + cell], outline=0, width=2)
            if rng.random() < 0.55:
                mark = marks.split()[k % len(marks.split())]
                k += 1
                box = _text(d, (x + max(3, cell // 16), y + max(3, cell // 20)), mark, f)
                glyphs.append(Glyph(mark, box))
    cf = font("dejavu", 12, dpi)
    y = gy
    for clue in CLUES:
        words.append(_text(d, (gx + 6 * cell + round(0.4 * dpi), y), clue, cf))
        y += round(12 * dpi / 72 * 1.6)
    return Page(name, "grid", np.asarray(img.convert("RGB")), glyphs, words + [g.box for g in glyphs])


def axis_page(name: str, face: str, pt: float, dpi: int) -> Page:
    """A bar chart: a title, a y axis with ticks ``0``..``40`` right-aligned left of it (``pt`` points), bars
    with their values above them and quarter labels below the x axis, a caption."""
    w, h = round(6.0 * dpi), round(4.2 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    f = font(face, pt, dpi)
    words = [_text(d, (round(1.2 * dpi), round(0.2 * dpi)), "Units sold per quarter", font(face, pt * 1.3, dpi))]
    ox, oy, hgt = round(1.2 * dpi), round(3.2 * dpi), round(2.4 * dpi)
    d.line((ox, oy, ox, oy - hgt - 10), fill=0, width=3)
    d.line((ox, oy, ox + round(4.4 * dpi), oy), fill=0, width=3)
    glyphs = []
    for v in (0, 10, 20, 30, 40):
        y = oy - v / 40 * hgt
        d.line((ox - 12, y, ox, y), fill=0, width=3)
        box = _text(d, (ox - round(0.15 * dpi), y), str(v), f, anchor="rm")
        if v == 0:
            glyphs.append(Glyph("0", box))
        words.append(box)
    for i, (q, v) in enumerate((("Q1", 12), ("Q2", 27), ("Q3", 35), ("Q4", 19))):
        x = ox + round((0.3 + i * 1.05) * dpi)
        d.rectangle((x, oy - v / 40 * hgt, x + round(0.35 * dpi), oy), fill=150)
        words.append(_text(d, (x + round(0.175 * dpi), oy - v / 40 * hgt - 8), str(v), f, anchor="md"))
        words.append(_text(d, (x + round(0.175 * dpi), oy + 10), q, f, anchor="ma"))
    words.append(_text(d, (round(0.6 * dpi), round(3.8 * dpi)), "Figure 2. Units sold in 2025.", f))
    return Page(name, "axis", np.asarray(img.convert("RGB")), glyphs, words)


def foot_page(name: str, face: str, pt: float, dpi: int, number: str) -> Page:
    """Four lines of body text at 11 pt and the page number ``number`` (``pt`` points) centred at the foot."""
    w, h = round(5.5 * dpi), round(4.0 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    f = font(face, 11, dpi)
    words, y = [], round(0.5 * dpi)
    for line in BODY:
        words.append(_text(d, (round(0.5 * dpi), y), line, f))
        y += round(11 * dpi / 72 * 1.5)
    box = _text(d, (w // 2, round(3.5 * dpi)), number, font(face, pt, dpi), anchor="ma")
    return Page(name, "foot", np.asarray(img.convert("RGB")), [Glyph(number, box)], [*words, box])


def row_page(name: str, face: str, pt: float, dpi: int, letters: str) -> Page:
    """A board (a ruled square of 8 x 8 cells, 0.45 in each, every other one shaded light) with the letters
    ``letters`` (``pt`` points) one under each column, and a caption of 12 pt below."""
    cell = round(0.45 * dpi)
    x0, y0 = round(0.6 * dpi), round(0.3 * dpi)
    w, h = x0 * 2 + 8 * cell, y0 + 8 * cell + round(1.2 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    for r in range(8):
        for c in range(8):
            if (r + c) % 2:
                d.rectangle([x0 + c * cell, y0 + r * cell, x0 + (c + 1) * cell, y0 + (r + 1) * cell], fill=225)
    d.rectangle([x0, y0, x0 + 8 * cell, y0 + 8 * cell], outline=0, width=3)
    f = font(face, pt, dpi)
    glyphs = [Glyph(ch, _text(d, (x0 + c * cell + cell // 2, y0 + 8 * cell + round(0.15 * dpi)), ch, f, anchor="ma"))
              for c, ch in enumerate(letters)]
    words = [_text(d, (w // 2, y0 + 8 * cell + round(0.6 * dpi)), "White to play and win", font(face, 12, dpi),
                   anchor="ma")]
    return Page(name, "row", np.asarray(img.convert("RGB")), glyphs, words + [g.box for g in glyphs])


def board_page(name: str, face: str, pt: float, dpi: int, shade: int, files: str) -> Page:
    """A chess board (8 x 8 cells of 0.6 in, every other one a flat grey of level ``shade``: 130-200, a third
    of the page or more, the ground spread over paper's) with the ranks ``8``..``1`` left of its rows and
    the files ``files`` under its columns (``pt`` points), and a caption of 12 pt below: T11's
    ``chess.png`` as a kind (issue 24, L14)."""
    cell = round(0.6 * dpi)
    x0, y0 = round(0.6 * dpi), round(0.4 * dpi)
    w, h = x0 + 8 * cell + round(0.4 * dpi), y0 + 8 * cell + round(1.0 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    for r in range(8):
        for c in range(8):
            if (r + c) % 2:
                d.rectangle([x0 + c * cell, y0 + r * cell, x0 + (c + 1) * cell - 1, y0 + (r + 1) * cell - 1],
                            fill=shade)
    d.rectangle([x0, y0, x0 + 8 * cell, y0 + 8 * cell], outline=0, width=3)
    f = font(face, pt, dpi)
    glyphs = [Glyph(ch, _text(d, (x0 + c * cell + cell // 2, y0 + 8 * cell + round(0.12 * dpi)), ch, f, anchor="ma"))
              for c, ch in enumerate(files)]
    glyphs += [Glyph(str(8 - r), _text(d, (x0 - round(0.2 * dpi), y0 + r * cell + cell // 2), str(8 - r), f,
                                       anchor="mm")) for r in range(8)]
    words = [_text(d, (x0 + 4 * cell, y0 + 8 * cell + round(0.55 * dpi)), "White to play and win",
                   font(face, 12, dpi), anchor="ma")]
    return Page(name, "board", np.asarray(img.convert("RGB")), glyphs, words + [g.box for g in glyphs])


def panel_page(name: str, face: str, pt: float, dpi: int, shade: int, marks: str) -> Page:
    """A form of two parts: four lines of body text (``pt`` points) on white, then a flat grey panel (level
    ``shade``, 0.45 of the page) with a row ``Item N`` + a lone glyph of ``marks`` 2.5 in right of it per
    mark, and a ``Total`` row of two words: lone answers on a grey panel (issue 24, L14)."""
    w, h = round(6.0 * dpi), round(4.0 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    f = font(face, pt, dpi)
    m = round(0.4 * dpi)
    words = [_text(d, (m, m + k * round(pt * dpi / 72 * 1.6)), line, f) for k, line in enumerate(BODY)]
    top = round(0.55 * h)
    d.rectangle([0, top, w - 1, h - 1], fill=shade)
    glyphs = []
    step = round(pt * dpi / 72 * 1.9)
    for k, mark in enumerate(marks.split()):
        y = top + round(0.15 * dpi) + k * step
        words.append(_text(d, (m, y), f"Item {k + 1}", f))
        glyphs.append(Glyph(mark, _text(d, (m + round(2.5 * dpi), y), mark, f)))
    words.append(_text(d, (m, top + round(0.15 * dpi) + len(glyphs) * step), "Total items", f))
    return Page(name, "panel", np.asarray(img.convert("RGB")), glyphs, words + [g.box for g in glyphs])


def label_page(name: str, face: str, bold: str, pt: float, dpi: int, mark: str, corner: str, price: float) -> Page:
    """A shelf label (3 x 1.5 in, a 4 px frame 5 px in from the image's edges): a name line at 10 pt bold, an
    article number at 6 pt, a price in ``bold`` at ``price`` points (48-60: the page 11-17 % ink), a unit price
    line at 6 pt, and the lone ``mark`` (``pt`` points, ``bold``) in the label's bottom-right or bottom-left
    ``corner`` 0.1 in inside the frame: T11's ``shelf_label.png`` (its ``6``), as a kind."""
    w, h = round(3.0 * dpi), round(1.5 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    d.rectangle([5, 5, w - 6, h - 6], outline=0, width=4)
    m = round(0.1 * dpi)
    words = [_text(d, (m, m), "Oat Drink Barista 1 L", font(bold, 10, dpi)),
             _text(d, (m, round(0.3 * dpi)), "Art. 208815", font(face, 6, dpi)),
             _text(d, (w - m - 10, round(0.3 * dpi)), "1.89", font(bold, price, dpi), anchor="ra"),
             _text(d, (m, h - m - 10), "1.89 per 1 L", font(face, 6, dpi), anchor="ld")]
    x = w - m - 10 if corner == "right" else round(0.45 * w)
    box = _text(d, (x, h - m - 10), mark, font(bold, pt, dpi), anchor="rd" if corner == "right" else "ld")
    return Page(name, "label", np.asarray(img.convert("RGB")), [Glyph(mark, box)], [*words, box])


def make_pages(kinds: set[str]) -> list[Page]:
    """The generated pages of the kinds asked for (``grid``, ``axis``, ``foot``, ``row``, ``label``, ``board``,
    ``panel``)."""
    pages = []
    if "grid" in kinds:
        for i, (face, pt, dpi, marks) in enumerate([
            ("dejavu", 7, 150, "1 2 3 4 5 6 7 8"), ("dejavu", 6, 300, "9 10 11 12"), ("libserif", 8, 150, "1 l 0 O 7"),
            ("libsans", 10, 200, "I l O 0 x"), ("nimbussans", 7, 200, "3 4 5 6 7"), ("notoserif", 9, 300, "1 I 0 O l"),
            ("libsansb", 12, 150, "2 4 6 8"), ("p052", 14, 200, "1 3 5 7"),
        ]):
            pages.append(grid_page(f"grid_{face}_{pt}pt_{dpi}", face, pt, dpi, marks, seed=i))
    if "axis" in kinds:
        for face, pt, dpi in [("libsans", 12, 200), ("dejavu", 10, 150), ("libserif", 14, 300), ("notosans", 9, 200)]:
            pages.append(axis_page(f"axis_{face}_{pt}pt_{dpi}", face, pt, dpi))
    if "foot" in kinds:
        for face, pt, dpi, number in [("libserif", 12, 200, "4"), ("dejavu", 9, 150, "7"), ("libsans", 10, 300, "1"),
                                      ("notoserif", 8, 200, "12")]:
            pages.append(foot_page(f"foot_{face}_{pt}pt_{dpi}", face, pt, dpi, number))
    if "row" in kinds:
        for face, pt, dpi, letters in [("dejavu", 12, 150, "abcdefgh"), ("libserif", 10, 200, "abcdefgh"),
                                       ("libsans", 9, 300, "ABCDEFGH"), ("notosans", 11, 200, "12345678")]:
            pages.append(row_page(f"row_{face}_{pt}pt_{dpi}", face, pt, dpi, letters))
    if "board" in kinds:
        for face, pt, dpi, shade, files in [
            ("dejavu", 12, 150, 170, "abcdefgh"), ("libserif", 10, 200, 150, "abcdefgh"),
            ("libsans", 9, 300, 190, "ABCDEFGH"), ("notosans", 11, 200, 140, "abcdefgh"),
            ("nimbussans", 8, 300, 180, "abcdefgh"), ("p052", 14, 150, 200, "abcdefgh"),
        ]:
            pages.append(board_page(f"board_{face}_{pt}pt_{dpi}_{shade}", face, pt, dpi, shade, files))
    if "panel" in kinds:
        for face, pt, dpi, shade, marks in [
            ("dejavu", 10, 150, 190, "1 l I 0"), ("libserif", 12, 200, 170, "O c 7 x"),
            ("libsans", 9, 300, 200, "I 1 c O"), ("notosans", 14, 150, 160, "0 l x I"),
            ("nimbussans", 8, 300, 180, "c 1 O 7"), ("libsansb", 11, 200, 150, "l I 0 c"),
        ]:
            pages.append(panel_page(f"panel_{face}_{pt}pt_{dpi}_{shade}", face, pt, dpi, shade, marks))
    if "label" in kinds:
        for face, bold, pt, dpi, mark, corner, price in [
            ("dejavu", "dejavub", 8, 300, "6", "right", 48), ("libsans", "libsansb", 10, 300, "1", "right", 56),
            ("notosans", "notoserifb", 9, 200, "0", "right", 52), ("nimbussans", "nimbussansb", 12, 200, "O", "left", 60),
            ("libserif", "c059b", 8, 300, "l", "right", 56), ("dejavu", "dejavub", 14, 150, "I", "right", 50),
            ("libsans", "libsansb", 7, 300, "7", "left", 60), ("gothic", "gothicb", 11, 200, "x", "right", 54),
        ]:
            pages.append(label_page(f"label_{bold}_{pt}pt_{dpi}_{mark}", face, bold, pt, dpi, mark, corner, price))
    return pages


def score(page: Page, words: list[tuple[str, tuple[float, float, float, float]]]) -> tuple[int, int, int]:
    """(found, read right, false words) of ``page`` given the words read (``(text, bbox)``)."""
    found = right = 0
    for g in page.glyphs:
        x0, y0, x1, y1 = g.box
        grow = (y1 - y0) / 2
        here = [t for t, (a, b, c, e) in words
                if x0 - grow <= (a + c) / 2 <= x1 + grow and y0 - grow <= (b + e) / 2 <= y1 + grow]
        found += bool(here)
        right += " ".join(here) == g.text
    false = 0
    for _t, (a, b, c, e) in words:
        cx, cy = (a + c) / 2, (b + e) / 2
        false += not any(x0 - 4 <= cx <= x1 + 4 and y0 - 4 <= cy <= y1 + 4 for x0, y0, x1, y1 in page.words)
    return found, right, false


def tint_cover(gray: np.ndarray, spread: int) -> float:
    """The share of ``gray`` (H x W uint8) in the ground bands of ``2 * spread + 1`` grey levels that
    :func:`ocrplug.lone_glyphs.tint_ink` takes (:func:`ocrplug.lone_glyphs.tint_levels`)."""
    from ocrplug.lone_glyphs import tint_levels

    hist, ground = tint_levels(gray, spread)
    return float(hist[ground].sum())


def print_tints(sets: str, limit: int) -> None:
    """``--tints``: the least and most :func:`tint_cover` at spreads 2, 4, 8 of the pages that are no text on
    paper (:func:`ocrplug.crops.paper_ink` at :data:`ocrplug.lone_glyphs.LONE_PAPER_INK`) in the first
    ``limit`` images of each set (validation sets only), and of the ``board`` and ``panel`` pages."""
    import os

    import cv2

    from ocrplug.crops import paper_ink
    from ocrplug.evaluation import load_dataset
    from ocrplug.lone_glyphs import LONE_PAPER_INK

    shared = Path(os.environ.get("OCRPLUG_SHARED", "/work/shared"))
    groups: dict[str, list[list[float]]] = {}
    for name in sets.split(","):
        for gt in load_dataset(shared / "eval" / name, limit):
            gray = cv2.imread(str(gt.image_path), cv2.IMREAD_GRAYSCALE)
            if paper_ink(gray, LONE_PAPER_INK) is None:
                groups.setdefault(name, []).append([tint_cover(gray, s) for s in (2, 4, 8)])
    for page in make_pages({"board", "panel"}):
        gray = cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY)
        groups.setdefault("drawn board/panel", []).append([tint_cover(gray, s) for s in (2, 4, 8)])
    for name, rows in groups.items():
        v = np.array(rows)
        print(f"{name}: {len(v)} pages no paper; covered at spread 2/4/8: least {v.min(0).round(3).tolist()}, "
              f"most {v.max(0).round(3).tolist()} (tint_ink needs {1 - LONE_PAPER_INK:.2f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tints", default="", help="sets (e.g. icdar2015_val,funsd_train): print tint_cover, run nothing")
    ap.add_argument("--limit", type=int, default=40, help="images of each --tints set")
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--kinds", default="grid,axis,foot,row")
    ap.add_argument("--set", action="append", default=[], help="config override KEY=VALUE (every preset)")
    args = ap.parse_args()
    if args.tints:
        print_tints(args.tints, args.limit)
        return 0
    from ocrplug.pipeline import Pipeline

    pages = make_pages(set(args.kinds.split(",")))
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset, ["renderers=[]", *args.set])
        totals: dict[str, list[int]] = {}
        started = time.perf_counter()
        for page in pages:
            result = pipe.run(page.image).pages[0]
            words = [(w.text or "", w.bbox) for w in result.words]
            found, right, false = score(page, words)
            t = totals.setdefault(page.kind, [0, 0, 0, 0])
            for j, v in enumerate((found, right, len(page.glyphs), false)):
                t[j] += v
            print(f"{preset:8s} {page.name:28s} found {found}/{len(page.glyphs)} right {right} false {false}", flush=True)
        for kind, (found, right, total, false) in totals.items():
            print(f"{preset}: {kind}: found {found}/{total}, read right {right}/{total}, false words {false}", flush=True)
        print(f"{preset}: {(time.perf_counter() - started) / max(len(pages), 1):.2f} s per page (wall)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
