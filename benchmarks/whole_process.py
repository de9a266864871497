"""Whole-process CPU, wall and peak memory per page, and text accuracy, of OCR commands side by side.

Usage: python benchmarks/whole_process.py [--shared ../shared] [--pages 5] [--repeat 3]
       [--commands default,swift,rapidocr,tesseract] [--set funsd | --pdfs]

Each command is one whole process over the same pages (start-up, model loading and every page):

* ``default``: ``ocrplug run`` with the default pipeline and the ``text`` renderer;
* ``swift`` (and any other preset name): ``ocrplug run --preset NAME``, ``text`` renderer; a name may
  carry ``--set`` overrides after colons, e.g. ``swift:recognizer.options.threshold=0.8`` (the command's
  label is the whole string);
* ``rapidocr``: ``RapidOCR()`` of the installed rapidocr wheel (the same PP-OCR models), every page in
  one process, texts written one file per page;
* ``tesseract``: ``tesseract PAGE -`` per page (one thread: ``OMP_THREAD_LIMIT=1`` for that program only),
  in one ``sh`` loop;
* ``startup``: ``ocrplug run`` (default pipeline) on one small image (a 600 x 120 crop of the first
  page): start-up and model loading.

The commands run in turn (A B C A B C ...) ``--repeat`` times; each figure is the median. CPU = user +
system seconds of the process and its children (``os.wait4``), peak RSS the largest single process's.
Accuracy from each command's text, per page against the set's reference page text: page CER (the
``ocrplug eval`` definition: ``ocrplug.evaluation.metrics.TextScores``), and bag-of-words recall,
precision and their H-mean (words as whitespace-separated tokens, multiset intersection): one measure
for every engine, whatever boxes it reports. ``--set`` names the annotated set under ``../shared/eval``
(default ``funsd``, the test split; choose settings on ``funsd_train`` only). ``--pdfs``: the scanned PDFs of ``../shared/eval/pdfs``
(``files/*.pdf`` that hold no text layer), timed only (no reference text).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

VENV_BIN = Path(sys.executable).parent

RAPIDOCR = """
import sys
from pathlib import Path
from rapidocr import RapidOCR
engine = RapidOCR()
out = Path(sys.argv[1])
for name in sys.argv[2:]:
    result = engine(name)
    text = "\\n".join(result.txts or ())
    (out / (Path(name).stem + ".txt")).write_text(text, encoding="utf-8")
