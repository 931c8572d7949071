"""Write docs/cli.md: every chainatlas command's ``--help``, taken from the command tree itself.

Commands are found by walking the CLI, so new ones appear without editing this script.
``tests/test_cli_docs.py`` fails when docs/cli.md differs from what this script writes;
regenerate with::

    python scripts/cli_docs.py
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "cli.md"
WIDTH = 100

HEADER = """# Command line reference

Every command's `--help`, generated from the commands themselves by `scripts/cli_docs.py` (a
test checks that this page matches them; after adding or changing a command run
`python scripts/cli_docs.py`).

Conventions for every command: exit code 0 ok, 1 bad input or failed analysis (message on
stderr), 2 usage (unknown option, bad value, missing argument). The same short option means the
same thing everywhere: `-d` dataset, `-r` region, `-f` format, `-o` out, `-k` top. Tables fit
the terminal (columns that do not fit are named below the table); `--wide` anywhere on the line
prints them whole. Money is in 万元/亿元 and shares in %, as in the dashboard.
"""


def _walk(command: Any, ctx: Any) -> Iterator[tuple[str, str]]:
    from typer import _click

    yield ctx.command_path, command.get_help(ctx)
    for name in getattr(command, "commands", {}):
        sub = command.commands[name]
        if getattr(sub, "hidden", False):
            continue
        yield from _walk(sub, _click.Context(sub, info_name=name, parent=ctx,
                                             terminal_width=WIDTH, max_content_width=WIDTH))


def render() -> str:
    """The text of docs/cli.md for the commands as they are now."""
    import typer
    from typer import _click

    from chainatlas.cli.main import app

    root = typer.main.get_command(app)
    ctx = _click.Context(root, info_name="chainatlas", terminal_width=WIDTH,
                         max_content_width=WIDTH)
    parts = [HEADER]
    for path, text in _walk(root, ctx):
        parts += [f"## `{path}`", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="Exit 1 if docs/cli.md is out of date.")
    args = ap.parse_args()
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python scripts/cli_docs.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
