"""Regions of one solid fill are no text (issue 24, T10 fault 6): ``ocrplug.fills`` on drawn pages and FUNSD.

usage: python benchmarks/solid_fills.py [--preset fast] [--shared /work/shared] [--limit 20] [--thick 0.5,0.75,1.0]

Draws deterministic pages with PIL (:mod:`drawn_pages` fonts, 150-300 dpi): bar charts (bars 0.3 to 3 of
their labels' heights wide, blue, black and grey, labels above the bars and some printed white inside
them; and 18 charts drawn in pixels at the scale of T10's ``chart.png``, 1400-1700 px wide, bars 80-140
px wide, 36 px labels) and rows of the glyphs most like a bar (``1 l I | - — _`` alone and in short words, heavy fonts,
9-36 pt). Each page and the first ``--limit`` pages of ``funsd_train`` and ``--icdar`` of ``icdar2015_val``
go once through the preset (``Pipeline.from_preset``) with ``ocrplug.processing.glyphless`` wrapped:
every unit it is asked about is judged at each candidate ``SOLID_THICK`` (``--thick``) and ``SOLID_SHARE``
(``--share``) by :func:`ocrplug.fills.fill_share` (and read by the preset's recognizer: every unit of a
drawn page, a validation page's units that some candidate drops). Per candidate it prints the regions
dropped that hold a drawn glyph, or whose reading on a validation page holds a letter or digit (false
drops, shown), and the drawn bars whose readings were dropped (a bar's unit: its box mostly over a
bar) out of those read as text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from drawn_pages import canvas, font
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

GLYPHS = ["1", "l", "I", "|", "-", "\u2014", "_", "1 l I", "ll", "Il1", "-- 1", "||"]
GLYPH_FONTS = [("dejavub", 36, 150), ("libsansb", 24, 200), ("narrowb", 18, 300), ("p052b", 14, 300),
               ("monob", 12, 200), ("gothicb", 9, 300), ("libsans", 11, 200), ("notosans", 28, 150)]
# name -> (label font, pt, dpi, bar width in label heights, fill grey or RGB, labels inside)
CHARTS = {
    "bars_blue_1.0": ("libsans", 12, 200, 1.0, (70, 110, 170), False),
    "bars_black_0.3": ("libsans", 12, 200, 0.3, (0, 0, 0), False),
    "bars_black_0.6": ("dejavu", 10, 300, 0.6, (0, 0, 0), False),
    "bars_grey_2.0": ("notosans", 11, 150, 2.0, (128, 128, 128), False),
    "bars_blue_3.0": ("libsans", 14, 200, 3.0, (40, 80, 150), False),
    "bars_black_inside_2.0": ("libsansb", 12, 200, 2.0, (20, 20, 20), True),
    "bars_blue_inside_3.0": ("dejavub", 11, 300, 3.0, (50, 90, 160), True),
}


def glyph_page(fname: str, pt: float, dpi: int) -> tuple[Image.Image, list[tuple[str, tuple[int, int, int, int]]]]:
    """A page of glyph rows: each glyph string twice on a row with a word, and its box (the truth)."""
    img, draw = canvas(dpi, 8.5, 11)
    f = font(fname, pt, dpi)
    y, truth = round(0.7 * dpi), []
    for g in GLYPHS:
        x = round(0.8 * dpi)
        for text in ("Item", g, "and", g):
            box = draw.textbbox((x, y), text, font=f)
            draw.text((x, y), text, font=f, fill=0)
            if text == g:
                truth.append((g, box))
            x = box[2] + round(1.2 * f.size)
        y += round(2.2 * f.size)
        if y > img.height - dpi:
            break
    return img.convert("RGB"), truth


def chart_page(fname: str, pt: float, dpi: int, width: float, fill, inside: bool):
    """A bar chart; its bars' boxes and its labels (the truth)."""
    img, _ = canvas(dpi, 8.5, 6)
    img = img.convert("RGB")
    from PIL import ImageDraw

    draw = ImageDraw.Draw(img)
    f = font(fname, pt, dpi)
    label_h = f.getbbox("0")[3] - f.getbbox("0")[1]
    bar_w = max(3, round(width * label_h))
    base, left = round(5.0 * dpi), round(1.2 * dpi)
    bars, labels = [], []
    draw.line((left - 10, base, round(7.8 * dpi), base), fill=0, width=3)
    draw.line((left - 10, round(0.5 * dpi), left - 10, base), fill=0, width=3)
    for k, value in enumerate((12, 27, 35, 19, 8, 31)):
        x = left + round(0.3 * dpi) + k * round(max(1.0, (bar_w + 2 * label_h) / dpi) * dpi)
        top = base - round(value / 40 * 4.0 * dpi)
        draw.rectangle((x, top, x + bar_w, base - 1), fill=fill)
        bars.append((x, top, x + bar_w, base))
        text = str(value)
        tw = f.getlength(text)
        if inside and bar_w > tw + 6:
            draw.text((x + (bar_w - tw) / 2, top + label_h), text, font=f, fill=(255, 255, 255))
        else:
            draw.text((x + (bar_w - tw) / 2, top - 1.6 * label_h), text, font=f, fill=0)
        labels.append(text)
        draw.text((x + (bar_w - f.getlength(f"Q{k + 1}")) / 2, base + 0.5 * label_h), f"Q{k + 1}", font=f, fill=0)
    return img, bars, labels


