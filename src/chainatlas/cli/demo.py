"""The ``demo`` and ``generate`` commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from chainatlas.cli._common import DbOpt, FormatOpt
from chainatlas.cli._output import Format, emit

__all__ = ["register"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _exits_cleanly(func: _F) -> _F:
    """Print a :class:`ChainAtlasError` as ``error: …`` on stderr and exit 1, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from chainatlas.exceptions import ChainAtlasError

        try:
            return func(*args, **kwargs)
        except ChainAtlasError as err:
            typer.echo(f"error: {err.message}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def demo(
    db: DbOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for the demo's report files (default: next to the store).")] = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also print every table of every analysis.")] = False,
) -> None:
    """Build a store from the built-in demo data (yrd-nev, gd-clusters), run every analysis and
    write its tables, the HTML report and the lists workbook; print a short summary and the
    paths of what it wrote (--verbose prints every table too)."""
    from rich.console import Console

    from chainatlas.cli._output import print_table
    from chainatlas.services.demo import run_demo

    show = (lambda title, frame: print_table(frame, title, 15)) if verbose else None
    run_demo(db, out, Console(), extra_steps=[("report", _write_report)], show=show)
    typer.echo("Next: chainatlas serve  (dashboard at http://127.0.0.1:8050/dash/)")


def _write_report(db: Path, out: Path, console: Any) -> list[Path]:
    """The demo's HTML report (seen from Nanjing) and its lists workbook."""
    from chainatlas.report.build import write_report

    res = write_report(db, "yrd-nev", out / "report.html", region="320100",
                       xlsx=out / "report.xlsx")
    console.print(f"Report: {res.html.resolve()}", markup=False)
    console.print(f"Lists workbook (N图N清单): {out.resolve() / 'report.xlsx'}", markup=False)
    for key, why in res.skipped.items():
        console.print(f"report section '{key}' not produced: {why}", style="red", markup=False)
    if res.skipped:
        from chainatlas.exceptions import ModelError

        raise ModelError(f"report sections not produced: {', '.join(res.skipped)}")
    return [res.html, out / "report.xlsx"]


def generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write <table>.parquet into.")],
    firms: Annotated[int, typer.Option("--firms", min=1, help="Number of firms.")] = 10_000,
    links: Annotated[int, typer.Option("--links", min=0, help="Number of supply links.")] = 50_000,
    sectors: Annotated[int, typer.Option("--sectors", min=2, help="Number of segments.")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    foreign_share: Annotated[float, typer.Option(
        "--foreign-share", min=0.0, max=1.0, help="Expected share of foreign firms.")] = 0.05,
    regions: Annotated[int, typer.Option("--regions", min=1, help="Number of city regions.")] = 300,
    fmt: FormatOpt = Format.table,
) -> None:
    """Write a synthetic heavy-tailed firm network (Chung–Lu with sector structure) as Parquet."""
    from chainatlas.services.demo import generate_files

    result = generate_files(firms, links, sectors, seed, out, foreign_share=foreign_share,
                            n_regions=regions)
    emit(result, fmt, title=f"synthetic network → {out}")


def register(app: typer.Typer) -> None:
    """Add ``demo`` and ``generate`` to ``app``."""
    app.command("demo")(_exits_cleanly(demo))
    app.command("generate")(_exits_cleanly(generate))
