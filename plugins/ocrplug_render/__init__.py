"""Built-in ocrplug plugin `render` (registered through the `ocrplug` entry-point group)."""
