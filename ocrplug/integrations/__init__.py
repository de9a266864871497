"""ocrplug inside other tools: each module adapts the host's :class:`~ocrplug.pipeline.Pipeline` to one tool.

- :mod:`ocrplug.integrations.ocrmypdf`: an OCRmyPDF OCR engine (``ocrmypdf --ocr-engine ocrplug``).

These modules import their tool at import time; the host itself never imports them.
"""
