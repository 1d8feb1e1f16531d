"""The file connector: a folder of the generic Finnish HR export → canonical DataFrames.

Reads CSV (``;``, decimal comma, ``d.m.yyyy``; UTF-8 with or without BOM, or Windows-1252,
detected) or one XLSX with a sheet per file. Returns the canonical frames, the raw bytes of
every file with their sha256, and the issues found while reading. A problem the user caused is
an :class:`~osaava.issues.Issue` naming file, row and column — never a traceback.

Free-text columns are scanned for henkilötunnus and then dropped: they are never loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from connectors.base import MAX_ROWS_LISTED, RawFile, ReadResult, SourceRead, sha256
from osaava.issues import Issue, hetu_spans, mask_hetu
from osaava.schema import ENTITIES, ROW, Column, Entity

class _Refuse(Exception):
    def __init__(self, issue: Issue):
        self.issue = issue


# ---------------------------------------------------------------------------------------------
# Finding the files


def _find_sources(folder: Path) -> tuple[dict[str, Path], Path | None]:
    """CSV files by lower-case stem, and the XLSX workbook if there is one."""
    csvs: dict[str, Path] = {}
    xlsx = None
    for p in sorted(folder.iterdir()):
        if not p.is_file():
            continue
        if p.suffix.lower() == ".csv":
            csvs[p.stem.lower()] = p
        elif p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"):
            xlsx = xlsx or p
    return csvs, xlsx


# ---------------------------------------------------------------------------------------------
# Decoding

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or Windows-1252; anything else refuses the file."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encodings = ("utf-8",)
    else:
        encodings = ("utf-8", "cp1252")
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            break
        return text
    raise _Refuse(
        Issue(
            "critical",
            "encoding",
            name,
            "the file is neither UTF-8 nor Windows-1252 text",
            "Export the file again as CSV in UTF-8 or Windows-1252 (Excel: 'CSV (semicolon "
            "delimited)').",
        )
    )


# ---------------------------------------------------------------------------------------------
# Turning text cells into typed columns (vectorised)

_NUM_RE = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_HMM_RE = r"[-+]?\d+:[0-5]\d(?::[0-5]\d)?"
_INT_RE = r"[-+]?\d+"
_DMY_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SPACES = {" ": "", "\u00a0": "", "\u202f": "", "\u2009": ""}


def _bad(col: Column, rows: pd.Series, values: pd.Series, file: str, code: str, message: str,
         advice: str) -> Issue:
    return Issue(
        "critical",
        code,
        file,
        message,
        advice,
        column=col.header,
        rows=[int(r) for r in rows.iloc[:MAX_ROWS_LISTED]],
        count=int(len(rows)),
        examples=[str(v) for v in pd.unique(values.astype(str))[:3]],
    )


def _clean_number_text(s: pd.Series) -> pd.Series:
    out = s
    for a, b in _SPACES.items():
        out = out.str.replace(a, b, regex=False)
    return out.str.replace("\u2212", "-", regex=False)


def convert_column(col: Column, s: pd.Series, rows: pd.Series, file: str, issues: list[Issue]) -> pd.Series:
    s = s.fillna("").astype(str).str.strip()
    empty = s == ""
    if col.required and empty.any():
        issues.append(_bad(col, rows[empty], s[empty], file, "required",
                           "a value is required but the cell is empty",
                           "Fill in the value in the source system and export again."))
    if col.kind in ("str", "text"):
        return s.where(~empty, None).astype("str") if col.kind == "str" else s
    if col.kind == "code":
        if col.codes:
            canon = {c.casefold(): c for c in col.codes}
            mapped = s.str.casefold().map(canon)
            unknown = ~empty & mapped.isna()
            if unknown.any():
                issues.append(_bad(col, rows[unknown], s[unknown], file, "unknown_code",
                                   "unknown value",
                                   "Allowed values: " + ", ".join(col.codes) + "."))
            return mapped.where(~empty, None).astype("str")
        return s.str.upper().where(~empty, None).astype("str")
    if col.kind == "int":
        t = _clean_number_text(s)
        t = t.str.replace(r"^([-+]?\d+),0*$", r"\1", regex=True)  # '3,0' from a spreadsheet
        ok = empty | t.str.fullmatch(_INT_RE)
        if (~ok).any():
            issues.append(_bad(col, rows[~ok], s[~ok], file, "not_integer",
                               "not a whole number", "Write a whole number, e.g. 3."))
        out = pd.to_numeric(t.where(ok & ~empty, None), errors="coerce").astype("Int64")
        return out
    if col.kind in ("num", "eur"):
        t = _clean_number_text(s)
        hmm = ~empty & t.str.fullmatch(_HMM_RE)
        if hmm.any():
            issues.append(_bad(col, rows[hmm], s[hmm], file, "hours_hmm",
                               "hours are written as h:mm",
                               "Write hours as a decimal number with a decimal comma, e.g. 1,5 "
                               "for 1 h 30 min."))
        t = t.str.replace(",", ".", regex=False)
        ok = empty | t.str.fullmatch(_NUM_RE)
        bad = ~ok & ~hmm
        if bad.any():
            issues.append(_bad(col, rows[bad], s[bad], file, "not_number",
                               "not a number",
                               "Write a number with a decimal comma, e.g. 1234,50 (no currency "
                               "sign or unit)."))
        out = pd.to_numeric(t.where(ok & ~empty, None), errors="coerce").astype("float64")
        if col.kind == "eur":
            out = out.fillna(0.0)
            return out.astype("float64")
        return out.astype("Float64")
    if col.kind == "date":
        parsed = _parse_dates(s, empty)
        bad = ~empty & parsed.isna()
        if bad.any():
            issues.append(_bad(col, rows[bad], s[bad], file, "not_date",
                               "not a valid date",
                               "Write dates as d.m.yyyy, e.g. 31.12.2025."))
        return parsed.astype("datetime64[s]")
    raise AssertionError(col.kind)  # pragma: no cover


def _parse_dates(s: pd.Series, empty: pd.Series) -> pd.Series:
    """d.m.yyyy (leading zeros optional), or ISO yyyy-mm-dd; anything else is NaT."""
    dmy = s.where(s.str.fullmatch(_DMY_RE.pattern), None)
    parsed = pd.to_datetime(dmy, format="%d.%m.%Y", errors="coerce")
    rest = ~empty & parsed.isna() & s.str.fullmatch(_ISO_RE.pattern)
    if rest.any():
        parsed = parsed.where(~rest, pd.to_datetime(s.where(rest, None), format="%Y-%m-%d",
                                                    errors="coerce"))
    return parsed


# ---------------------------------------------------------------------------------------------
# Reading one table


def _norm_header(h: object) -> str:
    return re.sub(r"\s+", " ", str(h if h is not None else "").replace("\ufeff", "").replace("\u00a0", " ")).strip().casefold()


@dataclass
class Grid:
    """A table as text: the header cells, one column of strings per header position, the source
    line of each row (header = line 1) and the rows whose field count differs from the header's."""

    header: list[str]
    cells: pd.DataFrame
    lines: np.ndarray
    wrong: list[tuple[int, int]]


