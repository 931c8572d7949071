"""chainatlas.network."""
