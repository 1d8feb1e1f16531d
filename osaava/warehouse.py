"""The warehouse: canonical tables in SQLite (embedded default) or PostgreSQL (production).

Tables are generated from :data:`osaava.schema.ENTITIES`; no column name is spelled here.

- ``wh_<entity>``: the entity's loaded columns plus ``batch_id`` and ``source_row`` (the
  ``_row`` of the connector: the line of the row in its source file). Primary key
  ``(batch_id, source_row)``. Kinds map to types as ``str``/``code`` → String, ``int`` →
  Integer, ``num``/``eur`` → Double, ``date`` → Date.
- ``batch``: one row per stored batch: source, UTC time, status (``loaded`` | ``refused``), the
  files (``[{entity, name, sha256, rows}]``), row counts, issue counts and the fingerprint
  (:func:`osaava.landing.fingerprint`: sha256 over the sorted file hashes).
- ``batch_issue``: the issues of a batch (examples are never stored).
- ``delivery``: one row per report and recipient that was sent (at most once).

A batch is stored in one transaction: either all of it is there or none of it. Storing the same
bytes again with the same status changes nothing and returns the batch stored before
(``new=False``). The schema is created and upgraded by the Alembic migrations in
``osaava/migrations`` (:func:`migrate`); ``metadata`` here is what they must produce.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from osaava.issues import Issue, mask_hetu
from osaava.landing import fingerprint
from osaava.schema import ENTITIES, ROW, Column, Entity, pandas_dtype

# Rows per executemany call: large enough to amortise the round trips, small enough to keep
# the list of dicts built for one call at a few tens of megabytes.
CHUNK = 50_000

LOADED, REFUSED = "loaded", "refused"
BATCH_ID, SOURCE_ROW = "batch_id", "source_row"
MIGRATIONS = Path(__file__).with_name("migrations")

# Deterministic constraint names, the same on every database (later migrations refer to them).
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_UTC_NOW = sa.DateTime(timezone=True)

batch = sa.Table(
    "batch",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("created_at", _UTC_NOW, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("files", sa.JSON, nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("rows_loaded", sa.Integer, nullable=False),
    sa.Column("rows_quarantined", sa.Integer, nullable=False),
    sa.Column("issues_critical", sa.Integer, nullable=False),
    sa.Column("issues_warning", sa.Integer, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    # When these bytes were last collected: the current batch is the latest collected loaded one.
    sa.Column("collected_at", _UTC_NOW, nullable=True),
    sa.CheckConstraint("status IN ('loaded', 'refused')", name="status"),
    sa.CheckConstraint("rows_read = rows_loaded + rows_quarantined", name="reconciled"),
    # The idempotency rule, enforced by the database too (two runs racing on the same bytes).
    sa.UniqueConstraint("fingerprint", "status"),
)

batch_issue = sa.Table(
    "batch_issue",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(BATCH_ID, sa.Integer, sa.ForeignKey("batch.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("code", sa.String(50), nullable=False),
    sa.Column("file", sa.String, nullable=False),
    sa.Column("column", sa.String, nullable=True),
    sa.Column("rows", sa.JSON, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("advice", sa.Text, nullable=False),
)

delivery = sa.Table(
    "delivery",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("report_id", sa.String(200), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("message_id", sa.String(500), nullable=True),
    sa.Column("sent_at", _UTC_NOW, nullable=False),
    # Added by migration 0002: the recipient's language and group, how many times this report
    # went to them (a resend counts up) and the SMTP server's answer to the last one.
    sa.Column("language", sa.String(5), nullable=True),
    sa.Column("recipient_group", sa.String(50), nullable=True),
    sa.Column("sends", sa.Integer, nullable=False, server_default="1"),
    sa.Column("smtp_reply", sa.String(500), nullable=True),
    sa.UniqueConstraint("report_id", "recipient"),
)

_SQL_TYPE = {
    "str": sa.String,
    "code": sa.String,
    "int": sa.Integer,
    "num": sa.Double,
    "eur": sa.Double,
    "date": sa.Date,
}


def _entity_table(entity: Entity) -> sa.Table:
    names = [c.name for c in entity.loaded_columns]
    clash = {BATCH_ID, SOURCE_ROW} & set(names)
    assert not clash, f"{entity.name}: column name(s) {clash} are reserved by the warehouse"
    return sa.Table(
        f"wh_{entity.name}",
        metadata,
        sa.Column(BATCH_ID, sa.Integer, sa.ForeignKey("batch.id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column(SOURCE_ROW, sa.Integer, primary_key=True, autoincrement=False),
        *(sa.Column(c.name, _SQL_TYPE[c.kind](), nullable=not c.required)
          for c in entity.loaded_columns),
    )


#: entity name → its warehouse table
TABLES: dict[str, sa.Table] = {name: _entity_table(e) for name, e in ENTITIES.items()}


# ---------------------------------------------------------------------------------------------
# Engine and migrations


def engine_for(url: str | None = None) -> sa.Engine:
    """An engine for ``url``; by default the installation's warehouse
    (:attr:`osaava.settings.Settings.warehouse_url`: ``OSAAVA_DB_URL`` or the SQLite file
    ``<var>/osaava.db``, whose folder is created)."""
    if not url:
        from osaava.settings import current

        url = current().warehouse_url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        db = engine.url.database
        if db and db != ":memory:" and not db.startswith("file:") and Path(db).parent.is_dir():
            from osaava.privacy import private_file

            private_file(db)  # personal data: 0600 (SQLite gives its journal the same mode)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    return engine


def alembic_config(engine: sa.Engine | None = None):
    """The Alembic configuration, built in code (there is no alembic.ini)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                            .replace("%", "%%"))
    return cfg


