"""Words glued at a highlighter band's edge (issue 24, T13 finding 1): drawn pages, words right per preset
with and without the ppocr recognizer's tone-step flattening (``flatten_tone_step``).

usage: python benchmarks/tone_step.py [--presets fast,swift,accurate] [--pages N] [--controls-only]

* band pages: 8 lines of dark text on white paper (Liberation Sans, Liberation Serif, DejaVu Sans; 11 and
  14 pt at 200 dpi), each with a translucent band (``colour * alpha + paper * (1 - alpha)``) over 2 or 3
  words mid-line, for each band colour (yellow, green, pink, grey, orange) x opacity (0.35, 0.6) x where the
  band ends (``space``: half-way into the word spaces, ``word``: mid-word, a letter or two inside the
  first and last words).
* control pages (must still read): a table whose rows alternate white and grey (full width), a line on a
  coloured panel (the whole line on one tone), light text on a dark bar.

Per preset and page kind: words right (bag of words, exact tokens) and how many words were read in
total, ``before`` (flattening turned off) -> ``after``; and the crops flattened. The cost on ordinary
pages is measured by ``--cost`` (the flattening's milliseconds per crop on the first 10 ``funsd_train``
forms, and how many it flattens), no model needed beyond the preset's.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from itertools import product

import numpy as np
from PIL import Image, ImageDraw, ImageFont

TRUETYPE = "/usr/share/fonts/truetype/"
FACES = ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSerif-Regular.ttf", "dejavu/DejaVuSans.ttf")
COLOURS = {"yellow": (255, 235, 60), "green": (120, 230, 120), "pink": (255, 140, 200), "grey": (170, 170, 170),
           "orange": (255, 170, 60)}
ALPHAS = (0.35, 0.6)
LINES = (
    "Read chapters four and five before the seminar",
    "Bring the signed consent form on Tuesday",
    "The lab closes early on Friday at two",
    "Submit the essay draft by the twelfth",
    "Check every invoice against the order book",
    "Our new office opens in the spring",
    "Please return the keys to the front desk",
    "Send the final figures to the board today",
)


def _font(k: int, pt: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(TRUETYPE + FACES[k % len(FACES)], round(pt * 200 / 72))


def band_page(colour: str, alpha: float, edge: str, seed: int) -> tuple[np.ndarray, str]:
    """A page of :data:`LINES`, each with a band over 2 or 3 words from word 1 or 2; its text."""
    rng = np.random.default_rng(seed)
    pt = (11, 14)[seed % 2]
    font = _font(seed, pt)
    px = round(pt * 200 / 72)
    img = Image.new("RGB", (1600, round(2.2 * px * (len(LINES) + 2))), "white")
    band = Image.new("RGB", img.size, COLOURS[colour])
    mask = Image.new("L", img.size, 0)
    d, m = ImageDraw.Draw(img), ImageDraw.Draw(mask)
    space = font.getlength(" ")
    for k, line in enumerate(LINES):
        x0, y0 = 100, px + round(2.2 * px * k)
        words = line.split()
        first = int(rng.integers(1, 3))
        last = min(first + int(rng.integers(1, 3)), len(words) - 2)
        left = x0 + font.getlength(" ".join(words[:first]) + " ")
        right = x0 + font.getlength(" ".join(words[: last + 1]))
        if edge == "space":
            left, right = left - space / 2, right + space / 2
        else:
            left, right = left + font.getlength(words[first][:1]), right - font.getlength(words[last][-1:])
        top, bottom = font.getbbox("Hg")[1::2]
        m.rectangle((left, y0 + top - 0.2 * px, right, y0 + bottom + 0.2 * px), fill=round(255 * alpha))
        d.text((x0, y0), line, font=font, fill=(20, 20, 20))
    # The band is translucent and over the ink: the text darkens under it as under a real highlighter.
    out = Image.composite(band, img, mask)
    ink = np.asarray(img) < 128
    arr = np.asarray(out).copy()
    arr[ink] = np.minimum(arr[ink], np.asarray(img)[ink])
    return arr, "\n".join(LINES)


def control_pages() -> list[tuple[str, np.ndarray, str]]:
    """Shaded table rows, lines on a coloured panel, light text on a dark bar: pages that must still read."""
    out = []
    font = _font(0, 12)
    px = round(12 * 200 / 72)
    img = Image.new("RGB", (1600, round(2.2 * px * 10)), "white")
    d = ImageDraw.Draw(img)
    for k, line in enumerate(LINES):
        y = px + round(2.2 * px * k)
        if k % 2:
            d.rectangle((60, y - 0.6 * px, 1540, y + 1.6 * px), fill=(215, 215, 215))
        d.text((100, y), line, font=font, fill=(20, 20, 20))
    out.append(("table-rows", np.asarray(img), "\n".join(LINES)))
    img = Image.new("RGB", (1600, round(2.2 * px * 10)), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((60, 0.5 * px, 1100, 2.2 * px * 9), fill=(200, 225, 250))
    for k, line in enumerate(LINES):
        d.text((100, px + round(2.2 * px * k)), line, font=font, fill=(20, 20, 20))
    out.append(("panel", np.asarray(img), "\n".join(LINES)))
    img = Image.new("RGB", (1600, round(2.2 * px * 10)), "white")
    d = ImageDraw.Draw(img)
    for k, line in enumerate(LINES):
        y = px + round(2.2 * px * k)
        if k % 3 == 0:
            d.rectangle((60, y - 0.6 * px, 1540, y + 1.6 * px), fill=(30, 40, 90))
        d.text((100, y), line, font=font, fill=(250, 250, 250) if k % 3 == 0 else (20, 20, 20))
    out.append(("dark-bars", np.asarray(img), "\n".join(LINES)))
    return out


def right(truth: str, got: str) -> int:
    """Words of ``truth`` found in ``got`` (bags of exact tokens)."""
    return sum((Counter(truth.split()) & Counter(got.split())).values())


def run(presets: list[str], limit: int | None, controls_only: bool) -> None:
    import ocrplug_ppocr.recognizer as rec

    from ocrplug import Pipeline

    flatten = rec.flatten_tone_step
    count = [0]

    def counting(image: np.ndarray) -> np.ndarray:
        out = flatten(image)
        count[0] += out is not image
        return out

    pages = [] if controls_only else [
        (f"{c}/{a}/{e}", *band_page(c, a, e, s))
        for s, (c, a, e) in enumerate(product(COLOURS, ALPHAS, ("space", "word")))
    ][:limit]
    pages += control_pages()
    for name in presets:
        pipe = Pipeline.from_preset(name)
        totals: dict[str, list[int]] = {}
        for label, image, truth in pages:
            parts = label.split("/")
            keys = [f"edge:{parts[2]}", f"colour:{parts[0]}", "bands"] if len(parts) == 3 else [label]
            for k, fn in enumerate((lambda im: im, counting)):
                rec.flatten_tone_step = fn
                got = "\n".join(ln.text or "" for ln in pipe.run(image).pages[0].lines)
                for key in keys:
                    row = totals.setdefault(key, [0] * 5)
                    row[2 * k] += right(truth, got)
                    row[2 * k + 1] += len(got.split())
                    row[4] += len(truth.split()) if k else 0
            rec.flatten_tone_step = flatten
        for kind, (b, nb, a, na, n) in totals.items():
            print(f"{name:9s} {kind:14s} words right {b:4d} -> {a:4d} of {n:4d} (read {nb} -> {na})")
        print(f"{name:9s} crops flattened: {count[0]}")
        count[0] = 0


def cost(preset: str) -> None:
    from pathlib import Path

    import ocrplug_ppocr.recognizer as rec
    from PIL import Image as PILImage

    from ocrplug import Pipeline

    flatten = rec.flatten_tone_step
    spent, crops, flat = [0.0], [0], [0]

    def timed(image: np.ndarray) -> np.ndarray:
        t = time.perf_counter()
        out = flatten(image)
        spent[0] += time.perf_counter() - t
        crops[0] += 1
        flat[0] += out is not image
        return out

    rec.flatten_tone_step = timed
    pipe = Pipeline.from_preset(preset)
    images = sorted(Path("/work/shared/eval/funsd_train/images").glob("*"))[:10]
    t = time.perf_counter()
    for p in images:
        pipe.run(np.asarray(PILImage.open(p).convert("RGB")))
    total = time.perf_counter() - t
    print(f"{preset}: {crops[0]} crops, {flat[0]} flattened, {1000 * spent[0] / max(crops[0], 1):.3f} ms/crop, "
          f"{100 * spent[0] / total:.2f}% of the run ({total:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--pages", type=int, default=None, help="only the first N band pages")
    ap.add_argument("--controls-only", action="store_true")
    ap.add_argument("--cost", action="store_true", help="time the flattening on 10 funsd_train forms (fast)")
    args = ap.parse_args()
    if args.cost:
        cost("fast")
        return
    run(args.presets.split(","), args.pages, args.controls_only)


if __name__ == "__main__":
    main()
