"""Saving uploaded files: suffix check and size limit (``CHAINATLAS_MAX_UPLOAD_MB``), streamed to
a temporary folder in 1 MiB chunks so an oversized upload is refused before it fills the disk."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from fastapi import Request, UploadFile

from chainatlas.exceptions import InputError, LimitExceeded

__all__ = ["save_upload"]


def save_upload(request: Request, file: UploadFile, folder: Path, stem: str,
                suffixes: Iterable[str]) -> Path:
    """Write ``file`` to ``folder/<stem><suffix>`` and return the path.

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
    target = folder / f"{re.sub(r'[^A-Za-z0-9_-]', '_', stem) or 'upload'}{suffix}"
    size = 0
    with target.open("wb") as fh:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise LimitExceeded(f"upload larger than {limit // (1024 * 1024)} MB",
                                    details={"file": file.filename})
            fh.write(chunk)
    return target
