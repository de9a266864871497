"""A confidence cascade: a cheap recognizer reads every region, a stronger one re-reads the doubtful ones.

:class:`CascadeRecognizer` is a composite recognizer built from two configured recognizers (any pair the
installed plugins offer: ``tesseract`` then ``ppocr``, ``ppocr`` then ``trocr``, ...). The ``first``
reads every region; the regions it reads with a confidence below ``threshold`` (and those it reads as
nothing, as one character, or as rule-like characters only: :func:`unsure_by_kind`; and a glyph-sized
region read as several characters: :func:`unsure_by_shape`) go to the ``second``, whose reading replaces
the first's, unless the second reads nothing
there. The confidence compared is the region's own, or with ``confidence: lowest_word`` the lowest of
its words' (one doubtful word sends the line). Each region the cascade returns carries
``attributes["reader"]``: the name of the recognizer whose reading was kept, and
``attributes["first_confidence"]`` (the compared confidence) when the second reader was asked; the JSON
renderer writes them per line.

The idea is the classic classifier cascade (Viola and Jones, "Rapid object detection using a boosted
cascade of simple features", CVPR 2001): spend the expensive model only where the cheap one is unsure.
The threshold of the ``swift`` preset was chosen on FUNSD's training split by
``benchmarks/cascade.py --choose`` (docs/benchmarks.md, "Stage profile, cascade and the swift preset").

The two recognizers are found by name in this process's plugin host (the installed plugins,
:func:`ocrplug.config.plugin_host`) and built once, when the cascade is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ocrplug.components import Options, Recognizer
from ocrplug.errors import ConfigError
from ocrplug.geometry import quad_height, quad_width
from ocrplug.model import PageImage, Region
from ocrplug.profile import stage
from ocrplug.recognition import lone_letter_case

__all__ = [
    "GLYPH_ASPECT",
    "RULE_LIKE",
    "CascadeOptions",
    "CascadeRecognizer",
    "ReaderChoice",
    "first_confidence",
    "unsure_by_kind",
    "unsure_by_shape",
]

#: Characters a reader gives for a ruling line or a stroke as well as for text (a table's frame, a lone
#: ``l`` or ``I`` that Tesseract reads as ``|`` with confidence 0.9): a reading made of these only is no
#: evidence of text, whatever its confidence.
RULE_LIKE = frozenset("|_-\u2010\u2011\u2012\u2013\u2014\u2015\u00a6")

#: A region whose longer side is at most this many times its shorter one holds about one glyph: a
#: detector's box of a lone letter or digit is 0.8-1.1 times as wide as tall (its kernel grown by the same
#: margin on every side), of two digits 1.4 or more. Tesseract reads a lone ``X`` as ``xX`` with
#: confidence 0.79 (T4's label pages, issue 24): several characters there are no reading to keep unchecked.
GLYPH_ASPECT = 1.25


class ReaderChoice(BaseModel):
    """One recognizer of the cascade: its name (as ``ocrplug plugins`` lists it) and its options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Recognizer name, as listed by `ocrplug plugins`.")
    options: dict[str, Any] = Field(default_factory=dict, description="That recognizer's options.")

    @field_validator("name")
    @classmethod
    def _not_a_cascade(cls, value: str) -> str:
        if value == "cascade":
            raise ValueError("a cascade's reader cannot be another cascade")
        return value


