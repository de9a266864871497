"""The ML stages' Arrow columns without a JVM: seed-style regions, image structs, zero-copy adapters."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from ocrplug.model import PageImage, Region
from ocrplug.spark.ml_arrow import (
    ML_IMAGE_TYPE,
    ml_image,
    ml_regions,
    with_columns,
    worker_image,
    worker_regions,
)
from ocrplug.spark.rows import REGIONS_TYPE, image_from_struct, image_struct, regions_from_rows, regions_to_rows


def _flat(pages: list[list[Region] | None]) -> pa.ListArray:
    return pa.array([None if p is None else regions_to_rows(p) for p in pages], type=REGIONS_TYPE)


def test_seed_box_and_angle_of_upright_turned_and_nested_regions():
    word_a = Region.from_box(12, 20, 40, 30, level="word", score=0.9)
    word_b = Region.from_box(45, 20, 70, 30, level="word", score=0.8)
    line = Region.from_box(10, 18, 72, 32, level="line", score=0.95).with_(children=(word_a, word_b))
    turned = Region(quad=((0, 0), (10, 10), (0, 20), (-10, 10)), level="word", score=0.5)  # 45 deg clockwise
    upside = Region(quad=((10, 0), (0, 0), (0, 5), (10, 5)), level="word")  # reads right to left: 180 deg
    flat = _flat([[line], None, [turned, upside]])
    out = ml_regions(flat, pa.array([3, None, 7], pa.int32())).to_pylist()
    assert out[1] is None
    first = out[0]
    assert [(r["index"], r["parent"], r["children"], r["level"]) for r in first] == [
        (0, None, [1, 2], "line"), (1, 0, [], "word"), (2, 0, [], "word"),
    ]
    assert [(r["page"], r["x"], r["y"], r["width"], r["height"], r["angle"]) for r in first] == [
        (3, 10.0, 18.0, 62.0, 14.0, 0.0), (3, 12.0, 20.0, 28.0, 10.0, 0.0), (3, 45.0, 20.0, 25.0, 10.0, 0.0),
    ]
    assert first[1]["score"] == 0.9 and first[1]["quad"] == [[12, 20], [40, 20], [40, 30], [12, 30]]
    last = out[2]
    assert [r["page"] for r in last] == [7, 7]
    assert (last[0]["x"], last[0]["y"], last[0]["width"], last[0]["height"]) == (-10.0, 0.0, 20.0, 20.0)
    assert last[0]["angle"] == pytest.approx(45.0)
    assert last[1]["angle"] == 180.0


def test_regions_round_trip_through_the_worker_layout_on_sliced_arrays():
    line = Region.from_box(1, 2, 30, 9, level="line", score=0.7).with_(
        children=(Region.from_box(1, 2, 14, 9, level="word", text="ab", confidence=0.5),),
        attributes={"baseline": [1, 2]},
    )
    pages = [[line], [], None, [Region.from_box(5, 5, 9, 9, level="word")]]
    seed = ml_regions(_flat(pages), pa.array([0, 1, 2, 3], pa.int32()))
    for start, length in ((0, 4), (1, 3), (3, 1)):
        back = worker_regions(seed.slice(start, length))
        assert back.type == REGIONS_TYPE
        got = [None if rows is None else regions_from_rows(rows) for rows in back.to_pylist()]
        want = [None if p is None else tuple(p) for p in pages[start : start + length]]
        assert got == want
    # ocrplug's own flat regions (``id`` instead of ``index``) are read as well.
    assert worker_regions(_flat(pages)).to_pylist() == _flat(pages).to_pylist()


def test_image_structs_keep_page_and_resolution_and_share_the_pixels():
    rng = np.random.default_rng(0)
    page = PageImage(image=rng.integers(0, 255, (5, 7, 3), dtype=np.uint8), index=2, source="x.png", dpi=150.0)
    struct = image_struct(page) | {"pagenum": 2, "resolution": 150.0}
    images = pa.array([None, struct, struct], type=ML_IMAGE_TYPE).slice(1, 2)
    path, pages, dpi, plain = worker_image(images)
    assert path.to_pylist() == ["x.png", "x.png"] and pages.to_pylist() == [2, 2] and dpi.to_pylist() == [150.0] * 2
    assert plain.field("data").buffers()[-1].address == images.field("data").buffers()[-1].address  # not copied
    assert np.array_equal(image_from_struct(plain.to_pylist()[0]).image, page.image)
    again = ml_image(plain, pages, dpi)
    assert again.type == ML_IMAGE_TYPE and again.to_pylist() == images.to_pylist()
    # Spark's own image struct (no pagenum / resolution): page and dpi are null.
    spark_type = pa.struct([f for f in ML_IMAGE_TYPE if f.name not in ("pagenum", "resolution")])
    _, pages, dpi, _ = worker_image(pa.array([image_struct(page)], type=spark_type))
    assert pages.to_pylist() == [None] and dpi.to_pylist() == [None]


@pytest.mark.parametrize(("channels", "mode"), [(1, 0), (3, 16), (4, 24)])
def test_image_struct_layouts(channels, mode):
    rgb = np.zeros((4, 6, 3), dtype=np.uint8)
    rgb[:, :3] = (200, 40, 10)  # a red-ish left half
    struct = image_struct(PageImage(image=rgb, index=0, source="p"), channels=channels)
    assert (struct["nChannels"], struct["mode"], len(struct["data"])) == (channels, mode, 4 * 6 * channels)
    back = image_from_struct(struct).image
    if channels == 1:
        luma = round(0.299 * 200 + 0.587 * 40 + 0.114 * 10)  # ITU-R 601, as Pillow's L conversion
        assert abs(int(back[0, 0, 0]) - luma) <= 1 and (back[..., 0] == back[..., 2]).all()
    else:
        assert np.array_equal(back, rgb)
    with pytest.raises(ValueError, match="1, 3 or 4"):
        image_struct(PageImage(image=rgb, index=0, source="p"), channels=2)


def test_with_columns_replaces_in_place_and_appends():
    batch = pa.RecordBatch.from_pydict({"a": [1, 2], "error": ["x", None]})
    out = with_columns(batch, [("error", pa.array([None, "y"])), ("b", pa.array([3.0, 4.0]))])
    assert out.schema.names == ["a", "error", "b"]
    assert out.column("error").to_pylist() == [None, "y"] and out.column("a") is not None
