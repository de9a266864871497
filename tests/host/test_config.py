"""Config validation: every bad config fails before any page, naming file, key path and suggestion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ocrplug import ConfigError, Pipeline
from ocrplug.config import apply_overrides, load_yaml
from ocrplug.manager import PluginHost


@pytest.fixture
def host() -> PluginHost:
    return PluginHost(extra_plugins=["tests.fakes.fault_plugin"])


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "job.yaml"
    path.write_text(text)
    return path


def test_top_level_typo_names_file_key_and_suggestion(tmp_path: Path) -> None:
    path = _yaml(tmp_path, "detecter: {name: fake-box}\nplugins: [tests.fakes.fault_plugin]\n")
    with pytest.raises(ConfigError) as err:
        Pipeline.from_yaml(path)
    msg = str(err.value)
    assert str(path) in msg and "'detecter'" in msg and "did you mean 'detector'" in msg


def test_option_typo_names_dotted_path_and_suggestion(tmp_path: Path) -> None:
    path = _yaml(
        tmp_path,
        "plugins: [tests.fakes.fault_plugin]\ndetector:\n  name: fake-box\n  options: {text_treshold: 0.5}\n",
    )
    with pytest.raises(ConfigError) as err:
        Pipeline.from_yaml(path)
    msg = str(err.value)
    assert "detector.options.text_treshold" in msg and "did you mean 'text_threshold'" in msg and str(path) in msg


def test_wrong_type_and_out_of_range(host: PluginHost) -> None:
    with pytest.raises(ConfigError, match=r"detector\.options\.text_threshold.*less than or equal to 1"):
        Pipeline.from_dict({"detector": {"name": "fake-box", "options": {"text_threshold": 3}}}, host=host)
    with pytest.raises(ConfigError, match=r"input\.dpi"):
        Pipeline.from_dict({"input": {"dpi": "high"}}, host=host)
    with pytest.raises(ConfigError, match=r"jobs"):
        Pipeline.from_dict({"jobs": 0}, host=host)
    with pytest.raises(ConfigError, match=r"page range"):
        Pipeline.from_dict({"input": {"pages": "1-x"}}, host=host)


def test_wrong_type_shows_the_value_given_also_for_lists(host: PluginHost) -> None:
    """A list or mapping where a number belongs is shown too (T13: ``box_thresh: [0.5]`` said only "valid number"),
    cut to 60 characters so a long value never floods the message."""
    with pytest.raises(ConfigError, match=r"detector\.options\.text_threshold: .*\(got \[0\.5\]\)"):
        Pipeline.from_dict({"detector": {"name": "fake-box", "options": {"text_threshold": [0.5]}}}, host=host)
    with pytest.raises(ConfigError) as err:
        Pipeline.from_dict({"detector": {"name": "fake-box", "options": {"text_threshold": list(range(100))}}}, host=host)
    assert "(got [0, 1, 2," in str(err.value) and "...)" in str(err.value) and "99" not in str(err.value)


@pytest.mark.parametrize("bad", [True, 0, -5, "300dpi", None, "", 2401])
def test_a_bad_dpi_is_one_clear_error_and_auto_is_taken_in_any_case(host: PluginHost, bad: object) -> None:
    """V13: ``input.dpi: true`` was read as 1 dpi (an empty page, exit 0); other bad values gave the
    number-or-auto union's two internal messages."""
    with pytest.raises(ConfigError) as err:
        Pipeline.from_dict({"input": {"dpi": bad}}, host=host)
    msg = str(err.value)
    assert "input.dpi: " in msg and "must be 'auto' or a number of dots per inch" in msg, msg
    assert "constrained-float" not in msg and "literal" not in msg and msg.count("input.dpi") == 1, msg
    for given in ("Auto", " auto ", "AUTO"):
        assert Pipeline.from_dict({"input": {"dpi": given}}, host=host).config.input.dpi == "auto"
    assert Pipeline.from_dict({"input": {"dpi": "150"}}, host=host).config.input.dpi == 150


