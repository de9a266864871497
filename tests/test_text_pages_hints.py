"""Small hints around ``input.text_pages`` and PDF page selection (issue 24, V15 item 7, V14 findings 12-14):
the key's values in any case (or with a did-you-mean), a selected page past the document's end named in a
warning, and text-layer pages counted in the stage profile."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ocrplug import Pipeline, profile
from ocrplug.errors import ConfigError

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf not installed (ocrplug[pdf])")

FAKES = {"plugins": ["tests.fakes.fault_plugin"], "detector": "fake-box", "recognizer": "fake-echo"}


def _born(path: Path, pages: int) -> Path:
    pdf = pikepdf.new()
    for n in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
        page = pdf.pages[-1]
        font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        page.add_resource(font, pikepdf.Name.Font, pikepdf.Name.FS)
        page.contents_add(pdf.make_stream(f"BT /FS 12 Tf 72 700 Td (Page {n + 1} of the council minutes) Tj ET".encode()))
    pdf.save(path)
    return path


@pytest.mark.parametrize(("given", "taken"), [("Skip", "skip"), ("TEXT-LAYER", "text-layer"),
                                              ("text_layer", "text-layer"), (" OCR ", "ocr")])
def test_text_pages_values_in_any_case(given: str, taken: str) -> None:
    assert Pipeline.from_dict({"input": {"text_pages": given}}).config.input.text_pages == taken


def test_a_near_miss_is_refused_with_the_nearest_value() -> None:
    with pytest.raises(ConfigError, match="did you mean 'skip'"):
        Pipeline.from_dict({"input": {"text_pages": "skp"}})
    with pytest.raises(ConfigError, match="must be 'ocr', 'skip' or 'text-layer'"):
        Pipeline.from_dict({"input": {"text_pages": "redo"}})


def test_a_selected_page_past_the_end_is_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _born(tmp_path / "two.pdf", 2)
    with caplog.at_level(logging.WARNING):
        doc = Pipeline.from_dict(dict(FAKES, input={"pages": "2,5-7,9-", "dpi": 72})).run(path)
    assert [p.index for p in doc.pages] == [1]
    assert any("names page(s) 5-7, past its last page (2)" in r.message
               for r in caplog.records)


def test_pages_beyond_spec() -> None:
    from ocrplug.sources import pages_beyond

    assert pages_beyond("1-2", 2) == "" and pages_beyond(None, 2) == "" and pages_beyond("3-", 2) == ""
    assert pages_beyond("2,5", 2) == "5" and pages_beyond("1-4, 8", 3) == "1-4, 8"


def test_text_layer_pages_count_in_the_stage_profile(tmp_path: Path) -> None:
    path = _born(tmp_path / "three.pdf", 3)
    active = profile.start()
    try:
        doc = Pipeline.from_dict(dict(FAKES, input={"text_pages": "text-layer", "dpi": 72})).run(path)
    finally:
        profile.stop()
    assert [p.text_source for p in doc.pages] == ["text-layer"] * 3
    assert active.pages == 3
