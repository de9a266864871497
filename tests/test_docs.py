"""Documentation stays complete: every hook, built-in component and option is documented, and the
README's set-up commands are the ones CI runs."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml

from ocrplug import hookspecs
from ocrplug.components import ROLES
from ocrplug.manager import PluginHost

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _docs() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}


def test_every_hook_is_documented_in_the_plugin_guide() -> None:
    guide = (DOCS / "plugin-guide.md").read_text(encoding="utf-8")
    hooks = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("ocrplug_")]
    assert len(hooks) >= 5
    for name in hooks:
        assert f"`{name}(" in guide, f"hook {name} is missing from docs/plugin-guide.md"
        assert getattr(hookspecs, name).__doc__, f"hook {name} has no docstring"


def _builtin_components() -> list[tuple[str, str, list[str]]]:
    host = PluginHost()
    found = []
    for role in ROLES:
        for name, spec in host.components(role).items():
            if host.owner(role, name) in {"inputs", "tesseract", "render", "craft", "db", "ppocr", "trocr"}:
                found.append((role, name, list(spec.options.model_fields)))
    return found


@pytest.mark.parametrize("role,name,options", _builtin_components(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_builtin_component_option_is_documented(role: str, name: str, options: list[str]) -> None:
    pages = [text for text in _docs().values() if f"`{name}`" in text]
    assert pages, f"{role} `{name}` is not mentioned in any docs/*.md page"
    text = "\n".join(pages)
    missing = [opt for opt in options if not re.search(rf"`{re.escape(opt)}`", text)]
    assert not missing, f"{role} `{name}`: options {missing} are not documented (as `name`) in docs/"


def test_readme_opens_with_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    run_cmd, test_cmd = blocks[0].strip(), blocks[1].strip()
    assert "ocrplug run" in run_cmd and "install" in run_cmd
    assert "pytest" in test_cmd and "install" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (ROOT / "examples" / run_cmd.split("examples/")[1].split()[0]).exists()


def test_every_craft_training_key_is_documented() -> None:
    """`ocrplug craft train` YAML keys: each one is in docs/craft.md's table, with a description in code."""
    train = pytest.importorskip("ocrplug_craft.training.train")
    text = (DOCS / "craft.md").read_text(encoding="utf-8")
    for cls, prefix in ((train.TrainConfig, ""), (train.WeakConfig, "weak.")):
        for key, field in cls.model_fields.items():
            assert f"| `{prefix}{key}` |" in text, f"training key {prefix}{key} is missing from docs/craft.md"
            assert field.description, f"training key {prefix}{key} has no description"


# -- every documented example runs ------------------------------------------------------------------
#
# Each fenced block of README.md and docs/*.md is checked by its language: ``python`` runs (blocks of one
# file share a namespace, in order), ``yaml`` is validated as a pipeline config (layered over the default,
# components and options checked), ``toml`` and ``json`` parse, and in ``bash`` / ``sh`` / ``console``
# blocks (and untyped blocks that start with a command) every ``ocrplug`` line runs in-process with exit
# code 0, a synopsis line (``INPUT...``, ``[--flag]``) has only flags its command accepts, and every
# ``pip install`` names extras of pyproject.toml from a checkout (ocrplug is not on PyPI). A comment
# on the line before a fence changes that:
#
#   <!-- doc-test: illustrative REASON -->  not run (python compiles, yaml parses, ocrplug lines parse)
#   <!-- doc-test: module NAME -->          a python block is the source of module NAME (importable by the rest)
#   <!-- doc-test: distribution -->         a pyproject block is installed (its entry points become plugins)
#   <!-- doc-test: slow -->                 runs in the slow test (Spark, OCRmyPDF, evaluation sets)
#
# Commands run in a scratch folder holding small stand-ins for the files the examples name: images and
# PDFs of one short line of text, ``scans/``, ``job.yaml`` (and the other config names) holding the
# default pipeline writing text, and ``../shared/eval/NAME`` as one-image evaluation sets of that line.
# README's first two commands are CI's own (tested above) and are not run again.


_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.S | re.M)
_MARKER = re.compile(r"<!--\s*doc-test:\s*(?P<kind>[\w-]+)\s*(?P<arg>.*?)\s*-->$")
_MARKERS = {"illustrative", "module", "distribution", "slow"}
_SHELL = {"bash", "sh", "console", ""}
_CONFIG_NAMES = ("job.yaml", "config.yaml", "craft.yaml", "my.yaml")


