"""Letters read in a number's unit or for its digits (issue 24, H16: T15's nutrition label and recipe)."""

from __future__ import annotations

import numpy as np
import pytest

from ocrplug.model import Region
from ocrplug.recognition import digit_units, unit_letters


@pytest.mark.parametrize(
    ("read", "meant"),
    [("• 1½ Ib cooking apples", "• 1½ lb cooking apples"), ("Trans Fat Og", "Trans Fat 0g"),
     ("Cholesterol Omg 0%", "Cholesterol 0mg 0%"), ("2Ibs of flour", "2lbs of flour"), ("1O%", "10%"),
     ("Sodium 1O0mg 7%", "Sodium 100mg 7%"), ("(O.5g)", "(0.5g)"), ("80 Ib. Sterling", "80 lb. Sterling"),
     ("A 3 Ibs.", "A 3 lbs."),
     # kept: no number before Ib, capitals, words that are words
     ("Ib. cit.", "Ib. cit."), ("OG KUSH", "OG KUSH"), ("Ogden Omg", "Ogden 0mg"), ("Om shanti", "Om shanti"),
     ("Oz and Ib", "Oz and Ib"), ("Olga 12 g", "Olga 12 g"), ("TOTAL 1O", "TOTAL 1O")],
)
def test_digit_units(read: str, meant: str) -> None:
    assert digit_units(read) == meant
    assert len(digit_units(read)) == len(read)


def test_a_line_and_its_words_agree() -> None:
    quad = np.array([[0, 0], [10, 0], [10, 5], [0, 5]], np.float32)
    words = tuple(Region(quad=quad, level="word", text=t, order=k) for k, t in enumerate(["1½", "Ib", "apples"]))
    line = Region(quad=quad, level="line", text="1½ Ib apples", children=words)
    out = unit_letters(line)
    assert out.text == "1½ lb apples"
    assert [w.text for w in out.children] == ["1½", "lb", "apples"]
    plain = line.with_(text="Ib apples", children=words[1:])
    assert unit_letters(plain) is plain
