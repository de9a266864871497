"""Checkboxes read as what they are (issue 24, c9): FUNSD's checkbox words, generated forms, letters.

usage: python benchmarks/checkboxes.py [--shared /work/shared] [--presets fast,swift,accurate]
    [--empty write,drop] [--limit N] [--cache DIR] [--parts funsd,forms,letters]

* ``funsd``: the ``funsd_train`` pages (validation split only) whose ground truth has checkbox words,
  ``\u2610`` (88 words on 27 pages) or ``\u2611`` (35), or the first ``--limit`` pages of the set among them.
  Each preset runs with ``layout.empty_checkboxes`` set to each value of ``--empty`` (``asis``: not set, for
  a tree without the option, run with that tree on ``PYTHONPATH``; pages cached under
  ``--cache``, as ``benchmarks/accuracy_table.py`` caches them). Per run: the detection H-mean, e2e F1 and
  order-free CER of those pages (``ocrplug.evaluation.score_page``, as the accuracy table scores them),
  and per checkbox kind how many ground-truth checkbox words an output word stands on (its centre in
  the word's box grown by half its height, the output word at most twice as wide) and how many of those
  read right, what the others read, and the output checkbox words standing on no checkbox word (false).
* ``forms``: ``benchmarks/swift_lone.py``'s checkbox pages (``Label: [ ] Yes [x] No``, 12-16 px squares,
  five empty and five ticked a page): per page the boxes written right in their place (the output row
  text equals the expected ``Married: \u2610 Yes \u2611 No``; ``O o 0`` read alike).
* ``letters``: rows of the letters ``O o D 0 Q C G U B H N p q 8 #`` alone and in words in six faces at
  10-12 pt, 150 and 200 dpi: every checkbox written there is false.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy_table import _slug, run_cached, score, summarize

EMPTY, TICKED = "\u2610", "\u2611"
LETTERS = "O o D 0 Q C G U B H N p q 8 #".split()
FACES = ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSerif.ttf", "liberation/LiberationSans-Regular.ttf",
         "liberation/LiberationSerif-Regular.ttf", "liberation/LiberationMono-Regular.ttf", "freefont/FreeSerif.ttf")


def checkbox_counts(gt: object, page: object) -> dict[str, object]:
    """Ground-truth checkbox words found / read right per kind, what else was read there, and false ones."""
    words = [(w.text or "", w.bbox) for w in page.words] if page is not None else []
    out: dict[str, object] = {"found": {EMPTY: 0, TICKED: 0}, "right": {EMPTY: 0, TICKED: 0}, "total": {EMPTY: 0, TICKED: 0},
                              "other": [], "false": []}
    places = []
    for g in gt.regions("word"):
        if g.text not in (EMPTY, TICKED):
            continue
        q = np.asarray(g.quad, dtype=float)
        x0, y0 = q.min(axis=0)
        x1, y1 = q.max(axis=0)
        grow = 0.5 * (y1 - y0)
        places.append((x0 - grow, y0 - grow, x1 + grow, y1 + grow))
        out["total"][g.text] += 1
        on = [t for t, (a, b, c, d) in words
              if x0 - grow <= (a + c) / 2 <= x1 + grow and y0 - grow <= (b + d) / 2 <= y1 + grow and c - a <= 2 * (x1 - x0 + 2 * grow)]
        if on:
            out["found"][g.text] += 1
            if g.text in on:
                out["right"][g.text] += 1
            else:
                out["other"].append(f"{g.text}:{'|'.join(on)}")
    for t, (a, b, c, d) in words:
        if t in (EMPTY, TICKED) and not any(p[0] <= (a + c) / 2 <= p[2] and p[1] <= (b + d) / 2 <= p[3] for p in places):
            out["false"].append(f"{t}@{round(a)},{round(b)}")
    return out


def funsd(args: argparse.Namespace) -> None:
    from ocrplug.evaluation import load_dataset

    root = args.shared / "eval" / "funsd_train"
    gts = load_dataset(root, limit=args.limit)
    gts = [g for g in gts if any(r.text in (EMPTY, TICKED) for r in g.regions("word"))]
    print(f"funsd_train: {len(gts)} pages with checkbox words (of the first {args.limit or 'all'})", flush=True)
    for preset in args.presets.split(","):
        for empty in args.empty.split(","):
            # "asis": the preset as it is (a tree without the option: main before issue 24 c9).
            spec = preset if empty == "asis" else f"{preset}@layout.empty_checkboxes={empty}"
            runs = run_cached(spec, gts, args.cache / _slug(spec) / "funsd_train")
            s = summarize(score(root, gts, runs))
            tot = {"found": {EMPTY: 0, TICKED: 0}, "right": {EMPTY: 0, TICKED: 0}, "total": {EMPTY: 0, TICKED: 0}}
            other: list[str] = []
            false: list[str] = []
            for gt, (page, _, _) in zip(gts, runs, strict=True):
                c = checkbox_counts(gt, page)
                for k in tot:
                    for kind in (EMPTY, TICKED):
                        tot[k][kind] += c[k][kind]
                other += [f"{gt.name}:{o}" for o in c["other"]]
                false += [f"{gt.name}:{f}" for f in c["false"]]
            print(f"{spec:40s} H-mean {s['hmean']:.4f} e2e F1 {s['e2e_f1']:.4f} order-free CER {s['bag_cer']:.4f} "
                  f"page CER {s['page_cer']:.4f}")
            for kind in (EMPTY, TICKED):
                print(f"    {kind}: {tot['total'][kind]} in GT, output word on {tot['found'][kind]}, right {tot['right'][kind]}")
            print(f"    read otherwise ({len(other)}): {' '.join(other)}")
            print(f"    false checkboxes ({len(false)}): {' '.join(false)}", flush=True)


def letter_pages() -> list[tuple[str, np.ndarray]]:
    """Rows ``Grade: O  code O2O  ...`` of every letter alone and in a word, six faces, 10-12 pt."""
    pages = []
    fonts = Path("/usr/share/fonts/truetype")
    for face in FACES:
        for pt, dpi in ((10, 150), (12, 200)):
            px = round(pt * dpi / 72)
            font = ImageFont.truetype(str(fonts / face), px)
            img = Image.new("L", (round(8.5 * dpi), round(0.5 * dpi + 2.2 * px * (len(LETTERS) // 3 + 2))), 255)
            d = ImageDraw.Draw(img)
            y = round(0.4 * dpi)
            for k in range(0, len(LETTERS), 3):
                x = round(0.6 * dpi)
                for c in LETTERS[k:k + 3]:
                    d.text((x, y), f"Grade: {c}", font=font, fill=0)
                    d.text((x + round(1.3 * dpi), y), f"{c}{c}1 {c}", font=font, fill=0)
                    x += round(2.5 * dpi)
                y += round(2.2 * px)
            pages.append((f"letters_{Path(face).stem.lower()}_{pt}pt_{dpi}dpi", np.asarray(img.convert("RGB"))))
    return pages


def forms(args: argparse.Namespace) -> None:
    import swift_lone

    from ocrplug.pipeline import Pipeline

    pages = swift_lone.checkbox_pages()
    for preset in args.presets.split(","):
        for empty in args.empty.split(","):
            option = [] if empty == "asis" else [f"layout.empty_checkboxes={empty}"]  # asis: against write's rows
            pipe = Pipeline.from_preset(preset, ["renderers=[]", *option])
            right = total = 0
            for page in pages:
                result = pipe.run(page.image).pages[0]
                marks = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, TICKED if t else EMPTY) for b, t in page.checkboxes]
                items = [((w.box[0] + w.box[2]) / 2, (w.box[1] + w.box[3]) / 2, w.text) for w in page.words]
                items += [m for m in marks if m[2] == TICKED or empty != "drop"]
                rows: list[list[tuple[float, float, str]]] = []  # items within 20 px of a row's first, by y
                for x, y, t in sorted(items, key=lambda i: i[1]):
                    if rows and abs(y - rows[-1][0][1]) < 20:
                        rows[-1].append((x, y, t))
                    else:
                        rows.append([(x, y, t)])
                got = [ln.text or "" for ln in _row_lines(result)]
                for row in rows:
                    want = " ".join(t for _, _, t in sorted(row))
                    total += 1
                    ok = any(_same(want, g) for g in got)
                    right += ok
                    if not ok:
                        print(f"    {preset} {empty} {page.name}: want {want!r}, rows read {[g for g in got if want.split()[0] in g]}")
            print(f"forms {preset:8s} empty={empty:5s}: {right}/{total} rows read with their checkboxes in place", flush=True)


def _row_lines(page: object) -> list[object]:
    """The page's text rows as lines (``ocrplug.layout.text_rows``: a row's lines joined by spaces)."""
    from ocrplug.layout import text_rows
    from ocrplug.model import Region

    out = []
    for para in text_rows(page.regions):
        for row in para:
            out.append(Region.from_box(0, 0, 1, 1, level="line", text=" ".join(ln.text or "" for ln in row)))
    return out


def _same(want: str, got: str) -> bool:
    """Row texts alike, ``O``/``o``/``0`` (one shape at these sizes) taken as one letter."""
    def norm(s: str) -> str:
        return s.replace("o", "0").replace("O", "0")
    return norm(want) == norm(got)


def letters(args: argparse.Namespace) -> None:
    from ocrplug.pipeline import Pipeline

    pages = letter_pages()
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset, ["renderers=[]", "layout.empty_checkboxes=write"])
        false = []
        for name, image in pages:
            text = pipe.run(image).pages[0].text
            false += [f"{name}:{c}" for c in text if c in (EMPTY, TICKED)]
        print(f"letters {preset:8s}: {len(pages)} pages, {len(LETTERS) * 3} letters a page, "
              f"false checkboxes {len(false)} {' '.join(false)}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("/work/shared"))
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--empty", default="write,drop")
    ap.add_argument("--limit", type=int, default=None, help="the first N pages of funsd_train (default all 149)")
    ap.add_argument("--cache", type=Path, default=Path(".bench-logs/checkboxes"))
    ap.add_argument("--parts", default="funsd,forms,letters")
    args = ap.parse_args()
    parts = {"funsd": funsd, "forms": forms, "letters": letters}
    for part in args.parts.split(","):
        parts[part](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
