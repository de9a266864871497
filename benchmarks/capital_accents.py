"""Capitals with marks above (``Ü Ö Ä É Å``) at a line's start, read with their marks (issue 24, R13).

usage: python benchmarks/capital_accents.py [--systems fast,swift,accurate] [--margins 0.05] [--dpi 150,300] [--pt 12,18]
       [--leading 1.8]

T12's ``diacritics`` page: ``fast`` read ``Ümit Çelik wohnt ...`` as ``Umit``. ``db`` boxed that line with
its top 2.4 px below the diaeresis' top (ink rows 600-633, box 602.4-639.5); the crop's margin (0.05 of
the height: 1.9 px) let only the dots' lower rows in, and :func:`ocrplug.crops.erase_neighbour_ink` erased
them as another line's ink. This draws one page per face (:data:`FACES`) and resolution: lines that
open on such a capital (:data:`WORDS`, ``--pt``), and prints per system and recognizer ``margin`` the
capitals read with their mark (the line's first word read whole, as a bag of the output's words), and the
words of the lines read right. No shared data.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from drawn_pages import canvas, font  # noqa: E402

FACES = ["dejavu", "libsans", "libserif", "notosans", "notoserif", "nimbusroman", "p052", "c059"]
WORDS = ["Ümit", "Özil", "Ärzte", "Émile", "Åsa", "Über", "Ölkanne", "Élodie", "Ähnlich", "Ångström", "Ève", "Ñandú"]
REST = "fährt heute nach Köln und bleibt dort zwei Tage"


def page(face: str, dpi: int, pt: float, leading: float = 1.8) -> tuple[np.ndarray, list[str]]:
    """A page (gray uint8) of lines ``WORD + REST`` in ``face`` at ``pt`` points, baselines ``leading`` em
    apart (1.8: R13's pages; 1.0-1.2: set solid or tight, R14), and its lines."""
    pitch = leading * pt / 72  # inches
    img, draw = canvas(dpi, 8.27, 1.2 + pitch * len(WORDS))
    f = font(face, pt, dpi)
    lines = [f"{w} {REST}" for w in WORDS]
    for k, line in enumerate(lines):
        draw.text((round(0.8 * dpi), round((0.7 + pitch * k) * dpi)), line, font=f, fill=0, anchor="ls")
    return np.asarray(img), lines


MARKED = "ÜÖÄÉÅÑÈÊÁÍÓÚŽŠČŘĚŇŤĎÂÔÎÏËŸ"


def marks() -> None:
    """Print the height of the marks above :data:`MARKED` capitals and their gap to the capital, as shares
    of the capital's height, in every face of ``drawn_pages.FONTS`` at 100 px per em (the figures
    :data:`ocrplug.crops.MARK_HEIGHT` and :data:`~ocrplug.crops.MARK_GAP` are chosen from)."""
    import cv2
    from drawn_pages import FONTS
    from PIL import Image, ImageDraw, ImageFont

    heights, gaps, caps = [], [], []
    for path in FONTS.values():
        face = ImageFont.truetype(path, 100)
        for c in MARKED:
            img = Image.new("L", (300, 300), 255)
            ImageDraw.Draw(img).text((50, 150), c, font=face, fill=0, anchor="ls")
            n, _, stats, _ = cv2.connectedComponentsWithStats((np.asarray(img) < 128).astype(np.uint8), connectivity=8)
            stats = stats[1:n]
            base = stats[np.argmax(stats[:, 4])]
            above = [s for s in stats if s[1] + s[3] <= base[1] + 2]
            if not above:
                continue  # the mark touches the capital (one component)
            top, bottom = min(s[1] for s in above), max(s[1] + s[3] for s in above)
            heights.append((bottom - top) / base[3])
            gaps.append((base[1] - bottom) / base[3])
            caps.append(base[3] / 100)
    for name, v in (("mark height / capital", heights), ("gap / capital", gaps), ("capital / em", caps)):
        print(f"{name:22s} n={len(v)} min {min(v):.3f} median {float(np.median(v)):.3f} max {max(v):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--systems", default="fast")
    parser.add_argument("--margins", default="0.05")
    parser.add_argument("--dpi", default="150,200,300")
    parser.add_argument("--faces", default=",".join(FACES))
    parser.add_argument("--pt", default="12,18")
    parser.add_argument("--leading", default="1.8", help="baseline pitch in em, comma-separated (R14: 1.0,1.15)")
    parser.add_argument("--marks", action="store_true", help="print the marks' heights and gaps (no OCR)")
    args = parser.parse_args()
    if args.marks:
        marks()
        return 0
    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    pages = [page(face, int(dpi), float(pt), float(lead)) for face in args.faces.split(",")
             for dpi in args.dpi.split(",") for pt in args.pt.split(",") for lead in args.leading.split(",")]
    for system in args.systems.split(","):
        for margin in (float(m) for m in args.margins.split(",")):
            config = dict(preset_config(system))
            rec = dict(config["recognizer"]) if isinstance(config.get("recognizer"), dict) else {"name": config["recognizer"]}
            if rec.get("name") == "cascade":
                if margin != 0.05:
                    continue  # the cascade's readers keep their own margins
            else:
                rec["options"] = {**rec.get("options", {}), "margin": margin}
            config["recognizer"] = rec
            caps = words = total_words = 0
            wrong: Counter[str] = Counter()
            with tempfile.TemporaryDirectory() as tmp:
                pipeline = Pipeline.from_dict(dict(config, output={"dir": tmp}, renderers=[]))
                for gray, lines in pages:
                    out = Counter((pipeline.run(np.stack([gray] * 3, axis=-1)).pages[0].text or "").split())
                    truth = Counter(" ".join(lines).split())
                    words += sum((out & truth).values())
                    total_words += sum(truth.values())
                    for w in WORDS:
                        if out[w]:
                            caps += 1
                        else:
                            wrong[w] += 1
            n = len(pages) * len(WORDS)
            print(f"{system:9s} margin {margin:.2f}: capitals read with their mark {caps}/{n} ({caps / n:.3f}), "
                  f"words {words}/{total_words} ({words / total_words:.3f}); missed {dict(wrong)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
