"""The file connector: a folder of the generic Finnish HR export → canonical DataFrames.

Reads CSV (``;``, decimal comma, ``d.m.yyyy``; UTF-8 with or without BOM, or Windows-1252,
detected) or one XLSX with a sheet per file. Returns the canonical frames, the raw bytes of
every file with their sha256, and the issues found while reading. A problem the user caused is
an :class:`~osaava.issues.Issue` naming file, row and column — never a traceback.

Free-text columns are scanned for henkilötunnus and then dropped: they are never loaded.

Hostile files cannot hurt (issue 13):

- every field of every row is scanned for a value shaped like a henkilötunnus *before* any
  width or header check, through both CSV paths; an XLSX is scanned in every part (all sheets,
  comments, defined names, document properties) before openpyxl opens it; file names too;
- limits (:class:`Limits`) are checked before the work: file size, rows, columns, cell length,
  the XLSX's unpacked size and parts; XLSX rows are never padded to the sheet's dimension;
- only regular files are read: a symbolic link, device or pipe in the folder refuses the batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as _html
import io
import os
import re
import stat
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from connectors.base import MAX_ROWS_LISTED, RawFile, ReadResult, SourceRead, sha256
from osaava.issues import HETU_RE, Issue, has_hetu, mask_hetu
from osaava.schema import ENTITIES, ROW, Column, Entity

@dataclass(frozen=True)
class Limits:
    """What one export folder may hold; anything beyond is refused with a clear message before
    the work starts. The defaults are far above a 40 000-person employer's export (the largest
    file, palkkarivit.csv, then has about 2 million rows and 150 MB)."""

    file_bytes: int = 1 << 30  # one file, CSV or XLSX, as stored
    rows: int = 10_000_000  # data rows of one file or sheet
    columns: int = 500  # fields of a header or a row
    cell_chars: int = 10_000  # characters of one cell
    xlsx_unzipped_bytes: int = 1 << 30  # all parts of a workbook, unpacked
    xlsx_parts: int = 10_000  # parts (zip members) of a workbook


LIMITS = Limits()


class _Refuse(Exception):
    def __init__(self, issue: Issue | list[Issue]):
        self.issues = issue if isinstance(issue, list) else [issue]


# ---------------------------------------------------------------------------------------------
# Finding the files


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.1f}".replace(",", " ")


_EXPORT_SUFFIXES = (".csv", ".xlsx")


def _find_sources(folder: Path) -> tuple[dict[str, Path], Path | None, list[Issue]]:
    """CSV files by lower-case stem, the XLSX workbook if there is one, and the issues of the
    folder itself: anything that is not a regular file or a sub-folder (a symbolic link, device,
    pipe or socket) refuses the batch, and it is never opened."""
    csvs: dict[str, Path] = {}
    xlsx = None
    issues: list[Issue] = []
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        name = mask_hetu(e.name)
        if e.is_symlink() or not (e.is_file(follow_symlinks=False) or e.is_dir(follow_symlinks=False)):
            kind = "a symbolic link" if e.is_symlink() else "not a regular file (a device, pipe or socket)"
            issues.append(Issue(
                "critical", "not_regular_file", name,
                f"{kind} in the export folder; it is not read",
                "Put the export files themselves in the folder (copies, not links) and remove "
                "anything else that is not a file, then run again.",
                params={"text": "not_regular_file_link" if e.is_symlink() else "not_regular_file_device"}))
            continue
        if e.is_dir(follow_symlinks=False):
            continue
        p = Path(e.path)
        suffix = p.suffix.lower()
        if suffix not in _EXPORT_SUFFIXES or p.name.startswith("~$"):
            continue
        if has_hetu(p.name):
            issues.append(_hetu_issue(name, [], "the file name holds a value shaped like a "
                                               "henkilötunnus (personal identity code)",
                                      "Rename the file without the personal identity code "
                                      "(the export's names are organisaatio.csv, henkilosto.csv, "
                                      "…, or any name for one workbook) and run again.",
                                      text="henkilotunnus_filename"))
        if suffix == ".csv":
            csvs[p.stem.lower()] = p
        else:
            xlsx = xlsx or p
    return csvs, xlsx, issues


def _read_regular(path: Path, name: str, limits: Limits) -> bytes:
    """The bytes of a regular file, refused when it is anything else (checked on the opened file,
    so a link swapped in meanwhile is not followed) or larger than the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise _Refuse(Issue("critical", "not_regular_file", name,
                            f"the file cannot be opened as a regular file ({e.strerror})",
                            "Put the export file itself in the folder (a copy, not a link) and "
                            "run again.", params={"text": "not_regular_file_open",
                                                  "reason": e.strerror or ""})) from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise _Refuse(Issue("critical", "not_regular_file", name,
                                "not a regular file; it is not read",
                                "Put the export file itself in the folder and run again."))
        if st.st_size > limits.file_bytes:
            raise _Refuse(_too_large(name, st.st_size, limits))
        data = f.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        raise _Refuse(_too_large(name, len(data), limits))
    return data


