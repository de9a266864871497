"""Scans wrapped in PDFs: read at ``input.dpi: 300`` (every page up- or down-sampled to 300 dpi, the
presets before issue 24's T12 finding) against ``input.dpi: auto`` (a scanned page at its image's own
resolution when lower than 300) and, for generated pages, at the scan's own resolution whatever it is
(``input.dpi`` set to it, as OCRmyPDF does): dpi used, CPU seconds per page (this process, all threads, and
poppler: steadier than wall time on a shared machine) and page CER, ``fast`` preset.

Generated pages: 9 lines of text (Liberation Serif 10 pt, DejaVu Sans 9 pt) drawn at 100/150/200/300/400
dpi, slightly blurred like a scan, saved as an image-only PDF at that resolution (Pillow); truth known.
Real PDFs: the pages of /work/shared/eval/pdfs/files (no ground truth: dpi, seconds and the words read
are printed; multipage.pdf's page 2, a synthetic 9000 x 9000 px page read at 300 dpi either way, is left
out for time). Usage:

    PYTHONPATH=.:plugins python benchmarks/pdf_scan_dpi.py [--shared /work/shared] [--dpis 100,150,200,300,400]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from PIL import ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_pages import canvas, font

from ocrplug import Pipeline
from ocrplug.evaluation.metrics import char_error_rate

LINES = [
    "Invoice 40213 dated 14 March 2024, due within 30 days.",
    "Please remit the amount of $1,284.50 to account 0087-552.",
    "The quick brown fox jumps over the lazy dog near the river.",
    "Shipping: 3 boxes, 12.5 kg, tracking number ZX-99817-B.",
    "Questions about this order? Call (555) 019-2837 today.",
    "Our office is open Monday to Friday, 9:00 to 17:30.",
    "Returned goods must be unused and in original packing.",
    "Reference: PO 7781 / cost centre 42 / project Alder.",
    "Thank you for your business and your prompt payment.",
]
FONTS = [("libserif", 10.0), ("dejavu", 9.0)]


def make_page(folder: Path, dpi: int, face: str, pt: float) -> tuple[Path, str]:
    """An image-only PDF of ``LINES`` in ``face`` at ``pt`` points drawn at ``dpi``; its path and truth."""
    img, draw = canvas(dpi, 6.0, 3.2)
    f = font(face, pt, dpi)
    y = round(0.3 * dpi)
    for line in LINES:
        draw.text((round(0.3 * dpi), y), line, fill=0, font=f)
        y += round(pt * 1.5 * dpi / 72)
    img = img.filter(ImageFilter.GaussianBlur(0.35 * dpi / 200))  # a scanner's optics, same in inches
    path = folder / f"{face}_{dpi}.pdf"
    img.save(path, resolution=dpi)
    return path, "\n".join(LINES)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (poppler's pdftoppm)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def read(pipe: Pipeline, path: Path) -> tuple[list[float], list[str], float]:
    """dpi of each page, its text, and the CPU seconds per page of reading ``path`` (this process and
    its finished children: poppler's rendering included)."""
    start = _cpu()
    doc = pipe.run(path)
    seconds = (_cpu() - start) / max(1, len(doc.pages))
    return [p.dpi for p in doc.pages], [p.text for p in doc.pages], seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default="/work/shared")
    ap.add_argument("--dpis", default="100,150,200,300,400", help="generated pages; empty: none")
    ap.add_argument("--pdfs", default="multipage.pdf:1;3-6,skew.pdf,cardinal.pdf:1,tagged.pdf",
                    help="PDFs of <shared>/eval/pdfs/files, each NAME[:PAGES] (';' for ',' in PAGES)")
    args = ap.parse_args()
    before = Pipeline.from_dict({"input": {"dpi": 300}}, preset="fast")
    after = Pipeline.from_dict({"input": {"dpi": "auto"}}, preset="fast")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm, _ = make_page(folder, 200, "dejavu", 9.0)
        read(before, warm), read(after, warm)  # models loaded, caches warm
        print("| page | dpi 300 / auto / own | CPU s/page 300 / auto / own | CER 300 / auto / own |")
        print("|---|---|---|---|")
        totals = {"b": 0.0, "a": 0.0}
        for dpi in (int(d) for d in args.dpis.split(",") if d):
            for face, pt in FONTS:
                path, truth = make_page(folder, dpi, face, pt)
                own = Pipeline.from_dict({"input": {"dpi": dpi}}, preset="fast")
                (d0,), (t0,), s0 = read(before, path)
                (d1,), (t1,), s1 = read(after, path)
                (d2,), (t2,), s2 = read(own, path)
                c0, c1, c2 = (char_error_rate(t, truth) for t in (t0, t1, t2))
                totals["b"] += c0
                totals["a"] += c1
                print(f"| {face} {pt:g} pt drawn at {dpi} dpi | {d0:g} / {d1:g} / {d2:g} | {s0:.2f} / {s1:.2f} / {s2:.2f} "
                      f"| {c0:.4f} / {c1:.4f} / {c2:.4f} |")
        n = len([d for d in args.dpis.split(",") if d]) * len(FONTS)
        if n:
            print(f"| mean of {n} pages, 300 / auto | | | {totals['b'] / n:.4f} / {totals['a'] / n:.4f} |")
    files = Path(args.shared) / "eval" / "pdfs" / "files"
    print("\n| PDF (pages) | dpi 300 -> auto (per page) | CPU s/page 300 -> auto | words read 300 -> auto |")
    print("|---|---|---|---|")
    for item in (i for i in args.pdfs.split(",") if i):
        name, _, pages = item.partition(":")
        path = files / name
        if not path.exists():
            continue
        chosen = {"pages": pages.replace(";", ",")} if pages else {}
        before = Pipeline.from_dict({"input": {"dpi": 300, **chosen}}, preset="fast")
        after = Pipeline.from_dict({"input": {"dpi": "auto", **chosen}}, preset="fast")
        d0, t0, s0 = read(before, path)
        d1, t1, s1 = read(after, path)
        words0 = [len(t.split()) for t in t0]
        words1 = [len(t.split()) for t in t1]
        print(f"| {item} | {' '.join(f'{d:g}' for d in d0)} -> {' '.join(f'{d:g}' for d in d1)} | "
              f"{s0:.2f} -> {s1:.2f} | {words0} -> {words1} |")


if __name__ == "__main__":
    main()
