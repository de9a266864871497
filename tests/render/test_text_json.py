"""The text and json renderers: content, Unicode, streaming and atomic outputs."""

from __future__ import annotations

import json

import pytest
from ocrplug_render.json import JsonOptions, JsonRenderer
from ocrplug_render.text import TextOptions, TextRenderer, page_text
from pydantic import ValidationError

from ocrplug.layout import LayoutOptions, layout_page
from ocrplug.model import Document, Page, PageFailure, Region

from .samples import ACCENTED, CJK, RTL, SPECIAL, render, sample_document, sample_page, words_line

EXPECTED_PAGE = f"Hello wörld\n{ACCENTED}\n\n{CJK}\n{SPECIAL}\n\n{RTL}\n\nloose words\n"


def test_text_keeps_lines_paragraphs_and_pages(info) -> None:
    paths = render(TextRenderer(), sample_document(2), info)
    assert paths == [info.out_dir / "sample.txt"]
    text = paths[0].read_text(encoding="utf-8")
    assert text == EXPECTED_PAGE + "\f" + EXPECTED_PAGE


def test_text_custom_separator_and_no_paragraph_split(info) -> None:
    # Paragraphs are the layout step's decision (layout.paragraph_gap), never a renderer's.
    opts = TextOptions(page_separator="\n=====\n")
    doc = sample_document(2)
    laid_out = Document(source=doc.source, pages=tuple(layout_page(p, LayoutOptions(paragraph_gap=0)) for p in doc.pages))
    text = render(TextRenderer(opts), laid_out, info)[0].read_text(encoding="utf-8")
    pages = text.split("\n=====\n")
    assert len(pages) == 2
    # With paragraph_gap=0 the top-level lines form one paragraph after the block.
    assert pages[0] == f"Hello wörld\n{ACCENTED}\n\n{CJK}\n{SPECIAL}\n{RTL}\nloose words\n"


def test_text_detector_only_and_loose_words(info) -> None:
    bare = Page(index=0, width=100, height=100, source="x", regions=(Region.from_box(1, 1, 20, 10, level="line"),))
    words = Page(index=1, width=300, height=100, source="x", regions=(
        Region.from_box(10, 10, 50, 30, level="word", text="one"),
        Region.from_box(60, 12, 100, 32, level="word", text="two"),
        Region.from_box(10, 50, 50, 70, level="word", text="three"),
    ))
    text = render(TextRenderer(), Document(source="x", pages=(bare, words)), info)[0].read_text(encoding="utf-8")
    assert text == "\fone two\nthree\n"
    two = bare.with_(regions=(*bare.regions, Region.from_box(1, 12, 20, 21, level="line")))
    kept = render(TextRenderer(TextOptions(skip_empty_lines=False)), Document(source="x", pages=(two,)), info)
    assert kept[0].read_text(encoding="utf-8") == "\n\n"  # two empty lines kept


def test_text_written_atomically_and_abort_leaves_nothing(info) -> None:
    session = TextRenderer().open(info)
    session.add_page(sample_page(0), None)
    assert not (info.out_dir / "sample.txt").exists()  # nothing under the final name before close
    session.abort()
    assert list(info.out_dir.iterdir()) == []


def test_text_options_are_validated() -> None:
    with pytest.raises(ValidationError):
        TextOptions(paragraph_gap=-1)
    with pytest.raises(ValidationError):
        TextOptions(page_sep="x")  # unknown option


@pytest.mark.parametrize("indent", [None, 2])
def test_json_is_the_document_dict(info, indent) -> None:
    doc = sample_document(3)
    renderer = JsonRenderer(JsonOptions(indent=indent))
    session = renderer.open(info)
    for page in doc.pages:
        session.add_page(page, None)
    session.add_failure(PageFailure(source="sample.png", index=3, error="broken <page>"))
    path = session.close()[0]
    assert path == info.out_dir / "sample.json"
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    expected = doc.to_dict()
    expected["failures"] = [{"source": "sample.png", "index": 3, "error": "broken <page>"}]
    assert data == expected
    assert Document.from_json(raw).pages == doc.pages
    assert CJK.split(" ")[0] in raw and RTL in raw  # non-ASCII kept as is, not \u escapes
    if indent:
        assert json.dumps(data, ensure_ascii=False, indent=indent) + "\n" == raw


