"""Options shared by every command, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli._output import Format

DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB store file (default $CHAINATLAS_DB or ./chainatlas.duckdb)."),
]
DatasetOpt = Annotated[str, typer.Option("--dataset", "-d", help="Dataset name in the store.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write the result to this file.")]
EncodingOpt = Annotated[str | None, typer.Option(
    "--encoding", help="Text encoding of a CSV/JSON input (utf-8, utf-16, gb18030, big5, …); "
                       "detected when not given, and an uncertain file is refused.")]
