"""Tests of the synthetic generic Finnish HR export (osaava.synth, DOMAIN.md section 4)."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from osaava.synth import generate, write_export

PERSONS = 200
YEARS = (2024, 2025)

# Headers copied from DOMAIN.md section 4, in order.
HEADERS = {
    "organisaatio": ["Kustannuspaikka", "Kustannuspaikan nimi", "Toimiala", "Toimialan nimi",
                     "Toimialan nimi ruotsiksi"],
    "henkilosto": ["Henkilönumero", "Palvelussuhdenumero", "Alkupvm", "Loppupvm", "Kustannuspaikka", "Nimike",
                   "Palvelussuhteen laji", "Työaikamuoto", "Työaikaprosentti", "Esihenkilö",
                   "Esihenkilönä alkaen", "Sukupuoli", "Syntymävuosi"],
    "palkkarivit": ["Henkilönumero", "Palvelussuhdenumero", "Maksupäivä", "Ansaintajakso alkaa",
                    "Ansaintajakso päättyy", "Palkkalaji", "Palkkalajin nimi", "Kustannuspaikka", "Tunnit", "Summa"],
    "poissaolot": ["Henkilönumero", "Palvelussuhdenumero", "Poissaolokoodi", "Alkupvm", "Loppupvm",
                   "Kalenteripäivät", "Tunnit", "Palkallisuus"],
    "koulutukset": ["Osallistumistunnus", "Koulutustunnus", "Henkilönumero", "Palvelussuhdenumero",
                    "Koulutuksen nimi", "Järjestäjä", "Tyyppi", "Osaamisalue", "Johtamiskoulutuksen taso", "Alkupvm",
                    "Loppupvm", "Tunnit", "Koulutusmuoto", "Palkallisuus %", "Osallistumismaksu", "Matkakulut",
                    "Majoitus", "Päivärahat", "Tuki", "Hakemus pvm", "Hyväksytty pvm", "Hyväksyjä", "Sitoumus kk",
                    "Tila"],
    "tavoitekeskustelut": ["Keskustelutunnus", "Henkilönumero", "Esihenkilön henkilönumero", "Vuosi", "Tila",
                           "Käyty pvm"],
    "koulutustarpeet": ["Tarvetunnus", "Keskustelutunnus", "Henkilönumero", "Osaamisalue", "Prioriteetti",
                        "Toteutustapa", "Tavoitepvm"],
}

DATE_RE = re.compile(r"^(?:[1-9]|[12]\d|3[01])\.(?:[1-9]|1[0-2])\.(?:19|20)\d\d$")
DEC_RE = re.compile(r"^-?\d+(?:,\d{1,2})?$")
EUR_RE = re.compile(r"^-?\d+,\d\d$")
INT_RE = re.compile(r"^\d+$")
HETU_RE = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b")

DATE_COLS = {
    "henkilosto": ["Alkupvm", "Loppupvm", "Esihenkilönä alkaen"],
    "palkkarivit": ["Maksupäivä", "Ansaintajakso alkaa", "Ansaintajakso päättyy"],
    "poissaolot": ["Alkupvm", "Loppupvm"],
    "koulutukset": ["Alkupvm", "Loppupvm", "Hakemus pvm", "Hyväksytty pvm"],
    "tavoitekeskustelut": ["Käyty pvm"],
    "koulutustarpeet": ["Tavoitepvm"],
}
# columns that may never be empty
REQUIRED_DATES = {("henkilosto", "Alkupvm"), ("palkkarivit", "Maksupäivä"), ("palkkarivit", "Ansaintajakso alkaa"),
                  ("palkkarivit", "Ansaintajakso päättyy"), ("poissaolot", "Alkupvm"), ("poissaolot", "Loppupvm"),
                  ("koulutukset", "Alkupvm"), ("koulutukset", "Loppupvm"), ("koulutustarpeet", "Tavoitepvm")}
DEC_COLS = {"henkilosto": ["Työaikaprosentti"], "palkkarivit": ["Tunnit"], "poissaolot": ["Tunnit"],
            "koulutukset": ["Tunnit"]}
EUR_COLS = {"palkkarivit": ["Summa"],
            "koulutukset": ["Osallistumismaksu", "Matkakulut", "Majoitus", "Päivärahat", "Tuki"]}
INT_COLS = {"henkilosto": ["Henkilönumero", "Palvelussuhdenumero", "Syntymävuosi"],
            "palkkarivit": ["Henkilönumero", "Palvelussuhdenumero", "Palkkalaji"],
            "poissaolot": ["Henkilönumero", "Palvelussuhdenumero", "Kalenteripäivät"],
            "koulutukset": ["Henkilönumero", "Palvelussuhdenumero"],
            "tavoitekeskustelut": ["Henkilönumero", "Vuosi"],
            "koulutustarpeet": ["Henkilönumero", "Prioriteetti"]}
CODES = {
    ("henkilosto", "Palvelussuhteen laji"): {"vakinainen", "määräaikainen"},
    ("henkilosto", "Työaikamuoto"): {"yleistyöaika", "toimistotyöaika", "jaksotyö", "opetustyö", "muu"},
    ("henkilosto", "Esihenkilö"): {"K", "E"},
    ("henkilosto", "Sukupuoli"): {"N", "M", "X"},
    ("poissaolot", "Poissaolokoodi"): {"SAI", "VL", "KOU", "OPV", "PER", "MUU"},
    ("poissaolot", "Palkallisuus"): {"palkallinen", "osittain", "palkaton"},
    ("koulutukset", "Tyyppi"): {"sisäinen", "ulkoinen", "verkko"},
    ("koulutukset", "Osaamisalue"): {"STRAT", "TEKN", "MUUT", "TEHO", "TIED", "LAKI", "AMM", "JOHT", "TYHY"},
    ("koulutukset", "Johtamiskoulutuksen taso"): {"", "1", "2", "3", "4"},
    ("koulutukset", "Koulutusmuoto"): {"määrätty", "palkallinen vapaa", "osittain palkallinen vapaa",
                                       "palkaton vapaa", "oma aika"},
    ("koulutukset", "Hyväksyjä"): {"", "esihenkilö", "toimialajohtaja", "henkilöstöjohtaja"},
    ("koulutukset", "Tila"): {"suoritettu", "keskeytetty", "peruttu"},
    ("tavoitekeskustelut", "Tila"): {"käyty", "sovittu", "ei käyty"},
    ("koulutustarpeet", "Osaamisalue"): {"STRAT", "TEKN", "MUUT", "TEHO", "TIED", "LAKI", "AMM", "JOHT", "TYHY"},
    ("koulutustarpeet", "Prioriteetti"): {"1", "2", "3"},
    ("koulutustarpeet", "Toteutustapa"): {"koulutus", "työssä oppiminen", "muu"},
    ("organisaatio", "Toimiala"): {"YH", "SIV", "YHD"},
}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generate(PERSONS, YEARS, seed=7)


def _date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.where(s != ""), format="%d.%m.%Y")


def _emp_periods(frames):
    h = frames["henkilosto"].copy()
    h["S"] = _date(h["Alkupvm"])
    h["E"] = _date(h["Loppupvm"]).fillna(pd.Timestamp("2262-01-01"))
    return h


# -- determinism -------------------------------------------------------------

def test_same_seed_gives_identical_frames(frames):
    again = generate(PERSONS, YEARS, seed=7)
    assert list(again) == list(frames)
    for stem in frames:
        pd.testing.assert_frame_equal(again[stem], frames[stem])


def test_other_seed_gives_other_data(frames):
    other = generate(PERSONS, YEARS, seed=8)
    assert not other["henkilosto"].equals(frames["henkilosto"])
    assert not other["koulutukset"].equals(frames["koulutukset"])


def test_written_files_are_byte_identical(frames, tmp_path):
    again = generate(PERSONS, YEARS, seed=7)
    for enc in ("utf-8-sig", "cp1252"):
        a = write_export(frames, tmp_path / f"a-{enc}", encoding=enc)
        b = write_export(again, tmp_path / f"b-{enc}", encoding=enc)
        assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    # the workbook too (openpyxl is slow, so a smaller extract suffices for the writer itself)
    small = [generate(30, YEARS, seed=7) for _ in range(2)]
    a = write_export(small[0], tmp_path / "ax", xlsx=True)
    b = write_export(small[1], tmp_path / "bx", xlsx=True)
    assert a[0].read_bytes() == b[0].read_bytes()


# -- layout and formats --------------------------------------------------------

def test_exact_headers(frames):
    assert set(frames) == set(HEADERS)
    for stem, cols in HEADERS.items():
        assert list(frames[stem].columns) == cols, stem


def test_all_cells_are_strings_without_missing_values(frames):
    for stem, df in frames.items():
        assert len(df) > 0, stem
        assert not df.isna().any().any(), stem
        assert all(isinstance(v, str) for v in df.to_numpy().ravel()), stem


def test_dates_are_finnish(frames):
    for stem, cols in DATE_COLS.items():
        for col in cols:
            s = frames[stem][col]
            filled = s[s != ""]
            assert filled.str.match(DATE_RE).all(), (stem, col, filled[~filled.str.match(DATE_RE)].head())
            if (stem, col) in REQUIRED_DATES:
                assert (s != "").all(), (stem, col)
            _date(s)  # parses as a real calendar date


def test_decimals_use_a_comma(frames):
    for stem, cols in DEC_COLS.items():
        for col in cols:
            s = frames[stem][col]
            filled = s[s != ""]
            assert filled.str.match(DEC_RE).all(), (stem, col, filled[~filled.str.match(DEC_RE)].head())
    for stem, cols in EUR_COLS.items():
        for col in cols:
            s = frames[stem][col]
            filled = s[s != ""]
            assert filled.str.match(EUR_RE).all(), (stem, col, filled[~filled.str.match(EUR_RE)].head())
    assert frames["palkkarivit"]["Tunnit"].str.contains(",").any()
    assert frames["palkkarivit"]["Summa"].str.startswith("-").any()  # corrections arrive as negative lines
    for stem, cols in INT_COLS.items():
        for col in cols:
            assert frames[stem][col].str.match(INT_RE).all(), (stem, col)


def test_codes_are_from_the_code_lists(frames):
    for (stem, col), allowed in CODES.items():
        assert set(frames[stem][col]) <= allowed, (stem, col, set(frames[stem][col]) - allowed)
    pal = frames["koulutukset"]["Palkallisuus %"]
    assert set(pal[pal != ""]) <= {"0", "50", "100"}
    wt = frames["palkkarivit"]["Palkkalaji"].astype(int)
    assert wt.between(1000, 4999).all()
    assert set(frames["palkkarivit"].loc[wt == 1001, "Palkkalajin nimi"]) == {"Tehtäväkohtainen palkka"}


def test_ids_are_unique(frames):
    assert frames["koulutukset"]["Osallistumistunnus"].is_unique
    assert frames["tavoitekeskustelut"]["Keskustelutunnus"].is_unique
    assert frames["koulutustarpeet"]["Tarvetunnus"].is_unique
    assert frames["organisaatio"]["Kustannuspaikka"].is_unique
    k = frames["koulutukset"]
    # one course id = one course: same name, organiser and dates for all its participants
    assert (k.groupby("Koulutustunnus")[["Koulutuksen nimi", "Järjestäjä", "Alkupvm", "Loppupvm"]]
            .nunique() == 1).all().all()
    assert k["Henkilönumero"].str.len().eq(5).all()


def test_only_cp1252_characters(frames):
    for stem, df in frames.items():
        for v in set(df.to_numpy().ravel()) | set(df.columns):
            v.encode("cp1252")


def test_no_value_shaped_like_a_henkilotunnus(frames):
    for stem, df in frames.items():
        for v in set(df.to_numpy().ravel()):
            assert not HETU_RE.search(v), (stem, v)


# -- referential integrity -------------------------------------------------------

def test_periods_never_overlap_within_an_employment(frames):
    h = _emp_periods(frames).sort_values(["Henkilönumero", "Palvelussuhdenumero", "S"])
    assert (h["S"] <= h["E"]).all()
    prev_end = h.groupby(["Henkilönumero", "Palvelussuhdenumero"])["E"].shift()
    assert not (h["S"] <= prev_end).any()
    # employments of one person do not overlap either, and numbers run 1, 2, ...
    emp = h.groupby(["Henkilönumero", "Palvelussuhdenumero"]).agg(S=("S", "min"), E=("E", "max")).reset_index()
    emp = emp.sort_values(["Henkilönumero", "S"])
    assert not (emp["S"] <= emp.groupby("Henkilönumero")["E"].shift()).any()
    nums = emp.groupby("Henkilönumero")["Palvelussuhdenumero"].apply(lambda s: sorted(s.astype(int)))
    assert all(v == list(range(1, len(v) + 1)) for v in nums)


def test_cost_centres_exist(frames):
    known = set(frames["organisaatio"]["Kustannuspaikka"])
    assert set(frames["henkilosto"]["Kustannuspaikka"]) <= known
    assert set(frames["palkkarivit"]["Kustannuspaikka"]) <= known
    org = frames["organisaatio"]
    assert org.groupby("Toimiala").size().between(3, 6).all()


def test_participations_belong_to_an_employment_covering_them(frames):
    h = _emp_periods(frames)
    k = frames["koulutukset"].copy()
    k["KS"], k["KE"] = _date(k["Alkupvm"]), _date(k["Loppupvm"])
    keys = set(zip(h["Henkilönumero"], h["Palvelussuhdenumero"]))
    assert set(k["Henkilönumero"]) <= set(h["Henkilönumero"])
    assert set(zip(k["Henkilönumero"], k["Palvelussuhdenumero"])) <= keys
    emp = h.groupby(["Henkilönumero", "Palvelussuhdenumero"]).agg(S=("S", "min"), E=("E", "max")).reset_index()
    m = k.merge(emp, on=["Henkilönumero", "Palvelussuhdenumero"])
    assert len(m) == len(k)
    assert ((m["KS"] >= m["S"]) & (m["KE"] <= m["E"]) & (m["KS"] <= m["KE"])).all()


def test_payroll_and_absences_belong_to_employments(frames):
    h = _emp_periods(frames)
    emp = h.groupby(["Henkilönumero", "Palvelussuhdenumero"]).agg(S=("S", "min"), E=("E", "max")).reset_index()
    for stem, start, end in (("palkkarivit", "Ansaintajakso alkaa", "Ansaintajakso päättyy"),
                             ("poissaolot", "Alkupvm", "Loppupvm")):
        df = frames[stem]
        m = df.merge(emp, on=["Henkilönumero", "Palvelussuhdenumero"], how="left")
        assert m["S"].notna().all(), stem
        a, b = _date(m[start]), _date(m[end])
        assert ((a >= m["S"]) & (b <= m["E"]) & (a <= b)).all(), stem
    ab = frames["poissaolot"].copy()
    days = (_date(ab["Loppupvm"]) - _date(ab["Alkupvm"])).dt.days + 1
    assert (days == ab["Kalenteripäivät"].astype(int)).all()


def test_needs_reference_held_discussions(frames):
    d = frames["tavoitekeskustelut"]
    n = frames["koulutustarpeet"]
    m = n.merge(d, on="Keskustelutunnus", how="left", suffixes=("", "_d"))
    assert m["Tila"].notna().all()
    assert (m["Henkilönumero"] == m["Henkilönumero_d"]).all()
    assert (m["Tila"] == "käyty").all()
    assert (_date(m["Tavoitepvm"]).dt.year == m["Vuosi"].astype(int)).all()


def test_discussions_name_a_supervisor(frames):
    h = frames["henkilosto"]
    sups = set(h.loc[h["Esihenkilö"] == "K", "Henkilönumero"])
    d = frames["tavoitekeskustelut"]
    boss = d["Esihenkilön henkilönumero"]
    assert set(boss) <= sups
    assert not (boss == d["Henkilönumero"]).any()
    held = d[d["Tila"] == "käyty"]
    assert (held["Käyty pvm"] != "").all()
    assert (d.loc[d["Tila"] != "käyty", "Käyty pvm"] == "").all()


# -- realism --------------------------------------------------------------------

def test_supervisor_share(frames):
    h = _emp_periods(frames)
    end = pd.Timestamp(YEARS[-1], 12, 31)
    cur = h[(h["S"] <= end) & (h["E"] >= end)]
    share = cur.loc[cur["Esihenkilö"] == "K", "Henkilönumero"].nunique() / cur["Henkilönumero"].nunique()
    assert 0.05 <= share <= 0.12, share


def test_discussion_held_share(frames):
    d = frames["tavoitekeskustelut"]
    share = (d["Tila"] == "käyty").mean()
    assert 0.75 <= share <= 0.95, share


def test_sector_sizes_and_training_mix(frames):
    h = frames["henkilosto"].merge(frames["organisaatio"][["Kustannuspaikka", "Toimiala"]])
    share = h.drop_duplicates("Henkilönumero")["Toimiala"].value_counts(normalize=True)
    assert share["SIV"] > share["YH"] > share["YHD"]
    k = frames["koulutukset"]
    mix = k["Tyyppi"].value_counts(normalize=True)
    assert mix["sisäinen"] > mix["ulkoinen"] > mix["verkko"] > 0.1
    internal = k[k["Tyyppi"] == "sisäinen"]
    assert (internal["Osallistumismaksu"] == "0,00").all()


def test_training_absences_mostly_match_the_register(frames):
    k = frames["koulutukset"]
    k = k[(k["Tila"] != "peruttu")
          & k["Koulutusmuoto"].isin(["määrätty", "palkallinen vapaa", "osittain palkallinen vapaa"])
          & (_date(k["Alkupvm"]) >= pd.Timestamp(YEARS[0] - 1, 1, 1))]
    kou = frames["poissaolot"]
    kou = kou[kou["Poissaolokoodi"] == "KOU"]
    m = k.merge(kou, on=["Henkilönumero", "Palvelussuhdenumero", "Alkupvm", "Loppupvm"], how="left",
                indicator=True)
    exact = (m["_merge"] == "both").mean()
    assert 0.9 <= exact < 1.0, exact
    assert len(kou) == len(k)


def test_some_employments_have_no_regular_pay(frames):
    h = frames["henkilosto"]
    p = frames["palkkarivit"]
    emps = set(zip(h["Henkilönumero"], h["Palvelussuhdenumero"]))
    reg = p[p["Palkkalaji"] == "1001"]
    with_pay = set(zip(reg["Henkilönumero"], reg["Palvelussuhdenumero"]))
    assert 1 <= len(emps - with_pay) <= max(3, 0.03 * len(emps))


# -- writing -----------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_csv_roundtrip(frames, tmp_path, encoding):
    paths = write_export(frames, tmp_path / "out", encoding=encoding)
    assert sorted(p.name for p in paths) == sorted(f"{s}.csv" for s in HEADERS)
    for path in paths:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
        back = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding=encoding)
        pd.testing.assert_frame_equal(back, frames[path.stem], check_dtype=False)


def test_xlsx_roundtrip(frames, tmp_path):
    paths = write_export(frames, tmp_path / "x", xlsx=True)
    assert [p.name for p in paths] == ["export.xlsx"]
    back = pd.read_excel(paths[0], sheet_name=None, dtype=str, keep_default_na=False)
    assert list(back) == list(HEADERS)
    for stem, df in back.items():
        pd.testing.assert_frame_equal(df, frames[stem], check_dtype=False)


def test_realistic_payroll_lines_change_no_other_row():
    """Issue 15: the bench's payroll of ~11 lines per person-month adds only supplements without
    hours, from a random stream of their own: every other row (and so every figure) is the same."""
    from osaava.synth import EXTRA_SUPPLEMENTS, generate

    plain = generate(120, (2024, 2025), 3)
    many = generate(120, (2024, 2025), 3, payroll_lines_per_month=11)
    for stem in plain:
        if stem != "palkkarivit":
            assert plain[stem].equals(many[stem]), stem
    pay = many["palkkarivit"]
    extra = pay["Palkkalaji"].isin([str(w) for w in EXTRA_SUPPLEMENTS])
    assert pay[~extra].reset_index(drop=True).equals(plain["palkkarivit"])
    assert (pay.loc[extra, "Tunnit"] == "").all()
    per_month = pay.groupby(["Henkilönumero", "Palvelussuhdenumero", "Maksupäivä"]).size().mean()
    assert 10 < per_month < 12
