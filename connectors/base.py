"""The connector interface: what every kind of source gives, and how it is asked.

A :class:`Connector` reads one configured source (:mod:`osaava.sources`) with its secret and its
incremental state (:mod:`osaava.source_state`) and returns a :class:`SourceRead`: canonical
frames (the dtypes of :mod:`osaava.schema` and the ``_row`` of every record), the raw bytes it
read (one :class:`RawFile` per file or page, with its sha256), the rows read per entity, the
issues found, and what the next state is (watermark, page log, changed or not).

A connector never raises for a source's own failure: a source that cannot be read gives one
critical ``source_failed`` issue, and ``transient`` says whether trying again later may help
(a 5xx, a timeout, a refused connection) or not (a refused password, a wrong query). The
collect flow retries only the transient ones.

Adding a kind of source is one new module with a class that satisfies :class:`Connector`, and
one line in :data:`connectors.registry.CONNECTORS` (its options model lives beside the other
source models in :mod:`osaava.sources`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable
from urllib.parse import unquote_plus, urlsplit

import pandas as pd

from osaava.issues import Issue
from osaava.sources import is_secret_param

if TYPE_CHECKING:  # pragma: no cover
    import requests

    from osaava.source_state import SourceState

#: How many row numbers an issue lists (the count says how many there are in all).
MAX_ROWS_LISTED = 20


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mask_params(text: str) -> str:
    out = []
    for piece in text.split("&"):
        name, eq, _ = piece.partition("=")
        out.append(f"{name}=***" if eq and is_secret_param(unquote_plus(name)) else piece)
    return "&".join(out)


def safe_url(url: str) -> str:
    """A URL as every message, issue and artifact shows it: the password of its user part and
    the value of every secret-looking query (or fragment) parameter (``password``,
    ``sslpassword``, ``token``, ``client_secret`` …) replaced by ``***``; the rest unchanged.
    Text that is not a URL (a folder) is returned as it is."""
    if "://" not in url:
        return url
    try:
        p = urlsplit(url)
    except ValueError:
        return "(a URL that cannot be read)"
    netloc = p.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        netloc = f"{user}:***@{hostport}" if colon else f"{user}@{hostport}"
    query, fragment = _mask_params(p.query), _mask_params(p.fragment)
    if (netloc, query, fragment) == (p.netloc, p.query, p.fragment):
        return url
    # spliced by hand: urlunsplit would drop the empty host of sqlite:////path
    return (f"{p.scheme}://{netloc}{p.path}" + (f"?{query}" if "?" in url else "")
            + (f"#{fragment}" if "#" in url else ""))


@dataclass
class RawFile:
    """Bytes exactly as a source gave them: a file of an export folder, a page of an API, the
    CSV a database query was written as."""

    entity: str
    name: str
    data: bytes
    sha256: str


@dataclass
class ReadResult:
    """Canonical frames + raw bytes + rows read + issues: what validate → land → load takes."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    raw: list[RawFile] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(i.severity == "critical" for i in self.issues)


@dataclass
class SourceRead(ReadResult):
    """A :class:`ReadResult` of one configured source, with what incremental collect needs.

    - ``pages``: the raw pages that make up the data (the previous page log plus this fetch's
      pages when they changed anything); ``raw`` holds one :class:`RawFile` per page;
    - ``new_pages``: the pages of this fetch that were kept;
    - ``watermark``: the newest change seen (sent as ``updated_since`` / ``since`` next time);
    - ``changed``: whether this fetch changed the data;
    - ``requests``: HTTP requests or queries made;
    - ``transient``: the source failed in a way that trying again later may cure.
    """

    source: str = ""
    pages: list[bytes] = field(default_factory=list)
    new_pages: list[bytes] = field(default_factory=list)
    watermark: str | None = None
    changed: bool = True
    requests: int = 0
    transient: bool = False

    @property
    def failed(self) -> bool:
        return any(i.code == "source_failed" and i.severity == "critical" for i in self.issues)


@dataclass
class ReadContext:
    """What a read needs besides the source, its secret and its state.

    ``config_path``: the sources file (relative folders are relative to it); ``entities``: the
    entities this source serves in this configuration; ``first_year``/``last_year``: the years
    a database source reads; the rest are seams for tests (an HTTP session, a clock, a sleep).
    """

    config_path: Path
    entities: tuple[str, ...] = ()
    first_year: int | None = None
    last_year: int | None = None
    today: dt.date | None = None
    session: "requests.Session | None" = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


@runtime_checkable
class Connector(Protocol):
    """One kind of source.

    ``kind`` is the ``kind:`` of the sources file. ``incremental`` connectors keep a page log and
    a watermark (:mod:`osaava.source_state`): they get the previous pages and the watermark and
    fetch only what changed; the others are read whole every time and compared by fingerprint.
    """

    kind: ClassVar[str]
    incremental: ClassVar[bool]

    def origin(self, source) -> str:
        """Where the source is read (shown without credentials); a state saved for another
        origin is not used."""
        ...

    def read(self, source, secret: str | None, state: "SourceState",
             previous_pages: Sequence[bytes], ctx: ReadContext) -> SourceRead:
        """Read the source. ``previous_pages`` and ``state.watermark`` are empty for a full read."""
        ...
