"""The ``chainatlas`` command line. Thin: every command calls a service and prints its result.

Exit codes, decided here for every command: 0 ok; 1 bad input or failed analysis (a
:class:`~chainatlas.exceptions.ChainAtlasError`: message on stderr, no traceback, code from
:data:`~chainatlas.exceptions.EXIT_CODES`); 2 usage (an unknown command or option, a missing or
malformed argument, a value outside an option's choices — raised by the parser before any work).

Options that mean the same thing have the same short form on every command: ``-d`` dataset,
``-r`` region, ``-f`` format, ``-o`` out, ``-k`` top. ``--wide``, anywhere on the line, prints
tables at their full width instead of fitting them to the terminal.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from chainatlas.exceptions import EXIT_CODES, ChainAtlasError

__all__ = ["app", "main"]


def _exit_code(err: ChainAtlasError) -> int:
    for cls in type(err).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


def _plain_help(command: Any) -> None:
    """Plain help for ``command`` and everything below it: no boxes, no ``<bool>`` beside flags,
    the same text in a terminal, a pipe and docs/cli.md."""
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None
    for sub in getattr(command, "commands", {}).values():
        _plain_help(sub)


class _ErrorMappingGroup(TyperGroup):
    """The root group: the one place that turns errors into exit codes, takes ``--wide`` off
    the command line and makes every command's help plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_help(self)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from chainatlas.cli._output import set_wide

        end = args.index("--") if "--" in args else len(args)
        wide = "--wide" in args[:end]
        set_wide(wide)
        if wide:
            args = [a for i, a in enumerate(args) if i >= end or a != "--wide"]
        return list(super().parse_args(ctx, args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ChainAtlasError as err:
            typer.echo(f"error: {err.message}", err=True)
            raise typer.Exit(_exit_code(err)) from None


app = typer.Typer(
    name="chainatlas",
    cls=_ErrorMappingGroup,
    help="chainatlas — map, stress-test and strengthen industrial chains (产业链).\n\n"
         "Every command that prints data takes --format table|json|csv and --out FILE; --db PATH "
         "(or CHAINATLAS_DB) selects the store; --wide prints tables at full width. Exit codes: "
         "0 ok, 1 bad input or failed analysis, 2 usage.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from chainatlas import __version__

        typer.echo(f"chainatlas {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """The root of every command (its options come before the command's name)."""


def _register() -> None:
    from chainatlas.cli import (
        advise,
        chain,
        cluster,
        data,
        decide,
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
    decide.register(app)
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
