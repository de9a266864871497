"""Captions ending in a lone letter, read on a page turned upright: does ``db`` box the last letter apart?

usage: python benchmarks/turned_captions.py [--preset fast] [--gaps 0,0.25,0.5]

:func:`make_pages` draws T10's kind of shelf page (issue 24, T10 fault 4): a caption ending in a one-letter
word (``Shelf 4 - Fiction A to F``) at the foot of a 1700 x 1300 px page on a tinted ground, with vertical
spine titles above it so that the page is read turned; the page is then turned upright as the host turns
it (``numpy.rot90``: the caption runs up the page) and the ``--preset``'s ``db`` detector run on it. Faces
DejaVu Sans / Serif, Liberation Sans / Serif, sizes 28-44 px, four captions (deterministic). Prints per page
the boxes that hold part of the caption and whether its last letter shares the caption's box, and the
count of captions boxed whole, for each ``COLUMN_GAP`` of ``--gaps`` (``ocrplug_db.postprocess``: a glyph-sized
box at a vertical line's end joins it within that many line widths; a large negative value turns the join
off, as on main before issue 24's T10 work).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FACES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
CAPTIONS = ("Shelf 4 - Fiction A to F", "Aisle 7 - Rack C", "Rows 1 to 9 of B", "Section 2 Part D")
TITLES = ("THE SILENT HARBOR", "A Field Guide to Moss", "NORTHERN LIGHTS", "Kitchen Chemistry")


def _turn(box: tuple[int, int, int, int], width: int) -> tuple[int, int, int, int]:
    """A page box (left, top, right, bottom) in the page turned upright by ``numpy.rot90(page, 1)``."""
    return (box[1], width - box[2], box[3], width - box[0])


def make_pages() -> list[tuple[str, np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]]]:
    """(name, upright RGB page, caption's box, last letter's box), boxes in the upright page's pixels."""
    pages = []
    for f, face in enumerate(FACES):
        for s, size in enumerate((28, 36, 44)):
            caption = CAPTIONS[(f + s) % len(CAPTIONS)]
            im = Image.new("RGB", (1700, 1300), (236, 228, 216))
            d = ImageDraw.Draw(im)
            title_font = ImageFont.truetype(face, 56)
            for k, title in enumerate(TITLES):  # spines: titles turned 90 degrees, read top to bottom
                strip = Image.new("RGB", (700, 90), (30, 40, 90))
                ImageDraw.Draw(strip).text((20, 10), title, font=title_font, fill="white")
                im.paste(strip.rotate(-90, expand=True), (150 + 220 * k, 80))
            font = ImageFont.truetype(face, size)
            x, y = 150, 1160
            d.text((x, y), caption, font=font, fill="black")
            whole = d.textbbox((x, y), caption, font=font)
            head = d.textlength(caption[:-1], font=font)
            last = d.textbbox((x + head, y), caption[-1], font=font)
            # Turned upright as the host turns a page it reads at 270 degrees: page (x, y) -> (y, W - x).
            up = np.ascontiguousarray(np.rot90(np.asarray(im), 1))
            pages.append((f"{face.rsplit('/', 1)[1][:-4]}_{size}", up, _turn(whole, im.width), _turn(last, im.width)))
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--gaps", default="-1e9,0,0.25,0.5")
    args = ap.parse_args()
    import ocrplug_db.postprocess as post

    from ocrplug.model import PageImage
    from ocrplug.pipeline import Pipeline

    det = Pipeline.from_preset(args.preset, ["renderers=[]"]).detector
    pages = make_pages()
    maps = []
    for name, image, _, _ in pages:
        page = PageImage(image=image, index=0, source=name, dpi=200)
        maps.append((page, det.probability_maps([page])[0]))
    saved = post.COLUMN_GAP
    for gap in (float(v) for v in args.gaps.split(",")):
        post.COLUMN_GAP = gap
        whole = 0
        for (name, _, cap, last), (page, prob) in zip(pages, maps, strict=True):
            regions = det._regions(page, prob)
            on = [r.bbox for r in regions if r.bbox[0] < cap[2] and r.bbox[2] > cap[0] and r.bbox[1] < cap[3]
                  and r.bbox[3] > cap[1]]
            cx, cy = (last[0] + last[2]) / 2, (last[1] + last[3]) / 2
            holder = [b for b in on if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]]
            joined = len(holder) == 1 and (holder[0][3] - holder[0][1]) > 0.5 * (cap[3] - cap[1])
            whole += joined
            print(f"COLUMN_GAP {gap:g} {name:28s} boxes on the caption {len(on)}, last letter in the caption's box "
                  f"{joined}", flush=True)
        print(f"{args.preset}, COLUMN_GAP {gap:g}: {whole}/{len(pages)} captions keep their last letter", flush=True)
    post.COLUMN_GAP = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
