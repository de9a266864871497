"""Built-in ocrplug plugin `trocr` (registered through the `ocrplug` entry-point group)."""