@dataclass(frozen=True)
class Snippet:
    """One fenced block of a markdown file, with the doc-test marker written above it (if any)."""

    file: str
    line: int
    lang: str
    body: str
    marker: str = ""
    arg: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _snippets() -> list[Snippet]:
    found = []
    for path in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            before = [ln.strip() for ln in text[: m.start()].splitlines() if ln.strip()]
            marker = _MARKER.match(before[-1]) if before else None
            indent = len(m.group("indent"))
            body = "\n".join(ln[indent:] for ln in m.group("body").splitlines())
            found.append(
                Snippet(
                    path.relative_to(ROOT).as_posix(), text[: m.start()].count("\n") + 1, m.group("lang"), body,
                    marker.group("kind") if marker else "", marker.group("arg") if marker else "",
                )
            )
    return found


SNIPPETS = _snippets()


def _commands(body: str) -> list[str]:
    """The command lines of a shell block: continuations joined, ``$ `` prompts and comment lines dropped."""
    lines: list[str] = []
    pending = ""
    for raw in body.splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        line = line.removeprefix("$ ")
        if line.startswith("[") and lines:  # a synopsis continued on the next line
            lines[-1] += " " + line
        elif line and not line.startswith("#"):
            lines.append(line)
    return lines


def _is_shell(snippet: Snippet) -> bool:
    if snippet.lang not in _SHELL:
        return False
    commands = _commands(snippet.body)
    return bool(commands) and (snippet.lang != "" or commands[0].split()[0] in {"ocrplug", "pip", "python", "ocrmypdf"})


def _is_synopsis(line: str) -> bool:
    return "..." in line or " [" in line or " | " in line


def _argv(line: str) -> tuple[list[str], str | None]:
    """``line`` split like a shell (comments dropped, leading VAR=value dropped) and its ``> file``, if any."""
    words = shlex.split(line, comments=True)
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        words = words[1:]
    redirect = None
    if ">" in words:
        k = words.index(">")
        words, redirect = words[:k], words[k + 1]
    return words, redirect


def test_every_snippet_marker_is_known() -> None:
    bad = [f"{s.where}: {s.marker}" for s in SNIPPETS if s.marker and s.marker not in _MARKERS]
    assert not bad, f"unknown doc-test markers (known: {sorted(_MARKERS)}): {bad}"
    reasonless = [s.where for s in SNIPPETS if s.marker == "illustrative" and not s.arg]
    assert not reasonless, f"an illustrative example says why it cannot run: {reasonless}"
    assert len(SNIPPETS) > 40  # the parser still finds the examples


def _extras() -> set[str]:
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"])


def test_pip_install_lines_use_a_checkout_and_real_extras() -> None:
    extras = _extras()
    bad = []
    for snippet in SNIPPETS:
        for line in _commands(snippet.body) if _is_shell(snippet) else []:
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if len(words) < 2 or not words[0].endswith("pip") or words[1] != "install":
                    continue
                for word in words[2:]:
                    m = re.fullmatch(r"(.*)\[([\w,-]+)\]", word)
                    if word.startswith("ocrplug"):
                        bad.append(f"{snippet.where}: {word!r}: ocrplug is not on PyPI; from a checkout: pip install -e '.[extra]'")
                    elif m and not set(m.group(2).split(",")) <= extras:
                        bad.append(f"{snippet.where}: {word!r}: extras {set(m.group(2).split(',')) - extras} not in pyproject.toml")
    assert not bad


def _set_examples() -> list[tuple[str, str | None, str]]:
    """``(where, preset, KEY=VALUE)`` of the ``--set`` examples in the help texts and in inline ``ocrplug``
    commands of the docs (those with ``-c FILE`` depend on the file and are left to the blocks)."""
    from ocrplug.cli import build_parser

    found: list[tuple[str, str | None, str]] = []
    for action in build_parser()._subparsers._group_actions[0].choices["run"]._actions:  # type: ignore[union-attr]
        found += [("ocrplug run --help", None, v) for v in re.findall(r"--set ([\w.]+=\S+)", action.help or "")]
    ocrmypdf_options = (ROOT / "ocrplug" / "integrations" / "ocrmypdf" / "options.py").read_text(encoding="utf-8")
    found += [("ocrmypdf --help", None, v) for v in re.findall(r"e\.g\. ([\w.]+=[\w.]+)", ocrmypdf_options)]
    for path in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = _FENCE.sub("", path.read_text(encoding="utf-8"))
        for span in re.findall(r"`(ocrplug [^`\n]+)`", text):
            words = span.split()
            if "--set" not in words or "-c" in words or "--config" in words:
                continue
            preset = words[words.index("--preset") + 1] if "--preset" in words[:-1] else None
            found += [(f"{path.name}: `{span}`", preset, words[k + 1]) for k, w in enumerate(words[:-1]) if w == "--set"]
    return found


