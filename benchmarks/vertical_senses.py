"""Book spines read both ways on one page (issue 24 item 2, T10 fault 1): per-line sense of vertical text.

usage: python benchmarks/vertical_senses.py [--preset fast] [--pages NAME,...]

Draws deterministic shelves of book spines with PIL (:mod:`drawn_pages` fonts, 150-300 dpi, 9-20 pt):
each spine a framed box with a title and an author running down it, top to bottom (``down``) or bottom
to top (``up``); shelves of both senses mixed in several patterns, and one-way shelves (all down, all up)
as controls, plus a level page (a paragraph) that must pay nothing. Each page goes through the preset
(``Pipeline.from_preset``) twice: with ``read_both_senses`` off (the page's sense for every line, as
before issue 24 item 2) and on. Per page it prints the page's orientation, the bag recall of the truth's
words, the lines whose sense (the direction their quad runs) is the spine's, the extra regions read
and the wall-time ratio. Every level line of a turned page is read both ways; its two confidences are
recorded with which reading is right (the one closer to a truth line, ``difflib`` ratio), per line and
per row (``sense_rows``: a spine's title and author; ``sense_gain``), and the margin tables at the end
count the wrong choices each margin would make (``SENSE_MARGIN``, which applies to rows).
"""

from __future__ import annotations

import argparse
import collections
import difflib
import re
import sys
import time
from pathlib import Path

import numpy as np
from drawn_pages import canvas, font
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

TITLES = [
    ("THE SILENT HARBOR", "OKAFOR"), ("A Field Guide to Moss", "LINDQVIST"), ("NORTHERN LIGHTS", "PARRY"),
    ("Kitchen Chemistry", "ABARA"), ("THE ORCHARD YEAR", "VOSS"), ("Salt and Stone", "MERCER"),
    ("Winter Roads", "HALE"), ("The Glass Engine", "MORROW"), ("River of Clocks", "OYELARAN"),
    ("Paper Birds", "SANTOS"), ("THE LONG TIDE", "BRENNAN"), ("Maps of Nowhere", "KOVAC"),
]

# name -> (font, title pt, author pt, dpi, pattern: d = top to bottom, u = bottom to top, first title)
PAGES = {
    "mixed_dejavub_200": ("dejavub", 20, 13, 200, "ddduud", 0),
    "mixed_notoserif_150": ("notoserif", 16, 11, 150, "dudud", 2),
    "mixed_libsansb_300": ("libsansb", 14, 10, 300, "uddddu", 4),
    "mixed_bookman_200": ("bookman", 15, 11, 200, "uudd", 6),
    "mixed_gothicb_250": ("gothicb", 18, 12, 250, "duuuud", 1),
    "mixed_c059_300": ("c059", 12, 9, 300, "ddudu", 5),
    "mixed_narrowb_150": ("narrowb", 20, 13, 150, "uduuu", 3),
    "down_notosans_200": ("notosans", 18, 12, 200, "dddddd", 0),
    "up_notosans_200": ("notosans", 18, 12, 200, "uuuuuu", 0),
    "down_p052_300": ("p052", 13, 9, 300, "ddddd", 6),
    "up_p052_300": ("p052", 13, 9, 300, "uuuuu", 6),
}


def _turned(text: str, f, sense: str) -> Image.Image:
    _, _, x1, y1 = f.getbbox(text)
    im = Image.new("L", (x1 + 8, y1 + 8), 255)
    ImageDraw.Draw(im).text((4, 4), text, font=f, fill=0)
    # PIL turns counter-clockwise: -90 leaves the text running top to bottom, 90 bottom to top.
    return im.rotate(-90 if sense == "d" else 90, expand=True, fillcolor=255)


