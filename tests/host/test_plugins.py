"""Plugin discovery: a third-party package with an entry point is found, listed and usable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocrplug import ConfigError, Pipeline, PluginError
from ocrplug.manager import PluginHost

PLUGIN_SOURCE = '''
from pydantic import Field
from ocrplug import ComponentSpec, Detector, Options, Region, hookimpl

class StripeOptions(Options):
    stripes: int = Field(2, ge=1, le=10, description="How many horizontal stripes to report.")

class StripeDetector(Detector):
    def __init__(self, options):
        self.options = options
    def detect(self, page):
        h = page.height / self.options.stripes
        return [Region.from_box(0, i * h, page.width, (i + 1) * h, level="line", score=0.9, order=i)
                for i in range(self.options.stripes)]

@hookimpl
def ocrplug_register_detectors():
    return [ComponentSpec(name="stripes", role="detector", factory=StripeDetector,
                          options=StripeOptions, description="Reports N horizontal stripes.")]
'''


def _install_fake_distribution(root: Path, module: str, dist: str, source: str) -> None:
    """Lay out an installed distribution (module + dist-info with an entry point) under ``root``."""
    (root / f"{module}.py").write_text(source)
    info = root / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[ocrplug]\n{dist} = {module}\n")
    (info / "RECORD").write_text("")


@pytest.fixture
def third_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    _install_fake_distribution(site, "stripe_plugin", "ocrplug-stripes", PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(site))
    return site


def test_entry_point_plugin_is_discovered_and_used_from_yaml(third_party: Path, tmp_path: Path) -> None:
    host = PluginHost()
    assert "ocrplug-stripes" in host.plugin_names()
    assert host.owner("detector", "stripes") == "ocrplug-stripes"
    cfg = tmp_path / "job.yaml"
    # The file is layered over the default pipeline: switch off what this test does not want.
    cfg.write_text("detector:\n  name: stripes\n  options: {stripes: 3}\nrecognizer: null\nrenderers: []\n")
    doc = Pipeline.from_yaml(cfg).run(np.zeros((30, 50, 3), np.uint8))
    assert [r.bbox for r in doc.pages[0].lines] == [(0, 0, 50, 10), (0, 10, 50, 20), (0, 20, 50, 30)]


def test_cli_lists_third_party_plugin(third_party: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(third_party), *sys.path]))
    out = subprocess.run(
        [sys.executable, "-m", "ocrplug.cli", "plugins", "--json"], capture_output=True, text=True, env=env, check=True
    )
    listing = json.loads(out.stdout)
    comp = listing["components"]["detector"]["stripes"]
    assert comp["plugin"] == "ocrplug-stripes"
    assert comp["options"]["stripes"]["default"] == 2
    assert comp["options"]["stripes"]["bounds"] == ">=1 <=10"
    assert "horizontal stripes" in comp["options"]["stripes"]["description"]
    text = subprocess.run([sys.executable, "-m", "ocrplug.cli", "plugins"], capture_output=True, text=True, env=env, check=True)
    assert "stripes  [plugin ocrplug-stripes]" in text.stdout


def test_same_component_name_from_two_plugins_is_an_error(third_party: Path) -> None:
    _install_fake_distribution(third_party, "stripe_clone", "ocrplug-clone", PLUGIN_SOURCE)
    host = PluginHost()
    with pytest.raises(PluginError) as err:
        host.components("detector")
    assert "ocrplug-stripes" in str(err.value) and "ocrplug-clone" in str(err.value) and "'stripes'" in str(err.value)


def test_broken_plugin_is_named_and_does_not_break_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install_fake_distribution(site, "broken_plugin", "ocrplug-broken", "raise RuntimeError('kaboom')\n")
    monkeypatch.syspath_prepend(str(site))
    host = PluginHost()
    assert "kaboom" in host.broken["ocrplug-broken"]
    from ocrplug import ConfigError

    with pytest.raises(ConfigError, match=r"ocrplug-broken.*kaboom"):
        host.component("detector", "whatever")


def test_plugin_module_from_config(tmp_path: Path) -> None:
    host = PluginHost()
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "plugins": ["tests.fakes.fault_plugin"]}, host=host)
    assert pipe.host.owner("detector", "fake-box") == "tests.fakes.fault_plugin"
    with pytest.raises(PluginError, match='error importing plugin "no_such_module_xyz"'):
        Pipeline.from_dict({"plugins": ["no_such_module_xyz"]})


def test_hook_raising_is_reported_with_plugin_name() -> None:
    from ocrplug import hookimpl

    class Bad:
        @hookimpl
        def ocrplug_register_detectors(self):
            raise ValueError("bad registration")

    host = PluginHost(extra_plugins=[Bad()], entry_points=False)
    # Asked for by the caller: its failure is an error naming it (exit code 4 in the CLI).
    with pytest.raises(PluginError, match=r"error in plugin .*\(ocrplug_register_detectors\): ValueError\('bad registration'\)"):
        host.components("detector")


BAD_HOOK_SOURCE = """
from ocrplug import hookimpl

@hookimpl
def ocrplug_register_detectors():
    raise RuntimeError("registration kaboom")
