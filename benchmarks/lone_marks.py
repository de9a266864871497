"""Punctuation of a line taken for a lone glyph, and lone glyphs kept: ``find_lone_glyphs`` before and after.

usage: python benchmarks/lone_marks.py --before-tree DIR [--presets fast,swift,accurate] [--kinds marks,answers]

Draws pages (deterministic, no data set read) of two kinds. ``marks`` (issue 24, L15; T14's
``legal_mono_caps.png``): lines of capitals and of mixed case in 8 faces (monospaced ones among them) at
9-14 pt, 150-300 dpi, with commas and full stops hugging their words, quoted words (``"LESSOR"``) and
apostrophes; every mark belongs to a word, so every box the lone-glyph look adds there is false.
``answers``: the pages of benchmarks/lone_answers.py (labels with a one-character answer right of them, ruled
tables) and benchmarks/lone_cells.py's ``panel``, ``label``, ``grid`` and ``foot`` kinds; a drawn lone
glyph counts as found when a box holds its centre. Each preset's detector runs once per page with
``lone_glyphs`` off; ``find_lone_glyphs`` of ``--before-tree`` (a checkout of the base commit) and of this
tree then run on its words. Prints per preset and kind: boxes added on mark pages (false), glyphs found /
drawn on answer pages, before -> after; and the detector's words under half the page's median word height
(a mark boxed alone: run the script with this tree and with the base tree on ``PYTHONPATH`` to compare).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_pages import font

MARK_LINES = (
    'THIS AGREEMENT IS MADE BETWEEN NORTHWIND LIMITED (THE "LESSOR")',
    "AND J. R. PATEL (THE \"LESSEE\"). THE LESSEE SHALL NOT ASSIGN,",
    "SUBLET OR PART WITH POSSESSION WITHOUT PRIOR WRITTEN CONSENT,",
    "The tenant's rent, paid \"quarterly\", is due on the 4th; it's",
    "payable in advance, as agreed, with 'late' fees of 5%, 7%, or 9%.",
)
MARK_FACES = [("libmono", 12, 150), ("nimbusmono", 11, 200), ("monob", 10, 300), ("dejavu", 12, 200),
              ("libserif", 14, 150), ("libsans", 9, 300), ("notoserif", 11, 200), ("p052", 12, 200)]


def mark_page(face: str, pt: float, dpi: int) -> tuple[str, np.ndarray, list]:
    """A page of :data:`MARK_LINES` in ``face``: (name, RGB image, no lone glyphs)."""
    f = font(face, pt, dpi)
    px = round(pt * dpi / 72)
    img = Image.new("RGB", (round(px * 42), round(px * (2 + 2 * len(MARK_LINES)))), "white")
    d = ImageDraw.Draw(img)
    for i, line in enumerate(MARK_LINES):
        d.text((px, px + 2 * px * i), line, font=f, fill="black")
    return f"marks_{face}_{pt}pt_{dpi}", np.asarray(img), []


def answer_pages() -> list[tuple[str, np.ndarray, list]]:
    """benchmarks/lone_answers.py's pages and lone_cells.py's panel, label, grid and foot pages:
    (name, RGB image, [(text, (x0, y0, x1, y1))] of the lone glyphs drawn)."""
    import lone_answers
    import lone_cells

    out = [(p.name, p.image, [(a.text, a.box) for a in p.answers]) for p in lone_answers.make_pages()]
    for p in lone_cells.make_pages({"panel", "label", "grid", "foot"}):
        image = p.image if p.image.ndim == 3 else np.repeat(p.image[..., None], 3, axis=2)
        out.append((p.name, image, [(g.text, g.box) for g in p.glyphs]))
    return out


def _found(boxes: list[np.ndarray], glyphs: list) -> int:
    n = 0
    for _, (x0, y0, x1, y1) in glyphs:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        n += any(b[:, 0].min() <= cx <= b[:, 0].max() and b[:, 1].min() <= cy <= b[:, 1].max() for b in boxes)
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before-tree", type=Path, required=True)
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--kinds", default="marks,answers")
    args = ap.parse_args()
    from ocrplug.crops import to_gray
    from ocrplug.lone_glyphs import find_lone_glyphs
    from ocrplug.model import PageImage
    from ocrplug.pipeline import Pipeline

    spec = importlib.util.spec_from_file_location("lone_before", args.before_tree / "ocrplug" / "lone_glyphs.py")
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    kinds = args.kinds.split(",")
    pages = []
    if "marks" in kinds:
        pages += [("marks", *mark_page(*spec_)) for spec_ in MARK_FACES]
    if "answers" in kinds:
        pages += [("answers", *p) for p in answer_pages()]
    for preset in args.presets.split(","):
        det = Pipeline.from_preset(preset, ["renderers=[]", "detector.options.lone_glyphs=false"]).detector
        tally: dict[str, list[int]] = {}
        for kind, name, image, glyphs in pages:
            page = PageImage(image=np.ascontiguousarray(image), index=0, source=name)
            regions = det.detect_batch([page])[0]
            words = [w for r in regions for w in (r.children or (r,))]
            boxes = np.asarray([w.quad for w in words], dtype=np.float64).reshape(-1, 4, 2)
            gray = to_gray(page.image)
            old, new = before.find_lone_glyphs(gray, boxes), find_lone_glyphs(gray, boxes)
            t = tally.setdefault(kind, [0, 0, 0, 0])
            heights = boxes[:, :, 1].max(axis=1) - boxes[:, :, 1].min(axis=1)
            t[3] += int(np.sum(heights < 0.5 * np.median(heights))) if len(boxes) else 0
            if kind == "marks":
                t[0], t[1] = t[0] + len(old), t[1] + len(new)
            else:
                t[0], t[1], t[2] = t[0] + _found(old, glyphs), t[1] + _found(new, glyphs), t[2] + len(glyphs)
            if len(old) != len(new):
                print(f"  {preset} {name}: {len(old)} -> {len(new)} boxes", flush=True)
        for kind, (a, b, n, small) in tally.items():
            what = "false boxes" if kind == "marks" else f"glyphs found of {n}"
            print(f"{preset} {kind}: {what} {a} -> {b}; detector words under half the median height {small}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
