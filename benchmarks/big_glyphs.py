"""Big lone glyphs on sparse pages: shop price tags and lone large digits (issue 24, D16; T15 ``price_tag.png``).

usage: python benchmarks/big_glyphs.py [--presets fast,swift,accurate] [--kinds tag,alone] [--detector]
                                       [--set KEY=VALUE]

Draws price tags (a bold title, an optional struck ``Was`` price, a big price ``£`` + one or two digits
150-400 px high + raised cents, a small unit-price line and an SKU line; white, yellow or pale tinted
ground; 8 bold faces) and lone big digits (a title and one digit 150-400 px, nothing else), runs each preset,
and counts per kind: big glyphs found (a word whose box holds the glyph's centre and whose text holds it),
prices read in order (the page's text, spaces and ``.`` dropped, holds ``£`` + digits + cents), and false
words (words on no drawn text). ``--detector``: the detector alone (regions holding a big glyph's centre,
regions on no drawn text). ``--sets funsd_train,icdar2015_val``: no drawn pages; ``db`` with each preset's options
on the blank-noise page and the first ``--limit`` images of each validation set, listing every big-glyph look
(``ocrplug_db.detector._big_glyphs``) and each box it adds, with whether it holds a GT word's centre.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_pages import font

FACES = ["libsansb", "dejavub", "nimbussansb", "notoserifb", "c059b", "gothicb", "narrowb", "p052b"]
GROUNDS = [(255, 255, 255), (255, 230, 0), (255, 236, 180), (210, 235, 255)]
INKS = [(200, 0, 0), (0, 0, 0), (20, 40, 160)]


@dataclass
class BigPage:
    """One drawn page: its image, the big glyphs' boxes (page px) with their characters, the boxes of every
    drawn text, and the price's expected reading (spaces and dots dropped)."""

    name: str
    kind: str
    image: np.ndarray
    glyphs: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)
    texts: list[tuple[int, int, int, int]] = field(default_factory=list)
    price: str = ""


def _draw(d: ImageDraw.ImageDraw, page: BigPage, xy: tuple[int, int], text: str, f, fill) -> tuple[int, int, int, int]:
    box = d.textbbox(xy, text, font=f)
    d.text(xy, text, font=f, fill=fill)
    page.texts.append(tuple(int(v) for v in box))
    return tuple(int(v) for v in box)


