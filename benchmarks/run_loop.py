"""Run loop figures (issue 12): resume after SIGKILL, flat memory, pages/s with --jobs 1 / 2.

Usage:
    python benchmarks/run_loop.py resume [--pages 20] [--kill-at 10]
    python benchmarks/run_loop.py memory [--pages 500]
    python benchmarks/run_loop.py jobs   [--pages 40]

All three use the default pipeline (DB + PP-OCR, ONNX) on a generated PDF whose pages are small and
light on purpose (one short printed line on a 600 x 120 pt page, rasterized at 72 dpi), so the runs
finish in minutes on a shared 2-core machine; the figures are about the run loop, not OCR speed.

- ``resume``: ``ocrplug run`` uninterrupted (reference), then the same job SIGKILLed once ``--kill-at``
  pages are journaled, then rerun. Prints pages OCR'd again by the rerun (goal: only the unfinished
  ones) and killed+rerun time over the uninterrupted time.
- ``memory``: one in-process run with the text, json, hocr and pdf renderers; RSS (``/proc/self/statm``)
  after page 50 and after the last page (goal: within 50 MB).
- ``jobs``: wall time of ``ocrplug run`` with ``--jobs 1`` and ``--jobs 2`` (worker start-up included).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["Invoice", "Total", "Payment", "Account", "Delivery", "Order", "Receipt", "Balance"]


def make_pdf(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` pages, each one short printed line (600 x 120 pt)."""
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 28)
    except OSError:
        font = ImageFont.load_default()
    images = []
    for i in range(pages):
        img = Image.new("L", (600, 120), 255)
        ImageDraw.Draw(img).text((30, 40), f"{WORDS[i % len(WORDS)]} {1000 + i} page {i + 1}", fill=0, font=font)
        images.append(img)
    images[0].save(path, save_all=True, append_images=images[1:], resolution=72)
    return path


def _cli(args: list[str]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "plugins"), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "ocrplug.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _journaled(out: Path) -> int:
    return sum(max(0, len(f.read_text().splitlines()) - 1) for f in (out / ".ocrplug" / "pages").glob("*.jsonl"))


def _run(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = _cli(args)
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"ocrplug run failed ({proc.returncode}): {err}")
    return time.perf_counter() - start, err


def bench_resume(tmp: Path, pages: int, kill_at: int) -> None:
    """Uninterrupted vs SIGKILL at ``kill_at`` pages then rerun."""
    pdf = make_pdf(tmp / "job.pdf", pages)
    base = ["run", str(pdf), "--set", "input.dpi=72", "--no-progress"]
    reference, _ = _run([*base, "-o", str(tmp / "ref")])
    out = tmp / "killed"
    start = time.perf_counter()
    proc = _cli([*base, "-o", str(out)])
    while _journaled(out) < kill_at if (out / ".ocrplug" / "pages").exists() else True:
        if proc.poll() is not None:
            raise SystemExit("the run finished before it could be killed; use more --pages")
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_after = time.perf_counter() - start
    done_at_kill = _journaled(out)
    rerun, err = _run([*base, "-o", str(out)])
    resumed = next((int(line.split()[0]) for line in err.splitlines() if "taken from an interrupted" in line), 0)
    same = (out / "job.txt").read_text() == (tmp / "ref" / "job.txt").read_text()
    print(f"pages: {pages}; killed (SIGKILL) after {done_at_kill} pages were journaled")
    print(f"rerun: {resumed} pages taken from the journal, {pages - resumed} OCR'd again (goal: {pages - done_at_kill})")
    print(f"uninterrupted run: {reference:.1f} s; killed run {killed_after:.1f} s + rerun {rerun:.1f} s = "
          f"{killed_after + rerun:.1f} s ({(killed_after + rerun) / reference:.2f}x the uninterrupted run)")
    print(f"rerun output identical to the uninterrupted run's: {same}")


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def bench_memory(tmp: Path, pages: int) -> None:
    """RSS after page 50 and after the last page, text+json+hocr+pdf renderers, in this process."""
    from ocrplug.config import DEFAULT_CONFIG
    from ocrplug.pipeline import Pipeline

    pdf = make_pdf(tmp / "long.pdf", pages)
    config = json.loads(json.dumps(DEFAULT_CONFIG))
    config["input"]["dpi"] = 72
    config["renderers"] = [{"name": n} for n in ("text", "json", "hocr", "pdf")]
    pipeline = Pipeline.from_dict(config)
    marks: dict[int, float] = {}
    start = time.perf_counter()

    def progress(source: str, done: int, total: int | None) -> None:
        marks[done] = _rss_mb()

    report = pipeline.run_many([pdf], out_dir=tmp / "out", progress=progress, keep_pages=False)
    seconds = time.perf_counter() - start
    assert report.ok, report.failures[:3]
    text = (tmp / "out" / "long.txt").read_text()
    print(f"pages: {pages} in {seconds:.0f} s ({pages / seconds:.2f} pages/s); renderers text, json, hocr, pdf")
    print(f"RSS after page 1: {marks[1]:.1f} MB; after page 50: {marks[50]:.1f} MB; after page {pages}: "
          f"{marks[pages]:.1f} MB; growth 50->{pages}: {marks[pages] - marks[50]:+.1f} MB (goal: within 50 MB)")
    # RSS swings by hundreds of MB from page to page (ONNX Runtime's buffers come and go), so one sample
    # is noise; the medians and maxima of 20-page windows show the trend.
    early = sorted(marks[p] for p in range(41, 61))
    late = sorted(marks[p] for p in range(pages - 19, pages + 1))
    print(f"RSS pages 41-60: median {statistics.median(early):.1f} MB, max {early[-1]:.1f} MB; pages "
          f"{pages - 19}-{pages}: median {statistics.median(late):.1f} MB, max {late[-1]:.1f} MB; "
          f"median growth {statistics.median(late) - statistics.median(early):+.1f} MB")
    print(f"RSS max over the run: {max(marks.values()):.1f} MB (page {max(marks, key=marks.__getitem__)})")
    print(f"pages with text in long.txt: {sum(1 for p in text.split(chr(12)) if p.strip())}/{pages}")


def bench_jobs(tmp: Path, pages: int) -> None:
    """Wall time with --jobs 1 and --jobs 2 on the same PDF."""
    pdf = make_pdf(tmp / "jobs.pdf", pages)
    base = ["run", str(pdf), "--set", "input.dpi=72", "--no-progress"]
    one, _ = _run([*base, "-o", str(tmp / "j1"), "--jobs", "1"])
    two, _ = _run([*base, "-o", str(tmp / "j2"), "--jobs", "2"])
    same = (tmp / "j1" / "jobs.txt").read_text() == (tmp / "j2" / "jobs.txt").read_text()
    print(f"pages: {pages}; --jobs 1: {pages / one:.2f} pages/s ({one:.1f} s); --jobs 2: {pages / two:.2f} pages/s "
          f"({two:.1f} s); speed-up {one / two:.2f}x; same text: {same}")


def main() -> None:
    """Parse the sub-command and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["resume", "memory", "jobs"])
    parser.add_argument("--pages", type=int)
    parser.add_argument("--kill-at", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.what == "resume":
            bench_resume(tmp, args.pages or 20, args.kill_at)
        elif args.what == "memory":
            bench_memory(tmp, args.pages or 500)
        else:
            bench_jobs(tmp, args.pages or 40)


if __name__ == "__main__":
    main()
