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


# -- the drawing stage, in memory ------------------------------------------------------------------


def _page_batch(rgb: np.ndarray, regions: list[Region] | None, error: str | None = None,
                channels: int = 3) -> pa.RecordBatch:
    page = PageImage(image=rgb, index=1, source="p.png", dpi=96.0)
    struct = image_struct(page, channels=channels) | {"pagenum": 1, "resolution": 96.0}
    flat = _flat([regions])
    return pa.RecordBatch.from_pydict(
        {
            "path": pa.array(["p.png"]),
            "image": pa.array([struct], type=ML_IMAGE_TYPE),
            "text_regions": ml_regions(flat, pa.array([1], pa.int32())),
            "error": pa.array([error], type=pa.string()),
        }
    )


def _draw(batches: list[pa.RecordBatch], **options) -> list[dict]:
    from ocrplug.spark.ml_arrow import draw_stage

    config = {"renderers": [{"name": "overlay", "options": options}], "plugins": []}
    out = draw_stage(batches, config=config, image_col="image", regions_col="text_regions",
                     output_col="image_with_regions", batch_size=8)
    return pa.Table.from_batches(list(out)).to_pylist()


def test_drawn_image_is_overlays_drawing_of_the_page_and_keeps_page_and_resolution():
    """The stage's pixels are what the overlay renderer draws (one drawing function), in BGR bytes."""
    from ocrplug_render.overlay import OverlayOptions, draw_overlay

    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 255, (60, 90, 3), dtype=np.uint8)
    word = Region(quad=((10, 12), (50, 8), (52, 30), (12, 34)), level="word", score=0.9)
    line = Region.from_box(5, 5, 80, 40, level="line").with_(children=(word,))
    [row] = _draw([_page_batch(rgb, [line])], color="#ff0000", shape="quad", line_width=1)
    assert row["error"] is None and row["path"] == "p.png"
    drawn = row["image_with_regions"]
    assert (drawn["nChannels"], drawn["mode"], drawn["pagenum"], drawn["resolution"]) == (3, 16, 1, 96.0)
    page = PageImage(image=rgb, index=1, source="p.png").empty_page().with_(regions=(line,))
    want = draw_overlay(page, rgb, OverlayOptions(color="#ff0000", shape="quad", line_width=1))
    assert np.array_equal(image_from_struct(drawn).image, want)
    assert drawn["data"][:3] == bytes(want[0, 0, ::-1])  # Spark's byte order: BGR
    # The input image column is untouched (the same values).
    assert row["image"]["data"] == rgb[:, :, ::-1].tobytes()


def test_draw_params_change_the_pixels_as_the_seeds_mean_them():
    """rectColor, lineWidth, filledRect and rotated, through ImageDrawRegions' overlay options."""
    white = np.full((100, 120, 3), 255, dtype=np.uint8)
    turned = Region(quad=((30, 40), (80, 20), (90, 45), (40, 65)), level="word")  # tilted ~22 degrees
    batch = _page_batch(white, [turned])

    def pixels(**options) -> np.ndarray:
        return image_from_struct(_draw([batch], **options)[0]["image_with_regions"]).image

    green = np.all(pixels(color="green", shape="box", line_width=1) == (0, 128, 0), axis=2)
    ys, xs = np.nonzero(green)
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (30, 90, 20, 65)  # the axis-aligned box
    assert green[20, 30] and green[65, 90]  # its corners are drawn ...
    rotated = np.all(pixels(color="green", shape="quad", line_width=1) == (0, 128, 0), axis=2)
    assert not rotated[20, 30] and not rotated[65, 90] and rotated[40, 30] and rotated[20, 80]  # ... the quad's not
    thick = np.all(pixels(color="green", shape="box", line_width=5) == (0, 128, 0), axis=2)
    assert thick.sum() > 3 * green.sum()
    assert not green[42, 60] and not thick[42, 60]  # outlines only
    filled = pixels(color="green", shape="quad", fill_opacity=1.0)
    assert tuple(filled[42, 60]) == (0, 128, 0) and tuple(filled[90, 10]) == (255, 255, 255)


def test_draw_stage_rows_with_errors_no_image_or_bad_regions_and_gray_input():
    white = np.full((40, 50, 3), 255, dtype=np.uint8)
    box = Region.from_box(5, 5, 30, 20, level="word")
    good = _page_batch(white, [box])
    failed = _page_batch(white, None, error="p.png: detection failed")
    no_image = good.set_column(1, "image", pa.nulls(1, ML_IMAGE_TYPE))
    bad = _page_batch(white, [box])
    flat = _flat([[box]]).to_pylist()
    flat[0][0]["children"] = [7]  # a child that does not exist: this page cannot be drawn
    bad = bad.set_column(2, "text_regions", ml_regions(pa.array(flat, type=REGIONS_TYPE), pa.array([1], pa.int32())))
    gray = _page_batch(white, [box], channels=1)
    rows = _draw([pa.concat_batches([good, failed, no_image, bad, gray])], color="red")
    assert [r["error"] for r in rows[:2]] == [None, "p.png: detection failed"]
    assert rows[1]["image_with_regions"] is None
    assert rows[2]["image_with_regions"] is None and "no image in column 'image'" in rows[2]["error"]
    assert rows[3]["image_with_regions"] is None and "region id 7 is referenced but missing" in rows[3]["error"]
    assert rows[4]["error"] is None and rows[4]["image_with_regions"]["nChannels"] == 3  # colour on a gray page
    assert np.array_equal(image_from_struct(rows[4]["image_with_regions"]).image,
                          image_from_struct(rows[0]["image_with_regions"]).image)


def test_a_renderer_that_draws_no_image_is_an_error_naming_it():
    from ocrplug.errors import OcrplugError
    from ocrplug.spark.worker import draw_batches

    batch = _page_batch(np.full((10, 10, 3), 255, dtype=np.uint8), [])
    with pytest.raises(OcrplugError, match=r"renderer \(TextRenderer\) draws no image in memory"):
        list(draw_batches([batch], {"renderers": [{"name": "text"}], "plugins": []}, "image", "text_regions", "out", 8))