def migrate(engine: sa.Engine) -> None:
    """Bring the database to the newest schema (Alembic ``upgrade head``)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Warehouse:
    """The warehouse of a run: the engine is made and migrated once per process and URL, and
    every step takes its engine from here (``Warehouse.open(url).engine``) instead of making,
    migrating and disposing its own."""

    _open: dict[tuple[int, str], "Warehouse"] = {}
    _lock = threading.Lock()

    def __init__(self, url: str):
        self.url = url
        self.engine = engine_for(url)
        migrate(self.engine)

    @classmethod
    def open(cls, url: str | None = None) -> "Warehouse":
        """The migrated warehouse at ``url`` (default: the installation's)."""
        if not url:
            from osaava.settings import current

            url = current().warehouse_url
        key = (os.getpid(), url)
        with cls._lock:
            wh = cls._open.get(key)
            if wh is None:
                wh = cls._open[key] = cls(url)
        return wh

    @classmethod
    def close_all(cls) -> None:
        with cls._lock:
            for wh in cls._open.values():
                wh.engine.dispose()
            cls._open.clear()


# ---------------------------------------------------------------------------------------------
# Storing a batch


@dataclass
class BatchInfo:
    id: int
    source: str
    status: str
    fingerprint: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    created_at: dt.datetime
    files: list[dict] = field(default_factory=list)
    new: bool = True
    issues_critical: int = 0
    issues_warning: int = 0


def _info(row, new: bool) -> BatchInfo:
    created = row.created_at
    if created.tzinfo is None:  # SQLite keeps no zone; we always write UTC
        created = created.replace(tzinfo=dt.UTC)
    return BatchInfo(
        id=row.id, source=row.source, status=row.status, fingerprint=row.fingerprint,
        rows_read=row.rows_read, rows_loaded=row.rows_loaded,
        rows_quarantined=row.rows_quarantined, created_at=created.astimezone(dt.UTC),
        files=list(row.files), new=new, issues_critical=row.issues_critical,
        issues_warning=row.issues_warning,
    )


def _files_json(raw_files, rows_read: dict[str, int]) -> list[dict]:
    """``[{entity, name, sha256, rows}]``; a workbook's rows are those of the sheets it gave."""
    from_csv = {rf.entity for rf in raw_files if rf.entity in ENTITIES}
    out = []
    for rf in raw_files:
        if rf.entity in ENTITIES:
            rows = rows_read.get(rf.entity, 0)
        else:
            rows = sum(n for e, n in rows_read.items() if e not in from_csv)
        out.append({"entity": rf.entity, "name": rf.name, "sha256": rf.sha256, "rows": int(rows)})
    return out


def _masked(v: object) -> str | None:
    """Text as stored: any henkilötunnus masked (issues should carry none; belt and braces)."""
    return None if v is None else mask_hetu(str(v))


def _issue_row(issue: Issue | dict) -> dict:
    """The stored form of an issue: everything but its examples."""
    d = issue.to_dict() if isinstance(issue, Issue) else dict(issue)
    text = _masked
    return {
        "severity": d["severity"],
        "code": d["code"],
        "file": text(d.get("file")) or "",
        "column": text(d.get("column")),
        "rows": [int(r) for r in d.get("rows") or []],
        "count": int(d.get("count", 1)),
        "message": text(d.get("message")) or "",
        "advice": text(d.get("advice")) or "",
    }


def _column_values(s: pd.Series, kind: str, iso_dates: bool = False) -> list:
    """Plain Python values of a column: None for NA/NaT, int/float/str/date, no numpy scalars.
    ``iso_dates``: dates as 'YYYY-MM-DD' text, as SQLAlchemy stores a Date in SQLite."""
    if kind == "date":
        days = s.to_numpy(dtype="datetime64[s]").astype("datetime64[D]")
        if iso_dates:
            text = np.datetime_as_string(days).astype(object)
            text[np.isnat(days)] = None
            return text.tolist()
        return days.tolist()
    return s.to_numpy(dtype=object, na_value=None).tolist()


@dataclass
class _Chunk:
    """Rows of one insert: column names and one tuple of plain values per row."""

    names: list[str]
    rows: list[tuple]

    def __len__(self) -> int:
        return len(self.rows)


def _insert_chunk(conn: sa.Connection, table: sa.Table, chunk: _Chunk) -> None:
    """One chunk, inside the batch's transaction: PostgreSQL's COPY through psycopg (3–4× faster
    than executemany on millions of payroll rows); SQLite's own executemany on plain tuples
    (issue 15: SQLAlchemy's per-row parameter processing was most of the load); an executemany
    elsewhere. A separate function so tests can make it fail half-way."""
    if not chunk.rows:
        return
    q = conn.dialect.identifier_preparer.quote
    names = chunk.names
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        sql = f"COPY {q(table.name)} ({', '.join(q(n) for n in names)}) FROM STDIN"
        with conn.connection.driver_connection.cursor() as cur, cur.copy(sql) as copy:
            for r in chunk.rows:
                copy.write_row(r)
        return
    if conn.dialect.name == "sqlite" and conn.dialect.driver == "pysqlite":
        sql = (f"INSERT INTO {q(table.name)} ({', '.join(q(n) for n in names)}) "
               f"VALUES ({', '.join('?' for _ in names)})")
        conn.connection.driver_connection.executemany(sql, chunk.rows)
        return
    conn.execute(table.insert(), [dict(zip(names, r)) for r in chunk.rows])


def _insert_frame(conn: sa.Connection, entity: Entity, df: pd.DataFrame, batch_id: int) -> int:
    table = TABLES[entity.name]
    cols = entity.loaded_columns
    missing = [c.name for c in cols if c.name not in df.columns] + ([ROW] if ROW not in df.columns else [])
    if missing:
        raise ValueError(f"{entity.name}: the frame lacks the column(s) {missing}")
    names = [BATCH_ID, SOURCE_ROW] + [c.name for c in cols]
    iso = conn.dialect.name == "sqlite"
    n = len(df)
    for start in range(0, n, CHUNK):
        part = df.iloc[start:start + CHUNK]
        values = [[batch_id] * len(part), part[ROW].to_numpy(dtype="int64").tolist()]
        values += [_column_values(part[c.name], c.kind, iso) for c in cols]
        _insert_chunk(conn, table, _Chunk(names, list(zip(*values))))
    return n


def _find(conn: sa.Connection, fp: str, status: str):
    return conn.execute(
        sa.select(batch).where(batch.c.fingerprint == fp, batch.c.status == status)
    ).first()


def store_batch(
    engine: sa.Engine,
    source: str,
    raw_files,
    frames: dict[str, pd.DataFrame] | None,
    rows_read: dict[str, int],
    issues: list,
    refused: bool,
) -> BatchInfo:
    """Store one batch (the batch row, its issues and, unless refused, its rows) atomically.

    ``raw_files`` are the connector's :class:`~connectors.files.RawFile` (only name, entity and
    sha256 are used), ``frames`` its canonical frames (with ``_row``), ``rows_read`` the data
    rows read per entity and ``issues`` a list of :class:`~osaava.issues.Issue` (or their
    ``to_dict()``). A refused batch keeps no rows: all rows read count as quarantined. For a
    loaded batch every row read is either loaded or quarantined.
    """
    status = REFUSED if refused else LOADED
    fp = fingerprint(rf.sha256 for rf in raw_files)
    frames = {} if refused or frames is None else frames
    unknown = set(frames) - set(ENTITIES)
    if unknown:
        raise ValueError(f"unknown entities {sorted(unknown)}")
    read = {e: int(n) for e, n in rows_read.items()}
    total_read = sum(read.values())
    for name, df in frames.items():
        if len(df) > read.get(name, 0):
            raise ValueError(f"{name}: {len(df)} rows to load but only {read.get(name, 0)} read")
    rows_loaded = sum(len(df) for df in frames.values())
    rows_quarantined = total_read - rows_loaded
    assert total_read == rows_loaded + rows_quarantined and rows_quarantined >= 0
    issue_rows = [_issue_row(i) for i in issues]
    counts = {sev: sum(1 for i in issue_rows if i["severity"] == sev) for sev in ("critical", "warning")}

    try:
        with engine.begin() as conn:
            old = _find(conn, fp, status)
            if old is not None:
                conn.execute(batch.update().where(batch.c.id == old.id)
                             .values(collected_at=dt.datetime.now(dt.UTC)))
                return _info(old, new=False)
            now = dt.datetime.now(dt.UTC)
            batch_id = conn.execute(
                batch.insert().returning(batch.c.id),
                {
                    "source": source,
                    "created_at": now,
                    "collected_at": now,
                    "status": status,
                    "files": _files_json(raw_files, read),
                    "rows_read": total_read,
                    "rows_loaded": rows_loaded,
                    "rows_quarantined": rows_quarantined,
                    "issues_critical": counts["critical"],
                    "issues_warning": counts["warning"],
                    "fingerprint": fp,
                },
            ).scalar_one()
            if issue_rows:
                conn.execute(batch_issue.insert(), [{**i, BATCH_ID: batch_id} for i in issue_rows])
            for name, df in frames.items():
                _insert_frame(conn, ENTITIES[name], df, batch_id)
            row = conn.execute(sa.select(batch).where(batch.c.id == batch_id)).one()
            return _info(row, new=True)
    except IntegrityError:
        # Another run stored the same bytes at the same moment: theirs stands.
        with engine.connect() as conn:
            old = _find(conn, fp, status)
        if old is None:
            raise
        return _info(old, new=False)


# ---------------------------------------------------------------------------------------------
# Reading back


def recollect(engine: sa.Engine, fp: str) -> BatchInfo | None:
    """The loaded batch of this fingerprint collected again, without its rows: its collect time
    moves to now (as :func:`store_batch` does for the same bytes) so that it is the current
    batch; ``None`` when no loaded batch has that fingerprint."""
    with engine.begin() as conn:
        old = _find(conn, fp, LOADED)
        if old is None:
            return None
        conn.execute(batch.update().where(batch.c.id == old.id)
                     .values(collected_at=dt.datetime.now(dt.UTC)))
        return _info(old, new=False)


def latest_batch(engine: sa.Engine, source: str | None = None,
                 status: str | None = LOADED) -> BatchInfo | None:
    """The most recently collected batch (of this source and status; ``None`` = any): a batch
    whose bytes were collected again counts from that collect."""
    q = sa.select(batch).order_by(sa.func.coalesce(batch.c.collected_at, batch.c.created_at).desc(),
                                  batch.c.id.desc()).limit(1)
    if source is not None:
        q = q.where(batch.c.source == source)
    if status is not None:
        q = q.where(batch.c.status == status)
    with engine.connect() as conn:
        row = conn.execute(q).first()
    return None if row is None else _info(row, new=False)


def get_batch(engine: sa.Engine, batch_id: int) -> BatchInfo | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(batch).where(batch.c.id == batch_id)).first()
    return None if row is None else _info(row, new=False)


