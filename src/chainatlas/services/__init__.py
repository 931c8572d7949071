"""chainatlas.services."""
