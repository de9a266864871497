"""Pages whose pixels are not square (a 204 x 98 dpi fax) are read on a square-pixel copy (issue 24)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from ocrplug import Pipeline
from ocrplug.model import PageImage
from ocrplug.presets import preset_config
from ocrplug.processing import square_pixels

FAX = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared")) / "cases" / "fax_204x98.tif"


def test_square_pixels_resamples_the_coarser_axis_only() -> None:
    image = PageImage(image=np.zeros((550, 1728, 3), np.uint8), index=0, source="fax", dpi=204.0, dpi_y=98.0)
    square, (sx, sy) = square_pixels(image)
    assert (square.width, square.height) == (1728, 1145)
    assert square.resolution == (204.0, 204.0) and (sx, sy) == (1.0, pytest.approx(1145 / 550))
    for dpi_y in (None, 204.0, 205.0):  # square (within 1 %) or no second resolution: the page itself
        plain = PageImage(image=image.image, index=0, source="scan", dpi=204.0, dpi_y=dpi_y)
        assert square_pixels(plain) == (plain, (1.0, 1.0))
    assert square_pixels(PageImage(image=image.image, index=0, source="array"))[0].dpi is None


def test_a_fax_reads_its_number_whole_in_its_own_pixels(tmp_path: Path) -> None:
    if not FAX.exists():
        pytest.skip(f"{FAX} not found (shared/cases is not in the repository)")
    config = dict(preset_config("fast"), output={"dir": str(tmp_path)}, renderers=[])
    page = Pipeline.from_dict(config).run(FAX).pages[0]
    assert "Invoice 4711 ACME Ltd" in page.text.splitlines(), page.text  # was "471 1": gaps read squashed
    assert page.resolution == (204.0, 98.0) and (page.width, page.height) == (1728, 550)
    boxes = np.array([w.bbox for w in page.words])
    assert boxes[:, 3].max() <= 550 and boxes[:, 1].min() >= 0  # in the fax's own pixels
    number = next(w for w in page.words if w.text == "4711")
    assert 20 < number.bbox[3] - number.bbox[1] < 60  # about 35 px high in the fax's rows, not 70
