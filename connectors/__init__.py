"""Connectors: one module per kind of source, each turning it into canonical frames + raw bytes.

- :mod:`connectors.files` — an export folder (CSV or XLSX) of the generic Finnish HR export;
- :mod:`connectors.rest` — the goal-discussion REST API (docs/rest-api.md);
- :mod:`connectors.sql` — the payroll database through configured queries or views;
- :mod:`connectors.xapi` — e-learning completions from an xAPI learning record store;
- :mod:`connectors.merge` — :func:`~connectors.merge.collect_sources`: every configured source
  into one batch, incrementally.

Every connector returns the shape of :class:`~connectors.base.ReadResult` (frames with the
canonical dtypes and ``_row``, raw files with their sha256, rows read, issues), so the result
plugs into the same validate → land → load path. This module holds what the API and database
connectors share: vendor values → the text of the generic export → the file connector's own
typing (so a value means the same whichever way it came), the henkilötunnus scan and the CSV
serialisation of the generic export.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from connectors.base import MAX_ROWS_LISTED, RawFile, ReadResult, SourceRead, safe_url, sha256
from connectors.files import convert_column
from osaava.issues import Issue, hetu_spans, mask_hetu
from osaava.schema import ROW, Column, Entity

__all__ = ["RawFile", "ReadResult", "SourceRead", "canonical_frame", "empty_frame", "export_csv",
           "merge_issues", "page_has_hetu", "record_texts", "safe_url", "scan_pages", "sha256",
           "state_reset_issue", "text_value"]


# ---------------------------------------------------------------------------------------------
# Vendor values → the text of the generic export


def _num_text(x: float | decimal.Decimal) -> str:
    if isinstance(x, float):
        if math.isnan(x) or math.isinf(x):
            return ""
        if x.is_integer() and abs(x) < 1e15:
            return str(int(x))
        s = repr(x)
        if "e" in s or "E" in s:
            s = format(decimal.Decimal(s), "f")
    else:
        if not x.is_finite():
            return ""
        s = format(x, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".") if x == x.to_integral_value() else s
    return s.replace(".", ",")


def text_value(v: object, col: Column | None = None) -> str:
    """A vendor value as the generic export writes it: ``d.m.yyyy`` dates, decimal commas, an
    empty string for a missing value, ``true``/``false`` for booleans (map them with ``values``).
    A date column also takes an ISO date-time (``2024-03-10T09:00:00Z`` → its date part)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return f"{v.day}.{v.month}.{v.year}"
    if isinstance(v, dt.date):
        return f"{v.day}.{v.month}.{v.year}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (float, decimal.Decimal)):
        return _num_text(v)
    if type(v).__module__ == "numpy" and hasattr(v, "item"):
        return text_value(v.item(), col)
    s = str(v).strip()
    if col is not None and col.kind == "date" and len(s) > 10 and s[4:5] == "-" and s[10] in "T ":
        s = s[:10]
    return s


def record_texts(entity: Entity, values: Mapping[str, object],
                 value_maps: Mapping[str, Mapping[str, str]]) -> list[str]:
    """One record (canonical column → vendor value) as texts in the entity's column order, with
    the configured value mapping applied (case-insensitively; unmapped values pass unchanged)."""
    out = []
    for col in entity.columns:
        t = text_value(values.get(col.name), col)
        m = value_maps.get(col.name)
        if m and t:
            t = m.get(t.casefold(), t)
        out.append(t)
    return out


# ---------------------------------------------------------------------------------------------
# Texts → a canonical frame, with the file connector's own checks


