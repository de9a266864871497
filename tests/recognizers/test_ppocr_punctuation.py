"""CJK punctuation PP-OCR writes in Latin lines is made ASCII (T16's ``Addison-Wesley， 1997.``)."""

from __future__ import annotations

import unicodedata

import pytest
from ocrplug_ppocr.punctuation import latin_punctuation


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("Addison-Wesley\uff0c 1997.", "Addison-Wesley, 1997."),
        ("AA\uff1a", "AA:"),
        ("0\u3001", "0,"),
        ("TRAVEL\uff06LEISURE", "TRAVEL&LEISURE"),
        ("Total\uff08incl. VAT\uff09\uff1a 12\uff0e50", "Total(incl. VAT): 12.50"),
        ("\u300cQuote\u300d", '"Quote"'),
        ("Done\u3002", "Done."),
        ("Café\uff01", "Café!"),
    ],
)
def test_cjk_marks_in_latin_lines_are_ascii(read: str, meant: str) -> None:
    assert latin_punctuation(read) == meant
    assert len(latin_punctuation(read)) == len(read)


@pytest.mark.parametrize("line", ["如有不使，敬请原谅。谢谢！", "合计：12.50", "東京、大阪", "서울，부산", "plain ASCII, line."])
def test_lines_with_cjk_letters_or_ascii_only_keep_their_marks(line: str) -> None:
    assert latin_punctuation(line) == line


def test_every_fullwidth_ascii_form_maps_as_nfkc_does() -> None:
    for cp in range(0xFF01, 0xFF5F):
        ch = chr(cp)
        assert latin_punctuation("a" + ch) == "a" + unicodedata.normalize("NFKC", ch)
