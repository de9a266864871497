"""Curved text end to end: polygon H-mean of the detectors and line CER through rectified crops.

A synthetic test set is generated here (nothing is stored): ``--images`` pages (default 100) of 480 x 360
pixels, each with 1 or 2 lines of 2-4 common English words drawn along an arc (the top or the bottom of a
circle of radius 4-12 text heights) or a sine wave (amplitude 0.3-1.2 text heights, period 8-20), one
glyph at a time turned to the line's direction (fonts DejaVu Sans / Serif, Liberation Sans; 22-34 px).
The seed, :data:`SEED`, is used by no training config (``craft-lite-*``: 20261124-20261127,
``craft-refiner-synth``: 20261206 and its validation stream 20261206 + 1_000_003) nor by
``benchmarks/craft_refiner_lines.py`` (7772027). GT per line: its outline (the band of the string's ink
height plus 2 px above and below, along the centre line, 24 points a side) and its text.

Contenders (real components through the plugin host):

- ``craft+refiner``: ``craft`` with ``refiner: true`` (shipped ``craft-refiner-synth``), its line regions;
- ``db poly``: ``db`` with ``box_type: poly`` (lines with their unclipped outline in ``Region.polygon``);
- ``GT outline``: the ground-truth polygons themselves, which isolates the recognizer's side.

Detection: polygon IoU > 0.5 (shapely; a detection's polygon, else its quad), one-to-one best-IoU-first
(as ``benchmarks/craft_refiner_lines.py``), counts summed over the images. Recognition: ``ppocr`` reads every
matched line twice: through the host's crop of the region as it is (rectified along the polygon when the
polygon is curved, :mod:`ocrplug.rectify`) and through today's bounding-quad crop (the same region without
its polygon, its quad replaced by :func:`ocrplug.crops.quad_of_region`, the min-area rectangle of the
polygon). CER = summed edit distance / summed GT characters over the matched lines (case and spaces kept).

    nice -n 10 python benchmarks/curved_text.py [--images 100] [--threads 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from craft_refiner_lines import polygon_pairs

SEED = 27_270_027
WIDTH, HEIGHT = 480, 360
FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
WORDS = (
    "the of and to in for is on that by this with you it not or be are from at as your all have new more an was "
    "we will home can us about if page my has search free but our one other do no information time they site he "
    "up may what which their news out use any there see only so his when contact here business who web also now "
    "help get view online first been would how were me services some these click its like service than find price "
    "date back top people had list name just over state year day into email two health world next used go work "
    "last most products music buy data make them should product system post her city add policy number such please"
).split()


def _centre_line(rng: np.random.Generator, length: float, size: float) -> np.ndarray | None:
    """A dense centre line (M, 2), left to right, at least ``length`` px long, inside the page."""
    for _ in range(20):
        if rng.random() < 0.55:
            radius = rng.uniform(4.0, 12.0) * size
            sweep = min((length + 2 * size) / radius, math.radians(160))
            if sweep * radius < length + size:
                continue
            top = rng.random() < 0.5  # the top of the circle (text bends down at the ends) or its bottom
            mid = -math.pi / 2 if top else math.pi / 2
            sign = 1.0 if top else -1.0  # left to right in both cases
            t = mid + sign * np.linspace(-sweep / 2, sweep / 2, 300)
            cx = rng.uniform(0.3, 0.7) * WIDTH
            cy = rng.uniform(0.3, 0.7) * HEIGHT + (radius if top else -radius) * 0.9
            pts = np.stack([cx + radius * np.cos(t), cy + radius * np.sin(t)], 1)
        else:
            amp, period = rng.uniform(0.3, 1.2) * size, rng.uniform(8.0, 20.0) * size
            angle = math.radians(rng.normal(0.0, 8.0))
            u = np.linspace(0.0, length + 2 * size, 300)
            v = amp * np.sin(2 * math.pi * u / period + rng.uniform(0, 2 * math.pi))
            x0, y0 = rng.uniform(0.03, 0.3) * WIDTH, rng.uniform(0.15, 0.85) * HEIGHT
            pts = np.stack([x0 + u * math.cos(angle) - v * math.sin(angle), y0 + u * math.sin(angle) + v * math.cos(angle)], 1)
        if (pts.min(0) > 1.2 * size).all() and (pts.max(0) < np.array([WIDTH, HEIGHT]) - 1.2 * size).all():
            return pts
    return None


def _draw_line(ink: np.ndarray, text: str, centre: np.ndarray, font: Any) -> np.ndarray:
    """Draw ``text`` along ``centre`` (glyphs turned to its direction) into ``ink``; returns the outline."""
    from PIL import Image, ImageDraw

    seg = np.linalg.norm(np.diff(centre, axis=0), axis=1)
    arc = np.concatenate([[0.0], np.cumsum(seg)])
    ascent, descent = font.getmetrics()
    mid = (ascent + descent) / 2
    total = font.getlength(text)
    start = (arc[-1] - total) / 2

    def at(s: float) -> tuple[np.ndarray, np.ndarray]:
        j = int(np.clip(np.searchsorted(arc, s), 1, len(arc) - 1))
        f = (s - arc[j - 1]) / max(arc[j] - arc[j - 1], 1e-9)
        d = centre[j] - centre[j - 1]
        return centre[j - 1] + f * d, d / max(np.linalg.norm(d), 1e-9)

    for i, ch in enumerate(text):
        left, top, right, bottom = font.getbbox(ch)
        if right <= left or bottom <= top:
            continue
        off = font.getlength(text[:i])
        point, d = at(start + off + font.getlength(ch) / 2)
        rot = np.array([[d[0], -d[1]], [d[1], d[0]]])
        pad = 2
        patch = Image.new("L", (math.ceil(right - left) + 2 * pad, math.ceil(bottom - top) + 2 * pad), 0)
        ImageDraw.Draw(patch).text((pad - left, pad - top), ch, font=font, fill=255)
        ref = np.array([off + font.getlength(ch) / 2, mid])
        origin = np.array([off + left - pad, top - pad])
        affine = np.hstack([rot, (rot @ (origin - ref) + point)[:, None]])
        warped = cv2.warpAffine(np.asarray(patch), affine, (ink.shape[1], ink.shape[0]), flags=cv2.INTER_LINEAR)
        np.maximum(ink, warped, out=ink)
    # The band of the string's own ink (its bounding box in the drawing frame) plus 2 px, around the centre line.
    _, ink_top, _, ink_bottom = font.getbbox(text)
    above, below = mid - ink_top + 2, ink_bottom - mid + 2
    tops, bottoms = [], []
    for s in np.linspace(start - 2, start + total + 2, 24):
        p, d = at(float(s))
        normal = np.array([d[1], -d[0]])  # towards the glyphs' tops (y down)
        tops.append(p + normal * above)
        bottoms.append(p - normal * below)
    return np.array(tops + bottoms[::-1])


def generate(index: int) -> tuple[np.ndarray, list[np.ndarray], list[str]]:
    """Page ``index`` of the set: RGB image, GT outlines and GT texts (a pure function of SEED and index)."""
    from PIL import ImageFont

    rng = np.random.default_rng(np.random.SeedSequence([SEED, index]))
    paper = rng.uniform(215, 255)
    ink = np.zeros((HEIGHT, WIDTH), np.uint8)
    polys: list[np.ndarray] = []
    texts: list[str] = []
    taken = np.zeros((HEIGHT, WIDTH), bool)
    for _ in range(int(rng.integers(1, 3))):
        size = int(rng.integers(22, 35))
        font = ImageFont.truetype(FONTS[int(rng.integers(len(FONTS)))], size)
        text = " ".join(WORDS[int(k)] for k in rng.integers(len(WORDS), size=int(rng.integers(2, 5))))
        centre = _centre_line(rng, font.getlength(text), size)
        if centre is None:
            continue
        layer = np.zeros_like(ink)
        poly = _draw_line(layer, text, centre, font)
        mask = np.zeros((HEIGHT, WIDTH), np.uint8)
        cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
        if (taken & mask.astype(bool)).any() or poly.min() < 0 or (poly.max(0) > [WIDTH - 1, HEIGHT - 1]).any():
            continue  # overlaps an earlier line or leaves the page: left out
        taken |= mask.astype(bool)
        np.maximum(ink, layer, out=ink)
        polys.append(poly)
        texts.append(text)
    colour = rng.uniform(0, 80, 3)
    alpha = (ink.astype(np.float64) / 255.0)[..., None]
    img = paper * (1 - alpha) + colour * alpha
    img = cv2.GaussianBlur(img, (0, 0), 0.5) + rng.normal(0, 4, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), polys, texts


def main(argv: list[str] | None = None) -> int:
    """Generate the set, run both detectors, read matched lines both ways, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads of craft and ppocr")
    parser.add_argument("--no-craft", action="store_true")
    parser.add_argument("--save", help="write the first pages' images here (PNG) to look at")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)

    from ocrplug.crops import quad_of_region
    from ocrplug.evaluation import edit_distance
    from ocrplug.geometry import order_quad
    from ocrplug.manager import PluginHost
    from ocrplug.model import PageImage, Region

    host = PluginHost()
    detectors = host.components("detector")
    contenders: dict[str, Any] = {}
    if not args.no_craft:
        spec = detectors["craft"]
        contenders["craft+refiner"] = spec.build(spec.options(refiner=True, precision="fp32", device="cpu",
                                                              threads=args.threads))
    contenders["db poly"] = detectors["db"].build(detectors["db"].options(box_type="poly"))
    rspec = host.components("recognizer")["ppocr"]
    reader = rspec.build(rspec.options(threads=args.threads))

    labels = [*contenders, "GT outline"]
    counts = {k: np.zeros(3, np.int64) for k in labels}  # matched, GT, detections
    errors = {k: np.zeros(3, np.int64) for k in labels}  # edits rectified, edits bounding, GT characters
    curved = {k: 0 for k in labels}  # matched lines whose crop was rectified
    seconds = {k: 0.0 for k in labels}
    for index in range(args.start, args.start + args.images):
        image, polys, texts = generate(index)
        if args.save and index < args.start + 10:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(Path(args.save) / f"curved_{index:03d}.png"), image[:, :, ::-1])
        page = PageImage(image=image, index=0, source=f"curved_{index:03d}")
        found: dict[str, list[Any]] = {}
        for label, det in contenders.items():
            t = time.perf_counter()
            found[label] = [r.with_(children=()) for r in det.detect(page) if r.level == "line"]
            seconds[label] += time.perf_counter() - t
        found["GT outline"] = [
            Region(quad=order_quad(cv2.boxPoints(cv2.minAreaRect(p.astype(np.float32)))), level="line",
                   polygon=tuple(map(tuple, p)))
            for p in polys
        ]
        for label in labels:
            dets = found[label]
            pairs = polygon_pairs(polys, dets)
            counts[label] += (len(pairs), len(polys), len(dets))
            if not pairs:
                continue
            regions = [dets[j] for _, j in pairs]
            from ocrplug.rectify import curve_of_region

            curved[label] += sum(curve_of_region(r) is not None for r in regions)
            bounding = [r.with_(polygon=None, quad=quad_of_region(r)) for r in regions]
            read_rect = reader.recognize(page, regions)
            read_box = reader.recognize(page, bounding)
            for (i, _), a, b in zip(pairs, read_rect, read_box, strict=True):
                errors[label] += (edit_distance(a.text or "", texts[i]), edit_distance(b.text or "", texts[i]),
                                  len(texts[i]))
        print(index, {k: [*counts[k].tolist(), *errors[k].tolist()] for k in labels}, file=sys.stderr, flush=True)

    rows = []
    print(f"\ncurved synthetic set, seed {SEED}, images {args.start}..{args.start + args.images - 1}")
    print("| contender | P | R | **H** (polygon IoU > 0.5) | matched lines (rectified) | CER rectified | CER bounding quad | s/page |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label in labels:
        m, g, d = counts[label].tolist()
        p, r = (m / d if d else 1.0), (m / g if g else 1.0)
        h = 2 * p * r / (p + r) if p + r else 0.0
        er, eb, n = errors[label].tolist()
        cer_r, cer_b = (er / n if n else float("nan")), (eb / n if n else float("nan"))
        per = seconds[label] / args.images if label in contenders else 0.0
        rows.append({"contender": label, "P": p, "R": r, "H": h, "matched": m, "gt": g, "dets": d,
                     "rectified": curved[label], "cer_rectified": cer_r, "cer_bounding": cer_b, "s_per_page": per})
        print(f"| {label} | {p:.3f} | {r:.3f} | **{h:.3f}** | {m} ({curved[label]}) | {cer_r:.3f} | {cer_b:.3f} | "
              f"{per:.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"seed": SEED, "images": args.images, "start": args.start, "rows": rows},
                                              indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
