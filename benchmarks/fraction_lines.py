"""Vulgar fractions ``½ ¼ ¾ ⅓ ⅔ ⅛`` on drawn lines, read by the ``ppocr`` recognizer (issue 24, G15, H16; T15's recipe).

usage: python benchmarks/fraction_lines.py [--fonts dejavu,...] [--sizes 24,40,64] [--show] [--evidence]

Draws recipe lines (``1 ¼ cups``, ``¼ tsp salt``, ``1½ lb``) for each fraction in faces that have the
glyphs, and control lines (``1/4 inch``, ``3/4 cup``, ``½ cup``, ``2½``) at ``--sizes`` pixels per em; reads
each crop with the recognizer and prints, per fraction, the lines read exactly before (G15's rules alone:
:func:`~ocrplug_ppocr.recognizer.vulgar_fractions` for ``½4``/``½/4``/``½2``) and after H16's
(:func:`~ocrplug_ppocr.recognizer.fraction_glyphs`, ``vulgar_fractions``' ``1/3``/``1/8``, which count as
right for ``⅓``/``⅛``, and :func:`ocrplug.recognition.digit_units`), with the readings. ``--evidence``
prints, per drawn fraction, the model's probability of ``4`` and of ``¾`` from each ``½`` the best path
emitted up to the next character (the evidence ``fraction_glyphs`` reads; QUARTER_MIN, THREE_QUARTERS_MIN).
Recognizer only: no detector.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from caron_letters import line_image  # noqa: E402

FACES = {
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "dejavuserif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "libsans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "libserif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "nimbusroman": "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf",
    "c059": "/usr/share/fonts/opentype/urw-base35/C059-Roman.otf",
    "notoserif": "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
    "notosans": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
}
TEMPLATES = ["1 {f} cups plain flour", "{f} tsp salt", "1{f} lb apples", "Slice {f} inch thick"]
FRACTIONS = "½¼¾⅓⅔⅛"
CONTROLS = ["Cut 1/4 inch strips", "Add 3/4 cup milk", "Bake 2½ hours at 350°F", "Version 1/2 of 3"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fonts", default=",".join(FACES))
    ap.add_argument("--sizes", default="24,40,64")
    ap.add_argument("--show", action="store_true", help="print every line read wrong after")
    ap.add_argument("--evidence", action="store_true", help="print the 4 and ¾ evidence after each ½ emitted")
    args = ap.parse_args()
    from dataclasses import replace

    import ocrplug_ppocr.recognizer as recognizer
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer, caron_letters, micro_signs, vulgar_fractions

    from ocrplug.recognition import digit_units

    rec = PPOCRRecognizer(PPOCRRecognizerOptions())
    tally: dict[str, list[int]] = {}
    readings: dict[str, Counter[str]] = {}
    evidence: dict[tuple[str, str], list[tuple[float, float]]] = {}
    rows: list[tuple[str, np.ndarray]] = []
    greedy = recognizer.ctc_greedy

    def spy(probs: np.ndarray, table: list[str], lengths: list[int] | None = None, mask: np.ndarray | None = None,
            **kw: object) -> list:
        out = greedy(probs, table, lengths, mask, **kw)
        for b, res in enumerate(out):
            n = probs.shape[1] if lengths is None else int(lengths[b])
            rows.append((res.text, probs[b, :n]))
        return out

    recognizer.ctc_greedy = spy
    classes = recognizer._fraction_classes(rec.table, None)
    for name in args.fonts.split(","):
        font = ImageFont.truetype(FACES[name], 10)
        for size in (int(s) for s in args.sizes.split(",")):
            face = font.font_variant(size=size)
            jobs = [(f, t.format(f=f)) for f in FRACTIONS for t in TEMPLATES if font.getmask(f).getbbox()]
            jobs += [("control", c) for c in CONTROLS]
            images = [line_image(t, face) for _, t in jobs]
            saved = recognizer._fraction_classes, recognizer.SLASH_DENOMINATORS
            recognizer._fraction_classes, recognizer.SLASH_DENOMINATORS = (lambda table, mask: None), ""
            olds, evidence_rows = [], []
            for image in images:  # one at a time: each reading with its own probabilities
                rows.clear()
                olds += rec.read([image])  # G15's rules alone
                evidence_rows.append(rows[0][1])
            recognizer._fraction_classes, recognizer.SLASH_DENOMINATORS = saved
            reads = rec.read(images)
            for (key, truth), (old, _), (res, _), probs in zip(jobs, olds, reads, evidence_rows, strict=True):
                if classes is not None and args.evidence and key in "½¼¾":
                    half, _q, three, four, digits = classes
                    best = probs.argmax(axis=1)
                    keep = best != 0
                    keep[1:] &= best[1:] != best[:-1]
                    emitted = np.flatnonzero(keep)
                    for k, s in enumerate(emitted.tolist()):
                        if best[s] != half:
                            continue
                        end = int(emitted[k + 1]) if k + 1 < len(emitted) else len(best)
                        nxt = "digit or /" if end < len(best) and int(best[end]) in digits else "other"
                        span = probs[s:end]
                        evidence.setdefault((key, nxt), []).append((float(span[:, four].max()), float(span[:, three].max())))
                before = vulgar_fractions(caron_letters(replace(old, text=micro_signs(old.text))))
                after = vulgar_fractions(caron_letters(replace(res, text=micro_signs(res.text))))
                after = replace(after, text=digit_units(after.text))
                fallback = re.sub(r"(?<=\d)([⅓⅛])", r" \1", truth).replace("⅓", "1/3").replace("⅛", "1/8")
                t = tally.setdefault(key, [0, 0, 0])
                t[0] += before.text == truth
                t[1] += after.text in (truth, fallback)
                t[2] += 1
                if key != "control":
                    got = after.text.split()
                    readings.setdefault(key, Counter())[got[0] if got and truth[0] != "S" else " ".join(got[1:2])] += 1
                if args.show and after.text != truth:
                    print(f"  {name} {size}: {truth!r} -> before {before.text!r} after {after.text!r}")
    for (key, nxt), values in sorted(evidence.items()):
        a = np.array(values)
        q = np.quantile(a, [0.0, 0.5, 1.0], axis=0)
        print(f"drawn {key} read ½ then {nxt:10s} n={len(a):3d}  4: min {q[0, 0]:.3f} median {q[1, 0]:.3f} "
              f"max {q[2, 0]:.3f} (>= QUARTER_MIN {int((a[:, 0] >= recognizer.QUARTER_MIN).sum())})   ¾: min "
              f"{q[0, 1]:.3f} median {q[1, 1]:.3f} max {q[2, 1]:.3f} (>= THREE_QUARTERS_MIN "
              f"{int((a[:, 1] >= recognizer.THREE_QUARTERS_MIN).sum())})")
    print(f"{'fraction':9s} {'before':>9s} {'after':>9s}  most frequent first-word readings after")
    for key, (b, a, n) in tally.items():
        common = ", ".join(f"{w!r} {c}" for w, c in readings.get(key, Counter()).most_common(5))
        print(f"{key:9s} {b:>4d}/{n:<4d} {a:>4d}/{n:<4d}  {common}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
