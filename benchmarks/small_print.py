"""Dense small print (issue 24, item 3): word accuracy of a preset on generated pages of 6-8 pt text.

usage: python benchmarks/small_print.py [--preset fast] [--variants] [--margins 0.05,0.1] [--more N] [--json OUT]
       python benchmarks/small_print.py --cut-study [PNG ...]

Pages are drawn here (PIL; Liberation, DejaVu and URW fonts, serif and sans) at 200 and 300 dpi, 6, 7
and 8 pt, lines 1.1 to 1.3 times the font size apart: a paragraph of ordinary English (the text below,
shuffled per page with a fixed seed), wrapped to a 4-inch column. Word accuracy: the share of the
page's words that the output gives in the same place (the longest matching blocks of the two word
sequences, ``difflib``), summed over pages. ``--variants`` re-reads the preset's own line regions with
the recognizer under a few ``max_ratio`` values (the detector runs once per page), to see whether a
misreading depends on how much of the line the model sees at once; ``--margins`` does the same for
the crop margin (``ppocr`` option ``margin``).

``--cut-study``: is a misreading the crop's fault or the model's? Each text line of a page (the PNGs
given, else the generated pages) is cut from the page many ways that are all clean and whole: the
line's ink rows found by projection (Otsu), the cut's top edge 0-4 px above them and its bottom 0-4 px
below (never reaching the next line's ink), its left edge 2 or 6 px before the first ink. Each cut
is read alone with the ``ppocr`` recognizer (default options). A word whose reading changes between
such cuts is misread or not by the model's own chance, not for lack of ink or for a neighbour's
ink: the study prints every such word with how many cuts gave each reading.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

TEXT = (
    "Members of the committee reviewed the annual report and noted that the number of visitors rose "
    "steadily through the summer months while the costs of heating and lighting the main hall fell "
    "slightly compared with the previous year the treasurer thanked the volunteers who kept the "
    "library open on weekends and asked every member to check their contact details before the next "
    "meeting which will take place in the small room behind the station at seven in the evening "
    "items for the agenda should reach the secretary no later than ten days before that date"
).split()

FONTS = {
    "liberation-serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "liberation-sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "dejavu-serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "dejavu-sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "nimbus-roman": "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf",
    "nimbus-sans": "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf",
    "c059": "/usr/share/fonts/opentype/urw-base35/C059-Roman.otf",
    "p052": "/usr/share/fonts/opentype/urw-base35/P052-Roman.otf",
    "nimbus-sans-narrow": "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Regular.otf",
    "urw-gothic": "/usr/share/fonts/opentype/urw-base35/URWGothic-Book.otf",
}

#: (font, points, dpi, line spacing as a multiple of the font size)
PAGES = [
    ("liberation-serif", 7, 300, 1.2),
    ("liberation-sans", 6, 300, 1.1),
    ("dejavu-serif", 8, 200, 1.3),
    ("dejavu-sans", 7, 200, 1.2),
    ("nimbus-roman", 6, 300, 1.3),
    ("nimbus-sans", 8, 300, 1.1),
    ("liberation-serif", 8, 200, 1.1),
    ("nimbus-roman", 7, 200, 1.25),
]


def random_pages(count: int, seed: int) -> list[tuple[str, float, int, float]]:
    """``count`` more page settings drawn with ``seed``: any font, 6-8 pt, 200 or 300 dpi, spacing 1.1-1.3."""
    rng = random.Random(seed)
    return [(rng.choice(sorted(FONTS)), rng.choice([6, 6.5, 7, 7.5, 8]), rng.choice([200, 300]),
             round(rng.uniform(1.1, 1.3), 2)) for _ in range(count)]


def make_page(font: str, points: float, dpi: int, spacing: float, seed: int) -> tuple[Image.Image, list[str]]:
    """A grey page (4.3 x 2 inches) of wrapped text and its words in reading order."""
    face = ImageFont.truetype(FONTS[font], round(points * dpi / 72))
    rng = random.Random(seed)
    words = TEXT[:]
    rng.shuffle(words)
    width, height = int(4.3 * dpi), int(2.0 * dpi)
    left = int(0.12 * dpi) + rng.randrange(0, int(0.05 * dpi))
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    y = int(0.1 * dpi)
    step = round(face.size * spacing)
    line: list[str] = []
    placed: list[str] = []
    for word in words:
        if face.getlength(" ".join([*line, word])) > width - 2 * left:
            if y + step > height - int(0.1 * dpi):
                line = []
                break
            draw.text((left, y), " ".join(line), font=face, fill=0)
            placed += line
            y += step
            line = []
        line.append(word)
    if line and y + step <= height - int(0.1 * dpi):
        draw.text((left, y), " ".join(line), font=face, fill=0)
        placed += line
    return img, placed


def line_bands(gray: np.ndarray) -> list[tuple[int, int]]:
    """Rows ``[top, bottom)`` of each text line of a page (dark text): runs of rows holding Otsu ink."""
    import cv2

    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows = ink.any(axis=1).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], rows, [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def cut_study(pages: list[tuple[str, np.ndarray]]) -> None:
    """Read every clean cut of every line (see the module doc) and print the words whose reading varies."""
    from collections import Counter

    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    rec = PPOCRRecognizer(PPOCRRecognizerOptions())
    words = unstable = cuts_read = 0
    for name, gray in pages:
        bands = line_bands(gray)
        for k, (top, bottom) in enumerate(bands):
            above = bands[k - 1][1] if k else 0
            below = bands[k + 1][0] if k + 1 < len(bands) else gray.shape[0]
            cols = np.flatnonzero((gray[top:bottom] < 128).any(axis=0))
            readings: list[list[str]] = []
            for t in range(max(top - 4, above), top + 1):
                for b in range(bottom, min(bottom + 5, below + 1)):
                    for lead in (2, 6):
                        cut = gray[t:b, max(cols[0] - lead, 0): cols[-1] + 3]
                        rgb = np.ascontiguousarray(np.repeat(cut[:, :, None], 3, axis=2))
                        readings.append(rec.read([rgb])[0][0].text.split())
            cuts_read += len(readings)
            common = Counter(len(r) for r in readings).most_common(1)[0][0]
            same = [r for r in readings if len(r) == common]
            words += common
            for i in range(common):
                seen = Counter(r[i] for r in same)
                if len(seen) > 1:
                    unstable += 1
                    print(f"  {name} line {k}: word {i}: {dict(seen)} ({len(same)} cuts of {len(readings)} "
                          "with the usual word count)")
    print(f"cuts read {cuts_read}; words {words}; words whose reading changes with the cut {unstable} "
          f"({unstable / max(words, 1):.4f})")


def matched(truth: list[str], got: list[str]) -> int:
    """Words of ``truth`` found in order in ``got`` (longest matching blocks)."""
    sm = difflib.SequenceMatcher(a=truth, b=got, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--variants", action="store_true", help="also re-read the lines at other max_ratio values")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--more", type=int, default=0, help="this many more pages of random settings")
    ap.add_argument("--margins", default="", help="re-read the lines at these ppocr margins (comma-separated)")
    ap.add_argument("--cut-study", nargs="*", type=Path, help="read clean cuts of each line (see the module doc)")
    args = ap.parse_args()
    if args.cut_study is not None:
        if args.cut_study:
            from PIL import ImageOps

            chosen = [(p.name, np.asarray(ImageOps.grayscale(Image.open(p)))) for p in args.cut_study]
        else:
            chosen = [(f"{f}-{pt}pt-{dpi}dpi-{sp}", np.asarray(make_page(f, pt, dpi, sp, seed)[0]))
                      for seed, (f, pt, dpi, sp) in enumerate(PAGES + random_pages(args.more, 24))]
        cut_study(chosen)
        return

    from ocrplug.model import PageImage
    from ocrplug.pipeline import Pipeline

    pipe = Pipeline(preset=args.preset, renderers=[])
    variants = {f"max_ratio={v}": {"max_ratio": v} for v in (40.0, 25.0, 16.0)} if args.variants else {}
    variants.update({f"margin={v}": {"margin": float(v)} for v in args.margins.split(",") if v})
    recs = {}
    if variants:
        from ocrplug_ppocr.options import PPOCRRecognizerOptions
        from ocrplug_ppocr.recognizer import PPOCRRecognizer

        recs = {k: PPOCRRecognizer(PPOCRRecognizerOptions(**v)) for k, v in variants.items()}
    total = 0
    hits = {"preset": 0, **dict.fromkeys(variants, 0)}
    misses: list[str] = []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed, (font, points, dpi, spacing) in enumerate(PAGES + random_pages(args.more, 24)):
            img, words = make_page(font, points, dpi, spacing, seed)
            path = Path(tmp) / f"p{seed}.png"
            img.save(path, dpi=(dpi, dpi))
            doc = pipe.run(path)
            page = doc.pages[0]
            got = page.text.split()
            n = matched(words, got)
            total += len(words)
            hits["preset"] += n
            sm = difflib.SequenceMatcher(a=words, b=got, autojunk=False)
            for op, a0, a1, b0, b1 in sm.get_opcodes():
                if op != "equal":
                    misses.append(f"{font} {points}pt {dpi}dpi: {' '.join(words[a0:a1])!r} -> {' '.join(got[b0:b1])!r}")
            row = {"font": font, "pt": points, "dpi": dpi, "spacing": spacing, "words": len(words), "preset": n}
            if recs:
                image = np.asarray(img.convert("RGB"))
                pimg = PageImage(image=image, index=0, source=str(path), dpi=dpi)
                lines = [r.with_(text=None, children=()) for r in page.lines]
                for key, rec in recs.items():
                    read = rec.recognize(pimg, lines)
                    k = matched(words, " ".join(r.text or "" for r in read).split())
                    hits[key] += k
                    row[key] = k
            rows.append(row)
            print(row, flush=True)
    for m in misses:
        print("  miss:", m)
    print(f"words {total}: " + ", ".join(f"{k} {v / total:.4f}" for k, v in hits.items()))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "total": total, "hits": hits}, indent=1))


if __name__ == "__main__":
    main()
