"""The ``ppocr`` recognizer: PaddleOCR's CTC recognition model on ONNX Runtime, batched by crop width.

The model and its character list ship inside the ``rapidocr`` wheel (``rapidocr/models/*rec*.onnx``;
rapidocr 3.10 ships ``PP-OCRv6_rec_small.onnx``, a multilingual model whose ~18.7k characters are stored
in the ONNX metadata under ``character``). We only use those files: preprocessing, batching and CTC
decoding are done here.
"""

from __future__ import annotations

import difflib
import importlib.util
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from ocrplug.api import INK_ENDS, ConfigError, Crop, CropRecognizer, Region, WeightsError, require

from .letter_spacing import _widest_blank, join_tracked_words, tracked_spaces, tracked_splits
from .options import PPOCRRecognizerOptions
from .punctuation import latin_punctuation
from .small_caps import small_caps_case

__all__ = [
    "APOSTROPHES",
    "CARON_CONTEXT",
    "CARON_LETTERS",
    "CARON_MIN",
    "CELL_LEFT",
    "CZECH_SLOVAK_ONLY",
    "ENGLISH_ENDINGS",
    "GREEK_MU",
    "LATIN_EXTRA",
    "MICRO_SIGN",
    "PITCH",
    "CTCResult",
    "PPOCRRecognizer",
    "caron_letters",
    "charset_mask",
    "chunk_spans",
    "ctc_greedy",
    "default_model_path",
    "fraction_glyphs",
    "glyph_cells",
    "ligature_letters",
    "load_characters",
    "micro_signs",
    "mono_pitch",
    "page_pitches",
    "split_wide",
    "vulgar_fractions",
]


