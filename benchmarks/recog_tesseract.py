"""Tesseract on 300 line crops: one pytesseract process per crop (reference) vs the ``tesseract`` recognizer.

Usage: python benchmarks/recog_tesseract.py [--lines 300] [--threads 1]
       python benchmarks/recog_tesseract.py --gt funsd_train|funsd|sroie [--limit 400] [--margins 0,0.05,0.1] [--psms 7]

``--gt SET``: ground-truth line crops of a shared eval set (FUNSD: entities whose words share one row;
SROIE: its line quads), read by plain tesserocr psm 7 on the exact box and by the ``tesseract``
recognizer at each margin and page segmentation mode; CER against the ground truth.

The lines are drawn with a real font on one page (fixed seed); both sides read the same crops with
page segmentation mode 7 (single line). Prints seconds, lines/s, the speed-up and how much the two
readings differ (character error rate between them), so a speed-up cannot come from reading less.
"""

from __future__ import annotations

import argparse
import os
import random
import time

import numpy as np

WORDS = (
    "the quick brown fox jumps over lazy dog invoice total amount paid tax date number customer "
    "street city order item price quantity shipping address phone email account balance 2026 42.50 "
    "reference page section table figure report summary"
).split()
FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeMono.ttf",
)


def make_page(n: int, seed: int = 0) -> tuple[np.ndarray, list[tuple[int, int, int, int]], list[str]]:
    """A tall white page with ``n`` random text lines; their boxes and texts."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    fonts = [ImageFont.truetype(f, 26) for f in FONTS if os.path.isfile(f)]
    line_h = 46
    page = Image.new("L", (1400, n * line_h + 20), 255)
    draw = ImageDraw.Draw(page)
    boxes, texts = [], []
    for k in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9)))
        font = fonts[k % len(fonts)]
        x, y = 20, 10 + k * line_h
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        draw.text((x, y), text, fill=0, font=font)
        boxes.append((left - 4, top - 4, right + 4, bottom + 4))
        texts.append(text)
    rgb = np.stack([np.asarray(page)] * 3, axis=2)
    return rgb, boxes, texts


def cer(a: list[str], b: list[str]) -> float:
    """Character error rate of ``a`` against ``b`` (Levenshtein, summed over lines)."""
    errors = total = 0
    for x, y in zip(a, b, strict=True):
        prev = list(range(len(y) + 1))
        for i, cx in enumerate(x, 1):
            cur = [i]
            for j, cy in enumerate(y, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cx != cy)))
            prev = cur
        errors += prev[-1]
        total += max(len(y), 1)
    return errors / total


def main() -> None:
    """Run both sides and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import pytesseract
    from ocrplug_tesseract.options import TesseractRecognizerOptions
    from ocrplug_tesseract.recognizer import TesseractRecognizer

    from ocrplug.model import PageImage, Region

    page, boxes, texts = make_page(args.lines)
    regions = [Region.from_box(*b, level="line") for b in boxes]
    crops = [page[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes]

    t0 = time.perf_counter()
    ref = [pytesseract.image_to_string(c, lang="eng", config="--psm 7").strip() for c in crops]
    t_ref = time.perf_counter() - t0

    rec = TesseractRecognizer(TesseractRecognizerOptions(threads=args.threads, margin=0.0))
    rec.recognize(PageImage(page, 0, "warm-up"), regions[:2])
    t0 = time.perf_counter()
    ours = rec.recognize(PageImage(page, 0, "bench"), regions)
    t_ours = time.perf_counter() - t0
    got = [r.text or "" for r in ours]

    n = len(crops)
    print(f"lines: {n}  (threads: {args.threads}, tesseract {pytesseract.get_tesseract_version()})")
    print(
        f"pytesseract, one process per crop: {t_ref:7.2f} s  {n / t_ref:7.1f} lines/s  CER vs truth {cer(ref, texts):.4f}"
    )
    print(
        f"ocrplug tesseract recognizer:      {t_ours:7.2f} s  {n / t_ours:7.1f} lines/s  CER vs truth {cer(got, texts):.4f}"
    )
    print(f"speed-up: {t_ref / t_ours:.1f}x   (CER between the two readings: {cer(got, ref):.4f})")




def gt_lines(shared: str, split: str, limit: int) -> list[tuple[str, tuple[int, int, int, int], str]]:
    """Ground-truth single-line crops: (image path, box, text). FUNSD: entities whose words share one row."""
    import json
    from pathlib import Path

    root = Path(shared) / "eval" / split
    out = []
    for ann in sorted((root / "annotations").glob("*.json")):
        data = json.loads(ann.read_text())
        image = str(root / "images" / data["image"])
        items = data.get("lines") or []
        if not items:
            for ent in data.get("entities", []):
                ws = [data["words"][i] for i in ent["word_indices"]]
                ys = [(min(p[1] for p in w["quad"]), max(p[1] for p in w["quad"])) for w in ws]
                if ws and ent["text"].strip() and max(a for a, _ in ys) < min(b for _, b in ys):
                    items.append(ent)
        for it in items:
            xs, ys = [p[0] for p in it["quad"]], [p[1] for p in it["quad"]]
            box = (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys)))
            if it["text"].strip() and box[2] - box[0] > 2 and box[3] - box[1] > 2:
                out.append((image, box, it["text"].strip()))
        if len(out) >= limit:
            break
    return out[:limit]


