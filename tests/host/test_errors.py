"""The exception tree: every class states its exit code, and every error survives pickling (worker -> parent)."""

from __future__ import annotations

import inspect
import pickle
import re

import pytest

from ocrplug import errors
from ocrplug.errors import ExitCode, OcrplugError, PageError, PageReadError

# Sample arguments per constructor parameter name (a new parameter name fails the test until added here).
SAMPLES = {"message": "it broke", "index": 2, "component": "craft", "extra": "craft", "missing": "torch",
           "source": "scan.pdf", "page_index": 1}


def _classes() -> list[type[OcrplugError]]:
    return [getattr(errors, name) for name in errors.__all__ if name != "ExitCode"]


def _instance(cls: type[OcrplugError]) -> OcrplugError:
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    if params and params[0].kind is inspect.Parameter.VAR_POSITIONAL:
        return cls(SAMPLES["message"])
    return cls(**{p.name: SAMPLES[p.name] for p in params})


def test_every_error_class_states_its_own_exit_code() -> None:
    for cls in _classes():
        assert "exit_code" in vars(cls), f"{cls.__name__} does not state its exit code"
        assert isinstance(cls.exit_code, ExitCode)
    assert {cls.__name__: int(cls.exit_code) for cls in _classes()} == {
        "ConfigError": 2, "InputError": 3, "MissingExtraError": 4, "OcrplugError": 1, "OutputError": 2,
        "PageError": 6, "PageReadError": 3, "PluginError": 4, "WeightsError": 5,
    }


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: c.__name__)
def test_every_error_pickles_round_trip(cls: type[OcrplugError]) -> None:
    original = _instance(cls)
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is cls
    assert str(copy) == str(original)
    assert copy.args == original.args
    assert vars(copy) == vars(original)
    assert copy.exit_code == original.exit_code


def test_attributes_survive_pickling() -> None:
    copy = pickle.loads(pickle.dumps(PageReadError("frame 3 is corrupt", index=2)))
    assert copy.index == 2 and str(copy) == "frame 3 is corrupt"
    page = pickle.loads(pickle.dumps(PageError("detector crashed", "a.tif", 0)))
    assert (page.source, page.page_index, page.reason, str(page)) == ("a.tif", 0, "detector crashed", "a.tif page 1: detector crashed")


def test_a_subclass_defined_elsewhere_pickles_too() -> None:
    copy = pickle.loads(pickle.dumps(_PluginSpecific("x", detail=7)))
    assert isinstance(copy, _PluginSpecific) and copy.detail == 7 and str(copy) == "x (7)"


class _PluginSpecific(errors.PluginError):
    def __init__(self, message: str, detail: int) -> None:
        super().__init__(f"{message} ({detail})")
        self.detail = detail


def test_docs_name_every_exit_code() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    paragraph = text.split("Exit codes of `run`:", 1)[1].split("\n\n", 1)[0]
    for code in ExitCode:
        assert f"`{code.name}`" in paragraph, code
        assert re.search(rf"\b{int(code)}\b", paragraph), code