def batch_issues(engine: sa.Engine, batch_id: int) -> list[Issue]:
    """The issues stored with a batch, in the order they were given (without examples)."""
    q = sa.select(batch_issue).where(batch_issue.c.batch_id == batch_id).order_by(batch_issue.c.id)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [Issue(r.severity, r.code, r.file, r.message, r.advice, column=r.column,
                  rows=list(r.rows), count=r.count) for r in rows]


def _restore(col: Column, s: pd.Series) -> pd.Series:
    if col.kind == "date":
        return pd.to_datetime(s.astype(object), errors="raise").astype("datetime64[s]")
    return s.astype(pandas_dtype(col.kind))


SLICE = "payroll_slice"  # the attrs key of a payroll frame that holds only a PayrollSlice


@dataclass(frozen=True)
class PayrollSlice:
    """The payroll lines a reader needs (issue 15): those paid in ``years`` (inclusive range
    first–last) with a wage type in ``wage_types`` — e.g. the regular-pay lines of a report year
    and the year before, about a tenth of a real payroll. The database selects them; the
    lines come back whole and in source order, so whatever is summed from them is summed
    from the same values in the same order as from the full frame (bit-for-bit the same)."""

    years: tuple[int, int]
    wage_types: tuple[str, ...]


def payroll_wage_types(engine: sa.Engine, batch_id: int) -> list[str]:
    """The distinct wage types (``Palkkalaji``) of a batch's payroll lines."""
    t = TABLES["payroll"]
    q = sa.select(t.c.wage_type).where(t.c[BATCH_ID] == batch_id, t.c.wage_type.is_not(None)).distinct()
    with engine.connect() as conn:
        return sorted(str(v) for v in conn.execute(q).scalars())


