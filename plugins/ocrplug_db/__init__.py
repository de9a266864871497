"""Built-in ocrplug plugin `db` (registered through the `ocrplug` entry-point group)."""
