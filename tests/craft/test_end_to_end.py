"""Image -> boxes through our own network and post-processing, against the official end-to-end runs."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_craft.postprocess import adjust_coordinates, get_det_boxes

from tests.craft import vectors

CASES = [c for c in vectors.load_json("network_cases.json") if c["npz"] != "net_page_480x640_c1280.npz"]


@pytest.mark.parametrize("case", CASES, ids=[c["npz"][4:-4] for c in CASES])
def test_boxes_from_our_maps_match_official(case: dict) -> None:
    maps = vectors.forward(case["npz"])
    scale = 2 / case["ratio"]  # 2 heatmap px in image px: README requirement 4
    for run in case["runs"]:
        p = run["params"]
        det = get_det_boxes(
            maps["score_text"], maps[run["linkmap"]], p["text_threshold"], p["link_threshold"], p["low_text"], p["poly"]
        )
        assert len(det) == run["n_boxes"]
        ours = adjust_coordinates(det.boxes, 1 / case["ratio"], 1 / case["ratio"])
        theirs = np.float32(run["boxes"])
        if not len(ours):
            continue
        # Order-insensitive: every official box has one of ours with all corners within the tolerance.
        dist = np.abs(ours[:, None] - theirs[None]).max(axis=(2, 3))
        assert np.all(dist.min(axis=0) <= scale)
        assert len(set(dist.argmin(axis=0).tolist())) == len(theirs)
