"""The ``chainatlas`` command line. Thin: every command calls a service and prints its result.

Exit codes: 0 ok, 1 bad input or failed analysis (message on stderr, no traceback), 2 usage.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from chainatlas.exceptions import EXIT_CODES, ChainAtlasError

__all__ = ["app", "main"]


def _exit_code(err: ChainAtlasError) -> int:
    for cls in type(err).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


class _ErrorMappingGroup(TyperGroup):
    """Turns a :class:`ChainAtlasError` anywhere below into a message on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ChainAtlasError as err:
            typer.echo(f"error: {err.message}", err=True)
            raise typer.Exit(_exit_code(err)) from None


app = typer.Typer(
    name="chainatlas",
    cls=_ErrorMappingGroup,
    help="chainatlas — map, stress-test and strengthen industrial chains (产业链).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register() -> None:
    from chainatlas.cli import (
        advise,
        chain,
        cluster,
        data,
        evaluate,
        io,
        match,
        reconstruct,
        report,
        risk,
        serve,
        sharing,
        stress,
    )
    from chainatlas.cli import demo as demo_cli

    demo_cli.register(app)
    data.register(app)
    app.add_typer(chain.app, name="chain", help="Chain map, throughput and chokepoints (产业链图谱·卡脖子).")
    app.add_typer(stress.app, name="stress", help="Stress tests over time, TTS/TTR, sweeps (韧性).")
    app.add_typer(io.app, name="io", help="Input-output economics.")
    app.add_typer(cluster.app, name="cluster", help="Clusters, complexity and N-hour circles (聚链成群).")
    app.add_typer(evaluate.app, name="evaluate", help="New-quality productive forces, coupling (四链融合).")
    app.add_typer(match.app, name="match", help="Technology matching (成果转化).")
    from chainatlas.cli import places as places_cli

    app.add_typer(places_cli.app, name="places",
                  help="Places: addresses and names to region codes (地名解析).")
    advise.register(app)
    reconstruct.register(app)
    report.register(app)
    risk.register(app)
    serve.register(app)
    sharing.register(app)
    from chainatlas.cli import check as check_cli
    check_cli.register(app)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    app(args=argv if argv is not None else sys.argv[1:], prog_name="chainatlas")
