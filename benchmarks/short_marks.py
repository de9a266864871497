"""Short words and marks on drawn pages, per preset: words found / expected (issue 24, T9 faults 2, 6, 8).

usage: python benchmarks/short_marks.py [--presets fast,accurate,swift] [--out DIR]

Draws three pages (this file's own generators, Liberation Serif as a word processor sets it) and reads each
with every preset of ``--presets``:

* ``terms``: an A4 page at 300 dpi, a numbered list ``1.`` - ``6.`` at 11 pt with footnote superscripts
  (7 pt, raised) ending four items, four footnotes at 8.5 pt each led by a 7 pt raised marker (``3 The
  fee is 15 pounds, or 5 pounds for members.``) and a page number ``- 2 -`` centred at the foot;
* ``amounts``: an A4 page at 300 dpi, statement rows ``03 Nov  Transfer  1,939.20`` (amounts that start
  with a lone digit and a comma) and address lines ``4 Bridge Street`` at 10 pt;
* ``fax``: a page drawn at 204 x 204 dpi and squeezed to 204 x 98 dpi (a standard-resolution fax, written
  as a TIFF with that resolution), 11 pt sentences that end in ``.``.

Prints for each page and preset the words found / expected (a bag of words: each expected word counts
once per occurrence read exactly, superscripts expected as their digit), and which of the page's short
targets (list numbers with their ``.``, markers, ``or``, ``5``, amounts, ``- 2 -``'s ``2``, final ``.``) were
missed. Not an evaluation set: the pages hold the kinds of word T9 found dropped.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from drawn_pages import font
from PIL import Image, ImageDraw, ImageFont

ITEMS = [
    ("Return the van by 6 pm on the last day", "1"),
    ("A deposit of 250 pounds is taken at collection", "2"),
    ("Fuel is charged at the pump price plus a fee", "3"),
    ("Drivers must be over 21 and hold a full licence", ""),
    ("Damage is assessed by our staff at return", "4"),
    ("Cancellations within 48 hours are not refunded", ""),
]
NOTES = [
    "Late returns are charged at 40 pounds per hour.",
    "Returned within 14 days by bank transfer.",
    "The fee is 15 pounds, or 5 pounds for members.",
    "See the damage chart at the counter.",
]
ROWS = [("03 Nov", "Transfer to savings", "1,939.20"), ("07 Nov", "Card payment", "4,120.55"),
        ("12 Nov", "Rent", "2,500.00"), ("19 Nov", "Salary", "3,204.10")]
ADDRESS = ["4 Bridge Street", "Norwich NR2 1AA", "7 Mill Lane", "Ely CB7 4AB"]
FAX = ["Order 77315 confirmed for delivery at 9 am.", "Forty drums of oil will be sent today.",
       "Please call us with any questions.", "The gate opens at 8 am."]


def _font(pt: float, dpi: int) -> ImageFont.FreeTypeFont:
    return font("libserif", pt, dpi)


def terms_page() -> tuple[Image.Image, list[str], list[str]]:
    """The numbered list with superscripts, footnotes with markers and the page number: (image, words, targets)."""
    dpi, words, targets = 300, [], []
    im = Image.new("RGB", (2481, 3508), "white")
    d = ImageDraw.Draw(im)
    body, sup, note = _font(11, dpi), _font(7, dpi), _font(8.5, dpi)
    y = 400
    for i, (text, mark) in enumerate(ITEMS, 1):
        d.text((240, y), f"{i}.", font=body, fill="black")
        d.text((330, y), text, font=body, fill="black")
        x = 330 + d.textlength(text, font=body)
        if mark:
            d.text((x + 2, y - 12), mark, font=sup, fill="black")
            x += d.textlength(mark, font=sup) + 4
        d.text((x, y), ".", font=body, fill="black")
        line = f"{i}. {text}{mark}."
        words += line.split()
        targets += [f"{i}.", line.split()[-1]]
        y += 80
    y = 2950
    for i, text in enumerate(NOTES, 1):
        d.text((240, y - 10), str(i), font=sup, fill="black")
        d.text((280, y), text, font=note, fill="black")
        words += [str(i), *text.split()]
        targets.append(str(i))
        y += 55
    targets += ["or", "5"]
    d.text((1240, 3300), "- 2 -", font=note, fill="black", anchor="ma")
    words += ["-", "2", "-"]
    targets.append("2")
    return im, words, targets


def amounts_page() -> tuple[Image.Image, list[str], list[str]]:
    """Statement rows with amounts led by a lone digit and a comma, and address lines led by a house number."""
    dpi, words, targets = 300, [], []
    im = Image.new("RGB", (2481, 3508), "white")
    d = ImageDraw.Draw(im)
    f = _font(10, dpi)
    for k, line in enumerate(ADDRESS):
        d.text((1500, 250 + 55 * k), line, font=f, fill="black")
        words += line.split()
    targets += ["4", "7"]
    y = 700
    for date, what, amount in ROWS:
        d.text((240, y), date, font=f, fill="black")
        d.text((600, y), what, font=f, fill="black")
        d.text((2200, y), amount, font=f, fill="black", anchor="ra")
        words += [*date.split(), *what.split(), amount]
        targets.append(amount)
        y += 70
    return im, words, targets


def fax_page() -> tuple[Image.Image, list[str], list[str]]:
    """Sentences ending in ``.`` drawn at 204 dpi, squeezed to a 204 x 98 dpi fax's rows (1-bit)."""
    dpi, words, targets = 204, [], []
    im = Image.new("L", (1728, 2200), 255)
    d = ImageDraw.Draw(im)
    f = _font(11, dpi)
    for k, line in enumerate(FAX):
        d.text((150, 200 + 70 * k), line, font=f, fill=0)
        words += line.split()
        targets.append(line.split()[-1])
    fax = im.resize((1728, round(2200 * 98 / 204)), Image.Resampling.BOX).point(lambda v: 255 if v > 150 else 0)
    return fax.convert("1"), words, targets