def canonical_frame(entity: Entity, name: str, records: Sequence[Sequence[str]], rows: Sequence[int],
                    issues: list[Issue], mapped: Iterable[str] | None = None,
                    vendor_of: Mapping[str, str] | None = None) -> pd.DataFrame | None:
    """Typed canonical frame of ``records`` (texts in ``entity.columns`` order), or ``None``.

    ``rows`` are the record numbers that messages name; ``mapped`` the canonical columns the
    source provides (a required column it does not provide is one clear issue instead of one per
    row); ``vendor_of`` (canonical → vendor field) makes messages name the vendor's field too.
    Text columns are scanned for henkilötunnus and never loaded, as with files.
    """
    headers = [c.header for c in entity.columns]
    mapped_set = set(mapped) if mapped is not None else {c.name for c in entity.columns}
    missing = [c for c in entity.columns if c.required and c.name not in mapped_set]
    if missing:
        issues.append(Issue(
            "critical", "missing_column", name,
            "no source field is mapped to the required column" + ("s " if len(missing) > 1 else " ")
            + "; ".join(c.header for c in missing),
            "Map a vendor field to it under fields in the sources file.",
            column="; ".join(c.header for c in missing), params={"text": "missing_column_mapping"}))
        return None
    lines = list(rows)
    hetu = scan_records(headers, records, lines, name)
    if hetu is not None:
        issues.append(hetu)
    grid = pd.DataFrame(list(records), columns=headers, dtype="str") if records else pd.DataFrame(
        {h: pd.Series([], dtype="str") for h in headers})
    row_s = pd.Series(lines, dtype="int64")
    before = len(issues)
    out = {}
    for i, col in enumerate(entity.columns):
        if not col.loaded:
            continue
        out[col.name] = convert_column(col, grid.iloc[:, i].reset_index(drop=True), row_s, name, issues)
    if vendor_of:
        by_header = {c.header: vendor_of[c.name] for c in entity.columns if c.name in vendor_of}
        for iss in issues[before:]:
            if iss.column in by_header:
                iss.column = f"{iss.column} (field {by_header[iss.column]})"
    df = pd.DataFrame(out)
    if not len(df.columns):
        df = pd.DataFrame({c.name: pd.Series([], dtype="str") for c in entity.loaded_columns})
    df[ROW] = row_s.to_numpy(dtype="int64")
    df.attrs["file"] = name
    return df


def scan_records(headers: Sequence[str], records: Sequence[Sequence[str]], rows: Sequence[int],
                 name: str) -> Issue | None:
    """A critical issue naming the rows and columns of every value shaped like a henkilötunnus
    (the value is never shown), as the file connector does for a file; ``None`` when clean."""
    hits: list[tuple[int, str]] = []
    for rec, line in zip(records, rows):
        if not hetu_spans("\x1f".join(rec)):
            continue
        for j, cell in enumerate(rec):
            if hetu_spans(cell):
                hits.append((int(line), mask_hetu(headers[j]) if j < len(headers) else f"column {j + 1}"))
    if not hits:
        return None
    cols = sorted({c for _, c in hits}, key=[c for _, c in hits].index)
    return Issue(
        "critical", "henkilotunnus", name,
        "a value shaped like a henkilötunnus (personal identity code) was found; the value is "
        "not shown and nothing of this batch is stored",
        "Remove personal identity codes from the source system (use the employee number), then "
        "collect again.",
        column=", ".join(cols), rows=[r for r, _ in hits][:MAX_ROWS_LISTED], count=len(hits),
        params={"text": "henkilotunnus_source"})


def empty_frame(entity: Entity, name: str) -> pd.DataFrame:
    """A frame of no rows with the canonical dtypes."""
    df = canonical_frame(entity, name, [], [], [])
    assert df is not None
    return df


