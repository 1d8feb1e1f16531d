"""The file connector: encodings, formats, and messages that name file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

import small_city
from connectors.files import read_folder
from osaava.issues import hetu_spans, mask_hetu

CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def make_hetu(ddmmyy: str = "150380", sign: str = "-", nnn: str = "123") -> str:
    """A check-character-valid henkilötunnus built in code (never written as a literal)."""
    return f"{ddmmyy}{sign}{nnn}{CHECK[int(ddmmyy + nnn) % 31]}"


def frames_equal(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        pd.testing.assert_frame_equal(a[k].drop(columns="_row"), b[k].drop(columns="_row"), obj=k)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_read_the_same(tmp_path, small_frames, encoding):
    res = read_folder(small_city.write(tmp_path, encoding=encoding))
    assert not res.issues
    frames_equal(res.frames, small_frames)


def test_lf_line_ends_and_xlsx_read_the_same(tmp_path, small_frames):
    res = read_folder(small_city.write(tmp_path / "lf", newline="\n"))
    frames_equal(res.frames, small_frames)
    small_city.write_xlsx(tmp_path / "x")
    res = read_folder(tmp_path / "x")
    assert not res.issues, [i.line() for i in res.issues]
    frames_equal(res.frames, small_frames)
    assert [r.name for r in res.raw] == ["export.xlsx"]


def test_values_are_parsed(small_frames):
    emp = small_frames["employments"]
    row = emp[emp["person_id"] == "10004"].iloc[0]
    assert row["supervisor_since"] == pd.Timestamp(2024, 3, 1)
    assert pd.isna(emp[emp["person_id"] == "10001"].iloc[0]["end"])
    pay = small_frames["payroll"]
    # '3 000,00' with a space as thousands separator; '-200,00' a correction
    assert sorted(pay.loc[pay["person_id"] == "10001", "amount"].tolist()) == [-200.0, 100.0, 3000.0, 3000.0, 9999.0]
    tr = small_frames["trainings"].set_index("participation_id")
    assert tr.at["T11", "fee"] == 1500.0
    assert tr.at["T1", "fee"] == 0.0  # empty euro cell = 0
    assert pd.isna(tr.at["T3", "paid_pct"])  # empty number stays empty
    assert "training_name" not in tr.columns and "organiser" not in tr.columns  # free text dropped
    assert list(small_frames["employments"]["_row"])[:2] == [2, 3]  # header is line 1


def _mutate(folder, stem, old, new):
    p = folder / f"{stem}.csv"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_tolerated_variants(tmp_path):
    d = small_city.write(tmp_path)
    _mutate(d, "henkilosto", "10001;1;1.1.2020;", "10001;1;2020-01-01;")
    _mutate(d, "koulutukset", ";3500;100;", ";\"3\u00a0500\";100;")  # quoted, nbsp thousands
    res = read_folder(d)
    assert not res.issues
    assert res.frames["employments"].iloc[0]["start"] == pd.Timestamp(2020, 1, 1)
    tr = res.frames["trainings"].set_index("participation_id")
    assert tr.at["T5", "fee"] == 3500.0


@pytest.mark.parametrize(
    "stem, old, new, code, row, column",
    [
        ("koulutukset", ";10.4.2024;11.4.2024;12;", ";10.4.2024;11.4.2024;1:30;", "hours_hmm", 2, "Tunnit"),
        ("henkilosto", ";1100;Sihteeri;vakinainen;toimistotyöaika;100;", ";1100;Sihteeri;vakinainen;toimistotyöaika;sata;", "not_number", 2, "Työaikaprosentti"),
        ("henkilosto", "10001;1;1.1.2020;", "10001;1;31.2.2020;", "not_date", 2, "Alkupvm"),
        ("koulutukset", ";sisäinen;TIED;", ";seminaari;TIED;", "unknown_code", 2, "Tyyppi"),
        ("tavoitekeskustelut", "D4;10004;10004;2024;sovittu;", "D4;10004;10004;;sovittu;", "required", 5, "Vuosi"),
    ],
)
def test_bad_cells_name_file_row_and_column(tmp_path, stem, old, new, code, row, column):
    d = small_city.write(tmp_path)
    _mutate(d, stem, old, new)
    res = read_folder(d)
    assert res.refused
    [issue] = [i for i in res.issues if i.code == code]
    assert issue.file == f"{stem}.csv" and issue.rows == [row] and issue.column == column
    line = issue.line()
    assert f"{stem}.csv" in line and f"row {row}" in line and column in line


def test_wrong_separator_missing_file_and_column(tmp_path):
    d = small_city.write(tmp_path)
    p = d / "organisaatio.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(";", ","), encoding="utf-8")
    (d / "koulutustarpeet.csv").unlink()
    _mutate(d, "poissaolot", "Kalenteripäivät;", "")
    res = read_folder(d)
    codes = {i.code: i for i in res.issues}
    assert {"separator", "missing_file", "missing_column"} <= codes.keys()
    assert "';'" in codes["separator"].line()
    assert "koulutustarpeet.csv" in codes["missing_file"].line()
    assert "Kalenteripäivät" in codes["missing_column"].line()


def test_encoding_that_is_neither_is_refused(tmp_path):
    d = small_city.write(tmp_path)
    p = d / "organisaatio.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16"))
    res = read_folder(d)
    assert [i.code for i in res.issues] == ["encoding"]


def test_henkilotunnus_anywhere_is_refused_and_never_shown(tmp_path):
    hetu = make_hetu()
    assert hetu_spans(hetu) and mask_hetu(f"x {hetu} y") != f"x {hetu} y"
    d = small_city.write(tmp_path)
    _mutate(d, "henkilosto", ";Sihteeri;", f";Sihteeri {hetu};")  # a free-text column
    _mutate(d, "koulutukset", ";1 500,00;", f";{make_hetu('010203', 'A', '456')};")  # a euro column
    res = read_folder(d)
    hits = [i for i in res.issues if i.code == "henkilotunnus"]
    assert {i.file for i in hits} == {"henkilosto.csv", "koulutukset.csv"}
    assert hits[0].rows == [2] and hits[0].column == "Nimike"
    text = " ".join(i.line() + str(i.to_dict()) for i in res.issues)
    assert hetu not in text and make_hetu("010203", "A", "456") not in text


def test_invalid_check_character_is_still_a_henkilotunnus():
    """A mistyped or altered henkilötunnus is personal data all the same (issue 13)."""
    from osaava.issues import hetu_valid

    good = make_hetu()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert hetu_valid(good) and not hetu_valid(wrong)
    assert hetu_spans(good) and hetu_spans(wrong)
    assert hetu_spans(good.lower()) and hetu_spans(wrong.lower())
    assert mask_hetu(f"x {wrong} y") == f"x {'█' * len(wrong)} y"
    no_such_day = "32" + "0190-123A"  # built in code: day 32 is no date, so no henkilötunnus
    assert not hetu_spans("1234567-890") and not hetu_spans(no_such_day)


def test_sheet_rows_without_trailing_empty_cells(tmp_path):
    """Some writers store no trailing empty cells and no sheet dimension: openpyxl then gives
    short rows, which are rows whose last cells are empty (the synthetic XLSX export does this)."""
    from connectors.files import _grid_from_sheet

    class Sheet:
        def iter_rows(self, values_only=True):
            return iter([("A", "B", "C"), ("1", "2"), ("1", "2", "3"), (None, None)])

    grid = _grid_from_sheet(Sheet(), "x.xlsx[s]")
    assert grid.wrong == [] and list(grid.lines) == [2, 3]
    assert grid.cells.iloc[0].tolist() == ["1", "2", ""]


def test_synthetic_xlsx_export_reads_like_its_csv(tmp_path):
    from osaava.synth import generate, write_export

    frames = generate(40, (2024, 2025), 3)
    write_export(frames, tmp_path / "x", xlsx=True)
    write_export(frames, tmp_path / "c", encoding="cp1252")
    a, b = read_folder(tmp_path / "x"), read_folder(tmp_path / "c")
    assert not a.issues and not b.issues, [i.line() for i in a.issues + b.issues]
    frames_equal(a.frames, b.frames)


# ---------------------------------------------------------------------------------------------
# Issue 15: Arrow's CSV reader for regular unquoted files gives exactly the line loop's grid


def _both_grids(text: str, monkeypatch):
    from connectors import files as F

    real = F._grid_arrow
    taken = []

    def spy(*a, **k):
        g = real(*a, **k)
        taken.append(g is not None)
        return g

    def run(arrow):
        monkeypatch.setattr(F, "_grid_arrow", spy if arrow else (lambda *a, **k: None))
        try:
            return F._grid_from_csv(text, "x.csv", F.Limits(cell_chars=30))
        except F._Refuse as r:
            return [i.to_dict() for i in r.issues]

    loop, arrow = run(False), run(True)
    return loop, arrow, bool(taken and taken[-1])


def _same(loop, arrow):
    if isinstance(loop, list):
        assert loop == arrow
        return
    pd.testing.assert_frame_equal(loop.cells, arrow.cells, check_exact=True)
    assert (loop.header, loop.lines.tolist(), loop.wrong, loop.rows_read) == (
        arrow.header, arrow.lines.tolist(), arrow.wrong, arrow.rows_read)
    assert [i.to_dict() for i in loop.issues] == [i.to_dict() for i in arrow.issues]


@pytest.mark.parametrize("text,regular", [
    ("a;b;c\n1;2;3\n4;5;6\n", True),
    ("a;b;c\r\n1;2;3\r\n4; 5 ;\r\n", True),               # CRLF, spaces and empty cells kept
    ("a;b;c\n1;2;3\n4;5;6", True),                         # no line end after the last row
    ("a;b;c\n1;;\n;;x\näö€;\u00a0;\t\n", True),            # one real character is enough
    ("a;b;c\n" + "y" * 31 + ";2;3\n", True),               # a cell over the limit, found
    ("a;b;c\n", False),                                    # header only
    ("a;b;c\n1;2;3\n\n4;5;6\n", False),                    # a blank line is skipped
    ("a;b;c\n1;2;3\n;;\n", False),                         # only separators: blank
    ("a;b;c\n1;2;3\n \u00a0;\u2003;\u3000\n", False),      # only Unicode whitespace: blank
    ("a;b;c\n1;2;3\n4;5;6\n\n", False),                    # two line ends at the end
    ("a;b;c\n1;2\n4;5;6\n", False),                        # a short row
    ("a;b;c\n1;2;3;4\n", False),                           # a long row
    ("a;b;c\n1;2;3;;\n", False),                           # empty fields beyond the width
    ("a;b;c\n1;2\r3;4\n", False),                          # a CR inside a line
    ("a;b;c\n1;2;3\r\r\n", False),                         # two CRs before the line end
    ("a;b;c\r\n1;2;3\r", True),                            # a CR ending the text
])
def test_arrow_reader_gives_the_line_loops_grid(text, regular, monkeypatch):
    loop, arrow, took_arrow = _both_grids(text, monkeypatch)
    assert took_arrow == regular
    _same(loop, arrow)


def test_arrow_reader_gives_the_line_loops_grid_on_the_whole_corpus(tmp_path, monkeypatch):
    from connectors.files import decode

    from bad_inputs import CASES

    seen = 0
    for case in CASES:
        folder = tmp_path / case.name
        case.build(folder)
        for path in sorted(folder.glob("*.csv")):
            if path.is_symlink() or not path.is_file():
                continue
            try:
                text = decode(path.read_bytes(), path.name)
            except Exception:
                continue
            loop, arrow, _ = _both_grids(text, monkeypatch)
            _same(loop, arrow)
            seen += 1
    assert seen > 100
