"""OCRmyPDF with its own Tesseract engine vs OCRmyPDF with the ocrplug engine (default pipeline), one run.

Usage: python benchmarks/ocrmypdf_engine.py [--shared ../shared] [--funsd-pages 10] [--json out.json]
       python benchmarks/ocrmypdf_engine.py --profile 3 [--profile-pdf PDF] [-- --ocrplug-threads=1 ...]

For each engine, the same `ocrmypdf` command (`--force-ocr --output-type pdf --optimize 0`, default
`--jobs`) runs on:
- the scanned PDFs of ../shared/eval/pdfs (annotation kind "scanned": no ground truth, so time only);
- the first N FUNSD test pages (../shared/eval/funsd), made into one PDF at their native size
  (one PDF point per image pixel, so OCRmyPDF hands each engine the original pixels).
Engines alternate per input so the shared machine's load falls on both alike.

Printed per engine: wall seconds per page and CPU seconds per page (user + system of the ocrmypdf
process tree), and on FUNSD the word recall of `pdftotext` (GT words found, as a multiset, exact
match after NFC) and the page CER of `pdftotext` text against the GT page text in reading order (the
`ocrplug eval` metric: character edits / reference characters over all pages). The same two figures
on each engine's `--sidecar` text show what the PDF text layer loses. Ratios are ocrplug / Tesseract.

`--profile N` instead splits the ocrplug engine's cost on the first N FUNSD pages: one in-process
`ocrmypdf.ocr(..., jobs=1, use_threads=True)` call (so every stage runs in this process and can be
timed), with wall and CPU seconds per page of each stage: model loading, reading the page image the
engine receives (its size and dpi are printed), detection, orientation, recognition, layout, the
element tree, and the rest (OCRmyPDF's own work: rasterizing, grafting, writing). Stages nest: the
recognizer calls made by the orientation step count as orientation. `--ocrplug-NAME=VALUE` items after
`--` (e.g. `-- --ocrplug-threads=1 --ocrplug-set=input.orientation=auto`) are passed as API keywords.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINES = {
    "tesseract": ["--ocr-engine", "tesseract"],
    "ocrplug": ["--plugin", "ocrplug.integrations.ocrmypdf", "--ocr-engine", "ocrplug"],
    # The same pipeline answering with hOCR from ocrplug's `hocr` renderer (FUNSD only): which answer
    # gives OCRmyPDF the better text layer.
    "ocrplug-hocr": ["--plugin", "ocrplug.integrations.ocrmypdf", "--ocr-engine", "ocrplug", "--ocrplug-output", "hocr"],
    # The `accurate` preset (craft int8 + ppocr) instead of the default pipeline (`fast`).
    "ocrplug-accurate": ["--plugin", "ocrplug.integrations.ocrmypdf", "--ocr-engine", "ocrplug", "--ocrplug-preset", "accurate"],
    # The `swift` preset (issue 25: db at a small input size + the tesseract/ppocr cascade).
    "ocrplug-swift": ["--plugin", "ocrplug.integrations.ocrmypdf", "--ocr-engine", "ocrplug", "--ocrplug-preset", "swift"],
}
TIMED_ON_SCANNED = ("tesseract", "ocrplug", "ocrplug-accurate", "ocrplug-swift")
COMMON = ["--force-ocr", "--output-type", "pdf", "--optimize", "0", "-q"]


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ocrmypdf(engine: str, src: Path, out: Path, sidecar: Path) -> tuple[float, float]:
    """Run one ocrmypdf command; returns (wall seconds, CPU seconds). Raises on a non-zero exit."""
    cmd = [str(Path(sys.executable).with_name("ocrmypdf")), *ENGINES[engine], *COMMON, "--sidecar", str(sidecar),
           str(src), str(out)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), str(ROOT / "plugins"), env.get("PYTHONPATH")]))
    cpu0, t0 = _cpu_children(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall, cpu = time.perf_counter() - t0, _cpu_children() - cpu0
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} on {src.name}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    return wall, cpu


def pdftotext_pages(path: Path) -> list[str]:
    """Text of each page of ``path`` as poppler's pdftotext reads it."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def funsd_pdf(funsd: Path, count: int, out: Path) -> list:
    """Write the first ``count`` FUNSD test pages as one PDF (72 dpi: one point per pixel); their GT."""
    import img2pdf

    from ocrplug.evaluation.dataset import load_dataset

    gts = load_dataset(funsd, limit=count)
    layout = img2pdf.get_fixed_dpi_layout_fun((72, 72))
    out.write_bytes(img2pdf.convert([str(gt.image_path) for gt in gts], layout_fun=layout))
    return gts


def word_recall(found: str, gt) -> tuple[int, int]:
    """(GT words found in ``found`` as a multiset, GT words with text)."""
    ref = Counter(unicodedata.normalize("NFC", r.text.strip()) for r in gt.words if r.has_text and r.text)
    hyp = Counter(unicodedata.normalize("NFC", w) for w in found.split())
    return sum((ref & hyp).values()), sum(ref.values())


