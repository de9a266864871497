"""Boxed handwritten answers beside printed questions, and ticks in boxes: what ``db``'s lone rules keep.

usage: python benchmarks/boxed_answers.py [--preset fast] [--tall-rows 0.6,0.5,0.4,0.3] [--tall-scores 0,0.7,0.75,0.8,0.85]

:func:`make_pages` draws letter pages at 200 dpi (PIL): six printed questions (DejaVu Sans or Liberation
Sans, 24-40 px) each with a one-letter answer (``A``-``D``) in a drawn box far right, written in a
handwriting-like face (Comic Neue regular, bold, italic; URW Z003) 1.3-1.9 times the question's size, in
navy, black or red; and four printed statements with a check mark (DejaVu Sans ``\u2713``, 1.6 times the
text) in one of two boxes (T10's quiz, issue 24; deterministic: the same pages every run). The ``--preset``'s
``db`` probability map of each page is computed once; the post-processing then runs with each
``LONE_TALL_ROW`` (a row this many times the glyph's height re-scores it) and ``LONE_TALL_SCORE`` (the own
mean a taller glyph needs) of the lists and prints the answers boxed (a box holding the answer's centre)
and the ticks boxed: a tick's box is read as junk by PP-OCR (``\u300d``, ``\u4e2a``, ``L``), so every tick boxed
is a false box. Generated pages only; the validation splits are measured by benchmarks/db_lone.py.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SANS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
HANDS = ("/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
         "/usr/share/fonts/opentype/comic-neue/ComicNeue-Bold.otf",
         "/usr/share/fonts/opentype/comic-neue/ComicNeue-Italic.otf",
         "/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf")
INKS = ((20, 30, 140), (0, 0, 0), (180, 20, 20))
QUESTIONS = ("1. Which planet is the largest?", "2. Which gas do plants take in?", "3. How many legs?",
             "4. Which organ pumps blood?", "5. What is frozen water called?", "6. Which is a mammal?")
STATEMENTS = ("7. The Sun is a star.", "8. Sound is faster than light.", "9. Ice floats.", "10. Spiders are insects.")


@dataclass(frozen=True)
class BoxedPage:
    """A generated page: name, RGB image (H x W x 3 uint8), answer ink boxes and tick ink boxes (page px)."""

    name: str
    image: np.ndarray
    answers: tuple[tuple[int, int, int, int], ...]
    ticks: tuple[tuple[int, int, int, int], ...]


def _page(k: int, sans: str, hand: str, px: int, ratio: float, ink: tuple[int, int, int]) -> BoxedPage:
    im = Image.new("RGB", (1700, 2200), "white")
    d = ImageDraw.Draw(im)
    text, big = ImageFont.truetype(sans, px), ImageFont.truetype(hand, round(px * ratio))
    tick = ImageFont.truetype(SANS[0], round(px * 1.6))
    answers, ticks = [], []
    y, side = 300, round(px * ratio * 1.4)
    for question, letter in zip(QUESTIONS, "ACDBAD", strict=True):
        d.text((150, y), question, font=text, fill="black")
        top = y + px // 2 - side // 2
        d.rectangle((1300, top, 1300 + side, top + side), outline="black", width=3)
        box = d.textbbox((0, 0), letter, font=big)
        x0 = 1300 + (side - (box[2] - box[0])) // 2 - box[0]
        y0 = top + (side - (box[3] - box[1])) // 2 - box[1]
        d.text((x0, y0), letter, font=big, fill=ink)
        answers.append(d.textbbox((x0, y0), letter, font=big))
        y += max(100, side + 30)
    y += 60
    cell = round(px * 1.5)
    for s, statement in enumerate(STATEMENTS):
        d.text((150, y), statement, font=text, fill="black")
        for x in (1280, 1430):
            d.rectangle((x, y + px // 2 - cell // 2, x + cell, y + px // 2 + cell // 2), outline="black", width=3)
        x = (1280, 1430)[(s + k) % 2]
        box = d.textbbox((0, 0), "\u2713", font=tick)
        tx = x + (cell - (box[2] - box[0])) // 2 - box[0]
        ty = y + px // 2 - (box[3] - box[1]) // 2 - box[1]
        d.text((tx, ty), "\u2713", font=tick, fill=ink)
        ticks.append(d.textbbox((tx, ty), "\u2713", font=tick))
        y += max(90, cell + 40)
    name = f"{Path(sans).stem}_{Path(hand).stem}_{px}_{ratio:g}"
    return BoxedPage(name, np.asarray(im), tuple(answers), tuple(ticks))


def make_pages() -> list[BoxedPage]:
    """The benchmark's pages: 2 question faces x 4 answer faces x 3 sizes (24, 32, 40 px), the answer-to-text
    ratio (1.3, 1.6, 1.9) and the ink (navy, black, red) taking turns: 24 pages, 144 answers, 96 ticks."""
    pages, k = [], 0
    for sans in SANS:
        for hand in HANDS:
            for px in (24, 32, 40):
                pages.append(_page(k, sans, hand, px, (1.3, 1.6, 1.9)[(k + k // 3) % 3], INKS[k % len(INKS)]))
                k += 1
    return pages


def _held(boxes: list, target: tuple[int, int, int, int], scale: float) -> bool:
    cx, cy = (target[0] + target[2]) / 2 * scale, (target[1] + target[3]) / 2 * scale
    for b in boxes:
        (x0, y0), (x1, y1) = b.quad.min(axis=0), b.quad.max(axis=0)
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            return True
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--tall-rows", default="0.6,0.5,0.4,0.3")
    ap.add_argument("--tall-scores", default="0,0.7,0.75,0.8,0.85")
    args = ap.parse_args()
    import ocrplug_db.postprocess as post

    from ocrplug.model import PageImage
    from ocrplug.pipeline import Pipeline

    det = Pipeline.from_preset(args.preset, ["renderers=[]"]).detector
    items = []
    for page in make_pages():
        image = PageImage(image=page.image, index=0, source=page.name, dpi=200)
        prob = det.probability_maps([image])[0]
        items.append((page, prob, prob.shape[1] / image.width))
    print(f"{len(items)} pages, {sum(len(p.answers) for p, _, _ in items)} answers, "
          f"{sum(len(p.ticks) for p, _, _ in items)} ticks ({args.preset})", flush=True)
    saved = post.LONE_TALL_ROW, post.LONE_TALL_SCORE
    for row in (float(v) for v in args.tall_rows.split(",")):
        for score in (float(v) for v in args.tall_scores.split(",")):
            post.LONE_TALL_ROW, post.LONE_TALL_SCORE = row, score
            found = ticked = 0
            missed: list[str] = []
            for page, prob, scale in items:
                boxes = post.boxes_from_prob(prob, replace(det._params(scale, True)))
                held = [_held(boxes, a, scale) for a in page.answers]
                found += sum(held)
                ticked += sum(_held(boxes, t, scale) for t in page.ticks)
                missed += [f"{page.name}#{i + 1}" for i, h in enumerate(held) if not h]
            print(f"LONE_TALL_ROW {row:g} LONE_TALL_SCORE {score:g}: answers boxed {found}, ticks boxed {ticked}"
                  f"; missed {' '.join(missed[:8])}{' ...' if len(missed) > 8 else ''}", flush=True)
    post.LONE_TALL_ROW, post.LONE_TALL_SCORE = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