def payroll_years(engine: sa.Engine, batch_id: int) -> list[int]:
    """The years in which a batch's payroll lines were paid."""
    t = TABLES["payroll"]
    year = sa.extract("year", t.c.pay_date)
    q = sa.select(year).where(t.c[BATCH_ID] == batch_id, t.c.pay_date.is_not(None)).distinct()
    with engine.connect() as conn:
        return sorted(int(v) for v in conn.execute(q).scalars())


def load_frames(engine: sa.Engine, batch_id: int | None = None,
                payroll: PayrollSlice | None = None) -> dict[str, pd.DataFrame]:
    """The canonical frames of a loaded batch (default: the latest loaded one).

    Every entity gets a frame (empty when the batch had no rows of it) with the connector's
    columns and dtypes, plus ``_row``, ordered by source row. ``payroll``: only these payroll
    lines (:class:`PayrollSlice`), not every line. Raises ``LookupError`` when there is no such
    loaded batch.
    """
    info = latest_batch(engine) if batch_id is None else get_batch(engine, batch_id)
    if info is None:
        raise LookupError("no loaded batch in the warehouse" if batch_id is None
                          else f"no batch {batch_id} in the warehouse")
    if info.status != LOADED:
        raise LookupError(f"batch {info.id} was refused: it has no rows")
    out = {}
    # Stream the rows (a server-side cursor on PostgreSQL) and type each chunk as it comes, so
    # a large batch never sits in memory as millions of untyped Python rows at once.
    with engine.connect() as conn:
        conn = conn.execution_options(stream_results=True, max_row_buffer=CHUNK)
        for name, entity in ENTITIES.items():
            table = TABLES[name]
            cols = entity.loaded_columns
            q = sa.select(*(table.c[c.name] for c in cols), table.c[SOURCE_ROW].label(ROW)).where(
                table.c[BATCH_ID] == info.id)
            if name == "payroll" and payroll is not None:
                first, last = payroll.years
                q = q.where(table.c.pay_date >= dt.date(first, 1, 1), table.c.pay_date <= dt.date(last, 12, 31),
                            table.c.wage_type.in_(list(payroll.wage_types)))
            q = q.order_by(table.c[SOURCE_ROW])
            parts = [_typed(entity, raw) for raw in _read_chunks(conn, q, [*(c.name for c in cols), ROW])]
            if not parts:
                parts = [_typed(entity, pd.DataFrame(columns=[*(c.name for c in cols), ROW]))]
            out[name] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if payroll is not None:
        # What the slice holds, so that nobody mistakes it for the whole payroll: the figures
        # refuse a year outside it, osaava.yearly.covered_years takes the payroll's years from here.
        out["payroll"].attrs[SLICE] = {"years": tuple(payroll.years),
                                       "wage_types": tuple(payroll.wage_types),
                                       "paid_in": payroll_years(engine, info.id)}
    return out


def _read_chunks(conn: sa.Connection, q, names: list[str]):
    """The rows of ``q`` in frames of at most CHUNK rows. On SQLite straight from sqlite3's cursor
    (issue 15: SQLAlchemy's per-value result processing was most of the read-back; dates then
    come as the 'YYYY-MM-DD' text they are stored as, and :func:`_restore` parses them)."""
    if conn.dialect.name == "sqlite" and conn.dialect.driver == "pysqlite":
        sql = str(q.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        cur = conn.connection.driver_connection.cursor()
        try:
            cur.execute(sql)
            while rows := cur.fetchmany(CHUNK):
                yield pd.DataFrame.from_records(rows, columns=names, coerce_float=False)
        finally:
            cur.close()
        return
    yield from pd.read_sql(q, conn, coerce_float=False, chunksize=CHUNK)


def _typed(entity: Entity, raw: pd.DataFrame) -> pd.DataFrame:
    """A chunk read from the database with the connector's dtypes, and a fresh index."""
    df = pd.DataFrame({c.name: _restore(c, raw[c.name]) for c in entity.loaded_columns})
    df[ROW] = raw[ROW].astype("int64").to_numpy()
    return df.reset_index(drop=True)
