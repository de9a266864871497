"""Built-in rasterizers: image files (Pillow) and PDF (pdf2image + poppler)."""
