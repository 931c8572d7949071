"""chainatlas.evaluation."""
