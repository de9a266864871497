"""A fresh user's faults of issue 24 (r7): generated pages, each printed as expected vs read.

usage: python benchmarks/swift_lone.py [--presets swift,fast,accurate] [--pages lone,turned,ink,checkbox,spaces,words]

Pages drawn with PIL in installed fonts (nothing random, the same pages every run):

* ``lone``: label pages (``Quantity:``, ``Class:``, ...) with a one-digit answer far right, Comic Neue
  Regular / Light / Bold (``fonts-comic-neue``) at 8-14 pt on letter pages at 150 dpi. ``swift`` (DB at
  ``max_side`` 1024) dropped the 8 pt ``7`` and ``1``: the map misses them, the recognizer never sees them.
* ``turned``: a spine title ``FIELD NOTES VOLUME 3`` turned 90 degrees (read bottom to top) beside level
  body text, DejaVu Sans Bold and Liberation Sans at 150-200 dpi.
* ``ink``: FreeSerif paragraphs at 150 and 200 dpi; the check is, for each word of the page, the share of
  its ink inside the box of the output word read on it (the output word whose box covers most of it).
* ``checkbox``: forms ``[ ] Yes   [x] No`` with drawn squares of 12-16 px and letters ``O o 0 D``
  beside them: an empty box is no text to a reader (FUNSD's ground truth writes it ``\u2610``, though).
* ``spaces``: short words with a digit after a space (``Rev 2``, ``61 B``) in Noto Sans and URW Bookman.
* ``words``: real words that must stay whole (issue 24, s9): kerned ``rn`` / ``rm``, ``ff`` / ``fi``, wide
  ``1``s, ``$1,299.00``, ``12.5``, ``A4``, italic (P052, URW Bookman Italic) and a letter-spaced heading
  (``ANNUAL REPORT``, a quarter em between its letters), Noto Sans, DejaVu Serif, P052 Italic and URW
  Bookman Light Italic at 150-300 dpi.

Per page it prints the expected words, the words read (in reading order), for ``spaces`` and ``words``
the words matched (multiset) and, for ``ink``, the lowest ink share of a word and the words under 0.8.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

COMIC = Path("/usr/share/fonts/opentype/comic-neue")
FREESERIF = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LIB_SANS = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
NOTO_SANS = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
BOOKMAN = Path("/usr/share/fonts/opentype/urw-base35/URWBookman-Light.otf")
BOOKMAN_ITALIC = Path("/usr/share/fonts/opentype/urw-base35/URWBookman-LightItalic.otf")
P052_ITALIC = Path("/usr/share/fonts/opentype/urw-base35/P052-Italic.otf")
DEJAVU_SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

LABELS = (("Quantity:", "7"), ("Class:", "3"), ("Mark:", "7"), ("Page:", "1"), ("Copies:", "2"), ("Grade:", "9"))
BODY = (
    "The survey team met at the north gate at dawn",
    "and walked to the river before the rain came in.",
    "Notes were kept in a small book, one page a day,",
    "and each sample was marked with its date and site.",
)


@dataclass
class Word:
    """One drawn word: its text, ink box (left, top, right, bottom; page pixels) and ink mask (page-sized bool)."""

    text: str
    box: tuple[int, int, int, int]
    ink: np.ndarray | None = None


@dataclass
class GenPage:
    """A generated page: name, RGB image (H x W x 3 uint8), the words drawn (reading order) and lone answers."""

    name: str
    image: np.ndarray
    words: list[Word]
    lone: list[Word] = field(default_factory=list)
    turned: str = ""
    #: Drawn checkboxes: (left, top, right, bottom) of the frame and whether it is ticked.
    checkboxes: list[tuple[tuple[int, int, int, int], bool]] = field(default_factory=list)


def _font(path: Path, px: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        raise FileNotFoundError(f"{path} not found")
    return ImageFont.truetype(str(path), px)


def _letter(dpi: int, h_in: float = 11.0) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("L", (round(8.5 * dpi), round(h_in * dpi)), 255)
    return img, ImageDraw.Draw(img)


def _draw_words(img: Image.Image, xy: tuple[int, int], line: str, font: ImageFont.FreeTypeFont,
                masks: bool = False) -> list[Word]:
    """Draw ``line`` word by word at ``xy`` (spaces of the font) and return each word's ink box (and mask)."""
    draw = ImageDraw.Draw(img)
    x, y = xy
    out = []
    space = draw.textlength(" ", font=font)
    for text in line.split(" "):
        ink = None
        if masks:
            layer = Image.new("L", img.size, 0)
            ImageDraw.Draw(layer).text((x, y), text, font=font, fill=255)
            ink = np.asarray(layer) > 127
        draw.text((x, y), text, font=font, fill=0)
        box = tuple(int(v) for v in draw.textbbox((x, y), text, font=font))
        out.append(Word(text, box, ink))  # type: ignore[arg-type]
        x += draw.textlength(text, font=font) + space
    return out


