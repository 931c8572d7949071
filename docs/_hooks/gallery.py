"""MkDocs hook: run the gallery scripts when the site is built and put source and output in the page.

A page line ``<!-- gallery: NAME.py -->`` is replaced by the script's source (a Python code
block) and what it printed (HTML tables and figures from ``Result._repr_html_()``, or Markdown).
A script that fails fails the build, so the gallery cannot drift from the code.
"""

from __future__ import annotations

import contextlib
import io
import re
import runpy
import time
from pathlib import Path
from typing import Any

MARK = re.compile(r"^<!-- gallery: ([\w.-]+\.py) -->$", re.M)


def run_script(path: Path) -> tuple[str, float]:
    """Run one gallery script as ``__main__``; its printed output and the seconds it took."""
    buf = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(buf):
        runpy.run_path(str(path), run_name="__main__")
    return buf.getvalue(), time.perf_counter() - started


def render(markdown: str, folder: Path) -> str:
    """``markdown`` with every gallery mark replaced by the script's source and output."""
    def one(m: re.Match[str]) -> str:
        path = folder / m.group(1)
        source = path.read_text("utf-8").strip()
        output, seconds = run_script(path)
        return (f"```python title=\"{m.group(1)}\"\n{source}\n```\n\n"
                f"**Output** (run when this page was built, {seconds:.1f} s):\n\n"
                f"<div class=\"gallery-output\" markdown=\"1\">\n\n{output}\n\n</div>\n")

    return MARK.sub(one, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if "<!-- gallery:" not in markdown:
        return markdown
    return render(markdown, Path(page.file.abs_src_path).parent)
