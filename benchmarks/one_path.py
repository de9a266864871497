"""Issue 22 figures for one checkout: host size, page loops, and config work in one ``ocrplug run``.

Usage::

    python benchmarks/one_path.py [--repo CHECKOUT] [--image IMAGE]

Prints, for the ocrplug checkout at ``--repo`` (default: this one):

* lines of ``ocrplug/`` without ``evaluation/``, ``integrations/`` and ``spark/`` (every line, as ``wc -l``);
* the functions of ``ocrplug/`` that loop over a document's pages themselves: those that call a
  document's ``pages()``, a rasterizer's ``iter_pages`` or ``reopen_after`` (the ``Sources`` methods
  that provide them are not counted);
* how often one ``ocrplug run`` (default pipeline, one image, text output) validates the pipeline
  config (``PipelineConfig.model_validate``) and builds a plugin host (``PluginHost()``); measured in
  a fresh interpreter with the checkout first on ``sys.path``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
EXCLUDED = ("evaluation", "integrations", "spark")
LOOP_CALLS = {"pages", "iter_pages", "reopen_after"}


def host_lines(repo: Path) -> int:
    """Lines of the host's ``.py`` files outside :data:`EXCLUDED`."""
    root = repo / "ocrplug"
    return sum(
        len(p.read_text(encoding="utf-8").splitlines())
        for p in root.rglob("*.py")
        if p.relative_to(root).parts[0] not in EXCLUDED
    )


def _calls(node: ast.AST) -> set[str]:
    return {n.func.attr for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}


def _functions(node: ast.AST, cls: str | None = None) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str | None]]:
    """Every function under ``node`` with the class it is defined in (None outside classes)."""
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            found += _functions(child, child.name)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((child, cls))
            found += _functions(child, cls)
        else:
            found += _functions(child, cls)
    return found


def page_loops(repo: Path) -> list[str]:
    """``module:function`` of every innermost function that reads a document's pages itself."""
    found: list[str] = []
    root = repo / "ocrplug"
    for path in sorted(root.rglob("*.py")):
        module = path.relative_to(repo).with_suffix("")
        for function, cls in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            inner = [f for f, _ in _functions(function) if LOOP_CALLS & _calls(f)]
            if cls != "Sources" and LOOP_CALLS & _calls(function) and not inner:
                found.append(f"{module}:{function.name}")
    return found


_COUNT = r"""
import json, sys
from pathlib import Path
from ocrplug.config import PipelineConfig
from ocrplug.manager import PluginHost
counts = {"validations": 0, "hosts": 0}
validate = PipelineConfig.model_validate.__func__
init = PluginHost.__init__
def counting_validate(cls, *a, **k):
    counts["validations"] += 1
    return validate(cls, *a, **k)
def counting_init(self, *a, **k):
    counts["hosts"] += 1
    init(self, *a, **k)
PipelineConfig.model_validate = classmethod(counting_validate)
PluginHost.__init__ = counting_init
from ocrplug.cli import main
code = main(["run", sys.argv[1], "-o", sys.argv[2], "--no-progress", "--set", "renderers=[text]"])
print(json.dumps(counts | {"exit": code, "ocrplug": __import__("ocrplug").__file__}))
"""


def run_counts(repo: Path, image: Path) -> dict[str, object]:
    """Config validations and plugin-host builds of one ``ocrplug run`` of ``image`` in ``repo``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(repo), str(repo / "plugins")]))
    with tempfile.TemporaryDirectory(prefix="ocrplug-one-path-") as out:
        proc = subprocess.run(
            [sys.executable, "-c", _COUNT, str(image), out], env=env, capture_output=True, text=True, check=False,
            cwd=out,  # not this checkout: `python -c` puts the working folder first on sys.path
        )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print the figures of the module docstring as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=HERE)
    parser.add_argument("--image", type=Path, default=HERE / "examples" / "sample.png")
    args = parser.parse_args()
    repo = args.repo.resolve()
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip()
    loops = page_loops(repo)
    figures = {
        "repo": str(repo),
        "commit": commit,
        "host_lines_without_evaluation_integrations_spark": host_lines(repo),
        "page_loops": len(loops),
        "page_loop_functions": loops,
        "one_ocrplug_run": run_counts(repo, args.image.resolve()),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
