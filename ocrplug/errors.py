"""The one exception tree of ocrplug.

Every error a user can trigger is an :class:`OcrplugError` subclass with an
``exit_code`` the CLI returns. Only ``ocrplug.cli`` prints or exits.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "InputError",
    "MissingExtraError",
    "OcrplugError",
    "OutputError",
    "PageError",
    "PageReadError",
    "PluginError",
    "WeightsError",
]


class OcrplugError(Exception):
    """Base class of every ocrplug error; ``exit_code`` is what the CLI returns."""

    exit_code: int = 1


class ConfigError(OcrplugError):
    """A configuration is invalid: unknown key, wrong type, out-of-range value, unknown name."""

    exit_code = 2


class InputError(OcrplugError):
    """An input file cannot be read (missing, corrupt, encrypted, unsupported)."""

    exit_code = 3


class PageReadError(InputError):
    """One page of an input cannot be decoded (corrupt frame, page poppler cannot render); the
    others may still be readable. ``index``: the 0-based page. A rasterizer raises it from
    ``iter_pages``; the run loop records the page as failed and reopens the document after it."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


class OutputError(ConfigError):
    """The output folder cannot be used (a file, not writable, locked by another run), or an output
    would overwrite an input file. Exit code 2, like any usage error; the message names the path."""


class PluginError(OcrplugError):
    """A plugin failed to load or to register its components; the message names the plugin."""

    exit_code = 4


class MissingExtraError(PluginError):
    """A component needs an optional dependency that is not installed.

    The message names the ``pip install 'ocrplug[extra]'`` command that fixes it.
    """

    def __init__(self, component: str, extra: str, missing: str) -> None:
        super().__init__(
            f"component {component!r} needs the Python package {missing!r}, which is not installed; "
            f"install it with: pip install 'ocrplug[{extra}]'"
        )
        self.component = component
        self.extra = extra
        self.missing = missing


class WeightsError(OcrplugError):
    """Model weights are missing, corrupt, or do not fit the model."""

    exit_code = 5


class PageError(OcrplugError):
    """Processing one page failed; ``source`` and ``page_index`` say which."""

    exit_code = 6

    def __init__(self, message: str, source: str, page_index: int | None) -> None:
        where = source if page_index is None else f"{source} page {page_index + 1}"
        super().__init__(f"{where}: {message}")
        self.source = source
        self.page_index = page_index
        self.reason = message
