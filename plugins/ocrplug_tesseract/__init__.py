"""Built-in ocrplug plugin `tesseract` (registered through the `ocrplug` entry-point group)."""
