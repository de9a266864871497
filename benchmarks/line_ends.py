"""A fax's final stops and specks (issue 24, T9 fault 8): ``words.END_MARGIN`` and ``words.SPECK_AREA`` per preset.

usage: python benchmarks/line_ends.py [--presets fast,swift] [--margins 0,0.1,0.15,0.2] [--speck-areas 0,0.004]
    [--seeds 1,2]

Draws fax pages of this file's own (Liberation Mono, Sans and Serif at 11 pt, drawn at 204 dpi, squeezed to a
204 x 98 dpi fax's rows, 1-bit, written as TIFF with that resolution): sentences that end in ``.`` and
phone numbers in groups (``0044 1632 960 418``), with one 1-px speck (at the fax's resolution) between two
groups of every number on its baseline and 0.15 % of the page's pixels black specks at random (seeded;
as T9's fax). Reads each page with each preset for each pair of ``--margins`` (``END_MARGIN``,
the blank kept past a region's last glyph, in heights; 0: an end moves out only to hold a glyph) and ``--speck-areas``
(``SPECK_AREA``; 0: no speck painted), set on the running tree. Prints per run the words read exactly /
expected (bag of words), the final stops read (``word.`` read exactly), the numbers kept apart (``1632``
and ``960`` both read) and the words holding a stop or comma that the page does not (``77315.``).
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONTS = Path("/usr/share/fonts/truetype/liberation")
FACES = ("LiberationMono-Regular.ttf", "LiberationSans-Regular.ttf", "LiberationSerif-Regular.ttf")
LINES = ("Your order 48120 ships on Monday.", "Call 0044 1632 960 418 with any questions.",
         "The van leaves the depot at 7 am.", "Fax 0161 496 0735 to confirm the time.",
         "Bring the signed form to gate 5.", "Tel 020 7946 0831 before noon.", "All prices include tax.")


def fax_page(face: str, seed: int) -> tuple[Image.Image, list[str]]:
    """One fax page in ``face``: (1-bit image at 204 x 98 dpi, expected words)."""
    dpi = 204
    font = ImageFont.truetype(str(FONTS / face), round(11 * dpi / 72))
    im = Image.new("L", (1728, 1400), 255)
    d = ImageDraw.Draw(im)
    words: list[str] = []
    specks: list[tuple[int, int]] = []
    for k, line in enumerate(LINES):
        x, y = 150, 150 + 75 * k
        d.text((x, y), line, font=font, fill=0)
        words += line.split()
        base = y + font.getbbox("H")[3]
        parts = line.split(" ")
        for j in range(1, len(parts)):
            if parts[j - 1].isdigit() and parts[j].isdigit():  # a speck in the gap between two groups
                left = x + font.getlength(" ".join(parts[:j]))
                gap = font.getlength(" ")
                specks.append((round(left + gap / 2), base - 2))
    rows = round(im.height * 98 / dpi)
    fax = np.asarray(im.resize((im.width, rows), Image.Resampling.BOX)) > 150
    for sx, sy in specks:
        fax[round(sy * 98 / dpi), sx] = False
    rng = np.random.default_rng(seed)
    fax &= rng.random(fax.shape) >= 0.0015
    return Image.fromarray((fax * 255).astype(np.uint8)).convert("1"), words


def score(read: list[str], words: list[str]) -> dict[str, int]:
    got, want = Counter(read), Counter(words)
    stops = [w for w in words if w.endswith(".")]
    return {
        "words": sum(min(n, got[w]) for w, n in want.items()),
        "stops": sum(min(n, got[w]) for w, n in Counter(stops).items()),
        "apart": sum(1 for a, b in (("1632", "960"), ("496", "0735"), ("7946", "0831")) if got[a] and got[b]),
        "false_marks": sum(n for w, n in got.items() if w[-1:] in ".,:" and w not in want),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--margins", default="0.15")
    ap.add_argument("--speck-areas", default="0.004")
    ap.add_argument("--seeds", default="1,2")
    args = ap.parse_args()
    import ocrplug.words as words_mod
    from ocrplug import Pipeline

    folder = Path(tempfile.mkdtemp(prefix="line_ends_"))
    pages = []
    for face in FACES:
        for seed in (int(s) for s in args.seeds.split(",")):
            im, words = fax_page(face, seed)
            path = folder / f"{Path(face).stem}_{seed}.tif"
            im.save(path, dpi=(204, 98), compression="group4")
            pages.append((path, words))
    total = sum(len(w) for _, w in pages)
    n_stops = sum(sum(1 for x in w if x.endswith(".")) for _, w in pages)
    print(f"{len(pages)} pages, {total} words, {n_stops} final stops, {3 * len(pages)} numbers with a speck")
    print("| preset | END_MARGIN | SPECK_AREA | words | stops | numbers apart | false . , : |")
    print("|---|---|---|---|---|---|---|")
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset)
        for margin in (float(v) for v in args.margins.split(",")):
            for area in (float(v) for v in args.speck_areas.split(",")):
                words_mod.END_MARGIN, words_mod.SPECK_AREA = margin, area
                sums: Counter[str] = Counter()
                for path, words in pages:
                    doc = pipe.run(str(path))
                    read = [w.text for ln in doc.pages[0].lines for w in ln.words if w.text]
                    sums.update(score(read, words))
                print(f"| {preset} | {margin} | {area} | {sums['words']}/{total} | {sums['stops']}/{n_stops} | "
                      f"{sums['apart']}/{3 * len(pages)} | {sums['false_marks']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