PAGES = {"terms": terms_page, "amounts": amounts_page, "fax": fax_page}


def write_pages(folder: Path) -> dict[str, tuple[Path, list[str], list[str]]]:
    """Draw every page into ``folder``: ``{name: (path, expected words, short targets)}``."""
    out = {}
    for name, make in PAGES.items():
        im, words, targets = make()
        path = folder / (f"{name}.tif" if name == "fax" else f"{name}.png")
        im.save(path, dpi=(204, 98) if name == "fax" else (300, 300))
        out[name] = (path, words, targets)
    return out


def score(read: list[str], words: list[str], targets: list[str]) -> tuple[int, list[str]]:
    """(expected words read, targets missed): bags of words, each occurrence counted once."""
    got, want = Counter(read), Counter(words)
    found = sum(min(n, got[w]) for w, n in want.items())
    missed = [t for t, n in Counter(targets).items() if got[t] < n]
    return found, missed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--out", default=None, help="folder for the pages (default: a temporary one)")
    args = ap.parse_args()
    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    folder = Path(args.out or tempfile.mkdtemp(prefix="short_marks_"))
    folder.mkdir(parents=True, exist_ok=True)
    pages = write_pages(folder)
    print("| page | preset | words found / expected | short targets missed |")
    print("|---|---|---|---|")
    for preset in args.presets.split(","):
        config = dict(preset_config(preset), renderers=[], output={"dir": str(folder / preset)})
        pipe = Pipeline.from_dict(config)
        for name, (path, words, targets) in pages.items():
            page = pipe.run(path).pages[0]
            read = [w.text.translate(str.maketrans("¹²³⁴", "1234")) for w in page.words]
            found, missed = score(read, words, targets)
            print(f"| {name} | {preset} | {found} / {len(words)} | {' '.join(missed) or '-'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
