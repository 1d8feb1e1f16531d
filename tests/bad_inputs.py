"""A corpus of export folders: one valid export and mutations that each carry ONE defect.

``write_valid(folder)`` writes all seven files of the generic Finnish HR export (DOMAIN §4) for
five persons, headers exactly as the schema spells them. ``CASES`` lists the mutations with the
outcome each must get (``refused`` / ``loaded with warnings`` / ``loaded``) and where the issue
must point: file, spreadsheet row (header = line 1) and Finnish column header.

``HOSTILE`` (issue 13) adds what an attacker would try: a henkilötunnus beyond the header's
width, in a short row, split by quotes, with a wrong check character, in every part of a
workbook and in a file name; files beyond the limits (small ``limits`` keep those cases fast);
a symbolic link and a pipe in the folder; script and rich markup in the data.

Henkilötunnus test values are built here from DOMAIN §2's formula, never written as literals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from osaava.schema import ENTITIES

REFUSED, WARNING, LOADED = "refused", "loaded with warnings", "loaded"

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def make_hetu(day: int, month: int, year: int, individual: int) -> str:
    """A henkilötunnus with a valid check character (DOMAIN §2): DDMMYY, century sign, NNN,
    check = DDMMYYNNN mod 31 in the check alphabet."""
    sign = {18: "+", 19: "-", 20: "A"}[year // 100]
    digits = f"{day:02d}{month:02d}{year % 100:02d}{individual:03d}"
    return f"{day:02d}{month:02d}{year % 100:02d}{sign}{individual:03d}{_CHECK[int(digits) % 31]}"


HETU = make_hetu(14, 3, 1981, 237)
# The same shape with a wrong check character: treated as a henkilötunnus all the same.
HETU_WRONG_CHECK = HETU[:-1] + ("A" if HETU[-1] != "A" else "B")
HETU_MASK = "█" * len(HETU)
XSS = "<img src=x onerror=alert(1)>"

# Rows per file as text cells, in the schema's column order. Line numbers: header = 1.
VALID: dict[str, list[list[str]]] = {
    "organisaatio": [
        ["K100", "Hallinto", "YH", "Yleishallinto", "Allmänna förvaltningen"],
        ["K200", "Perusopetus", "SIV", "Sivistystoimi", "Bildningssektorn"],
        ["K300", "Kuntatekniikka", "YHD", "Yhdyskuntatoimi", "Samhällstekniska sektorn"],
    ],
    "henkilosto": [
        ["P001", "1", "1.1.2020", "", "K100", "Hallintosihteeri", "vakinainen", "toimistotyöaika",
         "100", "E", "", "N", "1980"],
        ["P002", "1", "1.8.2019", "31.7.2024", "K200", "Luokanopettaja", "vakinainen", "opetustyö",
         "100", "E", "", "M", "1975"],
        ["P002", "1", "1.8.2024", "", "K200", "Luokanopettaja", "vakinainen", "opetustyö", "80",
         "E", "", "M", "1975"],
        ["P003", "1", "1.3.2024", "31.12.2024", "K300", "Suunnittelija", "määräaikainen",
         "yleistyöaika", "100", "E", "", "N", "1995"],
        ["P003", "2", "1.1.2025", "", "K300", "Suunnittelija", "vakinainen", "yleistyöaika", "100",
         "K", "1.1.2025", "N", "1995"],
        ["P004", "1", "1.1.2015", "", "K100", "Talouspäällikkö", "vakinainen", "toimistotyöaika",
         "100", "K", "1.1.2018", "X", "1968"],
        ["P005", "1", "15.1.2023", "", "K200", "Varhaiskasvatuksen opettaja", "vakinainen",
         "yleistyöaika", "60", "E", "", "N", "1990"],
    ],
    "palkkarivit": [
        ["P001", "1", "15.1.2025", "1.1.2025", "31.1.2025", "1001", "Kuukausipalkka", "K100",
         "145,35", "3200,00"],
        ["P002", "1", "15.1.2025", "1.1.2025", "31.1.2025", "1001", "Kuukausipalkka", "K200",
         "122,4", "3500,00"],
        ["P003", "2", "15.1.2025", "1.1.2025", "31.1.2025", "1001", "Kuukausipalkka", "K300",
         "160,65", "3000,00"],
        ["P004", "1", "15.1.2025", "1.1.2025", "31.1.2025", "1001", "Kuukausipalkka", "K100",
         "145,35", "4800,00"],
        ["P005", "1", "15.1.2025", "1.1.2025", "31.1.2025", "1001", "Kuukausipalkka", "K200",
         "91,8", "1900,00"],
        ["P001", "1", "15.1.2025", "", "", "4001", "Kilometrikorvaus", "K100", "", "45,60"],
        ["P004", "1", "15.2.2025", "1.1.2025", "31.1.2025", "1001", "Korjaus", "K100", "-7,65",
         "-150,00"],
    ],
    "poissaolot": [
        ["P001", "1", "SAI", "3.2.2025", "5.2.2025", "3", "22,95", "palkallinen"],
        ["P002", "1", "VL", "1.7.2025", "31.7.2025", "31", "", "palkallinen"],
        ["P005", "1", "OPV", "1.3.2025", "31.3.2025", "31", "", "palkaton"],
        ["P003", "2", "KOU", "10.3.2025", "11.3.2025", "2", "15,3", "palkallinen"],
    ],
    "koulutukset": [
        ["O1", "K1", "P001", "1", "Tietosuojan perusteet", "Kuntaliitto", "verkko", "LAKI", "",
         "10.2.2025", "10.2.2025", "3", "määrätty", "", "0", "0", "0", "0", "0", "", "", "", "",
         "suoritettu"],
        ["O2", "K2", "P003", "2", "Esihenkilöperehdytys", "Kauniaisten kaupunki", "sisäinen",
         "JOHT", "1", "3.3.2025", "4.3.2025", "12", "määrätty", "", "0", "0", "0", "0", "0",
         "1.2.2025", "5.2.2025", "esihenkilö", "", "suoritettu"],
        ["O3", "K3", "P002", "1", "Digipedagogiikka", "Opetushallitus", "ulkoinen", "TEKN", "",
         "15.4.2025", "16.4.2025", "12", "määrätty", "", "450,00", "120,00", "0", "0", "0",
         "1.3.2025", "10.3.2025", "esihenkilö", "", "suoritettu"],
        ["O4", "K4", "P005", "1", "Varhaiskasvatuksen erikoistumiskoulutus", "Helsingin yliopisto",
         "ulkoinen", "AMM", "", "1.9.2025", "30.11.2025", "60", "osittain palkallinen vapaa", "50",
         "1200,00", "0", "0", "0", "200,00", "1.6.2025", "15.6.2025", "esihenkilö", "",
         "suoritettu"],
        ["O5", "K5", "P004", "1", "Johtamisen erikoisammattitutkinto", "Mercuria", "ulkoinen",
         "JOHT", "3", "1.2.2024", "30.11.2024", "120", "määrätty", "", "3500,00", "300,00", "0",
         "0", "0", "1.12.2023", "15.12.2023", "toimialajohtaja", "24", "suoritettu"],
        ["O6", "K1", "P002", "1", "Tietosuojan perusteet", "Kuntaliitto", "verkko", "LAKI", "",
         "12.2.2025", "12.2.2025", "3", "määrätty", "", "0", "0", "0", "0", "0", "", "", "", "",
         "peruttu"],
    ],
    "tavoitekeskustelut": [
        ["T1", "P001", "P004", "2025", "käyty", "15.3.2025"],
        ["T2", "P002", "P004", "2025", "käyty", "20.3.2025"],
        ["T3", "P003", "P004", "2025", "sovittu", ""],
        ["T4", "P005", "P004", "2025", "käyty", "1.4.2025"],
        ["T5", "P004", "", "2025", "ei käyty", ""],
    ],
    "koulutustarpeet": [
        ["N1", "T1", "P001", "LAKI", "1", "koulutus", "31.12.2025"],
        ["N2", "T2", "P002", "TEKN", "2", "koulutus", "30.6.2025"],
        ["N3", "T4", "P005", "AMM", "1", "koulutus", "31.12.2025"],
        ["N4", "T2", "P002", "TYHY", "3", "työssä oppiminen", ""],
    ],
}

_BY_FILE = {e.file: e for e in ENTITIES.values()}


def headers(file: str) -> list[str]:
    return _BY_FILE[file].headers


def col(file: str, header: str) -> int:
    return headers(file).index(header)


def csv_text(file: str, rows: list[list[str]], header: list[str] | None = None) -> str:
    lines = [";".join(header or headers(file))] + [";".join(r) for r in rows]
    return "\n".join(lines) + "\n"


def write_valid(folder: Path, tables: dict[str, list[list[str]]] | None = None) -> Path:
    """Write the valid export (or the given tables) as UTF-8 CSV files; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for file, rows in (tables or VALID).items():
        (folder / f"{file}.csv").write_text(csv_text(file, rows), encoding="utf-8")
    return folder


