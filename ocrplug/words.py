"""A line's words: its word children, or words cut from its quad in proportion to its text.

Shared by the layout step (:mod:`ocrplug.layout`) and the joining of vertical pieces
(:mod:`ocrplug.vertical`); also the script direction of a text (:func:`is_rtl`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from ocrplug.model import Region

__all__ = ["is_rtl", "synthesize_words"]


def synthesize_words(line: Region) -> list[Region]:
    """Word regions for a line that has text but no word boxes, cut from its quad.

    The quad is cut along its text direction in proportion to each whitespace-separated token's share
    of the characters (a monospaced approximation; right-to-left text from the right end). The words
    carry ``attributes["synthetic"] = True``.
    """
    text = line.text or ""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    if not tokens:
        return []
    q = np.asarray(line.quad, dtype=np.float64)
    n = len(text)
    rtl = is_rtl(text)
    out = []
    for k, (s, e) in enumerate(tokens):
        f0, f1 = (1 - e / n, 1 - s / n) if rtl else (s / n, e / n)
        t0, t1 = q[0] + (q[1] - q[0]) * f0, q[0] + (q[1] - q[0]) * f1
        b0, b1 = q[3] + (q[2] - q[3]) * f0, q[3] + (q[2] - q[3]) * f1
        out.append(
            Region(
                quad=(tuple(t0), tuple(t1), tuple(b1), tuple(b0)),
                level="word",
                text=text[s:e],
                confidence=line.confidence,
                order=k,
                attributes={"synthetic": True},
            )
        )
    return out


def is_rtl(text: str) -> bool:
    """Whether the first strongly directional character of ``text`` is right-to-left (Unicode bidi classes R, AL)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


_TOKEN = re.compile(r"\S+")


def _line_words(line: Region) -> list[Region]:
    words = [c for c in line.children if c.level == "word"]
    if words:
        return words
    return synthesize_words(line) if line.text and line.text.strip() else []


def _mean_score(regions: Sequence[Region]) -> float | None:
    values = [r.score for r in regions if r.score is not None]
    return float(sum(values) / len(values)) if values else None