def gt_main() -> None:
    """``--gt SPLIT``: the recognizer at several margins vs plain tesserocr psm 7 on ground-truth line crops."""
    import argparse
    from pathlib import Path

    import cv2
    import tesserocr
    from ocrplug_tesseract.engine import find_tessdata
    from ocrplug_tesseract.options import TesseractRecognizerOptions
    from ocrplug_tesseract.recognizer import TesseractRecognizer
    from PIL import Image

    from ocrplug.model import PageImage, Region

    parser = argparse.ArgumentParser()
    parser.add_argument("--gt", required=True, help="eval set under SHARED/eval: funsd_train, funsd, sroie")
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--margins", default="0,0.05,0.1")
    parser.add_argument("--psms", default="7", help="page segmentation modes to try, e.g. 7,13")
    args = parser.parse_args()
    items = gt_lines(args.shared, args.gt, args.limit)
    truth = [t for _, _, t in items]
    pages: dict[str, list[int]] = {}
    for k, (img, _, _) in enumerate(items):
        pages.setdefault(img, []).append(k)
    plain = [""] * len(items)
    with tesserocr.PyTessBaseAPI(path=str(find_tessdata()), psm=7) as api:
        for img, idx in pages.items():
            page = Image.open(img).convert("L")
            for k in idx:
                api.SetImage(page.crop(items[k][1]))
                plain[k] = api.GetUTF8Text().strip()
    print(f"{args.gt}: {len(items)} ground-truth line crops (first {len(pages)} pages)")
    print(f"  plain tesserocr psm 7 on the exact box: CER {cer(plain, truth):.4f}")
    settings = [(float(m), int(p)) for p in args.psms.split(",") for m in args.margins.split(",")]
    for m, psm in settings:
        rec = TesseractRecognizer(TesseractRecognizerOptions(margin=m, psm=psm))
        got = [""] * len(items)
        for img, idx in pages.items():
            arr = cv2.cvtColor(cv2.imread(img), cv2.COLOR_BGR2RGB)
            regions = [Region.from_box(*items[k][1], level="line") for k in idx]
            for k, r in zip(idx, rec.recognize(PageImage(arr, 0, img), regions), strict=True):
                got[k] = r.text or ""
        print(f"  tesseract recognizer, margin {m:.2f}, psm {psm:2d}: CER {cer(got, truth):.4f}")


if __name__ == "__main__":
    import sys

    gt_main() if "--gt" in sys.argv else main()
