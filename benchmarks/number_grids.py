"""Timetables and number grids, generated variants: read row by row (issue 24, C16).

usage: python benchmarks/number_grids.py --out DIR [--presets fast,swift,accurate] [--pages 16] [--seed 16]
       python benchmarks/number_grids.py --relayout DIR [--presets fast,swift,accurate] [--pages 16] [--seed 16]

T15's bus timetable (``/work/t15/pages/timetable.png``: a title, 5 stops by 18 times of 15 px digits 64 px
apart, light rules under the rows, a footnote) was read by ``fast`` in blocks of columns, the footnote among
the times: ``fast``'s word boxes are 27 px tall, so the 30 px blank between two times is under ``word_gap``
line heights and a row of times is one cell of many words, which ``layout._is_table_cut`` took for prose.
Drawn here in many variants with PIL: 3-10 rows, 6-18 columns of times (``0542``, ``05:42``) or amounts
(``12.50``), digits 12-24 px (DejaVu Sans or Liberation Sans), columns 3.2-5 digit sizes apart, a column of
row labels (stops, items) or none, rules under the rows or none, a footnote or none, a title. Truth: the
title, each row left to right, the footnote; scored by word order (``column_variants.order_score``: the
share of the truth's words matched in order), a page read right at 0.98 or more.

``--out DIR`` writes ``NAME.png``, ``NAME.truth.txt`` and each preset's ``PRESET/NAME.json`` (the page and
the layout's input, as ``column_variants.py``) and scores them; ``--relayout DIR`` lays that input out again
without OCR, with the tree's layout and with the spaced-grid rule off (``layout._spaced_grid`` false: the
order before C16), and scores both.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "benchmarks")]

from column_variants import order_score, record_layout_inputs  # noqa: E402

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
]
LABELS = (
    "Riverside Depot|Mill Street|Station Road|Market Square|City Centre|Park Gate|Hospital|North Bridge|"
    "Old Town|Harbour|Coffee|Tea|Bread rolls|Butter|Jam jars|Apples"
).split("|")
NOTES = [
    "Times in bold run on school days only. No service on public holidays.",
    "All prices include tax. Figures are in thousands.",
    "Trains marked with a dot stop on request.",
]


def _value(kind: str, row: int, col: int, rng: random.Random) -> str:
    if kind == "amount":
        return f"{rng.randint(1, 99)}.{rng.randint(0, 99):02d}"
    t = 5 * 60 + 30 * col + 4 * row + rng.randint(0, 3)
    return f"{t // 60 % 24:02d}{':' if kind == 'clock' else ''}{t % 60:02d}"


def grid_page(rng: random.Random) -> tuple[Image.Image, list[str], str]:
    """A number grid: ``(image, truth lines in reading order, description)``."""
    rows, cols, size = rng.randint(3, 10), rng.randint(6, 18), rng.randint(12, 24)
    kind = rng.choice(("time", "clock", "amount"))
    labels, ruled, note = rng.random() < 0.7, rng.random() < 0.5, rng.random() < 0.7
    font_path = rng.choice(FONTS)
    f = ImageFont.truetype(font_path, size)
    pitch_x = round(size * rng.uniform(3.2, 5.0) * (1.25 if kind != "time" else 1.0))
    pitch_y = round(size * rng.uniform(1.9, 2.6))
    margin, label_w = 30, (size * 11 if labels else 0)
    width = max(900, 2 * margin + label_w + cols * pitch_x)
    height = 2 * margin + 60 + rows * pitch_y + 60
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    title = "Route 42 Riverside - City Centre Mondays to Fridays"
    draw.text((margin, margin - 10), title, font=ImageFont.truetype(font_path, round(size * 1.6)), fill=0)
    truth = [title]
    y = margin + 50
    names = rng.sample(LABELS, rows) if labels else []
    for r in range(rows):
        cells = [names[r]] if labels else []
        if labels:
            draw.text((margin, y), names[r], font=f, fill=0)
        for c in range(cols):
            text = _value(kind, r, c, rng)
            draw.text((margin + label_w + c * pitch_x, y), text, font=f, fill=0)
            cells.append(text)
        if ruled:
            draw.line((margin, y + round(size * 1.6), width - margin, y + round(size * 1.6)), fill=200)
        truth.append(" ".join(cells))
        y += pitch_y
    if note:
        text = rng.choice(NOTES)
        draw.text((margin, y + size), text, font=f, fill=0)
        truth.append(text)
    desc = (f"{rows}x{cols} {kind}, {size} px, pitch {pitch_x} px, labels {labels}, ruled {ruled}, "
            f"footnote {note}")
    return img, truth, desc


def make_pages(seed: int, n: int) -> list[tuple[str, Image.Image, list[str], str]]:
    rng = random.Random(seed)
    return [(f"g{k:02d}", *grid_page(rng)) for k in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="write pages and each preset's page JSON here, and score")
    ap.add_argument("--relayout", type=Path, help="lay out again the page JSONs of an --out folder, and score")
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--pages", type=int, default=16)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args(argv)
    from ocrplug import layout, processing
    from ocrplug.model import Page, Region
    from ocrplug.pipeline import Pipeline

    seen = record_layout_inputs()
    folder = args.out or args.relayout
    if folder is None:
        ap.error("--out or --relayout")
    pages = make_pages(args.seed, args.pages)
    folder.mkdir(parents=True, exist_ok=True)
    rule = layout._spaced_grid
    for preset in args.presets.split(","):
        if args.out:
            pipeline = Pipeline.from_preset(preset, ["renderers=[]"])
        right = {"off": 0, "on": 0}
        count = 0
        for name, img, truth, desc in pages:
            path = folder / preset / f"{name}.json"
            if args.out:
                img.save(folder / f"{name}.png")
                (folder / f"{name}.truth.txt").write_text("\n".join(truth) + "\n", encoding="utf-8")
                seen.clear()
                page = pipeline.run(folder / f"{name}.png").pages[0]
                path.parent.mkdir(exist_ok=True)
                path.write_text(json.dumps({"page": page.to_dict(), "layout_input": seen[-1]}), encoding="utf-8")
                scores = {"on": order_score("\n".join(truth), page.text)}
            else:
                if not path.is_file():
                    continue
                data = json.loads(path.read_text(encoding="utf-8"))
                regions = [Region.from_dict(r) for r in data["layout_input"]]
                scores = {}
                for setting in ("off", "on"):
                    layout._spaced_grid = rule if setting == "on" else (lambda *a, **k: False)
                    found = processing.without_empty_lines(layout.layout_regions(regions))
                    text = Page.from_dict(data["page"]).with_(regions=tuple(found)).text
                    scores[setting] = order_score("\n".join(truth), text)
                layout._spaced_grid = rule
            count += 1
            for setting, s in scores.items():
                right[setting] += s >= 0.98
            print(f"{preset} {name} ({desc}): word order "
                  + " -> ".join(f"{s:.3f}" for s in scores.values()), flush=True)
        print(f"{preset}: read right " + " -> ".join(f"{right[s]}" for s in (("off", "on") if args.relayout else
                                                                          ("on",))) + f" of {count}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
