"""Seven-segment display readings: an LCD meter's number drawn as segment polygons (issue 24, D16; T15 ``meter7seg.png``).

usage: python benchmarks/segment_digits.py [--presets fast,swift,accurate] [--start 0] [--save DIR] [--set KEY=VALUE]

Draws 24 meter pages: a title line, an LCD panel (a framed tinted box) holding a 6-8 digit reading drawn as
seven-segment digits (hexagonal segment polygons, 60-140 px high, segments touching or 2-6 px apart, slanted
or upright; or plain rectangles meeting at their corners; a light blur on half), a unit (``kWh``, ``m3``) and two lines of small print. Runs each preset and
counts the reading's digits read right (the longest common subsequence of the reading and the page text's
digits on the panel's rows in words with no letter, the unit left out; spaces dropped), the readings read whole, and words on no drawn text. Generated
pages only.
"""

from __future__ import annotations

import argparse
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_pages import font, save_pages

#: Segments lit for each digit (a top, b upper right, c lower right, d bottom, e lower left, f upper left, g middle).
DIGITS = {"0": "abcdef", "1": "bc", "2": "abged", "3": "abgcd", "4": "fgbc", "5": "afgcd", "6": "afgedc",
          "7": "abc", "8": "abcdefg", "9": "abcdfg"}


def _segments(x: float, y: float, w: float, h: float, t: float, gap: float, slant: float,
              square: bool = False) -> dict[str, list]:
    """Polygons of the seven segments of a digit cell at ``(x, y)``, ``w`` x ``h``, bars ``t`` thick, ``gap``
    px between them, leaning ``slant`` px per px of height; ``square``: plain rectangles meeting at their
    corners (a cheap LCD's digits, T15's meter) instead of pointed bars."""
    if square:
        rects = {"a": (x + t, y, x + w - t, y + t), "g": (x + t, y + h / 2 - t / 2, x + w - t, y + h / 2 + t / 2),
                 "d": (x + t, y + h - t, x + w - t, y + h), "f": (x, y + t, x + t, y + h / 2 - t / 2),
                 "b": (x + w - t, y + t, x + w, y + h / 2 - t / 2), "e": (x, y + h / 2 + t / 2, x + t, y + h - t),
                 "c": (x + w - t, y + h / 2 + t / 2, x + w, y + h - t)}
        return {k: [(x0 + gap, y0 + gap), (x1 - gap, y0 + gap), (x1 - gap, y1 - gap), (x0 + gap, y1 - gap)]
                for k, (x0, y0, x1, y1) in rects.items()}

    def hbar(cy: float) -> list[tuple[float, float]]:
        x0, x1 = x + gap, x + w - gap
        return [(x0, cy), (x0 + t / 2, cy - t / 2), (x1 - t / 2, cy - t / 2), (x1, cy), (x1 - t / 2, cy + t / 2),
                (x0 + t / 2, cy + t / 2)]

    def vbar(cx: float, y0: float, y1: float) -> list[tuple[float, float]]:
        y0, y1 = y0 + gap, y1 - gap
        return [(cx, y0), (cx + t / 2, y0 + t / 2), (cx + t / 2, y1 - t / 2), (cx, y1), (cx - t / 2, y1 - t / 2),
                (cx - t / 2, y0 + t / 2)]

    mid = y + h / 2
    segs = {"a": hbar(y + t / 2), "g": hbar(mid), "d": hbar(y + h - t / 2),
            "f": vbar(x + t / 2, y + t / 2, mid), "b": vbar(x + w - t / 2, y + t / 2, mid),
            "e": vbar(x + t / 2, mid, y + h - t / 2), "c": vbar(x + w - t / 2, mid, y + h - t / 2)}
    return {k: [(px + slant * (y + h - py), py) for px, py in v] for k, v in segs.items()}


