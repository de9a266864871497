"""Property-based test (Hypothesis; issue 23 item 5): random config values, renderer suffixes, paths and
option types thrown at `ocrplug run` (in-process through `ocrplug.cli.main`, and a few examples as a
subprocess) and at `Pipeline`: never a traceback, never a file outside `-o`, the exit code always one
of the documented ones (docs/cli.md).

The pipeline is cheap (the tests' fake detector and recognizer, tiny generated images), so the whole
file runs in well under a minute."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from ocrplug.cli import main
from ocrplug.errors import OcrplugError
from ocrplug.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[1]
EXIT_CODES = {0, 1, 2, 3, 4, 5}  # docs/cli.md "Exit codes of run" (130/143 need a signal)
PLUGINS = ["tests.fakes.fault_plugin"]
RENDERERS = ["text", "json", "hocr", "alto", "page", "overlay", "fake-lines", "text", "json", "nope"]
OPTION_KEYS = ["suffix", "format", "page_separator", "levels", "line_width", "skip_empty_lines", "bogus"]
# Out is 6 folders deep in the sandbox and a suffix climbs at most 5 levels: a bug that lets one
# escape still lands inside the sandbox, where the test sees it.
DEPTH = 6

pieces = st.sampled_from(["..", "/", "../", ".txt", ".json", "x", "\0", "é", " ", "\\", "~", "$HOME", "sub/", "."])


@st.composite
def suffixes(draw: st.DrawFn) -> str:
    text = "".join(draw(st.lists(pieces, max_size=8)))
    while text.count("..") >= DEPTH:
        text = text.replace("..", "x", 1)
    return text


scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**9), st.floats(allow_nan=True), st.text(max_size=12), suffixes())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(OPTION_KEYS), inner, max_size=3), max_leaves=6)


@st.composite
def renderer_entries(draw: st.DrawFn) -> Any:
    name = draw(st.sampled_from(RENDERERS))
    kind = draw(st.integers(0, 5))
    if kind <= 1:
        return name
    if kind <= 3:
        return {"name": name, "options": {"suffix": draw(suffixes())}}
    if kind == 4:
        return {"name": name, "options": draw(st.dictionaries(st.sampled_from(OPTION_KEYS), values, max_size=3))}
    return draw(values)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    config: dict[str, Any] = {"plugins": PLUGINS, "detector": "fake-box", "recognizer": "fake-echo",
                              "renderers": draw(st.lists(renderer_entries(), max_size=3))}
    for key, strategy in (
        ("jobs", st.one_of(st.integers(-2, 3), values)),
        ("input", st.fixed_dictionaries({}, optional={"dpi": values, "pages": st.one_of(st.text(max_size=6), values),
                                                      "max_pixels": values})),
        ("output", st.fixed_dictionaries({}, optional={"dir": st.one_of(suffixes(), values)})),
        ("layout", st.dictionaries(st.sampled_from(["reading_order", "word_gap", "read_lines", "bogus"]), values, max_size=2)),
    ):
        if draw(st.integers(0, 3)) == 0:
            config[key] = draw(strategy)
    return config


def _sandbox() -> tuple[tempfile.TemporaryDirectory[str], Path, Path, list[Path]]:
    holder = tempfile.TemporaryDirectory(prefix="ocrplug-prop-")
    root = Path(holder.name)
    deep = root.joinpath(*[f"d{i}" for i in range(DEPTH - 1)])
    deep.mkdir(parents=True)
    images = []
    for i, size in enumerate(((24, 16), (30, 12))):
        img = Image.new("RGB", size, "white")
        img.paste((0, 0, 0), (2, 2, 10, 8))
        img.save(deep / f"in{i}.png")
        images.append(deep / f"in{i}.png")
    return holder, root, deep / "out", images


def _outside(root: Path, out: Path, before: set[str]) -> set[str]:
    """Files in the sandbox, outside ``out``, that were not there before."""
    now = {str(p) for p in root.rglob("*") if out not in p.parents and p != out}
    return now - before


def _write_config(path: Path, config: dict[str, Any]) -> bool:
    try:
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8", errors="surrogateescape")
    except (yaml.YAMLError, ValueError):
        return False
    return True


@settings(max_examples=45, deadline=None, suppress_health_check=list(HealthCheck))
@given(config=configs(), flags=st.lists(st.sampled_from([("-j", "2"), ("--resume-check", "hash"), ("--no-resume",),
                                                         ("--set", "renderers.0.options.suffix=/../../x.txt")]), max_size=2))
def test_ocrplug_run_never_tracebacks_nor_writes_outside_o(config: dict[str, Any], flags: list[tuple[str, ...]]) -> None:
    extra = [arg for flag in flags for arg in flag]
    holder, root, out, images = _sandbox()
    with holder:
        job = root / "job.yaml"
        if not _write_config(job, config):
            return
        before = {str(p) for p in root.rglob("*")}
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main(["run", *map(str, images), "-c", str(job), "-o", str(out), "--no-progress", *extra])
            except SystemExit as exc:  # argparse usage errors
                code = exc.code
        event(f"exit code {code}")  # pytest --hypothesis-show-statistics shows the spread
        assert code in EXIT_CODES, (code, err.getvalue())
        assert "Traceback" not in err.getvalue()
        assert _outside(root, out, before) == set(), (config, extra)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(config=configs())
def test_pipeline_raises_only_ocrplug_errors_and_writes_only_inside_out(config: dict[str, Any]) -> None:
    holder, root, out, images = _sandbox()
    with holder:
        before = {str(p) for p in root.rglob("*")}
        try:
            report = Pipeline.from_dict(config).run_many(images, out, resume=True)
            event(f"ran, {len(report.outputs)} file(s) written")
        except OcrplugError as exc:
            event(f"{type(exc).__name__}")
            assert exc.exit_code in EXIT_CODES
        assert _outside(root, out, before) == set(), config


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(suffix=suffixes().filter(lambda s: "/" in s and "\0" not in s))
def test_ocrplug_run_as_a_subprocess(suffix: str) -> None:
    holder, root, out, images = _sandbox()
    with holder:
        job = root / "job.yaml"
        _write_config(job, {"plugins": PLUGINS, "detector": "fake-box", "recognizer": "fake-echo",
                            "renderers": [{"name": "text", "options": {"suffix": suffix}}]})
        before = {str(p) for p in root.rglob("*")}
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "plugins"), os.environ.get("PYTHONPATH", "")]))
        proc = subprocess.run([sys.executable, "-m", "ocrplug.cli", "run", *map(str, images), "-c", str(job), "-o", str(out),
                               "--no-progress"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode in EXIT_CODES and "Traceback" not in proc.stderr, proc.stderr
        assert _outside(root, out, before) == set(), suffix
