"""The Arrow row layout without Spark: region trees flatten and come back losslessly."""

from __future__ import annotations

import numpy as np
import pytest

from ocrplug.model import Page, PageImage, Region

pa = pytest.importorskip("pyarrow", reason="pyarrow not installed (pip install 'ocrplug[spark]')")


def _page() -> Page:
    words = [
        Region.from_box(10, 10, 40, 30, level="word", text="Hello", confidence=0.9, score=0.8, order=0),
        Region.from_box(50, 10, 90, 30, level="word", text="world", confidence=0.7, order=1,
                        attributes={"baseline": [1, 2]}),
    ]
    line = Region.from_box(10, 10, 90, 30, level="line", text="Hello world", children=words,
                           polygon=[(10, 10), (50, 8), (90, 10), (90, 30), (10, 30)])
    block = Region.from_box(5, 5, 95, 60, level="block", children=[line, Region.from_box(10, 40, 60, 55, level="line")])
    return Page(index=2, width=100, height=70, source="x.pdf", dpi=150.0, regions=(block, Region.from_box(0, 0, 1, 1)))


def test_region_tree_round_trips_through_parquet_layout(tmp_path):
    import pyarrow.parquet as pq

    from ocrplug.spark.rows import PAGE_SCHEMA, page_from_row, page_to_row

    page = _page()
    row = page_to_row(page, "x.pdf", 3, 0.5)
    flat = row["regions"]
    assert [(r["id"], r["parent"], r["children"], r["level"]) for r in flat] == [
        (0, None, [1, 4], "block"), (1, 0, [2, 3], "line"), (2, 1, [], "word"), (3, 1, [], "word"),
        (4, 0, [], "line"), (5, None, [], "word"),
    ]
    pq.write_table(pa.Table.from_pylist([row], schema=PAGE_SCHEMA), tmp_path / "p.parquet")
    back = pq.read_table(tmp_path / "p.parquet").to_pylist()[0]
    assert page_from_row(back) == page
    assert back["text"] == page.text and page.text.startswith("Hello world")


def test_inconsistent_region_ids_are_refused():
    from ocrplug.spark.rows import regions_from_rows, regions_to_rows

    flat = regions_to_rows(_page().regions)
    flat[0]["children"] = [1, 99]
    with pytest.raises(ValueError, match="99"):
        regions_from_rows(flat)


def test_image_struct_is_sparks_bgr_layout():
    from ocrplug.spark.rows import image_from_struct, image_struct

    rgb = np.zeros((2, 3, 3), dtype=np.uint8)
    rgb[0, 0] = (255, 0, 0)  # red
    struct = image_struct(PageImage(image=rgb, index=0, source="a.png"))
    assert (struct["height"], struct["width"], struct["nChannels"], struct["mode"]) == (2, 3, 3, 16)
    assert struct["data"][:3] == bytes([0, 0, 255])  # BGR, as spark.read.format("image") stores it
    assert np.array_equal(image_from_struct(struct).image, rgb)
    with pytest.raises(ValueError, match="bytes"):
        image_from_struct(struct | {"data": b"123"})


def test_turned_fax_page_with_warnings_round_trips(tmp_path):
    """Orientation, the vertical dpi and page warnings survive the row (a Spark job's JSON and manifest
    are written from it): before, ``page_from_row`` gave back orientation 0, no dpi_y and no warnings."""
    import dataclasses

    import pyarrow.parquet as pq

    from ocrplug.spark.rows import PAGE_SCHEMA, error_row, page_from_row, page_to_row

    page = dataclasses.replace(
        _page(), dpi=204.0, dpi_y=98.0, orientation=90,
        warnings=("x.pdf page 3: image /Im0 could not be decoded",),
    )
    rows = [page_to_row(page, "x.pdf", 3, 0.5), error_row("x.pdf", "page 4: broken", 3, 3)]
    pq.write_table(pa.Table.from_pylist(rows, schema=PAGE_SCHEMA), tmp_path / "p.parquet")
    back = pq.read_table(tmp_path / "p.parquet").to_pylist()
    assert (back[0]["orientation"], back[0]["dpi_y"], back[0]["warnings"]) == (90, 98.0, list(page.warnings))
    assert page_from_row(back[0]) == page
    assert back[1]["warnings"] is None and back[1]["error"] == "page 4: broken"


def test_rows_written_before_the_new_columns_still_read():
    from ocrplug.spark.rows import page_from_row, page_to_row

    row = page_to_row(_page(), "x.pdf", 3)
    del row["dpi_y"], row["warnings"]
    row["orientation"] = None
    assert page_from_row(row) == _page()


def test_text_source_round_trips(tmp_path):
    """Issue 24 (U14): a page that already held text says so in its row (``text_source``), and a Spark job's
    JSON written from the row keeps it; rows without the column read as ``ocr``."""
    import dataclasses

    import pyarrow.parquet as pq

    from ocrplug.spark.rows import PAGE_SCHEMA, error_row, page_from_row, page_to_row

    page = dataclasses.replace(_page(), regions=(), text_source="skipped")
    rows = [page_to_row(page, "x.pdf", 3), page_to_row(_page(), "x.pdf", 3), error_row("x.pdf", "bad", 2, 3)]
    pq.write_table(pa.Table.from_pylist(rows, schema=PAGE_SCHEMA), tmp_path / "p.parquet")
    back = pq.read_table(tmp_path / "p.parquet").to_pylist()
    assert [r["text_source"] for r in back] == ["skipped", "ocr", None]
    assert page_from_row(back[0]) == page and page_from_row(back[0]).to_dict()["text_source"] == "skipped"
    old = dict(back[1])
    del old["text_source"]
    assert page_from_row(old) == _page()