def _too_large(name: str, size: int, limits: Limits) -> Issue:
    return Issue("critical", "file_too_large", name,
                 f"the file is {_mb(size)} MB, more than the limit of {_mb(limits.file_bytes)} MB; "
                 "it is not read",
                 "Export a smaller extract (e.g. one year per folder), or ask IT to raise the "
                 "limit (connectors.files.Limits.file_bytes).",
                 params={"size": _mb(size), "limit": _mb(limits.file_bytes)})


def _hetu_issue(name: str, hits: list[tuple[int, str]], message: str | None = None,
                advice: str | None = None, text: str = "henkilotunnus", **params) -> Issue:
    hits = sorted(hits)
    cols = sorted({c for _, c in hits}, key=[c for _, c in hits].index)
    return Issue(
        "critical",
        "henkilotunnus",
        name,
        (message or "a value shaped like a henkilötunnus (personal identity code) was found")
        + "; the value is not shown and nothing of this batch is stored",
        advice or "Remove personal identity codes from the export (use the employee number) and "
        "export again.",
        column=", ".join(cols) or None,
        rows=[r for r, _ in hits if r > 0][:MAX_ROWS_LISTED],
        count=max(1, len(hits)),
        params={"text": text, **params},
    )


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
         advice: str, params: dict | None = None) -> Issue:
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
        params=params or {},
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
                                   "Allowed values: " + ", ".join(col.codes) + ".",
                                   {"values": ", ".join(col.codes)}))
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
    line of each row (header = line 1), the rows whose field count differs from the header's,
    the data rows read and the issues found while reading (a henkilötunnus, a cell too long)."""

    header: list[str]
    cells: pd.DataFrame
    lines: np.ndarray
    wrong: list[tuple[int, int]]
    rows_read: int = 0
    issues: list[Issue] = field(default_factory=list)


def _refuse_separator(header: list[str], name: str) -> None:
    if len(header) == 1 and any(sep in header[0] for sep in (",", "\t", "|")):
        sep = next(sep for sep in (",", "\t", "|") if sep in header[0])
        raise _Refuse(Issue("critical", "separator", name,
                            f"the columns are separated by {sep!r}, not by ';'",
                            "Export the file again as CSV with ';' as the separator.", rows=[1],
                            params={"sep": {",": "','", "\t": "TAB", "|": "'|'"}[sep]}))


def _refuse_columns(n: int, name: str, limits: Limits, line: int = 1) -> None:
    if n > limits.columns:
        raise _Refuse(Issue("critical", "too_many_columns", name,
                            f"{'the header' if line == 1 else 'the row'} has {n} columns, more than "
                            f"the limit of {limits.columns}; the file is not read",
                            "Export only the columns of the export format (extra columns right "
                            "of the data are often empty cells that were once used: delete them).",
                            rows=[line], params={"text": "too_many_columns" if line == 1
                                                 else "too_many_columns_row",
                                                 "n": n, "limit": limits.columns}))


def _refuse_rows(n: int, name: str, limits: Limits, what: str = "file") -> None:
    if n > limits.rows:
        raise _Refuse(Issue("critical", "too_many_rows", name,
                            f"the {what} has {n} rows or more, more than the limit of "
                            f"{limits.rows}; it is not read",
                            "Export a smaller extract (e.g. one year per folder), or ask IT to "
                            "raise the limit (connectors.files.Limits.rows).",
                            params={"text": "too_many_rows" if what == "file" else "too_many_rows_sheet",
                                    "n": n, "limit": limits.rows}))


def _label(header: list[str], j: int) -> str:
    return mask_hetu(header[j]) if j < len(header) and header[j].strip() else f"column {j + 1}"


def _hetu_hits(header: list[str], records, lines) -> list[tuple[int, str]]:
    """(line, column) of every field shaped like a henkilötunnus: the header's and every field of
    every row, those beyond the header's width included."""
    hits: list[tuple[int, str]] = []
    for j, h in enumerate(header):
        if has_hetu(h):
            hits.append((1, f"header {j + 1}"))
    for rec, ln in zip(records, lines):
        for j, c in enumerate(rec):
            if c and has_hetu(c):
                hits.append((int(ln), _label(header, j)))
    return hits