# name -> (page width, height px, bar width px, px per unit, label px): charts drawn in pixels, the
# scale of T10's chart.png (DejaVu Sans labels), where the fast preset boxes bars and reads them.
CHARTS_PX = {
    f"bars_px_{w}x{h}_{bw}_{scale}": (w, h, bw, scale, 36)
    for w, h in ((1700, 1400), (1600, 1300), (1400, 1150))
    for bw in (80, 100, 140)
    for scale in (16, 18)
}


def chart_px(w: int, h: int, bar_w: int, scale: int, size: int):
    """A bar chart in pixels: axis, ticks 0-40, four blue bars, value labels above, quarters below."""
    from PIL import ImageDraw, ImageFont

    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    f = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", size)
    draw.text((300, 60), "Units sold per quarter", font=f, fill="black")
    base = h - 350
    draw.line((300, base, w - 300, base), fill="black", width=3)
    draw.line((300, 150, 300, base), fill="black", width=3)
    for v in (0, 10, 20, 30, 40):
        draw.text((220, base - v * scale - 20), str(v), font=f, fill="black")
    bars = []
    for k, value in enumerate((12, 27, 35, 19)):
        x, top = 380 + 240 * k, base - value * scale
        draw.rectangle((x, top, x + bar_w, base - 1), fill=(70, 110, 170))
        bars.append((x, top, x + bar_w, base))
        draw.text((x + bar_w // 2 - 20, top - 50), str(value), font=f, fill="black")
        draw.text((x + bar_w // 2 - 20, base + 20), f"Q{k + 1}", font=f, fill="black")
    return img, bars


def _overlap(quad, box) -> float:
    """Share of the quad's axis-aligned box inside ``box``."""
    q = np.asarray(quad, dtype=np.float64)
    x0, y0, x1, y1 = q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()
    ix = max(0.0, min(x1, box[2]) - max(x0, box[0]))
    iy = max(0.0, min(y1, box[3]) - max(y0, box[1]))
    return ix * iy / max((x1 - x0) * (y1 - y0), 1e-9)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--shared", default="/work/shared")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--thick", default="0.5,0.75,1.0,1.5")
    ap.add_argument("--share", default="0.8,0.9,0.95")
    ap.add_argument("--icdar", type=int, default=20, help="first N pages of icdar2015_val too")
    args = ap.parse_args()

    import ocrplug.fills as fills
    import ocrplug.processing as processing
    from ocrplug.model import PageImage
    from ocrplug.pipeline import Pipeline

    thicks = [float(t) for t in args.thick.split(",")]
    shares = [float(t) for t in args.share.split(",")]
    cands = [(t, s) for t in thicks for s in shares]
    pipeline = Pipeline.from_preset(args.preset)
    pipeline.build()
    asked: list = []  # (unit, reading, {thick: dropped}) of the current page
    current: dict = {}

    def recording(gray, region, height):
        got = {}
        for t in thicks:
            fills.SOLID_THICK = t
            share = fills.fill_share(gray, region, height)
            for s in shares:
                got[t, s] = share >= s
        fills.SOLID_THICK = current["thick"]
        # Only the units some candidate drops are read on validation pages (every unit of a drawn page).
        reading = region.with_(text="")
        if current["read_all"] or any(got.values()):
            reading = pipeline.recognizer.recognize(current["page"], [region])[0]
        asked.append((region, reading, got))
        return False  # every unit is read: the judgement is made here, per candidate

    current["thick"] = fills.SOLID_THICK
    processing.glyphless = recording
    false_drops = {c: [] for c in cands}
    bars_read = 0
    bars_dropped = dict.fromkeys(cands, 0)
    print(f"preset {args.preset}, candidates SOLID_THICK {thicks} (FLAT_RANGE {fills.FLAT_RANGE}, "
          f"SOLID_SHARE {fills.SOLID_SHARE}, HOLE_SHARE {fills.HOLE_SHARE})")

    pages = []
    for fname, pt, dpi in GLYPH_FONTS:
        img, truth = glyph_page(fname, pt, dpi)
        pages.append((f"glyphs_{fname}_{pt}pt_{dpi}", img, dpi, truth, []))
    labels = {"12", "27", "35", "19", "8", "31"}  # a chart's value labels: a unit read as one is text
    for name, spec in CHARTS.items():
        img, bars, _ = chart_page(*spec)
        pages.append((name, img, spec[2], [], bars))
    for name, spec in CHARTS_PX.items():
        img, bars = chart_px(*spec)
        pages.append((name, img, None, [], bars))
    for name, img, dpi, truth, bars in pages:
        asked.clear()
        current["read_all"] = True
        current["page"] = PageImage(image=np.asarray(img), index=0, source=name, dpi=dpi)
        pipeline.process_page(current["page"])
        for unit, reading, got in asked:
            on_glyph = [g for g, box in truth if _overlap(unit.quad, box) > 0 or _overlap(box_quad(box), unit_box(unit)) > 0.5]
            on_bar = any(_overlap(unit.quad, b) > 0.5 for b in bars)
            if bars and (reading.text or "").strip() in labels:
                on_glyph, on_bar = [reading.text.strip()], False  # a value label (inside a bar or above it)
            if on_bar and (reading.text or "").strip():
                bars_read += 1
            for c in cands:
                if got[c] and on_glyph:
                    false_drops[c].append(f"{name}: {on_glyph} read {reading.text!r}")
                if got[c] and on_bar and (reading.text or "").strip():
                    bars_dropped[c] += 1
        print(f"{name}: {len(asked)} units, {sum(1 for a in asked if any(a[2].values()))} glyphless at some candidate",
              flush=True)

    shared = Path(args.shared) / "eval"
    real = sorted((shared / "funsd_train" / "images").glob("*.png"))[: args.limit]
    real += sorted((shared / "icdar2015_val" / "images").glob("*.jpg"))[: args.icdar]
    for path in real:
        asked.clear()
        current["read_all"] = False
        img = Image.open(path).convert("RGB")
        current["page"] = PageImage(image=np.asarray(img), index=0, source=path.name, dpi=None)
        pipeline.process_page(current["page"])
        for _unit, reading, got in asked:
            text = (reading.text or "").strip()
            for c in cands:
                if got[c] and any(ch.isalnum() for ch in text):
                    false_drops[c].append(f"{path.parent.parent.name} {path.stem}: read {text!r} ({reading.confidence:.2f})")
        hits = [(a[1].text, [c for c in cands if a[2][c]]) for a in asked if any(a[2].values())]
        print(f"{path.parent.parent.name} {path.name}: {len(asked)} units, {len(hits)} glyphless at some candidate: {hits}",
              flush=True)

    print(f"\n{len(pages)} drawn pages, {len(real)} validation pages; bars read as text with no rule: {bars_read}")
    print("| SOLID_THICK | SOLID_SHARE | bars' readings dropped | false drops (drawn glyphs; validation readings with a "
          "letter or digit) |")
    print("|---|---|---|---|")
    for c in cands:
        print(f"| {c[0]} | {c[1]} | {bars_dropped[c]} of {bars_read} | {len(false_drops[c])} |")
        for line in false_drops[c][:8]:
            print(f"    {line}")
    return 0


def box_quad(box):
    x0, y0, x1, y1 = box
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def unit_box(unit):
    q = np.asarray(unit.quad, dtype=np.float64)
    return (q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max())


if __name__ == "__main__":
    raise SystemExit(main())