class CascadeOptions(Options):
    """Options of the ``cascade`` recognizer."""

    first: ReaderChoice = Field(
        {"name": "tesseract"}, description="The cheap recognizer that reads every region."
    )
    second: ReaderChoice = Field(
        {"name": "ppocr"}, description="The stronger recognizer that re-reads the doubtful regions."
    )
    threshold: float = Field(
        0.90,
        ge=0.0,
        le=1.0,
        description="Regions the first reader reads with a confidence below this go to the second "
        "(0: only regions it reads as nothing, as one character or as rule-like characters, 1: all); 0.90 was chosen on FUNSD's training split for tesseract "
        "then ppocr (the lowest threshold keeping the CER within 10 % of ppocr alone, benchmarks/cascade.py).",
    )

    confidence: Literal["region", "lowest_word"] = Field(
        "region",
        description="What is compared with the threshold: 'region', the first reader's confidence of the "
        "whole region; 'lowest_word', the lowest confidence among its words (the region's own when it has "
        "none): a line with one doubtful word goes to the second reader even if the rest is sure.",
    )

    @field_validator("first", "second", mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        # `first: tesseract` is shorthand for `first: {name: tesseract}`, as for `recognizer:`.
        if isinstance(value, str):
            return {"name": value}
        if not isinstance(value, (Mapping, ReaderChoice)):
            raise ValueError(
                "a recognizer name (e.g. tesseract) or a mapping {name: ..., options: {...}} is needed"
            )
        return value


class CascadeRecognizer(Recognizer):
    """The first recognizer reads every region; the second re-reads those read with confidence < threshold.

    ``recognize(page, regions)`` returns the regions in the same order and count, each with
    ``attributes["reader"]`` (who was kept). Building raises what resolving the two recognizers raises:
    :class:`~ocrplug.errors.ConfigError` naming ``recognizer.options.first`` / ``.second`` for an
    unknown name or a bad option, and what their factories raise (``WeightsError``, ``MissingExtraError``).
    """

    def __init__(self, options: CascadeOptions) -> None:
        """Resolve and build both recognizers now (models load once, here)."""
        from ocrplug.config import ComponentConfig, plugin_host, resolve_component

        self.options = options
        host = plugin_host()
        built: list[Recognizer] = []
        for key, choice in (("first", options.first), ("second", options.second)):
            resolved = resolve_component(
                host, "recognizer", ComponentConfig(name=choice.name, options=choice.options),
                f"recognizer.options.{key}", "cascade", exclude=("cascade",),
            )
            try:
                built.append(resolved.spec.build(resolved.options))
            except ConfigError as exc:  # an option only the reader's factory judges (a Tesseract lang)
                if f"recognizer.options.{key}" in str(exc):
                    raise
                raise ConfigError(f"recognizer.options.{key} ({choice.name}): {exc}") from exc
        self.first, self.second = built
        self.names = (options.first.name, options.second.name)

    def recognize(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        """Read ``regions`` of ``page`` with the first recognizer, then the doubtful ones with the second:
        those read with confidence below the threshold, and those whose reading :func:`unsure_by_kind` or
        :func:`unsure_by_shape` doubts."""
        if not regions:
            return []
        first = self.first.recognize(page, regions)
        t = self.options.threshold
        doubtful = [
            i
            for i, r in enumerate(first)
            if t >= 1.0
            or unsure_by_kind(r.text or "")
            or unsure_by_shape(r)
            or first_confidence(r, self.options.confidence) < t
        ]
        again: dict[int, Region] = {}
        if doubtful:
            with stage("recognize again"):
                reread = self.second.recognize(page, [regions[i] for i in doubtful])
            again = dict(zip(doubtful, reread, strict=True))
        out = []
        for i, region in enumerate(first):
            second = again.get(i)
            if second is None:
                out.append(_marked(region, self.names[0]))
            elif (second.text or "").strip() or not (region.text or "").strip():
                out.append(_marked(second, self.names[1], first_confidence(region, self.options.confidence)))
            else:  # the second reader read nothing where the first read something: keep the first
                out.append(_marked(region, self.names[0], first_confidence(region, self.options.confidence)))
        # The second reader saw the doubtful regions alone, without their rows: a lone letter's case
        # comes from the whole page's regions again.
        return lone_letter_case(page, out) if again else out


def unsure_by_kind(text: str) -> bool:
    """Whether a first reading goes to the second reader whatever its confidence: it is empty, one
    character (a lone glyph: Tesseract reads a lone ``l`` or ``I`` as ``|``, a lone ``x`` as ``X``, sure of
    both), or made only of :data:`RULE_LIKE` characters (a rule or a stroke read as ``|``, ``_``, ``--``).
    Spaces are ignored. A one-character region costs the second reader one small crop."""
    chars = "".join(text.split())
    return len(chars) <= 1 or all(c in RULE_LIKE for c in chars)


def unsure_by_shape(region: Region) -> bool:
    """Whether a first reading goes to the second reader whatever its confidence because the region is
    glyph-sized (its quad's longer side at most :data:`GLYPH_ASPECT` times its shorter side, any
    rotation) and yet read as two characters or more (spaces ignored)."""
    chars = "".join((region.text or "").split())
    if len(chars) < 2:
        return False
    w, h = quad_width(region.quad), quad_height(region.quad)
    return max(w, h) <= GLYPH_ASPECT * max(min(w, h), 1e-6)


def first_confidence(region: Region, mode: str) -> float:
    """The confidence (0 to 1) the cascade compares with its threshold: the region's own (``"region"``),
    or the lowest of its words' (``"lowest_word"``; the region's own when it has no word children)."""
    if mode == "lowest_word":
        words = [c.confidence for c in region.children if c.level == "word" and (c.text or "").strip()]
        if words:
            return float(min(c if c is not None else 0.0 for c in words))
    return float(region.confidence or 0.0)


def _marked(region: Region, reader: str, first_confidence: float | None = None) -> Region:
    attributes = dict(region.attributes, reader=reader)
    if first_confidence is not None:
        attributes["first_confidence"] = round(float(first_confidence), 4)
    return region.with_(attributes=attributes)
