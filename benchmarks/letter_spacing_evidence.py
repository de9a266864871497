"""Evidence behind ``TRACK_WORD_GAP`` and ``SMALL_CAP_HEIGHT`` (issue 24): the distributions the constants split.

``--hints``: the narrowest ink gap (text heights) and the largest space probability the model gives
between the letters of a short crop read with no space (3 or 4 letters, gaps at least ``TRACK_LETTER``
times ``space_gap`` and within ``TRACK_WIDE`` of each other: the crops
:func:`ocrplug_ppocr.letter_spacing._tracked_word` looks at),
for one tracked word boxed alone (positives: the words of ``benchmarks/letter_spacing.py`` at tracking
8-40 px) and for a row of one-letter words at ordinary spacing (negatives: ``A B C``, ``x y z``...).
``--heights``: the ink height of each lower-case size-case letter the model reads in a run of capitals,
as a share of those capitals' median (:func:`ocrplug_ppocr.small_caps.small_caps_case`), in drawn small
capitals (positives) and in ordinary words with a lower-case letter among capitals (``McDONALD``,
``CEOs``, ``VoIP``: negatives). Prints each kind's values as quantiles.

    PYTHONPATH=.:plugins:benchmarks python benchmarks/letter_spacing_evidence.py --hints --heights
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from drawn_pages import font
from letter_spacing import DPI, FONTS, SMALL, TRACKING, line_image
from PIL import Image, ImageDraw

SHORT_WORDS = ["home", "Gate", "ROOM", "code", "THE", "vie", "END", "Plan", "free", "now"]
LETTER_ROWS = ["A B C", "I A M", "x y z", "a b c d", "X Y Z", "T H E", "O P E N", "s o u"]
MIXED = ["McDONALD", "CEOs", "VoIP", "PDFs", "McCOY", "DVDs", "ISOs"]
SMALL_WORDS = ["Praise", "Account", "Music", "Coffee", "Cross", "Voice", "Zoos", "Waxes"]


def _quantiles(name: str, values: list[float]) -> None:
    if not values:
        print(f"{name}: none")
        return
    q = np.percentile(values, [0, 5, 25, 50, 75, 95, 100])
    print(f"{name}: n={len(values)} min {q[0]:.2f} p5 {q[1]:.2f} p25 {q[2]:.2f} median {q[3]:.2f} p75 {q[4]:.2f} "
          f"p95 {q[5]:.2f} max {q[6]:.2f}")


def _plain(name: str, pt: int, text: str) -> np.ndarray:
    f = font(name, pt, DPI)
    img = Image.new("L", (40 * pt, 3 * pt), 255)
    ImageDraw.Draw(img).text((8, 2 * pt), text, font=f, fill=0, anchor="ls")
    a = np.asarray(img)
    rows, cols = np.flatnonzero((a < 128).any(axis=1)), np.flatnonzero((a < 128).any(axis=0))
    a = a[rows[0] - 8 : rows[-1] + 9, max(cols[0] - 8, 0) : cols[-1] + 9]
    return np.repeat(a[:, :, None], 3, axis=2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hints", action="store_true")
    ap.add_argument("--heights", action="store_true")
    args = ap.parse_args()
    import ocrplug_ppocr.letter_spacing as ls
    import ocrplug_ppocr.recognizer as rec
    import ocrplug_ppocr.small_caps as sc
    from ocrplug_ppocr.options import PPOCRRecognizerOptions

    opts = PPOCRRecognizerOptions(threads=1)
    ppocr = rec.PPOCRRecognizer(opts)

    def read(image: np.ndarray):
        crop = rec.Crop(image=image, to_page=np.eye(3))
        ((res, px),) = ppocr.read([image])
        return crop, res, px

    if args.hints:
        pos, neg = [], []
        for kind, items in (("pos", [(n, pt, w, t, "small" if w.isupper() else "lower") for n, pt in FONTS
                                     for w in SHORT_WORDS for t in TRACKING if t >= 8]),
                            ("neg", [(n, pt, r, 0, "") for n, pt in FONTS for r in LETTER_ROWS])):
            for name, pt, text, track, _style in items:
                image = line_image(name, pt, text, track, 2.0, "lower") if kind == "pos" else _plain(name, pt, text)
                crop, res, px = read(image)
                text_read = res.text
                if not text_read.isalpha() or not 3 <= len(text_read) <= 4:
                    continue
                cols, height = rec._ink_columns(crop)
                gaps = [ls._widest_blank(cols, int((res.steps[k - 1] + 0.5) * px), int((res.steps[k] + 0.5) * px)) / height
                        for k in range(1, len(text_read))]
                if min(gaps) < ls.TRACK_LETTER * opts.space_gap or max(gaps) >= ls.TRACK_WIDE * min(gaps):
                    continue
                hint = max((res.space_before or (0.0,) * len(text_read))[1:])
                (pos if kind == "pos" else neg).append((hint, min(gaps), track))
        _quantiles("largest hint, one tracked word alone (positives)", [h for h, _, _ in pos])
        _quantiles("largest hint, one-letter words read with no space (negatives)", [h for h, _, _ in neg])
        for lo, hi in ((8, 12), (16, 20), (25, 40)):
            _quantiles(f"narrowest gap (heights), positives at tracking {lo}-{hi} px",
                       [g for _, g, t in pos if lo <= t <= hi])
        _quantiles("narrowest gap (heights), negatives", [g for _, g, _ in neg])
    if args.heights:
        ratios: dict[str, list[float]] = {"small": [], "mixed": []}
        for name, pt in FONTS:
            for kind, words in (("small", SMALL_WORDS), ("mixed", MIXED)):
                for w in words:
                    image = line_image(name, pt, w, 0, 2.0, "small") if kind == "small" else _plain(name, pt, w)
                    _, res, px = read(image)
                    t = res.text
                    if not t.isalpha():
                        continue
                    caps = [i for i in range(1, len(t)) if t[i].isupper()]
                    small = [i for i in range(len(t)) if t[i] in sc.SMALL_CAP_LETTERS]
                    if not caps or not small:
                        continue
                    hs = sc._heights(image, [(res.steps[i] + 0.5) * px for i in caps + small])
                    ref = float(np.median(hs[: len(caps)]))
                    ratios[kind] += [h / ref for h in hs[len(caps):]]
        _quantiles(f"small capitals read lower case (positives, SMALL {SMALL})", ratios["small"])
        _quantiles("lower case among capitals (negatives)", ratios["mixed"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