def _refuse_separator(header: list[str], name: str) -> None:
    if len(header) == 1 and any(sep in header[0] for sep in (",", "\t", "|")):
        sep = next(sep for sep in (",", "\t", "|") if sep in header[0])
        raise _Refuse(Issue("critical", "separator", name,
                            f"the columns are separated by {sep!r}, not by ';'",
                            "Export the file again as CSV with ';' as the separator.", rows=[1]))


def _grid(header: list[str], records: list[list[str]], lines: list[int]) -> Grid:
    width = len(header)
    wrong = [(ln, len(r)) for r, ln in zip(records, lines)
             if len(r) != width and not (len(r) > width and not any(c.strip() for c in r[width:]))]
    cells = [(r + [""] * width)[:width] for r in records]
    frame = pd.DataFrame(cells, columns=range(width), dtype="str") if cells else pd.DataFrame(
        {j: pd.Series([], dtype="str") for j in range(width)})
    return Grid(header, frame, np.asarray(lines, dtype=np.int64), wrong)


def _grid_from_csv(text: str, name: str) -> Grid:
    if not text.strip():
        raise _Refuse(Issue("critical", "empty_file", name, "the file is empty",
                            "Export the file again; it must at least have its header row."))
    if '"' not in text:
        return _grid_unquoted(text, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    try:
        header = next(reader)
        records, lines = [], []
        for rec in reader:
            if not any(c.strip() for c in rec):
                continue
            records.append(rec)
            lines.append(reader.line_num)
    except csv.Error as e:
        raise _Refuse(Issue("critical", "csv", name, f"the CSV cannot be read ({e})",
                            "Check the quoting of the file and export it again.",
                            rows=[reader.line_num])) from None
    _refuse_separator(header, name)
    return _grid(header, records, lines)


def _grid_unquoted(text: str, name: str) -> Grid:
    """The fast path for a file without quotes: every line is a row; the C parser splits them."""
    physical = text.split("\n")
    header = physical[0].rstrip("\r").split(";")
    _refuse_separator(header, name)
    width = len(header)
    kept, lines, wrong = [], [], []
    for i, line in enumerate(physical[1:], start=2):
        line = line.rstrip("\r")
        if not line.replace(";", "").strip():
            continue
        n = line.count(";") + 1
        if n != width:
            if n > width and not line.split(";", width)[width].replace(";", "").strip():
                line = ";".join(line.split(";")[:width])
            else:
                wrong.append((i, n))
                continue
        kept.append(line)
        lines.append(i)
    if kept:
        cells = pd.read_csv(io.StringIO("\n".join(kept)), sep=";", header=None, names=range(width),
                            dtype="str", na_filter=False, quoting=csv.QUOTE_NONE, engine="c",
                            skip_blank_lines=False)
    else:
        cells = pd.DataFrame({j: pd.Series([], dtype="str") for j in range(width)})
    return Grid(header, cells, np.asarray(lines, dtype=np.int64), wrong)


def _grid_from_sheet(ws, name: str) -> Grid:
    rows = ws.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise _Refuse(Issue("critical", "empty_file", name, "the sheet is empty",
                            "The sheet must at least have its header row.")) from None
    header = ["" if h is None else str(h) for h in header]
    while header and header[-1] == "":
        header.pop()
    records, lines = [], []
    width = len(header)
    for i, r in enumerate(rows, start=2):
        cells = [_cell_text(v) for v in r]
        if not any(c.strip() for c in cells):
            continue
        # a sheet stores no trailing empty cells: a short row is a row whose last cells are empty
        records.append(cells + [""] * (width - len(cells)) if len(cells) < width else cells)
        lines.append(i)
    return _grid(header, records, lines)


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        if v.time() != dt.time(0, 0):
            return v.isoformat(sep=" ")
        v = v.date()
    if isinstance(v, dt.date):
        return f"{v.day}.{v.month}.{v.year}"
    if isinstance(v, dt.time):
        return f"{v.hour}:{v.minute:02d}"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v).replace(".", ",")
    if isinstance(v, int):
        return str(v)
    return str(v)


