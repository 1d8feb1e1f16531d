"""Every configured source into one batch, incrementally: :func:`collect_sources`.

Reads the sources file (:mod:`osaava.sources`), reads each source with its connector and merges
the entities into one :class:`~connectors.files.ReadResult`-shaped :class:`MergedRead` that goes
through the same validate → land → load path as an export folder:

- an entity served by one source comes from it; entities no other source serves come from the
  ``files`` source (its files for the other entities are not read into the batch: their frames,
  raw bytes and issues are left out); an entity served by several sources (e.g. trainings from
  the files and e-learning from the LRS) is their rows together, in the order of the sources
  file — the rows of a later source are numbered after those of the earlier ones;
- REST and xAPI sources fetch only what changed since their watermark and replay their page log
  (:mod:`osaava.source_state`); SQL and files sources are read whole (SQL for the year range);
- a source that fails gives one critical issue and keeps its old state, so the batch is
  refused and the next collect tries again from where the last good one was;
- unchanged data gives the same raw bytes, so the warehouse (same fingerprint) stores no new
  batch; ``MergedRead.changed`` also says whether any source changed.

By default the new states are saved when the sources have been read (``commit=True``); with
``commit=False`` call :meth:`MergedRead.commit` after the batch is stored.

Secrets: each source's ``credentials`` name an environment variable or a Prefect Secret block.
Connectors never import Prefect, so a Prefect task passes a block reader::

    from prefect.blocks.system import Secret
    res = collect_sources(path, block_loader=lambda name: Secret.load(name).get())
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import requests

from connectors import SourceRead
from connectors.files import ReadResult, read_folder
from osaava.guideline import ConfigError
from osaava.issues import Issue, critical
from osaava.landing import fingerprint
from osaava.schema import ENTITIES, ROW
from osaava.source_state import SourceState, StateError, StateStore
from osaava.sources import SecretLoader, SourcesConfig, files_location, load_sources, resolve_secret


@dataclass
class SourceOutcome:
    """What one source gave in a collect."""

    name: str
    kind: str
    entities: tuple[str, ...]
    changed: bool
    full: bool
    watermark: str | None
    fingerprint: str
    rows: dict[str, int]
    requests: int
    failed: bool


@dataclass
class MergedRead(ReadResult):
    sources: list[SourceOutcome] = field(default_factory=list)
    changed: bool = True
    store: StateStore | None = None
    pending: list[tuple[SourceState, list[bytes] | None]] = field(default_factory=list)

    def commit(self) -> None:
        """Save the new state of every source that was read without failing."""
        if self.store is None:
            return
        for state, pages in self.pending:
            self.store.put(state, pages)
        self.pending = []


def _origin(source) -> str:
    if source.kind == "rest":
        return f"{source.location.rstrip('/')}/{source.path.lstrip('/')}"
    return source.location


def _files(cfg: SourcesConfig, cfg_path: Path, source) -> SourceRead:
    """The files source, limited to the entities it serves."""
    served = set(cfg.entities_of(source))
    read = read_folder(files_location(cfg_path, source))
    out = SourceRead(source=source.name)
    unserved_names = {f"{e.file}.csv".casefold() for e in ENTITIES.values() if e.name not in served}
    unserved_names |= {r.name.casefold() for r in read.raw if r.entity in ENTITIES and r.entity not in served}
    unserved_names |= {str(df.attrs.get("file", "")).casefold() for e, df in read.frames.items()
                       if e not in served}
    out.issues = [i for i in read.issues if i.file.casefold() not in unserved_names]
    out.frames = {e: df for e, df in read.frames.items() if e in served}
    out.rows_read = {e: n for e, n in read.rows_read.items() if e in served}
    out.raw = [r for r in read.raw if r.entity not in ENTITIES or r.entity in served]
    return out


def _merge(parts: list[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    if len(parts) == 1:
        return parts[0][1]
    frames, offset = [], 0
    for _, df in parts:
        df = df.copy()
        df[ROW] = df[ROW].to_numpy(dtype="int64") + offset
        offset = int(df[ROW].max()) if len(df) else offset
        frames.append(df)
    nonempty = [f for f in frames if len(f)] or frames[:1]
    out = pd.concat(nonempty, ignore_index=True) if len(nonempty) > 1 else nonempty[0].reset_index(drop=True)
    out.attrs["file"] = " + ".join(str(df.attrs.get("file", name)) for name, df in parts)
    return out


def collect_sources(config_path: Path | str, *, first_year: int | None = None,
                    last_year: int | None = None, var_dir: Path | str = "var",
                    state_dir: Path | str | None = None, full: bool = False, commit: bool = True,
                    block_loader: SecretLoader | None = None, environ: Mapping[str, str] | None = None,
                    session: requests.Session | None = None,
                    sleep: Callable[[float], None] = time.sleep,
                    clock: Callable[[], float] = time.monotonic,
                    today: dt.date | None = None) -> MergedRead:
    """Read every source of the sources file and merge them into one batch.

    ``first_year``/``last_year`` bound the SQL sources' ``:start``/``:end`` (default: this year
    and ``years_back`` before). ``full=True`` ignores the stored state (a full fetch of every
    source). Raises :class:`~osaava.guideline.ConfigError` for a wrong sources file or a missing
    secret; everything a source does wrong is an issue in the result.
    """
    from connectors.rest import read_rest
    from connectors.sql import read_sql, year_range
    from connectors.xapi import read_xapi

    cfg_path = Path(config_path)
    cfg = load_sources(cfg_path)
    root = Path(cfg.state_dir) if cfg.state_dir else None
    if root is not None and not root.is_absolute():
        root = cfg_path.parent / root
    store = StateStore(state_dir or root or Path(var_dir) / "sources")
    merged = MergedRead(store=store)
    secrets = {s.name: resolve_secret(s, cfg_path, block_loader, environ) for s in cfg.sources}
    per_entity: dict[str, list[tuple[str, pd.DataFrame]]] = {e: [] for e in ENTITIES}

    for source in cfg.sources:
        state = SourceState(source.name)
        previous: list[bytes] = []
        notes: list[Issue] = []
        if not full and source.kind in ("rest", "xapi"):
            try:
                state = store.get(source.name)
                if state.kind != source.kind or state.origin != _origin(source):
                    state = SourceState(source.name)
                previous = store.pages(state)
            except StateError as e:
                notes.append(Issue("warning", "state_reset", source.name,
                                   f"the stored state was not usable ({e}); fetched in full",
                                   "Nothing to do: the state is rebuilt by this collect."))
                state, previous = SourceState(source.name), []
        elif source.kind in ("files", "sql"):
            try:
                state = store.get(source.name)
            except StateError:
                state = SourceState(source.name)
        incremental = bool(previous) and state.watermark is not None
        if source.kind == "files":
            res = _files(cfg, cfg_path, source)
        elif source.kind == "rest":
            res = read_rest(source, secrets[source.name],
                            updated_since=state.watermark if incremental else None,
                            previous_pages=previous if incremental else (),
                            session=session, sleep=sleep, clock=clock)
        elif source.kind == "xapi":
            res = read_xapi(source, secrets[source.name],
                            since=state.watermark if incremental else None,
                            previous_pages=previous if incremental else (),
                            session=session, sleep=sleep, clock=clock)
        elif source.kind == "sql":
            start, end = year_range(source, first_year, last_year, today)
            res = read_sql(source, secrets[source.name], start=start, end=end)
        else:  # pragma: no cover - the config model admits no other kind
            raise ConfigError(f"{cfg_path}: unknown kind {source.kind}")
        res.issues[:0] = notes
        failed = bool(critical([i for i in res.issues if i.code == "source_failed"]))
        # A page holding a henkilötunnus never enters the page log: the state is not advanced,
        # so the next collect fetches the corrected records again.
        keep_state = not failed and not critical([i for i in res.issues if i.code == "henkilotunnus"])
        fp = fingerprint(r.sha256 for r in res.raw)
        changed = res.changed if source.kind in ("rest", "xapi") else fp != state.fingerprint
        merged.sources.append(SourceOutcome(
            name=source.name, kind=source.kind, entities=tuple(cfg.entities_of(source)),
            changed=changed and not failed, full=not incremental, watermark=res.watermark,
            fingerprint=fp, rows=dict(res.rows_read), requests=res.requests, failed=failed))
        merged.issues.extend(res.issues)
        merged.raw.extend(res.raw)
        for e, n in res.rows_read.items():
            merged.rows_read[e] = merged.rows_read.get(e, 0) + n
        for e in cfg.entities_of(source):
            if e in res.frames:
                per_entity[e].append((source.name, res.frames[e]))
        if keep_state:
            new = SourceState(source.name, kind=source.kind, origin=_origin(source),
                              watermark=res.watermark, fingerprint=fp)
            merged.pending.append((new, res.pages if source.kind in ("rest", "xapi") else []))

    for e, parts in per_entity.items():
        if parts:
            merged.frames[e] = _merge(parts)
    merged.changed = any(s.changed for s in merged.sources)
    if commit:
        merged.commit()
    return merged
