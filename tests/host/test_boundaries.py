"""Architecture boundaries: the host never imports a plugin, and the built-in plugins import only the
plugin API, ``ocrplug.api`` (docs/plugin-guide.md, "The plugin API")."""

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


def _documented_api_names() -> set[str]:
    text = (REPO / "docs" / "plugin-guide.md").read_text(encoding="utf-8")
    block = text.split("<!-- plugin-api: the test reads this list -->", 1)[1].split("<!-- /plugin-api -->", 1)[0]
    return set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", block))


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: SCREAMING_CASE, then CamelCase, then the rest, each alphabetical.
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


def test_host_never_imports_a_plugin() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in sorted(HOST.rglob("*.py"))
        for module, _, line in _imports(path)
        if module.split(".")[0].startswith("ocrplug_")
    ]
    assert offenders == []


def test_builtin_plugins_import_only_the_plugin_api() -> None:
    api = set(importlib.import_module("ocrplug.api").__all__)
    offenders: list[str] = []
    for path in sorted(PLUGINS.rglob("*.py")):
        where = path.relative_to(REPO)
        for module, names, line in _imports(path):
            if module == "ocrplug.api":
                offenders += [f"{where}:{line} ocrplug.api.{n} (not in ocrplug.api.__all__)" for n in names if n not in api]
            elif module.split(".")[0] == "ocrplug":
                offenders.append(f"{where}:{line} imports {module} (plugins import only ocrplug.api)")
    assert offenders == []


def test_the_plugin_api_is_explicit_sorted_and_documented() -> None:
    api = importlib.import_module("ocrplug.api")
    names = list(api.__all__)
    assert names == sorted(names, key=_isort_key)
    assert len(set(names)) == len(names)
    assert all(hasattr(api, n) for n in names)
    # The user-facing package re-exports a subset (plus the Pipeline facade).
    assert set(importlib.import_module("ocrplug").__all__) - {"Pipeline"} <= set(names)
    # docs/plugin-guide.md lists exactly these names.
    assert _documented_api_names() == set(names)


def test_no_host_module_imports_the_plugin_api() -> None:
    # ocrplug.api only re-exports: a host module importing it would make it part of an import circle.
    offenders = [
        f"{path.relative_to(REPO)}:{line}"
        for path in sorted(HOST.rglob("*.py"))
        if path.name != "api.py"
        for module, _, line in _imports(path)
        if module == "ocrplug.api"
    ]
    assert offenders == []


def test_the_check_catches_a_host_import_of_a_plugin(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ocrplug_inputs.images import normalize_image\n")
    assert _imports(bad) == [("ocrplug_inputs.images", ["normalize_image"], 2)]
