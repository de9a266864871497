"""Page orientation (issues 14, 16): which method is right more often, and what it costs per page.

Usage: python benchmarks/orientation.py [--shared ../shared] [--pages 20] [--detectors db,craft]
                                        [--window 4] [--skip-tesseract] [--skip-cls] [--tune] [--numbers]

Each of the first N FUNSD test pages is turned by 0, 90, 180 and 270 degrees; every method must give
the clockwise angle that makes it upright again. For each detector (``db``: the ``fast`` preset's;
``craft``: the ``accurate`` preset's CRAFT int8) with the ``ppocr`` recognizer (one thread), the
variants of ``ocrplug.orientation.detect_orientation`` (axis from the shape of the 8 largest regions,
sense from the recognizer's confidence):

- ``whole lines, both frames``: the 8 largest regions read whole in both candidate frames (before);
- ``windows, both frames``: each read through its centre ``--window`` line heights only (``WINDOW``);
- ``whole lines, cascade``: the second frame read only when the first does not read confidently;
- ``windows + cascade``: both (the pipeline's default).

With ``db`` also: ``tesseract-osd``, Tesseract's orientation and script detection (``tesseract IMAGE -
--psm 0``, its "Rotate:" line; the program, since the tesserocr wheel aborts in OSD with Debian's osd
model), and ``db+cls``, the same axis rule, then the 0/180 text-line classifier shipped in the rapidocr
wheel (``ch_ppocr_mobile_v2.0_cls_mobile.onnx``, PaddleOCR's 48x192 input) voting on the 8 largest crops.

Cost: CPU seconds of the orientation call per page (Tesseract: of its process), over all 4N pages and
over the N upright pages alone; the detection the pipeline runs anyway is left out (ocrplug and db+cls
reuse its regions).

``--numbers`` runs instead on generated pages whose only text is numbers (issue 24, o7: such pages
were turned 90 degrees by the ``fast``, ``accurate`` and ``swift`` presets): a column ``1`` .. ``20``, a
receipt-like column of prices, a number list beside a short label and a short list, drawn with PIL
(:func:`number_pages`, also used by tests/test_number_pages.py), each turned by 0, 90, 180 and 270
degrees, through the ``windows + cascade`` variant of each detector; per page and turn it prints the
angle found and the one wanted.

``--tune`` runs instead on the first N pages of FUNSD's *training* split (``eval/funsd_train``) and
prints what chose the cascade's constants: for the first candidate frame read through windows, how
many pages each (reading confidence, share of windows) rule lets skip the second frame, when the first
frame is right (wanted) and when it is wrong (errors; must be 0).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from ocrplug import Pipeline
from ocrplug.crops import CropOptions, crop_regions
from ocrplug.model import PageImage
from ocrplug.orientation import (
    CONFIDENT_MIN,
    WINDOW,
    detect_orientation,
    map_regions,
    read_frame,
    rotate_image,
    rotate_page,
    sample_lines,
    to_upright,
    window_region,
)

ROOT = Path(__file__).resolve().parent.parent


def tesseract_osd(image: np.ndarray) -> int | None:
    """Clockwise correction angle from Tesseract OSD (None when it cannot decide)."""
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        cv2.imwrite(f.name, cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        env = dict(os.environ, OMP_THREAD_LIMIT="1")  # only for the tesseract program (see BRIEF)
        out = subprocess.run(["tesseract", f.name, "-", "--psm", "0"], capture_output=True, text=True, env=env)
    m = re.search(r"Rotate: (\d+)", out.stdout + out.stderr)
    return int(m.group(1)) % 360 if m else None


class LineClassifier:
    """The rapidocr wheel's 0/180 text-line classifier (PaddleOCR cls: 3x48x192, [-1, 1], classes 0/180)."""

    def __init__(self) -> None:
        import importlib.util

        import onnxruntime as ort

        spec = importlib.util.find_spec("rapidocr")
        models = Path(next(iter(spec.submodule_search_locations))) / "models"  # type: ignore[union-attr]
        path = sorted(models.glob("*cls*.onnx"))[0]
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])

    def flipped(self, crops: list[np.ndarray]) -> list[float]:
        """Probability that each crop is upside down."""
        batch = np.zeros((len(crops), 3, 48, 192), np.float32)
        for k, img in enumerate(crops):
            h, w = img.shape[:2]
            nw = min(192, max(1, int(np.ceil(48 * w / max(h, 1)))))
            r = cv2.resize(img, (nw, 48)).astype(np.float32) / 255.0
            batch[k, :, :, :nw] = ((r - 0.5) / 0.5).transpose(2, 0, 1)
        probs = self.session.run(None, {self.session.get_inputs()[0].name: batch})[0]
        return [float(p[1]) for p in probs]