def _hetu_in_lines(text: str, header: list[str]) -> list[tuple[int, str]]:
    """The same from the physical lines of a text (when it cannot be parsed)."""
    hits: list[tuple[int, str]] = []
    for i, line in enumerate(text.split("\n"), start=1):
        if has_hetu(line):
            found = [(i, f"header {j + 1}" if i == 1 else _label(header, j))
                     for j, c in enumerate(line.split(";")) if has_hetu(c)]
            hits.extend(found or [(i, "")])
    return hits


def _no_rows(width: int) -> pd.DataFrame:
    """A frame of no rows and ``width`` columns, built as one block (a column at a time, 100 000
    columns took 20 s)."""
    return pd.DataFrame(np.empty((0, width), dtype=object), columns=range(width))


def _cell_length(frame: pd.DataFrame, lines: np.ndarray, header: list[str], name: str,
                 limits: Limits, longest_line: int | None = None) -> Issue | None:
    if frame.empty or (longest_line is not None and longest_line <= limits.cell_chars):
        return None  # no cell can be longer than its line
    rows: set[int] = set()
    cols: list[str] = []
    longest = 0
    for j in frame.columns:
        n = frame[j].str.len().to_numpy(dtype="float64", na_value=0)
        over = np.flatnonzero(n > limits.cell_chars)
        if len(over):
            cols.append(_label(header, j))
            rows.update(int(lines[k]) for k in over)
            longest = max(longest, int(n[over].max()))
    if not rows:
        return None
    return Issue("critical", "cell_too_long", name,
                 f"a cell holds {longest} characters, more than the limit of {limits.cell_chars}",
                 "Shorten the text in the source system (free text is not loaded anyway), or "
                 "check the quotes of the row: an unclosed quote swallows the rows after it.",
                 column=", ".join(cols), rows=sorted(rows)[:MAX_ROWS_LISTED], count=len(rows),
                 params={"longest": longest, "limit": limits.cell_chars})


def _grid(header: list[str], records: list[list[str]], lines: list[int], name: str,
          limits: Limits, issues: list[Issue]) -> Grid:
    width = len(header)
    wrong = [(ln, len(r)) for r, ln in zip(records, lines)
             if len(r) != width and not (len(r) > width and not any(c.strip() for c in r[width:]))]
    cells = [(r + [""] * width)[:width] for r in records]
    frame = pd.DataFrame(cells, columns=range(width), dtype="str") if cells else _no_rows(width)
    line_arr = np.asarray(lines, dtype=np.int64)
    long = _cell_length(frame, line_arr, header, name, limits)
    if long is not None:
        issues.append(long)
    return Grid(header, frame, line_arr, wrong, rows_read=len(records), issues=issues)


def _grid_from_csv(text: str, name: str, limits: Limits = LIMITS) -> Grid:
    if not text.strip():
        raise _Refuse(Issue("critical", "empty_file", name, "the file is empty",
                            "Export the file again; it must at least have its header row."))
    _refuse_rows(text.count("\n") - 1, name, limits)
    # The henkilötunnus scan comes first, over the whole text: no width, header or quoting
    # problem can hide a value from it, and a refusal for any of those still names it.
    first = text.split("\n", 1)[0].rstrip("\r").split(";")
    issues: list[Issue] = []
    utf8 = _arrow_text(text)
    if _may_hold_hetu(utf8) and HETU_RE.search(text) is not None:
        issues.append(_hetu_issue(name, _hetu_in_lines(text, first)))
    try:
        if '"' not in text:
            return _grid_unquoted(text, name, limits, issues, utf8)
        del utf8
        return _grid_quoted(text, name, limits, issues, first)
    except _Refuse as r:
        r.issues[:0] = [i for i in issues if i not in r.issues]
        raise


