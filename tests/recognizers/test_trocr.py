"""The trocr recognizer on a tiny random TrOCR-architecture model saved with save_pretrained (offline)."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from ocrplug.errors import ConfigError, WeightsError
from ocrplug.model import PageImage, Region

pytest.importorskip("torch")
pytest.importorskip("transformers")

TINY_ENCODER = dict(
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=64,
    patch_size=8,
    initializer_range=0.5,
)
TINY_DECODER = dict(
    d_model=32,
    decoder_layers=2,
    decoder_attention_heads=2,
    decoder_ffn_dim=64,
    max_position_embeddings=64,
    init_std=0.5,
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    import torch

    torch.set_num_threads(1)
    from ocrplug_trocr.random_model import save_random_trocr

    return save_random_trocr(
        tmp_path_factory.mktemp("tiny-trocr"),
        encoder=TINY_ENCODER,
        decoder=TINY_DECODER,
        image_size=32,
        vocab_size=80,
        generation={"no_repeat_ngram_size": 3},
        eos_scale=0.3,
    )


def _images(n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    return [rng.integers(0, 255, (24, int(w), 3), dtype=np.uint8) for w in rng.integers(30, 200, n)]


def _build(plugin_host, **options):
    spec = plugin_host.components("recognizer")["trocr"]
    return spec.build(spec.options(device="cpu", threads=1, max_length=16, **options))


def test_tiny_model_loads_through_the_plugin_and_batches_consistently(plugin_host, tiny_model):
    images = _images(7)
    one = _build(plugin_host, model=str(tiny_model), batch_size=1).read(images)
    batched = _build(plugin_host, model=str(tiny_model), batch_size=4).read(images)
    assert [t for t, _ in one] == [t for t, _ in batched]
    assert np.allclose([c for _, c in one], [c for _, c in batched], atol=1e-4)
    assert all(0.0 <= c <= 1.0 for _, c in one)
    # The random model's output depends on the image, so results really are per crop.
    assert len({t for t, _ in one}) > 1


def test_recognize_fills_regions_in_order(plugin_host, tiny_model):
    rec = _build(plugin_host, model=str(tiny_model), batch_size=3)
    canvas = np.random.default_rng(2).integers(0, 255, (120, 300, 3), dtype=np.uint8)
    regions = [Region.from_box(10 + 40 * k, 10 + 20 * k, 150 + 20 * k, 30 + 20 * k, level="line") for k in range(4)]
    out = rec.recognize(PageImage(canvas, 0, "x"), regions)
    assert [r.quad for r in out] == [r.quad for r in regions]
    assert all(r.text is not None and 0.0 <= (r.confidence or 0.0) <= 1.0 for r in out)
    # Beam search runs through the same path.
    beams = _build(plugin_host, model=str(tiny_model), num_beams=2).recognize(PageImage(canvas, 0, "x"), regions)
    assert len(beams) == 4 and all(0.0 <= (r.confidence or 0.0) <= 1.0 for r in beams)


def test_onnx_export_gives_the_same_token_ids(plugin_host, tiny_model, tmp_path):
    pytest.importorskip("onnxruntime")
    from ocrplug_trocr.onnx_export import OnnxTrOCR, export_onnx

    out_dir = export_onnx(str(tiny_model), tmp_path / "onnx")
    torch_rec = _build(plugin_host, model=str(tiny_model), batch_size=4)
    onnx_rec = _build(plugin_host, onnx=str(out_dir), batch_size=4)
    images = _images(6)
    pixel_values = torch_rec._pixels(images)
    import torch

    with torch.inference_mode():
        ref = torch_rec.model.generate(pixel_values, num_beams=1, max_length=16).tolist()
    got, _ = OnnxTrOCR(out_dir).generate(pixel_values.numpy(), max_length=16)
    pad = 1
    assert [[t for t in r if t != pad] for r in ref] == [[t for t in g if t != pad] for g in got]
    a, b = torch_rec.read(images), onnx_rec.read(images)
    assert [t for t, _ in a] == [t for t, _ in b]
    assert np.allclose([c for _, c in a], [c for _, c in b], atol=1e-3)


def test_export_command_is_offered(plugin_host, tiny_model, tmp_path):
    (command,) = [c for c in plugin_host.cli_commands() if c.name == "trocr"]
    parser = argparse.ArgumentParser()
    command.configure(parser)
    args = parser.parse_args(["export-onnx", str(tiny_model), str(tmp_path / "exp"), "--no-check"])
    assert command.run(args) == 0
    assert (tmp_path / "exp" / "encoder.onnx").is_file() and (tmp_path / "exp" / "decoder.onnx").is_file()


def test_banned_ngrams():
    from ocrplug_trocr.onnx_export import banned_ngram_tokens

    assert banned_ngram_tokens([5, 6, 7, 5, 6], 3) == {7}
    assert banned_ngram_tokens([5, 6, 7], 3) == set()
    assert banned_ngram_tokens([4, 4], 1) == {4}


def test_errors_are_clear(plugin_host, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(WeightsError, match="save_pretrained"):
        _build(plugin_host, model=str(tmp_path / "no-such-model"))
    with pytest.raises(ConfigError, match="export-onnx"):
        _build(plugin_host, onnx=str(tmp_path))
    with pytest.raises(ConfigError, match="num_beams"):
        _build(plugin_host, onnx=str(tmp_path), num_beams=3)


def test_unreachable_hub_fails_at_once_with_one_message(plugin_host, monkeypatch, caplog):
    import socket

    import transformers
    from ocrplug_trocr import loading

    # A port nothing listens on: the probe is refused at once, as on a machine without network.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    loading._hub_problem.cache_clear()

    def no_download(*args, **kwargs):
        raise AssertionError("from_pretrained must not be tried when the hub is unreachable")

    monkeypatch.setattr(transformers.AutoProcessor, "from_pretrained", no_download)
    monkeypatch.setattr(transformers.VisionEncoderDecoderModel, "from_pretrained", no_download)
    with caplog.at_level("DEBUG"), pytest.raises(WeightsError) as err:
        _build(plugin_host, model="ocrplug-tests/not-a-cached-model")
    assert "not in the Hugging Face cache" in str(err.value) and f"127.0.0.1:{port}" in str(err.value)
    assert "unreachable" in str(err.value) and "HF_HUB_OFFLINE" in str(err.value)
    assert not [r for r in caplog.records if r.levelno >= 30]  # no retry warnings
    loading._hub_problem.cache_clear()


@pytest.mark.parametrize(
    "encoder_type,decoder_extra",
    [
        ("deit", {"use_learned_position_embeddings": False, "layernorm_embedding": False, "scale_embedding": False}),
        ("vit", {"activation_function": "relu", "scale_embedding": True}),
    ],
)
def test_onnx_ids_match_for_other_architectures(tmp_path, encoder_type, decoder_extra):
    pytest.importorskip("onnxruntime")
    import torch
    from ocrplug_trocr.onnx_export import OnnxTrOCR, export_onnx
    from ocrplug_trocr.random_model import save_random_trocr

    model_dir = save_random_trocr(
        tmp_path / "m",
        encoder=TINY_ENCODER,
        decoder={**TINY_DECODER, **decoder_extra},
        image_size=32,
        vocab_size=60,
        encoder_type=encoder_type,
        eos_scale=0.5,
    )
    out_dir = export_onnx(str(model_dir), tmp_path / "onnx")  # raises when ids differ from torch
    from ocrplug_trocr.loading import load_model, load_processor

    model, processor = load_model(str(model_dir)), load_processor(str(model_dir))
    pixel_values = processor(images=_images(5), return_tensors="pt").pixel_values
    with torch.inference_mode():
        ref = model.generate(pixel_values, num_beams=1, max_length=12).tolist()
    got, _ = OnnxTrOCR(out_dir).generate(pixel_values.numpy(), max_length=12)
    assert [[t for t in r if t != 1] for r in ref] == [[t for t in g if t != 1] for g in got]
