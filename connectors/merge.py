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

The steps are separate so that a flow can run each source in a task of its own:
:func:`plan_collect` (the sources file and the state store), :func:`read_source` (one source,
with its connector from :mod:`connectors.registry`), :func:`merge_sources` (the batch);
:func:`collect_sources` composes them. By default the new states are saved when the sources have
been read (``commit=True``); with ``commit=False`` call :meth:`MergedRead.commit` after the batch
is stored.

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

from connectors.base import ReadContext, ReadResult, SourceRead
from connectors.registry import connector_for
from osaava.issues import Issue, critical
from osaava.landing import fingerprint
from osaava.schema import ENTITIES, ROW
from osaava.source_state import SourceState, StateError, StateStore
from osaava.sources import SecretLoader, SourcesConfig, default_sources, load_sources, resolve_secret


@dataclass
class SourceOutcome:
    """What one source gave in a collect (shown per source in the batch artifact)."""

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
    pages: int = 0
    origin: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "entities": list(self.entities),
                "changed": self.changed, "full": self.full, "watermark": self.watermark,
                "rows": dict(self.rows), "pages": self.pages, "requests": self.requests,
                "failed": self.failed, "origin": self.origin}


@dataclass
class MergedRead(ReadResult):
    sources: list[SourceOutcome] = field(default_factory=list)
    changed: bool = True
    store: StateStore | None = None
    pending: list[tuple[SourceState, list[bytes] | None]] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[SourceOutcome]:
        return [s for s in self.sources if s.failed]

    def commit(self) -> None:
        """Save the new state of every source that was read without failing."""
        if self.store is None:
            return
        for state, pages in self.pending:
            self.store.put(state, pages)
        self.pending = []


@dataclass
class CollectPlan:
    """A sources file read and checked, with the store of the sources' incremental state."""

    config_path: Path
    config: SourcesConfig
    store: StateStore
    first_year: int | None = None
    last_year: int | None = None
    today: dt.date | None = None

    def source(self, name: str):
        return self.config.source(name)


@dataclass
class SourceResult:
    """One source read: its data, what it gave, and the state to save once the batch is stored."""

    read: SourceRead
    outcome: SourceOutcome
    new_state: SourceState | None = None
    pages: list[bytes] | None = None


def plan_collect(config_path: Path | str | None, *, var_dir: Path | str = "var",
                 state_dir: Path | str | None = None, first_year: int | None = None,
                 last_year: int | None = None, today: dt.date | None = None,
                 input_dir: Path | str | None = None) -> CollectPlan:
    """Read and check the sources file; :class:`~osaava.guideline.ConfigError` when it is wrong.
    Without a sources file: one files source over ``input_dir`` (the embedded default)."""
    if config_path is None:
        if input_dir is None:
            raise ValueError("give a sources file or an export folder")
        cfg = default_sources(input_dir)
        cfg_path = Path(cfg.sources[0].location) / "(no sources file)"
    else:
        cfg_path = Path(config_path)
        cfg = load_sources(cfg_path)
    root = Path(cfg.state_dir) if cfg.state_dir else None
    if root is not None and not root.is_absolute():
        root = cfg_path.parent / root
    store = StateStore(state_dir or root or Path(var_dir) / "sources")
    return CollectPlan(cfg_path, cfg, store, first_year, last_year, today)