def make_pages() -> list[tuple[str, np.ndarray, str, tuple[int, int]]]:
    """``(name, RGB page, reading, (panel top, panel bottom))`` of the 24 meter pages (the last 8 of plain
    rectangular segments meeting at their corners, 0-2 px apart, in cells 0.55 of their height wide and
    0.82 of it apart, as T15's)."""
    rng = np.random.default_rng(2416)
    pages = []
    for i in range(24):
        square = i >= 16
        h = [60, 80, 100, 120, 140][i % 5]
        gap = [0, 2, 4, 6][i % 4] if not square else [0, 0, 1, 2][i % 4]
        slant = 0.1 if i % 3 == 1 and not square else 0.0
        n = 6 + i % 3
        reading = "".join(str(v) for v in rng.integers(0, 10, n))
        w = round(h * 0.55)
        pitch = round(w + h * 0.3) if not square else round(h * 0.82)
        page_w = max(1000, 120 + n * pitch + 250)
        page_h = 300 + h + 160
        ground = (205, 208, 192) if i % 2 else (255, 255, 255)
        img = Image.new("RGB", (page_w, page_h), ground)
        d = ImageDraw.Draw(img)
        d.text((40, 30), ["ELECTRICITY METER  Serial E19K 004512", "GAS METER  No. 7731-0042", "WATER METER  Unit 4"][i % 3],
               font=font("libsansb", 18, 96), fill=(20, 20, 20))
        top, bottom = 100, 100 + h + 80
        d.rectangle([40, top, page_w - 40, bottom], fill=(172, 186, 160), outline=(0, 0, 0), width=3)
        t = max(4, round(h * 0.11))
        for k, ch in enumerate(reading):
            segs = _segments(80 + k * pitch, top + 40, w, h, t, gap, slant, square)
            for s in DIGITS[ch]:
                d.polygon(segs[s], fill=(25, 25, 25))
        d.text((80 + n * pitch + 20, top + 40 + h - 34), ["kWh", "m3", "kWh"][i % 3], font=font("libsansb", 24, 96),
               fill=(20, 20, 20))
        d.text((40, bottom + 40), "Rate 1   Day tariff", font=font("libsans", 16, 96), fill=(30, 30, 30))
        d.text((40, bottom + 80), f"Read on 0{i % 9 + 1}/12/2026 by T. Okafor", font=font("libsans", 16, 96),
               fill=(30, 30, 30))
        if i % 2:
            img = img.filter(ImageFilter.GaussianBlur(0.8))
        pages.append((f"meter{i:02d}_h{h}_g{gap}{'_s' if slant else ''}{'_sq' if square else ''}", np.asarray(img), reading, (top, bottom)))
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--start", type=int, default=0, help="skip the first pages (16: the rectangular segments only)")
    ap.add_argument("--save", default="", help="folder to write the drawn pages to (PNG)")
    ap.add_argument("--set", action="append", default=[], help="config override KEY=VALUE (every preset)")
    args = ap.parse_args()
    from ocrplug.pipeline import Pipeline

    pages = make_pages()[args.start:]
    save_pages(args.save, pages)
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset, ["renderers=[]", *args.set])
        digits = total = whole = 0
        started = time.perf_counter()
        for name, image, reading, (top, bottom) in pages:
            result = pipe.run(image).pages[0]
            words = sorted((w.bbox[0], w.text or "") for w in result.words
                           if top <= (w.bbox[1] + w.bbox[3]) / 2 <= bottom and not any(c.isalpha() for c in w.text or ""))
            got = "".join(c for _, t in words for c in t if c.isdigit())
            match = sum(b.size for b in SequenceMatcher(None, reading, got, autojunk=False).get_matching_blocks())
            digits += match
            total += len(reading)
            whole += got == reading
            print(f"{preset:8s} {name:22s} {reading} -> {got} ({' '.join(t for _, t in words)})", flush=True)
        print(f"{preset}: digits read right {digits}/{total}, readings whole {whole}/{len(pages)}", flush=True)
        print(f"{preset}: {(time.perf_counter() - started) / len(pages):.2f} s per page (wall)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
