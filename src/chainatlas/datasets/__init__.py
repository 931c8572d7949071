"""chainatlas.datasets."""
