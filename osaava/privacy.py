"""Files that hold personal data are private to the user osaava runs as (issue 13).

Every entry point (the ``osaava`` command, a flow run started by a worker) calls
:func:`private_umask` first, so every file and folder osaava or Prefect writes afterwards —
the warehouse, figures.json, the findings CSV, the data-quality report, the landing area, the
error log, Prefect's results — is created 0600 / 0700. :func:`private_file` makes one file 0600
whatever the umask was when it was first created (a SQLite warehouse from an older version).
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077


def private_umask() -> int:
    """Set the process umask to 077; returns the previous one."""
    return os.umask(PRIVATE_UMASK)


def private_file(path: str | os.PathLike) -> Path:
    """Create ``path`` empty with mode 0600 when it does not exist, else set its mode to 0600."""
    p = Path(path)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return p
