"""``python -m chainatlas.cli``."""

from chainatlas.cli.main import main

main()
