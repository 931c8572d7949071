"""chainatlas.shock."""
