"""Named presets: valid pipelines, the default equals the chosen preset, `--preset` on the command line."""

from __future__ import annotations

import re

import pytest
import yaml

from ocrplug.cli import main
from ocrplug.config import DEFAULT_CONFIG, validate_config
from ocrplug.presets import DEFAULT_PRESET, PRESETS, preset_config


def test_every_preset_is_a_valid_pipeline_and_the_default_is_one_of_them() -> None:
    for name in PRESETS:
        validate_config(preset_config(name), f"<preset {name}>")
    assert preset_config(DEFAULT_PRESET) == DEFAULT_CONFIG
    # A copy: changing it does not change the preset.
    preset_config("accurate")["detector"]["name"] = "x"
    assert PRESETS["accurate"]["detector"]["name"] == "craft"


def test_config_command_prints_a_preset_with_overrides(capsys) -> None:
    args = ["config", "--preset", "accurate", "--set", "detector.options.canvas_size=960"]
    assert main(args) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["detector"]["name"] == "craft" and printed["detector"]["options"]["canvas_size"] == 960
    assert printed["detector"]["options"]["weights"] == "craft_mlt_25k"


def test_a_config_file_applies_on_top_of_the_preset(tmp_path, capsys) -> None:
    path = tmp_path / "job.yaml"
    path.write_text("renderers: [{name: hocr}]\n", encoding="utf-8")
    assert main(["config", "--preset", "accurate", "-c", str(path)]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["detector"]["name"] == "craft" and [r["name"] for r in printed["renderers"]] == ["hocr"]


def test_unknown_preset_is_an_error_listing_the_known_ones(capsys) -> None:
    assert main(["config", "--preset", "fastest"]) != 0
    err = capsys.readouterr().err
    assert "unknown preset 'fastest'" in err and "accurate, fast" in err


def test_the_preset_option_help_names_every_preset(capsys) -> None:
    # `ocrplug run --help` said "(fast, accurate)" after `swift` was added.
    for command in ("run", "config", "eval"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        help_text = " ".join(capsys.readouterr().out.split())  # argparse wraps the help lines
        named = re.search(r"--preset PRESET start from a named pipeline \(([^)]*)\)", help_text)
        assert named, help_text
        assert named.group(1).split(", ") == list(PRESETS), command
