"""Architecture boundaries: the host never imports a plugin, and the built-in plugins import only the
host modules documented as public (docs/plugin-guide.md, "Public host modules")."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOST = REPO / "ocrplug"
PLUGINS = REPO / "plugins"


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) of every import in ``path``, at any depth (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, list[str], int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, [], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [a.name for a in node.names], node.lineno))
    return found


def _public_modules() -> set[str]:
    text = (REPO / "docs" / "plugin-guide.md").read_text(encoding="utf-8")
    block = text.split("<!-- public-modules: the test reads this list -->", 1)[1].split("<!-- /public-modules -->", 1)[0]
    return set(re.findall(r"^- `([a-z_.]+)`", block, flags=re.M))


def test_host_never_imports_a_plugin() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in sorted(HOST.rglob("*.py"))
        for module, _, line in _imports(path)
        if module.split(".")[0].startswith("ocrplug_")
    ]
    assert offenders == []


def test_builtin_plugins_use_only_public_host_modules() -> None:
    public = _public_modules()
    assert {"ocrplug", "ocrplug.components", "ocrplug.writing", "ocrplug.executors"} <= public
    top_level = set(importlib.import_module("ocrplug").__all__)
    offenders: list[str] = []
    for path in sorted(PLUGINS.rglob("*.py")):
        where = path.relative_to(REPO)
        for module, names, line in _imports(path):
            if module == "ocrplug":
                offenders += [f"{where}:{line} ocrplug.{n} (not in ocrplug.__all__)" for n in names if n not in top_level]
            elif module.startswith("ocrplug.") and module not in public:
                offenders.append(f"{where}:{line} imports {module} (not a public host module)")
            elif module.startswith("ocrplug.") and names:
                exported = set(getattr(importlib.import_module(module), "__all__", ()))
                offenders += [f"{where}:{line} {module}.{n} (not in its __all__)" for n in names if n not in exported]
    assert offenders == []


def test_public_modules_declare_all() -> None:
    for module in _public_modules():
        assert isinstance(getattr(importlib.import_module(module), "__all__", None), list), module


def test_the_check_catches_a_host_import_of_a_plugin(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ocrplug_inputs.images import normalize_image\n")
    assert _imports(bad) == [("ocrplug_inputs.images", ["normalize_image"], 2)]
