"""chainatlas.cluster."""
