"""Text lines under a coloured rubber stamp or ink signature, per preset (issue 24, T14 fault 2).

usage: python benchmarks/stamped_pages.py [--presets fast,swift] [--pages 24] [--seed 14] [--out DIR] [--show]
       python benchmarks/stamped_pages.py --sweep off,SATURATION=50,FUSED_HEIGHT=2 [--presets fast,swift]

Draws ``--pages`` paragraphs of eight lines (Liberation Serif or Sans, 24-34 px, on a 1275 x 900 page, this
file's own generator) and lays over each a translucent stamp (two out of three pages: ``RECEIVED`` /
``PAID`` / ``COPY`` / ``APPROVED`` with a date under it in a frame, red, blue or green, alpha 120-220,
turned 0-20 degrees, lettering 50-100 px, over 1-6 of the lines) or a signature (one page in three: a
looping blue or black-blue ink stroke 3-5 px wide across 2-3 lines). Reads each page with every preset and
counts, against the paragraph's own words (the stamp's words are counted apart):

* lines kept: a paragraph line at least half of whose words are in the output (bag of words);
* words kept: the paragraph's words found in the output (bag, case and punctuation folded);
* stamp words: the stamp's words found (the signature has none);
* regions on the blank-noise page (benchmarks/read_page.py's): every one is false.

Run it once on a tree before a change and once after (``PYTHONPATH``) to compare. Not an evaluation set:
generated pages of the kind T14 found lost; the constants of :mod:`ocrplug.stamps` and ``FUSED_HEIGHT``
(plugins/ocrplug_db/detector.py) are checked here and on the validation sets (docs/benchmarks.md,
"Stamps over text").
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
}
STAMP_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PROSE = [
    "The committee met on Thursday to review the annual budget.",
    "Members agreed that the library roof must be repaired",
    "before the winter rains, at a cost of about 18,400 pounds.",
    "A second quote will be requested from a local builder.",
    "The treasurer noted that membership rose by 12 percent,",
    "mostly among students and retired teachers in the area.",
    "Volunteers are needed for the book sale on 3 March.",
    "Please contact the secretary if you can help on the day.",
    "Minutes of the last meeting were read and approved.",
    "The garden group will plant new trees along the path.",
    "Parking near the hall is free after six in the evening.",
    "Our next meeting will be held on the first of April.",
]
STAMPS = ["RECEIVED", "PAID", "COPY", "APPROVED"]
COLOURS = {"red": (200, 30, 40), "blue": (30, 60, 200), "green": (20, 140, 60)}
INKS = {"blue": (20, 40, 160), "blueblack": (25, 30, 90)}


def words(text: str) -> list[str]:
    """Case- and punctuation-folded words of ``text``."""
    return [w for w in (re.sub(r"[^\w]", "", t).lower() for t in text.split()) if w]


def paragraph(lines: list[str], face: str, size: int, x0: int, y0: int) -> tuple[Image.Image, ImageFont.FreeTypeFont, int]:
    """A 1275 x 900 white RGBA page with ``lines`` in ``face`` at ``size`` px from ``(x0, y0)``; its font and
    line step (1.45 sizes)."""
    img = Image.new("RGBA", (1275, 900), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONTS[face], size)
    step = round(size * 1.45)
    for i, line in enumerate(lines):
        d.text((x0, y0 + i * step), line, font=font, fill="black")
    return img, font, step


def stamp(label: str, date: str, colour: tuple[int, int, int], alpha: int, angle: float, letters: int) -> Image.Image:
    """A framed stamp (``label`` at ``letters`` px, ``date`` under it at half that) in ``colour`` at ``alpha``,
    turned ``angle`` degrees counter-clockwise, on a transparent RGBA ground."""
    big = ImageFont.truetype(STAMP_FONT, letters)
    small = ImageFont.truetype(STAMP_FONT, letters // 2)
    w = max(big.getbbox(label)[2], small.getbbox(date)[2]) + 60
    h = letters + letters // 2 + 70
    st = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    sd = ImageDraw.Draw(st)
    fill = (*colour, alpha)
    sd.rectangle((4, 4, w - 5, h - 5), outline=fill, width=max(4, letters // 10))
    sd.text((30, 20), label, font=big, fill=fill)
    sd.text((30, 30 + letters), date, font=small, fill=fill)
    return st.rotate(angle, expand=True, resample=Image.BICUBIC)


def draw_page(rng: random.Random, kind: str) -> tuple[Image.Image, list[str], list[str], str, list[tuple[int, int, int, int]]]:
    """One page: the image, its paragraph lines, the stamp's words, a one-line description and the lines'
    ink boxes ``(x0, y0, x1, y1)``."""
    face = rng.choice(sorted(FONTS))
    size = rng.randint(24, 34)
    start = rng.randrange(len(PROSE) - 8)
    lines = PROSE[start : start + 8]
    x0, y0 = rng.randint(60, 160), rng.randint(80, 200)
    img, font, step = paragraph(lines, face, size, x0, y0)
    boxes = [font.getbbox(line) for line in lines]
    boxes = [(x0 + b[0], y0 + i * step + b[1], x0 + b[2], y0 + i * step + b[3]) for i, b in enumerate(boxes)]
    first = rng.randint(0, 6)
    if kind == "stamp":
        colour = rng.choice(sorted(COLOURS))
        alpha = rng.randint(120, 220)
        angle = rng.uniform(0, 20) * rng.choice((-1, 1))
        letters = rng.randint(50, 100)
        covered = rng.randint(1, 6)
        label, date = rng.choice(STAMPS), f"{rng.randint(1, 28)} NOV 2026"
        st = stamp(label, date, COLOURS[colour], alpha, angle, letters)
        # Centred on the middle of the covered lines, somewhere along them.
        cy = y0 + (first + min(covered, 8 - first) / 2) * step
        cx = x0 + rng.uniform(0.35, 0.65) * font.getlength(lines[0])
        img.alpha_composite(st, (max(0, int(cx - st.width / 2)), max(0, int(cy - st.height / 2))))
        desc = f"{colour} a{alpha} {angle:+.0f}deg {letters}px over {covered} from {first + 1} ({face} {size})"
        stamp_words = words(f"{label} {date}")
    else:
        ink = rng.choice(sorted(INKS))
        sd = ImageDraw.Draw(img)
        across = rng.randint(2, 3)
        top, bottom = y0 + first * step, y0 + (first + across) * step
        left = x0 + rng.uniform(0.2, 0.5) * font.getlength(lines[0])
        pts = []
        for k in range(40):
            t = k / 39
            pts.append((left + t * rng.uniform(250, 330) + 30 * (k % 2),
                        top + (bottom - top) * (0.5 + 0.5 * ((-1) ** k) * rng.uniform(0.4, 1.0))))
        sd.line(pts, fill=(*INKS[ink], 255), width=rng.randint(3, 5), joint="curve")
        desc = f"signature {ink} over {across} from {first + 1} ({face} {size})"
        stamp_words = []
    return img.convert("RGB"), lines, stamp_words, desc, boxes


def score(text: str, lines: list[str], stamp_words: list[str]) -> tuple[int, int, int]:
    """(lines kept, words kept, stamp words found) of one output text."""
    bag = words(text)
    found = 0
    kept = 0
    for line in lines:
        own = words(line)
        hits = sum(1 for w in own if w in bag)
        found += hits
        kept += hits * 2 >= len(own)
    return kept, found, sum(1 for w in stamp_words if w in bag)


def covered_lines(regions: list, boxes: list[tuple[int, int, int, int]]) -> int:
    """Lines of ``boxes`` whose length is 90 % covered by regions holding the line's middle row and at most
    twice its height (a region fused over several lines does not count)."""
    found = 0
    for x0, y0, x1, y1 in boxes:
        mid = (y0 + y1) / 2
        spans = sorted((r.bbox[0], r.bbox[2]) for r in regions
                       if r.bbox[1] <= mid <= r.bbox[3] and r.bbox[3] - r.bbox[1] <= 2 * (y1 - y0))
        cover, end = 0.0, x0
        for a, b in spans:
            a, b = max(a, end), min(b, x1)
            if b > a:
                cover += b - a
                end = b
        found += cover >= 0.9 * (x1 - x0)
    return found


def sweep(presets: list[str], pages: int, seed: int, values: list[str]) -> None:
    """Detection only (``db`` with each preset's options): lines covered (:func:`covered_lines`) and regions
    on the blank-noise page for each ``NAME=VALUE`` setting of :mod:`ocrplug.stamps` or the ``db``
    detector module (``off`` turns the second look off)."""
    import numpy as np
    import ocrplug_db.detector as db
    from read_page import blank_noise_page

    import ocrplug.stamps as stamps
    from ocrplug.model import PageImage
    from ocrplug.presets import preset_config

    rng = random.Random(seed)
    drawn = [draw_page(rng, "signature" if i % 3 == 2 else "stamp") for i in range(pages)]
    with tempfile.TemporaryDirectory() as tmp:
        blank_noise_page(Path(tmp) / "blank.png")
        blank = np.asarray(Image.open(Path(tmp) / "blank.png").convert("RGB"))
    look = db.DbDetector._under_stamps
    print("| preset | setting | lines covered | blank-noise regions |")
    print("|---|---|---|---|")
    for preset in presets:
        det = db.DbDetector(db.DbOptions(**preset_config(preset)["detector"]["options"]))
        for value in values:
            saved = {}
            if value == "off":
                db.DbDetector._under_stamps = lambda self, page, regions, prob: regions
            else:
                name, number = value.split("=")
                module = stamps if hasattr(stamps, name) else db
                saved = {name: (module, getattr(module, name))}
                setattr(module, name, type(getattr(module, name))(float(number)))
            lines = total = 0
            for img, _, _, _, boxes in drawn:
                lines += covered_lines(det.detect(PageImage(image=np.asarray(img), index=0, source="s")), boxes)
                total += len(boxes)
            noise = len(det.detect(PageImage(image=blank, index=0, source="blank")))
            db.DbDetector._under_stamps = look
            for name, (module, old) in saved.items():
                setattr(module, name, old)
            print(f"| {preset} | {value} | {lines}/{total} | {noise} |", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--out", default=None)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--sweep", default=None, help="comma-separated NAME=VALUE settings (or off): detection only")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    if args.sweep:
        sweep(args.presets.split(","), args.pages, args.seed, args.sweep.split(","))
        return 0
    from ocrplug_render.text import page_text
    from read_page import blank_noise_page

    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    folder = Path(args.out or tempfile.mkdtemp(prefix="stamped_pages_"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    drawn = []
    for i in range(args.pages):
        img, lines, stamp_words, desc, _ = draw_page(rng, "signature" if i % 3 == 2 else "stamp")
        path = folder / f"page{i:02d}.png"
        img.save(path)
        drawn.append((path, lines, stamp_words, desc))
    blank = folder / "blank_noise.png"
    blank_noise_page(blank)
    print("| page | kind | preset | lines kept | words kept | stamp words |")
    print("|---|---|---|---|---|---|")
    for preset in args.presets.split(","):
        pipe = Pipeline.from_dict(dict(preset_config(preset), renderers=[], output={"dir": str(folder / preset)}))
        tot = [0, 0, 0, 0, 0, 0]
        for path, lines, stamp_words, desc in drawn:
            text = page_text(pipe.run(path).pages[0])
            if args.show:
                print("\n".join(f"    {ln}" for ln in text.splitlines() if ln.strip()))
            kept, found, stamped = score(text, lines, stamp_words)
            n_words = sum(len(words(ln)) for ln in lines)
            tot = [a + b for a, b in zip(tot, (kept, len(lines), found, n_words, stamped, len(stamp_words)), strict=True)]
            print(f"| {path.stem} | {desc} | {preset} | {kept}/{len(lines)} | {found}/{n_words} | "
                  f"{stamped}/{len(stamp_words)} |", flush=True)
        noise = len(pipe.run(blank).pages[0].regions)
        print(f"| all | | {preset} | {tot[0]}/{tot[1]} | {tot[2]}/{tot[3]} | {tot[4]}/{tot[5]} |")
        print(f"| blank_noise | | {preset} | regions {noise} | | |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
