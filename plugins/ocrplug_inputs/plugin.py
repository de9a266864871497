"""Hook implementations of the built-in `inputs` plugin: the `image` and `pdf2image` rasterizers."""

from __future__ import annotations

from ocrplug.api import ComponentSpec, hookimpl


def _image(options: object) -> object:
    from .images import ImageRasterizer

    return ImageRasterizer()


def _pdf(options: object) -> object:
    from .pdf import Pdf2ImageRasterizer

    return Pdf2ImageRasterizer(options)  # type: ignore[arg-type]


@hookimpl
def ocrplug_register_rasterizers() -> list[ComponentSpec]:
    """The image-file and PDF rasterizers."""
    from .images import ImageOptions
    from .pdf import Pdf2ImageOptions

    return [
        ComponentSpec(
            name="image",
            role="rasterizer",
            factory=_image,
            options=ImageOptions,
            description="PNG, JPEG, TIFF (multi-page), BMP and WebP through Pillow; EXIF orientation honoured.",
        ),
        ComponentSpec(
            name="pdf2image",
            role="rasterizer",
            factory=_pdf,
            options=Pdf2ImageOptions,
            description="PDF pages rendered one at a time by poppler (pdf2image) at input.dpi (auto: a scanned page at "
            "its own resolution when lower than 300).",
            extra="pdf",
        ),
    ]