def cls_orientation(page: PageImage, regions: list, cls: LineClassifier, sample: int = 8) -> int:
    picked, vertical = sample_lines(regions, sample)
    if not picked:
        return 0
    base = 90 if vertical else 0
    turned = rotate_page(page, base)
    mapped = map_regions(picked, lambda p: to_upright(p, base, page.width, page.height), reorder=True)
    crops = crop_regions(turned, mapped, CropOptions(margin=0.1, orientation="quad"))
    votes = cls.flipped([c.image for c in crops])
    return (base + 180) % 360 if float(np.mean(votes)) > 0.5 else base


DETECTORS = {
    "db": {"name": "db"},
    "craft": {"name": "craft", "options": {"weights": "craft_mlt_25k", "backend": "onnx", "precision": "int8"}},
}
VARIANTS = {  # window None: whole regions; True: --window (default WINDOW)
    "whole lines, both frames": {"window": None, "cascade": False},
    "windows, both frames": {"window": True, "cascade": False},
    "whole lines, cascade": {"window": None, "cascade": True},
    "windows + cascade": {"window": True, "cascade": True},
}
# Tune grid: a window counts as confident at this reading confidence or more ...
TUNE_READING = (0.8, 0.85, 0.9)
# ... and the first frame settles the page when this share of its windows or more are confident.
TUNE_SHARE = (0.25, 0.375, 0.5, 0.625, 0.75)


def turned_pages(images: list[Path]):
    """(name, turn, page turned clockwise by turn, the clockwise angle that makes it upright)."""
    for path in images:
        upright = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        for turn in (0, 90, 180, 270):
            page = PageImage(image=np.ascontiguousarray(rotate_image(upright, turn)), index=0, source=path.name)
            yield path.name, turn, page, (360 - turn) % 360


def build(detector: str) -> Pipeline:
    config = {"detector": DETECTORS[detector], "recognizer": {"name": "ppocr", "options": {"threads": 1}}}
    return Pipeline.from_dict(config).build()


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def compare(images: list[Path], detectors: list[str], window: float, skip_tesseract: bool, skip_cls: bool) -> None:
    cls = None if skip_cls else LineClassifier()
    n = len(images)
    print(f"orientation on {n} FUNSD test pages x 4 turns ({4 * n} pages): right, CPU s per page (all / upright)")
    for det in detectors:
        pipe = build(det)
        methods = list(VARIANTS)
        if det == "db":
            methods += ([] if skip_tesseract else ["tesseract-osd"]) + ([] if cls is None else ["db+cls"])
        right = dict.fromkeys(methods, 0)
        cpu = {m: [0.0, 0.0] for m in methods}  # all pages, upright pages
        frames = dict.fromkeys(VARIANTS, 0)
        for _name, turn, page, truth in turned_pages(images):
            regions = pipe.detector.detect(page)
            for m in methods:
                t, tc = time.process_time(), children_cpu()
                if m in VARIANTS:
                    v = VARIANTS[m]
                    result = detect_orientation(
                        page,
                        regions,
                        pipe.recognizer.recognize,
                        window=window if v["window"] else None,
                        cascade=v["cascade"],
                    )
                    got = result.angle
                    frames[m] += len(result.scores)
                elif m == "tesseract-osd":
                    got = tesseract_osd(page.image)
                else:
                    got = cls_orientation(page, regions, cls)  # type: ignore[arg-type]
                spent = time.process_time() - t + children_cpu() - tc
                cpu[m][0] += spent
                cpu[m][1] += spent if turn == 0 else 0.0
                right[m] += got == truth
        base = cpu["whole lines, both frames"]
        print(f"detector {det} + ppocr:")
        for m in methods:
            extra = f", frames read {frames[m] / (4 * n):.2f}" if m in VARIANTS else ""
            ratio = f" ({base[0] / cpu[m][0]:.1f}x / {base[1] / cpu[m][1]:.1f}x cheaper)" if m in VARIANTS else ""
            print(
                f"  {m}: {right[m]}/{4 * n}, {cpu[m][0] / (4 * n):.3f} / {cpu[m][1] / n:.3f} CPU s/page{ratio}{extra}"
            )


#: Fonts of the generated number pages (DejaVu and Liberation, Debian's ``fonts-dejavu-core`` and
#: ``fonts-liberation``).
FONTS = {
    "sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "mono": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
}
PRICES = ["12.50", "3.99", "104.00", "7.25", "18.40", "2.10", "45.00", "9.99", "0.75", "61.20"]


