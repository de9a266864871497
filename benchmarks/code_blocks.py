"""2D codes beside text: words read on a DataMatrix- or QR-like block are false (issue 24, D16; T15 ``address_label.png``).

usage: python benchmarks/code_blocks.py [--presets fast,swift,accurate] [--save DIR] [--set KEY=VALUE]

Draws 12 shipping labels: five lines of an address (bold sans 18-28 pt at 96 dpi, 4 faces) with a 2D code to
their right (DataMatrix-like: a solid L finder, a dotted top and right edge, random modules inside; QR-like:
three square finders, random modules; 14-32 modules of 6-16 px, its top on a text line's row or not) and a
caption under it. Runs each preset and counts words whose centre lies on the code (false) and the address
words read (bag recall). Generated pages only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_pages import font, save_pages

LINES = ["DELIVER TO:", "Ms Aisha Rahman", "Flat 3B, 71 Kingsway", "Manchester", "M19 2LL", "UNITED KINGDOM"]
FACES = ["libsansb", "dejavub", "nimbussansb", "notoserifb"]


def _code(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    """An ``n`` x ``n`` bool module grid (True = dark) of a DataMatrix-like or QR-like code."""
    grid = rng.random((n, n)) < 0.5
    if kind == "dm":
        grid[:, 0] = True
        grid[-1, :] = True
        grid[0, :] = np.arange(n) % 2 == 0
        grid[:, -1] = np.arange(n) % 2 == 1
    else:
        for r, c in ((0, 0), (0, n - 7), (n - 7, 0)):
            f = np.zeros((7, 7), bool)
            f[0, :] = f[-1, :] = f[:, 0] = f[:, -1] = True
            f[2:5, 2:5] = True
            grid[max(r - 1, 0):r + 8, max(c - 1, 0):c + 8] = False
            grid[r:r + 7, c:c + 7] = f
    return grid


def make_pages() -> list[tuple[str, np.ndarray, tuple[int, int, int, int], list[str]]]:
    """``(name, RGB page, the code's box, the address words)`` of the 12 labels."""
    rng = np.random.default_rng(2403)
    pages = []
    for i in range(12):
        kind = "dm" if i % 2 == 0 else "qr"
        n = [14, 18, 22, 26, 32, 21][i % 6]
        module = [6, 8, 10, 12, 14, 16][(i // 2) % 6]
        face, pt = FACES[i % 4], [18, 22, 28][i % 3]
        img = Image.new("RGB", (1250, max(720, 160 + n * module + 120)), (255, 255, 255))
        d = ImageDraw.Draw(img)
        y, words = 60, []
        for k, line in enumerate(LINES):
            f = font(face, pt if k else 14, 96)
            d.text((40, y), line, font=f, fill=(0, 0, 0))
            words += line.split()
            y += round(f.size * 1.6)
        grid = _code(rng, n, kind)
        x0, y0 = 1200 - n * module - 40, [100, 140, 60][i % 3]
        for r, c in zip(*np.nonzero(grid), strict=True):
            d.rectangle([x0 + c * module, y0 + r * module, x0 + (c + 1) * module - 1, y0 + (r + 1) * module - 1],
                        fill=(0, 0, 0))
        d.text((x0, y0 + n * module + 20), "2D: NB-7731-0042", font=font("libmono", 14, 96), fill=(0, 0, 0))
        pages.append((f"label{i:02d}_{kind}{n}_m{module}", np.asarray(img), (x0, y0, x0 + n * module, y0 + n * module),
                      words))
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--save", default="", help="folder to write the drawn pages to (PNG)")
    ap.add_argument("--set", action="append", default=[], help="config override KEY=VALUE (every preset)")
    args = ap.parse_args()
    from ocrplug.pipeline import Pipeline

    pages = make_pages()
    save_pages(args.save, pages)
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset, ["renderers=[]", *args.set])
        false = found = total = 0
        started = time.perf_counter()
        for name, image, (x0, y0, x1, y1), words in pages:
            result = pipe.run(image).pages[0]
            on_code = [w.text for w in result.words
                       if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1 and y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1]
            read = [w.text for w in result.words]
            hit = sum(min(words.count(t), read.count(t)) for t in set(words))
            false += len(on_code)
            found += hit
            total += len(words)
            print(f"{preset:8s} {name:22s} words on the code {on_code}  address words {hit}/{len(words)}", flush=True)
        print(f"{preset}: false words on codes {false}, address words read {found}/{total}", flush=True)
        print(f"{preset}: {(time.perf_counter() - started) / len(pages):.2f} s per page (wall)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