def default_model_path() -> Path:
    """The recognition model shipped in the installed rapidocr wheel."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError(
            "recognizer 'ppocr' needs the PP-OCR model shipped with rapidocr: pip install 'ocrplug[ppocr]' "
            "or give the option 'model' (a PP-OCR recognition .onnx file)"
        )
    models = Path(next(iter(spec.submodule_search_locations))) / "models"
    found = sorted(models.glob("*rec*.onnx"))
    if not found:
        raise WeightsError(f"no recognition model (*rec*.onnx) in {models}; give the option 'model'")
    # Prefer the newest PP-OCR version when several ship.
    return found[-1]


def load_characters(session_meta: dict[str, str], dict_path: str | None, classes: int | None) -> list[str]:
    """CTC classes: blank, the dictionary's characters, then a space (PaddleOCR's convention)."""
    if dict_path:
        path = Path(dict_path)
        if not path.is_file():
            raise ConfigError(f"ppocr option 'dict_path': {path} does not exist")
        chars = path.read_text(encoding="utf-8").splitlines()
    elif "character" in session_meta:
        chars = session_meta["character"].splitlines()
    else:
        raise WeightsError("the ppocr model has no 'character' metadata; give the option 'dict_path'")
    table = ["", *chars, " "]
    if classes is not None and classes != len(table):
        raise WeightsError(
            f"ppocr dictionary has {len(chars)} characters ({len(table)} classes with blank and space) "
            f"but the model outputs {classes} classes"
        )
    return table


@dataclass(frozen=True)
class CTCResult:
    """Decoded text of one crop, per emitted character: its probability, time step and space evidence.

    ``steps``: the time step at which each character was emitted (fractional after chunks are joined).
    ``space_before``: the highest probability of the space class between the previous emitted
    character and this one (0 for the first), the model's own hint of a word gap it did not emit.
    ``caron``: for an emitted ``t``, ``d``, ``l`` or ``L``, the highest probability of its caron letter
    (:data:`CARON_LETTERS`) or an apostrophe from its own time step up to the next emitted character's
    (0 for other characters; :func:`caron_letters` reads it).
    ``caron_own``: the same span's highest probability of the caron letter alone (no apostrophe class):
    the model's evidence that a ``t``/``d``/``l``/``L`` followed by an apostrophe it read is one letter.
    """

    text: str
    probs: tuple[float, ...]
    steps: tuple[float, ...]
    space_before: tuple[float, ...] = ()
    caron: tuple[float, ...] = ()
    caron_own: tuple[float, ...] = ()

    @property
    def confidence(self) -> float:
        """Mean probability of the emitted characters (0 when nothing was read)."""
        return float(np.mean(self.probs)) if self.probs else 0.0


#: Signs outside U+0000-U+024F that the ``latin`` charset keeps (currency, quotes, dashes, bullets, marks).
LATIN_EXTRA = "€£¥°–—‘’‚“”„…•·×÷±§¶©®™†‡‰′″"


def charset_mask(table: Sequence[str], charset: str) -> np.ndarray | None:
    """Boolean mask over the classes of ``table`` that ``charset`` allows (blank and space always); None for 'all'.

    ``charset``: ``"all"``, ``"latin"`` (code points below U+0250 and :data:`LATIN_EXTRA`), or the allowed
    characters as a string. Raises :class:`~ocrplug.errors.ConfigError` when no character of the table is allowed.
    """
    if charset == "all":
        return None
    if charset == "latin":
        allowed = set(LATIN_EXTRA)

        def ok(c: str) -> bool:
            return len(c) == 1 and (ord(c) < 0x250 or c in allowed)
    else:
        chars = set(charset)

        def ok(c: str) -> bool:
            return c in chars

    mask = np.array([i == 0 or c == " " or ok(c) for i, c in enumerate(table)], dtype=bool)
    if mask.sum() <= 1 + (" " in table):
        raise ConfigError(f"ppocr option 'charset': none of {charset!r} is in the model's character table")
    return mask


def ctc_greedy(
    probs: np.ndarray,
    table: Sequence[str],
    lengths: Sequence[int] | None = None,
    mask: np.ndarray | None = None,
    ligature_min: float | None = None,
) -> list[CTCResult]:
    """Best-path CTC decoding of ``(batch, time, classes)`` probabilities (class 0 = blank).

    ``lengths`` limits each row to its real (unpadded) number of time steps. The space class is the
    table's last entry (PaddleOCR's convention, see :func:`load_characters`). ``mask`` (one bool per
    class, :func:`charset_mask`) restricts the best path to the allowed classes: a disallowed class's
    probability counts as 0, so the best allowed class (often the look-alike: "O" for a CJK ring) wins.
    A letter of an ``fi``/``fl``/``ff`` ligature the best path dropped is put back by
    :func:`ligature_letters` (``ligature_min``: its threshold, default :data:`LIGATURE_MIN`; above 1 turns it off).
    """
    if ligature_min is None:
        ligature_min = LIGATURE_MIN
    best = probs.argmax(axis=2)
    best_p = probs.max(axis=2)
    if mask is not None:
        # Only the time steps whose best class is disallowed are decided again (few: no full-size copy).
        bad = ~mask[best]
        if bad.any():
            allowed = np.where(mask, probs[bad], np.zeros((), dtype=probs.dtype))
            best[bad] = allowed.argmax(axis=1)
            best_p[bad] = allowed.max(axis=1)
    space = len(table) - 1 if table and table[-1] == " " else None
    caron_classes = _caron_classes(table)
    liga = _ligature_classes(table) if ligature_min <= 1.0 else None
    fractions = _fraction_classes(table, mask)
    out = []
    for b in range(best.shape[0]):
        n = best.shape[1] if lengths is None else int(lengths[b])
        idx, p = best[b, :n], best_p[b, :n]
        keep = idx != 0
        keep[1:] &= idx[1:] != idx[:-1]  # collapse repeats
        if liga is not None:
            for s, c in ligature_letters(probs[b, :n], idx, keep, liga, ligature_min):
                keep[s], idx[s], p[s] = True, c, probs[b, s, c]
        if fractions is not None:
            for s, c in fraction_glyphs(probs[b, :n], idx, keep, fractions):
                idx[s] = c  # its probability stays the ½'s: the glyph's (the model gave ¼ and ¾ next to nothing)
        steps = np.flatnonzero(keep)
        text = "".join(table[i] for i in idx[steps])
        hints = [0.0] * len(steps)
        carons = [0.0] * len(steps)
        own = [0.0] * len(steps)
        for k, s in enumerate(steps):
            looks = caron_classes.get(text[k])
            if looks:
                end = int(steps[k + 1]) if k + 1 < len(steps) else n
                span = probs[b, s:max(end, s + 1)]
                carons[k] = float(span[:, looks].max())
                if table[looks[0]] == CARON_LETTERS[text[k]]:
                    own[k] = float(span[:, looks[0]].max())
        if space is not None:
            sp = probs[b, :n, space]
            for k in range(1, len(steps)):
                hints[k] = float(sp[steps[k - 1] + 1 : steps[k] + 1].max())
        out.append(CTCResult(text, tuple(float(v) for v in p[steps]), tuple(float(s) for s in steps), tuple(hints),
                             tuple(carons), tuple(own)))
    return out


#: The letters a Latin ligature joins to the ``f`` before them (``fi``, ``fl``, ``ffi``, ``ffl``). Not ``f``:
#: a put-back ``f`` beside an ``f`` read doubles it more often than it mends an ``ff`` (``benchmarks/ligatures.py``).
LIGATURE_SECONDS = "il"
#: A letter of :func:`ligature_letters` is put back when the model gave it at least this probability at a
#: time step the blank won. ``python benchmarks/ligatures.py --evidence``: see docs/benchmarks.md (G15).
LIGATURE_MIN = 0.2


def _ligature_classes(table: Sequence[str]) -> tuple[int, list[int]] | None:
    """The class of ``f`` in ``table`` and those of :data:`LIGATURE_SECONDS` (None without an ``f``)."""
    index = {c: i for i, c in enumerate(table)}
    if "f" not in index:
        return None
    return index["f"], [index[c] for c in LIGATURE_SECONDS if c in index]


def ligature_letters(
    probs: np.ndarray, idx: np.ndarray, keep: np.ndarray, classes: tuple[int, list[int]], floor: float
) -> list[tuple[int, int]]:
    """Time steps and classes of the ligature letters the best path dropped in one row of probabilities.

    ``probs``: ``(time, classes)``; ``idx``: the best class per step; ``keep``: the steps emitted (repeats
    collapsed). A script face's ``fi``/``fl`` ligature (one glyph; URW Z003's ``Certificate`` read
    ``Certifcate``, ``flower`` read ``lower``, T15) leaves the best path with one letter: the other wins
    only at steps where the blank wins too, with 0.22-0.48 of the probability. Between an emitted ``f`` and
    the next emitted character, the blank-won step where ``i``, ``l`` or ``f`` is likeliest gives that letter
    back; between an emitted character (or the start) and an emitted ``i``, ``l`` or ``f``, the blank-won step
    where ``f`` is likeliest gives an ``f`` back; between other characters, an ``f`` and, at a later step,
    an ``i`` or ``l`` give both back (the whole glyph lost: T15's page crop read ``Certicate``, ``f`` 0.46 then
    ``i`` 0.30); each letter when its probability is at least ``floor``. The gap must hold only blank steps
    (and repeats of the character before it). Returns ``(step, class)`` pairs in time order.
    """
    f, seconds = classes
    emitted = np.flatnonzero(keep)
    out: list[tuple[int, int]] = []
    bounds = [-1, *emitted.tolist(), len(idx)]
    for a, z in itertools.pairwise(bounds):
        lo = a + 1
        while a >= 0 and lo < z and idx[lo] == idx[a]:
            lo += 1
        if lo >= z or (idx[lo:z] != 0).any():
            continue
        gap = probs[lo:z]
        if a >= 0 and idx[a] == f:
            nxt = idx[z] if z < len(idx) else -1
            cand = [c for c in seconds if c != nxt]  # never a doubled letter beside the one read
            sub = gap[:, cand] if cand else np.zeros((len(gap), 1), dtype=gap.dtype)
            t, c = np.unravel_index(int(sub.argmax()), sub.shape)
            if sub[t, c] >= floor:
                out.append((lo + int(t), cand[int(c)]))
                continue
        if a >= 0 and idx[a] == f:
            continue
        t = int(gap[:, f].argmax())
        if gap[t, f] < floor:
            continue
        if z < len(idx) and idx[z] in seconds:
            out.append((lo + t, f))
            continue
        # The whole ligature lost: an f, then its second letter at a later blank-won step.
        nxt = idx[z] if z < len(idx) else -1
        cand = [c for c in seconds if c != nxt]
        if cand and t + 1 < len(gap):
            sub = gap[t + 1 :, cand]
            u, c = np.unravel_index(int(sub.argmax()), sub.shape)
            if sub[u, c] >= floor:
                out += [(lo + t, f), (lo + t + 1 + int(u), cand[int(c)])]
    return out


#: A ``½`` the best path emitted is a ``¼`` when the model gave ``4`` at least this probability at the
#: blank-won steps after it (the denominator it did not emit). ``python benchmarks/fraction_lines.py
#: --evidence`` (H16): ``¼`` read ``½`` 0.025-0.481, ``½`` read right at most 0.004.
QUARTER_MIN = 0.01
#: A ``½`` (or the ``½`` of ``½4``) is a ``¾`` when the model gave ``¾`` at least this probability from its
#: step up to the next character emitted: ``¾`` read so 0.057-0.225, ``¼`` read so at most 0.025 (H16).
THREE_QUARTERS_MIN = 0.04


_FractionClasses = tuple[int, int, int, int, frozenset[int]]


def _fraction_classes(table: Sequence[str], mask: np.ndarray | None) -> _FractionClasses | None:
    """The classes of ``½``, ``¼``, ``¾`` and ``4`` in ``table`` and those of the digits and ``/`` (None
    without all four, or when ``mask`` disallows one)."""
    index = {c: i for i, c in enumerate(table)}
    if any(c not in index for c in "½¼¾4"):
        return None
    if mask is not None and not all(mask[index[c]] for c in "½¼¾"):
        return None
    return index["½"], index["¼"], index["¾"], index["4"], frozenset(index[c] for c in "0123456789/" if c in index)


def fraction_glyphs(
    probs: np.ndarray, idx: np.ndarray, keep: np.ndarray, classes: _FractionClasses
) -> list[tuple[int, int]]:
    """Time steps and new classes of the ``½`` the best path emitted for a ``¼`` or ``¾`` in one row.

    ``probs``: ``(time, classes)``; ``idx``: the best class per step; ``keep``: the steps emitted;
    ``classes``: those of ``½``, ``¼``, ``¾``, ``4`` and of the digits and ``/`` (:func:`_fraction_classes`). PP-OCRv6 writes ``½``
    for the numerator and bar of ``¼`` and ``¾`` (its ``¼``/``¾`` classes get next to nothing) and then
    either reads the denominator as a ``4`` (``½4``: :func:`vulgar_fractions` mends it) or loses it under
    the blank (T15's recipe ``1 ¼ cups`` read ``1 ½ cups``). From an emitted ``½`` up to the next emitted
    character: ``¾`` at least :data:`THREE_QUARTERS_MIN` makes it ``¾``; else, where no digit or ``/``
    comes next, ``4`` at least :data:`QUARTER_MIN` makes it ``¼``. Measured on drawn recipe lines in 8
    faces at 20-64 px (``python benchmarks/fraction_lines.py --evidence``, docs/benchmarks.md, H16)."""
    half, quarter, three, four, digits = classes
    emitted = np.flatnonzero(keep)
    out: list[tuple[int, int]] = []
    for k, s in enumerate(emitted.tolist()):
        if idx[s] != half:
            continue
        end = int(emitted[k + 1]) if k + 1 < len(emitted) else len(idx)
        span = probs[s:end]
        if float(span[:, three].max()) >= THREE_QUARTERS_MIN:
            out.append((s, three))
            continue
        if end < len(idx) and int(idx[end]) in digits:
            continue
        if float(span[:, four].max()) >= QUARTER_MIN:
            out.append((s, quarter))
    return out


#: The letters whose caron most faces print as an apostrophe after the letter (Czech and Slovak ``ť``,
#: ``ď``, ``ľ``, ``Ľ``): PP-OCRv6 reads them as ``t``, ``d’``, ``d'``, ``l'`` or drops the mark (issue 24,
#: T12's ``žluťoučký``, ``ďábelské``). ``Ť`` and ``Ď`` carry a true caron above and are not here.
CARON_LETTERS = {"t": "ť", "d": "ď", "l": "ľ", "L": "Ľ"}
#: The apostrophes the model reads such a caron as.
APOSTROPHES = "'’"
#: Letters only Czech or Slovak use among the languages that write with a Latin alphabet (no elision
#: apostrophe: French, Italian, Catalan, English ``d'``, ``l'``, ``O'``): a reading holding one is read as
#: Czech or Slovak by :func:`caron_letters`.
CARON_CONTEXT = "ěřůňťďľĺŕšžčýĚŘŮŇŤĎĽĹŔŠŽČÝ"
#: The letters of :data:`CARON_CONTEXT` no other language uses (Croatian and Serbian write ``š ž č`` with
#: ``đ``): with one of them in a reading, a ``đ`` the model read is a ``ď`` (Liberation Serif's ``ďábelské``).
CZECH_SLOVAK_ONLY = "ěřůňťďľĺŕĚŘŮŇŤĎĽĹŔ"
#: What follows an apostrophe in English contractions and possessives (``it's``, ``can't``, ``we'll``,
#: ``they're``, ``I've``, ``he'd``, ``I'm``): an apostrophe before one of these stays in :func:`caron_letters`.
ENGLISH_ENDINGS = ("s", "t", "ll", "re", "ve", "d", "m")
#: A ``t``, ``d``, ``l`` or ``L`` in a Czech or Slovak reading becomes its caron letter when the model gave
#: the caron letter or an apostrophe at least this probability between it and the next character
#: (:attr:`CTCResult.caron`). ``python benchmarks/caron_letters.py --evidence``: plain letters at most 0.0042
#: (R13). Without a context letter, the caron letter's own probability (:attr:`CTCResult.caron_own`) over a
#: ``t``/``d``/``l``/``L`` and the apostrophe read after it: real apostrophes at most 0.0024 (R14).
CARON_MIN = 0.005


def _caron_classes(table: Sequence[str]) -> dict[str, list[int]]:
    """For each letter of :data:`CARON_LETTERS`, the classes of ``table`` that are its caron look-alikes."""
    index = {c: i for i, c in enumerate(table)}
    out = {}
    for plain, caron in CARON_LETTERS.items():
        looks = [index[c] for c in (caron, *APOSTROPHES) if c in index]
        if looks:
            out[plain] = looks
    return out


def caron_letters(res: CTCResult) -> CTCResult:
    """``res`` with the apostrophe-shaped carons of a Czech or Slovak reading put back (issue 24).

    Only a reading holding a letter of :data:`CARON_CONTEXT` is changed: there a ``t``, ``d``, ``l`` or
    ``L`` (:data:`CARON_LETTERS`) right after a letter or at a word's start becomes ``ť``, ``ď``, ``ľ``,
    ``Ľ`` when the model read an apostrophe right after it that is followed by a lower-case letter or
    ends the word (the apostrophe goes: ``d’ábelské`` -> ``ďábelské``), or when it read no mark there but
    gave the caron letter or an apostrophe at least :data:`CARON_MIN` (``žlutoučký`` -> ``žluťoučký``); an
    apostrophe the model read after a caron letter it did read goes too, and with a letter of
    :data:`CZECH_SLOVAK_ONLY` in the reading a ``đ`` is a ``ď``. An apostrophe before a capital
    (``d'Artagnan``, ``O'Brien``) or an English ending (:data:`ENGLISH_ENDINGS`: ``it's``, ``we'll``) stays.
    A reading without such a letter (``don't``, ``l'eau``, Slovak ``Kol'ko to stojí``) is read as Slovak
    only on the model's own evidence: a letter with an apostrophe read after it (same conditions) whose
    caron letter alone had at least :data:`CARON_MIN` between them (:attr:`CTCResult.caron_own`;
    ``Kol'ko`` -> ``Koľko``; real apostrophes get at most 0.0024, ``python benchmarks/caron_letters.py
    --evidence``, R14); with one such letter the whole reading is treated as having a context letter. The
    model gives ``ď`` and ``Ľ`` no such evidence (at most 0.0041 and under 0.0001 after ``d'``/``L'``), so
    ``L'udia`` stays where nothing else on its line is Slovak.
    """
    if any(c in CARON_CONTEXT for c in res.text):
        return _put_back_carons(res, context=True)
    if not any(v >= CARON_MIN for v in res.caron_own):
        return res
    found = _put_back_carons(res, context=False)
    # One caron letter on the model's own evidence makes the reading Slovak (or Czech): the rest as with context.
    return res if found is res else _put_back_carons(res, context=True)


def _put_back_carons(res: CTCResult, context: bool) -> CTCResult:
    """:func:`caron_letters`' rules on ``res``; without ``context`` only a letter whose apostrophe the model
    read and whose caron letter it gave at least :data:`CARON_MIN` (:attr:`CTCResult.caron_own`) changes."""
    text = res.text
    own = res.caron_own or (0.0,) * len(text)
    carons = res.caron or (0.0,) * len(text)
    keep = [True] * len(text)
    chars = list(text)
    stroke = any(c in CZECH_SLOVAK_ONLY for c in text)
    for k, c in enumerate(text):
        if c == "đ" and stroke and keep[k]:
            c = chars[k] = "ď"
        if not keep[k] or (c not in CARON_LETTERS and c not in CARON_LETTERS.values()):
            continue
        if k > 0 and not (text[k - 1].isalpha() or text[k - 1].isspace() or text[k - 1] in "„‚\"(«"):
            continue
        nxt = text[k + 1] if k + 1 < len(text) else ""
        apostrophe = bool(nxt) and nxt in APOSTROPHES
        rest = re.match(r"\w*", text[k + 1 + apostrophe :])
        if rest is None or rest.group(0).lower() in ENGLISH_ENDINGS:  # it's, O'Neill's (its mark dropped)
            continue
        if apostrophe:
            after = text[k + 2] if k + 2 < len(text) else ""
            ends = not after or after.isspace() or after in ",.;:!?)"
            if (after.islower() or (ends and k > 0 and text[k - 1].isalpha())) and (context or own[k] >= CARON_MIN):
                chars[k] = CARON_LETTERS.get(c, c)
                keep[k + 1] = False
        elif not context:
            continue
        elif c in CARON_LETTERS and carons[k] >= CARON_MIN:
            chars[k] = CARON_LETTERS[c]
    if chars == list(text):
        return res
    idx = [k for k in range(len(text)) if keep[k]]

    def pick(values: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(values[k] for k in idx) if values else values

    return CTCResult("".join(chars[k] for k in idx), pick(res.probs), pick(res.steps), pick(res.space_before),
                     pick(res.caron), pick(res.caron_own))


@dataclass(frozen=True)
class _Piece:
    """One model input cut from a crop: ``image`` starts ``offset`` crop pixels from the crop's left edge;
    characters whose centre falls in ``[keep_from, keep_to)`` (crop pixels) are kept from it."""

    source: int
    image: np.ndarray
    offset: int
    keep_from: float
    keep_to: float


def chunk_spans(width: int, height: int, max_ratio: float) -> list[tuple[int, int, float, float]]:
    """Overlapping chunks ``(start, end, keep_from, keep_to)`` in pixels for a crop too wide to read whole.

    A crop up to ``max_ratio`` x ``height`` wide is one chunk. Wider crops are cut into chunks of that
    width overlapping by two text heights; each keeps the characters whose centre lies in its core (the
    overlap is split in the middle), so every character is read at least one height from a cut edge.
    """
    limit = max(int(max_ratio * height), 4 * height, 1)
    if width <= limit:
        return [(0, width, 0.0, float(width))]
    overlap = 2 * height
    stride = limit - overlap
    count = math.ceil((width - overlap) / stride)
    stride = math.ceil((width - overlap) / count)
    spans = []
    for k in range(count):
        start = k * stride
        end = min(start + stride + overlap, width)
        keep_from = 0.0 if k == 0 else start + overlap / 2
        keep_to = float(width) if k == count - 1 else start + stride + overlap / 2
        spans.append((start, end, keep_from, keep_to))
    return spans


class PPOCRRecognizer(CropRecognizer):
    """PP-OCR recognition: crops resized to the model height, sorted by width, batched, CTC-decoded."""

    def __init__(self, options: PPOCRRecognizerOptions) -> None:
        """Load the ONNX model and its character table."""
        require("onnxruntime", "ppocr", "ppocr")
        self.options = options
        path = Path(options.model).expanduser() if options.model else default_model_path()
        if not path.is_file():
            raise ConfigError(f"ppocr option 'model': {path} does not exist")
        from ocrplug.api import onnx_session

        # threads None: a share of the cores inside a --jobs worker (see ocrplug.runtime.onnx_session).
        def load(model: Path) -> object:
            return onnx_session(
                model,
                device=options.device,
                threads=options.threads or None,
                what="ppocr model",
                option="ppocr option 'device'",
            )

        if options.precision == "int8":
            from .quantize import load_int8_model

            self.session = load_int8_model(path, load)  # read whole into memory: the file may be temporary
        else:
            self.session = load(path)
        #: The source model (fp32 file; with ``precision: int8`` the quantized model is made from it).
        self.model_path = path
        inp = self.session.get_inputs()[0]
        self.input_name = inp.name
        height = inp.shape[2]
        self.height = int(height) if isinstance(height, int) else 48
        out_classes = self.session.get_outputs()[0].shape[-1]
        self.table = load_characters(
            self.session.get_modelmeta().custom_metadata_map,
            options.dict_path,
            out_classes if isinstance(out_classes, int) else None,
        )
        self.mask = charset_mask(self.table, options.charset)
        #: Crops per model call: the option, else 1 on CPU and 8 on CUDA (see the option's description).
        on_gpu = self.session.get_providers()[0] == "CUDAExecutionProvider"
        self.batch_size = options.batch_size or (8 if on_gpu else 1)
        self.crop_options = options.crop_options()

    # ------------------------------------------------------------------ model
    def _resize(self, image: np.ndarray) -> np.ndarray:
        h, w = image.shape[:2]
        ratio = min(w / max(h, 1), self.options.max_ratio)
        new_w = max(math.ceil(self.height * ratio), 8)
        return cv2.resize(image, (new_w, self.height), interpolation=cv2.INTER_LINEAR)

    def read(self, images: Sequence[np.ndarray], mask: np.ndarray | None = None) -> list[tuple[CTCResult, float]]:
        """Read RGB crops; each result comes with the crop-pixels-per-time-step factor (for word boxes).

        Crops wider than ``max_ratio`` times their height are read in overlapping chunks and joined
        (:func:`chunk_spans`), never squeezed; steps of a joined result count from the crop's left edge.
        ``mask`` (one bool per class, :func:`charset_mask`) replaces the ``charset`` option's.
        """
        pieces: list[_Piece] = []
        for i, img in enumerate(images):
            for start, end, keep_from, keep_to in chunk_spans(img.shape[1], img.shape[0], self.options.max_ratio):
                pieces.append(_Piece(i, img[:, start:end], start, keep_from, keep_to))
        reads = self._read_pieces([p.image for p in pieces], self.mask if mask is None else mask)
        joined: list[list[tuple[_Piece, CTCResult, float]]] = [[] for _ in images]
        for piece, (res, px) in zip(pieces, reads, strict=True):
            joined[piece.source].append((piece, res, px))
        return [_join_chunks(parts) for parts in joined]

    def _read_pieces(self, images: Sequence[np.ndarray], mask: np.ndarray | None) -> list[tuple[CTCResult, float]]:
        results: list[tuple[CTCResult, float] | None] = [None] * len(images)
        if not images:
            return []
        resized = [self._resize(img) for img in images]
        # Sorting by width keeps crops of similar width together, so little of each batch is padding.
        order = sorted(range(len(images)), key=lambda i: resized[i].shape[1])
        bs = self.batch_size
        for start in range(0, len(order), bs):
            idx = order[start : start + bs]
            # Padded to the batch's widest crop, or to min_ratio x height if wider (0 by default: a short
            # word costs its own width, not a 320 px line, at no CER cost; docs/benchmarks.md).
            width = max(max(resized[i].shape[1] for i in idx), round(self.height * self.options.min_ratio))
            batch = np.zeros((len(idx), 3, self.height, width), dtype=np.float32)
            for k, i in enumerate(idx):
                # PaddleOCR models are trained on BGR images scaled to [-1, 1].
                img = resized[i][:, :, ::-1].astype(np.float32) * (2.0 / 255.0) - 1.0
                batch[k, :, :, : img.shape[1]] = img.transpose(2, 0, 1)
            probs = self.session.run(None, {self.input_name: batch})[0]
            steps_per_px = probs.shape[1] / width
            lengths = [max(1, round(resized[i].shape[1] * steps_per_px)) for i in idx]
            for i, res in zip(idx, ctc_greedy(probs, self.table, lengths, mask), strict=True):
                px_per_step = (images[i].shape[1] / resized[i].shape[1]) / steps_per_px
                results[i] = (res, px_per_step)
        return [r for r in results if r is not None]

    def score(self, images: Sequence[np.ndarray]) -> list[float]:
        """Confidence of the model's reading of each crop (the orientation scorer)."""
        return [res.confidence * min(1.0, len(res.text) / 2) for res, _ in self.read(images)]

    def scorer(self, regions: Sequence[Region]) -> Callable[[Sequence[np.ndarray]], list[float]]:
        """The model's confidence picks the sense of vertical crops."""
        return self.score

    def read_crops(self, crops: Sequence[Crop], regions: Sequence[Region]) -> list[Region]:
        """Text and confidence of ``regions``; line regions get word children from the CTC time steps.

        A one-character ASCII reading (a form's lone answer) under :data:`LONE_REREAD_CONFIDENCE` whose ink
        spans at most :data:`LONE_INK_SHARE` of the crop's width is read again from the crop cut to its ink
        (:func:`_ink_crop`); another character read more confidently there replaces it (its word box then
        comes from the cut crop). An empty reading stays empty: no new words from noise.
        """
        crops = [_flat_crop(c) for c in crops]
        reads = self.read([c.image for c in crops])
        unsure = [i for i, (res, _) in enumerate(reads)
                  if len(res.text.strip()) == 1 and res.text.strip().isascii() and res.confidence < LONE_REREAD_CONFIDENCE]
        tight = {i: _ink_crop(crops[i]) for i in unsure}
        tight = {i: c for i, c in tight.items() if c is not None}
        for i, (res, px) in zip(tight, self.read([c.image for c in tight.values()]), strict=True):
            first = reads[i][0]
            if len(res.text.strip()) == 1 and res.text.strip() != first.text.strip() and res.confidence > first.confidence:
                crops[i], reads[i] = tight[i], (res, px)
        self._read_flat_bars(crops, reads)
        cells: list[np.ndarray | None] = [None] * len(crops)
        heights = [0.0] * len(crops)
        for i, (region, crop, (res, _)) in enumerate(zip(regions, crops, reads, strict=True)):
            if self.options.space_gap > 0 and region.level == "line" and res.text.strip():
                cells[i] = glyph_cells(_ink_runs(_glyph_columns(crop)))
                heights[i] = float(crop.height)
        pitches = page_pitches(cells, heights)
        for i, pitch in enumerate(pitches):
            if pitch is not None and not _cells_agree(cells[i], pitch, reads[i][0].text):
                pitches[i] = None
        return join_tracked_words([  # a box of one tracked word read as letters (issue 24)
            _fill(r, c, res, px, self.options, pitch)
            for r, c, (res, px), pitch in zip(regions, crops, reads, pitches, strict=True)
        ])


    def _read_flat_bars(self, crops: list[Crop], reads: list[tuple[CTCResult, float]]) -> None:
        """Re-read, in place, the one-character readings of flat-bar crops (:func:`_is_flat_bar`) with only
        :data:`FLAT_GLYPHS` allowed (and ``一`` where another crop of the batch reads a CJK ideograph).

        A lone dash (``-`` for "none" in a table cell) cropped alone is a flat bar in paper, which the
        model reads as ``一`` (U+4E00) or ``1`` at 0.7-0.8 (T6's FreeMono page at 150 dpi, ``swift``): no
        digit or letter is one flat bar, so the reading is decided among the glyphs that are."""
        flat = [i for i, (res, _) in enumerate(reads) if len(res.text.strip()) == 1 and res.text.strip() not in FLAT_GLYPHS
                and _is_flat_bar(crops[i].image)]
        if not flat:
            return
        cjk = any(any("\u4e00" <= ch <= "\u9fff" for ch in res.text) for k, (res, _) in enumerate(reads) if k not in flat)
        allowed = FLAT_GLYPHS + ("一" if cjk else "")
        mask = np.array([i == 0 or c in allowed for i, c in enumerate(self.table)], dtype=bool)
        if self.mask is not None:
            mask &= self.mask | (np.arange(len(mask)) == 0)
        if mask.sum() <= 1:
            return
        for i, again in zip(flat, self.read([crops[i].image for i in flat], mask), strict=True):
            if len(again[0].text.strip()) == 1:
                reads[i] = again


#: The glyphs that are one flat bar (hyphen, dashes, minus, underscore, tilde): what a crop holding one
#: flat bar of ink may read as (:meth:`PPOCRRecognizer._read_flat_bars`).
FLAT_GLYPHS = "-‐‑‒–—―−_~"
#: A crop's ink is one flat bar when its largest component (Otsu; components under :data:`_BAR_SPECK` of
#: the ink are specks) holds all the rest, is at least :data:`FLAT_BAR_ASPECT` times as wide as tall and
#: fills :data:`FLAT_BAR_FILL` of its rectangle: a ``-`` is a solid rectangle, ``一``'s brush ends and a
#: ``~``'s wave fill less, and no digit or Latin letter is flat.
FLAT_BAR_ASPECT = 2.0
FLAT_BAR_FILL = 0.7
_BAR_SPECK = 0.1


def _ink_mask(image: np.ndarray) -> np.ndarray | None:
    """The ink of a crop (H x W or H x W x 3, uint8) as an H x W uint8 mask, 1 = ink (Otsu; light text on
    a dark ground inverted); None for a crop spanning under 64 grey levels (no ink to threshold)."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    if int(gray.max()) - int(gray.min()) < 64:
        return None
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # light text on a dark ground
        ink = 1 - ink
    return ink


def _is_flat_bar(image: np.ndarray) -> bool:
    """Whether the ink of ``image`` (H x W or H x W x 3, uint8) is one flat solid bar (:data:`FLAT_BAR_ASPECT`)."""
    ink = _ink_mask(image)
    if ink is None:
        return False
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    area = stats[1:count, cv2.CC_STAT_AREA]
    if not len(area):
        return False
    k = int(np.argmax(area))
    if np.any(np.delete(area, k) >= _BAR_SPECK * area[k]):
        return False
    _, _, w, h, a = (int(v) for v in stats[k + 1])
    return w >= FLAT_BAR_ASPECT * h and a >= FLAT_BAR_FILL * w * h


#: A one-character reading under this confidence is read again from its crop cut to the ink: a line
#: box grown around one small glyph (a monospaced ``%``: two rings and a bar, 20 px tall at 200 dpi)
#: leaves a small mark in wide paper, which the model reads as ``0`` or ``o`` (0.38); cut to the ink
#: with :data:`LONE_INK_PAD` of paper around it, it reads ``%``. benchmarks/newuser_pages.py,
#: ``labels_nimbusmono_200`` (docs/recognizers.md "Lone glyphs").
LONE_REREAD_CONFIDENCE = 0.5
#: A lone glyph is re-read only where its ink spans at most this share of its crop's width (a small glyph
#: in a wide box); scene text cut into one-character pieces fills its crop (icdar2015_val img_116: a
#: re-read there changed the page's lines, H-mean of the first 40 images 0.674 -> 0.665).
LONE_INK_SHARE = 0.5
#: Paper around the ink of a re-read lone glyph (left and right, above and below), times its ink height.
#: ``python benchmarks/lone_reread.py`` reads a lone ``%``, ``0`` and ``x`` in URW Nimbus Mono, Liberation
#: Mono, DejaVu Sans Mono and DejaVu Sans at 25-46 px with 0.1-0.6 of paper each way: Nimbus Mono's
#: ``%`` is read right at every size only with about 0.3 beside it and 0.45 above and below.
LONE_INK_PAD = (0.3, 0.45)


def _ink_crop(crop: Crop) -> Crop | None:
    """``crop`` cut to its ink's bounding box (Otsu, as :func:`_ink_columns`) with :data:`LONE_INK_PAD`
    times the ink height of paper (the median of the crop's non-ink pixels) on each side, ``to_page``
    moved along; None without ink (a crop of one gray level), where the ink spans more than
    :data:`LONE_INK_SHARE` of the crop's width, or where it is flat (:data:`FLAT_BAR_ASPECT` times wider
    than tall: a dash, whose height gives no text scale)."""
    image = crop.image
    ink = _ink_mask(image)
    if ink is None:
        return None
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if cols[-1] - cols[0] + 1 > LONE_INK_SHARE * crop.width:
        return None
    height = int(rows[-1] - rows[0] + 1)
    if cols[-1] - cols[0] + 1 >= FLAT_BAR_ASPECT * height:
        # A flat mark (a dash): paper in its own few pixels' height would blow it up into a block, read
        # as ``_`` or ``–`` (T6's FreeMono dash at 150 dpi, 1 px thick); its crop keeps the row's scale.
        return None
    px, py = (math.ceil(share * height) for share in LONE_INK_PAD)
    x0, y0 = int(cols[0]) - px, int(rows[0]) - py
    x1, y1 = int(cols[-1]) + 1 + px, int(rows[-1]) + 1 + py
    paper = image[ink == 0]
    fill = np.median(paper, axis=0) if len(paper) else np.full(image.shape[2:], 255)
    out = np.empty((y1 - y0, x1 - x0, *image.shape[2:]), dtype=image.dtype)
    out[...] = fill.astype(image.dtype)
    sx0, sy0, sx1, sy1 = max(x0, 0), max(y0, 0), min(x1, crop.width), min(y1, crop.height)
    out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = image[sy0:sy1, sx0:sx1]
    shift = np.array([[1.0, 0.0, x0], [0.0, 1.0, y0], [0.0, 0.0, 1.0]])
    return replace(crop, image=out, to_page=crop.to_page @ shift)


def _join_chunks(parts: list[tuple[_Piece, CTCResult, float]]) -> tuple[CTCResult, float]:
    """One crop's result from the results of its chunks (a single chunk passes through).

    Each chunk keeps the characters whose centre lies in its core; but the two chunks of an overlap
    place one character's CTC step apart by up to a step, so a character at the cut was kept by both
    ("ussed", "paayment." in 7 pt print at 300 dpi) or by neither. So the two readings of each overlap
    are aligned first (:class:`difflib.SequenceMatcher` on their characters): a character both read is
    kept once, by the chunk in whose core the mean of its two centres lies; the others by their own
    centre as before.
    """
    if len(parts) == 1 and parts[0][0].offset == 0:
        return parts[0][1], parts[0][2]
    px = parts[0][2]
    centres = [
        [piece.offset + (res.steps[k] + 0.5) * piece_px for k in range(len(res.text))] for piece, res, piece_px in parts
    ]
    keep = [
        [piece.keep_from <= c < piece.keep_to for c in cs] for (piece, _, _), cs in zip(parts, centres, strict=True)
    ]
    for p in range(1, len(parts)):
        (prev, a_res, _), (piece, b_res, _) = parts[p - 1], parts[p]
        lo, hi, seam = piece.offset, prev.offset + prev.image.shape[1], piece.keep_from
        a = [k for k, c in enumerate(centres[p - 1]) if lo <= c < hi]
        b = [k for k, c in enumerate(centres[p]) if lo <= c < hi]
        matcher = difflib.SequenceMatcher(
            None, "".join(a_res.text[k] for k in a), "".join(b_res.text[k] for k in b), autojunk=False
        )
        for block in matcher.get_matching_blocks():
            for i, j in zip(a[block.a : block.a + block.size], b[block.b : block.b + block.size], strict=True):
                mine = (centres[p - 1][i] + centres[p][j]) / 2 < seam
                keep[p - 1][i], keep[p][j] = mine, not mine
    text: list[str] = []
    probs: list[float] = []
    steps: list[float] = []
    hints: list[float] = []
    carons: list[float] = []
    own: list[float] = []
    for (_, res, _), cs, ks in zip(parts, centres, keep, strict=True):
        for k, ch in enumerate(res.text):
            if ks[k]:
                text.append(ch)
                probs.append(res.probs[k])
                steps.append(cs[k] / px - 0.5)
                hints.append(res.space_before[k] if res.space_before else 0.0)
                carons.append(res.caron[k] if res.caron else 0.0)
                own.append(res.caron_own[k] if res.caron_own else 0.0)
    return CTCResult("".join(text), tuple(probs), tuple(steps), tuple(hints), tuple(carons), tuple(own)), px


#: Closing kernel side for a crop's background, as a share of the crop's height: wider than a glyph's
#: stroke (about 0.1-0.2 of the crop height), narrower than a word.
TONE_KERNEL = 0.5
#: A crop's background has a tone step when its column levels (5th to 95th percentile) differ by more
#: than this many grey levels: the darkest band ``benchmarks/tone_step.py`` draws that glues words is 20
#: levels under the paper. The next three constants keep ordinary crops (a form's box edges, a photo's
#: shading) unflattened: see :func:`flatten_tone_step` and docs/benchmarks.md.
TONE_STEP = 16
#: At most this share of the columns lies between the two levels (a step, not a gradient): highlighted
#: lines have at most 0.01, photo crops mostly 0.1 or more.
TONE_MID = 0.05
#: The darker level spans a run of at least this many crop heights (a band over a word or more).
TONE_RUN = 1.5
#: Both levels are at least this light (grey level): dark text stays readable on the band only then.
TONE_LIGHT = 128


def flatten_tone_step(image: np.ndarray) -> np.ndarray:
    """``image`` (H x W x 3 RGB or H x W uint8, dark text on a light ground) with its background
    divided out, as a grey image of the same shape, when the background has a tone step; else
    ``image`` itself (the same object, so ordinary crops cost one closing and are read as before).

    A translucent band over some words of a line (a highlighter, issue 24) leaves the model no space at
    the band's edges and the ink-gap word split no blank columns there. The background is the grey
    closing (dilate then erode, a square of :data:`TONE_KERNEL` times the crop height) of the crop's
    luma, which removes strokes and keeps the band; its column profile (median over rows) has a tone
    step when its levels differ by more than :data:`TONE_STEP`, at most :data:`TONE_MID` of the columns
    lie between them, the darker level runs at least :data:`TONE_RUN` crop heights and both levels are
    at least :data:`TONE_LIGHT`. Dividing the luma by the background turns band and paper white.
    Diagnosis and the page-level version of the remedy: W13's probe of T13's highlighter page. Raises
    nothing.
    """
    h, w = image.shape[:2]
    if h < 8 or w < TONE_RUN * h:
        return image
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    side = max(3, round(TONE_KERNEL * h) | 1)
    ground = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    profile = np.median(ground, axis=0)
    low, high = np.percentile(profile, (5, 95))
    step = high - low
    if step <= TONE_STEP or low < TONE_LIGHT:
        return image
    if np.mean((profile > low + step / 4) & (profile < high - step / 4)) > TONE_MID:
        return image
    dark = np.concatenate([[0], (profile <= low + step / 4).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(dark))
    if (edges[1::2] - edges[::2]).max(initial=0) < TONE_RUN * h:
        return image
    flat = np.clip(gray.astype(np.float32) * 255.0 / np.maximum(ground, 1).astype(np.float32), 0, 255)
    flat = flat.astype(np.uint8)
    return cv2.cvtColor(flat, cv2.COLOR_GRAY2RGB) if image.ndim == 3 else flat


def _flat_crop(crop: Crop) -> Crop:
    image = flatten_tone_step(crop.image)
    return crop if image is crop.image else replace(crop, image=image)


def _ink_columns(crop: Crop) -> tuple[np.ndarray, float]:
    """Which columns of the crop hold ink, and the text's ink height (pixels); Otsu separates ink from paper."""
    image = crop.image
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # light text on a dark ground
        ink = 1 - ink
    rows = np.flatnonzero(ink.any(axis=1))
    height = float(rows[-1] - rows[0] + 1) if len(rows) else float(crop.height)
    return ink.any(axis=0), height


def _ink_gaps(columns: np.ndarray, height: float, res: CTCResult, px_per_step: float) -> list[float]:
    """Widest run of ink-free columns between each emitted character and the previous one, as a share
    of the text's ink height (0 for the first character)."""
    out = [0.0]
    for k in range(1, len(res.steps)):
        x0 = int((res.steps[k - 1] + 0.5) * px_per_step)
        x1 = int((res.steps[k] + 0.5) * px_per_step)
        out.append(_widest_blank(columns, x0, x1) / height)
    return out


def _trim(columns: np.ndarray, x0: float, x1: float) -> tuple[float, float]:
    """``[x0, x1]`` shrunk to the ink columns inside it (unchanged when it holds no ink)."""
    a, b = max(int(x0), 0), min(math.ceil(x1), len(columns))
    inked = np.flatnonzero(columns[a:b])
    if not len(inked):
        return x0, x1
    return float(a + inked[0]), float(a + inked[-1] + 1)


#: The farthest (times the text's ink height) a word's end is moved out to the end of the glyph it cuts:
#: a CTC span that ends inside a glyph misses at most part of one glyph (``M``, ``W``: about 0.8 height).
SNAP_REACH = 0.4
# A crop row inked over more than this share of its width is a rule (an underline), not glyphs.
_RULE_ROW = 0.75


def _glyph_columns(crop: Crop) -> np.ndarray:
    """Which columns of the crop hold glyph ink: Otsu ink (as :func:`_ink_columns`) without rule rows."""
    image = crop.image
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # light text on a dark ground
        ink = 1 - ink
    ink[ink.mean(axis=1) > _RULE_ROW] = 0
    return ink.any(axis=0)


def _snap_to_ink(columns: np.ndarray, spans: list[tuple[float, float]], k: int, height: float) -> tuple[float, float, list[bool]]:
    """Word ``k``'s span ``spans[k]`` (crop x, pixels) with each end that cuts a glyph moved out to its end.

    An end whose next column outwards is inked (the CTC span ended inside a glyph) moves out over the
    contiguous inked columns to the first blank one, if that lies within :data:`SNAP_REACH` times
    ``height`` and not past the neighbouring word's span (or the crop's edge); otherwise it stays.
    Returns ``(x0, x1, moved)``, ``moved`` saying for the left and right end whether it moved onto the
    glyph's end (the ink evidence :data:`ocrplug.api.INK_ENDS` records).
    """
    x0, x1 = spans[k]
    reach = SNAP_REACH * height
    lo = max(spans[k - 1][1] if k > 0 else 0.0, x0 - reach, 0.0)
    hi = min(spans[k + 1][0] if k + 1 < len(spans) else float(len(columns)), x1 + reach, float(len(columns)))
    a, b = math.floor(x0), math.ceil(x1)
    while a - 1 >= lo and columns[a - 1]:
        a -= 1
    while b + 1 <= hi and columns[b]:
        b += 1
    left = a < math.floor(x0) and a - 1 >= lo and not columns[a - 1]
    right = b > math.ceil(x1) and b + 1 <= hi and not columns[b]
    return (float(a) if left else x0), (float(b) if right else x1), [bool(left), bool(right)]


def _in_number(text: str, k: int) -> bool:
    """Whether ``text[k]`` continues a number across a separator ("1.32", "2,50", "12:30"): no space there.

    Receipt fonts print wide periods, so the ink gap after one can look like a word space.
    """
    if not text[k].isdigit() or k < 2:
        return False
    return (text[k - 1] in ".,:" and text[k - 2].isdigit()) or (text[k - 1].isdigit() and text[k - 2] in ".,:")


#: Marks that close the word before them (``Code:``, ``3.50,``, ``(see p. 4)``, ``50%``).
CLOSING_MARKS = ".,:;!?)%"
#: A monospaced word's glyph pitch (ink centre to ink centre) varies by at most this share of its median,
#: and a closing mark in the next cell sits one pitch (within this share) from the word's last glyph.
#: Measured by ``python benchmarks/mono_marks.py`` (38 label and receipt words, six marks, Nimbus Mono,
#: Liberation Mono and DejaVu Sans Mono against DejaVu Sans, Liberation Sans and Serif and Nimbus Sans at
#: 21-46 px; docs/recognizers.md "Word gaps"): a mark drawn with no space before it passes in 82 % of the
#: monospaced cases (none after a two-letter word, which gives no pitch), a mark drawn after a space in
#: none; in proportional print a mark after a real space passes in 4.5 % of the cases, all after words of
#: three or four letters (0.10: 73 % and 3.9 %).
MONO_PITCH_TOL = 0.12


def _closes_word(text: str, k: int) -> bool:
    """Whether ``text[k]`` is a closing mark (:data:`CLOSING_MARKS`) that ends the word before it.

    Monospaced (receipt, typewriter) fonts centre a period or colon in a whole character cell, so
    the ink gap before it looks like a word space ("Grade :", "3 .50"). A run of the same mark
    (leaders "Contents ....... 7", ". . .") is not closing: it may stand apart from the word. The
    caller also asks that a word start after the mark or a number go on (:func:`_mark_ends_word`).
    """
    if k < 1 or text[k] not in CLOSING_MARKS or not text[k - 1].isalnum():
        return False
    return text[k + 1 :].lstrip()[:1] != text[k]


def _ink_runs(columns: np.ndarray) -> np.ndarray:
    """(N, 2) first and past-last column of each run of inked columns (a glyph, in most print)."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], columns.astype(np.int8), [0]])))
    return edges.reshape(-1, 2)


def _in_next_cell(runs: np.ndarray, x_mark: float, glyphs: int) -> bool:
    """Whether the mark whose CTC position is ``x_mark`` (crop x, pixels) sits in the character cell
    right after a monospaced word of ``glyphs`` characters: no word gap between them, whatever the ink
    gap looks like.

    ``runs``: the crop's ink runs (:func:`_ink_runs`). The mark's run is the one holding ``x_mark`` (else
    the nearest by centre); the word's are the ``glyphs`` runs before it. The word is monospaced when it
    has at least three runs whose centre-to-centre pitches lie within :data:`MONO_PITCH_TOL` of their
    median, and the mark is in the next cell when its centre is that pitch (within the same share) from
    the last run's: after a real space it is two pitches away. Touching glyphs (one run for two) fail
    the test, so the model's space is kept.
    """
    if len(runs) < 4 or glyphs < 3:
        return False
    centres = runs.mean(axis=1)
    inside = np.flatnonzero((runs[:, 0] <= x_mark) & (x_mark < runs[:, 1]))
    m = int(inside[0]) if len(inside) else int(np.argmin(np.abs(centres - x_mark)))
    word = centres[max(m - glyphs, 0) : m]
    if len(word) < 3:
        return False
    pitches = np.diff(word)
    pitch = float(np.median(pitches))
    if pitch <= 0 or np.max(np.abs(pitches / pitch - 1)) > MONO_PITCH_TOL:
        return False
    return abs((centres[m] - word[-1]) / pitch - 1) <= MONO_PITCH_TOL


#: A line is monospaced when at least :data:`MONO_MIN_STEPS` centre-to-centre distances between its
#: neighbouring ink runs (glyphs) lie within :data:`MONO_FIT_TOL` of a whole number of its pitch (the
#: median distance) and at least :data:`MONO_FIT_SHARE` of them do. Measured by
#: ``python benchmarks/code_listings.py`` (docs/benchmarks.md "Monospaced code listings"): DejaVu Sans
#: Mono and Liberation Mono code lines pass, proportional prose lines (DejaVu Sans, Liberation Sans and
#: Serif) do not.
MONO_MIN_STEPS = 6
MONO_FIT_TOL = 0.25
MONO_FIT_SHARE = 0.9
#: On a monospaced line, two glyphs whose ink centres lie at most this many pitches apart sit in
#: neighbouring cells (no space between them, whatever the ink gap or the model says); at least
#: ``2 - MONO_ONE_CELL + 1`` pitches apart, an empty cell (a space) lies between them.
MONO_ONE_CELL = 1.3
#: A short line (at least this many glyph distances) takes the pitch of a monospaced line on its page
#: whose crop height is within this share of its own (:func:`page_pitches`).
MONO_SHORT_STEPS = 2
MONO_SAME_HEIGHT = 0.25
#: A monospaced line spans at most this share of its characters more cells than it has characters
#: (runs of spaces the model wrote as one): ``_cells_agree``.
MONO_CELL_SLACK = 0.2
#: The line attribute holding a monospaced line's character pitch (page pixels per cell): the ``text``
#: renderer indents the line by it (docs/renderers.md).
PITCH = "pitch"
#: The line attribute holding the page x of the left edge of a monospaced line's first character cell.
CELL_LEFT = "cell_left"


def glyph_cells(runs: np.ndarray) -> np.ndarray:
    """(N, 2) extents of a line's glyphs from its ink runs (:func:`_ink_runs`): runs whose centres lie
    closer than half the median centre distance are strokes of one glyph (``"``, ``%``) and are joined."""
    if len(runs) < 3:
        return runs
    first = float(np.median(np.diff(runs.mean(axis=1))))
    out = [list(runs[0])]
    for a, b in runs[1:]:
        if (a + b) / 2 - (out[-1][0] + out[-1][1]) / 2 < 0.5 * first:
            out[-1][1] = b
        else:
            out.append([a, b])
    return np.asarray(out, dtype=runs.dtype)


def split_wide(cells: np.ndarray, pitch: float) -> np.ndarray:
    """``cells`` (glyph extents, :func:`glyph_cells`) with each run at least 1.3 ``pitch`` wide taken as
    ``n = round(width / pitch + 0.3)`` glyphs one pitch apart about its centre: monospaced glyphs that
    touch (``+=``, ``rn``, ``if``) are one ink run, whose centre lies between their cells."""
    out = []
    for a, b in cells:
        n = max(1, round((b - a) / pitch + 0.3)) if b - a >= 1.3 * pitch else 1
        mid, half = (a + b) / 2, (b - a) / (2 * n)
        out.extend((mid + (k - (n - 1) / 2) * pitch - half, mid + (k - (n - 1) / 2) * pitch + half) for k in range(n))
    return np.asarray(out, dtype=np.float64).reshape(-1, 2)


def _fits(d: np.ndarray, pitch: float) -> np.ndarray:
    cells = np.round(d / pitch)
    return (cells >= 1) & (np.abs(d / pitch - cells) <= MONO_FIT_TOL)


def mono_pitch(cells: np.ndarray) -> float | None:
    """The character pitch (pixels) of a monospaced line from its glyphs (:func:`glyph_cells`), or None.

    The pitch is the median of the centre-to-centre distances of neighbouring glyphs that lie within a
    quarter of their median. The line is monospaced when at least :data:`MONO_MIN_STEPS` of the
    distances are one pitch and at least :data:`MONO_FIT_SHARE` of them lie within :data:`MONO_FIT_TOL`
    pitch of a whole number of pitches (a space is one more).
    """
    if len(cells) < MONO_MIN_STEPS + 1:
        return None
    d = np.diff(cells.mean(axis=1))
    first = float(np.median(d))
    if first <= 0:
        return None
    near = d[np.abs(d / first - 1) <= 0.25]
    if len(near) < MONO_MIN_STEPS:
        return None
    pitch = float(np.median(near))
    fit = _fits(d, pitch)
    if fit.mean() < MONO_FIT_SHARE or int((fit & (np.round(d / pitch) == 1)).sum()) < MONO_MIN_STEPS:
        return None
    return pitch


def _cells_agree(cells: np.ndarray | None, pitch: float, text: str) -> bool:
    """Whether the cells a monospaced line spans (first glyph to last, at ``pitch``) hold the characters
    the model read there: at least as many as its non-space characters and at most as many as all of
    them with :data:`MONO_CELL_SLACK` more (a missed second space). A scan's touching glyphs (two or three
    to an ink run) give a pitch of two or three cells, and the line then spans too few cells."""
    if cells is None or not len(cells):
        return False
    centres = split_wide(cells, pitch).mean(axis=1)
    span = round(float(centres[-1] - centres[0]) / pitch) + 1
    body = text.strip()
    return len(body.replace(" ", "")) <= span <= len(body) + max(2, round(MONO_CELL_SLACK * len(body)))


def page_pitches(cells: Sequence[np.ndarray | None], heights: Sequence[float]) -> list[float | None]:
    """The pitch of each line of a page (:func:`mono_pitch`), short lines included: a line with too few
    glyphs to show a pitch of its own takes that of a monospaced line of the same height (``heights``: the
    crops', within :data:`MONO_SAME_HEIGHT`) when at least :data:`MONO_SHORT_STEPS` distances between its glyphs are
    there and every one lies within :data:`MONO_FIT_TOL` of a whole number of that pitch."""
    own = [mono_pitch(c) if c is not None else None for c in cells]
    known = [(p, h) for p, h in zip(own, heights, strict=True) if p is not None]
    out = list(own)
    for i, (c, h) in enumerate(zip(cells, heights, strict=True)):
        if out[i] is not None or c is None or len(c) < MONO_SHORT_STEPS + 1 or not known:
            continue
        for p, kh in known:
            d = np.diff(split_wide(c, p).mean(axis=1))
            if abs(h / kh - 1) <= MONO_SAME_HEIGHT and _fits(d, p).all():
                out[i] = p
                break
    return out


def _cells_between(runs: np.ndarray, x0: float, x1: float, pitch: float) -> float:
    """Pitches between the two glyphs either side of the blank between two characters the model placed
    at crop x ``x0`` and ``x1`` (their ink runs' centres); 0 when no blank lies there (touching glyphs or
    one glyph). Of the blanks that reach into ``[x0, x1)`` the one whose middle lies nearest the middle of
    the two is taken: a CTC position may fall past its glyph, over the blank beyond it."""
    starts, ends = runs[1:, 0], runs[:-1, 1]  # the blank before run j + 1 is [ends[j], starts[j])
    inside = np.flatnonzero((np.minimum(starts, x1) - np.maximum(ends, x0) > 0) & (starts > ends))
    if not len(inside):
        return 0.0
    j = int(inside[np.argmin(np.abs((starts[inside] + ends[inside]) / 2 - (x0 + x1) / 2))])
    return float((runs[j + 1].mean() - runs[j].mean()) / pitch)


def _mark_ends_word(text: str, k: int, gap_after: bool) -> bool:
    """Whether the closing mark ``text[k]`` ends the word before it where a word starts after it
    (``gap_after``: a space or a split follows; ``Grade: X``), a number goes on (``3.50``) or the text
    ends; one between two words with no space after it is a separator sign (``MARINA : SQUARE`` on a
    sign, read ``MARINA:SQUARE``) and stays apart. The one rule for a closing mark in :func:`_fill`."""
    return _closes_word(text, k) and (k + 1 == len(text) or gap_after or _in_number(text, k + 1))


#: Greek small mu (U+03BC) and the micro sign (U+00B5): one glyph in print faces (NFKC makes the micro
#: sign the Greek letter), two characters. PP-OCR emits either for the same ink.
GREEK_MU, MICRO_SIGN = "\u03bc", "\u00b5"


def micro_signs(text: str) -> str:
    """``text`` with each Greek mu that a Latin letter follows, in a word holding no other Greek
    character, made the micro sign, the character a unit prefix is written with (``µm``, ``2 µF``,
    ``120µg``; the same length, character for character). A mu among other Greek letters (``μέσα``) or
    alone (``μ = 0.5``, a variable) stays Greek. The unit is the reading a Latin
    page means, and the one keyboards and Latin-1 text carry (docs/benchmarks.md "Unit signs and
    fractions": the model wrote the Greek letter for 50 of 60 drawn ``µ``)."""
    if GREEK_MU not in text:
        return text
    out = []
    for word in re.split(r"(\s+)", text):
        if not any("\u0370" <= c <= "\u03ff" and c != GREEK_MU for c in word):
            word = re.sub(GREEK_MU + "(?=[A-Za-z])", MICRO_SIGN, word)
        out.append(word)
    return "".join(out)


#: Vulgar fractions by denominator, as :func:`vulgar_fractions` writes them (the two the model's table holds
#: with a numerator of 1: ``⅓``, ``⅛`` are not in PP-OCRv6's dictionary).
HALF_DENOMINATORS = {"2": "½", "4": "¼"}
#: Denominators of the vulgar fractions the model's table lacks (``⅓``, ``⅛``), which it reads ``½3``, ``½8``:
#: :func:`vulgar_fractions` writes them as ``1/3``, ``1/8`` (ASCII, after a digit with a space: ``1 1/3``).
SLASH_DENOMINATORS = "38"


def vulgar_fractions(res: CTCResult) -> CTCResult:
    """``res`` with a ``½`` followed at once by a digit (``½4``, ``½2``) or by a slash and a digit (``½/4``)
    made the one vulgar fraction the glyph is: PP-OCRv6 writes ``½`` for the numerator and bar of ``¼``
    (and of ``½`` itself) and then reads the denominator again (T15's recipe: ``¼ tsp`` read ``½4 tsp``).
    No text writes a digit or a slash right after ``½``. A ``¾`` that :func:`fraction_glyphs` made of such
    a ``½`` (``¾4``, ``¾/4``) loses its ``4`` the same way. Denominators of :data:`HALF_DENOMINATORS` give
    that fraction; those of :data:`SLASH_DENOMINATORS` (``⅓``, ``⅛``: not in the model's table) are written
    ``1/3``, ``1/8``, with a space before after a digit (``1½3`` -> ``1 1/3``, the ASCII way to write a
    mixed number); others are left as read. The fraction takes the ``½``'s probability and time step
    (each character written for it too). ``python benchmarks/fraction_lines.py`` (G15, H16)."""
    text = res.text
    if "½" not in text and "¾" not in text:
        return res
    # Each character of ``text`` becomes a string (the ``½`` of a slash fraction "1/" or " 1/", the
    # digit a HALF_DENOMINATORS fraction takes in "").
    chars = list(text)
    for m in re.finditer(r"([½¾])(/?)(\d)(?!\d)", text):
        digit = m.group(3)
        if m.group(1) == "½" and digit in SLASH_DENOMINATORS:
            lead = " " if m.start() > 0 and text[m.start() - 1].isdigit() else ""
            chars[m.start()] = lead + "1/"
            if m.group(2):
                chars[m.start() + 1] = ""
            continue
        frac = HALF_DENOMINATORS.get(digit) if m.group(1) == "½" else "¾" if digit == "4" else None
        if frac is None:
            continue
        chars[m.start()] = frac
        for k in range(m.start() + 1, m.end()):
            chars[k] = ""
    if chars == list(text):
        return res
    idx = [k for k, c in enumerate(chars) for _ in c]

    def pick(values: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(values[k] for k in idx) if values else values

    return CTCResult("".join(chars), pick(res.probs), pick(res.steps), pick(res.space_before),
                     pick(res.caron), pick(res.caron_own))


def _fill(
    region: Region,
    crop: Crop,
    res: CTCResult,
    px_per_step: float,
    options: PPOCRRecognizerOptions,
    pitch: float | None = None,
) -> Region:
    """The region with text and confidence; a line also gets word children with their own boxes.

    A reading whose mean character probability is under ``min_confidence`` gives empty text (as
    RapidOCR's ``text_score`` does with the same models). Words are split at the spaces the model emitted, and also where it hinted at one (the space class
    reached ``space_prob`` between two characters) or where the ink gap between two characters is wider
    than ``space_gap`` times the text height (the model often joins "Invoice2041" or "fourbar").
    """
    if not res.text.strip():
        return region.with_(text="", confidence=0.0, children=())
    res = vulgar_fractions(caron_letters(replace(res, text=micro_signs(latin_punctuation(res.text)))))
    if res.confidence < options.min_confidence:  # noise read as text (RapidOCR drops these too)
        return region.with_(text="", confidence=res.confidence, children=())
    res = replace(res, text=small_caps_case(res.text, res.steps, crop.image, px_per_step))  # issue 24
    breaks = [ch.isspace() for ch in res.text]
    hints = res.space_before or (0.0,) * len(res.text)
    columns, ink_height = _ink_columns(crop)
    gaps = _ink_gaps(columns, ink_height, res, px_per_step) if options.space_gap > 0 else [0.0] * len(res.text)
    # Letter-spaced display text: every letter gap is wide, so only clearly wider gaps split (issue 24).
    tracked = tracked_splits(res.text, res.steps, columns, ink_height, px_per_step, options.space_gap)
    splits = [
        k > 0
        and not breaks[k]
        and not breaks[k - 1]
        and ((hints[k] >= options.space_prob or gaps[k] > options.space_gap) if tracked is None else tracked[k])
        and not _in_number(res.text, k)
        # The ink gap after a caron's apostrophe-shaped mark, or the space the model hinted at its
        # apostrophe, is inside the word (T12 ``žluť oučký``, accurate): ``caron_letters`` put the letter back.
        and not (res.text[k - 1] in CARON_LETTERS.values() and res.text[k].islower())
        for k in range(len(res.text))
    ]
    # A closing mark stays with the word before it (:func:`_mark_ends_word`) across an ink gap or a
    # space hint; across a space the model emitted only where the word is monospaced and the mark sits
    # in the next cell (``Code :`` read from ``Code:`` in Nimbus Mono; :func:`_in_next_cell`).
    after = [k + 1 < len(res.text) and (breaks[k + 1] or splits[k + 1]) for k in range(len(res.text))]
    starts = [splits[k] and not _mark_ends_word(res.text, k, after[k]) for k in range(len(res.text))]
    # model spaces that are no word gap; on a tracked line, the model's spaces between its letters (issue 24)
    dropped = tracked_spaces(res.text, res.steps, columns, ink_height, px_per_step, options.space_gap)
    glyph_runs = split_wide(glyph_cells(_ink_runs(_glyph_columns(crop))), pitch) if pitch is not None else None
    if glyph_runs is not None and pitch is not None:
        # A monospaced line (a code listing, a typewritten form): a space is an empty character cell. The
        # model's spaces and the gap splits between a mark and a glyph in the neighbouring cell go
        # (``enumerate(xs):``, ``"b":``, ``x["b"][0]``). Before a letter or digit the model's word gaps stay:
        # on typewritten scans at 100 dpi (FUNSD) the cells put ``Dr. A. W.`` and ``May 1, 1985`` together.
        prev = -1
        for k, ch in enumerate(res.text):
            if ch.isspace():
                continue
            if prev >= 0:
                x0 = (res.steps[prev] + 0.5) * px_per_step
                x1 = (res.steps[k] + 0.5) * px_per_step
                cells = _cells_between(glyph_runs, x0, x1, pitch)
                if cells <= MONO_ONE_CELL and not res.text[k].isalnum():
                    dropped.update(range(prev + 1, k))
                    starts[k] = False
            prev = k
    runs = _ink_runs(_glyph_columns(crop)) if options.space_gap > 0 and " " in res.text and pitch is None else None
    for k in range(2, len(res.text) if runs is not None else 0):
        text = res.text[: k - 1] + res.text[k:]  # the mark put right after the word
        if not breaks[k - 1] or breaks[k - 2] or not _mark_ends_word(text, k - 1, after[k]):
            continue
        word = len(res.text[: k - 1].rsplit(" ", 1)[-1])
        if _in_next_cell(runs, (res.steps[k] + 0.5) * px_per_step, word):
            dropped.add(k - 1)
    groups: list[list[int]] = []
    for k in range(len(res.text)):
        if k in dropped:
            continue
        if breaks[k]:
            groups.append([])
        elif starts[k] or not groups:
            groups.append([k])
        else:
            groups[-1].append(k)
    groups = [g for g in groups if g]
    if region.level != "line":
        text = " ".join("".join(res.text[k] for k in g) for g in groups)
        return region.with_(text=text, confidence=res.confidence, children=())
    spans = []
    for group in groups:
        s0, s1 = res.steps[group[0]], res.steps[group[-1]]
        # A character spans about one time step either side of where CTC emitted it; the box is then
        # shrunk to the ink inside, so word boxes (and the column gutters between them) are tight.
        x0, x1 = max(0.0, (s0 - 0.5) * px_per_step), min(crop.width, (s1 + 1.5) * px_per_step)
        spans.append(_trim(columns, x0, x1))
    glyphs = _glyph_columns(crop)
    words: list[Region] = []
    for k, group in enumerate(groups):
        x0, x1, moved = _snap_to_ink(glyphs, spans, k, ink_height)
        words.append(
            Region(
                quad=crop.map_box(x0, 0, x1, crop.height),
                level="word",
                text="".join(res.text[k] for k in group),
                confidence=float(np.mean([res.probs[k] for k in group])),
                order=len(words),
                attributes={INK_ENDS: moved} if any(moved) else {},
            )
        )
    attributes = region.attributes
    text = " ".join(w.text or "" for w in words)
    if pitch is not None and glyph_runs is not None and len(glyph_runs):
        # The spaces between the words of a monospaced line are its empty cells (``4.0))  # note``).
        seps = []
        for a, b in itertools.pairwise(groups):
            cells = _cells_between(glyph_runs, (res.steps[a[-1]] + 0.5) * px_per_step, (res.steps[b[0]] + 0.5) * px_per_step, pitch)
            seps.append(" " * max(1, round(cells) - 1))
        text = "".join(w.text + sep for w, sep in zip(words, [*seps, ""], strict=True))
        # The cell grid: each glyph's cell counted from the first by whole pitches, then the pitch and
        # the first cell's centre fitted to the glyph centres by least squares (a pitch off by 3 % from
        # the median distance puts a long line's far end a cell off); its first cell's left edge goes out.
        centres = glyph_runs.mean(axis=1)
        index = np.concatenate([[0.0], np.cumsum(np.maximum(np.round(np.diff(centres) / pitch), 1))])
        if index[-1] > 0:
            slope, start = np.polyfit(index, centres, 1)
            if abs(slope / pitch - 1) <= MONO_FIT_TOL:
                pitch = float(slope)
        start = float(np.median(centres - index * pitch))
        left = start - pitch / 2
        a, b, c = crop.map_points([[0.0, 0.0], [pitch, 0.0], [left, crop.height / 2]])
        attributes = {**attributes, PITCH: round(float(np.hypot(*(b - a))), 2), CELL_LEFT: round(float(c[0]), 1)}
    return region.with_(
        text=text,
        confidence=res.confidence,
        children=tuple(words),
        attributes=attributes,
    )