def score_funsd(pages: list[str], gts: list) -> dict[str, float]:
    """Word recall and page CER of per-page texts against the FUNSD ground truth."""
    from ocrplug.evaluation.metrics import TextScores

    hits = total = 0
    scores = []
    for text, gt in zip(pages, gts, strict=False):
        h, t = word_recall(text, gt)
        hits, total = hits + h, total + t
        scores.append(TextScores.of(text, gt.page_text))
    return {"word_recall": hits / total if total else 0.0, "page_cer": TextScores.total(scores).cer}


class StageTimer:
    """Wall and CPU seconds per named stage; a stage entered inside another counts to the outer one."""

    def __init__(self) -> None:
        """No time recorded yet."""
        self.wall: Counter[str] = Counter()
        self.cpu: Counter[str] = Counter()
        self.depth = 0

    def wrap(self, stage: str, fn):
        """``fn`` timed as ``stage`` (unless called inside another timed stage)."""
        import functools

        @functools.wraps(fn)
        def timed(*a, **k):
            if self.depth:
                return fn(*a, **k)
            self.depth += 1
            w0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **k)
            finally:
                self.wall[stage] += time.perf_counter() - w0
                self.cpu[stage] += time.process_time() - c0
                self.depth -= 1

        return timed


def profile_engine(funsd: Path, pages: int, extra: list[str], pdf: Path | None = None) -> int:
    """Split one in-process OCRmyPDF + ocrplug run on ``pages`` FUNSD pages (or on ``pdf``) into stages."""
    sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
    import ocrmypdf

    import ocrplug.pipeline as pipeline_module
    from ocrplug.integrations.ocrmypdf import engine as engine_module

    timer = StageTimer()
    sizes: list[tuple[int, int, float | None]] = []
    build = pipeline_module.Pipeline._build

    def build_and_time(self) -> None:
        fresh = not self._models_built
        timer.wrap("model loading", build)(self)
        if fresh:
            for stage, component, names in (("detection", self.detector, ("detect", "detect_batch")),
                                            ("recognition", self.recognizer, ("recognize",))):
                for name in names if component is not None else ():
                    setattr(component, name, timer.wrap(stage, getattr(component, name)))

    read_page = engine_module._read_page

    def read_and_note(*a, **k):
        image = read_page(*a, **k)
        sizes.append((image.width, image.height, image.dpi))
        return image

    pipeline_module.Pipeline._build = build_and_time
    pipeline_module.detect_orientation = timer.wrap("orientation", pipeline_module.detect_orientation)
    pipeline_module.layout_regions = timer.wrap("layout", pipeline_module.layout_regions)
    engine_module._read_page = timer.wrap("page image", read_and_note)
    engine_module.page_to_ocr_tree = timer.wrap("element tree", engine_module.page_to_ocr_tree)
    engine_module.tree_text = timer.wrap("element tree", engine_module.tree_text)
    keywords: dict = {}
    for item in extra:  # --ocrplug-set=K=V (repeatable), --ocrplug-threads=1, --ocrplug-output=hocr, ...
        flag, _, value = item.partition("=")
        if flag == "--ocrplug-set":
            keywords.setdefault("ocrplug_overrides", []).append(value)
        elif flag.startswith("--ocrplug-"):
            keywords[flag[2:].replace("-", "_")] = int(value) if value.isdigit() else value
        else:
            raise SystemExit(f"--profile passes only --ocrplug-NAME=VALUE items to OCRmyPDF, got {item!r}")
    with tempfile.TemporaryDirectory(prefix="ocrmypdf-profile-") as tmp:
        work = Path(tmp)
        gts = funsd_pdf(funsd, pages, work / "funsd.pdf") if pdf is None else []
        w0, c0 = time.perf_counter(), time.process_time()
        ocrmypdf.ocr(pdf or work / "funsd.pdf", work / "out.pdf", plugins=["ocrplug.integrations.ocrmypdf"],
                     ocr_engine="ocrplug", force_ocr=True, output_type="pdf", optimize=0, jobs=1, use_threads=True,
                     progress_bar=False, sidecar=work / "out.txt", **keywords)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        recall = score_funsd(pdftotext_pages(work / "out.pdf"), gts)["word_recall"] if gts else None
    n = len(gts) or len(sizes)
    print(f"page images the engine received: {sorted(set(sizes))} (width, height, dpi)")
    print(f"{'stage':28s} {'wall s/page':>12s} {'CPU s/page':>11s}")
    for stage in ("model loading", "page image", "detection", "orientation", "recognition", "layout", "element tree"):
        print(f"{stage:28s} {timer.wall[stage] / n:12.3f} {timer.cpu[stage] / n:11.3f}")
    rest_w, rest_c = wall - sum(timer.wall.values()), cpu - sum(timer.cpu.values())
    print(f"{'OCRmyPDF (the rest)':28s} {rest_w / n:12.3f} {rest_c / n:11.3f}")
    print(f"{'total':28s} {wall / n:12.3f} {cpu / n:11.3f}")
    if recall is not None:
        print(f"pdftotext word recall on these {n} pages: {recall:.3f}")
    return 0


