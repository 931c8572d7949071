"""chainatlas.ioa."""