def lone_pages() -> list[GenPage]:
    """Letter pages at 150 dpi: label and one-digit answer rows in Comic Neue at 8-14 pt."""
    pages = []
    dpi = 150
    for style in ("Regular", "Light", "Bold"):
        img, _ = _letter(dpi)
        words: list[Word] = []
        lone: list[Word] = []
        y = round(0.5 * dpi)
        for k, pt in enumerate((8, 9, 10, 12, 14)):
            px = round(pt * dpi / 72)
            f = _font(COMIC / f"ComicNeue-{style}.otf", px)
            for j in range(2):
                label, answer = LABELS[(2 * k + j) % len(LABELS)]
                words += _draw_words(img, (round(0.6 * dpi), y), label, f)
                x = round((0.45 + 0.35 * j) * img.width)
                got = _draw_words(img, (x, y), answer, f)
                words += got
                lone += got
                y += round(px * 2.4)
        pages.append(GenPage(f"lone_comic_{style.lower()}_150dpi", np.asarray(img.convert("RGB")), words, lone))
    return pages


def _turned(title: str, f: ImageFont.FreeTypeFont) -> Image.Image:
    """``title`` drawn level, then turned 90 degrees counter-clockwise (read bottom to top)."""
    _, _, right, bottom = f.getbbox(title)
    strip = Image.new("L", (right + 8, bottom + 8), 255)
    ImageDraw.Draw(strip).text((4, 4), title, font=f, fill=0)
    return strip.rotate(90, expand=True, fillcolor=255)


