"""MkDocs hook: numpydoc's reStructuredText math and roles in the API reference, shown cleanly.

The docstrings carry their formulas as ``.. math::`` blocks and ``:math:`x``` roles (so that
they read in ``help()`` and Sphinx-style tools). In the generated pages the block's marker is
dropped, leaving the TeX as a code block, and the prefix of a role (``:math:``, ``:class:``,
``:func:`` …) is dropped, leaving inline code.
"""

from __future__ import annotations

import re
from typing import Any

_BLOCK = re.compile(r"<p>\s*\.\. math::\s*</p>\s*")
_ROLE = re.compile(r":(?:math|class|func|meth|mod|data|attr|exc):(<code>)")


def clean(html: str) -> str:
    """``html`` without the ``.. math::`` markers and the role prefixes (``:math:`` …)."""
    return _ROLE.sub(r"\1", _BLOCK.sub("", html))


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return clean(html)