def copy_tables() -> dict[str, list[list[str]]]:
    return {f: [list(r) for r in rows] for f, rows in VALID.items()}


# ---------------------------------------------------------------------------------------------
# Mutations


@dataclass
class Case:
    name: str
    outcome: str
    build: Callable[[Path], None]  # writes the case's folder
    code: str | None = None  # the issue the defect must raise (None: no issue at all)
    file: str | None = None
    row: int | None = None
    column: str | None = None
    hetu: bool = False  # the folder holds a henkilötunnus that must never be shown
    limits: dict | None = None  # connectors.files.Limits fields for this case (small, so that
    # a resource case runs in milliseconds); None: the defaults
    planted: tuple[str, ...] = ()  # further texts that must never appear in any output


def _cell(file: str, line: int, header: str, value: str) -> Callable[[Path], None]:
    """Set one cell (line as in a spreadsheet, header = 1)."""
    def build(folder: Path) -> None:
        t = copy_tables()
        t[file][line - 2][col(file, header)] = value
        write_valid(folder, t)
    return build


def _tables(edit: Callable[[dict[str, list[list[str]]]], None]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        t = copy_tables()
        edit(t)
        write_valid(folder, t)
    return build


def _file_bytes(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        write_valid(folder)
        edit(folder)
    return build


def _rewrite_all(fn: Callable[[str], bytes]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        for p in folder.glob("*.csv"):
            p.write_bytes(fn(p.read_text(encoding="utf-8")))
    return _file_bytes(edit)


def _wrong_separator(folder: Path) -> None:
    p = folder / "organisaatio.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(";", ","), encoding="utf-8")


def _write_missing_column(folder: Path) -> None:
    write_valid(folder)
    i = col("henkilosto", "Työaikaprosentti")
    hs = [h for j, h in enumerate(headers("henkilosto")) if j != i]
    rows = [[c for j, c in enumerate(r) if j != i] for r in VALID["henkilosto"]]
    (folder / "henkilosto.csv").write_text(csv_text("henkilosto", rows, hs), encoding="utf-8")


def _write_extra_column(folder: Path) -> None:
    write_valid(folder)
    hs = headers("koulutukset") + ["Huomautus"]
    rows = [r + ["x"] for r in VALID["koulutukset"]]
    (folder / "koulutukset.csv").write_text(csv_text("koulutukset", rows, hs), encoding="utf-8")


def _write_utf16(folder: Path) -> None:
    p = folder / "poissaolot.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16"))


def _duplicate_key(t: dict) -> None:
    t["koulutukset"][2][0] = "O1"  # line 4 gets line 2's Osallistumistunnus


def _overlap(t: dict) -> None:
    t["henkilosto"][1][3] = "31.8.2024"  # P002's first period now ends after the second starts


def _orphan_participation(t: dict) -> None:
    t["koulutukset"][1][3] = "9"  # P003 has no employment 9


def _orphan_need(t: dict) -> None:
    t["koulutustarpeet"][2][1] = "T9"


def _need_person_mismatch(t: dict) -> None:
    t["koulutustarpeet"][1][2] = "P003"  # N2 of discussion T2 (P002)


def _far_future(t: dict) -> None:
    t["koulutustarpeet"][0][6] = f"31.12.{dt.date.today().year + 10}"


def _implausible_birth_year(t: dict) -> None:
    for r in t["henkilosto"]:
        if r[0] == "P005":
            r[12] = "2020"


def _iso(text: str) -> str:
    import re

    return re.sub(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b",
                  lambda m: f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}", text)


def _thousands(sep: str) -> Callable[[str], bytes]:
    import re

    return lambda text: re.sub(r"(?<![\d,])(-?\d)(\d{3}),(\d\d)\b", rf"\1{sep}\2,\3",
                               text).encode("utf-8")


def _quoted(text: str) -> bytes:
    lines = text.splitlines()
    return ("\n".join(";".join(f'"{c}"' for c in line.split(";")) for line in lines)
            + "\n").encode("utf-8")


def _write_missing_file(folder: Path) -> None:
    write_valid(folder)
    (folder / "poissaolot.csv").unlink()


def _write_empty_file(folder: Path) -> None:
    write_valid(folder)
    (folder / "tavoitekeskustelut.csv").write_bytes(b"")


def _write_header_only(folder: Path) -> None:
    write_valid(folder)
    (folder / "koulutustarpeet.csv").write_text(csv_text("koulutustarpeet", []), encoding="utf-8")


CASES: list[Case] = [
    # refused at parse level (connectors.files)
    Case("wrong_separator", REFUSED, _file_bytes(_wrong_separator), "separator",
         "organisaatio.csv", 1),
    Case("missing_column", REFUSED, _write_missing_column, "missing_column", "henkilosto.csv", 1,
         "Työaikaprosentti"),
    Case("empty_file", REFUSED, _write_empty_file, "empty_file", "tavoitekeskustelut.csv"),
    Case("utf16_encoding", REFUSED, _file_bytes(_write_utf16), "encoding", "poissaolot.csv"),
    Case("missing_file", REFUSED, _write_missing_file, "missing_file", "poissaolot.csv"),
    Case("text_in_number", REFUSED, _cell("palkkarivit", 3, "Summa", "kolmetuhatta"),
         "not_number", "palkkarivit.csv", 3, "Summa"),
    Case("hours_h_mm", REFUSED, _cell("koulutukset", 2, "Tunnit", "2:30"), "hours_hmm",
         "koulutukset.csv", 2, "Tunnit"),
    Case("unknown_code", REFUSED, _cell("koulutukset", 5, "Tyyppi", "seminaari"), "unknown_code",
         "koulutukset.csv", 5, "Tyyppi"),
    Case("required_empty", REFUSED, _cell("henkilosto", 6, "Sukupuoli", ""), "required",
         "henkilosto.csv", 6, "Sukupuoli"),
    Case("hetu_in_number_column", REFUSED, _cell("poissaolot", 3, "Tunnit", HETU),
         "henkilotunnus", "poissaolot.csv", 3, "Tunnit", hetu=True),
    Case("hetu_in_text_column", REFUSED, _cell("koulutukset", 4, "Koulutuksen nimi",
                                               f"Perehdytys {HETU}"),
         "henkilotunnus", "koulutukset.csv", 4, "Koulutuksen nimi", hetu=True),
    Case("hetu_as_person_number", REFUSED, _cell("tavoitekeskustelut", 3, "Henkilönumero", HETU),
         "henkilotunnus", "tavoitekeskustelut.csv", 3, "Henkilönumero", hetu=True),
    # refused by the GX suites
    Case("duplicate_key", REFUSED, _tables(_duplicate_key), "duplicate_key", "koulutukset.csv", 4,
         "Osallistumistunnus"),
    Case("negative_training_hours", REFUSED, _cell("koulutukset", 3, "Tunnit", "-4"), "negative",
         "koulutukset.csv", 3, "Tunnit"),
    Case("working_time_120", REFUSED, _cell("henkilosto", 8, "Työaikaprosentti", "120"),
         "out_of_range", "henkilosto.csv", 8, "Työaikaprosentti"),
    Case("end_before_start", REFUSED, _cell("poissaolot", 2, "Loppupvm", "1.2.2025"),
         "end_before_start", "poissaolot.csv", 2, "Alkupvm; Loppupvm"),
    Case("partly_paid_without_pct", REFUSED, _cell("koulutukset", 5, "Palkallisuus %", ""),
         "paid_pct_required", "koulutukset.csv", 5, "Palkallisuus %"),
    Case("negative_fee", REFUSED, _cell("koulutukset", 4, "Osallistumismaksu", "-450,00"),
         "negative", "koulutukset.csv", 4, "Osallistumismaksu"),
    # refused by the cross-table checks
    Case("unknown_cost_centre", REFUSED, _cell("henkilosto", 7, "Kustannuspaikka", "K999"),
         "unknown_cost_centre", "henkilosto.csv", 7, "Kustannuspaikka"),
    Case("orphan_participation", REFUSED, _tables(_orphan_participation), "unknown_employment",
         "koulutukset.csv", 3, "Henkilönumero; Palvelussuhdenumero"),
    Case("orphan_need", REFUSED, _tables(_orphan_need), "unknown_discussion",
         "koulutustarpeet.csv", 4, "Keskustelutunnus"),
    Case("discussion_unknown_person", REFUSED, _cell("tavoitekeskustelut", 5, "Henkilönumero",
                                                     "P404"),
         "unknown_person", "tavoitekeskustelut.csv", 5, "Henkilönumero"),
    Case("overlapping_periods", REFUSED, _tables(_overlap), "overlapping_periods",
         "henkilosto.csv", 4, "Henkilönumero; Palvelussuhdenumero; Alkupvm; Loppupvm"),
    # loaded with warnings
    Case("extra_column", WARNING, _write_extra_column, "extra_column", "koulutukset.csv", 1,
         "Huomautus"),
    Case("header_only", WARNING, _write_header_only, "no_rows", "koulutustarpeet.csv"),
    Case("far_future_date", WARNING, _tables(_far_future), "implausible_date",
         "koulutustarpeet.csv", 2, "Tavoitepvm"),
    Case("unmapped_absence_code", WARNING, _cell("poissaolot", 4, "Poissaolokoodi", "XYZ"),
         "unmapped_absence_code", "poissaolot.csv", 4, "Poissaolokoodi"),
    Case("unmapped_wage_type", WARNING, _cell("palkkarivit", 6, "Palkkalaji", "9999"),
         "unmapped_wage_type", "palkkarivit.csv", 6, "Palkkalaji"),
    Case("unknown_competence_area", WARNING, _cell("koulutukset", 2, "Osaamisalue", "KOKKAUS"),
         "unknown_competence_area", "koulutukset.csv", 2, "Osaamisalue"),
    Case("sector_without_budget", WARNING, _cell("organisaatio", 4, "Toimiala", "SOTE"),
         "sector_without_budget", "organisaatio.csv", 4, "Toimiala"),
    Case("implausible_training_hours", WARNING, _cell("koulutukset", 2, "Tunnit", "30"),
         "implausible_training_hours", "koulutukset.csv", 2, "Tunnit"),
    Case("implausible_absence_hours", WARNING, _cell("poissaolot", 2, "Tunnit", "100"),
         "implausible_absence_hours", "poissaolot.csv", 2, "Tunnit"),
    Case("implausible_birth_year", WARNING, _tables(_implausible_birth_year),
         "implausible_birth_year", "henkilosto.csv", 8, "Syntymävuosi"),
    Case("need_person_mismatch", WARNING, _tables(_need_person_mismatch), "need_person_mismatch",
         "koulutustarpeet.csv", 3, "Keskustelutunnus; Henkilönumero"),
    # tolerated variants: loaded without any issue
    Case("valid", LOADED, write_valid),
    Case("iso_dates", LOADED, _rewrite_all(lambda t: _iso(t).encode("utf-8"))),
    Case("space_thousands", LOADED, _rewrite_all(_thousands(" "))),
    Case("nbsp_thousands", LOADED, _rewrite_all(_thousands("\u00a0"))),
    Case("utf8_bom", LOADED, _rewrite_all(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"))),
    Case("windows_1252", LOADED, _rewrite_all(lambda t: t.encode("cp1252"))),
    Case("crlf", LOADED, _rewrite_all(lambda t: t.replace("\n", "\r\n").encode("utf-8"))),
    Case("quoted_fields", LOADED, _rewrite_all(_quoted)),
    Case("quoted_semicolon_in_text", LOADED,
         _cell("koulutukset", 3, "Koulutuksen nimi", '"Digipedagogiikka; osa 1"')),
]


# ---------------------------------------------------------------------------------------------
# Hostile files (issue 13)


def _extra_fields(file: str, line: int, fields: list[str], quoted: bool = False,
                  drop: int = 0) -> Callable[[Path], None]:
    """A row of the wrong width: ``fields`` appended to line ``line`` (or ``drop`` fields cut)."""
    def build(folder: Path) -> None:
        t = copy_tables()
        row = t[file][line - 2]
        if drop:
            del row[len(row) - drop:]
        row.extend(fields)
        write_valid(folder, t)
        if quoted:
            p = folder / f"{file}.csv"
            p.write_bytes(_quoted(p.read_text(encoding="utf-8")))
    return build


def _append(folder: Path, file: str, line: str) -> None:
    p = folder / f"{file}.csv"
    p.write_text(p.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def _quote_split(folder: Path) -> None:
    """A henkilötunnus split by quotes in the text ('"140381"-237X' is read as one value)."""
    t = copy_tables()
    t["tavoitekeskustelut"][1][1] = f'"{HETU[:6]}"{HETU[6:]}'
    write_valid(folder, t)


def write_xlsx(folder: Path, tables: dict[str, list[list[str]]] | None = None,
               name: str = "export.xlsx", edit: Callable | None = None) -> Path:
    """The valid export (or the given tables) as one workbook, a sheet per file, text cells;
    ``edit(workbook)`` changes it before it is saved."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for file, rows in (tables or VALID).items():
        ws = wb.create_sheet(file)
        ws.append(headers(file))
        for r in rows:
            ws.append([c if c != "" else None for c in r])
    if edit is not None:
        edit(wb)
    wb.save(folder / name)
    return folder


def _xlsx(edit: Callable | None = None, name: str = "export.xlsx") -> Callable[[Path], None]:
    return lambda folder: write_xlsx(folder, name=name, edit=edit) and None


def _extra_sheet(wb) -> None:
    ws = wb.create_sheet("muistiinpanot")
    ws.append(["Henkilö", "Tunnus"])
    ws.append(["P001", HETU])


def _right_of_header(wb) -> None:
    wb["koulutukset"].cell(row=3, column=len(headers("koulutukset")) + 2, value=HETU)


def _comment(wb) -> None:
    from openpyxl.comments import Comment

    wb["henkilosto"]["A2"].comment = Comment(f"Tarkista: {HETU}", "HR")


def _defined_name(wb) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["tunnus"] = DefinedName("tunnus", attr_text=f'"{HETU}"')


def _properties(wb) -> None:
    wb.properties.title = f"Vienti {HETU}"


def _far_cell(wb) -> None:
    wb["koulutukset"]["XFD1048576"] = "x"


def _symlink_to_passwd(folder: Path) -> None:
    write_valid(folder)
    (folder / "organisaatio.csv").unlink()
    (folder / "organisaatio.csv").symlink_to("/etc/passwd")


def _fifo(folder: Path) -> None:
    import os

    write_valid(folder)
    (folder / "henkilosto.csv").unlink()
    os.mkfifo(folder / "henkilosto.csv")


def _subfolder(folder: Path) -> None:
    write_valid(folder)
    (folder / "vanhat").mkdir()
    (folder / "vanhat" / "organisaatio.csv").write_text("rikki", encoding="utf-8")


def _header(file: str, extra: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        write_valid(folder)
        rows = [r + ["x"] for r in VALID[file]]
        (folder / f"{file}.csv").write_text(csv_text(file, rows, headers(file) + [extra]),
                                             encoding="utf-8")
    return build


def _utf16_with_hetu(folder: Path) -> None:
    t = copy_tables()
    t["poissaolot"][0][0] = HETU
    write_valid(folder, t)
    p = folder / "poissaolot.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16"))


def _xss_duplicate(t: dict) -> None:
    t["koulutukset"][0][0] = XSS
    t["koulutukset"][1][0] = XSS


HOSTILE: list[Case] = [
    # a henkilötunnus is found before any width or header check, in every field of every row
    Case("hetu_beyond_header_width", REFUSED,
         _extra_fields("koulutukset", 3, ["", HETU]), "henkilotunnus", "koulutukset.csv", 3,
         "column 26", hetu=True),
    Case("hetu_beyond_header_width_quoted", REFUSED,
         _extra_fields("koulutukset", 3, ["", HETU], quoted=True), "henkilotunnus",
         "koulutukset.csv", 3, "column 26", hetu=True),
    Case("hetu_in_short_row", REFUSED, _extra_fields("tavoitekeskustelut", 4, [HETU], drop=3),
         "henkilotunnus", "tavoitekeskustelut.csv", 4, "Vuosi", hetu=True),
    Case("hetu_split_by_quotes", REFUSED, _quote_split, "henkilotunnus",
         "tavoitekeskustelut.csv", 3, "Henkilönumero", hetu=True),
    Case("hetu_wrong_check_character", REFUSED,
         _cell("tavoitekeskustelut", 3, "Henkilönumero", HETU_WRONG_CHECK), "henkilotunnus",
         "tavoitekeskustelut.csv", 3, "Henkilönumero", hetu=True, planted=(HETU_WRONG_CHECK,)),
    Case("hetu_lower_case", REFUSED, _cell("koulutukset", 2, "Järjestäjä", HETU.lower()),
         "henkilotunnus", "koulutukset.csv", 2, "Järjestäjä", hetu=True, planted=(HETU.lower(),)),
    Case("hetu_with_wrong_separator", REFUSED,
         _file_bytes(lambda f: (_wrong_separator(f), _append(f, "organisaatio", f"K400,{HETU}"))),
         "henkilotunnus", "organisaatio.csv", 5, hetu=True),
    Case("hetu_in_utf16_file", REFUSED, _utf16_with_hetu, "henkilotunnus", "poissaolot.csv",
         hetu=True),
    # every part of a workbook, and file names
    Case("hetu_in_file_name", REFUSED, _xlsx(name=f"vienti-{HETU}.xlsx"), "henkilotunnus",
         f"vienti-{HETU_MASK}.xlsx", hetu=True),
    Case("hetu_on_extra_sheet", REFUSED, _xlsx(_extra_sheet), "henkilotunnus", "export.xlsx",
         hetu=True),
    Case("hetu_right_of_sheet_header", REFUSED, _xlsx(_right_of_header), "henkilotunnus",
         "export.xlsx[koulutukset]", 3, "column 26", hetu=True),
    Case("hetu_in_cell_comment", REFUSED, _xlsx(_comment), "henkilotunnus", "export.xlsx",
         hetu=True),
    Case("hetu_in_defined_name", REFUSED, _xlsx(_defined_name), "henkilotunnus", "export.xlsx",
         hetu=True),
    Case("hetu_in_document_properties", REFUSED, _xlsx(_properties), "henkilotunnus",
         "export.xlsx", hetu=True),
    # limits, checked before the work (small limits keep these cases fast)
    Case("file_too_large", REFUSED, write_valid, "file_too_large", "koulutukset.csv",
         limits={"file_bytes": 1000}),
    Case("too_many_rows", REFUSED, write_valid, "too_many_rows", "henkilosto.csv",
         limits={"rows": 6}),
    Case("too_many_columns", REFUSED, _header("koulutukset", "Huomautus"), "too_many_columns",
         "koulutukset.csv", 1, limits={"columns": 24}),
    Case("duplicate_header_100000_columns", REFUSED,
         _header("organisaatio", ";".join(["Huom"] * 100_000)), "duplicate_column",
         "organisaatio.csv", 1, "huom", limits={"columns": 200_000}),
    Case("cell_too_long", REFUSED, _cell("koulutukset", 3, "Koulutuksen nimi", "x" * 10_001),
         "cell_too_long", "koulutukset.csv", 3, "Koulutuksen nimi"),
    Case("xlsx_cell_at_xfd1048576", REFUSED, _xlsx(_far_cell), "too_many_columns",
         "export.xlsx[koulutukset]", 1048576),
    Case("xlsx_unpacks_too_large", REFUSED, _xlsx(), "xlsx_too_large", "export.xlsx",
         limits={"xlsx_unzipped_bytes": 20_000}),
    # regular files only
    Case("symlink_to_passwd", REFUSED, _symlink_to_passwd, "not_regular_file",
         "organisaatio.csv", planted=("root:",)),
    Case("fifo_in_folder", REFUSED, _fifo, "not_regular_file", "henkilosto.csv"),
    # text from the data never reaches a markup interpreter
    Case("xss_in_duplicate_key", REFUSED, _tables(_xss_duplicate), "duplicate_key",
         "koulutukset.csv", 3, "Osallistumistunnus"),
    Case("rich_markup_header", WARNING, _header("koulutukset", "[/bogus]"), "extra_column",
         "koulutukset.csv", 1, "[/bogus]"),
    # tolerated: a sub-folder is ignored; a valid workbook loads
    Case("subfolder_ignored", LOADED, _subfolder),
    Case("valid_xlsx", LOADED, _xlsx()),
]
CASES += HOSTILE
