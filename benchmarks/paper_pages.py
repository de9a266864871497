"""Text on paper or a photo: the two measures of ``ocrplug.crops.paper_ink`` on the validation sets.

Usage (from the repository root)::

    python benchmarks/paper_pages.py [--shared ../shared] [--sets funsd_train,icdar2015_val]

For every image of each set it prints how many pages pass the ink-share gate (``PAPER_INK``: at most
12 % of the page on the ink side of its Otsu threshold) and, of those, the spread of the ground (the
other pixels' grey levels, 5th to 95th percentile): its minimum / median / maximum and how many pages
``paper_ink`` takes for text on paper (spread under ``PAPER_SPREAD``). ``funsd_train`` holds scanned
forms (paper), ``icdar2015_val`` street photos (scene text): ``PAPER_SPREAD`` must lie between them.
With ``--fit`` it also prints, for the pages over ``PAPER_INK`` whose ground spread is under
``PAPER_SPREAD``, their ink shares (``ocrplug.words.FIT_PAPER_INK``, the word box fit's own limit for
display type, must lie under the photos' and over the forms').
Skips clearly when the shared sets are absent.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ocrplug.crops import PAPER_INK, PAPER_SPREAD, paper_ink  # noqa: E402
from ocrplug.words import FIT_PAPER_INK  # noqa: E402


def measures(gray: np.ndarray) -> tuple[float, float]:
    """(ink share, ground spread in grey levels) of a page, as :func:`paper_ink` measures them."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if ink.mean() > 0.5:
        ink = 1 - ink
    low, high = np.percentile(gray[ink == 0], (5, 95))
    return float(ink.mean()), float(high - low)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared")))
    parser.add_argument("--sets", default="funsd_train,icdar2015_val")
    parser.add_argument("--fit", action="store_true", help="the ink shares of plain-ground pages over PAPER_INK")
    args = parser.parse_args()
    print(f"PAPER_INK {PAPER_INK}, PAPER_SPREAD {PAPER_SPREAD}")
    for name in args.sets.split(","):
        folder = args.shared / "eval" / name / "images"
        if not folder.is_dir():
            print(f"SKIP: {folder} not found (the shared evaluation sets are needed)")
            continue
        shares, spreads, paper, plain = [], [], 0, []
        paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".tif", ".tiff"})
        for path in paths:
            gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            share, spread = measures(gray)
            shares.append(share)
            if share <= PAPER_INK:
                spreads.append(spread)
            elif spread < PAPER_SPREAD:
                plain.append(share)
            paper += paper_ink(gray) is not None
        low, mid, high = np.percentile(spreads, (0, 50, 100)) if spreads else (float("nan"),) * 3
        print(
            f"{name}: {len(paths)} pages, {len(spreads)} at most PAPER_INK ink; their ground spread "
            f"min {low:.0f} / median {mid:.0f} / max {high:.0f} grey levels; text on paper (paper_ink): {paper}"
        )
        if args.fit:
            listed = " ".join(f"{v:.3f}" for v in sorted(plain))
            fitted = sum(v <= FIT_PAPER_INK for v in plain)
            print(f"  over PAPER_INK with a plain ground: {len(plain)} pages, ink {listed}; "
                  f"at most FIT_PAPER_INK {FIT_PAPER_INK}: {fitted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