def make_pages(kinds: set[str]) -> list[BigPage]:
    rng = np.random.default_rng(24)
    pages = []
    sizes = [150, 200, 250, 300, 350, 400]
    if "tag" in kinds:
        for i in range(16):
            face, px = FACES[i % len(FACES)], sizes[i % len(sizes)]
            ground, ink = GROUNDS[i % len(GROUNDS)], INKS[i % len(INKS)]
            digits = str(rng.integers(1, 10)) if i % 3 else str(rng.integers(10, 100))
            cents = f"{rng.integers(0, 100):02d}"
            w, h = 1000 + px * len(digits), 420 + px
            img = Image.new("RGB", (w, h), ground)
            d = ImageDraw.Draw(img)
            page = BigPage(f"tag{i:02d}_{face}_{px}", "tag", np.zeros(0))
            _draw(d, page, (40, 30), "Organic Whole Milk 2L" if i % 2 else "Fresh Orange Juice 1L", font(face, 28, 96), (0, 0, 0))
            y = 90
            if i % 4 != 1:
                b = _draw(d, page, (40, y), f"Was £{rng.integers(2, 9)}.{rng.integers(10, 99)}", font("libsans", 22, 96), (0, 0, 0))
                d.line([(b[0], (b[1] + b[3]) // 2), (b[2] + 4, (b[1] + b[3]) // 2)], fill=(0, 0, 0), width=2)
                y += 50
            small = font(face, px * 0.27, 72)
            big = font(face, px * 1.37, 72)  # cap height of a bold sans is about 0.72 em
            x = 60
            pb = _draw(d, page, (x, y + 20), "£", small, ink)
            x = pb[2] + 30
            top = y + 10
            bb = d.textbbox((x, top), digits, font=big)
            dy = top - bb[1]
            for ch in digits:
                gb = _draw(d, page, (x, top + dy), ch, big, ink)
                page.glyphs.append((ch, gb))
                x = gb[2] + max(4, px // 20)
            cb = _draw(d, page, (x + 20, y + 20), cents, small, ink)
            _draw(d, page, (max(cb[2] + 60, w - 340), top + (bb[3] - bb[1]) * 2 // 3), "£2.50 per litre", font("libsans", 20, 96), (0, 0, 0))
            _draw(d, page, (40, h - 70), f"SKU {rng.integers(1000000, 9999999)}  Offer ends 31/12", font("libsans", 18, 96), (0, 0, 0))
            page.image = np.asarray(img)
            page.price = "£" + digits + cents
            pages.append(page)
    if "alone" in kinds:
        for i in range(8):
            face, px = FACES[(i + 3) % len(FACES)], sizes[i % len(sizes)]
            ground, ink = GROUNDS[i % len(GROUNDS)], INKS[(i + 1) % len(INKS)]
            digit = str(rng.integers(1, 10))
            w, h = 800, 260 + px
            img = Image.new("RGB", (w, h), ground)
            d = ImageDraw.Draw(img)
            page = BigPage(f"alone{i:02d}_{face}_{px}", "alone", np.zeros(0))
            _draw(d, page, (40, 30), "Platform" if i % 2 else "Gate", font(face, 28, 96), (0, 0, 0))
            big = font(face, px * 1.37, 72)
            bb = d.textbbox((0, 0), digit, font=big)
            gx, gy = (w - (bb[2] - bb[0])) // 2 - bb[0], 130 - bb[1]
            page.glyphs.append((digit, _draw(d, page, (gx, gy), digit, big, ink)))
            page.image = np.asarray(img)
            page.price = digit
            pages.append(page)
    return pages


def _inside(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _on_text(page: BigPage, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(_inside((t[0] - 8, t[1] - 8, t[2] + 8, t[3] + 8), cx, cy) for t in page.texts) or any(
        _inside(box, (t[0] + t[2]) / 2, (t[1] + t[3]) / 2) for t in page.texts
    )


def score(page: BigPage, words: list[tuple[str, tuple[float, float, float, float]]], text: str) -> tuple[int, int, int]:
    """``(found, price read in order, false words)`` of one page."""
    found = sum(
        any(ch in t and _inside(b, (g[0] + g[2]) / 2, (g[1] + g[3]) / 2) for t, b in words) for ch, g in page.glyphs
    )
    flat = text.replace(" ", "").replace("\n", "").replace(".", "").replace(",", "")
    false = sum(not _on_text(page, b) for _, b in words)
    return found, int(page.price in flat), false


def guard_sets(presets: str, sets: str, limit: int) -> int:
    """Print the big-glyph looks and the boxes they add on the blank-noise page and the sets' first pages."""
    import tempfile

    import cv2
    import ocrplug_db.detector as detector
    from db_lone import page_sources

    from ocrplug.api import PageImage
    from ocrplug.presets import preset_config

    looks: list[int] = []
    real = detector._big_glyphs

    def counted(*a: object, **k: object) -> list:
        out = real(*a, **k)
        looks.append(len(out))
        return out

    detector._big_glyphs = counted
    with tempfile.TemporaryDirectory() as tmp:
        sources = page_sources(Path(tmp), sets, limit)
        for preset in presets.split(","):
            options = preset_config(preset)["detector"].get("options", {})
            if preset_config(preset)["detector"].get("name") != "db":
                continue
            on = detector.DbDetector(detector.DbOptions(**options))
            pages_looked = added = on_gt = 0
            for key, path, centres in sources:
                rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
                page = PageImage(image=rgb, index=0, source=str(path))
                looks.clear()
                with_rule = on.detect(page)
                if not any(looks):
                    continue
                pages_looked += 1
                off = detector.DbDetector(detector.DbOptions(**{**options, "big_glyph_side": 0}), model=on.model)
                before = {tuple(np.round(r.bbox, 1)) for r in off.detect(page)}
                for r in with_rule:
                    if tuple(np.round(r.bbox, 1)) in before:
                        continue
                    x0, y0, x1, y1 = r.bbox
                    gt = bool(len(centres)) and bool(np.any((centres[:, 0] >= x0) & (centres[:, 0] <= x1)
                                                            & (centres[:, 1] >= y0) & (centres[:, 1] <= y1)))
                    added += 1
                    on_gt += gt
                    print(f"{preset} {key}: box added {np.round(r.bbox).tolist()} on a GT word: {gt}", flush=True)
                print(f"{preset} {key}: {max(looks)} big glyph(s) looked at", flush=True)
            print(f"{preset}: {len(sources)} pages, {pages_looked} looked at again, {added} boxes added "
                  f"({on_gt} on GT words)", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--kinds", default="tag,alone")
    ap.add_argument("--detector", action="store_true", help="the detector alone: regions on big glyphs")
    ap.add_argument("--set", action="append", default=[], help="config override KEY=VALUE (every preset)")
    ap.add_argument("--save", default="", help="folder to write the drawn pages to (PNG)")
    ap.add_argument("--sets", default="", help="validation sets: the rule's looks and boxes on their pages")
    ap.add_argument("--limit", type=int, default=40, help="images of each --sets set")
    args = ap.parse_args()
    if args.sets:
        return guard_sets(args.presets, args.sets, args.limit)
    from ocrplug.pipeline import Pipeline

    pages = make_pages(set(args.kinds.split(",")))
    if args.save:
        Path(args.save).mkdir(parents=True, exist_ok=True)
        for page in pages:
            Image.fromarray(page.image).save(Path(args.save) / f"{page.name}.png")
    for preset in args.presets.split(","):
        extra = ["recognizer=null"] if args.detector else []
        pipe = Pipeline.from_preset(preset, ["renderers=[]", *extra, *args.set])
        totals: dict[str, list[int]] = {}
        started = time.perf_counter()
        for page in pages:
            result = pipe.run(page.image).pages[0]
            if args.detector:
                words = [("", w.bbox) for w in result.words]
                found = sum(any(_inside(b, (g[0] + g[2]) / 2, (g[1] + g[3]) / 2) for _, b in words) for _, g in page.glyphs)
                right, false = 0, sum(not _on_text(page, b) for _, b in words)
            else:
                words = [(w.text or "", w.bbox) for w in result.words]
                found, right, false = score(page, words, result.text)
            t = totals.setdefault(page.kind, [0, 0, 0, 0, 0])
            for j, v in enumerate((found, len(page.glyphs), right, 1, false)):
                t[j] += v
            text = result.text.replace("\n", " | ") if not args.detector else ""
            print(f"{preset:8s} {page.name:26s} found {found}/{len(page.glyphs)} price {right} false {false}  {text}",
                  flush=True)
        for kind, (found, glyphs, right, n, false) in totals.items():
            print(f"{preset}: {kind}: big glyphs found {found}/{glyphs}, prices read {right}/{n}, false words {false}",
                  flush=True)
        print(f"{preset}: {(time.perf_counter() - started) / max(len(pages), 1):.2f} s per page (wall)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