def _grid_quoted(text: str, name: str, limits: Limits, issues: list[Issue],
                 first: list[str]) -> Grid:
    _refuse_columns(len(first), name, limits)  # before the work (a quoted ';' only adds)
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
        if "field larger than field limit" in str(e):
            raise _Refuse(Issue("critical", "cell_too_long", name,
                                f"a cell holds more than {csv.field_size_limit()} characters, more "
                                f"than the limit of {limits.cell_chars}",
                                "Check the quotes of the row: an unclosed quote swallows the rows "
                                "after it.", rows=[reader.line_num],
                                params={"text": "cell_too_long_quoted",
                                        "limit": limits.cell_chars})) from None
        raise _Refuse(Issue("critical", "csv", name, f"the CSV cannot be read ({e})",
                            "Check the quoting of the file and export it again.",
                            rows=[reader.line_num], params={"error": str(e)})) from None
    # Quotes can split a value in the text ('"0101"90-…' is read as one value): the parsed
    # fields are scanned too, and name the rows and columns exactly.
    blob = "\x1e".join(["\x1f".join(header)] + ["\x1f".join(r) for r in records])
    if HETU_RE.search(blob):
        hits = _hetu_hits(header, records, lines)
        issues[:] = [i for i in issues if i.code != "henkilotunnus"] + [_hetu_issue(name, hits)]
    del blob
    _refuse_separator(header, name)
    _refuse_columns(len(header), name, limits)
    return _grid(header, records, lines, name, limits, issues)


# Python's whitespace (str.isspace, what str.strip() removes), for Arrow's RE2 patterns.
_PY_SPACE = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x110000)) if c.isspace())
# A relaxation of HETU_RE without its look-arounds: every text HETU_RE finds a value in, this
# finds one in too, so a text this does not match needs no Python scan.
_HETU_PREFILTER = r"[0-3][0-9][01][0-9][0-9]{2}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Za-z]"


def _arrow_text(text: str) -> pa.LargeStringArray:
    """The text as one Arrow string (UTF-8), without a validating copy."""
    data = text.encode("utf-8")
    return pa.LargeStringArray.from_buffers(
        1, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data))


def _may_hold_hetu(utf8: pa.LargeStringArray) -> bool:
    """False when no value of the text can be shaped like a henkilötunnus (RE2 over the whole
    text: ~10× faster than Python's re, which then scans only a text that may hold one)."""
    return bool(pc.any(pc.match_substring_regex(utf8, _HETU_PREFILTER)).as_py())


def _grid_arrow(utf8: pa.LargeStringArray, skip: int, header: list[str], name: str,
                limits: Limits, issues: list[Issue]) -> Grid | None:
    """The grid of a regular unquoted file read by Arrow's multi-threaded CSV reader, or
    ``None`` when the file is not regular (the line loop of :func:`_grid_unquoted` then reads
    it and reports what is wrong). ``skip``: the bytes of the header line and its line end.
    Regular: after the header, every line has exactly the header's number of fields, holds
    something other than ';' and whitespace, and has no CR but one just before its line end;
    only the text's last line may be empty. Then the rows are the lines 2, 3, … in order and
    their cells are exactly those the line loop would give."""
    width = len(header)
    body = utf8.buffers()[2].slice(skip)  # no copy
    lines = pc.split_pattern(pa.LargeStringArray.from_buffers(
        1, pa.py_buffer(np.array([0, body.size], dtype=np.int64)), body), "\n").values
    if len(lines) and lines[len(lines) - 1].as_py() == "":
        lines = lines.slice(0, len(lines) - 1)  # the text ends with a line end
    n = len(lines)
    if n == 0:
        return None
    if pc.any(pc.not_equal(pc.count_substring(lines, ";"), width - 1)).as_py():
        return None
    cr = pc.count_substring(lines, "\r")
    if pc.any(pc.not_equal(cr, pc.cast(pc.ends_with(lines, "\r"), pa.int64()))).as_py():
        return None
    if not pc.all(pc.match_substring_regex(lines, f"[^;{_PY_SPACE}]")).as_py():
        return None
    longest = pc.max(pc.utf8_length(pc.utf8_rtrim(lines, "\r"))).as_py() or 0
    del lines, cr
    names = [str(j) for j in range(width)]
    table = pacsv.read_csv(
        pa.BufferReader(body),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
        parse_options=pacsv.ParseOptions(delimiter=";", quote_char=False, escape_char=False,
                                         double_quote=False, newlines_in_values=False,
                                         ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                             strings_can_be_null=False, null_values=[],
                                             quoted_strings_can_be_null=False, check_utf8=False))
    if table.num_rows != n:  # pragma: no cover - the checks above make every line one row
        return None
    cells = pd.DataFrame({j: pd.Series(table.column(c), dtype="str") for j, c in enumerate(names)})
    del table
    line_arr = np.arange(2, n + 2, dtype=np.int64)
    long = _cell_length(cells, line_arr, header, name, limits, longest)
    if long is not None:
        issues.append(long)
    return Grid(header, cells, line_arr, [], rows_read=n, issues=issues)


