"""Lines found by the ``db`` detector on generated low-dpi letter pages (issue 24, F12).

Letter pages (8.5 x 11 in) drawn at 75-150 dpi with 8-12 pt text in several fonts, 8 lines at the top
(a fax's shape, as T12's ``fax100.jpg``), saved as JPEG at several qualities, most of them as a fax (noise, thresholded, speckled, turned up to 1 degree), each line a random string
of words. Counts the truth lines that some detected region covers (its centre row inside the line's ink
band) for each detector setting given, e.g.::

    PYTHONPATH=.:plugins python benchmarks/low_dpi_lines.py --pages 24 \
        --config swift:max_side=1024,min_text_height=0 --config swift8:max_side=1024,min_text_height=8
"""

from __future__ import annotations

import argparse
import io
import random

import numpy as np
from ocrplug_db.detector import DbDetector, DbOptions
from PIL import Image, ImageDraw, ImageFont

from ocrplug.api import PageImage

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
]
WORDS = ("fax clinic records office pages date please find below results requested monday patient reference "
         "seen november blood pressure pulse temperature further action needed time reached error call "
         "0161 496 0234 88-4410 128/84 36.9 Dr. Helen Marsh From: To: 3 Dec 2026").split()


def page(rng: random.Random, dpis: list[int], fax: float) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """One page at one of ``dpis``, a fax with probability ``fax``: ``(H x W x 3 uint8, [(top, bottom) ink rows
    of each line])``."""
    dpi = rng.choice(dpis)
    pt = rng.choice([8, 9, 10, 11, 12])
    w, h = round(8.5 * dpi), round(11 * dpi)
    font = ImageFont.truetype(rng.choice(FONTS), round(pt * dpi / 72))
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    y = round(rng.uniform(0.5, 1.0) * dpi)
    bands = []
    for _ in range(8):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9)))
        x = round(rng.uniform(0.6, 0.9) * dpi)
        box = d.textbbox((x, y), text, font=font)
        if box[2] > w - 10:
            continue
        d.text((x, y), text, fill=rng.randint(0, 60), font=font)
        bands.append((box[1], box[3]))
        y += round(pt * dpi / 72 * rng.uniform(1.6, 2.4))
    if rng.random() < fax:  # a fax: noise, thresholded, speckled, slightly turned
        a = np.asarray(im, dtype=np.float32) + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 25, (h, w))
        a = np.where(a > 150, 255, 0).astype(np.uint8)
        a[np.random.default_rng(rng.randrange(1 << 30)).random(a.shape) < 0.002] = 0
        angle = rng.uniform(-1.0, 1.0)
        im = Image.fromarray(a).rotate(angle, fillcolor=255)
        # the turn moves each line's band by at most its half length's sine
        bands = [(t - w * 0.01 * abs(angle), b + w * 0.01 * abs(angle)) for t, b in bands]
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=rng.choice([30, 50, 75, 90]))
    return np.asarray(Image.open(buf).convert("RGB")), bands


def found(regions: list, bands: list[tuple[int, int]]) -> int:
    """Truth lines whose ink band holds the centre row of some region."""
    centres = [float(np.asarray(r.quad, dtype=float)[:, 1].mean()) for r in regions]
    return sum(any(a - 1 <= c <= b + 1 for c in centres) for a, b in bands)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--dpi", default="75,90,100,110,120,150", help="comma-separated dpis drawn from")
    ap.add_argument("--fax", type=float, default=0.6, help="share of pages drawn as a fax")
    ap.add_argument("--config", action="append", required=True, help="NAME:key=value,... (DbOptions)")
    a = ap.parse_args()
    dets = {}
    for c in a.config:
        name, _, kv = c.partition(":")
        opts = {k: float(v) if "." in v else int(v) for k, v in (p.split("=") for p in kv.split(",") if p)}
        dets[name] = DbDetector(DbOptions(threads=1, lone_glyphs=True, **opts))
    rng = random.Random(a.seed)
    total = {n: 0 for n in dets}
    lost_pages = {n: 0 for n in dets}
    lines = 0
    for _ in range(a.pages):
        img, bands = page(rng, [int(d) for d in a.dpi.split(",")], a.fax)
        lines += len(bands)
        pg = PageImage(image=img, index=0, source="gen")
        for n, det in dets.items():
            k = found(det.detect(pg), bands)
            total[n] += k
            lost_pages[n] += k < len(bands)
    for n in dets:
        print(f"{n}: {total[n]}/{lines} lines found, {lost_pages[n]} of {a.pages} pages lose a line")


if __name__ == "__main__":
    main()
