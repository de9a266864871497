"""CJK punctuation in Latin text, made the Latin characters it stands for.

PP-OCRv6's recognizer is trained mostly on Chinese, so it writes the punctuation of that script in
Latin lines as well: a typewriter card's ``Addison-Wesley, 1997.`` came back with a FULLWIDTH COMMA
(U+FF0C, T16), FUNSD forms give ``AA：`` and ``0、``, a magazine ``TRAVEL＆LEISURE``. On a line whose
letters hold no CJK character, each such mark is the ASCII one a Latin page has: the fullwidth forms
U+FF01-FF5E by Unicode's compatibility mapping (NFKC), the ideographic comma and full stop as ``,``
and ``.``, the ideographic space as a space, the corner brackets as quotes. A line that holds a Han,
kana or Hangul character keeps its marks (a Chinese receipt's ``，`` and ``。`` are right there).

One character for one, so the reading's per-character steps and probabilities keep their places.
"""

from __future__ import annotations

import re

__all__ = ["CJK_LETTERS", "latin_punctuation"]

#: Letters of the scripts whose punctuation PP-OCR writes: CJK Unified Ideographs (and extension A,
#: compatibility ideographs), Hiragana, Katakana, Hangul syllables and jamo (Unicode block ranges).
CJK_LETTERS = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"
)

_OTHER_MARKS = {
    "\u3000": " ",  # IDEOGRAPHIC SPACE
    "\u3001": ",",  # IDEOGRAPHIC COMMA
    "\u3002": ".",  # IDEOGRAPHIC FULL STOP
    "\u300c": '"',  # LEFT CORNER BRACKET
    "\u300d": '"',  # RIGHT CORNER BRACKET
    "\uff5f": "(",  # FULLWIDTH LEFT WHITE PARENTHESIS (outside NFKC's one-character ASCII map)
    "\uff60": ")",
}
_TABLE = {**{cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}, **{ord(k): v for k, v in _OTHER_MARKS.items()}}


def latin_punctuation(text: str) -> str:
    """``text`` with CJK punctuation and fullwidth ASCII forms made ASCII when it holds no CJK letter
    (see the module's docstring); ``text`` unchanged otherwise. Same length as ``text``."""
    if not text or text.isascii() or CJK_LETTERS.search(text):
        return text
    return text.translate(_TABLE)
