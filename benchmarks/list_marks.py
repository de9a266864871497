"""List numbers, page numbers, footnote markers and superscripts on drawn pages, per preset (issue 24, F10).

usage: python benchmarks/list_marks.py [--presets fast,swift] [--dpis 150,200,300] [--out DIR] [--show]
       python benchmarks/list_marks.py --sets funsd_train,icdar2015_val [--limit 40] [--cache DIR]

Draws one A4 page per resolution of ``--dpis`` and face (Liberation Serif, Liberation Sans; this file's own
generator, as a word processor sets such a page) holding the short marks T9 found lost (issue 24, T9 fault
6): a numbered list ``1.`` - ``12.`` at 11 pt, four of its items ending in a 7 pt raised superscript
after a word (``day`` then a raised ``1``) and one after a number (``2019`` then ``3``), three footnotes at 8.5 pt each led by a
raised marker (6, 7 or 8 pt by page) and a page number alone at the foot, centred (``- 12 -``, ``Page 3``,
``iv`` or ``2`` by page). Reads each page with every preset and counts, from the page's text lines as the ``text``
renderer writes them (a row's lines on one line):

* list numbers: a line starting ``N.`` and the item's first word (12 a page);
* superscripts: the item's line holds the word with the digit after it (``day1`` / ``day¹``) and no line
  is the digit alone (a superscript read twice or lost fails; 5 a page);
* markers: a line starting with the marker's digit (or its superscript) and the note's first word (3);
* page number: a line that is the page number (``- 12 -`` or ``12``; ``Page 3``; ``iv``; 1 a page).

Prints a table per page and preset, and a total. With ``--sets``: what the raised-marks step
(:mod:`ocrplug.raised_marks`) moves on validation images with each preset's ``db`` regions (lines grown,
regions merged, marker regions added, each listed), without recognition. Not an evaluation set: generated pages of the kinds T9
found dropped; the rules' constants are chosen on the validation sets (benchmarks/db_lone.py).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "serif": Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
    "sans": Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
}
ITEMS = [
    ("Keys are handed over at the desk on the first day", "1"),
    ("A deposit is taken when the keys are collected", ""),
    ("Rooms are cleaned twice a week by our staff", ""),
    ("Guests must leave by ten on the last morning", "2"),
    ("Pets are welcome in the garden rooms only", ""),
    ("Smoking is not allowed anywhere in the house", ""),
    ("The rates were last changed in 2019", "3"),
    ("Bicycles may be kept in the shed by the gate", ""),
    ("Breakfast is served from seven until nine", ""),
    ("Lost keys are charged at the cost of a new lock", "1"),
    ("Quiet hours run from eleven at night", ""),
    ("Children under twelve stay free of charge", "2"),
]
NOTES = [
    "Ask at the desk for a late arrival.",
    "Later departures cost half a day.",
    "Rates for groups are on the back page.",
]
PAGE_NUMBERS = ["- 12 -", "Page 3", "iv", "2"]
SUPERSCRIPT = str.maketrans("\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u2070", "1234567890")


def draw_page(dpi: int, face: str, marker_pt: float, number: str) -> tuple[Image.Image, dict[str, list]]:
    """One page at ``dpi``: the list, the footnotes (markers at ``marker_pt``) and the page ``number``.

    Returns the image and its targets: ``items`` (number, first word, last word, superscript digit),
    ``notes`` (marker digit, first word) and ``number`` (the page number as drawn)."""
    px = dpi / 72
    im = Image.new("RGB", (round(8.27 * dpi), round(11.69 * dpi)), "white")
    d = ImageDraw.Draw(im)

    def font(pt: float) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(FONTS[face]), round(pt * px))

    body, sup, note, mark = font(11), font(7), font(8.5), font(marker_pt)
    x0, y = round(0.8 * dpi), round(1.2 * dpi)
    d.text((x0, y - round(40 * px)), "House rules", font=font(16), fill="black")
    items = []
    raised = 0
    for i, (text, digit) in enumerate(ITEMS, 1):  # y: the baseline
        d.text((x0, y), f"{i}.", font=body, fill="black", anchor="ls")
        x = x0 + round(25 * px)
        d.text((x, y), text, font=body, fill="black", anchor="ls")
        x += d.textlength(text, font=body)
        if digit:  # raised by a third of the body size (a word processor's) or by 0.6 (T9's page)
            lift = (0.33, 0.6)[raised % 2] * 11 * px
            raised += 1
            d.text((x + px, y - lift), digit, font=sup, fill="black", anchor="ls")
            x += d.textlength(digit, font=sup) + 2 * px
        d.text((x, y), ".", font=body, fill="black", anchor="ls")
        words = text.split()
        items.append((i, words[0], words[-1], digit))
        y += round(19 * px)
    y = round(im.height - 2.3 * dpi)
    d.line((x0, y, x0 + 2 * dpi, y), fill="black", width=max(1, round(0.7 * px)))
    y += round(10 * px)
    notes = []
    for k, text in enumerate(NOTES, 1):
        d.text((x0, y - round(3.5 * px)), str(k), font=mark, fill="black", anchor="ls")  # raised 3.5 pt
        d.text((x0 + round(8 * px), y), text, font=note, fill="black", anchor="ls")
        notes.append((str(k), text.split()[0]))
        y += round(13 * px)
    d.text((im.width // 2, round(im.height - 0.9 * dpi)), number, font=note, fill="black", anchor="ma")
    return im, {"items": items, "notes": notes, "number": [number]}


def pages(dpis: list[int]) -> list[tuple[str, int, str, float, str]]:
    """``(name, dpi, face, marker pt, page number)`` of every page drawn."""
    out = []
    k = 0
    for dpi in dpis:
        for face in FONTS:
            marker, number = (6, 7, 8)[k % 3], PAGE_NUMBERS[k % len(PAGE_NUMBERS)]
            out.append((f"{face}_{dpi}", dpi, face, marker, number))
            k += 1
    return out


def score(lines: list[str], targets: dict[str, list]) -> dict[str, tuple[int, int]]:
    """Per kind, ``(right, expected)`` from the page's text lines (see the module doc)."""
    flat = [ln.translate(SUPERSCRIPT).strip() for ln in lines]
    words = [ln.split() for ln in flat]
    out = {}
    ok = sum(any(w[:2] == [f"{i}.", first] for w in words) for i, first, _, _ in targets["items"])
    out["list numbers"] = (ok, len(targets["items"]))
    sups = [(last, digit) for _, _, last, digit in targets["items"] if digit]
    alone = {ln for ln in flat if re.fullmatch(r"\d", ln)}
    ok = sum(any(re.search(rf"\b{last} ?{digit}\.?$", ln) for ln in flat) and digit not in alone for last, digit in sups)
    out["superscripts"] = (ok, len(sups))
    ok = sum(any(w[:2] == [digit, first] or w[:1] == [digit + first] for w in words) for digit, first in targets["notes"])
    out["markers"] = (ok, len(targets["notes"]))
    number = targets["number"][0]
    accepted = {number.replace(" ", ""), number.strip("- ").replace(" ", "")}
    out["page number"] = (int(any(ln.replace(" ", "") in accepted for ln in flat)), 1)
    return out