_HETU_QUICK = r"[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}"


def _scan_hetu(grid: Grid, name: str, text: str | None = None) -> Issue | None:
    """A henkilötunnus anywhere in the file: one regex pass over the whole text, and only when it
    finds one, a look at the cells to say where."""
    if text is not None and not hetu_spans(text):
        return None
    hits: list[tuple[int, str]] = []
    for j, h in enumerate(grid.header):
        if hetu_spans(h):
            hits.append((1, f"header {j + 1}"))
    for j in grid.cells.columns:
        col = grid.cells[j]
        quick = col.str.contains(_HETU_QUICK, regex=True).fillna(False).to_numpy(dtype=bool)
        for k in np.flatnonzero(quick):
            if hetu_spans(col.iloc[k]):
                label = mask_hetu(grid.header[j]) if j < len(grid.header) else f"column {j + 1}"
                hits.append((int(grid.lines[k]), label))
    if not hits:
        return None
    hits.sort()
    cols = sorted({c for _, c in hits}, key=[c for _, c in hits].index)
    return Issue(
        "critical",
        "henkilotunnus",
        name,
        "a value shaped like a henkilötunnus (personal identity code) was found; the value is "
        "not shown and nothing of this batch is stored",
        "Remove personal identity codes from the export (use the employee number) and export "
        "again.",
        column=", ".join(cols),
        rows=[r for r, _ in hits][:MAX_ROWS_LISTED],
        count=len(hits),
    )


def _table(entity: Entity, name: str, grid: Grid, issues: list[Issue],
           text: str | None = None) -> pd.DataFrame | None:
    hetu = _scan_hetu(grid, name, text)
    if hetu is not None:
        issues.append(hetu)
    header = [mask_hetu(h) for h in grid.header]
    norm = [_norm_header(h) for h in header]
    want = {_norm_header(c.header): c for c in entity.columns}
    missing = [c.header for c in entity.columns if _norm_header(c.header) not in norm]
    if missing:
        issues.append(Issue("critical", "missing_column", name,
                            "missing column" + ("s " if len(missing) > 1 else " ") + "; ".join(missing),
                            "The header row must have these columns: " + "; ".join(entity.headers) + ".",
                            column="; ".join(missing), rows=[1]))
    dup = sorted({h for h in norm if h and norm.count(h) > 1})
    if dup:
        issues.append(Issue("critical", "duplicate_column", name, "a column appears twice",
                            "Keep each column once in the header row.", column="; ".join(dup),
                            rows=[1]))
    extra = [h for h, n in zip(header, norm) if n and n not in want]
    if extra:
        issues.append(Issue("warning", "extra_column", name,
                            "column" + ("s " if len(extra) > 1 else " ") + "; ".join(extra)
                            + " not part of the export format; ignored",
                            "Remove the column from the export if it is not needed.",
                            column="; ".join(extra), rows=[1]))
    wrong = grid.wrong
    if wrong:
        issues.append(Issue("critical", "field_count", name,
                            f"the row does not have {len(header)} fields like the header "
                            f"(it has {wrong[0][1]})",
                            "Check the separators and quotes on the row; a ';' inside a text "
                            "must be quoted.", rows=[w[0] for w in wrong[:MAX_ROWS_LISTED]],
                            count=len(wrong)))
    if missing or dup or wrong:
        return None
    position = {n: j for j, n in enumerate(norm)}
    rows = pd.Series(grid.lines, dtype="int64")
    out = {}
    for col in entity.loaded_columns:
        raw = grid.cells[position[_norm_header(col.header)]].reset_index(drop=True)
        out[col.name] = convert_column(col, raw, rows, name, issues)
    df = pd.DataFrame(out)
    df[ROW] = grid.lines
    return df


