"""The one exception tree of ocrplug, and the exit codes of its commands.

Every error a user can trigger is an :class:`OcrplugError` subclass; each class states the
:class:`ExitCode` the command line returns for it (the pattern of OCRmyPDF's ``exceptions.py``). Only
``ocrplug.cli`` prints or exits.

Every error pickles round-trip with its message and attributes (e.g. :attr:`PageReadError.index`), so
an error raised in a worker process reaches the parent as the same class.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar

__all__ = [
    "ConfigError",
    "ExitCode",
    "InputError",
    "MissingExtraError",
    "OcrplugError",
    "OutputError",
    "PageError",
    "PageReadError",
    "PluginError",
    "WeightsError",
]


class ExitCode(IntEnum):
    """Exit status of the ``ocrplug`` commands (and of plugin sub-commands such as ``ocrplug craft``).

    ``ok`` 0: everything asked for was done. ``failures`` 1: the run finished but some pages or
    documents failed (listed on stderr), or an error of no narrower kind. ``config_error`` 2: a usage or
    configuration error (also argparse's own usage errors). ``input_error`` 3: an input cannot be read
    (for ``ocrplug run``: no page of any input could be read). ``plugin_error`` 4: a plugin failed to
    load or register. ``weights_error`` 5: model weights are missing, corrupt or do not fit.
    ``page_error`` 6: processing a page failed. ``interrupted`` 130 and ``terminated`` 143: stopped by
    SIGINT (Ctrl-C) or SIGTERM, the shell's 128 + signal number.
    """

    ok = 0
    failures = 1
    config_error = 2
    input_error = 3
    plugin_error = 4
    weights_error = 5
    page_error = 6
    interrupted = 130
    terminated = 143


def _restore(cls: type[OcrplugError], args: tuple[Any, ...]) -> OcrplugError:
    """Rebuild an error without calling its ``__init__`` (whose parameters differ from ``args``)."""
    return cls.__new__(cls, *args)


class OcrplugError(Exception):
    """Base class of every ocrplug error; ``exit_code`` is what the CLI returns for it."""

    exit_code: ClassVar[ExitCode] = ExitCode.failures

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's default pickling calls ``cls(*self.args)``, which fails (or loses attributes) for
        # classes whose __init__ takes other parameters than the message; restore args and __dict__ instead.
        return _restore, (type(self), self.args), self.__dict__


class ConfigError(OcrplugError):
    """A configuration is invalid: unknown key, wrong type, out-of-range value, unknown name."""

    exit_code = ExitCode.config_error


class InputError(OcrplugError):
    """An input file cannot be read (missing, corrupt, encrypted, unsupported)."""

    exit_code = ExitCode.input_error


class PageReadError(InputError):
    """One page of an input cannot be decoded (corrupt frame, page poppler cannot render); the
    others may still be readable. ``index``: the 0-based page. A rasterizer raises it from
    ``iter_pages``; the run loop records the page as failed and reopens the document after it."""

    exit_code = ExitCode.input_error

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


class OutputError(ConfigError):
    """The output folder cannot be used (a file, not writable, locked by another run), or an output
    would overwrite an input file. Exit code 2, like any usage error; the message names the path."""

    exit_code = ExitCode.config_error


class PluginError(OcrplugError):
    """A plugin failed to load or to register its components; the message names the plugin."""

    exit_code = ExitCode.plugin_error


class MissingExtraError(PluginError):
    """A component needs an optional dependency that is not installed.

    The message names the ``pip install 'ocrplug[extra]'`` command that fixes it.
    """

    exit_code = ExitCode.plugin_error

    #: Extras that pull torch: pip would take a CUDA build unless the CPU wheel is installed first.
    TORCH_EXTRAS = frozenset({"craft", "trocr", "ocrmypdf", "all"})

    def __init__(self, component: str, extra: str, missing: str) -> None:
        torch_first = (
            "; install torch==2.13.0 (the CPU build) first, as scripts/install.sh does"
            if extra in self.TORCH_EXTRAS else ""
        )
        super().__init__(
            f"component {component!r} needs the Python package {missing!r}, which is not installed; "
            f"install it with: pip install 'ocrplug[{extra}]' (from a source checkout: "
            f"pip install -e '.[{extra}]'{torch_first})"
        )
        self.component = component
        self.extra = extra
        self.missing = missing


class WeightsError(OcrplugError):
    """Model weights are missing, corrupt, or do not fit the model."""

    exit_code = ExitCode.weights_error


class PageError(OcrplugError):
    """Processing one page failed; ``source`` and ``page_index`` (0-based, None: the whole document) say which."""

    exit_code = ExitCode.page_error

    def __init__(self, message: str, source: str, page_index: int | None) -> None:
        where = source if page_index is None else f"{source} page {page_index + 1}"
        super().__init__(f"{where}: {message}")
        self.source = source
        self.page_index = page_index
        self.reason = message
