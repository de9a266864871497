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


def page_loops(repo: Path) -> list[str]:
    """``module:function`` of every innermost function that reads a document's pages itself."""
    found: list[str] = []
    root = repo / "ocrplug"
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, owner: str | None, cls: str | None) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ClassDef):
                    visit(child, owner, child.name)
                elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    visit(child, child.name, cls)
                    calls = {
                        n.func.attr
                        for n in ast.walk(child)
                        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                    }
                    nested = any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n is not child
                                 and LOOP_CALLS & {c.func.attr for c in ast.walk(n) if isinstance(c, ast.Call)
                                                   and isinstance(c.func, ast.Attribute)} for n in ast.walk(child))
                    if cls != "Sources" and LOOP_CALLS & calls and not nested:
                        found.append(f"{path.relative_to(repo).with_suffix('')}:{child.name}")
                else:
                    visit(child, owner, cls)

        visit(tree, None, None)
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
