"""The README's two commands in a fresh virtual environment, with Chromium hidden.

What it does (about a minute; CI runs it like any other test):

1. copies the project (no ``.git``, no caches, no stores) to a temporary folder, as a user's
   checkout;
2. makes a virtual environment with ``--system-site-packages`` (plus the running environment's
   packages, when the tests themselves run in a virtual environment, as in CI) and installs the
   copy with ``pip install -e . --no-deps --no-build-isolation`` — the README's install step
   without the download (the dependencies come from the machine, so no network is needed).
   Where the machine has no usable build backend offline (setuptools ≥ 68 with ``wheel``), the
   editable install is done as pip would lay it out: a ``.pth`` file naming the copy's ``src``
   and the ``chainatlas`` console script from ``[project.scripts]``;
3. runs the README's first command's ``chainatlas demo`` from that environment in an empty
   folder: it must succeed and write the store and the summary;
4. runs the README's test command, ``python3 -m pytest -n 2 -q``, from that environment on a
   small selection that includes a browser test, with ``CHAINATLAS_CHROMIUM`` pointing at a
   file that does not exist and without ``CHAINATLAS_REQUIRE_BROWSER``: it must pass, skip the
   browser test and print why, with the install command.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SELECTION = ["tests/test_public_api.py",
             "tests/test_dashboard.py::test_report_opens_offline_from_a_file_url"]

pytestmark = pytest.mark.slow


def _readme_command(pattern: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(pattern, text, flags=re.MULTILINE)
    assert found, f"README has no line matching {pattern!r}"
    return found.group(0)


#: pip's messages when the build backend cannot be used offline.
_NO_BACKEND = ("bdist_wheel", "No module named 'setuptools'", "BackendUnavailable",
               "Could not find a version that satisfies the requirement")


def _site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    assert found, f"no site-packages in {venv}"
    return found[0]


def _see_running_environment(venv: Path) -> None:
    """``--system-site-packages`` shows the base interpreter's packages; when these tests run in
    a virtual environment themselves (CI's), show that one's too."""
    import site

    if sys.prefix != sys.base_prefix:
        (_site_packages(venv) / "_running_env.pth").write_text(
            "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")


def _editable_by_hand(venv: Path, project: Path) -> None:
    """What ``pip install -e .`` writes for this src layout: a path file and the scripts."""
    import tomllib

    (_site_packages(venv) / "__editable__.chainatlas.pth").write_text(
        f"{project / 'src'}\n", encoding="utf-8")
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    for name, target in meta["project"]["scripts"].items():
        module, func = target.split(":")
        script = venv / "bin" / name
        script.write_text(f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom {module} import "
                          f"{func}\nsys.exit({func}())\n", encoding="utf-8")
        script.chmod(0o755)


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str],
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_readme_commands_in_a_fresh_venv_without_chromium(tmp_path: Path) -> None:
    demo_line = _readme_command(r"^python3 -m pip install -e \. && chainatlas demo$")
    test_line = _readme_command(r'^python3 -m pip install -e "\.\[all\]" && python3 -m pytest.*$')
    test_cmd = test_line.split("&& ", 1)[1].split()
    assert test_cmd[:3] == ["python3", "-m", "pytest"], test_line

    project = tmp_path / "chainatlas"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(
        ".git", ".ci-venv", ".venv", "__pycache__", "*.egg-info", "*.duckdb*", ".pytest_cache",
        "build", "dist", "chainatlas-demo"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, timeout=300)
    bindir = venv / "bin"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "CHAINATLAS_REQUIRE_BROWSER", "CHAINATLAS_DB",
                        "VIRTUAL_ENV", "PYTEST_ADDOPTS") and not k.startswith("PYTEST_XDIST")}
    env.update(PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               CHAINATLAS_CHROMIUM=str(tmp_path / "no-chromium-here"))

    _see_running_environment(venv)
    installed = _run([str(bindir / "python"), "-m", "pip", "install", "-q", "-e", ".",
                      "--no-deps", "--no-build-isolation"], cwd=project, env=env)
    if installed.returncode != 0:
        assert any(m in installed.stderr for m in _NO_BACKEND), installed.stderr[-3000:]
        _editable_by_hand(venv, project)
    where = _run([str(bindir / "python"), "-c", "import chainatlas; print(chainatlas.__file__)"],
                 cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(project), where.stdout + where.stderr

    # README command 1: chainatlas demo (from the new environment, in an empty folder)
    assert demo_line.endswith("chainatlas demo")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    demo = _run([str(bindir / "chainatlas"), "demo"], cwd=run_dir, env=env)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert (run_dir / "chainatlas.duckdb").stat().st_size > 0
    assert (run_dir / "chainatlas-demo" / "summary.json").stat().st_size > 0

    # README command 2: the test command, on a small selection with a browser test
    python3 = shutil.which(test_cmd[0], path=env["PATH"])
    assert python3 is not None and Path(python3).parent == bindir, python3
    tests = _run([python3, *test_cmd[1:], *SELECTION], cwd=project, env=env)
    out = tests.stdout + tests.stderr
    assert tests.returncode == 0, out[-4000:]
    assert re.search(r"\d+ passed, 1 skipped", out), out[-2000:]
    assert "1 browser test(s) skipped: no Chromium" in out, out[-2000:]
    assert "apt-get install chromium" in out and "CHAINATLAS_REQUIRE_BROWSER=1" in out
