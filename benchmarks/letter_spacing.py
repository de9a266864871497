"""Letter-spaced (tracked) display text: words read right before -> after the tracked-line split rule.

Issue 24: ``fast`` and ``accurate`` read ``GRAND OPENING`` drawn with wide letter spacing as ``G R A N D O P
E N I N G``: every letter gap passed the ink-gap word split (:mod:`ocrplug_ppocr.letter_spacing`). This
draws short lines (6 fonts at 18-34 pt, 100 dpi; every text at extra letter spacing 0-30 px, in lower case
and in caps, the word gaps 1.5, 2 or 3 times the letter spacing but at least a space; single-letter
words, initials and letter-digit codes among the texts), reads each line box with the ppocr recognizer
(the step ``fast`` and ``accurate`` share; the model reads each crop once) and splits the reading with
the rule off (``before``) and on (``after``). Prints the truth words read right (bags of words per line)
and the lines whose words changed, by tracking; the changed lines go to stderr. Lines at tracking 0 are
ordinary print: they must not change.

    PYTHONPATH=.:plugins python benchmarks/letter_spacing.py
"""

from __future__ import annotations

import argparse
import hashlib
import sys
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
TRACKING = [0, 4, 8, 10, 12, 16, 20, 25, 30]
RATIOS = [1.5, 2.0, 3.0]
FONTS = [("dejavu", 22), ("libserif", 30), ("nimbussansb", 22), ("gothic", 30), ("notoserif", 18), ("libsans", 34)]
DPI = 100


def draw_line(d: ImageDraw.ImageDraw, x: float, y: float, text: str, f, track: int, ratio: float) -> float:
    """Draw ``text`` letter by letter from ``(x, y)``: ``track`` px after each letter, a word gap of
    ``max(space, ratio * track)`` px; returns the right end."""
    space = d.textlength(" ", font=f)
    for ch in text:
        if ch == " ":
            x += max(space, ratio * track)
            continue
        d.text((x, y), ch, font=f, fill=0)
        x += d.textlength(ch, font=f) + track
    return x


def lines() -> list[tuple[str, int, str, int, float]]:
    """(font key, pixel size, text, tracking px, word-gap ratio) of every drawn line."""
    out = []
    for n, (name, pt) in enumerate(FONTS):
        texts = TEXTS[n % 3 :: 3]  # three texts a font, each text in two fonts
        k = 0
        for track in TRACKING:
            for caps in (False, True):
                for t in texts:
                    out.append((name, pt, t.upper() if caps else t, track, RATIOS[k % len(RATIOS)]))
                    k += 1
    return out


def line_image(name: str, pt: int, text: str, track: int, ratio: float) -> np.ndarray:
    """RGB image of one drawn line, 8 px of paper around the ink."""
    f = font(name, pt, DPI)
    img = Image.new("L", (40 * pt + 40 * track, 3 * pt), 255)
    right = draw_line(ImageDraw.Draw(img), 8, pt, text, f, track, ratio)
    a = np.asarray(img)
    rows = np.flatnonzero((a < 128).any(axis=1))
    a = a[max(rows[0] - 8, 0) : rows[-1] + 9, : int(right) + 8]
    return np.repeat(a[:, :, None], 3, axis=2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.parse_args()
    import ocrplug_ppocr.recognizer as rec
    from ocrplug_ppocr.options import PPOCRRecognizerOptions

    from ocrplug.model import PageImage, Region

    rule = rec.tracked_splits
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
    for name, pt, text, track, ratio in lines():
        image = line_image(name, pt, text, track, ratio)
        h, w = image.shape[:2]
        page = PageImage(image=image, index=0, source="drawn")
        region = Region(quad=((0, 0), (w, 0), (w, h), (0, h)), level="line")
        got = {}
        for label, fn in (("before", lambda *a: None), ("after", rule)):
            rec.tracked_splits = fn
            (out,) = ppocr.recognize(page, [region])
            got[label] = [c.text for c in out.children]
        rec.tracked_splits = rule
        want = Counter(text.split())
        t = tally[track]
        t[0] += sum(want.values())
        for j, label in enumerate(("before", "after")):
            have = Counter(got[label])
            t[1 + j] += sum(min(n, have[x]) for x, n in want.items())
        if got["before"] != got["after"]:
            t[3] += 1
            print(f"  {name} {pt}pt t={track} r={ratio}: {' '.join(got['before'])!r} -> {' '.join(got['after'])!r}",
                  file=sys.stderr)
    print("| tracking px | truth words | right before | right after | lines changed |")
    print("|---|---|---|---|---|")
    total = [0, 0, 0, 0]
    for track in TRACKING:
        t = tally[track]
        total = [a + b for a, b in zip(total, t, strict=True)]
        print(f"| {track} | {t[0]} | {t[1]} | {t[2]} | {t[3]} |")
    print(f"| all | {total[0]} | {total[1]} | {total[2]} | {total[3]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
