"""Configs layered over the default pipeline, every error at once with its source, and the CLI's
config/plugins commands and exit codes for configuration (2), plugin (4) and weights (5) failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from PIL import Image

from ocrplug import ConfigError, Pipeline
from ocrplug.cli import main
from ocrplug.config import DEFAULT_CONFIG, layer_config, load_config

FAKES = "plugins: [tests.fakes.fault_plugin]\n"


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "job.yaml"
    path.write_text(text)
    return path


def test_layering_rules() -> None:
    base = {
        "input": {"dpi": 300, "pages": "1"},
        "detector": {"name": "db", "options": {"box_thresh": 0.5}},
        "recognizer": {"name": "ppocr"},
        "renderers": [{"name": "text"}, {"name": "json"}],
    }
    merged = layer_config(base, {"input": {"dpi": 150}, "detector": {"options": {"thresh": 0.2}}, "renderers": ["pdf"]})
    assert merged["input"] == {"dpi": 150, "pages": "1"}  # mappings merge key by key
    assert merged["detector"] == {"name": "db", "options": {"box_thresh": 0.5, "thresh": 0.2}}  # same component
    assert merged["recognizer"] == {"name": "ppocr"} and merged["renderers"] == ["pdf"]  # lists replace
    other = layer_config(base, {"detector": "craft", "recognizer": None})
    assert other["detector"] == "craft"  # another component: the base's options are dropped
    assert other["recognizer"] is None  # null switches the stage off
    assert base["detector"]["options"] == {"box_thresh": 0.5}  # the base is not changed


def test_file_with_only_renderers_keeps_the_default_detector_and_recognizer(tmp_path: Path) -> None:
    loaded = load_config(_yaml(tmp_path, "renderers: [{name: pdf}]\n"))
    config = loaded.config
    assert config.detector is not None and config.detector.name == DEFAULT_CONFIG["detector"]["name"]
    assert config.recognizer is not None and config.recognizer.name == DEFAULT_CONFIG["recognizer"]["name"]
    assert [r.name for r in config.renderers] == ["pdf"]
    assert loaded.source_of("renderers.0.name") == str(tmp_path / "job.yaml")
    assert loaded.source_of("detector.name") == "default config"


def test_every_error_at_once_with_its_source(tmp_path: Path) -> None:
    path = _yaml(
        tmp_path,
        FAKES + "detecter: x\ninput: {options: {pasword: s}}\ndetector: {name: fake-box}\n"
        "renderers: [fake-line]\n",
    )
    with pytest.raises(ConfigError) as err:
        load_config(path, ["detector.options.text_threshold=3", "input.dpi=-5"])
    lines = str(err.value).splitlines()
    assert lines[0] == "5 configuration errors:"
    body = "\n".join(lines[1:])
    assert f"{path}: unknown key 'detecter'; did you mean 'detector'?" in body
    assert f"{path}: unknown key 'input.options.pasword'; did you mean 'password'?" in body
    assert f"{path}: unknown renderer 'fake-line' at 'renderers.0.name'; did you mean 'fake-lines'?" in body
    assert "--set detector.options.text_threshold: detector.options.text_threshold: Input should be less than or equal to 1" in body
    assert "--set input.dpi: input.dpi: Value error, must be 'auto' or a number of dots per inch in [30, 2400] (got -5)" in body


def test_errors_in_the_base_are_blamed_on_it() -> None:
    with pytest.raises(ConfigError, match=r"^preset fast: input\.dpi: Value error, must be 'auto' or a number"):
        load_config(None, base={"input": {"dpi": 0}}, base_source="preset fast")


def test_set_accepts_bare_numbers_for_string_keys(tmp_path: Path) -> None:
    loaded = load_config(None, ["input.pages=3", "input.options.password=1234"])
    assert loaded.config.input.pages == "3"
    assert loaded.config.input.options == {"password": "1234"}
    assert load_config(_yaml(tmp_path, "input: {pages: 2}\n")).config.input.pages == "2"


def test_craft_probabilities_are_bounded() -> None:
    for key in ("text_threshold", "link_threshold", "low_text"):
        with pytest.raises(ConfigError, match=rf"detector\.options\.{key}: Input should be less than or equal to 1"):
            load_config(None, ["detector.name=craft", f"detector.options.{key}=3"])


def test_pipeline_from_yaml_is_layered_and_reports_all_component_errors(tmp_path: Path) -> None:
    path = _yaml(tmp_path, FAKES + "detector: fake-box\nrecognizer: null\nrenderers: []\n")
    pipeline = Pipeline.from_yaml(path)
    assert pipeline.config.input.dpi == DEFAULT_CONFIG["input"]["dpi"] and pipeline.config.recognizer is None
    with pytest.raises(ConfigError, match=r"2 configuration errors:\n.*fake-bx.*\n.*fake-echoo"):
        Pipeline.from_dict({"detector": "fake-bx", "recognizer": "fake-echoo", "plugins": ["tests.fakes.fault_plugin"]})


def test_config_show_prints_the_effective_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _yaml(tmp_path, "renderers: [{name: pdf}]\ninput: {dpi: 150}\n")
    assert main(["config", "--show", "-c", str(path), "--set", "input.pages=2", "--sources"]) == 0
    out = capsys.readouterr().out
    shown = yaml.safe_load(out)
    assert shown["detector"]["name"] == DEFAULT_CONFIG["detector"]["name"]
    assert shown["recognizer"]["name"] == DEFAULT_CONFIG["recognizer"]["name"]
    assert shown["input"]["dpi"] == 150 and shown["input"]["pages"] == "2"
    assert shown["input"]["max_pixels"] == 100_000_000
    assert [r["name"] for r in shown["renderers"]] == ["pdf"]
    assert f"#   input.dpi: {path}" in out and "#   input.pages: --set input.pages" in out
    assert "#   detector.name: default config" in out


def test_cli_warns_when_no_text_will_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "a.png"
    Image.new("RGB", (40, 20), "white").save(image)
    code = main(["run", str(image), "-o", str(tmp_path / "out"), "--no-progress", "--set", "recognizer=null",
                 "--set", "detector=null", "--set", "renderers=[json]"])
    assert code == 0
    assert "warning: the pipeline has no recognizer" in capsys.readouterr().err


def test_plugins_lists_literal_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    options = listing["components"]["detector"]["db"]["options"]
    assert options["score_mode"]["choices"] == ["fast", "slow"]
    assert main(["plugins"]) == 0
    assert "score_mode: one of 'fast', 'slow' = 'fast'" in capsys.readouterr().out


def test_exit_codes_for_config_plugin_and_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "a.png"
    Image.new("RGB", (40, 20), "white").save(image)
    out = ["-o", str(tmp_path / "out"), "--no-progress"]
    assert main(["run", str(image), *out, "--set", "detector.options.box_thresh=7"]) == 2
    assert "--set detector.options.box_thresh" in capsys.readouterr().err
    assert main(["run", str(image), *out, "--set", "plugins=[no_such_plugin_module_xyz]"]) == 4
    assert 'error importing plugin "no_such_plugin_module_xyz"' in capsys.readouterr().err
    missing = tmp_path / "missing.onnx"
    assert main(["run", str(image), *out, "--set", "detector.name=db", "--set", f"detector.options.model={missing}"]) == 5
    err = capsys.readouterr().err
    assert "missing.onnx" in err and "Traceback" not in err


def test_missing_weights_stop_a_pool_run_with_exit_5(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --jobs 2 the workers cannot build the pipeline: the run stops with the weights error (exit 5),
    named once, instead of failing every page with a broken-pool message."""
    image = tmp_path / "a.png"
    Image.new("RGB", (40, 20), "white").save(image)
    missing = tmp_path / "missing.onnx"
    code = main(["run", str(image), "-o", str(tmp_path / "out"), "--no-progress", "--jobs", "2",
                 "--set", "detector.name=db", "--set", f"detector.options.model={missing}", "--set", "recognizer=null"])
    err = capsys.readouterr().err
    assert code == 5, err
    assert "missing.onnx" in err and "Traceback" not in err and "BrokenProcessPool" not in err


