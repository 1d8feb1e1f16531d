"""The payroll database connector: employment periods, payroll lines and absences over SQLAlchemy.

Each entity is read through a configured query or view (``queries`` in the sources file):

- ``query``: any SELECT; it may use the bound parameters ``:start`` and ``:end`` (the first and
  last day of the year range collected, as dates). Give it an ``ORDER BY`` so that unchanged
  data reads back in the same order: the CSV below, its hash and so the batch stay the same.
- ``view``: ``[schema.]view`` read whole, or with ``period_columns: [start, end]`` only the rows
  whose period overlaps ``:start``–``:end`` (``[date]`` alone: the date inside the range). The
  mapped columns are selected and ordered by, in mapping order.

Rows are streamed (``stream_results`` + ``yield_per``: a server-side cursor on PostgreSQL) and
converted ``chunk_rows`` at a time, so memory holds the typed frames and the CSV bytes, never
all rows as Python objects. Vendor columns are matched case-insensitively (PostgreSQL folds
unquoted names to lower case) and mapped to canonical columns by ``fields``; vendor codes by
``values``. Values are checked exactly as the file connector checks an export's cells.

Raw bytes: per entity, the rows as the generic export's CSV (``henkilosto.csv`` etc.: Finnish
headers, ``;``, decimal comma, ``d.m.yyyy``), in the order read — the canonical serialisation of
what was read, hashed like any file. Row numbers in messages are lines of that CSV.

A database that cannot be reached, or a query that fails, is one critical issue naming the
source, the entity and the database's own one-line reason — never a password, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from connectors import CsvWriter, SourceRead, canonical_frame, merge_issues, record_texts, sha256
from connectors.base import RawFile, safe_url
from osaava.issues import Issue, mask_hetu
from osaava.schema import ENTITIES, Entity
from osaava.sources import SqlQuery, SqlSource


def engine_for(source: SqlSource, secret: str | None) -> sa.Engine:
    """An engine for the source's URL with the password from its credentials (never logged)."""
    url = sa.engine.make_url(source.location)
    if secret:
        url = url.set(password=secret)
    args: dict = {}
    if url.get_backend_name() == "postgresql":
        args["connect_timeout"] = source.connect_timeout
    elif url.get_backend_name() == "sqlite":
        args["timeout"] = source.connect_timeout
    return sa.create_engine(url, connect_args=args, pool_pre_ping=True)


def where(source: SqlSource) -> str:
    """The source without credentials, for messages."""
    return f"{source.name} ({safe_url(source.location)})"


def statement(q: SqlQuery, vendor_columns: list[str]) -> tuple[sa.TextClause | sa.Select, set[str]]:
    """The statement of one entity and the bound parameters it uses."""
    if q.query is not None:
        stmt = sa.text(q.query)
        used = set(stmt.compile().params)
        return stmt, used & {"start", "end"}
    # Identifiers are checked by the config model; they are written unquoted so the database
    # folds their case as it does for its own names (PostgreSQL: lower case).
    cols = [sa.literal_column(c) for c in vendor_columns]
    sel = sa.select(*cols).select_from(sa.text(q.view))
    used: set[str] = set()
    if q.period_columns:
        start = sa.literal_column(q.period_columns[0])
        if len(q.period_columns) == 2:
            end = sa.literal_column(q.period_columns[1])
            sel = sel.where(start <= sa.bindparam("end"), sa.or_(end.is_(None), end >= sa.bindparam("start")))
        else:
            sel = sel.where(start >= sa.bindparam("start"), start <= sa.bindparam("end"))
        used = {"start", "end"}
    sel = sel.order_by(*cols)
    return sel, used


def _db_reason(e: Exception, secret: str | None = None) -> str:
    """The database's own one-line reason, without a henkilötunnus, the password or a URL's
    credentials (a driver may quote its connection string)."""
    orig = getattr(e, "orig", None) or e
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    text = re.sub(r"[A-Za-z][A-Za-z0-9+.-]*://\S+", lambda m: safe_url(m.group(0)), text)
    if secret and len(secret) >= 4:
        text = text.replace(secret, "***")
    return mask_hetu(text)[:300]


