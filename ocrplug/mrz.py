"""Machine-readable zones (passports, ID cards, visas) read by their own rules.

An MRZ line is written in OCR-B with a fixed layout (ICAO Doc 9303, part 3-5: TD1 cards, three lines of
30 characters; TD2, two of 36; TD3 passports, two of 44), in the characters ``A-Z 0-9 <`` only. A
general recognizer reads its letters and digits by their looks and confuses the pairs OCR-B draws
alike: T16's passport ``P<GBRSMITH<<JOHN<PETER`` came back ``J0HN`` at confidence 0.996 (Tesseract
reads it right). The layout says which of the two each position holds: the name field and the
issuing state and nationality hold letters only, the dates and check digits digits only. So a line
that is an MRZ line (the right length, only MRZ characters, a ``<<`` filler) gets:

- in letter-only fields, a digit made the letter it is drawn like (``0 1 2 5 6 8`` -> ``O I Z S G B``);
- in digit-only fields (dates, check digits), a letter made the digit (``O Q D`` -> ``0``, ``I L`` ->
  ``1``, ``Z`` -> ``2``, ``S`` -> ``5``, ``G`` -> ``6``, ``B`` -> ``8``);
- a document number whose check digit (Doc 9303 part 3, 4.9: weights 7, 3, 1; ``<`` 0, ``A`` 10 ...
  ``Z`` 35) fails is tried with each ``O``/``0`` swapped, and the one swap that passes is kept.

The angle-quote look-alikes ``« ‹ 〈 《`` of the filler are written ``<`` on such a line first.
Lines that are not MRZ lines are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ocrplug.model import Region

__all__ = ["MRZ_LENGTHS", "check_digit", "mrz_line", "read_mrz"]

#: Line lengths of the three MRZ formats (ICAO Doc 9303: TD1 30, TD2 36, TD3 44).
MRZ_LENGTHS = (30, 36, 44)

# Characters a read MRZ line may be off its format's length by (fillers merged or split).
_LENGTH_SLACK = 2
_FILLER_LOOKALIKES = str.maketrans({"«": "<", "‹": "<", "〈": "<", "《": "<", "＜": "<"})
_MRZ_CHARS = re.compile(r"[A-Z0-9<]+")
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"})
_TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8"})


def check_digit(field: str) -> int:
    """ICAO Doc 9303 check digit of ``field``: weights 7, 3, 1 repeated; digits their value, ``A``-``Z``
    10-35, ``<`` 0; the sum modulo 10."""
    total = 0
    for i, ch in enumerate(field):
        value = int(ch) if ch.isdigit() else (ord(ch) - 55 if "A" <= ch <= "Z" else 0)
        total += value * (7, 3, 1)[i % 3]
    return total % 10


def _letters(text: str, start: int, end: int) -> str:
    return text[:start] + text[start:end].translate(_TO_LETTER) + text[end:]


def _digits(text: str, start: int, end: int) -> str:
    return text[:start] + text[start:end].translate(_TO_DIGIT) + text[end:]


def _document_number(text: str, start: int) -> str:
    """``text`` with its 9-character document number at ``start`` (check digit after it) mended by one
    ``O``/``0`` swap when that alone makes the check digit pass."""
    number, check = text[start:start + 9], text[start + 9]
    if not check.isdigit() or check_digit(number) == int(check):
        return text
    passing = []
    for i, ch in enumerate(number):
        if ch in "O0":
            swapped = number[:i] + ("0" if ch == "O" else "O") + number[i + 1:]
            if check_digit(swapped) == int(check):
                passing.append(swapped)
    return text[:start] + passing[0] + text[start + 9:] if len(passing) == 1 else text


def _data_line(line: str) -> str | None:
    """A TD2 / TD3 second line (number, check, nationality, birth date, check, sex, expiry, check, ...,
    composite check) read by its fields, or None when it has no dates where the format has them."""
    n = len(line)
    line = _digits(line, 9, 10)
    line = _letters(line, 10, 13)
    line = _digits(line, 13, 20)
    line = _digits(line, 21, 28)
    line = _digits(line, n - 1, n)  # the composite check digit ends the line
    if not (line[13:20].isdigit() and line[21:28].isdigit() and line[20] in "MFX<"):
        return None
    return _document_number(line, 0)


def mrz_line(text: str) -> str | None:
    """``text`` read by the MRZ layout when it is an MRZ line (see the module's docstring), else None.

    An MRZ line: 28 to 46 characters (a TD1, TD2 or TD3 line, two filler characters off at most), all
    ``A-Z 0-9 <``, with a ``<<``. Same length as ``text`` stripped."""
    line = text.strip().translate(_FILLER_LOOKALIKES)
    if not MRZ_LENGTHS[0] - _LENGTH_SLACK <= len(line) <= MRZ_LENGTHS[-1] + _LENGTH_SLACK:
        return None
    if "<<" not in line or not _MRZ_CHARS.fullmatch(line):
        return None
    n = len(line)
    # The nearest format: CTC may merge or split a long run of ``<`` fillers, so a line may come back a
    # character or two off; its fields before the run keep their places.
    size = min(MRZ_LENGTHS, key=lambda m: abs(m - n))
    if size in (36, 44):
        data = _data_line(line)
        if data is not None:
            return data
        name = line[5:].replace("<", "")
        mostly_letters = sum(c.isalpha() for c in name) > len(name) / 2
        if line[0] in "PIACV" and (line[1] == "<" or line[1].isalpha()) and mostly_letters:
            return _letters(line, 2, n)  # document code, then issuing state and names: letters only
        return None
    # TD1 (30): first line (document code, state, number, optional), second (dates, nationality) or
    # third (names).
    first = _digits(line, 14, 15)
    if line[0] in "IAC" and line[2:5].translate(_TO_LETTER).isalpha() and first[14].isdigit() and sum(
        c.isdigit() for c in line[5:14]
    ) >= 3:
        return _document_number(_letters(first, 2, 5), 5)
    dates = _digits(_digits(line, 0, 7), 8, 15)
    if dates[:7].isdigit() and dates[8:15].isdigit() and dates[7] in "MFX<":
        return _letters(dates, 15, 18)
    if not re.search(r"\d{4}", line):  # the names line: letters only (a run of digits is no name)
        return _letters(line, 0, n)
    return None


def read_mrz(lines: Sequence[Region]) -> list[Region]:
    """``lines`` with each MRZ line's text (and its one word's) read by :func:`mrz_line`; other lines as
    they are. A line of several words is an MRZ line when its words written together are one."""
    out = []
    for line in lines:
        text = line.text or ""
        if len(text) < MRZ_LENGTHS[0]:
            out.append(line)
            continue
        joined = text.replace(" ", "")
        fixed = mrz_line(joined)
        if fixed is None or fixed == text:
            out.append(line)
            continue
        if line.children and len(line.children) == 1:
            out.append(line.with_(text=fixed, children=(line.children[0].with_(text=fixed),)))
        elif line.children:
            # Words keep their boxes; their texts are cut from the mended line at their lengths.
            words, at = [], 0
            for word in line.children:
                size = len((word.text or "").replace(" ", ""))
                words.append(word.with_(text=fixed[at:at + size]))
                at += size
            out.append(line.with_(text=" ".join(w.text or "" for w in words), children=tuple(words)))
        else:
            out.append(line.with_(text=fixed))
    return out