def _grid_unquoted(text: str, name: str, limits: Limits = LIMITS,
                   issues: list[Issue] | None = None, utf8: pa.LargeStringArray | None = None) -> Grid:
    """The fast path for a file without quotes: every line is a row; the C parser splits them.
    A regular file (every data line has the header's width, none is blank, no stray CR) goes
    through Arrow's multi-threaded CSV reader instead (:func:`_grid_arrow`): the same cells."""
    issues = issues if issues is not None else []
    header = text[:text.find("\n")] if "\n" in text else text
    header = header.rstrip("\r").split(";")
    _refuse_separator(header, name)
    _refuse_columns(len(header), name, limits)
    width = len(header)
    if "\n" in text:
        skip = len(text[:text.find("\n") + 1].encode("utf-8"))
        grid = _grid_arrow(utf8 if utf8 is not None else _arrow_text(text), skip, header, name,
                           limits, issues)
        if grid is not None:
            return grid
    physical = text.split("\n")
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
        cells = _no_rows(width)
    line_arr = np.asarray(lines, dtype=np.int64)
    long = _cell_length(cells, line_arr, header, name, limits,
                        max(map(len, kept), default=0))
    if long is not None:
        issues.append(long)
    # a row of the wrong width is not in ``lines``: it is counted once, here
    return Grid(header, cells, line_arr, wrong, rows_read=len(lines) + len(wrong), issues=issues)


def _sheet_rows(ws):
    """(line, [(column, value), …]) of every row the sheet stores, with only the cells that hold
    a value: never padded to the sheet's stated dimension (one cell at XFD1048576 costs one
    cell, not a million rows of 16 384). A plain object with ``iter_rows`` works too."""
    if hasattr(ws, "_get_source") and hasattr(ws, "_shared_strings"):
        from openpyxl.worksheet._reader import WorkSheetParser

        wb = ws.parent
        with ws._get_source() as src:
            parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only,
                                     epoch=wb.epoch, date_formats=wb._date_formats,
                                     timedelta_formats=wb._timedelta_formats)
            for idx, row in parser.parse():
                yield idx, [(c["column"], c["value"]) for c in row if c["value"] is not None]
        return
    for idx, row in enumerate(ws.iter_rows(values_only=True), start=1):
        yield idx, [(j, v) for j, v in enumerate(row, start=1) if v is not None]


def _column_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _grid_from_sheet(ws, name: str, limits: Limits = LIMITS) -> Grid:
    header: list[str] = []
    records, lines = [], []
    seen_any = False
    for idx, cells in _sheet_rows(ws):
        seen_any = True
        if idx > limits.rows + 1:
            _refuse_rows(idx - 1, name, limits, "sheet")
        if cells:
            last = max(c for c, _ in cells)
            if last > limits.columns:
                raise _Refuse(Issue(
                    "critical", "too_many_columns", name,
                    f"the sheet has a value in cell {_column_letter(last)}{idx}, beyond the limit "
                    f"of {limits.columns} columns; the workbook is not read",
                    "Delete the stray cells right of the data (Ctrl+End shows the last used "
                    "cell), save and export again.", rows=[idx],
                    params={"text": "too_many_columns_sheet", "cell": f"{_column_letter(last)}{idx}",
                            "limit": limits.columns}))
        row = [""] * (max((c for c, _ in cells), default=0))
        for c, v in cells:
            row[c - 1] = _cell_text(v)
        if idx == 1:
            header = row
            continue
        if not any(c.strip() for c in row):
            continue
        records.append(row)
        lines.append(idx)
    if not seen_any:
        raise _Refuse(Issue("critical", "empty_file", name, "the sheet is empty",
                            "The sheet must at least have its header row.",
                            params={"text": "empty_sheet"}))
    while header and header[-1] == "":
        header.pop()
    issues = []
    hits = _hetu_hits(header, records, lines)
    if hits:
        issues.append(_hetu_issue(name, hits))
    width = len(header)
    # a sheet stores no trailing empty cells: a short row is a row whose last cells are empty
    records = [r + [""] * (width - len(r)) if len(r) < width else r for r in records]
    return _grid(header, records, lines, name, limits, issues)


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