def test_set_examples_of_help_texts_and_docs_apply() -> None:
    from ocrplug.config import load_config
    from ocrplug.errors import ConfigError
    from ocrplug.presets import preset_config

    examples = _set_examples()
    assert ("ocrplug run --help", None, "detector.options.box_thresh=0.7") in examples
    assert ("ocrmypdf --help", None, "detector.options.box_thresh=0.7") in examples
    for where, preset, override in examples:
        try:
            load_config(None, [override], base=preset_config(preset) if preset else None)
        except ConfigError as exc:
            raise AssertionError(f"{where}: --set {override} does not apply: {exc}") from exc


# -- the scratch folder the examples run in ----------------------------------------------------------


def _text_image(text: str = "Invoice 2041") -> np.ndarray:
    import cv2

    image = np.full((80, 420, 3), 255, np.uint8)
    cv2.putText(image, text, (12, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (0, 0, 0), 3, cv2.LINE_AA)
    return image


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from PIL import Image

    root = tmp_path_factory.mktemp("docs")
    site = root / "_site"
    site.mkdir()
    work = root / "work"
    (work / "scans").mkdir(parents=True)
    image = Image.fromarray(_text_image())
    for name in ("img.png", "scan.png", "page.png", "scans/a.png"):
        image.save(work / name)
    for name in ("in.pdf", "scan.pdf", "report.pdf", "big.pdf"):
        image.save(work / name, resolution=150.0)
    (work / "examples").symlink_to(ROOT / "examples")
    for name in _CONFIG_NAMES:
        (work / name).write_text("renderers: [text]\n", encoding="utf-8")
    # ../shared/eval/NAME: one-image evaluation sets in the shared format (the line drawn above).
    for name in sorted({n for s in SNIPPETS for n in re.findall(r"\.\./shared/eval/(\w+)", s.body)}):
        folder = root / "shared" / "eval" / name
        (folder / "images").mkdir(parents=True)
        (folder / "annotations").mkdir()
        image.save(folder / "images" / "a.png")
        words = [{"text": "Invoice", "quad": [[12, 25], [150, 25], [150, 58], [12, 58]], "ignore": False},
                 {"text": "2041", "quad": [[170, 25], [255, 25], [255, 58], [170, 58]], "ignore": False}]
        annotation = {"image": "a.png", "width": image.width, "height": image.height, "words": words}
        (folder / "annotations" / "a.json").write_text(json.dumps(annotation), encoding="utf-8")
    # The docs' own plugin modules and example distribution, importable by the other examples.
    for snippet in SNIPPETS:
        if snippet.marker == "module":
            target = site / (snippet.arg.replace(".", "/") + ".py")
            target.parent.mkdir(parents=True, exist_ok=True)
            for folder in target.relative_to(site).parents:
                if folder != Path("."):
                    (site / folder / "__init__.py").touch()
            target.write_text(snippet.body, encoding="utf-8")
        elif snippet.marker == "distribution":
            project = tomllib.loads(snippet.body)["project"]
            info = root / "_dist" / snippet.file / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
            info.mkdir(parents=True)
            (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
            points = project["entry-points"]["ocrplug"]
            (info / "entry_points.txt").write_text("[ocrplug]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()))
            (info / "RECORD").write_text("")
    before = set(sys.modules)
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(site))
        mp.setenv("PYTHONPATH", os.pathsep.join([str(site), *sys.path]))
        mp.chdir(work)
        yield work
    for name in set(sys.modules) - before:
        if sys.modules[name] is not None and str(getattr(sys.modules[name], "__file__", "") or "").startswith(str(site)):
            del sys.modules[name]


def _run_ocrplug(where: str, line: str) -> None:
    from ocrplug.cli import main

    words, redirect = _argv(line)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(words[1:])
    assert code == 0, f"{where}: `{line}` exited with {code}"
    if redirect:
        Path(redirect).write_text(out.getvalue(), encoding="utf-8")


def _parse_ocrplug(where: str, line: str) -> None:
    """The line's arguments are accepted by the ``ocrplug`` parser, and ``run``'s inputs are not configs."""
    from ocrplug.cli import build_parser
    from ocrplug.manager import PluginHost

    words, _ = _argv(line)
    try:
        args = build_parser(PluginHost().cli_commands()).parse_args(words[1:])
    except SystemExit as exc:
        raise AssertionError(f"{where}: `{line}` is not accepted by the ocrplug parser") from exc
    inputs = [str(p) for p in getattr(args, "inputs", None) or []] if args.command == "run" else []
    assert not [p for p in inputs if p.endswith((".yaml", ".yml"))], f"{where}: `{line}`: a config is given as an input (use -c)"


def _check_synopsis(where: str, line: str) -> None:
    from ocrplug.cli import build_parser
    from ocrplug.manager import PluginHost

    parser = build_parser(PluginHost().cli_commands())
    words = line.split("#")[0].split()
    sub = parser
    for word in words[1:]:
        choices = next((a.choices for a in sub._actions if a.choices and isinstance(a.choices, dict)), None)
        if choices and word in choices:
            sub = choices[word]
        else:
            break
    known = {opt for p in [sub, *[c for a in sub._actions if isinstance(a.choices, dict) for c in a.choices.values()]]
             for a in p._actions for opt in a.option_strings}
    flags = set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", line.split("#")[0]))
    assert flags <= known, f"{where}: `{line}`: {sorted(flags - known)} not accepted"


def _check_yaml(snippet: Snippet, run: bool) -> None:
    from ocrplug.config import load_config

    data = yaml.safe_load(snippet.body)
    assert isinstance(data, dict), f"{snippet.where}: not a mapping"
    if run:
        path = Path(f"_{Path(snippet.file).stem}_{snippet.line}.yaml")
        path.write_text(snippet.body, encoding="utf-8")
        load_config(path)  # every key, component name and option checked; ConfigError names what is wrong


_NAMESPACES: dict[str, dict[str, object]] = {}


def _run_python(snippet: Snippet) -> None:
    code = compile(snippet.body, snippet.where, "exec")
    namespace = _NAMESPACES.setdefault(snippet.file, {"__name__": f"doc_{Path(snippet.file).stem}"})
    exec(code, namespace)
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):
            value()
            del namespace[name]


def _check(snippet: Snippet) -> None:
    runs = snippet.marker != "illustrative"
    if snippet.lang == "python":
        if snippet.marker == "module":
            importlib.import_module(snippet.arg)
        elif runs:
            _run_python(snippet)
        else:
            compile(snippet.body, snippet.where, "exec")
    elif snippet.lang == "yaml":
        _check_yaml(snippet, runs)
    elif snippet.lang == "toml":
        tomllib.loads(snippet.body)
    elif snippet.lang == "json":
        json.loads(snippet.body)
    elif _is_shell(snippet):
        for line in _commands(snippet.body):
            program = line.split()[0]
            if program.startswith(("./scripts/install.sh", ".venv/")):
                continue  # CI's own commands (test_readme_opens_with_the_two_setup_commands...)
            if program == "pip":
                continue  # test_pip_install_lines_use_a_checkout_and_real_extras
            if program == "ocrplug" and _is_synopsis(line):
                _check_synopsis(snippet.where, line)
            elif program == "ocrplug":
                (_run_ocrplug if runs else _parse_ocrplug)(snippet.where, line)
            elif program == "ocrmypdf" and runs:
                words, _ = _argv(line)
                proc = subprocess.run([sys.executable, "-m", "ocrmypdf", *words[1:]], capture_output=True, text=True)
                assert proc.returncode == 0, f"{snippet.where}: `{line}`: {proc.stderr[-2000:]}"
            else:
                assert not runs, f"{snippet.where}: `{line}` cannot run here: mark the block illustrative (with why)"


def _ids(snippets: list[Snippet]) -> list[str]:
    return [f"{s.where}-{s.lang or 'text'}" for s in snippets]


_FAST = [s for s in SNIPPETS if s.marker != "slow"]
_SLOW = [s for s in SNIPPETS if s.marker == "slow"]


def test_python_modules_and_distributions_come_first(workspace: Path) -> None:
    for snippet in SNIPPETS:
        if snippet.marker == "module":
            importlib.import_module(snippet.arg)


@contextlib.contextmanager
def _distributions_of(snippet: Snippet, workspace: Path) -> Iterator[None]:
    """The example distribution of ``snippet``'s own file installed (its entry points seen), none of other files'.

    README's plugin and the guide's package offer the same ``stripes`` detector, so they never meet.
    """
    folder = workspace.parent / "_dist" / snippet.file
    with pytest.MonkeyPatch.context() as mp:
        if folder.is_dir():
            mp.syspath_prepend(str(folder))
            mp.setenv("PYTHONPATH", os.pathsep.join([str(folder), os.environ["PYTHONPATH"]]))
        yield


@pytest.mark.parametrize("snippet", _FAST, ids=_ids(_FAST))
def test_documented_example_runs(snippet: Snippet, workspace: Path) -> None:
    with _distributions_of(snippet, workspace):
        _check(snippet)


@pytest.mark.slow
@pytest.mark.parametrize("snippet", _SLOW, ids=_ids(_SLOW))
def test_documented_slow_example_runs(snippet: Snippet, workspace: Path) -> None:
    if "ocrplug.spark" in snippet.body:
        pytest.importorskip("pyspark", reason="the [spark] extra is not installed")
        if shutil.which("java") is None:
            pytest.skip("Spark needs Java 17")
    if "ocrmypdf " in snippet.body:
        pytest.importorskip("ocrmypdf", reason="the [ocrmypdf] extra is not installed")
    with _distributions_of(snippet, workspace):
        _check(snippet)
