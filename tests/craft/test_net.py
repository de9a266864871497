"""The CRAFT network and link refiner: key layout, checkpoint loading, conformance with the official maps."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch
from ocrplug_craft.net import CRAFT, load_checkpoint, load_state_dict_checked, read_state_dict
from ocrplug_craft.refiner import RefineNet, load_refiner_checkpoint

from ocrplug.errors import WeightsError
from tests.craft import vectors

torch.set_num_threads(2)

FAST_CASES = ["net_strip_411x157_c1280.npz", "net_page_480x640_c512.npz", "net_small_300x200_c1280.npz"]


@pytest.mark.parametrize(("kind", "module", "params"), [("craft", CRAFT, 20_770_466), ("refiner", RefineNet, 457_924)])
def test_state_dict_layout_is_official(kind: str, module: type[torch.nn.Module], params: int) -> None:
    net = module()
    expected = vectors.load_json(f"keys_{kind}.json")
    assert [[k, list(v.shape)] for k, v in net.state_dict().items()] == expected
    assert sum(p.numel() for p in net.parameters()) == params


@pytest.mark.parametrize("kind", ["craft", "refiner"])
def test_recipe_weights_match_published_hashes(kind: str) -> None:
    published = vectors.load_json(f"weights_{kind}_sha256.json")
    assert published["seed"] == vectors.SEEDS[kind]
    ours = {
        k: hashlib.sha256(np.ascontiguousarray(v.numpy()).tobytes()).hexdigest()
        for k, v in vectors.state_dict(kind).items()
    }
    assert ours == published["sha256"]


def test_official_checkpoint_with_module_prefix_loads(tmp_path) -> None:
    craft_path, refiner_path = vectors.save_weights(tmp_path)
    assert all(k.startswith("module.") for k in torch.load(craft_path, weights_only=True))
    net = load_checkpoint(craft_path)
    assert net.width == 1.0 and not net.training
    assert torch.equal(net.state_dict()["conv_cls.8.bias"], vectors.state_dict("craft")["conv_cls.8.bias"])
    refiner = load_refiner_checkpoint(refiner_path)
    assert torch.equal(refiner.state_dict()["aspp4.6.weight"], vectors.state_dict("refiner")["aspp4.6.weight"])


def test_checkpoint_without_num_batches_tracked_and_in_float16_loads() -> None:
    sd = {k: v.half() for k, v in vectors.state_dict("refiner").items() if not k.endswith("num_batches_tracked")}
    net = RefineNet()
    load_state_dict_checked(net, sd, "half.pth")
    assert net.state_dict()["last_conv.1.running_var"].dtype == torch.float32


def test_missing_and_unexpected_keys_are_named() -> None:
    sd = dict(vectors.state_dict("refiner"))
    del sd["aspp2.0.weight"]
    sd["aspp9.0.weight"] = torch.zeros(1)
    with pytest.raises(WeightsError) as err:
        load_state_dict_checked(RefineNet(), sd, "broken.pth")
    message = str(err.value)
    assert "broken.pth" in message and "missing keys: aspp2.0.weight" in message
    assert "unexpected keys: aspp9.0.weight" in message


def test_wrong_shape_is_named_and_craft_weights_do_not_load_into_refiner(tmp_path) -> None:
    sd = dict(vectors.state_dict("refiner"))
    sd["aspp1.0.weight"] = torch.zeros(128, 64, 1, 1)
    with pytest.raises(WeightsError, match=r"aspp1\.0\.weight \(128, 64, 1, 1\) \(model expects \(128, 64, 3, 3\)\)"):
        load_state_dict_checked(RefineNet(), sd, "x.pth")
    craft_path, _ = vectors.save_weights(tmp_path)
    with pytest.raises(WeightsError, match=r"missing keys: last_conv\.0\.weight"):
        load_refiner_checkpoint(craft_path)


def test_unreadable_or_missing_checkpoint_names_the_file(tmp_path) -> None:
    with pytest.raises(WeightsError, match=r"not found: .*nope\.pth"):
        read_state_dict(tmp_path / "nope.pth")
    bad = tmp_path / "bad.pth"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsError, match=r"cannot read weights file .*bad\.pth"):
        read_state_dict(bad)


def test_width_multiplier_builds_a_lighter_model_with_the_same_keys(tmp_path) -> None:
    net = CRAFT(width=0.25)
    assert list(net.state_dict()) == list(CRAFT().state_dict())
    assert sum(p.numel() for p in net.parameters()) < 20_770_466 / 10
    refiner = RefineNet(feature_channels=net.feature_channels, width=0.25)
    with torch.inference_mode():
        y, feature = net.eval()(torch.zeros(1, 3, 64, 96))
        refined = refiner.eval()(y, feature)
    assert y.shape == (1, 32, 48, 2) and feature.shape == (1, 8, 32, 48) and refined.shape == (1, 32, 48, 1)
    # The width is read back from a checkpoint.
    torch.save(net.state_dict(), tmp_path / "lite.pt")
    assert load_checkpoint(tmp_path / "lite.pt").width == 0.25
    torch.save(refiner.state_dict(), tmp_path / "lite_refiner.pt")
    assert load_refiner_checkpoint(tmp_path / "lite_refiner.pt").aspp1[0].out_channels == 32


def _assert_close(ours: np.ndarray, stored: np.ndarray, value_range: float | None = None) -> None:
    """README requirement 2: max |diff| <= 1e-4 x (max - min) of the stored array."""
    assert ours.shape == stored.shape
    tolerance = 1e-4 * (value_range if value_range is not None else float(stored.max() - stored.min()))
    assert float(np.abs(ours - stored).max()) <= tolerance


@pytest.mark.parametrize("npz", FAST_CASES)
def test_network_maps_match_official(npz: str) -> None:
    stored, ours = vectors.load_npz(npz), vectors.forward(npz)
    for name in ("score_text", "score_link", "refined_link"):
        _assert_close(ours[name], stored[name])
    feature = ours["feature"]
    assert tuple(stored["feature_shape"]) == (1, *feature.shape)
    feature_range = float(stored["feature_channel_max"].max() - stored["feature_channel_min"].min())
    _assert_close(feature[stored["feature_sel_channels"]], stored["feature_sel"], feature_range)
    for stat, fn in (("min", np.min), ("max", np.max), ("mean", np.mean), ("std", np.std)):
        _assert_close(fn(feature.astype(np.float64), axis=(1, 2)), stored[f"feature_channel_{stat}"], feature_range)


def test_full_feature_tensor_matches_official() -> None:
    path = vectors.SHARED / "net_small_300x200_c1280.npz"
    if not path.exists():
        pytest.skip(f"{path} absent (the full feature tensor is not committed)")
    with np.load(path) as data:
        stored = data["feature"][0]
    _assert_close(vectors.forward("net_small_300x200_c1280.npz")["feature"], stored)


@pytest.mark.slow
def test_page_canvas_1280_matches_official() -> None:
    npz = "net_page_480x640_c1280.npz"
    stored, ours = vectors.load_npz(npz), vectors.forward(npz)
    for name in ("score_text", "score_link", "refined_link"):
        _assert_close(ours[name], stored[name])
