"""Built-in ocrplug plugin `craft` (registered through the `ocrplug` entry-point group)."""
