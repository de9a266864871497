"""Letter-spaced (tracked) display text and small capitals: words read right before -> after the rules.

Issue 24: ``fast`` and ``accurate`` read ``GRAND OPENING`` drawn with wide letter spacing as ``G R A N D O P
E N I N G``: every letter gap passed the ink-gap word split (:mod:`ocrplug_ppocr.letter_spacing`); past
about 20 px the model itself emits those spaces; small capitals came back ``PRAIsE``
(:mod:`ocrplug_ppocr.small_caps`). This draws short lines (6 fonts at 18-34 pt, 100 dpi; every text at
extra letter spacing 0-40 px, in lower case, in caps and in small caps (a full capital, then capitals at
0.72 of the size on the same baseline), the word gaps 1.5, 2 or 3 times the letter spacing but at least
a space; single-letter words, initials and letter-digit codes among the texts), reads each line box
with the ppocr recognizer (the step ``fast`` and ``accurate`` share; the model reads each crop once)
and splits the reading with the rules off (``before``: main at 98bb29c, W13's tracked-line split only)
and on (``after``). With ``--words`` each word's own box is read instead (the detector often boxes the
words of a tracked line alone). With ``--row`` the words' boxes of a line are read together, as the
detector's boxes of one page (consecutive one-character words share one box, as the detector boxes
``A 4 B 7``), two more texts of one-letter words among them, and ``before`` is every rule but the row
context (:func:`ocrplug_ppocr.letter_spacing.join_tracked_words`, W15); the ratios that rule tests are
printed too. Prints the truth words read right (bags of words per line, case
kept) and the lines whose words changed, by tracking; the changed lines go to stderr. Lines at tracking
0 are ordinary print.

    PYTHONPATH=.:plugins python benchmarks/letter_spacing.py [--words | --row]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import unicodedata
from collections import Counter, defaultdict

import numpy as np
from drawn_pages import font
from PIL import Image, ImageDraw

TEXTS = [
    "Grand opening today",
    "Saturday the ninth",
    "Live music and free coffee",
    "Plan a route home",
    "Gate A 4 B",
    "by J. R. R. Tolkien",
    "Code A 1 B 2",
    "I am here now",
    "Fresh bread daily",
]
#: ``--row`` only: one-letter words in one box between words boxed alone (they must stay apart).
ROW_TEXTS = ["Seats A B C left", "Tick a b c or d"]
TRACKING = [0, 4, 8, 10, 12, 16, 20, 25, 30, 35, 40]
STYLES = ("lower", "caps", "small")
SMALL = 0.72  # small capitals' size, share of the font size (their cap height about the x-height)
RATIOS = [1.5, 2.0, 3.0]
FONTS = [("dejavu", 22), ("libserif", 30), ("nimbussansb", 22), ("gothic", 30), ("notoserif", 18), ("libsans", 34)]
DPI = 100


def draw_line(
    d: ImageDraw.ImageDraw, x: float, y: float, text: str, f, track: int, ratio: float, small=None
) -> tuple[float, list[tuple[float, float]]]:
    """Draw ``text`` letter by letter on the baseline ``y`` from ``x``: ``track`` px after each letter, a
    word gap of ``max(space, ratio * track)`` px; with ``small`` (a smaller font) every letter but a word's
    first is drawn in it, upper case. Returns the right end and each word's ``(x0, x1)``."""
    space = d.textlength(" ", font=f)
    spans = []
    start = x
    for k, ch in enumerate(text):
        if ch == " ":
            spans.append((start, x - track))
            x += max(space, ratio * track)
            start = x
            continue
        g = small if small is not None and k > 0 and text[k - 1] != " " else f
        ch = ch.upper() if small is not None else ch
        d.text((x, y), ch, font=g, fill=0, anchor="ls")
        x += d.textlength(ch, font=g) + track
    spans.append((start, x - track))
    return x, spans


def lines(extra: list[str] | None = None) -> list[tuple[str, int, str, int, float, str]]:
    """(font key, pixel size, text, tracking px, word-gap ratio, style) of every drawn line; ``extra``
    texts are drawn in every font besides."""
    out = []
    for n, (name, pt) in enumerate(FONTS):
        texts = TEXTS[n % 3 :: 3] + (extra or [])  # three texts a font, each text in two fonts
        k = 0
        for track in TRACKING:
            for style in STYLES:
                for t in texts:
                    out.append((name, pt, t.upper() if style == "caps" else t, track, RATIOS[k % len(RATIOS)], style))
                    k += 1
    return out


