"""chainatlas.api."""
