"""The documentation's gallery: every example runs, every page points at a script that exists,
and the site's navigation lists every page (``mkdocs build --strict`` in CI builds it)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "docs" / "gallery"
SCRIPTS = sorted(p.name for p in GALLERY.glob("*.py"))


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gallery_hook", ROOT / "docs/_hooks/gallery.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _nav_files(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [f for v in node.values() for f in _nav_files(v)]
    if isinstance(node, list):
        return [f for v in node for f in _nav_files(v)]
    return []


def _config() -> dict[str, object]:
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    cfg: dict[str, object] = yaml.safe_load(text)
    return cfg


def test_every_script_has_a_page_and_every_page_mark_a_script() -> None:
    marked = []
    for page in GALLERY.glob("*.md"):
        marked += re.findall(r"^<!-- gallery: ([\w.-]+\.py) -->$", page.read_text("utf-8"),
                             flags=re.M)
    assert sorted(marked) == SCRIPTS
    assert len(SCRIPTS) >= 5


def test_navigation_lists_every_page() -> None:
    nav = set(_nav_files(_config()["nav"]))
    docs = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert nav == docs, (sorted(docs - nav), sorted(nav - docs))
    # the English user guide has a Chinese page per capability
    for page in ("index", "getting-started", "python", "chain", "scenarios", "risk",
                 "reconstruct", "io", "clusters", "evaluation", "matching", "advise", "sharing"):
        assert f"zh/{page}.md" in nav


@pytest.mark.parametrize("script", SCRIPTS)
def test_gallery_example_runs(script: str) -> None:
    hook = _hook()
    page = f"# t\n\n<!-- gallery: {script} -->\n"
    out = hook.render(page, GALLERY)
    assert "<!-- gallery:" not in out
    assert f'title="{script}"' in out
    printed = out.split('<div class="gallery-output" markdown="1">')[1]
    assert "<table" in printed or "|---" in printed


def test_a_failing_example_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("raise RuntimeError('example broke')\n", "utf-8")
    with pytest.raises(RuntimeError, match="example broke"):
        _hook().render("<!-- gallery: bad.py -->\n", tmp_path)


def test_the_site_builds_strict_with_the_readme_command_in_ci() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert 'python3 -m pip install -e ".[docs]" && mkdocs build' in readme
    assert _config()["strict"] is True
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert 'eval "$docs_cmd --strict"' in ci


def test_reference_pages_drop_the_rst_math_markers() -> None:
    spec = importlib.util.spec_from_file_location("docstrings_hook",
                                                  ROOT / "docs/_hooks/docstrings.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    html = ("<p>Sum.</p>\n<p>.. math::</p>\n<pre><code>m_j = \\sum_i l_{ij}\n</code></pre>\n"
            "<p>with :math:<code>L</code> and :class:<code>Result</code>.</p>")
    assert mod.clean(html) == ("<p>Sum.</p>\n<pre><code>m_j = \\sum_i l_{ij}\n</code></pre>\n"
                               "<p>with <code>L</code> and <code>Result</code>.</p>")