"""


def command(name: str, pages: list[Path], out: Path) -> tuple[list[str], dict[str, str]]:
    """The argv and extra environment of command ``name`` writing page texts under ``out``."""
    ocrplug = str(VENV_BIN / "ocrplug")
    text_only = ["--set", "renderers=[{name: text}]", "--no-progress", "--no-resume", "-o", str(out)]
    if name == "default" or name == "startup":
        return [ocrplug, "run", *text_only, *map(str, pages)], {}
    if name == "rapidocr":
        return [sys.executable, "-c", RAPIDOCR, str(out), *map(str, pages)], {}
    if name == "tesseract" and pages and pages[0].suffix.lower() == ".pdf":  # pdftoppm at 300 dpi, as the others
        loop = ('out=$1; shift; for f in "$@"; do b=$(basename "$f"); rm -f "$out"/p-*.png; '
                'pdftoppm -r 300 -png "$f" "$out/p"; for p in "$out"/p-*.png; do tesseract "$p" - 2>/dev/null; '
                'done > "$out/${b%.*}.txt"; done')
        return ["sh", "-c", loop, "sh", str(out), *map(str, pages)], {"OMP_THREAD_LIMIT": "1"}
    if name == "tesseract":
        loop = 'out=$1; shift; for f in "$@"; do b=$(basename "$f"); tesseract "$f" - > "$out/${b%.*}.txt" 2>/dev/null; done'
        return ["sh", "-c", loop, "sh", str(out), *map(str, pages)], {"OMP_THREAD_LIMIT": "1"}
    preset, *overrides = name.split(":")
    sets = [arg for item in overrides for arg in ("--set", item)]
    return [ocrplug, "run", "--preset", preset, *text_only, *sets, *map(str, pages)], {}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(CPU s, wall s, peak RSS MiB) of one whole process (and its children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        print(f"warning: {argv[:3]} exited with {proc.returncode}", file=sys.stderr)
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def words(text: str) -> Counter[str]:
    return Counter(text.split())


def accuracy(out: Path, gts: list) -> dict[str, float]:
    """Page CER and bag-of-words recall / precision / H-mean of the texts under ``out``."""
    from ocrplug.evaluation.dataset import normalize_text
    from ocrplug.evaluation.metrics import TextScores

    scores, hit, ref_n, hyp_n = [], 0, 0, 0
    for gt in gts:
        path = out / (Path(gt.image_path).stem + ".txt")
        hyp = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        ref = gt.page_text
        scores.append(TextScores.of(hyp, ref))
        h, r = words(normalize_text(hyp)), words(normalize_text(ref))
        hit += sum((h & r).values())
        ref_n += sum(r.values())
        hyp_n += sum(h.values())
    recall, precision = hit / max(1, ref_n), hit / max(1, hyp_n)
    hmean = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    return {"cer": TextScores.total(scores).cer, "recall": recall, "precision": precision, "hmean": hmean}


def small_image(page: Path, folder: Path) -> Path:
    import cv2

    img = cv2.imread(str(page))
    path = folder / "small.png"
    cv2.imwrite(str(path), img[100:220, 60:660])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", "../shared")))
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--commands", default="default,swift,rapidocr,tesseract")
    parser.add_argument("--pdfs", action="store_true", help="the scanned PDFs of eval/pdfs instead of FUNSD")
    parser.add_argument("--set", dest="eval_set", default="funsd", help="annotated set under eval/ (funsd, funsd_train)")
    args = parser.parse_args()
    names = [n.strip() for n in args.commands.split(",") if n.strip()]
    from ocrplug.evaluation.dataset import load_dataset

    gts: list = []
    if args.pdfs:
        import pikepdf

        pages = []
        n_pages = 0
        for pdf in sorted((args.shared / "eval" / "pdfs" / "files").glob("*.pdf")):
            layer = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
            if layer.returncode == 0 and not layer.stdout.strip():  # readable, no text layer: a scan
                pages.append(pdf)
                with pikepdf.open(pdf) as doc:
                    n_pages += len(doc.pages)
        count = f"pages of {len(pages)} scanned PDFs ({', '.join(p.name for p in pages)})"
    else:
        gts = load_dataset(args.shared / "eval" / args.eval_set, limit=args.pages)
        pages = [Path(gt.image_path) for gt in gts]
        n_pages = len(pages)
        count = f"{args.eval_set} pages"
    if not pages:
        raise SystemExit(f"no inputs under {args.shared / 'eval'}")
    figures: dict[str, list[tuple[float, float, float]]] = {n: [] for n in names}
    with tempfile.TemporaryDirectory(prefix="whole-process-") as tmp:
        small = small_image(Path(load_dataset(args.shared / "eval" / "funsd", limit=1)[0].image_path), Path(tmp))
        outs = {n: Path(tmp) / n for n in names}
        for _ in range(args.repeat):
            for n in names:
                outs[n].mkdir(parents=True, exist_ok=True)
                argv, env = command(n, [small] if n == "startup" else pages, outs[n])
                figures[n].append(run_once(argv, env))
                cpu, wall, rss = figures[n][-1]
                print(f"run {n}: CPU {cpu:.2f} s, wall {wall:.2f} s, peak RSS {rss:.0f} MiB", file=sys.stderr, flush=True)
        per = {n: 1 if n == "startup" else n_pages for n in names}
        print(f"{n_pages} {count}, {args.repeat} run(s) each, interleaved; medians; cpus {os.cpu_count()}")
        print("| command | CPU s / page | wall s / page | peak RSS MiB | page CER | word recall | word H-mean |")
        print("|---|---|---|---|---|---|---|")
        for n in names:
            cpu, wall, rss = (statistics.median(f[k] for f in figures[n]) for k in range(3))
            acc = accuracy(outs[n], gts) if gts and n != "startup" else None
            tail = f"{acc['cer']:.3f} | {acc['recall']:.3f} | {acc['hmean']:.3f}" if acc else "- | - | -"
            print(f"| {n} | {cpu / per[n]:.2f} | {wall / per[n]:.2f} | {rss:.0f} | {tail} |")


if __name__ == "__main__":
    main()
