"""Built-in ocrplug plugin `ppocr` (registered through the `ocrplug` entry-point group)."""
