"""Saving uploaded files: suffix check and size limit (``CHAINATLAS_MAX_UPLOAD_MB``), streamed to
a temporary folder in 1 MiB chunks so an oversized upload is refused before it fills the disk.

An upload keeps the name the user gave it (its last path component, with control and path
characters replaced), so that errors name the user's file (``bad_firms.csv, row 3, …``); each
one lands in its own sub-folder, so two uploads with the same name never meet."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from fastapi import Request, UploadFile

from chainatlas.exceptions import InputError, LimitExceeded

__all__ = ["save_upload"]


def save_upload(request: Request, file: UploadFile, folder: Path, stem: str,
                suffixes: Iterable[str]) -> Path:
    """Write ``file`` to ``folder/<stem>/<the user's file name>`` and return the path
    (``<stem><suffix>`` when the upload carries no usable name).

    Raises
    ------
    InputError
        The file name's suffix is not one of ``suffixes``.
    LimitExceeded
        The upload is larger than the server's limit (HTTP 413).
    """
    allowed = sorted(set(suffixes))
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in allowed:
        raise InputError(f"upload must be one of {allowed}, not {suffix or 'no suffix'!r}",
                         details={"file": file.filename})
    limit = request.app.state.settings.max_upload_mb * 1024 * 1024
    safe_stem = re.sub(r"[^A-Za-z0-9_-]", "_", stem) or "upload"
    name = re.sub(r"[\x00-\x1f\x7f/\\:]", "_", (file.filename or "").replace("\\", "/")
                  .rsplit("/", 1)[-1]).strip(". ")[-120:]
    if not name.lower().endswith(suffix):
        name = f"{safe_stem}{suffix}"
    sub = folder / safe_stem
    sub.mkdir(parents=True, exist_ok=True)
    target = sub / name
    size = 0
    with target.open("wb") as fh:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise LimitExceeded(f"upload larger than {limit // (1024 * 1024)} MB",
                                    details={"file": file.filename})
            fh.write(chunk)
    return target
