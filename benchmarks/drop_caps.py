"""Drop caps (issue 24, D12): the cap joined to its word, and no line beside it lost.

usage: python benchmarks/drop_caps.py [--systems fast,swift,accurate,tlayout] [--count 12] [--before] [--indents]
                                     [--indented]

T11's ``newspaper``: a paragraph opens with an ``H`` three lines tall, ``arbour officials said on`` beside
its top. ``fast`` lost the ``H``, ``swift`` read it as a word of its own after the line, and the
``tesseract-layout`` detector (``tlayout``: with the ``tesseract`` recognizer) boxed the ``H`` with the
second line beside it, which was then lost. This draws ``--count`` pages (:func:`drop_cap_page`: one or two
columns of a 10-11 pt serif or sans paragraph at 150 dpi, a bold cap 2, 3 or 4 lines tall; a quarter of
them open with a one-letter word, ``A`` or ``I``, set as publishers set it with a word space after the cap on
its first line only), runs each system and prints per system: the pages whose cap is
joined (:func:`scores`: the output's words hold the paragraph's first two words in a row, the first
whole) and the lines kept (every word of a line, in its order, among the output's words), and with
``--before`` the same with ``ocrplug.drop_caps`` switched off (the tree as it was); ``--indents`` prints
each joined cap's first-line indent (:func:`ocrplug.drop_caps.first_line_indent`, what
:data:`~ocrplug.drop_caps.DROP_CAP_WORD_GAP` is chosen from). ``--indented`` (issue 24, K14: V13's
``dropcapA_indent``, an ``A`` whose first line ``long time ago ...`` starts 14 px right of the lines under
it, went to the second line in ``accurate``) draws every paragraph instead opening on a one-letter word
(``A``, ``I``) whose first line is indented by a further 0.2-0.8 of the font's size after the word space.
No shared data.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from PIL import ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from drawn_pages import FONTS, canvas  # noqa: E402

BODY = [("libserif", "p052b"), ("nimbusroman", "nimbusroman"), ("libsans", "libsansb"),
        ("dejavu", "dejavub"), ("notoserif", "notoserifb"), ("nimbussans", "nimbussansb")]
WORDS = ("the ferry will sail again from monday after six weeks of repairs to the north pier and the operator "
         "has added two evening crossings while fares stay at the winter rate until the end of may local "
         "traders welcomed the news and said the closure had cost them many visitors over the busy weeks").split()
OPENERS = ["Harbour", "Tuesday", "Morning", "Council", "Workers", "Plans", "Every", "Rain", "Nobody", "Boats"]

SYSTEMS: dict[str, dict[str, Any]] = {
    "fast": {"preset": "fast"},
    "swift": {"preset": "swift"},
    "accurate": {"preset": "accurate"},
    "tlayout": {"preset": "fast", "detector": {"name": "tesseract-layout"}, "recognizer": {"name": "tesseract"}},
}


def drop_cap_page(seed: int, indented: bool = False) -> tuple[np.ndarray, list[list[str]], list[int]]:
    """A 150 dpi page (gray uint8) with one paragraph per column opening on a drop cap, its lines' words
    (the first line's first word whole, the cap's letter joined to it) and the indices of the lines that
    open a paragraph. ``indented``: every paragraph opens on a one-letter word whose first line is indented
    by 0.2-0.8 of the font's size besides its word space (the other draws are the same as without)."""
    rnd = random.Random(seed)
    extra = random.Random(1000 + seed)
    dpi = 150
    body, bold = BODY[seed % len(BODY)]
    pt = rnd.choice([10, 11])
    face = ImageFont.truetype(FONTS[body], round(pt * dpi / 72))
    pitch = round(pt * dpi / 72 * 1.35)
    columns = 1 + seed % 2
    img, draw = canvas(dpi, 8.27, 5.0)
    margin, gutter = 90, 50
    width = (img.width - 2 * margin - (columns - 1) * gutter) // columns
    lines_out: list[list[str]] = []
    firsts: list[int] = []
    for c in range(columns):
        left, top = margin + c * (width + gutter), 90 + rnd.randint(0, 20)
        rows = 2 + (seed // 2 + c) % 3  # the cap is 2, 3 or 4 lines tall
        opener = ("A" if seed % 8 < 4 else "I") if (seed + c) % 4 == 3 else rnd.choice(OPENERS)
        if indented:
            opener = "A" if (seed + c) % 2 == 0 else "I"
        indent = round(extra.uniform(0.2, 0.8) * face.size) if indented else 0
        words = [opener, *rnd.choices(WORDS, k=90)]
        cap_text, first = opener[0], opener[1:]
        # The cap spans its rows' cap height: from the first row's cap top to the last row's baseline.
        ascent = draw.textbbox((0, 0), "H", font=face, anchor="ls")[1]
        span = (rows - 1) * pitch - ascent
        size = 10
        cap_face = ImageFont.truetype(FONTS[bold], size)
        while -draw.textbbox((0, 0), "H", font=cap_face, anchor="ls")[1] < span:
            size += 1
            cap_face = ImageFont.truetype(FONTS[bold], size)
        base = top + (rows - 1) * pitch
        draw.text((left, base), cap_text, font=cap_face, fill=0, anchor="ls")
        cap_right = draw.textbbox((left, base), cap_text, font=cap_face, anchor="ls")[2] + round(pitch * 0.25)
        k, row = 0, 0
        words = [first, *words[1:]] if first else words[1:]
        lead = not first  # a one-letter opener: the cap is a word of its own
        while k < len(words) and row < rows + 5:
            x0 = cap_right if row < rows else left
            if row == 0 and lead:  # a cap that is a word: a word space after it on its line (as InDesign sets it)
                x0 += round(draw.textlength(" ", font=face)) + indent
            line: list[str] = []
            while k < len(words):
                trial = " ".join([*line, words[k]])
                if draw.textlength(trial, font=face) > left + width - x0:
                    break
                line.append(words[k])
                k += 1
            draw.text((x0, top + row * pitch), " ".join(line), font=face, fill=0, anchor="ls")
            if row == 0:
                firsts.append(len(lines_out))
                line = ([cap_text] if lead else []) + ([cap_text + line[0], *line[1:]] if not lead else line)
            lines_out.append(line)
            row += 1
    return np.asarray(img), lines_out, firsts


def _tokens(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def scores(truth: list[list[str]], firsts: list[int], text: str) -> tuple[int, int, int, int]:
    """(caps joined, caps, lines kept, lines) of one page's output ``text`` against its ``truth`` lines and
    the indices ``firsts`` of those opening a paragraph (:func:`drop_cap_page`). A cap is joined when the
    output's words hold its line's first two words in a row; a line is kept when they hold all its words
    in a row."""
    out = _tokens(text)

    def kept(line: list[str]) -> bool:
        n = len(line)
        return any(out[i : i + n] == line for i in range(len(out) - n + 1))

    joined = sum(kept(truth[i][:2]) for i in firsts)
    return joined, len(firsts), sum(kept(line) for line in truth), len(truth)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--systems", default="fast,swift,accurate,tlayout")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--before", action="store_true", help="also with ocrplug.drop_caps switched off")
    parser.add_argument("--indents", action="store_true",
                        help="print the first line's indent (drop_caps.first_line_indent) of each cap joined")
    parser.add_argument("--indented", action="store_true",
                        help="every paragraph opens on a one-letter word, its first line indented further")
    parser.add_argument("--save", type=Path, help="write the pages as PNG into this folder")
    args = parser.parse_args()
    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    pages = [drop_cap_page(seed, args.indented) for seed in range(args.count)]
    if args.save:
        from PIL import Image

        args.save.mkdir(parents=True, exist_ok=True)
        for k, (gray, truth, _) in enumerate(pages):
            Image.fromarray(gray).save(args.save / f"drop_cap_{k}.png")
            (args.save / f"drop_cap_{k}.txt").write_text("\n".join(" ".join(line) for line in truth) + "\n")
    import ocrplug.drop_caps as drop_caps

    modes = [False, True] if args.before else [True]
    for name in args.systems.split(","):
        spec = SYSTEMS[name]
        config = dict(preset_config(spec["preset"]))
        for key in ("detector", "recognizer"):
            if key in spec:
                config[key] = spec[key]
        with tempfile.TemporaryDirectory() as tmp:
            pipeline = Pipeline.from_dict(dict(config, output={"dir": tmp}, renderers=[]))
            for on in modes:
                drop_caps.ENABLED = on
                totals = np.zeros(4, dtype=np.int64)
                for n, (gray, truth, firsts) in enumerate(pages):
                    drop_caps._DEBUG = [] if args.indents else None
                    page = pipeline.run(np.stack([gray] * 3, axis=-1)).pages[0]
                    totals += scores(truth, firsts, page.text or "")
                    if args.indents:
                        for letter, indent in drop_caps._DEBUG:
                            word = any(len(truth[i]) and truth[i][0] == letter for i in firsts)
                            print(f"  page {n} cap {letter} ({'word' if word else 'letter'}): indent "
                                  f"{'-' if indent is None else f'{indent:.3f}'}")
                print(f"{name:9s} drop caps {'on ' if on else 'off'}: caps joined {totals[0]}/{totals[1]}, "
                      f"lines kept {totals[2]}/{totals[3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