def _table(entity: Entity, name: str, grid: Grid, issues: list[Issue]) -> pd.DataFrame | None:
    issues.extend(grid.issues)
    header = [mask_hetu(h) for h in grid.header]
    norm = [_norm_header(h) for h in header]
    want = {_norm_header(c.header): c for c in entity.columns}
    present = set(norm)
    missing = [c.header for c in entity.columns if _norm_header(c.header) not in present]
    if missing:
        issues.append(Issue("critical", "missing_column", name,
                            "missing column" + ("s " if len(missing) > 1 else " ") + "; ".join(missing),
                            "The header row must have these columns: " + "; ".join(entity.headers) + ".",
                            column="; ".join(missing), rows=[1],
                            params={"headers": "; ".join(entity.headers)}))
    counts = Counter(h for h in norm if h)  # linear: 100 000 columns in well under a second
    dup = sorted(h for h, n in counts.items() if n > 1)
    if dup:
        issues.append(Issue("critical", "duplicate_column", name, "a column appears twice",
                            "Keep each column once in the header row.", column="; ".join(dup[:20]),
                            rows=[1], count=len(dup)))
    extra = [h for h, n in zip(header, norm) if n and n not in want]
    if extra:
        issues.append(Issue("warning", "extra_column", name,
                            "column" + ("s " if len(extra) > 1 else " ") + "; ".join(extra[:20])
                            + (f" (+{len(extra) - 20} more)" if len(extra) > 20 else "")
                            + " not part of the export format; ignored",
                            "Remove the column from the export if it is not needed.",
                            column="; ".join(extra[:20]), rows=[1], count=len(extra)))
    wrong = grid.wrong
    if wrong:
        issues.append(Issue("critical", "field_count", name,
                            f"the row does not have {len(header)} fields like the header "
                            f"(it has {wrong[0][1]})",
                            "Check the separators and quotes on the row; a ';' inside a text "
                            "must be quoted.", rows=[w[0] for w in wrong[:MAX_ROWS_LISTED]],
                            count=len(wrong), params={"expected": len(header), "actual": wrong[0][1]}))
    if missing or dup or wrong:
        return None
    position = {n: j for j, n in enumerate(norm)}
    rows = pd.Series(grid.lines, dtype="int64")
    # Each text column is let go as soon as it is typed, the free text (scanned, never loaded)
    # at once (issue 15: the text cells and the typed columns were alive together).
    cells, grid.cells = grid.cells, None
    loaded = {position[_norm_header(c.header)] for c in entity.loaded_columns}
    for j in [j for j in cells.columns if j not in loaded]:
        del cells[j]
    out = {}
    for col in entity.loaded_columns:
        raw = cells.pop(position[_norm_header(col.header)]).reset_index(drop=True)
        out[col.name] = convert_column(col, raw, rows, name, issues)
        del raw
    del cells
    df = pd.DataFrame(out)
    df[ROW] = grid.lines
    return df


# ---------------------------------------------------------------------------------------------
# A workbook: every part scanned before openpyxl opens it

# Elements whose text runs make up one string (a rich-text cell or comment is split in runs).
_XML_STRINGS = {"si", "is", "text", "comment", "definedName"}
_XML_PARTS = (".xml", ".rels", ".vml")
_TAG = re.compile(r"<[^>]*>")


