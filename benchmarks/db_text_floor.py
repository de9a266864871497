"""Smallest text the ``db`` detector still finds, measured in :func:`small_text_height`'s pixels.

A 3000 x 2400 page of six lines (DejaVu Sans, mixed case and digits, ``--font-px`` high) is shrunk by
the detector's ``max_side`` to a range of sizes; for each, the text height at the network input (the
page's measured small-text height x scale) and the share of lines found (IoU >= 0.5) are printed.
``MIN_TEXT_HEIGHT`` in ``plugins/ocrplug_db/detector.py`` comes from this table (docs/db.md,
"Large pages")::

    python benchmarks/db_text_floor.py [--font-px 48] [--sides 500,600,...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocrplug_db.preprocess import small_text_height

from ocrplug.manager import PluginHost
from ocrplug.model import PageImage
from tests.db.test_detector import recall, render_page

LINES = [
    "Invoice number 2026-0117 for the harbour",
    "Delivered to: Harbour Street 12, Quayside",
    "Qty 3  Item notebook  Price 4.50 each",
    "3 x blue notebooks A5 with ruled pages",
    "TOTAL DUE 48.90 EUR by the end of May",
    "Thank you for your order, see you again!",
]


def main() -> None:
    """Print one row per ``max_side``: scale, text height at the network input, lines found."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--font-px", type=int, default=48)
    ap.add_argument("--sides", default="450,525,600,675,750,900,1050,1200")
    args = ap.parse_args()
    image, gt = render_page(size=(3000, 2400), font_px=args.font_px, lines=LINES)
    text = small_text_height(image[:, :, 0])
    print(f"page 3000x2400, font {args.font_px} px, measured small-text height {text} px")
    spec = PluginHost().components("detector")["db"]
    print("| max_side | scale | text px at input | lines found |")
    for side in (int(s) for s in args.sides.split(",")):
        det = spec.build(spec.options(threads=1, max_side=side, min_text_height=0))
        found = recall(gt, det.detect(PageImage(image=image, index=0, source="floor")))
        scale = side / 3000
        print(f"| {side} | {scale:.3f} | {text * scale:.1f} | {found:.2f} |")


if __name__ == "__main__":
    main()
