"""Hook specifications: the plugin author's reference.

A plugin is a module (or object) with functions named like the specs below, decorated with
``ocrplug.hookimpl``. It is found through the ``ocrplug`` entry-point group::

    [project.entry-points.ocrplug]
    my_plugin = "my_package.my_plugin"

or listed under ``plugins:`` in a pipeline's YAML. Every hook takes no arguments and returns a list;
the host collects the lists of all plugins. Component names must be unique per role across all plugins:
two plugins offering the same name is an error that names both.

Heavy imports (torch, onnxruntime, transformers) belong inside a component's factory, never at module
level, so that ``ocrplug --help`` and ``ocrplug plugins`` work without them.
"""

from __future__ import annotations

import pluggy

from ocrplug.commands import CliCommand
from ocrplug.components import ComponentSpec

PROJECT_NAME = "ocrplug"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def ocrplug_register_rasterizers() -> list[ComponentSpec]:
    """Offer rasterizers: components that turn document files into page images.

    :return: a list of :class:`ocrplug.ComponentSpec` with ``role="rasterizer"``. Each factory returns
        an :class:`ocrplug.Rasterizer`, whose ``extensions`` lists the file suffixes it reads
        (e.g. ``(".pdf",)``) and whose ``iter_pages(path, pages, dpi)`` yields
        :class:`ocrplug.PageImage` objects one at a time (streaming: never all pages in memory).

    Called once when the plugin host collects components. The pipeline picks the rasterizer for a file
    by its suffix; ``input.rasterizer`` in the config chooses among several that read PDF.
    A rasterizer raises :class:`ocrplug.errors.InputError` for a file it cannot read (corrupt,
    truncated, encrypted); the run records that input as failed and goes on with the others.
    """
    raise NotImplementedError


@hookspec
def ocrplug_register_detectors() -> list[ComponentSpec]:
    """Offer text detectors.

    :return: a list of :class:`ocrplug.ComponentSpec` with ``role="detector"``. Each factory receives
        the component's validated options model and returns an :class:`ocrplug.Detector`, whose
        ``detect(page_image)`` returns :class:`ocrplug.Region` objects in page pixel coordinates, in
        reading order, with ``score`` set and ``text`` left None.

    Called once when the plugin host collects components. The factory runs once per worker process,
    so load models there. Raise :class:`ocrplug.errors.WeightsError` for missing weights and
    :class:`ocrplug.errors.MissingExtraError` (see :func:`ocrplug.require`) for a missing dependency.
    """
    raise NotImplementedError


@hookspec
def ocrplug_register_recognizers() -> list[ComponentSpec]:
    """Offer text recognizers.

    :return: a list of :class:`ocrplug.ComponentSpec` with ``role="recognizer"``. Each factory returns
        an :class:`ocrplug.Recognizer`, whose ``recognize(page_image, regions)`` returns the same regions
        in the same order with ``text`` and ``confidence`` (in [0, 1]) filled; it may attach word
        children to line regions.

    Called once when the plugin host collects components. A region the recognizer cannot read gets
    empty text and confidence 0; an exception fails the whole page (other pages are kept).
    """
    raise NotImplementedError


@hookspec
def ocrplug_register_renderers() -> list[ComponentSpec]:
    """Offer renderers: components that write processed documents to files.

    :return: a list of :class:`ocrplug.ComponentSpec` with ``role="renderer"``. Each factory returns an
        :class:`ocrplug.Renderer`; ``open(document_info)`` returns an :class:`ocrplug.RenderSession`
        that receives pages in order through ``add_page(page, image)`` and writes its files atomically
        in ``close()``. Set ``needs_image = True`` on the renderer class to receive page images.

    Called once when the plugin host collects components. Several renderers may run in one pipeline.
    """
    raise NotImplementedError


@hookspec
def ocrplug_cli_commands() -> list[CliCommand]:
    """Offer extra ``ocrplug`` sub-commands (e.g. ``ocrplug craft info``).

    :return: a list of :class:`ocrplug.CliCommand`. Names must not clash with the built-in commands
        (``run``, ``plugins``, ``config``, ``eval``) or with another plugin's commands.

    Called when the CLI builds its argument parser, so keep module-level imports light.
    """
    raise NotImplementedError
