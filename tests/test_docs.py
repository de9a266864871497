"""Documentation stays complete: every hook, built-in component and option is documented, and the
README's set-up commands are the ones CI runs."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

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