def line_image(name: str, pt: int, text: str, track: int, ratio: float, style: str, word: int | None = None) -> np.ndarray:
    """RGB image of one drawn line (or of its word ``word`` alone), 8 px of paper around the ink."""
    f = font(name, pt, DPI)
    small = font(name, pt * SMALL, DPI) if style == "small" else None
    img = Image.new("L", (40 * pt + 50 * track, 3 * pt), 255)
    right, spans = draw_line(ImageDraw.Draw(img), 8, 2 * pt, text, f, track, ratio, small)
    a = np.asarray(img)
    rows = np.flatnonzero((a < 128).any(axis=1))
    x0, x1 = (0, int(right) + 8) if word is None else (max(int(spans[word][0]) - 8, 0), int(spans[word][1]) + 9)
    a = a[max(rows[0] - 8, 0) : rows[-1] + 9, x0:x1]
    return np.repeat(a[:, :, None], 3, axis=2)


def row_page(name: str, pt: int, text: str, track: int, ratio: float, style: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """RGB image of one drawn line and the ``(x0, x1)`` of each box a detector would give (a word's span
    4 px wider each side; consecutive one-character words in one box)."""
    f = font(name, pt, DPI)
    small = font(name, pt * SMALL, DPI) if style == "small" else None
    img = Image.new("L", (40 * pt + 50 * track, 3 * pt), 255)
    _, spans = draw_line(ImageDraw.Draw(img), 8, 2 * pt, text, f, track, ratio, small)
    boxes: list[tuple[float, float]] = []
    words = text.split()
    for k, (a, b) in enumerate(spans):
        if boxes and len(words[k]) == 1 and len(words[k - 1]) == 1:
            boxes[-1] = (boxes[-1][0], b)
        else:
            boxes.append((a, b))
    a = np.asarray(img)
    return np.repeat(a[:, :, None], 3, axis=2), [(max(int(x0) - 4, 0), int(x1) + 5) for x0, x1 in boxes]


def row_main() -> int:
    """``--row``: every box of a line read together, the row context off (before) and on (after)."""
    import ocrplug_ppocr.letter_spacing as ls
    import ocrplug_ppocr.recognizer as rec
    from ocrplug_ppocr.options import PPOCRRecognizerOptions

    from ocrplug.model import PageImage, Region

    join = rec.join_tracked_words
    ratios: dict[str, list[float]] = defaultdict(list)

    def measure(regions, truth: str) -> None:  # the ratios the rule tests, for boxes read as letters
        for r in regions:
            texts = [w.text for w in r.children]
            if len(texts) < 2 or not all(t.isalpha() and len(t) <= 2 for t in texts):
                continue
            own = [ls._span(w) for w in r.children]
            gaps = [b[0] - a[1] for a, b in itertools.pairwise(own)]
            near = [max(own[0][0] - ls._span(w)[1], ls._span(w)[0] - own[-1][1])
                    for o in regions if o is not r for w in o.children]
            if min(gaps) > 0 and near:
                joined = unicodedata.normalize("NFKC", "".join(texts)).lower()
                key = "one word" if joined in truth.lower().split() else "words"
                ratios[key + ": row gap / widest letter gap"].append(min(near) / max(gaps))
                ratios[key + ": widest / narrowest letter gap"].append(max(gaps) / min(gaps))

    ppocr = rec.PPOCRRecognizer(PPOCRRecognizerOptions(threads=1))
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_style: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for name, pt, text, track, ratio, style in lines(ROW_TEXTS):
        truth = text.upper() if style == "small" else text
        image, boxes = row_page(name, pt, text, track, ratio, style)
        h = image.shape[0]
        page = PageImage(image=image, index=0, source="drawn")
        regions = [Region(quad=((x0, 0), (x1, 0), (x1, h), (x0, h)), level="line") for x0, x1 in boxes]
        rec.join_tracked_words = list
        before = ppocr.recognize(page, regions)
        rec.join_tracked_words = join
        after = join(before)  # the same reading, the row context on
        if track > 0:
            measure(before, truth)
        got = {label: [c.text for r in out for c in r.children] for label, out in (("before", before), ("after", after))}
        _count(got, truth, (tally[track], by_style[style]), f"{name} {pt}pt t={track} r={ratio} {style}")
    _table(tally, by_style)
    print()
    for key, values in sorted(ratios.items()):
        q = np.percentile(values, [0, 5, 50, 95, 100])
        print(f"{key}: n={len(values)} min/5%/median/95%/max " + " ".join(f"{v:.2f}" for v in q))
    return 0


def _count(got: dict[str, list[str]], truth: str, tallies: tuple[list[int], ...], label: str) -> None:
    """Add one line's words (``got``: ``before`` / ``after`` word lists) to each tally (truth words, right
    before, right after, lines changed) and print a changed line to stderr."""
    want = Counter(truth.split())
    right = [sum(min(n, Counter(got[k])[x]) for x, n in want.items()) for k in ("before", "after")]
    for t in tallies:
        t[0] += sum(want.values())
        t[1] += right[0]
        t[2] += right[1]
        t[3] += got["before"] != got["after"]
    if got["before"] != got["after"]:
        print(f"  {label}: {' '.join(got['before'])!r} -> {' '.join(got['after'])!r}  (truth {truth!r})", file=sys.stderr)


def _table(tally: dict[int, list[int]], by_style: dict[str, list[int]]) -> None:
    """Print the tables of truth words read right and lines changed, by tracking and by style."""
    print("| tracking px | truth words | right before | right after | lines changed |")
    print("|---|---|---|---|---|")
    total = [0, 0, 0, 0]
    for track in TRACKING:
        t = tally[track]
        total = [a + b for a, b in zip(total, t, strict=True)]
        print(f"| {track} | {t[0]} | {t[1]} | {t[2]} | {t[3]} |")
    print(f"| all | {total[0]} | {total[1]} | {total[2]} | {total[3]} |")
    print()
    print("| style | truth words | right before | right after | lines changed |")
    print("|---|---|---|---|---|")
    for style in STYLES:
        t = by_style[style]
        print(f"| {style} | {t[0]} | {t[1]} | {t[2]} | {t[3]} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", action="store_true", help="read each word's own box, not the line's")
    ap.add_argument("--row", action="store_true", help="read a line's word boxes together (the row context)")
    args = ap.parse_args()
    if args.row:
        return row_main()
    import ocrplug_ppocr.letter_spacing as ls
    import ocrplug_ppocr.recognizer as rec
    from ocrplug_ppocr.options import PPOCRRecognizerOptions

    from ocrplug.model import PageImage, Region

    rules = {name: getattr(rec, name) for name in ("tracked_splits", "tracked_spaces", "small_caps_case")}
    off = {
        # W13's rule alone: no one-word crops
        "tracked_splits": lambda *a: None if ls._line_gaps(*a) is None else rules["tracked_splits"](*a),
        "tracked_spaces": lambda *a: set(),
        "small_caps_case": lambda text, *a: text,
    }
    ppocr = rec.PPOCRRecognizer(PPOCRRecognizerOptions(threads=1))
    cache: dict[bytes, list] = {}
    read = ppocr.read

    def cached(images, mask=None):  # the model reads each crop once; both rules split that reading
        key = hashlib.sha1(b"".join(np.ascontiguousarray(i).tobytes() + bytes(str(i.shape), "ascii") for i in images)).digest()
        if key not in cache:
            cache[key] = read(images, mask)
        return cache[key]

    ppocr.read = cached
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_style: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for name, pt, text, track, ratio, style in lines():
        truth = text.upper() if style == "small" else text
        for w, want_text in enumerate(truth.split()) if args.words else [(None, truth)]:
            image = line_image(name, pt, text, track, ratio, style, w)
            h, wd = image.shape[:2]
            page = PageImage(image=image, index=0, source="drawn")
            region = Region(quad=((0, 0), (wd, 0), (wd, h), (0, h)), level="line")
            got = {}
            for label, fns in (("before", off), ("after", rules)):
                for fn_name, fn in fns.items():
                    setattr(rec, fn_name, fn)
                (out,) = ppocr.recognize(page, [region])
                got[label] = [c.text for c in out.children]
            for fn_name, fn in rules.items():
                setattr(rec, fn_name, fn)
            _count(got, want_text, (tally[track], by_style[style]), f"{name} {pt}pt t={track} r={ratio} {style}")
    _table(tally, by_style)
    return 0


if __name__ == "__main__":
    sys.exit(main())
