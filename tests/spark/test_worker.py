"""The worker side without a JVM: a file's bytes become page rows, pages batched for detect_batch."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PIL import Image, ImageDraw

from ocrplug import Detector, PageImage, Region
from ocrplug.pipeline import Pipeline

pytest.importorskip("pyarrow", reason="pyarrow not installed (pip install 'ocrplug[spark]')")


class BatchRecorder(Detector):
    """One box per page; remembers how many pages each detect_batch call got."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def detect(self, page: PageImage) -> list[Region]:
        return self.detect_batch([page])[0]

    def detect_batch(self, pages: Sequence[PageImage]) -> list[list[Region]]:
        self.sizes.append(len(pages))
        return [[Region.from_box(1, 1, 9, 9, level="line", score=1.0)] for _ in pages]


def _pdf(pages: int) -> bytes:
    import io

    frames = [Image.new("RGB", (72, 72), "white") for _ in range(pages)]
    for i, frame in enumerate(frames):
        ImageDraw.Draw(frame).rectangle((5, 5, 20 + i, 20), fill="black")
    buffer = io.BytesIO()
    frames[0].save(buffer, format="PDF", save_all=True, append_images=frames[1:], resolution=72)
    return buffer.getvalue()


def test_pages_of_a_file_reach_detect_batch_together():
    from ocrplug.spark.worker import iter_file

    detector = BatchRecorder()
    pipeline = Pipeline(detector=detector, recognizer=None, input={"dpi": 72}, batch_pages=4)
    rows = [row for row, _, _ in iter_file(pipeline, "file:/data/scan.pdf", _pdf(6))]
    assert detector.sizes == [4, 2]
    assert [(r["page_index"], r["page_count"], r["error"]) for r in rows] == [(i, 6, None) for i in range(6)]
    # One detected region per page, put by the host layout into a block (flat rows: block, line, ...).
    assert all(r["path"] == "file:/data/scan.pdf" and sum(x["level"] == "line" for x in r["regions"]) == 1 for r in rows)


def test_unreadable_bytes_and_unknown_types_are_error_rows_naming_the_path():
    from ocrplug.spark.worker import iter_file

    pipeline = Pipeline(detector=BatchRecorder(), recognizer=None, input={"dpi": 72})
    (bad, _, _), = iter_file(pipeline, "s3a://bucket/broken.pdf", b"%PDF-1.4 not really")
    assert bad["page_index"] is None and bad["error"].startswith("s3a://bucket/broken.pdf")
    assert "ocrplug-spark-" not in bad["error"]
    (odd, _, _), = iter_file(pipeline, "file:/data/notes.txt", b"hello")
    assert "file:/data/notes.txt" in odd["error"] and "unsupported file type" in odd["error"]
