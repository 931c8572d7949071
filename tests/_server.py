"""Start a real ``chainatlas serve`` process on a free loopback port, for tests that talk HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["free_port", "served", "start_server"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, *, env: Mapping[str, str] | None = None, capture: bool = False,
                 port: int | None = None, timeout: float = 90.0) -> tuple[subprocess.Popen[bytes], str]:
    """The server process and its base URL, once ``/api/v1/health`` answers.

    ``capture`` keeps stdout and stderr in a pipe (read them after terminating the process);
    otherwise they are discarded. The dashboard's background warm-up is off
    (``CHAINATLAS_WARM=0``) unless ``env`` turns it on. A server that does not come up is killed and reported with
    the tail of its output.
    """
    port = port or free_port()
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "chainatlas.cli", "serve", "--db", str(db),
                             "--port", str(port)], stdout=out,
                            stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
                            env={**os.environ, "CHAINATLAS_WARM": "0", **(env or {})})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(f"{base}/api/v1/health", timeout=2)
            return proc, base
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                text = proc.communicate()[0] if capture else b""
                tail = (text or b"").decode(errors="replace")[-3000:]
                raise RuntimeError(f"server did not start on {base}:\n{tail}") from None
            time.sleep(0.3)


@contextmanager
def served(db: Path, *, env: Mapping[str, str] | None = None,
           timeout: float = 90.0) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``(base_url, process)`` of a running server, terminated on exit."""
    proc, base = start_server(db, env=env, timeout=timeout)
    try:
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