@pytest.mark.parametrize("low", [1, 5, 29.9, "12"])
def test_a_dpi_too_low_to_read_is_refused_naming_the_key(host: PluginHost, low: object) -> None:
    """Issue 24 (U14): ``input.dpi: 1`` was taken without a word (a page of a few pixels, nothing read).
    Below MIN_DPI (30; 10-12 pt text: CER 0.92 at 20 dpi, benchmarks/text_pages.py dpi) it is refused."""
    with pytest.raises(ConfigError) as err:
        Pipeline.from_dict({"input": {"dpi": low}}, host=host)
    msg = str(err.value)
    assert "input.dpi: " in msg and "in [30, 2400]" in msg and "does not read" in msg and "'auto'" in msg, msg


def test_a_low_dpi_that_still_reads_is_taken_with_a_warning(host: PluginHost, caplog: pytest.LogCaptureFixture) -> None:
    """From 30 to below LOW_DPI (70, Tesseract's lowest credible resolution) the value is kept, with one
    warning naming the key per value; 70 and more say nothing."""
    import ocrplug.config as config

    config._warned_dpi.clear()
    with caplog.at_level("WARNING", logger="ocrplug.config"):
        assert Pipeline.from_dict({"input": {"dpi": 30}}, host=host).config.input.dpi == 30
        Pipeline.from_dict({"input": {"dpi": 30}}, host=host)
        assert Pipeline.from_dict({"input": {"dpi": 69}}, host=host).config.input.dpi == 69
        Pipeline.from_dict({"input": {"dpi": 70}}, host=host)
    warned = [r.getMessage() for r in caplog.records if r.name == "ocrplug.config"]
    assert len(warned) == 2 and warned[0].startswith("input.dpi 30 is below 70 dpi") and "input.dpi 69" in warned[1]


def test_unknown_component_suggests_closest(host: PluginHost) -> None:
    with pytest.raises(ConfigError, match=r"unknown detector 'fake-bx'.*did you mean 'fake-box'"):
        Pipeline.from_dict({"detector": "fake-bx"}, host=host)
    with pytest.raises(ConfigError, match=r"unknown renderer 'fake-line'.*renderers\.0\.name.*fake-lines"):
        Pipeline.from_dict({"renderers": ["fake-line"]}, host=host)


def test_validation_happens_before_any_page(host: PluginHost, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes import fault_plugin

    calls: list[int] = []
    monkeypatch.setattr(fault_plugin.BoxDetector, "detect", lambda self, page: calls.append(1) or [])
    with pytest.raises(ConfigError):
        Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "renderers": [{"name": "fake-lines", "options": {"x": 1}}]}, host=host)
    assert calls == []


def test_detector_only_pipeline_gives_regions_without_text(host: PluginHost) -> None:
    image = np.full((40, 60, 3), 255, np.uint8)
    image[10:20, 5:50] = 0
    doc = Pipeline.from_dict({"detector": "fake-box", "recognizer": None}, host=host).run(image)
    (region,) = doc.pages[0].regions
    assert region.text is None and region.bbox == (5.0, 10.0, 49.0, 19.0)


def test_python_construction_equals_dict(host: PluginHost) -> None:
    a = Pipeline(detector="fake-box", recognizer={"name": "fake-echo"}, host=host)
    b = Pipeline.from_dict({"detector": {"name": "fake-box"}, "recognizer": "fake-echo"}, host=host)
    assert a.to_dict() == b.to_dict()
    image = np.zeros((10, 10, 3), np.uint8)
    assert a.run(image) == b.run(image)