def test_set_another_component_name_drops_the_base_components_options(capsys: pytest.CaptureFixture[str]) -> None:
    """`--set detector.name=db` over a preset whose detector is craft with options: craft's options do not
    carry over to db (they would be unknown keys), as with a config file's `detector: db`."""
    assert main(["config", "--preset", "accurate", "--set", "detector.name=db", "--set", "detector.options.box_thresh=0.5"]) == 0
    shown = yaml.safe_load(capsys.readouterr().out)
    assert shown["detector"] == {"name": "db", "options": {"box_thresh": 0.5}}
    assert main(["config", "--preset", "accurate", "--set", "detector.name=craft"]) == 0  # same name: options kept
    assert yaml.safe_load(capsys.readouterr().out)["detector"]["options"]["precision"] == "int8"


def test_user_mistakes_found_by_a_new_user_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Mistakes a tester made as a new user: each is exit 2 with a message naming the key or file."""
    image = tmp_path / "s.png"
    Image.new("RGB", (40, 20), "white").save(image)
    out = ["-o", str(tmp_path / "out"), "--no-progress"]
    cases = {
        "--set detecter.name=db": "--set detecter.name: unknown key 'detecter'; did you mean 'detector'?",
        "--set renderers.5.name=pdf": "index 5 is past its end (use renderers.2 to add one)",
        "--set renderers=[{name: pdf": "--set renderers: the value is not valid YAML",
        "--set input.pages=5-2": "the first page comes after the last",
        "--set renderers=[text, text]": "would both write this file",
    }
    for args, message in cases.items():
        flag, value = args.split(" ", 1)
        assert main(["run", str(image), *out, flag, value]) == 2, args
        assert message in capsys.readouterr().err, args
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"detector: db\n# M\xfcller\n")
    assert main(["run", str(image), *out, "-c", str(latin1)]) == 2
    err = capsys.readouterr().err
    assert "latin1.yaml: not UTF-8 text (byte 0xfc" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(image), *out, "--jobs", "0"])
    assert exit_info.value.code == 2 and "out of range (1 to 256)" in capsys.readouterr().err


def test_a_page_selection_that_selects_nothing_fails_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = Path(__file__).resolve().parents[2] / "examples" / "sample.pdf"  # 2 pages
    code = main(["run", str(pdf), "-o", str(tmp_path / "out"), "--no-progress", "--set", "input.pages=3-9",
                 "--set", "detector=null", "--set", "recognizer=null", "--set", "renderers=[json]"])
    assert code == 3
    assert "input.pages '3-9' selects no page of its 2 page(s)" in capsys.readouterr().err
