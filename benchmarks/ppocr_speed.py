"""PP-OCR recognizer: CER and seconds per crop of option variants (precision, padding, batch size), one run.

Usage: python benchmarks/ppocr_speed.py [--shared ../shared] [--funsd-pages 10] [--threads 2] [--repeat 1]
       [--variant NAME:KEY=VALUE,KEY=VALUE ...]

Sets (read-only from ../shared/eval, nothing copied into the repository):

* ``icdar2015_words``: 200 ICDAR 2015 word crops, each read alone as one word region (a batch of one).
* ``handwriting_iam``: the 3 original IAM line images, each read alone as one line region.
* ``funsd words`` / ``funsd lines``: the first ``--funsd-pages`` FUNSD test pages, every ground-truth word
  box (non-empty text) read in one ``recognize`` call per page, as a pipeline reads a page; ``lines``
  are the FUNSD entities whose words lie on one text line (their words' vertical centres within half a
  word height of each other), read as line regions.

CER = Levenshtein distance / reference length summed over a set (case-sensitive, whitespace collapsed).
Seconds per crop = wall time of the recognize calls / crops; variants are interleaved set by set, and
with ``--repeat N`` each variant's best of N times is kept, so load from other processes on a shared
machine spreads over all variants. Before the sets, one ONNX Runtime call on a fixed random batch is timed
per ``precision`` (best of ``--model-repeat``): the cleaner fp32-vs-int8 ratio. The first variant is the reference: the table gives each variant's CER
minus the reference's, and the reference's time divided by the variant's (speed-up, >1 is faster).

Default variants (``mr``: ``min_ratio``, ``b``: ``batch_size``): the options before this benchmark (fp32,
padding to 320/48, batches of 8) as the reference, ``precision: int8``, padding to the batch's widest
crop (``min_ratio: 0``) with batches of 8, 4 and 1, and int8 with ``min_ratio: 0``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recog_cer import flat, levenshtein, load

DEFAULT_VARIANTS = [
    "fp32 mr6.67 b8:min_ratio=6.6667,batch_size=8",
    "int8 mr6.67 b8:precision=int8,min_ratio=6.6667,batch_size=8",
    "fp32 mr0 b8:min_ratio=0,batch_size=8",
    "fp32 mr0 b4:min_ratio=0,batch_size=4",
    "fp32 mr0 b1:min_ratio=0,batch_size=1",
    "int8 mr0 b4:precision=int8,min_ratio=0,batch_size=4",
    "int8 mr0 b1:precision=int8,min_ratio=0,batch_size=1",
]


def parse_variant(text: str) -> tuple[str, dict[str, object]]:
    """``"NAME:KEY=VALUE,..."`` -> (name, options); values are parsed as JSON when they can be."""
    name, _, rest = text.partition(":")
    options: dict[str, object] = {}
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        try:
            options[key.strip()] = json.loads(value)
        except ValueError:
            options[key.strip()] = value.strip()
    return name.strip(), options


def _one_line(words: list[dict]) -> bool:
    """Whether these FUNSD words lie on one text line."""
    ys = [(w["quad"][0][1] + w["quad"][2][1]) / 2 for w in words]
    hs = [max(1, w["quad"][2][1] - w["quad"][0][1]) for w in words]
    return max(ys) - min(ys) <= 0.5 * float(np.median(hs))


def funsd_pages(folder: Path, limit: int):
    """(image, word regions + texts, line regions + texts) of the first ``limit`` FUNSD pages."""
    from ocrplug.model import Region

    out = []
    for ann in sorted((folder / "annotations").glob("*.json"))[:limit]:
        data = json.loads(ann.read_text(encoding="utf-8"))
        words = [w for w in data["words"] if not w.get("ignore") and w["text"].strip()]
        word_items = [(Region(quad=np.asarray(w["quad"], float), level="word"), w["text"]) for w in words]
        lines = []
        for ent in data["entities"]:
            members = [data["words"][i] for i in ent["word_indices"]]
            members = [w for w in members if not w.get("ignore") and w["text"].strip()]
            if len(members) >= 2 and _one_line(members):
                xs = [p[0] for w in members for p in w["quad"]]
                ys = [p[1] for w in members for p in w["quad"]]
                box = Region.from_box(min(xs), min(ys), max(xs), max(ys), level="line")
                lines.append((box, " ".join(w["text"] for w in members)))
        out.append((load(folder / "images" / data["image"]), word_items, lines))
    return out


def whole_items(folder: Path, level: str, names: list[str] | None = None):
    """(image, [(whole-image region, text)]) per item of a crop set."""
    from ocrplug.model import Region

    items = []
    for ann in sorted((folder / "annotations").glob("*.json")):
        if names is not None and ann.stem not in names:
            continue
        data = json.loads(ann.read_text(encoding="utf-8"))
        text = data["words"][0]["text"] if level == "word" else data.get("text") or data["lines"][0]["text"]
        img = load(folder / "images" / data["image"])
        h, w = img.shape[:2]
        items.append((img, [(Region.from_box(0, 0, w, h, level=level), text)]))
    return items


def run_set(rec, calls) -> tuple[int, int, float, int]:
    """(errors, reference characters, seconds, crops) of ``rec`` over ``calls`` (image, [(region, text)])."""
    from ocrplug.model import PageImage

    errors = chars = crops = 0
    seconds = 0.0
    for img, items in calls:
        page = PageImage(img, 0, "bench")
        start = time.perf_counter()
        out = rec.recognize(page, [r for r, _ in items])
        seconds += time.perf_counter() - start
        for region, (_, text) in zip(out, items, strict=True):
            errors += levenshtein(flat(region.text or ""), flat(text))
            chars += len(flat(text))
        crops += len(items)
    return errors, chars, seconds, crops


def model_timing(built, widths: tuple[int, ...], batch: int, repeat: int) -> None:
    """Print the best-of-``repeat`` time of one ONNX Runtime call on a fixed random batch per model.

    The minimum of many short calls is far less sensitive to other processes than whole-set times, so
    this is the cleaner fp32-vs-int8 speed ratio (one variant per ``precision``).
    """
    rng = np.random.default_rng(0)
    seen: dict[str, object] = {}
    for name, rec in built:
        seen.setdefault(rec.options.precision, (name, rec))
    print(f"\nONNX Runtime call on a random {batch}x3x48xW batch, best of {repeat} (ms)")
    print(f"{'model':26s} " + " ".join(f"{'W=' + str(w):>8s}" for w in widths))
    ref: list[float] = []
    for precision, (name, rec) in seen.items():
        row = []
        for width in widths:
            x = rng.uniform(-1, 1, (batch, 3, rec.height, width)).astype(np.float32)
            rec.session.run(None, {rec.input_name: x})  # warm-up (allocations, kernel choice)
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                rec.session.run(None, {rec.input_name: x})
                best = min(best, time.perf_counter() - start)
            row.append(1000 * best)
        ref = ref or row
        ratios = " ".join(f"{r / v:8.2f}" for r, v in zip(ref, row, strict=True))
        print(f"{precision + ' (' + name + ')':26s} " + " ".join(f"{v:8.1f}" for v in row) + f"   speed-up {ratios}")


def main() -> None:
    """Print CER and seconds per crop of every variant on every set, with differences to the first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    parser.add_argument("--funsd-pages", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="ONNX Runtime intra-op threads of every variant")
    parser.add_argument("--repeat", type=int, default=1, help="time each variant N times, keep the best")
    parser.add_argument("--variant", action="append", help="NAME:KEY=VALUE,... (ppocr options); repeatable")
    parser.add_argument("--sets", default="icdar15,iam,funsd-words,funsd-lines")
    parser.add_argument("--model-repeat", type=int, default=20, help="calls per fixed-batch timing (0: skip it)")
    args = parser.parse_args()
    ev = Path(args.shared) / "eval"
    if not ev.is_dir():
        raise SystemExit(f"no evaluation data at {ev} (give --shared)")

    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    variants = [parse_variant(v) for v in (args.variant or DEFAULT_VARIANTS)]
    built = []
    for name, opts in variants:
        start = time.perf_counter()
        rec = PPOCRRecognizer(PPOCRRecognizerOptions(**{"threads": args.threads, **opts}))
        print(f"built {name!r} in {time.perf_counter() - start:.2f} s ({rec.model_path.name})", flush=True)
        built.append((name, rec))

    if args.model_repeat:
        model_timing(built, (96, 320, 960), 8, args.model_repeat)

    wanted = [s for s in args.sets.split(",") if s]
    pages = funsd_pages(ev / "funsd", args.funsd_pages) if any(s.startswith("funsd") for s in wanted) else []
    sets = {
        "icdar15": lambda: whole_items(ev / "icdar2015_words", "word"),
        "iam": lambda: whole_items(ev / "handwriting_iam", "line", ["a01-000u-00", "a01-007-04", "a01-007-06"]),
        "funsd-words": lambda: [(img, words) for img, words, _ in pages],
        "funsd-lines": lambda: [(img, lines) for img, _, lines in pages],
    }
    results: dict[tuple[str, str], tuple[float, float, int]] = {}
    for set_name in wanted:
        calls = sets[set_name]()
        for _ in range(args.repeat):
            for name, rec in built:
                errors, chars, seconds, crops = run_set(rec, calls)
                best = results.get((set_name, name))
                seconds_per_crop = seconds / max(crops, 1)
                if best is None or seconds_per_crop < best[1]:
                    results[(set_name, name)] = (errors / max(chars, 1), seconds_per_crop, crops)
        print(f"done {set_name} ({results[(set_name, built[0][0])][2]} crops)", flush=True)

    ref = built[0][0]
    if not wanted:
        return
    print(f"\nreference: {ref!r}; threads {args.threads}; best of {args.repeat}")
    print(f"{'set':12s} {'variant':26s} {'crops':>6s} {'CER':>7s} {'dCER':>8s} {'ms/crop':>8s} {'speed-up':>8s}")
    for set_name in wanted:
        r_cer, r_sec, _ = results[(set_name, ref)]
        for name, _ in built:
            cer, sec, crops = results[(set_name, name)]
            print(
                f"{set_name:12s} {name:26s} {crops:6d} {cer:7.4f} {cer - r_cer:+8.4f} {1000 * sec:8.2f} "
                f"{r_sec / sec:8.2f}"
            )


if __name__ == "__main__":
    main()