def read_entity(conn: sa.Connection, source: SqlSource, entity: Entity, params: Mapping[str, dt.date],
                res: SourceRead) -> None:
    """Stream one entity into ``res`` (frame, raw CSV, rows read, issues)."""
    q = source.queries[entity.name]
    mapping = source.fields_for(entity.name)  # vendor → canonical
    values = source.values_for(entity.name)
    name = f"{source.name}:{entity.file}"
    if q.view is not None:  # the view's columns first, so a missing one is a clear message
        probe = conn.execute(sa.select(sa.text("*")).select_from(sa.text(q.view)).limit(0))
        given = list(probe.keys())
        probe.close()
        res.requests += 1
        absent = [v for v in [*mapping, *q.period_columns]
                  if v.casefold() not in {k.casefold() for k in given}]
        if absent:
            res.issues.append(Issue(
                "critical", "missing_column", name, "the view gives no column " + "; ".join(absent),
                "Fix the view, or the field mapping, in the sources file. Columns given: "
                + "; ".join(given) + ".", column="; ".join(absent),
                params={"text": "missing_column_sql", "given": "; ".join(given)}))
            return
    stmt, used = statement(q, list(mapping))
    bound = {k: v for k, v in params.items() if k in used}
    result = conn.execution_options(stream_results=True, yield_per=source.chunk_rows).execute(stmt, bound)
    res.requests += 1
    keys = list(result.keys())
    folded = {k.casefold(): i for i, k in enumerate(keys)}
    absent = [v for v in mapping if v.casefold() not in folded]
    if absent:
        result.close()
        res.issues.append(Issue(
            "critical", "missing_column", name,
            f"the {'query' if q.query else 'view'} gives no column " + "; ".join(absent),
            "Fix the query or view, or the field mapping, in the sources file. Columns given: "
            + "; ".join(keys) + ".", column="; ".join(absent),
            params={"text": "missing_column_sql", "given": "; ".join(keys)}))
        return
    pos = {canon: folded[vendor.casefold()] for vendor, canon in mapping.items()}
    writer = CsvWriter(entity)
    parts: list[pd.DataFrame] = []
    chunk_issues: list[Issue] = []
    n = 0
    failed = False
    for rows in result.partitions(source.chunk_rows):
        records = [record_texts(entity, {c: r[i] for c, i in pos.items()}, values) for r in rows]
        lines = writer.write(records)
        n += len(records)
        df = canonical_frame(entity, name, records, lines, chunk_issues, mapped=set(pos),
                             vendor_of={c: v for v, c in mapping.items()})
        if df is None:  # a required column is not mapped: one issue, no rows
            failed = True
            break
        parts.append(df)
    result.close()
    res.issues.extend(merge_issues(chunk_issues))
    res.rows_read[entity.name] = n
    if failed:
        return
    if not parts:  # no rows: still check the mapping once
        df = canonical_frame(entity, name, [], [], res.issues, mapped=set(pos))
        if df is None:
            return
        parts = [df]
    data = writer.getvalue()
    res.raw.append(RawFile(entity.name, f"{source.name}-{entity.file}.csv", data, sha256(data)))
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    df.attrs["file"] = name
    res.frames[entity.name] = df


def year_range(source: SqlSource, first_year: int | None, last_year: int | None,
               today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    last = last_year if last_year is not None else (today or dt.date.today()).year
    first = first_year if first_year is not None else last - source.years_back
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


def read_sql(source: SqlSource, secret: str | None, *, start: dt.date, end: dt.date,
             engine: sa.Engine | None = None) -> SourceRead:
    """Read every entity of the source for ``start``–``end``. Never raises for a source's
    failure: look at ``issues`` (a failure refuses the source whole)."""
    res = SourceRead(source=source.name)
    own = engine is None
    eng = engine if engine is not None else engine_for(source, secret)
    params = {"start": start, "end": end}
    try:
        try:
            conn = eng.connect()
        except (DBAPIError, SQLAlchemyError) as e:
            res.transient = True
            res.issues.append(Issue(
                "critical", "source_failed", where(source),
                "the database does not answer: " + _db_reason(e, secret),
                "Nothing of this source was used. Check that the database is up and the "
                "credentials are valid, then collect again.",
                params={"text": "source_failed_db", "detail": _db_reason(e, secret)}))
            return res
        with conn:
            for ent in source.entities:
                try:
                    read_entity(conn, source, ENTITIES[ent], params, res)
                except (DBAPIError, SQLAlchemyError) as e:
                    res.issues.append(Issue(
                        "critical", "source_failed", f"{source.name}:{ENTITIES[ent].file}",
                        "the query failed: " + _db_reason(e, secret),
                        "Nothing of this source was used. Check the query or view in the sources "
                        "file, then collect again.",
                        params={"text": "source_failed_query", "detail": _db_reason(e, secret)}))
                    res.frames = {}
                    break
    finally:
        if own:
            eng.dispose()
    return res


class SqlConnector:
    """:class:`connectors.base.Connector` of the payroll database (read whole for the years)."""

    kind = "sql"
    incremental = False

    def origin(self, source: SqlSource) -> str:
        return safe_url(source.location)

    def read(self, source: SqlSource, secret: str | None, state, previous_pages, ctx) -> SourceRead:
        start, end = year_range(source, ctx.first_year, ctx.last_year, ctx.today)
        return read_sql(source, secret, start=start, end=end)
