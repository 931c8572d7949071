"""chainatlas.cli."""