def turned_pages() -> list[GenPage]:
    """A spine title turned 90 degrees counter-clockwise (read bottom to top): left of level body text on a
    page, and alone on a spine (a strip 1.2 x 8 inches)."""
    pages = []
    title = "FIELD NOTES VOLUME 3"
    faces = (("dejavubold", DEJAVU_BOLD), ("libsans", LIB_SANS), ("freeserif", FREESERIF), ("comic", COMIC / "ComicNeue-Bold.otf"))
    for name, path in faces:
        for pt, dpi in ((14, 150), (12, 200), (24, 150)):
            px = round(pt * dpi / 72)
            strip = _turned(title, _font(path, px))
            img, _ = _letter(dpi, 5.0)
            img.paste(strip, (round(0.3 * dpi), round(0.4 * dpi)))
            words = [Word(w, (0, 0, 0, 0)) for w in title.split()]
            y = round(0.8 * dpi)
            body = _font(DEJAVU, round(11 * dpi / 72))
            for line in BODY:
                words += _draw_words(img, (round(1.4 * dpi), y), line, body)
                y += round(11 * dpi / 72 * 1.6)
            pages.append(GenPage(f"turned_{name}_{pt}pt_{dpi}dpi", np.asarray(img.convert("RGB")), words, turned=title))
            spine = Image.new("L", (round(1.2 * dpi), round(8 * dpi)), 255)
            spine.paste(strip, ((spine.width - strip.width) // 2, round(0.5 * dpi)))
            pages.append(GenPage(f"spine_{name}_{pt}pt_{dpi}dpi", np.asarray(spine.convert("RGB")),
                                 [Word(w, (0, 0, 0, 0)) for w in title.split()], turned=title))
    return pages


def ink_pages() -> list[GenPage]:
    """FreeSerif paragraphs (9-13 pt) across letter pages at 150 and 200 dpi, each word's ink mask kept."""
    pages = []
    text = " ".join(BODY).split()
    for pt, dpi in ((9, 150), (10, 150), (11, 150), (12, 150), (13, 150), (11, 200)):
        px = round(pt * dpi / 72)
        f = _font(FREESERIF, px)
        img, d = _letter(dpi, 4.0)
        words: list[Word] = []
        y = round(0.5 * dpi)
        width = img.width - round(1.2 * dpi)
        k = 0
        for _ in range(8):  # lines filled to the page's width from the body text, over and over
            line: list[str] = []
            while d.textlength(" ".join([*line, text[k % len(text)]]), font=f) < width:
                line.append(text[k % len(text)])
                k += 1
            words += _draw_words(img, (round(0.6 * dpi), y), " ".join(line), f, masks=True)
            y += round(px * 1.5)
        pages.append(GenPage(f"ink_freeserif_{pt}pt_{dpi}dpi", np.asarray(img.convert("RGB")), words))
    return pages


def checkbox_pages() -> list[GenPage]:
    """Form rows ``Label: [ ] Yes [x] No`` with empty and ticked squares of 12-16 px (1-2 px frames)."""
    pages = []
    for side, dpi, path in ((12, 150, DEJAVU), (14, 150, LIB_SANS), (16, 200, DEJAVU), (13, 200, FREESERIF)):
        px = round(11 * dpi / 72)
        f = _font(path, px)
        img, d = _letter(dpi, 4.0)
        words: list[Word] = []
        boxes: list[tuple[tuple[int, int, int, int], bool]] = []
        y = round(0.5 * dpi)
        rows = (("Married:", "Yes", "No"), ("Smoker:", "Yes", "No"), ("Owner:", "On", "Off"),
                ("Grade:", "O", "D"), ("Code:", "0", "o"))
        for r, (label, a, b) in enumerate(rows):
            words += _draw_words(img, (round(0.6 * dpi), y), label, f)
            x = round(2.0 * dpi)
            for k, answer in enumerate((a, b)):
                top = y + (px - side) // 2 + px // 6
                d.rectangle((x, top, x + side, top + side), outline=0, width=1 if side < 14 else 2)
                boxes.append(((x, top, x + side + 1, top + side + 1), bool((r + k) % 2)))
                if (r + k) % 2:  # every other box is ticked
                    d.line((x + 3, top + 3, x + side - 3, top + side - 3), fill=0, width=2)
                    d.line((x + 3, top + side - 3, x + side - 3, top + 3), fill=0, width=2)
                words += _draw_words(img, (x + side + px // 2, y), answer, f)
                x += round(1.3 * dpi)
            y += round(px * 2.4)
        pages.append(GenPage(f"checkbox_{side}px_{path.stem.lower()}_{dpi}dpi", np.asarray(img.convert("RGB")), words,
                             checkboxes=boxes))
    return pages


def spaces_pages() -> list[GenPage]:
    """Short words with a lone digit or letter after a space, Noto Sans and URW Bookman at 150-300 dpi."""
    pages = []
    lines = ("Rev 2 of the plan", "Room 61 B east wing", "Form 7 A signed", "Lot 12 C and Lot 4 D",
             "Item 3 x 5 boxes")
    for path, pt, dpi in ((NOTO_SANS, 11, 150), (NOTO_SANS, 10, 300), (BOOKMAN, 11, 150), (BOOKMAN, 10, 200)):
        px = round(pt * dpi / 72)
        f = _font(path, px)
        img, _ = _letter(dpi, 4.0)
        words: list[Word] = []
        y = round(0.5 * dpi)
        for line in lines:
            words += _draw_words(img, (round(0.6 * dpi), y), line, f)
            y += round(px * 2.0)
        pages.append(GenPage(f"spaces_{path.stem.lower()}_{pt}pt_{dpi}dpi", np.asarray(img.convert("RGB")), words))
    return pages


def words_pages() -> list[GenPage]:
    """Lines of real words whose glyph gaps are wide (kerned pairs, ``1``, number marks, italic) and a
    letter-spaced heading: nothing here is to be split."""
    pages = []
    lines = ("Modern burn offer affirms", "Total $1,299.00 for 12.5 kg", "Sheet 11 of 111 in A4",
             "Official staff turnout filed", "Item 1101 fits 17 rooms")
    faces = ((NOTO_SANS, 11, 150), (NOTO_SANS, 10, 300), (DEJAVU_SERIF, 11, 200), (P052_ITALIC, 12, 150),
             (BOOKMAN_ITALIC, 10, 200))
    for path, pt, dpi in faces:
        px = round(pt * dpi / 72)
        f = _font(path, px)
        img, draw = _letter(dpi, 4.5)
        words: list[Word] = []
        y = round(0.5 * dpi)
        # The heading: capitals with a quarter em between letters and a whole em between words.
        x = round(0.6 * dpi)
        for text in ("ANNUAL", "REPORT"):
            left = x
            for ch in text:
                draw.text((x, y), ch, font=f, fill=0)
                x += draw.textlength(ch, font=f) + 0.25 * px
            top, bottom = draw.textbbox((left, y), text, font=f)[1::2]
            words.append(Word(text, (left, top, round(x - 0.25 * px), bottom)))
            x += px
        y += round(px * 2.0)
        for line in lines:
            words += _draw_words(img, (round(0.6 * dpi), y), line, f)
            y += round(px * 2.0)
        pages.append(GenPage(f"words_{path.stem.lower()}_{pt}pt_{dpi}dpi", np.asarray(img.convert("RGB")), words))
    return pages


GENERATORS = {
    "lone": lone_pages,
    "turned": turned_pages,
    "ink": ink_pages,
    "checkbox": checkbox_pages,
    "spaces": spaces_pages,
    "words": words_pages,
}


def ink_shares(page: GenPage, boxes: list[tuple[str, tuple[float, float, float, float]]]) -> list[tuple[str, str, float]]:
    """For every drawn word with an ink mask: (its text, the output word covering most of its ink, that share
    of its ink inside the output word's box, 0 to 1). ``boxes``: output words as (text, bbox in page pixels)."""
    out = []
    for word in page.words:
        if word.ink is None or not word.ink.any():
            continue
        total = int(word.ink.sum())
        best, best_text = 0.0, ""
        for text, (x0, y0, x1, y1) in boxes:
            inside = int(word.ink[max(int(y0), 0):max(int(np.ceil(y1)), 0), max(int(x0), 0):max(int(np.ceil(x1)), 0)].sum())
            if inside / total > best:
                best, best_text = inside / total, text
        out.append((word.text, best_text, best))
    return out


def lone_reads(page: GenPage, words: list[tuple[str, tuple[float, float, float, float]]]) -> list[str]:
    """What was read on each lone answer's place: the output words whose centre lies in its box grown by
    half its height (joined by spaces; "" for none)."""
    out = []
    for answer in page.lone:
        left, top, right, bottom = answer.box
        grow = (bottom - top) / 2
        found = [t for t, (x0, y0, x1, y1) in words
                 if left - grow <= (x0 + x1) / 2 <= right + grow and top - grow <= (y0 + y1) / 2 <= bottom + grow]
        out.append(" ".join(found))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="swift")
    ap.add_argument("--pages", default=",".join(GENERATORS))
    ap.add_argument("--set", action="append", default=[], help="config override KEY=VALUE (every preset)")
    args = ap.parse_args()
    from ocrplug.pipeline import Pipeline

    pages = [p for kind in args.pages.split(",") for p in GENERATORS[kind]()]
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset, ["renderers=[]", *args.set])
        for page in pages:
            result = pipe.run(page.image).pages[0]
            words = [(w.text or "", w.bbox) for w in result.words]
            read = [t for t, _ in words]
            expected = [w.text for w in page.words]
            print(f"{preset:8s} {page.name}", flush=True)
            print(f"    expected: {' '.join(expected)}")
            print(f"    read:     {' '.join(read)}")
            if page.name.startswith(("spaces", "words")):
                same = sum((Counter(expected) & Counter(read)).values())
                print(f"    words matched {same}/{len(expected)}, read {len(read)}")
            if page.lone:
                got = lone_reads(page, words)
                right = sum(g == a.text for g, a in zip(got, page.lone, strict=True))
                print(f"    lone answers {right}/{len(page.lone)}: "
                      + " ".join(f"{a.text}:{g or '-'}" for a, g in zip(page.lone, got, strict=True)))
            if page.turned:
                lines = [" ".join(w.text or "" for w in ln.children if w.level == "word") or (ln.text or "")
                         for ln in result.lines]
                print(f"    turned title {'ok' if page.turned in lines else 'WRONG'}: "
                      + " | ".join(t for t in lines if "FIELD" in t or "VOLUME" in t))
            if any(w.ink is not None for w in page.words):
                shares = ink_shares(page, words)
                low = [(t, o, round(s, 2)) for t, o, s in shares if s < 0.8]
                print(f"    lowest ink share {min(s for _, _, s in shares):.2f}; under 0.8: {low}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
