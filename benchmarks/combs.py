"""Comb fields (one box per letter) read as words (issue 24 items 1/3, T11 fault 1): ``ocrplug.combs``.

usage: PYTHONPATH=TREE:TREE/plugins python benchmarks/combs.py [--presets fast,swift] [--work DIR]

Draws 8 form pages of 6 comb fields each (``Label [C][F][1][0][ ][3][A][T][ ][ ]``: letters, digits,
empty cells between words and after the value), one variant a page: cells 20-60 px at 150 dpi and
40-88 px at 300 dpi, walls 1-4 px, eight faces (Comic Neue as handwriting among them), two pages turned
by about 1 degree. Each page is read with the CLI of the tree on ``PYTHONPATH`` (so run it once with main's
tree for the before, once with yours for the after). Per field, the output words whose centre lies in the
comb's box are its reading; per preset:

* ``exact``: fields whose reading is the value word for word (``CF10 3AT``: the cells of one run are one
  word, an empty cell ends it);
* ``chars``: the value's letters read right (its length less the edit distance, spaces dropped on both);
* ``false``: false marks on the combs: ``\u2611``/``\u2610`` (a cell taken for a checkbox), ``|`` and
  ``1`` beyond the value's own (a wall read as a glyph);
* ``labels``: the labels beside the combs read right (no loss beside the comb).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drawn_pages import canvas, font

from ocrplug.evaluation.metrics import edit_distance

#: (name, dpi, cell width px, wall px, face, turn degrees): the variants, one a page.
PAGES = [
    ("c150_24_w1_dejavu", 150, 24, 1, "dejavu", 0.0),
    ("c150_32_w2_libserif", 150, 32, 2, "libserif", 0.0),
    ("c150_44_w2_comic", 150, 44, 2, "comic", 0.0),
    ("c150_60_w3_libmono", 150, 60, 3, "libmono", 0.0),
    ("c150_20_w1_nimbussans", 150, 20, 1, "nimbussans", 0.0),
    ("c300_88_w4_comic", 300, 88, 4, "comic", 0.0),
    ("c150_36_w2_notosans_turn1", 150, 36, 2, "notosans", 1.0),
    ("c300_64_w3_dejavub_turn08", 300, 64, 3, "dejavub", -0.8),
]
LABELS = ["Surname", "Forename", "Postcode", "Born", "Phone", "Account"]
VALUES = ["MORGAN", "ELIN", "CF10 3AT", "07 11 1984", "029 2045 7781", "HARGREAVES", "SW1A 2AA", "4417 0923",
          "QUINN", "B12 9QP", "OKAFOR", "DE4 7GH", "31 05 1962", "BRONWEN", "60 12 44", "ZOE"]
FALSE = ("\u2611", "\u2610", "|")


def build(folder: Path) -> dict[str, list[tuple[str, str, tuple[float, float, float, float]]]]:
    """Draw the pages into ``folder``; per page name its fields: (label, value, comb box in page pixels)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    truth = {}
    for name, dpi, cell, wall, face, turn in PAGES:
        img, d = canvas(dpi, 8.27, 6.2)
        s = dpi / 150
        glyph = font(face, 0.62 * cell * 72 / dpi, dpi)
        label_font = font("libsans", 11, dpi)
        values = rng.sample(VALUES, len(LABELS))
        fields = []
        y = round(60 * s)
        for label, value in zip(LABELS, values, strict=True):
            hgt = round(cell * 1.15)
            d.text((round(60 * s), y + hgt // 2), label, font=label_font, fill=0, anchor="lm")
            x0 = round(260 * s)
            n = min(len(value) + 3, int((img.width - x0 - 40 * s) // cell))
            for i in range(n):
                d.rectangle([x0 + i * cell, y, x0 + (i + 1) * cell, y + hgt], outline=0, width=wall)
            for i, ch in enumerate(value):
                if ch != " ":
                    d.text((x0 + i * cell + cell / 2, y + hgt / 2), ch, font=glyph, fill=0, anchor="mm")
            fields.append((label, value, (x0, y, x0 + n * cell, y + hgt)))
            y += hgt + round(max(34 * s, 0.8 * hgt))
        if turn:
            c = np.array([img.width / 2, img.height / 2])
            img = img.rotate(turn, resample=Image.BICUBIC, fillcolor=255)
            a = np.radians(-turn)  # PIL turns counter-clockwise, y down
            rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            turned = []
            for label, value, (bx0, by0, bx1, by1) in fields:
                pts = (np.array([[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]]) - c) @ rot.T + c
                turned.append((label, value, (*pts.min(axis=0), *pts.max(axis=0))))
            fields = turned
        img.save(folder / f"{name}.png", dpi=(dpi, dpi))
        truth[name] = fields
    return truth


def _words(path: Path) -> list[tuple[str, float, float]]:
    if not path.exists():
        return []
    out = []

    def walk(regions: list[dict]) -> None:
        for r in regions:
            if r["level"] == "word":
                q = np.asarray(r["quad"], dtype=float)
                out.append((r.get("text") or "", *q.mean(axis=0)))
            walk(r.get("children", []))

    for page in json.loads(path.read_text(encoding="utf-8"))["pages"]:
        walk(page["regions"])
    return out


def score_field(value: str, reading: str) -> dict[str, int]:
    """One field's counts: exact (0/1), chars right, chars, false marks (see the module doc)."""
    want, got = value.replace(" ", ""), reading.replace(" ", "")
    false = sum(got.count(m) for m in FALSE) + max(0, got.count("1") - want.count("1"))
    return {"exact": int(reading == value), "right": max(len(want) - edit_distance(got, want), 0),
            "chars": len(want), "false": false}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--work", type=Path, default=None, help="folder for pages and outputs (default: a temporary one)")
    ap.add_argument("--verbose", action="store_true", help="print every field's reading")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-combs-"))
    truth = build(work / "in")
    inputs = [str(work / "in" / f"{n}.png") for n in truth]
    for preset in args.presets.split(","):
        out = work / f"out_{preset}"
        r = subprocess.run([sys.executable, "-m", "ocrplug.cli", "run", *inputs, "--preset", preset, "--no-progress",
                            "--no-resume", "--set", "renderers=[{name: text},{name: json}]", "-o", str(out)],
                           capture_output=True, text=True)
        if r.returncode:
            print(r.stderr[-2000:])
        total = {"exact": 0, "right": 0, "chars": 0, "false": 0, "labels": 0, "fields": 0}
        for name, fields in truth.items():
            words = _words(out / f"{name}.json")
            page = {"exact": 0, "right": 0, "chars": 0, "false": 0, "labels": 0, "fields": 0}
            for label, value, (x0, y0, x1, y1) in fields:
                on = [t for t, cx, cy in words if x0 <= cx <= x1 and y0 <= cy <= y1]
                reading = " ".join(on)
                for k, v in score_field(value, reading).items():
                    page[k] += v
                page["labels"] += int(any(t == label for t, cx, cy in words if cx < x0 and y0 <= cy <= y1))
                page["fields"] += 1
                if args.verbose:
                    print(f"    {name:28s} {value!r:18s} -> {reading!r}")
            print(f"  {preset:6s} {name:28s} exact {page['exact']}/{page['fields']}  chars {page['right']}/{page['chars']}"
                  f"  false {page['false']}  labels {page['labels']}/{page['fields']}")
            for k in total:
                total[k] += page[k]
        print(f"== {preset}: exact {total['exact']}/{total['fields']}  chars {total['right']}/{total['chars']}"
              f"  false marks {total['false']}  labels {total['labels']}/{total['fields']}")


if __name__ == "__main__":
    main()
