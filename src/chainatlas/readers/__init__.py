"""chainatlas.readers."""
