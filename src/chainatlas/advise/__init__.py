"""chainatlas.advise."""
