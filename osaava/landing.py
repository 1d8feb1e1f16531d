"""The landing area: the raw bytes of every file read, kept unchanged and named by their hash.

Layout (``root`` defaults to ``var/landing`` under the working directory)::

    root/<source>/<sha256>               the bytes exactly as read from the source
    root/<source>/<sha256>.json          sidecar: {name, entity, sha256, bytes, landed_at}
    root/<source>/quarantine/<fp>.json   the validation result of a refused batch

A file is written once: landing the same bytes again changes nothing (the first sidecar, with
its original name and time, is kept). Writes go to a temporary file in the same folder followed
by ``os.replace``, so a reader never sees half a file.

The ``fingerprint`` of a batch is the sha256 over its sorted file hashes; the warehouse uses the
same function, so a quarantine file and a batch row of the same bytes share their name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from osaava.issues import Issue

_SOURCE_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def fingerprint(sha256s: Iterable[str]) -> str:
    """The fingerprint of a batch: sha256 over its files' hashes, sorted, one per line."""
    return hashlib.sha256("\n".join(sorted(sha256s)).encode("ascii")).hexdigest()


def _folder(root: Path, source: str) -> Path:
    if not _SOURCE_RE.fullmatch(source):
        raise ValueError(f"source must be a plain name (letters, digits, '_', '-', '.'), got {source!r}")
    return Path(root) / source


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path``, flush it to disk, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def land(raw_files, root: Path = Path("var/landing"), source: str = "files") -> list[Path]:
    """Keep the bytes of each :class:`~connectors.files.RawFile` under ``root/<source>/<sha256>``.

    Returns the paths of the data files, in the order given. Raises ``ValueError`` when a
    file's bytes do not hash to its stated sha256 (nothing of that file is written).
    """
    folder = _folder(root, source)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for rf in raw_files:
        digest = hashlib.sha256(rf.data).hexdigest()
        if digest != rf.sha256:
            raise ValueError(f"{rf.name}: the bytes hash to {digest}, not to the stated {rf.sha256}")
        path = folder / digest
        if not path.exists():
            _atomic_write(path, rf.data)
        sidecar = folder / f"{digest}.json"
        if not sidecar.exists():
            meta = {"name": rf.name, "entity": rf.entity, "sha256": digest,
                    "bytes": len(rf.data), "landed_at": _now()}
            _atomic_write(sidecar, json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8"))
        paths.append(path)
    return paths


def _jsonable(v: Any) -> Any:
    """Plain JSON values; issues become their ``to_dict()`` (examples masked).

    Anything else that is not plainly JSON (a DataFrame, raw rows as objects) is refused with
    ``TypeError`` so raw HR data cannot slip into a quarantine file by accident.
    """
    if isinstance(v, Issue):
        return _jsonable(v.to_dict())
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else float(v)
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v) if isinstance(v, (set, frozenset)) else v
        return [_jsonable(x) for x in items]
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, Path):
        return str(v)
    # numpy scalars (np.int64, np.float64, np.bool_) without importing numpy here
    if type(v).__module__ == "numpy" and hasattr(v, "item") and getattr(v, "ndim", 1) == 0:
        return _jsonable(v.item())
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return _jsonable(dataclasses.asdict(v))
    raise TypeError(f"cannot put a {type(v).__name__} into a quarantine file")


def quarantine(root: Path, source: str, sha256s, validation: dict) -> Path:
    """Write the validation result of a refused batch to ``root/<source>/quarantine/<fp>.json``.

    ``validation`` is a dict of plain values and :class:`~osaava.issues.Issue` objects (stored
    as ``to_dict()``). Quarantining the same bytes again replaces the file with the newer
    result (the rules may have changed in between).
    """
    sha256s = sorted(sha256s)
    for s in sha256s:
        if not _SHA_RE.fullmatch(s):
            raise ValueError(f"not a sha256 hex digest: {s!r}")
    fp = fingerprint(sha256s)
    folder = _folder(root, source) / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    doc = {
        "fingerprint": fp,
        "source": source,
        "files": sha256s,
        "quarantined_at": _now(),
        "validation": _jsonable(validation),
    }
    path = folder / f"{fp}.json"
    _atomic_write(path, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    return path
