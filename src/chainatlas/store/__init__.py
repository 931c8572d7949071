"""chainatlas.store."""
