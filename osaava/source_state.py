"""The incremental state of each configured source: a small JSON store under ``var/``.

Layout (``root`` is ``<var>/sources`` unless the sources file says ``state_dir``)::

    root/<source>/state.json        {source, kind, origin, watermark, fingerprint, pages, saved_at}
    root/<source>/pages/<sha256>    the bytes of one page of the source's page log

- ``watermark``: the newest change the source has shown (REST ``updated_at``, xAPI
  ``stored``/``timestamp``): the next fetch asks only for what changed since (``updated_since``
  / ``since``).
- ``pages``: the page log, the sha256 of every raw page that makes up the source's data, oldest
  first. An incremental fetch only brings changes; the data of the source is the log replayed
  in order (a later version of a record replaces the earlier one). A fetch that changes nothing
  adds nothing, so the batch it makes has the same bytes, the same fingerprint, and the
  warehouse stores no new batch.
- ``origin``: where the source was read (its URL); a state of another kind or origin is not
  used (the source was reconfigured: full fetch).
- ``fingerprint``: :func:`osaava.landing.fingerprint` of the source's last raw files (for a
  database source, of its CSVs), to tell whether the source changed.

Writes are atomic (temporary file + ``os.replace``): the pages first, then ``state.json``, so a
crash between them leaves the old state, never a log naming pages that are not there. A state
that cannot be read back whole (a missing or altered page) is reported and ignored: the next
fetch is a full one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from osaava.landing import _atomic_write

_NAME_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class StateError(Exception):
    """The stored state of a source cannot be used (the message says why; a full fetch follows)."""


@dataclass
class SourceState:
    source: str
    kind: str = ""
    origin: str = ""
    watermark: str | None = None
    fingerprint: str | None = None
    pages: list[str] = field(default_factory=list)
    saved_at: str | None = None

    @property
    def empty(self) -> bool:
        return self.watermark is None and not self.pages and self.fingerprint is None


class StateStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _folder(self, source: str) -> Path:
        if not _NAME_RE.fullmatch(source):
            raise ValueError(f"source must be a plain name, got {source!r}")
        return self.root / source

    def get(self, source: str) -> SourceState:
        """The saved state of a source (an empty one when there is none)."""
        path = self._folder(source) / "state.json"
        if not path.exists():
            return SourceState(source)
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            st = SourceState(source=source, kind=str(d.get("kind", "")),
                             origin=str(d.get("origin", "")), watermark=d.get("watermark"),
                             fingerprint=d.get("fingerprint"), pages=list(d.get("pages") or []),
                             saved_at=d.get("saved_at"))
        except (ValueError, TypeError, AttributeError) as e:
            raise StateError(f"{path}: the state file cannot be read ({type(e).__name__})") from None
        bad = [p for p in st.pages if not isinstance(p, str) or not _SHA_RE.fullmatch(p)]
        if bad:
            raise StateError(f"{path}: the page log holds something that is not a sha256")
        return st

    def pages(self, state: SourceState) -> list[bytes]:
        """The bytes of the page log, oldest first; :class:`StateError` when one is missing or
        does not hash to its name."""
        folder = self._folder(state.source) / "pages"
        out = []
        for digest in state.pages:
            p = folder / digest
            try:
                data = p.read_bytes()
            except FileNotFoundError:
                raise StateError(f"{p}: a page of the log is missing") from None
            if hashlib.sha256(data).hexdigest() != digest:
                raise StateError(f"{p}: a page of the log was altered")
            out.append(data)
        return out

    def put(self, state: SourceState, pages: list[bytes] | None = None) -> SourceState:
        """Save a state; ``pages`` are the bytes of its whole page log (``state.pages`` is set
        from them). Pages no longer in the log are removed after the state is saved."""
        folder = self._folder(state.source)
        (folder / "pages").mkdir(parents=True, exist_ok=True)
        if pages is not None:
            digests = []
            for data in pages:
                digest = hashlib.sha256(data).hexdigest()
                p = folder / "pages" / digest
                if not p.exists():
                    _atomic_write(p, data)
                digests.append(digest)
            state.pages = digests
        state.saved_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        _atomic_write(folder / "state.json",
                      json.dumps(asdict(state), ensure_ascii=False, indent=2).encode("utf-8"))
        keep = set(state.pages)
        for p in (folder / "pages").iterdir():
            if p.name not in keep and _SHA_RE.fullmatch(p.name):
                p.unlink(missing_ok=True)
        return state

    def reset(self, source: str) -> None:
        """Forget a source's state: its next fetch is a full one."""
        shutil.rmtree(self._folder(source), ignore_errors=True)
