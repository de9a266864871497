"""Monospaced code listings and proportional prose, read by a preset (issue 24, R12: read what is on the page).

usage: python benchmarks/code_listings.py [--presets fast] [--dpis 150,200] [--pt 9,11] [--out DIR] [--show]

Draws pages with PIL: a code listing (18 lines of Python at indent levels 0-3 of four spaces, with
``:``, ``(xs)``, ``"b": [``, ``x["b"][0]``, ``#`` comments and double spaces) in DejaVu Sans Mono,
Liberation Mono and URW Nimbus Mono PS, with and without a grey line-number column, at each ``--pt``
size and ``--dpis`` resolution; and, as the control for proportional print, a prose page of the same
sizes in DejaVu Sans, Liberation Sans and Liberation Serif. Each page is read with each preset and its
``text`` renderer output (``ocrplug_render.text.page_text``) compared with the drawn lines, line by
line (``difflib`` on the line sequence, line numbers dropped):

- ``exact``: lines equal to the drawn line, leading spaces included (trailing ones dropped);
- ``words``: lines whose whitespace-separated tokens equal the drawn line's (no space invented or lost);
- ``indent``: code lines whose leading spaces equal the drawn line's;
- ``invented`` / ``lost``: word spaces in the output that the drawn line does not have / the reverse
  (``difflib`` on the characters of each matched line with every run of spaces made one).

Prints one row per page and preset, and the totals per face kind.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import re
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

MONO = {
    "dejavu-mono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "liberation-mono": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "nimbus-mono": "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf",
}
PROSE = {
    "dejavu-sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "liberation-sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "liberation-serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
}
CODE = [
    "import os",
    "def mean(xs):",
    '    """Return the mean of xs."""',
    "    if not xs:",
    "        return 0",
    "    s = 0",
    "    for i, x in enumerate(xs):",
    "        s += x * 1",
    "    return s / len(xs)",
    "class Point:",
    "    def norm(self, p=2):",
    "        for k in range(3):",
    "            if k > p:",
    "                break",
    '        return {"a": 1, "b": [2, 3]}',
    "print(mean([3, 4, 5]))  # 4.0",
    'y = x["b"][0] + 7 - 2',
    "total = price * (1 + rate)  # net",
]
PROSE_LINES = [
    "The committee met on Tuesday to review the budget for the coming year.",
    "Members agreed that the library should stay open until nine in the evening,",
    "and asked the treasurer (Ms. Lloyd) to prepare figures: rent, staff, and heating.",
    "A vote on the new roof was put off; the surveyor's report is due in March.",
    "Questions from the floor covered parking, the cafe, and the children's corner.",
    "The next meeting will be held on 14 May at 7 pm in the main hall.",
    "Minutes were taken by the secretary and will be posted on the notice board.",
    "Anyone who wishes to join a working group should write to the chair by Friday.",
]


def draw(lines: list[str], face_path: str, pt: float, dpi: int, numbers: bool) -> Image.Image:
    """A white page with ``lines`` (black) at ``pt`` points and ``dpi``, 1.5 lines apart, optionally with
    a grey right-aligned line-number column before them."""
    px = round(pt * dpi / 72)
    face = ImageFont.truetype(face_path, px)
    step = round(px * 1.5)
    margin = round(0.6 * dpi)
    left = margin + (round(4 * face.getlength("0")) if numbers else 0)
    width = left + max(round(face.getlength(s)) for s in lines) + margin
    img = Image.new("L", (width, 2 * margin + step * len(lines)), 255)
    d = ImageDraw.Draw(img)
    for i, s in enumerate(lines):
        y = margin + step * i
        if numbers:
            d.text((left - round(face.getlength("00")) - px, y), f"{i + 1:>2}", font=face, fill=110)
        d.text((left, y), s, font=face, fill=0)
    return img


def spaces(a: str, b: str) -> tuple[int, int]:
    """Word spaces of ``b`` that ``a`` lacks, and of ``a`` that ``b`` lacks (runs of spaces made one)."""
    a, b = re.sub(" +", " ", a.strip()), re.sub(" +", " ", b.strip())
    invented = lost = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("insert", "replace"):
            invented += b[j1:j2].count(" ")
        if tag in ("delete", "replace"):
            lost += a[i1:i2].count(" ")
    return invented, lost


def score(truth: list[str], got: list[str], numbers: bool) -> dict[str, int]:
    """The counts of the module docstring for one page."""
    if numbers:  # drop the line number the text renderer writes first on each row
        got = [re.sub(r"^\s*\d{1,2}(?: |$)", "", g, count=1) for g in got]
    got = [g.rstrip() for g in got if g.strip()]
    out = collections.Counter(lines=len(truth))
    # Pair lines by their space-free text (robust to the spaces under test).
    keys_t = ["".join(t.split()) for t in truth]
    keys_g = ["".join(g.split()) for g in got]
    pairs: list[tuple[int, int]] = []
    sm = difflib.SequenceMatcher(None, keys_t, keys_g, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
    for i, j in pairs:
        t, g = truth[i], got[j]
        out["exact"] += t == g
        out["words"] += t.split() == g.split()
        out["indent"] += len(t) - len(t.lstrip()) == len(g) - len(g.lstrip())
        inv, lost = spaces(t, g)
        out["invented"] += inv
        out["lost"] += lost
    return out


def pages(dpis: list[int], pts: list[float]):
    """``(name, kind, lines, image, numbers)`` of every page."""
    for dpi in dpis:
        for pt in pts:
            for name, path in MONO.items():
                if not Path(path).is_file():
                    continue
                for numbers in (False, True):
                    yield (f"code-{name}-{pt:g}pt-{dpi}{'-num' if numbers else ''}", "mono", CODE,
                           draw(CODE, path, pt, dpi, numbers), numbers)
            for name, path in PROSE.items():
                if Path(path).is_file():
                    yield f"prose-{name}-{pt:g}pt-{dpi}", "prose", PROSE_LINES, draw(PROSE_LINES, path, pt, dpi, False), False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast")
    ap.add_argument("--dpis", default="150,200")
    ap.add_argument("--pt", default="9,11")
    ap.add_argument("--out", type=Path, default=None, help="folder for the pages (default: a temporary one)")
    ap.add_argument("--show", action="store_true", help="print each page's text")
    args = ap.parse_args()
    from ocrplug_render.text import page_text

    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    folder = args.out or Path(tempfile.mkdtemp(prefix="code_listings_"))
    folder.mkdir(parents=True, exist_ok=True)
    drawn = []
    for name, kind, lines, img, numbers in pages([int(v) for v in args.dpis.split(",")],
                                                  [float(v) for v in args.pt.split(",")]):
        path = folder / f"{name}.png"
        img.save(path)
        drawn.append((name, kind, lines, path, numbers))
    keys = ["lines", "exact", "words", "indent", "invented", "lost"]
    print("| page | preset | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for preset in args.presets.split(","):
        pipe = Pipeline.from_dict(dict(preset_config(preset), renderers=[], output={"dir": str(folder / preset)}))
        totals: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for name, kind, lines, path, numbers in drawn:
            text = page_text(pipe.run(path).pages[0])
            if args.show:
                print("\n".join(f"    |{ln}" for ln in text.splitlines()))
            got = score(lines, text.splitlines(), numbers)
            totals[kind].update(got)
            print(f"| {name} | {preset} | " + " | ".join(str(got[k]) for k in keys) + " |", flush=True)
        for kind, got in totals.items():
            print(f"| all {kind} | {preset} | " + " | ".join(str(got[k]) for k in keys) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
