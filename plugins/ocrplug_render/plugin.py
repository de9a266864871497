"""Hook implementations of the built-in ``render`` plugin: text, json, overlay, hocr, alto, page, pdf."""

from __future__ import annotations

from ocrplug import ComponentSpec, hookimpl


def _text(options):  # type: ignore[no-untyped-def]
    from ocrplug_render.text import TextRenderer

    return TextRenderer(options)


def _json(options):  # type: ignore[no-untyped-def]
    from ocrplug_render.json import JsonRenderer

    return JsonRenderer(options)


@hookimpl
def ocrplug_register_renderers() -> list[ComponentSpec]:
    """The renderers of this plugin."""
    from ocrplug_render.json import JsonOptions
    from ocrplug_render.text import TextOptions

    return [
        ComponentSpec(
            name="text",
            role="renderer",
            factory=_text,
            options=TextOptions,
            description="plain text in reading order, one .txt per document",
        ),
        ComponentSpec(
            name="json",
            role="renderer",
            factory=_json,
            options=JsonOptions,
            description="the full page model (Document.to_dict) as JSON, one .json per document",
        ),
    ]