def validation_moves(preset: str, sets: str, limit: int, cache: Path) -> None:
    """What :func:`ocrplug.raised_marks.attach_raised_marks` does to the ``preset``'s ``db`` regions of the
    first ``limit`` images of each validation set of ``sets`` and of the blank-noise page: lines grown,
    regions merged into a line, marker regions added, each listed with its page and box (page pixels).
    Maps cached as benchmarks/db_lone.py caches them (``cache/preset/set__image.npy``); the detector's
    regions as ``detect_batch`` gives them but for the sparse-page retry (checkboxes are not taken out first)."""
    from db_lone import cached_map, page_sources
    from ocrplug_db.detector import _turned_to_ink, _with_lone_dashes, _with_lone_glyphs

    from ocrplug import Pipeline
    from ocrplug.crops import to_gray
    from ocrplug.raised_marks import _attach

    det = Pipeline.from_preset(preset, ["renderers=[]"]).detector
    folder = cache / preset
    folder.mkdir(parents=True, exist_ok=True)
    grown = merged = added = 0
    with tempfile.TemporaryDirectory() as tmp:
        for key, path, _ in page_sources(Path(tmp), sets, limit):
            page, prob = cached_map(det, path, folder, key)
            regions = _with_lone_dashes(page, _turned_to_ink(page, det._regions(page, prob)))
            if det.options.lone_glyphs:
                regions = _with_lone_glyphs(page, regions)
            out, grew, gone, new = _attach(to_gray(page.image), regions)
            for i in sorted(grew):
                print(f"    {key}: line {tuple(round(v) for v in regions[i].bbox)} grown to "
                      f"{tuple(round(v) for v in out[i].bbox)}")
            for i in sorted(gone):
                print(f"    {key}: region {tuple(round(v) for v in regions[i].bbox)} merged into a line")
            for r in new:
                print(f"    {key}: marker region added {tuple(round(v) for v in r.bbox)}")
            grown += len(grew)
            merged += len(gone)
            added += len(new)
    print(f"{preset}: {sets} (first {limit}) + blank-noise page: lines grown {grown}, regions "
          f"merged {merged}, marker regions added {added}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--dpis", default="150,200,300")
    ap.add_argument("--out", default=None, help="folder for the pages (default: a temporary one)")
    ap.add_argument("--show", action="store_true", help="print each page's text")
    ap.add_argument("--sets", default="", help="instead: what the raised-marks step moves on these validation "
                    "sets (e.g. funsd_train,icdar2015_val) with each preset's db regions, no recognition")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ocrplug-db-lone")
    args = ap.parse_args()
    if args.sets:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        for preset in args.presets.split(","):
            validation_moves(preset, args.sets, args.limit, args.cache)
        return 0
    from ocrplug_render.text import page_text

    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    folder = Path(args.out or tempfile.mkdtemp(prefix="list_marks_"))
    folder.mkdir(parents=True, exist_ok=True)
    drawn = []
    for name, dpi, face, marker, number in pages([int(v) for v in args.dpis.split(",")]):
        im, targets = draw_page(dpi, face, marker, number)
        path = folder / f"{name}.png"
        im.save(path, dpi=(dpi, dpi))
        drawn.append((name, marker, number, path, targets))
    kinds = ["list numbers", "superscripts", "markers", "page number"]
    print("| page | marker pt | page number | preset | " + " | ".join(kinds) + " |")
    print("|---|---|---|---|" + "---|" * len(kinds))
    for preset in args.presets.split(","):
        pipe = Pipeline.from_dict(dict(preset_config(preset), renderers=[], output={"dir": str(folder / preset)}))
        total = dict.fromkeys(kinds, (0, 0))
        for name, marker, number, path, targets in drawn:
            page = pipe.run(path).pages[0]
            lines = [ln for ln in page_text(page).splitlines() if ln.strip()]  # as the .txt output has them
            if args.show:
                print("\n".join(f"    {ln}" for ln in lines))
            got = score(lines, targets)
            total = {k: (total[k][0] + got[k][0], total[k][1] + got[k][1]) for k in kinds}
            cells = " | ".join(f"{got[k][0]}/{got[k][1]}" for k in kinds)
            print(f"| {name} | {marker} | `{number}` | {preset} | {cells} |", flush=True)
        cells = " | ".join(f"{total[k][0]}/{total[k][1]}" for k in kinds)
        print(f"| all | | | {preset} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