"""


def test_entry_point_hook_raising_is_isolated_like_an_import_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install_fake_distribution(site, "badhook_plugin", "ocrplug-badhook", BAD_HOOK_SOURCE)
    monkeypatch.syspath_prepend(str(site))
    host = PluginHost()
    assert "db" in host.components("detector")  # every other plugin still works
    assert "ocrplug-badhook" not in host.plugin_names()
    assert "registration kaboom" in host.broken["ocrplug-badhook"]
    with pytest.raises(ConfigError, match=r"ocrplug-badhook.*registration kaboom"):
        host.component("detector", "whatever")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), *sys.path]))
    out = subprocess.run([sys.executable, "-m", "ocrplug.cli", "plugins"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert 'error in plugin "ocrplug-badhook"' in out.stderr and "registration kaboom" in out.stderr
    assert "Traceback" not in out.stderr
    # `run` builds several hosts (commands, config check, pipeline): the warning still comes once.
    image = tmp_path / "blank.png"
    Image.new("RGB", (20, 10), "white").save(image)
    args = ["run", str(image), "-o", str(tmp_path / "out"), "--no-progress", "--set", "detector=null",
            "--set", "recognizer=null", "--set", "renderers=[json]"]
    out = subprocess.run([sys.executable, "-m", "ocrplug.cli", *args], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stderr.count('error in plugin "ocrplug-badhook"') == 1, out.stderr


def test_builtin_plugins_register_through_entry_points() -> None:
    import importlib.metadata

    names = {ep.name for ep in importlib.metadata.entry_points(group="ocrplug")}
    assert {"inputs", "tesseract", "render", "craft", "db", "ppocr", "trocr"} <= names
    host = PluginHost()
    assert {"image", "pdf2image"} <= set(host.components("rasterizer"))


def test_help_works_without_torch() -> None:
    code = textwrap.dedent(
        """
        import sys
        for name in ("torch", "transformers", "onnxruntime", "rapidocr"):
            sys.modules[name] = None  # any import of them now raises ImportError
        from ocrplug.cli import main
        try:
            main(["--help"])
        except SystemExit as exc:
            assert exc.code == 0
        assert "torch" not in [m for m in sys.modules if sys.modules[m] is not None]
        print("HELP-OK")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HELP-OK" in out.stdout, out.stderr
    assert "run" in out.stdout and "plugins" in out.stdout and "eval" in out.stdout


def test_missing_extra_names_the_pip_extra() -> None:
    from ocrplug import MissingExtraError, require

    with pytest.raises(MissingExtraError, match=r"pip install 'ocrplug\[craft\]'") as err:
        require("surely_not_installed_pkg.sub", "craft", "craft")
    assert err.value.missing == "surely_not_installed_pkg"
    # torch extras say to install the CPU torch first (else pip takes a CUDA build); others do not
    assert "torch==2.13.0" in str(err.value) and "pip install -e '.[craft]'" in str(err.value)
    with pytest.raises(MissingExtraError) as plain:
        require("surely_not_installed_pkg", "spark", "spark")
    assert "torch" not in str(plain.value)


def test_builtin_plugin_that_fails_to_import_is_an_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from ocrplug.manager import BUILTIN_PLUGINS

    # A None entry in sys.modules makes the import raise ImportError, as a broken installation would.
    monkeypatch.setitem(sys.modules, BUILTIN_PLUGINS["db"], None)
    with pytest.raises(PluginError, match=r'built-in error importing plugin "db" \(ocrplug_db\.plugin\)') as err:
        PluginHost()
    assert err.value.exit_code == 4


def test_builtin_plugins_table_matches_the_entry_points() -> None:
    import importlib.metadata

    from ocrplug.manager import BUILTIN_PLUGINS

    declared = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="ocrplug") if ep.name in BUILTIN_PLUGINS}
    assert declared == BUILTIN_PLUGINS


def test_plugins_module_calling_sys_exit_at_import_is_a_named_plugin_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ocrplug.cli import main

    site = tmp_path / "site"
    site.mkdir()
    (site / "exiting_plugin.py").write_text("import sys\nsys.exit(0)\n")
    monkeypatch.syspath_prepend(str(site))
    image = tmp_path / "blank.png"
    Image.new("RGB", (20, 10), "white").save(image)
    cfg = tmp_path / "job.yaml"
    cfg.write_text("plugins: [exiting_plugin]\ndetector: null\nrecognizer: null\nrenderers: [json]\n")
    code = main(["run", str(image), "-c", str(cfg), "-o", str(tmp_path / "out"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 4, err
    assert 'error importing plugin "exiting_plugin": the module called sys.exit(0) while being imported' in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_checkout_shadowing_the_package_is_named_not_called_a_broken_install(monkeypatch: pytest.MonkeyPatch) -> None:
    # T16: Spark's Python workers put the working directory on sys.path; a checkout folder named
    # `ocrplug` there is imported as a namespace package and every built-in plugin then fails to import.
    import ocrplug
    from ocrplug.manager import _broken_install_reason

    assert _broken_install_reason() == "the ocrplug installation is broken"
    monkeypatch.setattr(ocrplug, "__file__", None)
    monkeypatch.setattr(ocrplug, "__path__", ["/work/jobs/ocrplug"])
    reason = _broken_install_reason()
    assert "namespace package from /work/jobs/ocrplug" in reason and "run from another folder" in reason