def number_pages() -> dict[str, np.ndarray]:
    """Upright pages (H x W x 3 uint8 RGB) whose only text is numbers, one per line in one column.

    ``column``: ``1`` .. ``20`` (DejaVu Sans 11 pt, 200 dpi, lines 1.6 font sizes apart, on a letter page);
    ``prices``: a receipt-like strip of ten prices right of centre (Liberation Mono 10 pt, 200 dpi);
    ``labelled``: ``Count`` and ``1`` .. ``12`` in a column beside it (DejaVu Serif 12 pt, 300 dpi);
    ``short``: ``17 42 308 5 96`` one per line (DejaVu Sans 14 pt, 150 dpi). Raises ``OSError`` when a
    font is not installed.
    """
    from PIL import Image, ImageDraw, ImageFont

    def draw(size: tuple[float, float], dpi: int, font: str, pt: float, lead: float, x: float,
             lines: list[str], label: str | None = None) -> np.ndarray:
        img = Image.new("L", (round(size[0] * dpi), round(size[1] * dpi)), 255)
        pen = ImageDraw.Draw(img)
        face = ImageFont.truetype(FONTS[font], round(pt * dpi / 72))
        top = round(0.75 * dpi)
        if label:
            pen.text((round(0.75 * dpi), top), label, font=face, fill=0)
        for k, text in enumerate(lines):
            pen.text((round(x * dpi), top + round(k * lead * face.size)), text, font=face, fill=0)
        return np.asarray(img.convert("RGB"))

    return {
        "column": draw((8.5, 11), 200, "sans", 11, 1.6, 1.0, [str(k) for k in range(1, 21)]),
        "prices": draw((3.2, 6), 200, "mono", 10, 1.5, 1.9, PRICES),
        "labelled": draw((6, 5), 300, "serif", 12, 1.5, 2.0, [str(k) for k in range(1, 13)], label="Count"),
        "short": draw((5, 5), 150, "sans", 14, 1.5, 1.5, ["17", "42", "308", "5", "96"]),
    }


def numbers(detectors: list[str], window: float) -> None:
    """Generated pages of numbers, each turned 4 ways, through ``windows + cascade`` per detector."""
    pages = number_pages()
    print(f"orientation on {len(pages)} generated pages of numbers x 4 turns: angle found (wanted)")
    for det in detectors:
        pipe = build(det)
        right = {0: 0, 90: 0, 180: 0, 270: 0}
        for name, upright in pages.items():
            row = []
            for turn in (0, 90, 180, 270):
                page = PageImage(image=np.ascontiguousarray(rotate_image(upright, turn)), index=0, source=name)
                got = detect_orientation(page, pipe.detector.detect(page), pipe.recognizer.recognize, window=window).angle
                want = (360 - turn) % 360
                right[turn] += got == want
                row.append(f"{got} ({want})")
            print(f"  {det} {name}: " + ", ".join(row))
        counts = ", ".join(f"turned {t}: {n}/{len(pages)}" for t, n in right.items())
        print(f"detector {det} + ppocr: right {sum(right.values())}/{4 * len(pages)} ({counts})")


def tune(images: list[Path], detectors: list[str], window: float) -> None:
    n = len(images)
    print(f"cascade tuning on {n} FUNSD training pages x 4 turns ({4 * n} pages), windows of {window} line heights")
    for det in detectors:
        pipe = build(det)
        # Per page: the confidences of the first frame's window readings, and whether that frame is right.
        pages: list[tuple[list[float], bool]] = []
        for _name, _turn, page, truth in turned_pages(images):
            picked, vertical = sample_lines(pipe.detector.detect(page))
            if not picked:
                continue
            first = 90 if vertical else 0
            windows = [window_region(r, window) for r in picked]
            readings = read_frame(page, windows, first, pipe.recognizer.recognize)
            confs = [(r.confidence or 0.0) if (r.text or "").strip() else 0.0 for r in readings]
            pages.append((confs, first == truth))
        ok = sum(1 for _, right in pages if right)
        print(f"detector {det}: first frame right on {ok} pages, wrong on {len(pages) - ok}")
        print("  reading >= | share >= | skips when right | skips when wrong (errors)")
        for thr in TUNE_READING:
            for share in TUNE_SHARE:
                skips = [
                    right
                    for confs, right in pages
                    if len(confs) >= CONFIDENT_MIN and sum(c >= thr for c in confs) >= share * len(confs)
                ]
                print(f"  {thr:.2f} | {share:.3f} | {sum(skips)}/{ok} | {len(skips) - sum(skips)}/{len(pages) - ok}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--detectors", default="db,craft", help="comma-separated: db, craft")
    ap.add_argument("--skip-tesseract", action="store_true")
    ap.add_argument("--skip-cls", action="store_true")
    ap.add_argument("--window", type=float, default=WINDOW, help=f"window length in line heights (default {WINDOW})")
    ap.add_argument("--tune", action="store_true", help="choose the cascade's constants on FUNSD training pages")
    ap.add_argument("--numbers", action="store_true", help="generated pages of numbers instead of FUNSD")
    args = ap.parse_args()
    detectors = [d.strip() for d in args.detectors.split(",") if d.strip()]
    unknown = [d for d in detectors if d not in DETECTORS]
    if unknown:
        ap.error(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(DETECTORS)}")
    if args.numbers:
        numbers(detectors, args.window)
        return 0
    split = "funsd_train" if args.tune else "funsd"
    images = sorted((args.shared / "eval" / split / "images").glob("*.png"))[: args.pages]
    if not images:
        print(f"skipped: no {split} images under", args.shared)
        return 0
    if args.tune:
        tune(images, detectors, args.window)
    else:
        compare(images, detectors, args.window, args.skip_tesseract, args.skip_cls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