def merge_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Issues of several chunks of one table as one list: the same problem in the same column
    becomes one issue with the rows added up."""
    out: list[Issue] = []
    index: dict[tuple, Issue] = {}
    for i in issues:
        key = (i.severity, i.code, i.file, i.column, i.message)
        if key not in index:
            merged = Issue(i.severity, i.code, i.file, i.message, i.advice, column=i.column,
                           rows=list(i.rows), count=i.count, examples=list(i.examples),
                           params=dict(i.params))
            index[key] = merged
            out.append(merged)
            continue
        m = index[key]
        m.rows = (m.rows + list(i.rows))[:MAX_ROWS_LISTED]
        m.count += i.count
        m.examples = (m.examples + [e for e in i.examples if e not in m.examples])[:3]
    return out


# ---------------------------------------------------------------------------------------------
# The generic export's CSV


class CsvWriter:
    """Writes the generic export's CSV of one entity (``;``, decimal comma, ``d.m.yyyy``,
    UTF-8, LF): the canonical serialisation of what a database source read. Line 1 is the
    header, so a record written as line N is row N in every message."""

    def __init__(self, entity: Entity):
        self.entity = entity
        self._buf = io.StringIO()
        self._w = csv.writer(self._buf, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self._w.writerow(entity.headers)
        self.lines = 1
        self._parts: list[bytes] = []

    def write(self, records: Iterable[Sequence[str]]) -> list[int]:
        rows = []
        for r in records:
            self._w.writerow(r)
            self.lines += 1
            rows.append(self.lines)
        self._parts.append(self._buf.getvalue().encode("utf-8"))
        self._buf.seek(0)
        self._buf.truncate()
        return rows

    def getvalue(self) -> bytes:
        self._parts.append(self._buf.getvalue().encode("utf-8"))
        self._buf.seek(0)
        self._buf.truncate()
        data = b"".join(self._parts)
        self._parts = [data]
        return data


def export_csv(entity: Entity, records: Iterable[Sequence[str]]) -> bytes:
    w = CsvWriter(entity)
    w.write(records)
    return w.getvalue()


# ---------------------------------------------------------------------------------------------
# Raw pages of an API


def json_strings(doc: object) -> Iterable[str]:
    """Every string of a parsed JSON document: the values and the keys of its objects, at any
    depth (iteratively: a deeply nested answer cannot exhaust the stack)."""
    stack = [doc]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            for k, v in x.items():
                if isinstance(k, str):
                    yield k
                stack.append(v)
        elif isinstance(x, list):
            stack.extend(x)


def page_has_hetu(data: bytes) -> bool:
    """Whether a page holds a value shaped like a henkilötunnus. A JSON page is scanned in its
    PARSED strings, where escapes are undone (``\\u002d`` is a hyphen, ``\\u0041`` an A), not in
    its raw bytes; a page that is not JSON is scanned as text."""
    text = data.decode("utf-8", errors="replace")
    try:
        doc = json.loads(text)
    except ValueError:
        return bool(hetu_spans(text))
    return any(hetu_spans(s) for s in json_strings(doc))


def scan_pages(pages: Sequence[bytes], name: str) -> Issue | None:
    """A critical issue when a page holds a value shaped like a henkilötunnus anywhere (any
    string value or key of the parsed JSON, in a field that is mapped or not; DOMAIN §4). The
    value is never shown. Such a page is not kept in the source's page log, so once the source
    is corrected the next collect is clean."""
    hits = [n for n, data in enumerate(pages, start=1) if page_has_hetu(data)]
    if not hits:
        return None
    return Issue(
        "critical", "henkilotunnus", name,
        "a value shaped like a henkilötunnus (personal identity code) was found in the answer "
        f"(page{'s' if len(hits) > 1 else ''} {', '.join(map(str, hits[:MAX_ROWS_LISTED]))} of "
        "this fetch); the value is not shown and nothing of this batch is stored",
        "Remove personal identity codes from the source system (use the employee number), then "
        "collect again.", count=len(hits),
        params={"text": "henkilotunnus_pages", "pages": ", ".join(map(str, hits[:MAX_ROWS_LISTED]))})


def state_reset_issue(source: str) -> Issue:
    return Issue("warning", "state_reset", source,
                 "the stored pages of this source could not be read back; fetched in full",
                 "Nothing to do: the state is rebuilt by this collect.")