def _xml_has_hetu(content: bytes) -> bool:
    """Every attribute value and every text of an XML part, with the runs of one string joined
    and character references resolved by the parser. Raises ``expat.ExpatError`` when the part is
    not well-formed XML."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    buf: list[str] = []
    state = {"depth": 0, "hit": False}

    def flush() -> None:
        if buf:
            if has_hetu("".join(buf)):
                state["hit"] = True
            buf.clear()

    def start(tag, attrs):
        if any(has_hetu(v) for v in attrs.values()):
            state["hit"] = True
        if state["depth"] == 0:
            flush()
        if tag.rsplit("}", 1)[-1] in _XML_STRINGS:
            state["depth"] += 1

    def end(tag):
        if tag.rsplit("}", 1)[-1] in _XML_STRINGS:
            state["depth"] = max(0, state["depth"] - 1)
        if state["depth"] == 0:
            flush()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = buf.append
    parser.Parse(content, True)
    flush()
    return state["hit"]


def _part_has_hetu(part: str, content: bytes) -> bool:
    if part.lower().endswith(_XML_PARTS):
        try:
            if _xml_has_hetu(content):
                return True
        except expat.ExpatError:
            pass  # legacy VML is often not well-formed: read it as text below
        text = content.decode("utf-8", errors="replace")
        return has_hetu(_html.unescape(_TAG.sub("\x1f", text))) or has_hetu(
            _html.unescape(_TAG.sub("", text)))
    # anything else (images, printer settings, embedded objects): its bytes as text
    return has_hetu(content.decode("latin-1")) or has_hetu(content.decode("utf-16-le", errors="replace"))


def _xlsx_issue(name: str, what: str) -> Issue:
    return Issue("critical", "xlsx", name, f"the workbook cannot be opened ({what})",
                 "Save the workbook again as .xlsx, or export CSV files.", params={"what": what})


def scan_workbook(data: bytes, name: str, limits: Limits = LIMITS) -> list[Issue]:
    """Check a workbook before it is opened: its parts and unpacked size against the limits
    (counted while unpacking: a stated size can lie), and every part — all sheets, shared
    strings, comments, defined names, document properties, embedded files — for a value shaped
    like a henkilötunnus. Returns the issues (none: it may be opened)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        return [_xlsx_issue(name, "not a zip archive")]
    hits: list[str] = []
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.xlsx_parts:
            return [Issue("critical", "xlsx_too_large", name,
                          f"the workbook has {len(infos)} parts, more than the limit of "
                          f"{limits.xlsx_parts}; it is not read",
                          "Save the sheets of the export in a new workbook, or export CSV files.",
                          params={"n": len(infos), "limit": limits.xlsx_parts})]
        too_big = Issue("critical", "xlsx_too_large", name,
                        "the workbook unpacks to more than the limit of "
                        f"{_mb(limits.xlsx_unzipped_bytes)} MB; it is not read",
                        "Export CSV files instead, or a smaller extract (e.g. one year per folder).",
                        params={"text": "xlsx_unpacked", "limit": _mb(limits.xlsx_unzipped_bytes)})
        if sum(i.file_size for i in infos) > limits.xlsx_unzipped_bytes:
            return [too_big]
        total = 0
        for info in infos:
            if has_hetu(info.filename):
                hits.append(info.filename)
            if info.is_dir():
                continue
            parts = []
            try:
                with zf.open(info) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > limits.xlsx_unzipped_bytes:
                            return [too_big]
                        parts.append(chunk)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError,
                    ValueError) as e:
                return [_xlsx_issue(name, f"{type(e).__name__} in a part")]
            if _part_has_hetu(info.filename, b"".join(parts)):
                hits.append(info.filename)
    if not hits:
        return []
    shown = ", ".join(mask_hetu(h) for h in hits[:10])
    return [_hetu_issue(name, [], "a value shaped like a henkilötunnus (personal identity code) "
                                  f"was found in the workbook (in {shown})",
                        "Remove personal identity codes from every sheet, cell comment and name "
                        "of the workbook and from its properties (File > Info), and export again.",
                        text="henkilotunnus_workbook", parts=shown)]