def test_json_empty_document(info) -> None:
    path = render(JsonRenderer(), Document(source="sample.png"), info)[0]
    assert json.loads(path.read_text(encoding="utf-8")) == Document(source="sample.png").to_dict()


def test_json_streams_pages(info) -> None:
    session = JsonRenderer().open(info)
    page = Page(index=0, width=50, height=50, source="s", regions=(words_line(["a"], 1, 1),))
    session.add_page(page, None)
    session.file.handle.flush()
    # The page is on disk (in the temporary file), not kept by the session.
    tmp = [p for p in info.out_dir.iterdir()]
    assert len(tmp) == 1 and tmp[0].name.startswith(".sample.")
    assert '"width":50' in tmp[0].read_text(encoding="utf-8")
    assert not any(isinstance(v, Page) for v in vars(session).values())
    session.abort()
    assert list(info.out_dir.iterdir()) == []


def _form_and_table_page() -> Page:
    """A form row (``Quantity:`` and its answer far right), a gap, then a ruled table's rows of cells:
    each cell a line of its own (the layout keeps pieces a wide gap apart), as db boxes them."""
    regions = [words_line(["Quantity:"], 40, 40), words_line(["1"], 560, 42, h=16)]
    for r, row in enumerate([["Sample", "Lot", "Type"], ["Copper", "7", "x"], ["Silver", "1", "y"]]):
        regions += [words_line([cell], 40 + 200 * c, 160 + 34 * r) for c, cell in enumerate(row)]
    return Page(index=0, width=800, height=400, source="t", regions=tuple(regions))


def _two_column_page() -> Page:
    """Two columns of four prose lines each (multi-line blocks side by side)."""
    regions = [
        words_line([f"{side}{k}", "and", "more", "words"], x, 40 + 30 * k)
        for side, x in (("left", 40), ("right", 420))
        for k in range(4)
    ]
    return Page(index=0, width=800, height=400, source="t", regions=tuple(regions))


def test_text_writes_a_row_of_far_apart_pieces_on_one_line() -> None:
    # Issue 24 (L6): a form's label and its far-right answer, and a table row's cells, came out one per
    # line; a reader (pdftotext, Tesseract's text output) has each row on one line.
    page = layout_page(_form_and_table_page())
    assert page_text(page) == "Quantity: 1\n\nSample Lot Type\nCopper 7 x\nSilver 1 y"
    assert page_text(page, TextOptions(cell_separator="\t")).splitlines()[-1] == "Silver\t1\ty"


def test_text_keeps_two_columns_one_after_the_other() -> None:
    text = page_text(layout_page(_two_column_page()))
    assert text.split("\n\n") == [
        "\n".join(f"{side}{k} and more words" for k in range(4)) for side in ("left", "right")
    ]


def test_text_joins_one_row_blocks_but_not_other_directions() -> None:
    # Blocks of one row each on one row (a label and an answer the layout put in blocks of their own)
    # join; a turned line beside them (a margin label) never does.
    label = Region.from_box(40, 40, 140, 60, level="line", text="Date:")
    answer = Region.from_box(500, 40, 540, 60, level="line", text="14")
    turned = Region(quad=((600, 70), (600, 30), (620, 30), (620, 70)), level="line", text="Ref")
    blocks = tuple(
        Region(quad=ln.quad, level="block", order=k, children=(ln.with_(order=0),))
        for k, ln in enumerate([label, answer, turned])
    )
    page = Page(index=0, width=800, height=200, source="t", regions=blocks)
    assert page_text(page) == "Date: 14\n\nRef"