def read_folder(folder: Path) -> ReadResult:
    """Read an export folder. Never raises for a user's error: look at ``result.issues``."""
    folder = Path(folder)
    res = ReadResult()
    if not folder.is_dir():
        res.issues.append(Issue("critical", "missing_folder", str(folder),
                                "the export folder does not exist",
                                "Give the folder that holds the export files."))
        return res
    csvs, xlsx = _find_sources(folder)
    use_xlsx = xlsx is not None and not all(e.file in csvs for e in ENTITIES.values())
    workbook = None
    if use_xlsx:
        data = xlsx.read_bytes()
        res.raw.append(RawFile("workbook", xlsx.name, data, sha256(data)))
        try:
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:  # a broken or foreign file is the user's error
            res.issues.append(Issue("critical", "xlsx", xlsx.name,
                                    f"the workbook cannot be opened ({type(e).__name__})",
                                    "Save the workbook again as .xlsx, or export CSV files."))
            return res
    sheets = {ws.lower(): ws for ws in (workbook.sheetnames if workbook else [])}
    for entity in ENTITIES.values():
        try:
            if entity.file in csvs:
                path = csvs[entity.file]
                name = path.name
                data = path.read_bytes()
                res.raw.append(RawFile(entity.name, name, data, sha256(data)))
                text = decode(data, name)
                grid = _grid_from_csv(text, name)
            elif workbook is not None and (entity.file in sheets or f"{entity.file}.csv" in sheets):
                sheet = sheets.get(entity.file) or sheets[f"{entity.file}.csv"]
                name = f"{xlsx.name}[{sheet}]"
                grid = _grid_from_sheet(workbook[sheet], name)
                text = None
            else:
                raise _Refuse(Issue("critical", "missing_file", f"{entity.file}.csv",
                                    "the file is missing from the export folder",
                                    f"Add {entity.file}.csv (or a sheet '{entity.file}' in the "
                                    f"workbook) and run again."))
        except _Refuse as r:
            res.issues.append(r.issue)
            continue
        res.rows_read[entity.name] = len(grid.lines) + len(grid.wrong)
        df = _table(entity, name, grid, res.issues, text)
        if df is not None:
            df.attrs["file"] = name
            res.frames[entity.name] = df
    if workbook is not None:
        workbook.close()
    return res


class FilesConnector:
    """:class:`connectors.base.Connector` of an export folder, limited to the entities the
    source serves in its configuration (its files for other entities are not read into the
    batch: their frames, raw bytes and issues are left out)."""

    kind = "files"
    incremental = False

    def origin(self, source) -> str:
        return source.location

    def read(self, source, secret, state, previous_pages, ctx) -> SourceRead:
        from osaava.sources import files_location

        served = set(ctx.entities) if ctx.entities else set(ENTITIES)
        read = read_folder(files_location(ctx.config_path, source))
        out = SourceRead(source=source.name)
        unserved = {f"{e.file}.csv".casefold() for e in ENTITIES.values() if e.name not in served}
        unserved |= {r.name.casefold() for r in read.raw if r.entity in ENTITIES and r.entity not in served}
        unserved |= {str(df.attrs.get("file", "")).casefold() for e, df in read.frames.items()
                     if e not in served}
        out.issues = [i for i in read.issues if i.file.casefold() not in unserved]
        out.frames = {e: df for e, df in read.frames.items() if e in served}
        out.rows_read = {e: n for e, n in read.rows_read.items() if e in served}
        out.raw = [r for r in read.raw if r.entity not in ENTITIES or r.entity in served]
        return out
