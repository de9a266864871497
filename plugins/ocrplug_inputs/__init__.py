"""Built-in ocrplug plugin `inputs` (registered through the `ocrplug` entry-point group)."""