def main() -> int:
    """Run both engines on every input and print the comparison (or ``--profile`` the ocrplug engine)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared")))
    parser.add_argument("--funsd-pages", type=int, default=10)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--profile", type=int, metavar="N", help="split the ocrplug engine's cost on N FUNSD pages")
    parser.add_argument("--profile-pdf", type=Path, metavar="PDF", help="with --profile: this PDF instead of FUNSD")
    parser.add_argument("extra", nargs="*", help="with --profile: --ocrplug-NAME=VALUE items (after --)")
    parser.add_argument("--engines", help=f"comma-separated subset of {', '.join(ENGINES)} (tesseract is always run)")
    args = parser.parse_args()
    if args.engines:
        keep = {"tesseract", *(e.strip() for e in args.engines.split(","))}
        for engine in [e for e in ENGINES if e not in keep]:
            del ENGINES[engine]
    pdfs, funsd = args.shared / "eval" / "pdfs", args.shared / "eval" / "funsd"
    if args.profile:
        if not funsd.is_dir():
            print(f"skipped: {funsd} is absent (pass --shared)")
            return 0
        return profile_engine(funsd, args.profile, args.extra, args.profile_pdf)
    if not pdfs.is_dir() or not funsd.is_dir():
        print(f"skipped: {pdfs} or {funsd} is absent (pass --shared)")
        return 0

    scanned = []
    for ann in sorted((pdfs / "annotations").glob("*.json")):
        data = json.loads(ann.read_text(encoding="utf-8"))
        if data.get("kind") == "scanned":
            scanned.append((pdfs / "files" / data["pdf"], int(data["page_count"])))
    results: dict[str, dict] = {e: {"scanned": {"pages": 0, "wall": 0.0, "cpu": 0.0}} for e in ENGINES}
    with tempfile.TemporaryDirectory(prefix="ocrmypdf-bench-") as tmp:
        work = Path(tmp)
        gts = funsd_pdf(funsd, args.funsd_pages, work / "funsd.pdf")
        for src, pages in scanned:
            for engine in (e for e in TIMED_ON_SCANNED if e in ENGINES):
                wall, cpu = run_ocrmypdf(engine, src, work / f"{engine}-{src.name}", work / f"{engine}-{src.stem}.txt")
                row = results[engine]["scanned"]
                row["pages"] += pages
                row["wall"] += wall
                row["cpu"] += cpu
                print(f"{engine:9s} {src.name:16s} {pages} pages  wall {wall:6.1f} s  cpu {cpu:6.1f} s", flush=True)
        for engine in ENGINES:
            out, side = work / f"{engine}-funsd.pdf", work / f"{engine}-funsd.txt"
            wall, cpu = run_ocrmypdf(engine, work / "funsd.pdf", out, side)
            layer = score_funsd(pdftotext_pages(out), gts)
            sidecar = score_funsd(side.read_text(encoding="utf-8").split("\f"), gts)
            results[engine]["funsd"] = {"pages": len(gts), "wall": wall, "cpu": cpu, "pdftotext": layer,
                                        "sidecar": sidecar}
            print(f"{engine:9s} funsd.pdf        {len(gts)} pages  wall {wall:6.1f} s  cpu {cpu:6.1f} s", flush=True)

    print()
    print("| engine | scanned PDFs: wall / CPU s per page | FUNSD: wall / CPU s per page | FUNSD word recall "
          "(pdftotext / sidecar) | FUNSD page CER (pdftotext / sidecar) |")
    print("|---|---|---|---|---|")
    for engine, res in results.items():
        s, f = res["scanned"], res["funsd"]
        timed = f"{s['wall'] / s['pages']:.2f} / {s['cpu'] / s['pages']:.2f}" if s["pages"] else "-"
        print(f"| {engine} | {timed} "
              f"| {f['wall'] / f['pages']:.2f} / {f['cpu'] / f['pages']:.2f} "
              f"| {f['pdftotext']['word_recall']:.3f} / {f['sidecar']['word_recall']:.3f} "
              f"| {f['pdftotext']['page_cer']:.3f} / {f['sidecar']['page_cer']:.3f} |")
    t = results["tesseract"]
    for name in (e for e in ("ocrplug", "ocrplug-accurate", "ocrplug-swift") if e in ENGINES):
        o = results[name]
        for part in ("scanned", "funsd"):
            ratio = (o[part]["wall"] / o[part]["pages"]) / (t[part]["wall"] / t[part]["pages"])
            cpu_ratio = (o[part]["cpu"] / o[part]["pages"]) / (t[part]["cpu"] / t[part]["pages"])
            print(f"{part}: {name} / Tesseract seconds per page: wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x (goal <= 2x)")
        recall_gain = o["funsd"]["pdftotext"]["word_recall"] - t["funsd"]["pdftotext"]["word_recall"]
        print(f"funsd: word recall {name} - Tesseract = {recall_gain:+.3f} (goal > 0)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
