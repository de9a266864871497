"""Czech and Slovak ``ť ď ľ Ľ`` read right, real apostrophes kept (issue 24, R13).

usage: python benchmarks/caron_letters.py [--evidence] [--fonts dejavu,libsans,...] [--sizes 20,28,40]
       [--kinds caron,plain,apostrophe,slovak,elision]

Most faces print the caron of ``ť``, ``ď``, ``ľ`` and ``Ľ`` as an apostrophe after the letter; PP-OCRv6
reads ``žluťoučký`` as ``žlutoučký`` and ``ďábelské`` as ``d’ábelské`` (T12's ``diacritics`` page). This
draws lines of words with such letters (Czech and Slovak sentences) and lines with real apostrophes
(English, French, Italian, Irish names; some of them on a Czech line, where the rule is active) in
``--fonts`` at ``--sizes`` pixels per em, reads each line crop with the ``ppocr`` recognizer and prints,
per kind, the words read right (as a bag, per line) with the raw reading (``before``) and after
:func:`ocrplug_ppocr.recognizer.caron_letters` (``after``). ``--evidence`` prints instead the caron
evidence (:attr:`CTCResult.caron`) the model gives plain ``t``/``d``/``l`` and the caron letters (the
figures :data:`CARON_MIN` is chosen from) and, per letter, the caron letter's own probability
(:attr:`CTCResult.caron_own`) over a letter and the apostrophe read after it, for caron letters and real
apostrophes (R14: Slovak lines with no other Czech/Slovak letter, ``slovak``, and French, Italian and
English apostrophes on lines with none, ``elision``). Recognizer only: no detector, no shared data.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from drawn_pages import FONTS  # noqa: E402

CARON_LINES = [
    "Příliš žluťoučký kůň úpěl ďábelské ódy",
    "Laťka byla vysoko, ale teď ji přeskočil",
    "Ďábel čeká na chuť, již zkusíš",
    "Kŕdeľ ďatľov učí koňa žrať kôru",
    "Ľudia ľúbia ťažké ďalšie úlohy",
    "Hošťálková a Sedláček platí ťuknutím",
    "Nádraží Ďáblice: vlaky ve čtvrť na devět",
    "Loďka teď pluje přes Vltavu k Hrádku",
]
PLAIN_LINES = [  # Czech words with plain t, d, l: none may gain a caron
    "Tento starý potok teče kolem města dál",
    "Dědeček dal dětem dort a limonádu zdarma",
    "Štěstí přeje dobrým lidem, řekl Lukáš",
    "Dobrý den, kolik stojí tato lampa u dveří",
]
APOSTROPHE_LINES = [
    "I don't think it's O'Brien's car",
    "L'eau d'abord, puis l'été à l'heure",
    "Dell'arte e l'uomo d'oggi",
    "We'll see what they'd like, it isn't",
    "Řekl: don't worry, it's O'Neill's dog",
    "Čtěte l'Équipe a d'Artagnan večer",
]
SLOVAK_LINES = [  # R14: no other Czech/Slovak letter on the line (V13's carons2 and more)
    "ťava a ľad", "Daj mu ten ľad", "Otec ťahal voz", "Ľudia idú domov", "Koľko to stojí",
    "Vlak ťahá lokomotíva", "Dávid a ďateľ", "Kúpil som ťavu", "Ďakujem ti veľmi", "Ťahaj to dole",
    "Kde je ľavá ruka", "Hoci ďaleko od mesta",
]
ELISION_LINES = [  # R14: real apostrophes after t, d, l, L on lines with no Czech/Slovak letter
    "Je t'aime et l'amour d'avril", "L'arbre de l'abbé", "Nell'acqua all'alba quell'uomo",
    "D'accord, l'idée t'amuse", "dall'inizio sull'isola dell'anno", "L'Oréal et l'hôtel",
    "Lloyd's and Ford's world", "Il n'y a pas d'eau à l'est",
]
KINDS = {"caron": CARON_LINES, "plain": PLAIN_LINES, "apostrophe": APOSTROPHE_LINES, "slovak": SLOVAK_LINES,
         "elision": ELISION_LINES}
DEFAULT_FONTS = "dejavu,libsans,libserif,notosans,notoserif,nimbusroman,nimbussans,p052,c059,bookman"


def line_image(text: str, face: ImageFont.FreeTypeFont) -> np.ndarray:
    """``text`` in black on white (RGB uint8) with a quarter em of paper above and below, half an em beside."""
    em = face.size
    _, top, right, bottom = face.getbbox(text)
    img = Image.new("RGB", (right + em, bottom - top + em // 2), "white")
    ImageDraw.Draw(img).text((em // 2, em // 4 - top), text, font=face, fill="black")
    return np.asarray(img)


def right(truth: str, read: str) -> int:
    """Words of ``truth`` found in ``read`` (bags, punctuation kept)."""
    return sum((Counter(truth.split()) & Counter(read.split())).values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fonts", default=DEFAULT_FONTS)
    parser.add_argument("--sizes", default="20,28,40")
    parser.add_argument("--evidence", action="store_true")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--show", action="store_true", help="print every line read wrong after")
    args = parser.parse_args()
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import APOSTROPHES, CARON_LETTERS, PPOCRRecognizer, caron_letters, micro_signs

    rec = PPOCRRecognizer(PPOCRRecognizerOptions())
    totals = {kind: np.zeros(3, dtype=np.int64) for kind in args.kinds.split(",")}
    evidence: dict[str, list[float]] = {"plain": [], "caron": []}
    # R14: the caron letter's own probability over a t/d/l/L and the apostrophe read after it, per letter.
    own: dict[str, dict[str, list[float]]] = {"real": {}, "caron": {}}
    for name in args.fonts.split(","):
        for px in (int(v) for v in args.sizes.split(",")):
            face = ImageFont.truetype(FONTS[name], px)
            for kind in args.kinds.split(","):
                lines = KINDS[kind]
                reads = rec.read([line_image(t, face) for t in lines])
                for truth, (res, _) in zip(lines, reads, strict=True):
                    res = replace(res, text=micro_signs(res.text))
                    after = caron_letters(res).text
                    totals[kind] += (right(truth, res.text), right(truth, after), len(truth.split()))
                    if args.show and after != truth:
                        print(f"{name:11s} {px:3d} {kind:10s} {after!r}")
                    if args.evidence and res.caron_own:
                        for k, c in enumerate(res.text[:-1]):
                            if c in CARON_LETTERS and res.text[k + 1] in APOSTROPHES:
                                side = "caron" if kind in ("caron", "slovak") and CARON_LETTERS[c] in truth else "real"
                                own[side].setdefault(c, []).append(res.caron_own[k])
                    if args.evidence and kind in ("caron", "plain") and res.caron:
                        # Each t/d/l read with no apostrophe after it, matched to the truth with caron letters
                        # written plain: evidence of a plain letter or of a caron letter whose mark was dropped.
                        plain = "".join({v: k for k, v in CARON_LETTERS.items()}.get(c, c) for c in truth)
                        match = difflib.SequenceMatcher(None, res.text, plain, autojunk=False)
                        for block in match.get_matching_blocks():
                            for i in range(block.size):
                                k, j = block.a + i, block.b + i
                                if res.text[k] in CARON_LETTERS and res.text[k + 1 : k + 2] not in ("'", "’"):
                                    evidence["caron" if truth[j] != plain[j] else "plain"].append(res.caron[k])
    if args.evidence:
        for kind, values in evidence.items():
            v = np.sort(np.asarray(values))
            q = np.quantile(v, [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]) if len(v) else []
            print(f"{kind:6s} n={len(v)} quantiles 0/5/25/50/75/95/100 %: " + " ".join(f"{x:.4f}" for x in q))
            for t in (0.001, 0.002, 0.003, 0.005, 0.01):
                print(f"   >= {t}: {int((v >= t).sum())}")
        for side, letters in own.items():
            for c, values in sorted(letters.items()):
                v = np.asarray(values)
                print(f"own evidence after {c}' ({side}): n={len(v)} max {v.max():.4f}, "
                      + ", ".join(f">= {t}: {int((v >= t).sum())}" for t in (0.001, 0.003, 0.005, 0.01)))
    for kind, (before, after, n) in totals.items():
        print(f"{kind:10s} words read right: before {before}/{n} ({before / n:.3f}) -> after {after}/{n} ({after / n:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
