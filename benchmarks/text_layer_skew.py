"""Whole words in the text layer of a skewed scan: ocrplug's PDF, OCRmyPDF + ocrplug, OCRmyPDF + Tesseract.

Usage: python benchmarks/text_layer_skew.py [--pdf ../shared/eval/pdfs/files/skew.pdf]

Each tool's searchable PDF is read back with poppler's ``pdftotext`` (default mode, as a reader's copy
does) and compared with the text the same tool recognized (ocrplug's text output; OCRmyPDF's
``--sidecar``): the figure is the share of that text's words of 4 or more letters (as a multiset,
case kept, punctuation stripped) that ``pdftotext`` gives back. A word cut in two ("composit" /
"ion") or two lines interleaved lose their words. All three run in this one call (issue 24, item 4).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[^\W\d_]{4,}")


def words(text: str) -> Counter[str]:
    """Words of 4 or more letters (a multiset)."""
    return Counter(WORD.findall(text))


def kept(reference: str, layer: str) -> tuple[float, int]:
    """Share of ``reference``'s long words that ``layer`` holds, and how many there are."""
    ref, got = words(reference), words(layer)
    total = sum(ref.values())
    return (sum((ref & got).values()) / total if total else 0.0), total


def pdftotext(pdf: Path) -> str:
    """``pdftotext`` of ``pdf`` (default layout mode)."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def main() -> None:
    """Run the three tools on one skewed PDF and print each one's share."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared"))
    parser.add_argument("--pdf", type=Path, default=shared / "eval" / "pdfs" / "files" / "skew.pdf")
    args = parser.parse_args()
    if not args.pdf.is_file():
        sys.exit(f"{args.pdf} not found (set OCRPLUG_SHARED or pass --pdf)")
    bindir = Path(sys.executable).parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), str(ROOT / "plugins"), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run([str(bindir / "ocrplug"), "run", str(args.pdf), "-o", str(work / "own"), "--no-progress",
                        "--set", "renderers=[{name: text}, {name: pdf}]"], check=True, env=env, capture_output=True)
        stem = args.pdf.stem
        rows = [("ocrplug pdf renderer", (work / "own" / f"{stem}.txt").read_text(), pdftotext(work / "own" / f"{stem}.pdf"))]
        common = ["--force-ocr", "--output-type", "pdf", "--optimize", "0", "-q"]
        # Tesseract's own page timeout (180 s) skips the page on a busy machine; one OpenMP thread for
        # the tesseract program only (several threads per page slow a shared machine down).
        tess_env = {**env, "OMP_THREAD_LIMIT": "1"}
        for name, engine, run_env in (
            ("OCRmyPDF + ocrplug", ["--plugin", "ocrplug.integrations.ocrmypdf", "--ocr-engine", "ocrplug"], env),
            ("OCRmyPDF + Tesseract", ["--tesseract-timeout", "3000"], tess_env),
        ):
            out, side = work / f"{len(rows)}.pdf", work / f"{len(rows)}.txt"
            subprocess.run([str(bindir / "ocrmypdf"), *engine, *common, "--sidecar", str(side), str(args.pdf), str(out)],
                           check=True, env=run_env, capture_output=True)
            rows.append((name, side.read_text(), pdftotext(out)))
    print(f"{args.pdf.name}: share of the recognized text's words (4+ letters) that pdftotext gives")
    for name, reference, layer in rows:
        share, total = kept(reference, layer)
        print(f"  {name:22s} {share:.3f}  ({total} words)")


if __name__ == "__main__":
    main()