def shelf(fname: str, tpt: float, apt: float, dpi: int, pattern: str, first: int) -> tuple[Image.Image, list]:
    """A shelf page and its spines (title, author, sense) left to right."""
    n = len(pattern)
    img, draw = canvas(dpi, 8.5, 6.5)
    tf, af = font(fname, tpt, dpi), font(fname, apt, dpi)
    w, top, bottom = round(0.65 * dpi), round(0.4 * dpi), round(5.4 * dpi)
    gap = round((img.width - 2 * round(0.5 * dpi) - n * w) / max(n - 1, 1))
    spines = []
    for k, sense in enumerate(pattern):
        title, author = TITLES[(first + k) % len(TITLES)]
        x = round(0.5 * dpi) + k * (w + gap)
        draw.rectangle((x, top, x + w, bottom), outline=0, width=2)
        t, a = _turned(title, tf, sense), _turned(author, af, sense)
        # The title starts at the spine's reading start, the author sits at its reading end.
        head, tail = (top + round(0.15 * dpi), bottom - round(0.15 * dpi)) if sense == "d" else (
            bottom - round(0.15 * dpi), top + round(0.15 * dpi))
        ty = head if sense == "d" else head - t.height
        ay = tail - a.height if sense == "d" else tail
        img.paste(t, (x + (w - t.width) // 2, ty))
        img.paste(a, (x + (w - a.width) // 2, ay))
        spines.append((title, author, sense))
    return img, spines


def level_page(dpi: int = 200) -> tuple[Image.Image, list]:
    img, draw = canvas(dpi, 8.5, 6.5)
    f = font("notoserif", 11, dpi)
    lines = ["The shelf holds twelve books in all", "each one a gift from a reader who",
             "came back to the shop after many years", "and left a note inside the cover"]
    for k, text in enumerate(lines):
        draw.text((round(0.8 * dpi), round((0.8 + 0.35 * k) * dpi)), text, font=f, fill=0)
    return img, [(ln, "", "0") for ln in lines]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


def _lines(page) -> list:
    out = []
    for b in page.regions:
        out += [ln for ln in b.children if ln.level == "line"] if b.level == "block" else [b]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--pages", default="")
    args = ap.parse_args()

    import ocrplug.processing as processing
    from ocrplug.model import PageImage
    from ocrplug.orientation import SENSE_MARGIN, read_both_senses, sense_gain, sense_rows
    from ocrplug.pipeline import Pipeline

    extra: collections.Counter = collections.Counter()
    truth_lines: list[str] = []
    lines: list[tuple[float, bool]] = []  # per line: (confidence gain upside down, upside down is right)
    rows: list[tuple[float, bool]] = []  # per row (sense_rows): (sense_gain, upside down is right)
    close: list[str] = []  # the rows within 0.1 of the margin, as text

    def recording(page, regions, readings, read, margin=SENSE_MARGIN, overlap=0.5):
        seen = []

        def read_rec(p, rs):
            got = list(read(p, rs))
            seen.extend(got)
            extra["regions"] += len(rs)
            return got

        out = read_both_senses(page, regions, readings, read_rec, margin, overlap)
        todo = [(r, got) for r, got in zip(regions, readings, strict=True)
                if not got.attributes.get("rotation") and r.polygon is None and (got.text or "").strip()]
        if not todo:
            return out

        def fit(text):
            return max(difflib.SequenceMatcher(None, text or "", t).ratio() for t in truth_lines)

        for row in sense_rows([r.quad for r, _ in todo], overlap):
            kept, other = [todo[k][1] for k in row], [seen[k] for k in row]
            votes = []
            for a, b in zip(kept, other, strict=True):
                sa, sb = fit(a.text), fit(b.text)
                if abs(sa - sb) > 0.2:  # one reading is clearly the text
                    lines.append(((b.confidence or 0.0) - (a.confidence or 0.0), sb > sa))
                    votes.append((max(len(a.text or ""), len(b.text or "")), sb > sa))
            if not votes:
                continue
            right = sum(n for n, f in votes if f) > sum(n for n, f in votes if not f)
            gain = sense_gain(kept, other)
            rows.append((gain, right))
            if abs(gain - margin) < 0.1:
                close.append(" + ".join(f"{a.text!r} {a.confidence:.3f} / {b.text!r} {b.confidence:.3f}"
                                        for a, b in zip(kept, other, strict=True))
                             + f": row gain {gain:+.3f} ({'upside down' if right else 'as read'} is right)")
        return out

    def off(page, regions, readings, read, margin=0.0, overlap=0.5):
        return list(readings)

    pipeline = Pipeline.from_preset(args.preset)
    pipeline.build()
    names = [n for n in args.pages.split(",") if n] or [*PAGES, "level_notoserif_200"]
    print(f"preset {args.preset}")
    print("| page | orientation | word recall before -> after | lines in their sense before -> after "
          "| extra regions read | time after / before |")
    print("|---|---|---|---|---|---|")
    for name in names:
        img, spines = level_page() if name.startswith("level") else shelf(*PAGES[name])
        dpi = 200 if name.startswith("level") else PAGES[name][3]
        truth_lines[:] = [s for t, a, _ in spines for s in (t, a) if s]
        image = PageImage(image=np.asarray(img.convert("RGB")), index=0, source=name, dpi=dpi)
        want = collections.Counter(w for t in truth_lines for w in _words(t))
        row = {}
        for label, fn in (("before", off), ("after", recording)):
            processing.read_both_senses = fn
            extra.clear()
            start = time.perf_counter()
            page = pipeline.process_page(image)
            took = time.perf_counter() - start
            got = collections.Counter(_words(page.text))
            recall = sum((want & got).values()) / max(sum(want.values()), 1)
            right = total = 0
            for ln in _lines(page):
                q = np.asarray(ln.quad, dtype=np.float64)
                best = max(((difflib.SequenceMatcher(None, ln.text or "", s).ratio(), s, sense)
                            for t, a, sense in spines for s in (t, a) if s), default=None)
                if best is None or best[0] < 0.6 or best[2] == "0":
                    continue
                total += 1
                dy = (q[1] - q[0])[1]
                right += (dy > 0) == (best[2] == "d")
            row[label] = (page.orientation, recall, right, total, extra["regions"], took)
        b, a = row["before"], row["after"]
        print(f"| {name} | {a[0]} | {b[1]:.3f} -> {a[1]:.3f} | {b[2]}/{b[3]} -> {a[2]}/{a[3]} | {a[4]} "
              f"| {a[5] / b[5]:.2f} |")
    for label, data in (("line", lines), ("row", rows)):
        print(f"\n{len(data)} {label}s read both ways with one reading clearly right "
              f"({sum(f for _, f in data)} of them upside down in the page's sense)")
        print(f"| margin | wrong turns ({label} of the page's sense turned) | missed turns (upside-down {label} kept) |")
        print("|---|---|---|")
        for m in (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3):
            wrong = sum(1 for g, flip in data if not flip and g > m)
            missed = sum(1 for g, flip in data if flip and not g > m)
            print(f"| {m:.2f} | {wrong} | {missed} |")
        print(f"{label} gains (upside down - as read), upside down right marked *:",
              " ".join(f"{g:+.3f}{'*' if f else ''}" for g, f in sorted(data)))
    print("rows near the margin:", *close, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
