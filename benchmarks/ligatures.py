"""Words printed with ``fi``/``fl``/``ff``/``ffi``/``ffl`` ligatures read right (issue 24, G15; T15's certificate).

usage: python benchmarks/ligatures.py [--fonts z003,p052i,...] [--sizes 30,50,80,110] [--floors 0.1,0.15,0.2,0.3]

Draws lines of words with ligature pairs (``LIGA_LINES``) with OpenType ``liga`` on (one glyph per pair, PIL
with raqm) and off, and lines of words without such pairs but full of ``f``, ``i``, ``l`` (``PLAIN_LINES``),
in ``--fonts`` at ``--sizes`` pixels per em; reads each line crop once with the ``ppocr`` recognizer and
decodes the model's probabilities again with :func:`ocrplug_ppocr.recognizer.ctc_greedy` at each
``ligature_min`` of ``--floors`` (``off``: the best path alone). Prints, per kind and floor, the words read
right (bag per line). Recognizer only: no detector, no shared data.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from drawn_pages import FONTS  # noqa: E402

URW = "/usr/share/fonts/opentype/urw-base35/"
EXTRA_FONTS = {"z003": URW + "Z003-MediumItalic.otf", "dejavuserif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"}
LIGA_LINES = [
    "Certificate of the official office",
    "first flower field of fluffy waffles",
    "efficient staff affirm the baffled chief",
    "profile of a conflict in the fjord",
    "Final offer: shuffle, sniffle, ruffle",
    "The fifth floor fire drill is finished",
]
PLAIN_LINES = [  # f, i, l with no ligature pair: none may gain a letter
    "life of a soft left foot is fast",
    "the ferry left for Lisbon at five",
    "Fold the form, sign it, file it later",
    "If only Alice had a little fun",
    "frozen fruit, fresh fish and oil",
    "Of all the fables, he likes the fox",
    "lift the lid off; fill it; sift",
]


def line_image(text: str, face: ImageFont.FreeTypeFont, liga: bool) -> np.ndarray:
    """``text`` black on white (RGB uint8), a quarter em above and below, half an em beside; ``liga`` on/off."""
    feats = ["liga"] if liga else ["-liga"]
    em = face.size
    _, top, right, bottom = face.getbbox(text, features=feats)
    img = Image.new("RGB", (right + em, bottom - top + em // 2), "white")
    ImageDraw.Draw(img).text((em // 2, em // 4 - top), text, font=face, fill="black", features=feats)
    return np.asarray(img)


def right(truth: str, read: str) -> int:
    """Words of ``truth`` found in ``read`` (bags, punctuation kept)."""
    return sum((Counter(truth.split()) & Counter(read.split())).values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fonts", default="z003,p052i,romanbi,notoserif,nimbusroman,c059,bookman,dejavuserif")
    ap.add_argument("--sizes", default="30,50,80,110")
    ap.add_argument("--floors", default="0.1,0.15,0.2,0.25,0.3")
    args = ap.parse_args()
    if not features.check("raqm"):
        print("PIL has no raqm: ligatures cannot be drawn", file=sys.stderr)
        return 2
    import ocrplug_ppocr.recognizer as rmod
    from ocrplug_ppocr.options import PPOCRRecognizerOptions

    rec = rmod.PPOCRRecognizer(PPOCRRecognizerOptions())
    captured: list[tuple[np.ndarray, list[int]]] = []
    real = rmod.ctc_greedy

    def capture(probs, table, lengths=None, mask=None, ligature_min=None):
        captured.append((probs.copy(), list(lengths) if lengths is not None else [probs.shape[1]] * len(probs)))
        return real(probs, table, lengths, mask, ligature_min)

    rmod.ctc_greedy = capture
    fonts = {**FONTS, **EXTRA_FONTS}
    floors: list[tuple[str, float]] = [("off", 2.0)] + [(f, float(f)) for f in args.floors.split(",")]
    totals: dict[tuple[str, str], list[int]] = {}
    for name in args.fonts.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            face = ImageFont.truetype(fonts[name], size, layout_engine=ImageFont.Layout.RAQM)
            for kind, lines, liga in (("liga", LIGA_LINES, True), ("liga-off", LIGA_LINES, False),
                                      ("plain", PLAIN_LINES, True)):
                for line in lines:
                    captured.clear()
                    rec.read([line_image(line, face, liga)])
                    if len(captured) != 1:  # chunked: not this benchmark's case
                        continue
                    probs, lengths = captured[0]
                    for label, floor in floors:
                        text = real(probs, rec.table, lengths, None, floor)[0].text
                        t = totals.setdefault((kind, label), [0, 0])
                        t[0] += right(line, text)
                        t[1] += len(line.split())
                        if label in ("off", "0.2") and right(line, text) < len(line.split()) and kind != "liga-off":
                            print(f"  {name} {size} {kind} {label}: {text}")
    print(f"{'kind':10s} " + " ".join(f"{lab:>12s}" for lab, _ in floors))
    for kind in ("liga", "liga-off", "plain"):
        print(f"{kind:10s} " + " ".join(f"{totals[(kind, lab)][0]:>5d}/{totals[(kind, lab)][1]:<6d}" for lab, _ in floors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
