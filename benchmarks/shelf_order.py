"""A shelf's spines in shelf order, a page scanned sideways in its own (issue 24, T10 fault 4b): SHELF_GAP.

usage: python benchmarks/shelf_order.py [--preset fast] [--pages NAME,...]

Draws deterministic pages with PIL (:mod:`drawn_pages` fonts): shelves of framed book spines, titles and
authors running top to bottom (``d``), bottom to top (``u``) or both, spines 0.45-0.9 in wide and
0.05-0.7 in apart, titles 11-22 pt at 150-300 dpi; and pages of prose (single, one-and-a-half and double
spacing, one paragraph or several; a list of one-line items a blank line apart; a form of labels and
their values three inches on, two lines a row, 2.4-4 ems apart) turned by 90 and by 270
degrees, as a page fed into a scanner sideways. Each page goes once through the preset
(``Pipeline.from_preset``); the laid-out blocks of a turned page are recorded in the upright frame
(``ocrplug.processing.shelf_order`` wrapped) and put in order three ways: as the upright frame's rows
give them (before), and by :func:`ocrplug.orientation.shelf_order` at each candidate gap. Per page it
prints the orientation, whether lines were read in both senses, the smallest gap between neighbouring
rows of level lines in line heights (``-``: no shelf structure, a block holds two rows), and the
in-order share of the truth's words (``difflib`` matching blocks over the words in reading order; a
shelf's truth is its spines left to right, a page's its lines top to bottom) before and at SHELF_GAP.
The table at the end counts, per candidate gap, the shelves put in shelf order and the pages of prose
put out of theirs.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import re
import sys
from pathlib import Path

import numpy as np
from drawn_pages import canvas, font
from PIL import Image
from vertical_senses import TITLES, _turned

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

# name -> (font, title pt, author pt, dpi, pattern: d = top to bottom, u = bottom to top, spine width in,
# gap between spines in, first title)
SHELVES = {
    "down_dejavub_200_wide": ("dejavub", 20, 13, 200, "dddddd", 0.65, 0.5, 0),
    "down_notosans_150_tight": ("notosans", 18, 12, 150, "dddddddd", 0.55, 0.05, 2),
    "down_p052_300_tight": ("p052", 13, 9, 300, "ddddddd", 0.45, 0.08, 4),
    "down_libsansb_200_mid": ("libsansb", 22, 14, 200, "ddddd", 0.9, 0.2, 6),
    "down_gothicb_250": ("gothicb", 16, 11, 250, "dddddd", 0.6, 0.3, 1),
    "down_c059_200_packed": ("c059", 14, 10, 200, "ddddddddd", 0.5, 0.0, 3),
    "down_narrowb_150_fat": ("narrowb", 22, 14, 150, "dddd", 0.7, 0.1, 5),
    "up_notoserif_200": ("notoserif", 16, 11, 200, "uuuuuu", 0.6, 0.25, 7),
    "up_bookman_150_tight": ("bookman", 15, 11, 150, "uuuuuuu", 0.5, 0.05, 8),
    "mixed_dejavub_200": ("dejavub", 20, 13, 200, "ddduud", 0.65, 0.4, 0),
    "mixed_libsansb_300_tight": ("libsansb", 14, 10, 300, "uddddu", 0.5, 0.06, 4),
    "mixed_gothicb_250": ("gothicb", 18, 12, 250, "duuuud", 0.7, 0.15, 1),
    "mixed_c059_200": ("c059", 12, 9, 200, "ddudu", 0.55, 0.7, 9),
}

PROSE = (
    "The harbour was quiet in the early morning and the boats lay still against the stone wall while "
    "the gulls waited on the roofs of the sheds for the first of the fishermen to come down the hill "
    "with their nets and their baskets. Nobody spoke much at that hour; the work was known to all of "
    "them and the tide would not wait for talk. By seven the first boat had cast off and the others "
    "followed one by one into the grey light beyond the point."
)
FIELDS = [("Name", "Anna Berg"), ("Date of birth", "12 March 1990"), ("Address", "4 Mill Lane, Hove"),
          ("Phone", "01273 555 0182"), ("Member since", "2019"), ("Signature", "A. Berg")]
ITEMS = ["Check the rota before each shift", "Sign the visitors book at the desk", "Lock the side gate at night",
         "Report a broken light to the office", "Keep the fire doors clear", "Return the keys by Friday"]

# name -> (font, pt, dpi, spacing: line pitch in ems, kind: prose / paras / list, turn: 90 or 270)
PAGES = {
    f"{kind}_{fname}_{pt}pt_{dpi}_x{spacing}_{turn}": (fname, pt, dpi, spacing, kind, turn)
    for fname, pt, dpi, kinds in (
        ("notoserif", 11, 200, (("prose", 1.2), ("prose", 2.4), ("paras", 1.2), ("list", 3.0), ("form", 2.4),
                                ("form", 3.0), ("form", 4.0))),
        ("libsans", 12, 150, (("prose", 1.8), ("list", 2.4), ("form", 3.0), ("form", 4.0))),
        ("p052", 10, 300, (("prose", 2.4), ("list", 3.0), ("form", 3.0), ("form", 4.0))),
    )
    for kind, spacing in kinds
    for turn in (90, 270)
}


def shelf(fname: str, tpt: float, apt: float, dpi: int, pattern: str, width: float, gap: float,
          first: int) -> tuple[Image.Image, list[str]]:
    """A shelf page and its truth: one line per spine (title and author), left to right."""
    img, draw = canvas(dpi, 8.5 if len(pattern) * (width + gap) < 7.5 else 11, 6.5)
    tf, af = font(fname, tpt, dpi), font(fname, apt, dpi)
    w, top, bottom = round(width * dpi), round(0.4 * dpi), round(5.4 * dpi)
    truth = []
    for k, sense in enumerate(pattern):
        title, author = TITLES[(first + k) % len(TITLES)]
        x = round(0.5 * dpi) + k * round((width + gap) * dpi)
        draw.rectangle((x, top, x + w, bottom), outline=0, width=2)
        t, a = _turned(title, tf, sense), _turned(author, af, sense)
        head, tail = (top + round(0.15 * dpi), bottom - round(0.15 * dpi)) if sense == "d" else (
            bottom - round(0.15 * dpi), top + round(0.15 * dpi))
        ty = head if sense == "d" else head - t.height
        ay = tail - a.height if sense == "d" else tail
        img.paste(t, (x + (w - t.width) // 2, ty))
        img.paste(a, (x + (w - a.width) // 2, ay))
        truth.append(f"{title} {author}")
    return img, truth


def sideways(fname: str, pt: float, dpi: int, spacing: float, kind: str, turn: int) -> tuple[Image.Image, list[str]]:
    """A letter page of text (lines top to bottom: the truth) turned by ``turn`` degrees clockwise."""
    img, draw = canvas(dpi, 8.5, 11)
    f = font(fname, pt, dpi)
    left, width = round(1.0 * dpi), round(6.5 * dpi)
    lines: list[str] = []
    if kind == "list":
        lines = ITEMS
    elif kind == "form":  # a label and its value 3 inches on: two lines a row
        lines = [f"{label}\t{value}" for label, value in FIELDS]
    else:
        paras = [PROSE] if kind == "prose" else [PROSE[:200], PROSE[200:]]
        for para in paras:
            words, cur = para.split(), ""
            for word in words:
                if cur and f.getlength(cur + " " + word) > width:
                    lines.append(cur)
                    cur = word
                else:
                    cur = f"{cur} {word}".strip()
            lines.append(cur)
            lines.append("")
    pitch = round(spacing * pt * dpi / 72)
    y = round(1.0 * dpi)
    truth = []
    for line in lines:
        if line:
            label, _, value = line.partition("\t")
            draw.text((left, y), label, font=f, fill=0)
            if value:
                draw.text((left + round(3.0 * dpi), y), value, font=f, fill=0)
            truth.append(line.replace("\t", " "))
        y += pitch
    return img.rotate(-turn, expand=True, fillcolor=255), truth


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


def in_order(truth: list[str], lines: list[str]) -> float:
    """Share of the truth's words matched in order by the read lines' words (difflib matching blocks)."""
    want, got = _words(" ".join(truth)), _words(" ".join(lines))
    blocks = difflib.SequenceMatcher(None, want, got, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / max(len(want), 1)


def _text(blocks) -> list[str]:
    out = []
    for b in blocks:
        out += [ln.text or "" for ln in b.children if ln.level == "line"] if b.level == "block" else [b.text or ""]
    return out


def min_gap(blocks) -> float | None:
    """The smallest gap between neighbouring rows of :func:`shelf_rows` (any gap), in line heights."""
    from ocrplug.geometry import quad_height
    from ocrplug.orientation import shelf_rows

    rows = shelf_rows(blocks, gap=0.0)
    if rows is None:
        return None
    spans = []
    for row in rows:
        lines = [ln for i in row for ln in (blocks[i].children if blocks[i].level == "block" else [blocks[i]])]
        spans.append((min(min(p[1] for p in ln.quad) for ln in lines), max(max(p[1] for p in ln.quad) for ln in lines),
                      max(quad_height(ln.quad) for ln in lines)))
    return min((b[0] - a[1]) / max(a[2], b[2]) for a, b in itertools.pairwise(spans))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--pages", default="")
    args = ap.parse_args()

    import ocrplug.processing as processing
    from ocrplug.model import PageImage
    from ocrplug.orientation import SHELF_GAP, shelf_order
    from ocrplug.pipeline import Pipeline

    seen: dict = {}

    def recording(blocks, angle, width, height, gap=SHELF_GAP, overlap=0.5):
        seen.update(blocks=list(blocks), angle=angle, size=(width, height), overlap=overlap)
        return shelf_order(blocks, angle, width, height, gap, overlap)

    processing.shelf_order = recording
    pipeline = Pipeline.from_preset(args.preset)
    pipeline.build()
    names = [n for n in args.pages.split(",") if n] or [*SHELVES, *PAGES]
    gaps = [1.0, 1.4, 1.8, 2.0, 2.2, 2.4, 2.5, 2.6, 3.0]
    results = []
    print(f"preset {args.preset}, SHELF_GAP {SHELF_GAP}")
    print("| page | orientation | both senses | smallest row gap (line heights) | in order before -> after |")
    print("|---|---|---|---|---|")
    for name in names:
        is_shelf = name in SHELVES
        img, truth = shelf(*SHELVES[name]) if is_shelf else sideways(*PAGES[name])
        dpi = SHELVES[name][3] if is_shelf else PAGES[name][2]
        seen.clear()
        image = PageImage(image=np.asarray(img.convert("RGB")), index=0, source=name, dpi=dpi)
        page = pipeline.process_page(image)
        blocks, angle = seen["blocks"], seen["angle"]
        w, h = seen["size"]
        before = in_order(truth, _text(blocks))
        at = {g: in_order(truth, _text(shelf_order(blocks, angle, w, h, g, seen["overlap"]))) for g in gaps}
        both = any((np.asarray(ln.quad)[1] - np.asarray(ln.quad)[0])[0] < 0 for b in blocks for ln in b.children)
        gap = min_gap(blocks)
        results.append((name, is_shelf, before, at))
        print(f"| {name} | {page.orientation} | {'yes' if both else 'no'} | "
              f"{'-' if gap is None else f'{gap:.2f}'} | {before:.3f} -> {at[min(gaps, key=lambda g: abs(g - SHELF_GAP))]:.3f} |",
              flush=True)
    print("\n| gap | shelves in shelf order (of N) | shelves' mean in-order | prose pages put out of order | "
          "prose pages' mean in-order |")
    print("|---|---|---|---|---|")
    shelves = [r for r in results if r[1]]
    pages = [r for r in results if not r[1]]
    for g in gaps:
        good = sum(1 for r in shelves if r[3][g] >= 0.95)
        worse = sum(1 for r in pages if r[3][g] < r[2] - 1e-9)
        print(f"| {g} | {good} of {len(shelves)} | {np.mean([r[3][g] for r in shelves]):.3f} | {worse} of {len(pages)} | "
              f"{np.mean([r[3][g] for r in pages]):.3f} |")
    print(f"| before | {sum(1 for r in shelves if r[2] >= 0.95)} of {len(shelves)} | "
          f"{np.mean([r[2] for r in shelves]):.3f} | - | {np.mean([r[2] for r in pages]):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