def read_folder(folder: Path, limits: Limits | None = None) -> ReadResult:
    """Read an export folder. Never raises for a user's error: look at ``result.issues``."""
    folder = Path(folder)
    limits = limits or LIMITS
    res = ReadResult()
    if not folder.is_dir():
        res.issues.append(Issue("critical", "missing_folder", mask_hetu(str(folder)),
                                "the export folder does not exist",
                                "Give the folder that holds the export files."))
        return res
    csvs, xlsx, folder_issues = _find_sources(folder)
    res.issues.extend(folder_issues)
    use_xlsx = xlsx is not None and not all(e.file in csvs for e in ENTITIES.values())
    workbook = None
    xlsx_name = mask_hetu(xlsx.name) if xlsx is not None else ""
    if use_xlsx:
        try:
            data = _read_regular(xlsx, xlsx_name, limits)
        except _Refuse as r:
            res.issues.extend(r.issues)
            return res
        res.raw.append(RawFile("workbook", xlsx_name, data, sha256(data)))
        found = scan_workbook(data, xlsx_name, limits)
        res.issues.extend(found)
        if any(i.code != "henkilotunnus" for i in found):
            return res
        try:
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:  # a broken or foreign file is the user's error
            res.issues.append(_xlsx_issue(xlsx_name, type(e).__name__))
            return res
    sheets = {ws.lower(): ws for ws in (workbook.sheetnames if workbook else [])}
    for entity in ENTITIES.values():
        try:
            if entity.file in csvs:
                path = csvs[entity.file]
                name = mask_hetu(path.name)
                data = _read_regular(path, name, limits)
                res.raw.append(RawFile(entity.name, name, data, sha256(data)))
                _refuse_rows(data.count(b"\n") - 1, name, limits)
                try:
                    text = decode(data, name)
                except _Refuse as r:
                    # never shown, never landed: but say so when the bytes hold one
                    if has_hetu(data.decode("latin-1")) or has_hetu(
                            data.decode("utf-16", errors="replace")):
                        r.issues.insert(0, _hetu_issue(name, []))
                    raise
                grid = _grid_from_csv(text, name, limits)
                text = None  # issue 15: not alive beside the typed columns
            elif workbook is not None and (entity.file in sheets or f"{entity.file}.csv" in sheets):
                sheet = sheets.get(entity.file) or sheets[f"{entity.file}.csv"]
                name = f"{xlsx_name}[{sheet}]"
                grid = _grid_from_sheet(workbook[sheet], name, limits)
            else:
                raise _Refuse(Issue("critical", "missing_file", f"{entity.file}.csv",
                                    "the file is missing from the export folder",
                                    f"Add {entity.file}.csv (or a sheet '{entity.file}' in the "
                                    f"workbook) and run again.", params={"entity": entity.file}))
        except _Refuse as r:
            res.issues.extend(r.issues)
            continue
        res.rows_read[entity.name] = grid.rows_read
        df = _table(entity, name, grid, res.issues)
        if df is not None:
            df.attrs["file"] = name
            res.frames[entity.name] = df
    if workbook is not None:
        workbook.close()
    return res


def _hash_regular(path: Path, limits: Limits, chunk: int = 1 << 20) -> str | None:
    """sha256 of a regular file, streamed (never the whole file in memory); ``None`` when it is
    not a regular file (checked on the opened file: a link is not followed) or over the limit."""
    import hashlib

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size > limits.file_bytes:
            return None
        h, n = hashlib.sha256(), 0
        while block := f.read(chunk):
            n += len(block)
            if n > limits.file_bytes:
                return None
            h.update(block)
    return h.hexdigest()


def folder_hashes(folder: Path, entities: set[str] | None = None,
                  limits: Limits | None = None) -> list[str] | None:
    """The sha256 of every file :func:`read_folder` would read for ``entities`` (all by default),
    as the raw files of that read would carry them, hashed without parsing anything.

    ``None`` whenever the folder is not plainly readable (no folder, a link or anything that is
    not a regular file, a missing file, a file over the limit): then only a full read can say
    what is wrong. Used to tell an unchanged export before reading it (issue 15): the bytes of an
    unchanged export were scanned (henkilötunnus, limits, validation) when they were loaded."""
    folder = Path(folder)
    limits = limits or LIMITS
    served = set(ENTITIES) if entities is None else set(entities)
    if not folder.is_dir():
        return None
    csvs, xlsx, folder_issues = _find_sources(folder)
    if folder_issues:
        return None
    use_xlsx = xlsx is not None and not all(e.file in csvs for e in ENTITIES.values())
    out: list[str] = []
    if use_xlsx:
        out.append(_hash_regular(xlsx, limits))
    for entity in ENTITIES.values():
        if entity.name not in served:
            continue
        if entity.file in csvs:
            out.append(_hash_regular(csvs[entity.file], limits))
        elif not use_xlsx:
            return None  # a missing file: the full read says so
    return None if any(h is None for h in out) else out


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

    def file_hashes(self, source, ctx) -> list[str] | None:
        """The sha256 of the files :meth:`read` would land, without parsing them (``None``:
        only a full read can tell); see :func:`folder_hashes`."""
        from osaava.sources import files_location

        served = set(ctx.entities) if ctx.entities else None
        return folder_hashes(files_location(ctx.config_path, source), served)
