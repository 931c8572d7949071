"""chainatlas.report."""