def test_overrides() -> None:
    data = {"detector": "craft", "renderers": [{"name": "overlay"}]}
    out = apply_overrides(data, ["detector.options.text_threshold=0.6", "renderers.0.options.color=red", "input.dpi=150"])
    assert out["detector"] == {"name": "craft", "options": {"text_threshold": 0.6}}
    assert out["renderers"][0]["options"] == {"color": "red"}
    assert out["input"]["dpi"] == 150
    assert data["detector"] == "craft"  # the input is not mutated
    with pytest.raises(ConfigError, match=r"KEY\.PATH=VALUE"):
        apply_overrides({}, ["nonsense"])


def test_bad_yaml_names_file(tmp_path: Path) -> None:
    path = _yaml(tmp_path, "detector: [unclosed\n")
    with pytest.raises(ConfigError, match="invalid YAML") as err:
        load_yaml(path)
    assert str(path) in str(err.value)
    with pytest.raises(ConfigError, match="cannot read"):
        load_yaml(tmp_path / "missing.yaml")


def test_config_file_mistakes_get_hints(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A new user's config mistakes (T14): tab indentation, a `preset:` key, an empty file, a misspelt or
    upper-case preset name each get a message that says what to do."""
    from ocrplug.config import load_config
    from ocrplug.presets import preset_config

    tabs = _yaml(tmp_path, "detector:\n\tname: db\n")
    with pytest.raises(ConfigError, match="a tab cannot start a key") as err:
        load_yaml(tabs)
    assert str(tabs) in str(err.value) and "line 2" in str(err.value)
    # A tab after a line's content is white space (YAML 1.2; T16's invisible trailing tabs), not an error.
    trailing = _yaml(tmp_path, "input: {dpi: 300}\t# note\nrenderers:\n  - text\t\n  - json\t\t# two\n")
    assert load_yaml(trailing) == {"input": {"dpi": 300}, "renderers": ["text", "json"]}
    quoted = _yaml(tmp_path, 'renderers:\n  - name: text\n    options: {suffix: "a\tb.txt"}\t\n')
    assert load_yaml(quoted)["renderers"][0]["options"]["suffix"] == "a\tb.txt"
    with pytest.raises(ConfigError, match=r"unknown key 'preset'.*--preset NAME"):
        load_config(_yaml(tmp_path, "preset: accurate\n"), [])
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n")
    with caplog.at_level("WARNING", logger="ocrplug.config"):
        assert load_yaml(empty) == {}
    assert f"{empty}: the config file holds no keys" in caplog.text
    with pytest.raises(ConfigError, match=r"unknown preset 'acurate'; known presets: .*did you mean 'accurate'\?"):
        preset_config("acurate")
    assert preset_config("FAST") == preset_config("fast")


def test_duplicate_yaml_keys_are_errors_naming_file_key_and_lines(tmp_path, capsys):
    from ocrplug.cli import main

    path = tmp_path / "dup.yaml"
    path.write_text(
        "input:\n  dpi: 200\nrenderers:\n  - name: text\n    options: {suffix: .a.txt, suffix: .b.txt}\n"
        "input:\n  dpi: 300\n"
    )
    with pytest.raises(ConfigError) as exc:
        load_yaml(path)
    message = str(exc.value)
    assert message.startswith(f"{path}: ")
    assert "key 'input' is given twice (lines 1 and 6)" in message
    assert "key 'renderers.0.options.suffix' is given twice (lines 5 and 5)" in message
    assert main(["config", "-c", str(path)]) == 2
    assert "key 'input' is given twice" in capsys.readouterr().err
    # Anchors and merge keys (<<) are not duplicates.
    path.write_text("base: &b {dpi: 200}\ninput:\n  <<: *b\n  dpi: 300\n")
    assert load_yaml(path)["input"] == {"dpi": 300}


def test_duplicate_keys_inside_a_set_value_are_errors():
    from ocrplug.config import load_config

    with pytest.raises(ConfigError, match=r"--set layout: key 'word_gap' is given twice"):
        load_config(None, ["layout={word_gap: 1, word_gap: 2}"])
    assert load_config(None, ["layout={word_gap: 1}"]).data["layout"]["word_gap"] == 1
