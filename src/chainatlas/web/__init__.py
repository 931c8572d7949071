"""chainatlas.web."""
