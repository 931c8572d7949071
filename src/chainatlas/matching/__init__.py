"""chainatlas.matching."""
