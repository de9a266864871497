"""Sub-commands that plugins add to the ``ocrplug`` CLI (e.g. ``ocrplug craft info``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CliCommand"]


@dataclass(frozen=True)
class CliCommand:
    """A top-level ``ocrplug NAME ...`` sub-command contributed by a plugin.

    ``configure(parser)`` adds its arguments (and nested sub-parsers); ``run(args)`` does the work and
    returns the exit code. Keep imports of heavy libraries inside ``run`` so ``--help`` stays cheap.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
