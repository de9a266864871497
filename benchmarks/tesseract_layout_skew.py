"""Skewed pages read by ``tesseract-layout`` + ``tesseract``: word recall against the text drawn.

usage: python benchmarks/tesseract_layout_skew.py [--angles -4.5,-3,-1.5,0,1.5,3,4.5] [--fonts 1] [--work DIR]

Issue 24 (T10's fault 5): Tesseract boxes a slanted line by the axis-aligned bounds of its ink, so each
line crop of a skewed page held parts of its neighbours and the recognizer read a mixture. The pages
are :func:`small_skew.draw_page`'s (two columns of body text, heading and footer at 300 dpi, turned by
the angle); the text drawn is recorded while drawing. Each page is read with
``fast`` + ``detector.name=tesseract-layout`` + ``recognizer.name=tesseract`` (the tree on PYTHONPATH)
and scored by bag-of-words recall (the share of the drawn words, with multiplicity, found in the
output's text; words are runs of letters and digits, case kept). Prints per page and the mean.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from PIL import ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
import small_skew

from ocrplug import Pipeline
from ocrplug.presets import preset_config

CONFIG = {"detector": {"name": "tesseract-layout"}, "recognizer": {"name": "tesseract"}}


def words(text: str) -> Counter:
    """Bag of the text's words (runs of letters and digits)."""
    return Counter(re.findall(r"[A-Za-z0-9]+", text))


def draw(font: str, degrees: float, heading: str, seed: int, path: Path) -> str:
    """Draw small_skew's page to ``path``; the text drawn on it, a line per ``draw.text`` call."""
    drawn: list[str] = []
    original = ImageDraw.ImageDraw.text

    def record(self, xy, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(str(text))
        return original(self, xy, text, *args, **kwargs)

    ImageDraw.ImageDraw.text = record  # type: ignore[method-assign]
    try:
        small_skew.draw_page(font, degrees, heading, seed).save(path, dpi=(small_skew.DPI, small_skew.DPI))
    finally:
        ImageDraw.ImageDraw.text = original  # type: ignore[method-assign]
    return "\n".join(drawn)


def main() -> None:
    """Draw, read and score the pages."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--angles", default="-4.5,-3,-1.5,0,1.5,3,4.5", help="degrees, a list a,b,c")
    ap.add_argument("--fonts", type=int, default=1, help="fonts per angle (1-4)")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="tess_layout_skew_"))
    work.mkdir(parents=True, exist_ok=True)
    base = preset_config("fast")
    pipeline = Pipeline.from_dict({**base, **CONFIG, "renderers": [{"name": "text"}]})
    names = list(small_skew.FONTS)
    recalls = []
    for i, deg in enumerate(float(a) for a in args.angles.split(",")):
        for k in range(args.fonts):
            font = names[(i + k * len(names) // max(args.fonts, 1)) % len(names)]
            name = f"skew{deg:+.1f}_{font}".replace(".", "p")
            truth = words(draw(font, deg, small_skew.HEADINGS[(i + k) % len(small_skew.HEADINGS)], 17 * i + k,
                               work / f"{name}.png"))
            pipeline.run(work / f"{name}.png", work / "out")
            got = words((work / "out" / f"{name}.txt").read_text())
            recall = sum((truth & got).values()) / max(1, sum(truth.values()))
            recalls.append(recall)
            print(f"{name:28s} {deg:+5.1f} deg  word recall {recall:.3f}", flush=True)
    print(f"mean word recall over {len(recalls)} pages: {sum(recalls) / max(1, len(recalls)):.3f}")


if __name__ == "__main__":
    main()