def read_source(plan: CollectPlan, name: str, secret: str | None, *, full: bool = False,
                session: requests.Session | None = None,
                sleep: Callable[[float], None] = time.sleep,
                clock: Callable[[], float] = time.monotonic) -> SourceResult:
    """Read one source of the plan with its connector, incrementally unless ``full``."""
    source = plan.source(name)
    conn = connector_for(source.kind)
    origin = conn.origin(source)
    state = SourceState(source.name)
    previous: list[bytes] = []
    notes: list[Issue] = []
    try:
        state = plan.store.get(source.name)
        if conn.incremental and not full:
            if state.kind != source.kind or state.origin != origin:
                state = SourceState(source.name)
            previous = plan.store.pages(state)
    except StateError as e:
        if conn.incremental and not full:
            notes.append(Issue("warning", "state_reset", source.name,
                               f"the stored state was not usable ({e}); fetched in full",
                               "Nothing to do: the state is rebuilt by this collect."))
        state, previous = SourceState(source.name), []
    if full:
        previous = []
    incremental = conn.incremental and bool(previous) and state.watermark is not None
    if not incremental:
        previous = []
    ctx = ReadContext(config_path=plan.config_path, entities=tuple(plan.config.entities_of(source)),
                      first_year=plan.first_year, last_year=plan.last_year, today=plan.today,
                      session=session, sleep=sleep, clock=clock)
    res = conn.read(source, secret, state if incremental else SourceState(source.name), previous, ctx)
    res.issues[:0] = notes
    failed = res.failed
    # A page holding a henkilötunnus never enters the page log: the state is not advanced,
    # so the next collect fetches the corrected records again.
    keep_state = not failed and not critical([i for i in res.issues if i.code == "henkilotunnus"])
    fp = fingerprint(r.sha256 for r in res.raw)
    changed = res.changed if conn.incremental else fp != state.fingerprint
    outcome = SourceOutcome(
        name=source.name, kind=source.kind, entities=ctx.entities, changed=changed and not failed,
        full=not incremental, watermark=res.watermark, fingerprint=fp, rows=dict(res.rows_read),
        requests=res.requests, failed=failed, pages=len(res.raw), origin=origin)
    out = SourceResult(res, outcome)
    if keep_state:
        out.new_state = SourceState(source.name, kind=source.kind, origin=origin,
                                    watermark=res.watermark, fingerprint=fp)
        out.pages = res.pages if conn.incremental else []
    return out


def unchanged_sources(plan: CollectPlan) -> tuple[list[SourceOutcome], list[list[str]]] | None:
    """Every source of the plan shown unchanged without reading it, or ``None``.

    Only sources whose connector can hash what it would read without parsing it
    (``file_hashes``: the export folder) can be shown unchanged this way: their files are hashed
    (streamed sha256) and compared with the fingerprint saved in the source's state after the
    last batch that was loaded. When every source matches, the outcomes (``changed=False``) and
    each source's files' hashes are returned; the caller still checks that the warehouse holds that batch.
    Any doubt (another kind of source, no or unusable state, a reconfigured source, a file
    missing, linked or too large) gives ``None``: the full read decides."""
    outcomes: list[SourceOutcome] = []
    hashes: list[list[str]] = []
    for source in plan.config.sources:
        conn = connector_for(source.kind)
        quick = getattr(conn, "file_hashes", None)
        if quick is None:
            return None
        try:
            state = plan.store.get(source.name)
        except StateError:
            return None
        origin = conn.origin(source)
        if state.fingerprint is None or state.kind != source.kind or state.origin != origin:
            return None
        ctx = ReadContext(config_path=plan.config_path, entities=tuple(plan.config.entities_of(source)),
                          first_year=plan.first_year, last_year=plan.last_year, today=plan.today)
        got = quick(source, ctx)
        if got is None:
            return None
        fp = fingerprint(got)
        if fp != state.fingerprint:
            return None
        outcomes.append(SourceOutcome(
            name=source.name, kind=source.kind, entities=ctx.entities, changed=False, full=False,
            watermark=state.watermark, fingerprint=fp, rows={}, requests=0, failed=False,
            pages=len(got), origin=origin))
        hashes.append(list(got))
    return (outcomes, hashes) if outcomes else None


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


def merge_sources(plan: CollectPlan, results: list[SourceResult]) -> MergedRead:
    """The sources' reads as one batch, in the order of the sources file."""
    merged = MergedRead(store=plan.store)
    per_entity: dict[str, list[tuple[str, pd.DataFrame]]] = {e: [] for e in ENTITIES}
    for r in results:
        res = r.read
        merged.sources.append(r.outcome)
        merged.issues.extend(res.issues)
        merged.raw.extend(res.raw)
        for e, n in res.rows_read.items():
            merged.rows_read[e] = merged.rows_read.get(e, 0) + n
        for e in r.outcome.entities:
            if e in res.frames:
                per_entity[e].append((r.outcome.name, res.frames[e]))
        if r.new_state is not None:
            merged.pending.append((r.new_state, r.pages))
    for e, parts in per_entity.items():
        if parts:
            merged.frames[e] = _merge(parts)
    merged.changed = any(s.changed for s in merged.sources)
    return merged


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
    plan = plan_collect(config_path, var_dir=var_dir, state_dir=state_dir, first_year=first_year,
                        last_year=last_year, today=today)
    secrets = {s.name: resolve_secret(s, plan.config_path, block_loader, environ)
               for s in plan.config.sources}
    results = [read_source(plan, s.name, secrets[s.name], full=full, session=session, sleep=sleep,
                           clock=clock) for s in plan.config.sources]
    merged = merge_sources(plan, results)
    if commit:
        merged.commit()
    return merged
