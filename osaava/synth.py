"""Synthetic "generic Finnish HR export" for the Kauniainen demo (DOMAIN.md section 4).

Pure module: no Prefect, no network, no files read.  ``generate`` builds one
DataFrame per export file (all cells already formatted as a Finnish export
writes them: ``d.m.yyyy`` dates, decimal comma, empty string for no value) and
``write_export`` writes them as ``;``-separated CSV files or one XLSX workbook.

Everything is drawn from one ``numpy.random.Generator(PCG64(seed))`` in a fixed
order, so the same arguments always give byte-identical files.  The bulk is
vectorised; Python loops run only over years, sectors, cost centres and
training templates.

Planted guideline deviations (selected with an exact count = round(rate x base),
at least one when the base has 10 or more rows):

* late approval (``Hyväksytty pvm`` after ``Alkupvm``): 2.5 % of non-cancelled
  participations that need an application;
* missing approval: 2 % of the remaining non-cancelled external participations;
* approver below the limit: 3 % of the remaining ones whose net direct cost needs
  more than a supervisor;
* commitment (``Sitoumus kk``) missing: 3 % of participations the commitment
  rule applies to;
* repayment cases: 2 % (at least 2) of committed participations end up with an
  employment that ends inside the 24-month commitment; all other committed
  participations have employments that last past the commitment;
* paid training days over the cap: 2 % of the persons employed in a year get a
  66-96 h ordered programme (natural cases from management programmes add a few);
* supervisors past the grace period without level 1: 3 % of the supervisors on
  31.12. of the last year whose grace period is over;
* pay data missing: 1 % of employments have no regular-pay lines at all;
* training absences: 5 % of the KOU absences differ from the register by 2-3 days.

Other conventions worth knowing when reading the data:

* the window is 1.1.(min(years)-1) .. 31.12.max(years); employments that started earlier carry their
  full period history (e.g. the period before someone became a supervisor);
* a KOU absence exists for every participation in the window that is not ``peruttu`` and whose
  ``Koulutusmuoto`` is määrätty, palkallinen vapaa (palkallinen) or osittain palkallinen vapaa
  (osittain), with the participation's dates and hours; ``palkaton vapaa`` gives an unpaid study
  leave (OPV, palkaton) with the register's dates; ``oma aika`` gives no absence; sessions never cross
  the turn of a year;
* ``peruttu`` rows keep their planned hours and never carry a commitment;
* committed (rule) participations are never cancelled or interrupted, so the commitment and
  repayment findings do not depend on how cancelled rows are read;
* level-1 supervisor inductions may lie before the window (the register keeps history);
* ``Loppupvm`` of a fixed-term employment may lie after the window (planned end).
"""
from __future__ import annotations

import functools
import io
import pathlib
import re
import zipfile

import numpy as np
import pandas as pd

__all__ = ["generate", "write_export", "COLUMNS", "STEMS"]

# ---------------------------------------------------------------------------
# Export layout (DOMAIN.md section 4)
# ---------------------------------------------------------------------------

COLUMNS: dict[str, list[str]] = {
    "organisaatio": ["Kustannuspaikka", "Kustannuspaikan nimi", "Toimiala", "Toimialan nimi",
                     "Toimialan nimi ruotsiksi"],
    "henkilosto": ["Henkilönumero", "Palvelussuhdenumero", "Alkupvm", "Loppupvm", "Kustannuspaikka",
                   "Nimike", "Palvelussuhteen laji", "Työaikamuoto", "Työaikaprosentti", "Esihenkilö",
                   "Esihenkilönä alkaen", "Sukupuoli", "Syntymävuosi"],
    "palkkarivit": ["Henkilönumero", "Palvelussuhdenumero", "Maksupäivä", "Ansaintajakso alkaa",
                    "Ansaintajakso päättyy", "Palkkalaji", "Palkkalajin nimi", "Kustannuspaikka", "Tunnit",
                    "Summa"],
    "poissaolot": ["Henkilönumero", "Palvelussuhdenumero", "Poissaolokoodi", "Alkupvm", "Loppupvm",
                   "Kalenteripäivät", "Tunnit", "Palkallisuus"],
    "koulutukset": ["Osallistumistunnus", "Koulutustunnus", "Henkilönumero", "Palvelussuhdenumero",
                    "Koulutuksen nimi", "Järjestäjä", "Tyyppi", "Osaamisalue", "Johtamiskoulutuksen taso",
                    "Alkupvm", "Loppupvm", "Tunnit", "Koulutusmuoto", "Palkallisuus %", "Osallistumismaksu",
                    "Matkakulut", "Majoitus", "Päivärahat", "Tuki", "Hakemus pvm", "Hyväksytty pvm",
                    "Hyväksyjä", "Sitoumus kk", "Tila"],
    "tavoitekeskustelut": ["Keskustelutunnus", "Henkilönumero", "Esihenkilön henkilönumero", "Vuosi", "Tila",
                           "Käyty pvm"],
    "koulutustarpeet": ["Tarvetunnus", "Keskustelutunnus", "Henkilönumero", "Osaamisalue", "Prioriteetti",
                        "Toteutustapa", "Tavoitepvm"],
}
STEMS: tuple[str, ...] = tuple(COLUMNS)

# ---------------------------------------------------------------------------
# Reference data of the Kauniainen example
# ---------------------------------------------------------------------------

SECTORS = [  # code, name, Swedish name, share of staff, part-time share, fixed-term share, women
    ("YH", "Yleishallinto", "Allmänna förvaltningen", 0.25, 0.20, 0.15, 0.76),
    ("SIV", "Sivistystoimi", "Bildningssektorn", 0.60, 0.15, 0.25, 0.80),
    ("YHD", "Yhdyskuntatoimi", "Samhällstekniska sektorn", 0.15, 0.07, 0.12, 0.30),
]
MUOTO = ["yleistyöaika", "toimistotyöaika", "jaksotyö", "opetustyö", "muu"]
_MU = {"Y": 0, "T": 1, "J": 2, "O": 3, "M": 4}
DAY_HOURS = np.array([765, 725, 765, 765, 765])  # hundredths of an hour per working day

# code, name, sector, weight in sector, titles (name, muoto, hourly EUR, weight), supervisor title
COST_CENTRES = [
    ("1100", "Hallintopalvelut", 0, 15,
     [("Toimistosihteeri", "T", 20.4, 3), ("Hallintosihteeri", "T", 22.6, 2),
      ("Asiakaspalvelusihteeri", "T", 19.6, 2), ("Viestintäsuunnittelija", "T", 27.0, 1),
      ("Kaupunginlakimies", "T", 38.0, 0.3)], ("Hallintopäällikkö", "T", 37.0)),
    ("1200", "Talous- ja tietohallintopalvelut", 0, 12,
     [("Kirjanpitäjä", "T", 21.8, 3), ("Controller", "T", 30.5, 1),
      ("Tietohallintoasiantuntija", "T", 29.5, 1.5), ("Lähitukihenkilö", "T", 22.0, 1)],
     ("Talouspäällikkö", "T", 39.0)),
    ("1300", "Henkilöstöpalvelut", 0, 8,
     [("Palkkasihteeri", "T", 21.5, 3), ("Henkilöstösuunnittelija", "T", 27.5, 2),
      ("Työhyvinvointikoordinaattori", "T", 26.5, 1)], ("Henkilöstöpäällikkö", "T", 41.0)),
    ("1400", "Ruokapalvelut", 0, 35,
     [("Kokki", "Y", 19.2, 3), ("Ravitsemistyöntekijä", "Y", 18.3, 4), ("Dieettikokki", "Y", 19.8, 1)],
     ("Ravintolaesihenkilö", "Y", 24.5)),
    ("1500", "Puhtauspalvelut", 0, 30,
     [("Laitoshuoltaja", "Y", 18.2, 6), ("Tekstiilihuoltaja", "Y", 18.4, 1)],
     ("Siivoustyönjohtaja", "Y", 24.0)),
    ("2100", "Suomenkielinen perusopetus", 1, 24,
     [("Luokanopettaja", "O", 29.0, 5), ("Lehtori", "O", 31.0, 3), ("Erityisopettaja", "O", 31.5, 1.5),
      ("Koulunkäynninohjaaja", "Y", 18.6, 3), ("Koulusihteeri", "T", 19.8, 0.5)], ("Rehtori", "M", 41.0)),
    ("2200", "Ruotsinkielinen perusopetus", 1, 20,
     [("Klasslärare", "O", 29.0, 5), ("Lektor", "O", 31.0, 3), ("Speciallärare", "O", 31.5, 1.5),
      ("Skolgångshandledare", "Y", 18.6, 3), ("Skolsekreterare", "T", 19.8, 0.5)], ("Rektor", "M", 41.0)),
    ("2300", "Lukiokoulutus", 1, 9,
     [("Lehtori", "O", 32.0, 6), ("Opinto-ohjaaja", "O", 31.0, 1), ("Tuntiopettaja", "O", 27.5, 1)],
     ("Rehtori", "M", 43.0)),
    ("2400", "Varhaiskasvatus", 1, 36,
     [("Varhaiskasvatuksen opettaja", "Y", 22.6, 4), ("Lastentarhanopettaja", "Y", 22.6, 1),
      ("Varhaiskasvatuksen lastenhoitaja", "Y", 18.7, 6), ("Varhaiskasvatuksen erityisopettaja", "Y", 26.0, 1),
      ("Päiväkotiapulainen", "Y", 18.1, 1)], ("Päiväkodin johtaja", "Y", 30.5)),
    ("2500", "Kulttuuri- ja vapaa-aikapalvelut", 1, 8,
     [("Kirjastovirkailija", "Y", 19.2, 3), ("Kirjastonhoitaja", "Y", 22.4, 2), ("Nuoriso-ohjaaja", "Y", 20.3, 2),
      ("Uimavalvoja", "J", 19.0, 2), ("Liikunnanohjaaja", "Y", 21.0, 1)],
     ("Kulttuuri- ja vapaa-aikapäällikkö", "T", 36.0)),
    ("2600", "Sivistystoimen hallinto", 1, 3,
     [("Hallintosihteeri", "T", 22.6, 2), ("Varhaiskasvatuksen palveluohjaaja", "T", 23.4, 1),
      ("Suunnittelija", "T", 27.2, 1)], ("Sivistystoimenjohtaja", "T", 45.0)),
    ("3100", "Kuntatekniikka", 2, 40,
     [("Kunnossapitotyöntekijä", "Y", 19.3, 4), ("Puutarhuri", "Y", 19.6, 2),
      ("Kuntatekniikan insinööri", "T", 30.0, 1), ("Ajoneuvonkuljettaja", "Y", 19.8, 1)],
     ("Työnjohtaja", "Y", 27.5)),
    ("3200", "Tilapalvelut", 2, 35,
     [("Kiinteistönhoitaja", "Y", 20.2, 4), ("Kiinteistötyöntekijä", "Y", 19.0, 2),
      ("Rakennusmestari", "T", 29.0, 1)], ("Kiinteistöpäällikkö", "T", 37.5)),
    ("3300", "Rakennusvalvonta", 2, 10,
     [("Rakennustarkastaja", "T", 31.0, 2), ("Lupasihteeri", "T", 21.2, 1)],
     ("Johtava rakennustarkastaja", "T", 40.0)),
    ("3400", "Kaavoitus ja ympäristö", 2, 15,
     [("Kaavoitusarkkitehti", "T", 33.0, 2), ("Ympäristötarkastaja", "T", 28.0, 1),
      ("Paikkatietosuunnittelija", "T", 27.0, 1)], ("Kaupunginarkkitehti", "T", 42.0)),
]

AREAS = ["STRAT", "TEKN", "MUUT", "TEHO", "TIED", "LAKI", "AMM", "JOHT", "TYHY"]
AREA_W = np.array([0.08, 0.16, 0.08, 0.10, 0.14, 0.10, 0.22, 0.02, 0.10])
TYYPPI = ["sisäinen", "ulkoinen", "verkko"]
MUODOT = ["määrätty", "palkallinen vapaa", "osittain palkallinen vapaa", "palkaton vapaa", "oma aika"]
ROLES = ["esihenkilö", "toimialajohtaja", "henkilöstöjohtaja"]
TILAT = ["suoritettu", "keskeytetty", "peruttu"]
OMA = "Oma organisaatio"

# name, type (0 sis, 1 ulk, 2 verkko), area, level, organiser, audience, hours lo/hi, fee lo/hi, weight
# audience: ALL / YH / SIV / YHD for the general draw; L1..L4, SUP, CAP are placed separately.
TEMPLATES = [
    ("Tietosuojan perusteet", 0, "TIED", 0, OMA, "ALL", 2, 3, 0, 0, 3),
    ("Tietoturva arjessa", 0, "TIED", 0, OMA, "ALL", 1, 2, 0, 0, 2),
    ("Asianhallintajärjestelmän käyttö", 0, "TIED", 0, OMA, "YH", 2, 4, 0, 0, 2),
    ("Kaupunkistrategia tutuksi", 0, "STRAT", 0, OMA, "ALL", 2, 3, 0, 0, 2),
    ("Talousarvioprosessi", 0, "STRAT", 0, OMA, "YH", 2, 4, 0, 0, 1),
    ("Microsoft 365 -perusteet", 0, "TEKN", 0, OMA, "ALL", 2, 4, 0, 0, 3),
    ("Tekoäly työn tukena", 0, "TEKN", 0, OMA, "ALL", 2, 3, 0, 0, 2),
    ("Digitaaliset oppimisympäristöt", 0, "TEKN", 0, OMA, "SIV", 3, 6, 0, 0, 3),
    ("Muutos ja työyhteisö", 0, "MUUT", 0, OMA, "ALL", 2, 4, 0, 0, 2),
    ("Hyvinvointialueen yhteistyökäytännöt", 0, "MUUT", 0, OMA, "SIV", 2, 3, 0, 0, 1),
    ("Prosessien kehittäminen", 0, "TEHO", 0, OMA, "ALL", 3, 6, 0, 0, 2),
    ("Hankintojen käytännöt", 0, "TEHO", 0, OMA, "YHD", 2, 4, 0, 0, 2),
    ("Hallintolaki ja viranhaltijapäätökset", 0, "LAKI", 0, OMA, "ALL", 2, 4, 0, 0, 2),
    ("Julkisuuslaki ja asiakirjahallinto", 0, "LAKI", 0, OMA, "YH", 2, 3, 0, 0, 1),
    ("Kielikylpypedagogiikka", 0, "AMM", 0, OMA, "SIV", 3, 6, 0, 0, 3),
    ("Varhaiskasvatuksen pedagoginen dokumentointi", 0, "AMM", 0, OMA, "SIV", 3, 6, 0, 0, 3),
    ("Oppimisen tuen käytännöt", 0, "AMM", 0, OMA, "SIV", 3, 6, 0, 0, 3),
    ("Erityisruokavaliot", 0, "AMM", 0, OMA, "YH", 2, 4, 0, 0, 2),
    ("Puhdistuspalveluiden menetelmät", 0, "AMM", 0, OMA, "YH", 3, 6, 0, 0, 2),
    ("Talvikunnossapito", 0, "AMM", 0, OMA, "YHD", 3, 6, 0, 0, 3),
    ("Ensiavun kertauskurssi", 0, "TYHY", 0, OMA, "ALL", 4, 6, 0, 0, 2),
    ("Alkusammutusharjoitus", 0, "TYHY", 0, OMA, "ALL", 2, 3, 0, 0, 2),
    ("Uhka- ja väkivaltatilanteiden ennaltaehkäisy", 0, "TYHY", 0, OMA, "SIV", 3, 3, 0, 0, 1),
    ("Ergonomia ja työhyvinvointi", 0, "TYHY", 0, OMA, "ALL", 1, 2, 0, 0, 1),
    ("Tietosuoja verkkokurssi", 2, "TIED", 0, OMA, "ALL", 1, 2, 0, 0, 3),
    ("Tietoturvan verkkokurssi", 2, "TIED", 0, OMA, "ALL", 1, 1, 0, 0, 2),
    ("Tekoälyn perusteet verkossa", 2, "TEKN", 0, "Kuntaliitto", "ALL", 3, 6, 0, 150, 2),
    ("Saavutettavuus verkkosisällöissä", 2, "TEKN", 0, "Kuntaliitto", "ALL", 2, 3, 60, 120, 1),
    ("Hankintalain perusteet verkossa", 2, "LAKI", 0, "Kuntaliitto", "ALL", 3, 4, 100, 200, 1),
    ("Hygieniaosaaminen verkossa", 2, "AMM", 0, "Otavan Opisto", "YH", 3, 6, 50, 90, 2),
    ("Työturvallisuuden perusteet verkossa", 2, "TYHY", 0, OMA, "ALL", 1, 2, 0, 0, 2),
    ("Lean-perusteet verkossa", 2, "TEHO", 0, "Haaga-Helia", "ALL", 2, 4, 80, 250, 1),
    ("Muutosjoustavuus verkossa", 2, "MUUT", 0, "Otavan Opisto", "ALL", 2, 4, 50, 150, 1),
    ("Kunta-alan ajankohtaispäivät", 1, "STRAT", 0, "Kuntaliitto", "ALL", 6, 12, 250, 600, 2),
    ("Kuntatalouden ennakointi", 1, "STRAT", 0, "Kuntaliitto", "YH", 6, 12, 300, 700, 1),
    ("Digitalisaatio kuntatyössä", 1, "TEKN", 0, "Haaga-Helia", "ALL", 6, 14, 300, 900, 2),
    ("Tietohallinnon ajankohtaispäivät", 1, "TIED", 0, "Kuntaliitto", "YH", 6, 12, 300, 800, 1),
    ("Asiakirjahallinnon ammattilainen", 1, "TIED", 0, "Otavan Opisto", "YH", 18, 36, 800, 1800, 1),
    ("Muutosvalmennus", 1, "MUUT", 0, "Arcada", "ALL", 12, 24, 600, 1500, 1),
    ("Hankintaosaamisen valmennus", 1, "TEHO", 0, "Kuntaliitto", "ALL", 12, 30, 700, 1800, 1),
    ("KVTES ajankohtaiset", 1, "LAKI", 0, "Kuntaliitto", "YH", 6, 6, 250, 450, 1),
    ("Varhaiskasvatuslain muutokset", 1, "LAKI", 0, "Opetushallitus", "SIV", 6, 6, 150, 400, 1),
    ("Oppimisen tuen uudistus", 1, "LAKI", 0, "Opetushallitus", "SIV", 6, 12, 200, 500, 2),
    ("Kielikylpyopettajan täydennyskoulutus", 1, "AMM", 0, "Arcada", "SIV", 18, 45, 600, 1800, 2),
    ("Fortbildning för klasslärare", 1, "AMM", 0, "Arcada", "SIV", 12, 30, 400, 1200, 2),
    ("Erityispedagogiikan täydennyskoulutus", 1, "AMM", 0, "Otavan Opisto", "SIV", 15, 60, 900, 2500, 1),
    ("Ruokapalvelujen ajankohtaispäivät", 1, "AMM", 0, "Kuntaliitto", "YH", 6, 12, 200, 500, 1),
    ("Tieturva 1", 1, "AMM", 0, "Infra ry", "YHD", 6, 6, 150, 250, 2),
    ("Rakennusvalvonnan ajankohtaispäivät", 1, "AMM", 0, "Kuntaliitto", "YHD", 6, 12, 300, 600, 1),
    ("Kiinteistönhoidon täydennyskoulutus", 1, "AMM", 0, "Haaga-Helia", "YHD", 12, 30, 500, 1500, 1),
    ("Työturvallisuuskortti", 1, "TYHY", 0, "Työterveyslaitos", "ALL", 8, 8, 120, 200, 2),
    ("Ensiapukurssi EA1", 1, "TYHY", 0, "Suomen Punainen Risti", "ALL", 16, 16, 150, 250, 1),
    ("Vuorovaikutus ja työhyvinvointi", 1, "TYHY", 0, "Työterveyslaitos", "ALL", 6, 12, 300, 800, 1),
    # placed separately
    ("Esihenkilöperehdytys", 0, "JOHT", 1, OMA, "L1", 6, 6, 0, 0, 0),
    ("Esihenkilövalmennus", 1, "JOHT", 2, "Kuntaliitto", "L2", 24, 60, 1200, 2500, 0),
    ("Johtamisen ja yritysjohtamisen erikoisammattitutkinto", 1, "JOHT", 3, "Otavan Opisto", "L3",
     80, 150, 2500, 4500, 0),
    ("Executive MBA i offentligt ledarskap", 1, "JOHT", 4, "Arcada", "L4", 100, 150, 4000, 6000, 0),
    ("Esihenkilöiden kehittämispäivä", 0, "JOHT", 0, OMA, "SUP", 4, 6, 0, 0, 0),
    ("Ammatillinen täydennyskoulutusohjelma", 1, "AMM", 0, "Haaga-Helia", "CAP", 66, 96, 1200, 2500, 0),
]
_T_AUD = np.array([t[5] for t in TEMPLATES])
_T_TYPE = np.array([t[1] for t in TEMPLATES])
_T_AREA = np.array([AREAS.index(t[2]) for t in TEMPLATES])
_T_LEVEL = np.array([t[3] for t in TEMPLATES])
_T_HLO = np.array([t[6] for t in TEMPLATES], float)
_T_HHI = np.array([t[7] for t in TEMPLATES], float)
_T_FLO = np.array([t[8] for t in TEMPLATES], float)
_T_FHI = np.array([t[9] for t in TEMPLATES], float)
_T_W = np.array([t[10] for t in TEMPLATES], float)
_T_GROUP = np.where(_T_TYPE == 0, 14, np.where(_T_TYPE == 2, 40, 3))
for _i, _t in enumerate(TEMPLATES):
    _T_GROUP[_i] = {"L2": 6, "L3": 5, "L4": 3, "SUP": 40, "CAP": 3}.get(_t[5], _T_GROUP[_i])
_TPL = {t[5]: i for i, t in enumerate(TEMPLATES) if t[5] in ("L1", "L2", "L3", "L4", "SUP", "CAP")}

WAGE_TYPES = {
    1001: "Tehtäväkohtainen palkka", 1101: "Henkilökohtainen lisä", 1102: "Kokemuslisä",
    1201: "Ylityökorvaus 50 %", 1301: "Lomaraha", 1302: "Lomakorvaus", 4001: "Kilometrikorvaus",
    # supplements written only with payroll_lines_per_month (a real payroll's many small lines)
    1103: "Iltatyökorvaus", 1104: "Yötyökorvaus", 1105: "Lauantaityökorvaus",
    1106: "Sunnuntaityökorvaus", 1107: "Vuorolisä", 1108: "Erilliskorvaus",
}
EXTRA_SUPPLEMENTS = (1103, 1104, 1105, 1106, 1107, 1108)
#: Payroll lines per paid person-month of a real municipal payroll (base pay, supplements,
#: overtime, holiday pay, corrections): the bench default (issue 15).
REALISTIC_PAYROLL_LINES_PER_MONTH = 11.0
# tax-free per diems (full day, part day) in cents, Verohallinto
PER_DIEM = {2022: (4500, 2000), 2023: (4800, 2200), 2024: (5100, 2400), 2025: (5300, 2400)}

# ---------------------------------------------------------------------------
# Dates and formatting helpers (dates are int64 days since 1970-01-01)
# ---------------------------------------------------------------------------

_EPOCH = np.datetime64("1970-01-01", "D")
OPEN = int((np.datetime64("2100-01-01", "D") - _EPOCH).astype(np.int64))  # "no end" sentinel
_K = 1 << 17  # key multiplier: index * _K + day


def _day(y: int, m: int = 1, d: int = 1) -> int:
    return int((np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D") - _EPOCH).astype(np.int64))


def _dt(a) -> np.ndarray:
    return np.asarray(a, np.int64).astype("M8[D]")


def _year(a) -> np.ndarray:
    return _dt(a).astype("M8[Y]").astype(np.int64) + 1970


def _mon(a) -> np.ndarray:
    return _dt(a).astype("M8[M]").astype(np.int64)


def _mstart(m) -> np.ndarray:
    return np.asarray(m, np.int64).astype("M8[M]").astype("M8[D]").astype(np.int64)


def _mend(a) -> np.ndarray:
    return _mstart(_mon(a) + 1) - 1


def _add_months(a, k) -> np.ndarray:
    a = np.asarray(a, np.int64)
    m = _mon(a)
    dom = a - _mstart(m)
    t = m + k
    return _mstart(t) + np.minimum(dom, _mstart(t + 1) - _mstart(t) - 1)


def _easter(y: int) -> int:
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return _day(y, month, day)


@functools.cache
def _calendar() -> np.busdaycalendar:
    """Finnish public holidays 1970-2099 (weekends are off anyway)."""
    hol = []
    for y in range(1970, 2100):
        hol += [_day(y, 1, 1), _day(y, 1, 6), _day(y, 5, 1), _day(y, 12, 6), _day(y, 12, 24),
                _day(y, 12, 25), _day(y, 12, 26)]
        e = _easter(y)
        hol += [e - 2, e + 1, e + 39]
        mid = _day(y, 6, 19)
        hol.append(mid + (4 - (mid + 3) % 7) % 7)  # midsummer eve: Friday 19.-25.6.
    return np.busdaycalendar(holidays=_dt(np.array(sorted(hol))))


def _workday_fwd(a) -> np.ndarray:
    return np.busday_offset(_dt(a), 0, roll="forward", busdaycal=_calendar()).astype(np.int64)


def _workday_add(a, n) -> np.ndarray:
    return np.busday_offset(_dt(a), n, roll="forward", busdaycal=_calendar()).astype(np.int64)


def _workdays(s, e) -> np.ndarray:
    return np.busday_count(_dt(s), _dt(np.asarray(e) + 1), busdaycal=_calendar())


@functools.cache
def _date_strings() -> np.ndarray:
    d = np.arange(OPEN).astype("M8[D]")
    y = d.astype("M8[Y]").astype(np.int64) + 1970
    m = d.astype("M8[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("M8[M]").astype("M8[D]")).astype(np.int64) + 1
    out = np.empty(OPEN + 1, object)
    out[:OPEN] = [f"{a}.{b}.{c}" for a, b, c in zip(dd.tolist(), m.tolist(), y.tolist())]
    out[OPEN] = ""
    return out


def _fd(a) -> np.ndarray:
    """Days -> 'd.m.yyyy'; negative or >= OPEN -> ''."""
    a = np.asarray(a, np.int64)
    return _date_strings()[np.where((a < 0) | (a >= OPEN), OPEN, a)]


_FRAC2 = np.array([f",{i:02d}" for i in range(100)])
_FRACT = np.array(["" if i == 0 else (f",{i // 10}" if i % 10 == 0 else f",{i:02d}") for i in range(100)])


def _fh(v, trim: bool = True, empty=None) -> np.ndarray:
    """Hundredths -> decimal-comma string ('7,5' trimmed, '1234,50' not trimmed)."""
    v = np.asarray(v, np.int64)
    a = np.abs(v)
    s = np.strings.add(np.where(v < 0, "-", ""), (a // 100).astype(str))
    s = np.strings.add(s, (_FRACT if trim else _FRAC2)[a % 100])
    out = s.astype(object)
    if empty is not None:
        out[np.asarray(empty, bool)] = ""
    return out


def _fi(v, empty=None) -> np.ndarray:
    out = np.asarray(v, np.int64).astype(str).astype(object)
    if empty is not None:
        out[np.asarray(empty, bool)] = ""
    return out


def _lookup(names, idx) -> np.ndarray:
    table = np.array(list(names) + [""], dtype=object)
    return table[np.where(np.asarray(idx) < 0, len(names), idx)]


# ---------------------------------------------------------------------------
# Small vectorised building blocks
# ---------------------------------------------------------------------------

def _explode(counts) -> tuple[np.ndarray, np.ndarray]:
    counts = np.asarray(counts, np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, within


def _pick(rng, mask, rate: float, min_base: int = 10) -> np.ndarray:
    """Exactly round(rate*n) of the True positions (at least 1 when n >= min_base)."""
    idx = np.flatnonzero(mask)
    k = int(round(rate * len(idx)))
    if k == 0 and len(idx) >= min_base:
        k = 1
    if k == 0:
        return idx[:0]
    return np.sort(rng.choice(idx, size=k, replace=False))


def _uniform_day(rng, lo, hi) -> np.ndarray:
    lo = np.asarray(lo, np.int64)
    hi = np.asarray(hi, np.int64)
    return lo + np.floor(rng.random(len(lo)) * (hi - lo + 1)).astype(np.int64)


def _first_of_group(keys) -> np.ndarray:
    keys = np.asarray(keys)
    return np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)


class _Occupied:
    """Disjoint busy intervals per person, used to keep absences and trainings apart."""

    def __init__(self):
        self.p = np.zeros(0, np.int64)
        self.s = np.zeros(0, np.int64)
        self.e = np.zeros(0, np.int64)

    def place(self, p, s, e) -> np.ndarray:
        """Accept the candidates that overlap nothing (earlier candidates win); returns mask."""
        p, s, e = (np.asarray(x, np.int64) for x in (p, s, e))
        ok = e >= s
        if len(self.p):
            keys = self.p * _K + self.s
            i = np.searchsorted(keys, p * _K + e, "right") - 1
            ic = np.maximum(i, 0)
            ok &= (i < 0) | (self.p[ic] != p) | (self.e[ic] < s)
        idx = np.flatnonzero(ok)
        order = idx[np.lexsort((s[idx], p[idx]))]
        ps, ss, es = p[order], s[order], e[order]
        if len(order):
            prev = pd.Series(es).groupby(ps).cummax().groupby(ps).shift(1).to_numpy()
            good = ~(ss <= np.nan_to_num(prev, nan=-1))
        else:
            good = np.zeros(0, bool)
        acc = np.zeros(len(p), bool)
        acc[order[good]] = True
        self.p = np.r_[self.p, p[acc]]
        self.s = np.r_[self.s, s[acc]]
        self.e = np.r_[self.e, e[acc]]
        o = np.lexsort((self.s, self.p))
        self.p, self.s, self.e = self.p[o], self.s[o], self.e[o]
        return acc


def _at(owner_sorted, start_sorted, end_sorted, owner, day) -> np.ndarray:
    """Index of the interval of ``owner`` covering ``day`` (-1 when none); inputs sorted by owner, start."""
    owner = np.asarray(owner, np.int64)
    day = np.asarray(day, np.int64)
    if len(owner_sorted) == 0:
        return np.full(len(owner), -1)
    i = np.searchsorted(owner_sorted * _K + start_sorted, owner * _K + day, "right") - 1
    ic = np.maximum(i, 0)
    ok = (i >= 0) & (owner_sorted[ic] == owner) & (end_sorted[ic] >= day)
    return np.where(ok, i, -1)


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------

class _Titles:
    def __init__(self):
        names, muoto, pay, cc, weight, sup = [], [], [], [], [], []
        self.cc_titles: list[np.ndarray] = []
        self.cc_weights: list[np.ndarray] = []
        sup_of_cc = []
        for ci, (_, _, _, _, titles, st) in enumerate(COST_CENTRES):
            first = len(names)
            for t, mu, hp, w in titles:
                names.append(t), muoto.append(_MU[mu]), pay.append(hp), cc.append(ci), weight.append(w)
                sup.append(False)
            self.cc_titles.append(np.arange(first, len(names)))
            w = np.array(weight[first:], float)
            self.cc_weights.append(w / w.sum())
            sup_of_cc.append(len(names))
            names.append(st[0]), muoto.append(_MU[st[1]]), pay.append(st[2]), cc.append(ci), weight.append(0)
            sup.append(True)
        self.names = names
        self.muoto = np.array(muoto)
        self.pay = np.array(pay)
        self.sup_of_cc = np.array(sup_of_cc)


_CC_SECTOR = np.array([c[2] for c in COST_CENTRES])
_CC_W = np.array([c[3] for c in COST_CENTRES], float)


def _draw_cc(rng, sector) -> np.ndarray:
    cc = np.zeros(len(sector), np.int64)
    for s in range(3):
        m = sector == s
        ids = np.flatnonzero(_CC_SECTOR == s)
        cc[m] = rng.choice(ids, size=int(m.sum()), p=_CC_W[ids] / _CC_W[ids].sum())
    return cc


def _draw_title(rng, titles: _Titles, cc) -> np.ndarray:
    t = np.zeros(len(cc), np.int64)
    for c in range(len(COST_CENTRES)):
        m = cc == c
        t[m] = rng.choice(titles.cc_titles[c], size=int(m.sum()), p=titles.cc_weights[c])
    return t


def _draw_pct(rng, n, part_share) -> np.ndarray:
    vals = np.array([5000, 6000, 7000, 7500, 8000, 9000, 6250, 8750])
    w = np.array([0.16, 0.16, 0.12, 0.16, 0.22, 0.12, 0.03, 0.03])
    part = rng.random(n) < part_share
    return np.where(part, rng.choice(vals, size=n, p=w), 10000)


def generate(persons: int = 600, years: tuple[int, ...] = (2024, 2025), seed: int = 1,
             payroll_lines_per_month: float | None = None) -> dict[str, pd.DataFrame]:
    """Build a synthetic generic HR export covering 1.1.(min(years)-1) .. 31.12.max(years).

    ``payroll_lines_per_month``: the average number of payroll lines per paid person-month
    (about 2 without it; a real payroll has about 11, :data:`REALISTIC_PAYROLL_LINES_PER_MONTH`).
    The extra lines are supplements without hours (evening, night, weekend, shift…), which no
    figure counts; they come from a random stream of their own, so every other row — and every
    figure — is the same as without them."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    years = tuple(sorted(int(y) for y in years))
    if not years:
        raise ValueError("years must not be empty")
    rng = np.random.Generator(np.random.PCG64(seed))
    g = _Gen(rng, int(persons), years[0] - 1, years[-1])
    g.payroll_lines_per_month = payroll_lines_per_month
    g.seed = seed
    return g.run()


class _Gen:
    def __init__(self, rng, n, y0, y1):
        self.rng, self.n, self.y0, self.y1 = rng, n, y0, y1
        self.W0, self.W1 = _day(y0), _day(y1, 12, 31)
        self.wyears = list(range(y0, y1 + 1))
        self.titles = _Titles()
        self.occ = _Occupied()

    # -- persons and employments ------------------------------------------
    def persons(self):
        rng, n = self.rng, self.n
        self.sector = rng.choice(3, size=n, p=[s[3] for s in SECTORS])
        self.birth = 1960 + np.minimum((rng.beta(1.5, 1.6, n) * 44).astype(np.int64), 43)
        women = np.array([s[6] for s in SECTORS])[self.sector]
        u = rng.random(n)
        self.gender = np.where(u < 0.006, 2, np.where(u < 0.006 + women * 0.994, 0, 1))
        self.pid = np.arange(10001, 10001 + n)
        self.pid_s = self.pid.astype(str).astype(object)

    def employments(self):
        rng, n, W0, W1, T = self.rng, self.n, self.W0, self.W1, self.titles
        cc = _draw_cc(rng, self.sector)
        title = _draw_title(rng, T, cc)
        muoto = T.muoto[title]
        fixed = rng.random(n) < np.array([s[5] for s in SECTORS])[self.sector]
        # permanent incumbents / joiners
        age0 = self.y0 - self.birth
        max_ten = np.maximum(age0 - 19, 0) * 365.25
        joiner = (~fixed) & ((rng.random(n) < 0.15) | (max_ten < 60))
        ten = np.minimum(rng.exponential(9 * 365.25, n), max_ten * rng.uniform(0.5, 1.0, n))
        s_inc = W0 - 1 - ten.astype(np.int64)
        s_join = rng.integers(W0, W1 - 13, n)
        S = np.where(joiner, s_join, s_inc)
        snap = rng.random(n) < 0.6
        S = np.where(snap, _mstart(_mon(S)), S)
        # leaving and retirement of permanent staff
        base = np.maximum(S, W0)
        leave = base + (rng.exponential(12.5 * 365.25, n)).astype(np.int64)
        leave = np.where(rng.random(n) < 0.7, _mend(np.minimum(leave, OPEN - 40)), leave)
        E = np.where(leave <= W1, leave, OPEN)
        ret = _mend(_mstart((self.birth + 65 - 1970) * 12 + rng.integers(0, 12, n)))
        retire = (ret >= W0) & (ret <= W1) & (ret < E) & (ret > S)
        E = np.where(retire, ret, E)
        E = np.where(E < S, OPEN, E)
        # fixed-term
        fs = rng.integers(W0 - 365, W1 - 29, n)
        fs = np.where(rng.random(n) < 0.5, _mstart(_mon(fs)), fs)
        fe = _add_months(fs, rng.integers(6, 37, n)) - 1
        fe = np.where(fe < W0, W0 + rng.integers(15, 300, n), fe)
        teach = muoto == 3
        fy = _year(fs)
        ts = np.array([_day(int(y), 8, 1) for y in range(1960, 2101)])
        t_s = ts[np.clip(fy - 1960, 0, 140)]
        t_s = np.where(t_s > W1 - 29, ts[np.clip(fy - 1961, 0, 140)], t_s)
        t_e = np.where(rng.random(n) < 0.6, _add_months(t_s, 12) - 1, _add_months(t_s, 10) - 1)
        fs = np.where(teach, t_s, fs)
        fe = np.where(teach, t_e, fe)
        S = np.where(fixed, fs, S)
        E = np.where(fixed, fe, E)
        retired = retire & ~fixed

        # second employments: fixed-term chains and a few re-hires
        ended = (E <= W1 - 30)
        p2 = np.where(fixed, 0.4, np.where(retired, 0.0, 0.05))
        sec = ended & (rng.random(n) < p2)
        gap = np.where(fixed, np.where(teach | (rng.random(n) < 0.5), 1, rng.integers(14, 120, n)),
                       rng.integers(60, 400, n))
        S2 = E + gap
        aug1 = ts[np.clip(_year(E) - 1960, 0, 140)]
        S2 = np.where(teach & fixed & (aug1 > E), aug1, S2)
        sec &= S2 <= W1 - 14
        fixed2 = rng.random(n) < 0.5
        E2 = np.where(fixed2, _add_months(S2, rng.integers(4, 19, n)) - 1, OPEN)
        cc2 = np.where(rng.random(n) < 0.8, cc, _draw_cc(rng, self.sector))
        title2 = np.where(cc2 == cc, title, _draw_title(rng, T, cc2))

        i2 = np.flatnonzero(sec)
        ep = np.r_[np.arange(n), i2]
        emp = pd.DataFrame({
            "p": ep, "no": np.r_[np.ones(n, np.int64), np.full(len(i2), 2)],
            "fixed": np.r_[fixed, fixed2[i2]], "S": np.r_[S, S2[i2]], "E": np.r_[E, E2[i2]],
            "cc0": np.r_[cc, cc2[i2]], "t0": np.r_[title, title2[i2]],
        })
        m = len(emp)
        sec_share = np.array([s[4] for s in SECTORS])[_CC_SECTOR[emp.cc0.to_numpy()]]
        emp["pct0"] = _draw_pct(rng, m, sec_share)
        tenure = np.maximum(W0 - emp.S.to_numpy(), 0) / 365.25
        hourly = T.pay[emp.t0.to_numpy()] * rng.uniform(0.95, 1.08, m) * (1 + 0.005 * np.minimum(tenure, 20))
        emp["hourly"] = np.round(np.clip(hourly, 18.0, 45.0) * 100).astype(np.int64)
        # supervisors
        is_fixed = emp.fixed.to_numpy()
        Sx, Ex = emp.S.to_numpy(), emp.E.to_numpy()
        # supervisors are rarely very young: probability grows with age, start not before 27
        born = self.birth[emp.p.to_numpy()]
        age_f = np.clip((self.y0 - born - 25) / 15, 0, 1.4)
        sup = (emp.no.to_numpy() == 1) & (rng.random(m) < np.where(is_fixed, 0.01, 0.11) * age_f)
        hi = np.minimum(Ex, W1)
        lo27 = np.maximum(Sx, (np.array([_day(int(y)) for y in range(1970, 2101)])[
            np.clip(born + 27 - 1970, 0, 130)]))
        ss = np.where(rng.random(m) < 0.4, lo27, _uniform_day(rng, lo27, np.maximum(hi, lo27)))
        ss = np.where(rng.random(m) < 0.6, np.maximum(_mstart(_mon(ss)), lo27), ss)
        sup &= ss <= hi
        emp["sup_start"] = np.where(sup, ss, -1)
        # one change (move or new %) in the window for some
        lo_c, hi_c = np.maximum(Sx, W0) + 30, np.minimum(Ex, W1) - 30
        years_in = np.clip(hi_c - lo_c, 0, None) / 365.25
        chg = (hi_c > lo_c) & (rng.random(m) < 0.07 * years_in)
        cd = _uniform_day(rng, lo_c, np.maximum(hi_c, lo_c))
        cd = np.where(rng.random(m) < 0.7, np.maximum(_mstart(_mon(cd)), Sx + 1), cd)
        chg &= (cd != emp.sup_start.to_numpy()) & (cd > Sx) & (cd <= Ex)
        emp["chg"] = np.where(chg, cd, -1)
        move = chg & (rng.random(m) < 0.55)
        cross = rng.random(m) < 0.2
        cc0 = emp.cc0.to_numpy()
        sec0 = _CC_SECTOR[cc0]
        new_sec = np.where(cross, (sec0 + rng.integers(1, 3, m)) % 3, sec0)
        cc1 = _draw_cc(rng, new_sec)
        same = cc1 == cc0
        nxt = np.array([next((j for j in range(c + 1, c + 20) if _CC_SECTOR[j % len(COST_CENTRES)] == _CC_SECTOR[c]),
                             c) % len(COST_CENTRES) for c in range(len(COST_CENTRES))])
        cc1 = np.where(same, nxt[cc1], cc1)
        t1 = _draw_title(rng, T, cc1)
        pct0 = emp.pct0.to_numpy()
        pct_new = np.where(pct0 < 10000, np.where(rng.random(m) < 0.6, 10000, _draw_pct(rng, m, 1.0)),
                           _draw_pct(rng, m, 1.0))
        emp["cc1"] = np.where(move, cc1, cc0)
        emp["t1"] = np.where(move, t1, emp.t0.to_numpy())
        emp["pct1"] = np.where(chg & ~move, pct_new, pct0)
        emp["kokemus"] = (~is_fixed) & (rng.random(m) < 0.55)
        emp["hlisa"] = rng.random(m) < 0.25
        self.emp = emp.sort_values(["p", "S"], kind="stable").reset_index(drop=True)

    def periods(self):
        e = self.emp
        m = len(e)
        S, E = e.S.to_numpy(), e.E.to_numpy()
        ss, cd = e.sup_start.to_numpy(), e.chg.to_numpy()
        INF = OPEN + 10
        b1 = np.where((ss > S) & (ss <= E), ss, INF)
        b2 = np.where(cd > 0, cd, INF)
        lo, hi = np.minimum(b1, b2), np.maximum(b1, b2)
        starts = np.stack([S, lo, hi], 1)
        nexts = np.stack([lo, hi, np.full(m, INF)], 1)
        ends = np.minimum(nexts, (E + 1)[:, None]) - 1
        valid = starts < INF
        ei = np.repeat(np.arange(m), 3).reshape(m, 3)[valid]
        ps, pe = starts[valid], ends[valid]
        after = (cd[ei] > 0) & (ps >= cd[ei])
        cc = np.where(after, e.cc1.to_numpy()[ei], e.cc0.to_numpy()[ei])
        t = np.where(after, e.t1.to_numpy()[ei], e.t0.to_numpy()[ei])
        pct = np.where(after, e.pct1.to_numpy()[ei], e.pct0.to_numpy()[ei])
        issup = (ss[ei] >= 0) & (ps >= ss[ei])
        t = np.where(issup, self.titles.sup_of_cc[cc], t)
        per = pd.DataFrame({"emp": ei, "S": ps, "E": pe, "cc": cc, "t": t, "pct": pct, "sup": issup,
                            "sup_start": np.where(issup, ss[ei], -1)})
        self.per = per.sort_values(["emp", "S"], kind="stable").reset_index(drop=True)

    # -- lookups -------------------------------------------------------------
    def emp_at(self, person, day):
        e = self.emp
        return _at(e.p.to_numpy(), e.S.to_numpy(), e.E.to_numpy(), person, day)

    def per_at(self, emp, day):
        p = self.per
        return _at(p.emp.to_numpy(), p.S.to_numpy(), p.E.to_numpy(), emp, day)

    def emp_years(self):
        """One row per employment and window year it overlaps."""
        e = self.emp
        rows = []
        for y in self.wyears:
            lo = np.maximum(e.S.to_numpy(), _day(y))
            hi = np.minimum(e.E.to_numpy(), _day(y, 12, 31))
            ok = lo <= hi
            rows.append(pd.DataFrame({"emp": np.flatnonzero(ok), "y": y, "lo": lo[ok], "hi": hi[ok]}))
        return pd.concat(rows, ignore_index=True)

    # -- trainings -----------------------------------------------------------
    def _sessions(self, tpl, desired, year):
        """Group wanted participations into sessions of the template (nearby wishes share one)."""
        order = np.lexsort((desired, tpl))
        t, d = tpl[order], desired[order]
        first = _first_of_group(t)
        gstart = np.maximum.accumulate(np.where(first, np.arange(len(t)), 0))
        chunk = (np.arange(len(t)) - gstart) // _T_GROUP[t]
        new = first | np.r_[True, chunk[1:] != chunk[:-1]]
        sid_sorted = np.cumsum(new) - 1
        b = np.flatnonzero(new)
        e = np.r_[b[1:], len(t)]
        sess_t = t[b]
        sess_d = d[(b + e - 1) // 2]
        self._add_sessions(sess_t, sess_d, year)
        sid = np.empty(len(t), np.int64)
        sid[order] = sid_sorted + self._sess_base
        return sid

    def _add_sessions(self, sess_t, sess_d, year):
        rng = self.rng
        k = len(sess_t)
        start = _workday_fwd(sess_d)
        hrs = _T_HLO[sess_t] + rng.random(k) * (_T_HHI[sess_t] - _T_HLO[sess_t])
        hrs = np.where(_T_HHI[sess_t] >= 12, np.round(hrs * 2) / 2, np.round(hrs))
        hrs_h = np.round(hrs * 100).astype(np.int64)
        ndays = np.maximum(np.ceil(hrs / 7.5), 1).astype(np.int64)
        end = _workday_add(start, ndays - 1)
        for _ in range(4):  # a session never crosses the turn of the year
            over = end - (_mstart((_year(start) - 1970) * 12 + 12) - 1)
            if not (over > 0).any():
                break
            start = np.where(over > 0, _workday_fwd(start - over - 7), start)
            end = _workday_add(start, ndays - 1)
        fee = _T_FLO[sess_t] + rng.random(k) * (_T_FHI[sess_t] - _T_FLO[sess_t])
        fee_c = (np.round(fee / 5) * 500).astype(np.int64)
        self._sess_base = sum(len(x["t"]) for x in self.sessions)
        self.sessions.append({"t": sess_t, "S": start, "E": end, "h": hrs_h, "fee": fee_c})

    def _place_trainings(self, person, sid, kind):
        """Keep participations whose session lies in one employment and collides with nothing."""
        S = self._sess_S[sid]
        E = self._sess_E[sid]
        ei = self.emp_at(person, S)
        ok = (ei >= 0) & (E <= self.W1)
        ok &= np.where(ei >= 0, self.emp.E.to_numpy()[np.maximum(ei, 0)] >= E, False)
        idx = np.flatnonzero(ok)
        win = S[idx] >= self.W0
        acc = np.zeros(len(person), bool)
        acc_w = self.occ.place(person[idx][win], S[idx][win] - 3, E[idx][win] + 3)
        acc[idx[win][acc_w]] = True
        acc[idx[~win]] = True  # history before the window: nothing to collide with
        self.parts.append(pd.DataFrame({"p": person[acc], "sid": sid[acc], "emp": ei[acc], "kind": kind}))

    def _refresh_sessions(self):
        self._sess_S = np.concatenate([x["S"] for x in self.sessions])
        self._sess_E = np.concatenate([x["E"] for x in self.sessions])

    def trainings(self):
        rng, W1 = self.rng, self.W1
        z = np.zeros(0, np.int64)
        self.sessions = [{"t": z, "S": z, "E": z, "h": z, "fee": z}]
        self.parts = [pd.DataFrame({"p": z, "sid": z, "emp": z, "kind": np.zeros(0, object)})]
        self._refresh_sessions()
        e, per = self.emp, self.per
        # Level 1: supervisor induction, monthly sessions, also before the window
        sup_e = np.flatnonzero(e.sup_start.to_numpy() >= 0)
        ss = e.sup_start.to_numpy()[sup_e]
        pers = e.p.to_numpy()[sup_e]
        grace_end = _add_months(ss, 12)
        y_last_end = W1
        cur = self.emp_at(pers, W1) == sup_e
        past = cur & (grace_end <= y_last_end)
        planted = np.zeros(len(sup_e), bool)
        planted[_pick(rng, past, 0.03)] = True
        self.planted_no_l1 = pers[planted]
        desired = ss + rng.integers(14, 300, len(sup_e))
        mon = _mon(desired)
        sess_day = _workday_fwd(_mstart(mon) + 7)
        sess_day = np.where(sess_day < e.S.to_numpy()[sup_e], _workday_fwd(_mstart(mon + 1) + 7), sess_day)
        ok = (~planted) & (sess_day <= W1) & (sess_day <= e.E.to_numpy()[sup_e])
        if ok.any():
            udays, inv = np.unique(sess_day[ok], return_inverse=True)
            self._add_sessions(np.full(len(udays), _TPL["L1"]), udays, 0)
            self._refresh_sessions()
            self._place_trainings(pers[ok], inv + self._sess_base, "L1")
        # Employment-years and supervisor-years
        ey = self.emp_years()
        ey["p"] = e.p.to_numpy()[ey.emp.to_numpy()]
        ey = ey[ey.y >= self.y0]
        ps = per[per.sup]
        no_l1 = set(self.planted_no_l1.tolist())
        for y in self.wyears:
            ylo, yhi = _day(y), _day(y, 12, 31)
            # supervisors: management levels 2-4 and the yearly development day
            lo = np.maximum(ps.S.to_numpy(), ylo)
            hi = np.minimum(ps.E.to_numpy(), yhi)
            k = lo <= hi
            sp = e.p.to_numpy()[ps.emp.to_numpy()[k]]
            slo, shi = lo[k], hi[k]
            keep = _first_of_group(sp) & ~np.isin(sp, list(no_l1))
            sp, slo, shi = sp[keep], slo[keep], shi[keep]
            u = rng.random(len(sp))
            lvl = np.where(u < 0.008, _TPL["L4"], np.where(u < 0.028, _TPL["L3"],
                                                           np.where(u < 0.098, _TPL["L2"], -1)))
            day_ = rng.random(len(sp)) < 0.7
            tp = np.r_[lvl[lvl >= 0], np.full(int(day_.sum()), _TPL["SUP"])]
            pp = np.r_[sp[lvl >= 0], sp[day_]]
            dlo = np.r_[slo[lvl >= 0], slo[day_]]
            dhi = np.r_[shi[lvl >= 0], shi[day_]]
            # development day: common date per year (spring or autumn)
            wish = _uniform_day(rng, dlo, dhi)
            self._wish_and_place(tp, pp, wish, y, "SUP")
            # employed persons this year
            eyy = ey[ey.y == y]
            first = _first_of_group(eyy.p.to_numpy())
            pl = eyy.p.to_numpy()[first]
            plo = eyy.groupby("p").lo.min().to_numpy()
            phi = eyy.groupby("p").hi.max().to_numpy()
            # planted: long ordered programme => over the paid-days cap
            cap = _pick(rng, np.ones(len(pl), bool), 0.02)
            self._wish_and_place(np.full(len(cap), _TPL["CAP"]), pl[cap],
                                 _uniform_day(rng, plo[cap], np.maximum(phi[cap] - 40, plo[cap])), y, "CAP")
            # general participations
            last_emp = eyy.groupby("p").emp.last().to_numpy()
            last_per = np.maximum(self.per_at(last_emp, np.minimum(phi, e.E.to_numpy()[last_emp])), 0)
            sec = _CC_SECTOR[per.cc.to_numpy()[last_per]]
            pct = per.pct.to_numpy()[last_per]
            fx = e.fixed.to_numpy()[last_emp]
            p_train = np.array([0.73, 0.79, 0.65])[sec] * np.where(pct < 10000, 0.88, 1.0) * np.where(fx, 0.85, 1.0)
            trains = rng.random(len(pl)) < p_train
            cnt = np.where(trains, 1 + np.minimum(rng.poisson(1.4, len(pl)), 5), 0)
            owner, _ = _explode(cnt)
            psec = sec[owner]
            tpl = np.zeros(len(owner), np.int64)
            for s in range(3):
                aud_ok = (_T_AUD == "ALL") | (_T_AUD == SECTORS[s][0])
                w = np.where(aud_ok, _T_W, 0.0)
                tshare = np.array([0.5, 0.3, 0.2])
                for ty in range(3):
                    mty = _T_TYPE == ty
                    w[mty] = w[mty] / max(w[mty].sum(), 1e-9) * tshare[ty]
                m = psec == s
                tpl[m] = rng.choice(len(TEMPLATES), size=int(m.sum()), p=w / w.sum())
            # one participation per person and template a year
            key = owner * 1000 + tpl
            _, uix = np.unique(key, return_index=True)
            uix = np.sort(uix)
            owner, tpl = owner[uix], tpl[uix]
            month_w = np.array([8, 10, 12, 10, 10, 4, 0, 9, 12, 11, 11, 3], float)
            mo = rng.choice(12, size=len(owner), p=month_w / month_w.sum())
            wish = _mstart((y - 1970) * 12 + mo) + rng.integers(0, 28, len(owner))
            outside = (wish < plo[owner]) | (wish > phi[owner])
            wish = np.where(outside, _uniform_day(rng, plo[owner], phi[owner]), wish)
            self._wish_and_place(tpl, pl[owner], wish, y, "GEN")
        self.finish_trainings()

    def _wish_and_place(self, tpl, person, wish, year, kind):
        if len(tpl) == 0:
            return
        sid = self._sessions(np.asarray(tpl, np.int64), np.asarray(wish, np.int64), year)
        self._refresh_sessions()
        self._place_trainings(np.asarray(person, np.int64), sid, kind)

    def finish_trainings(self):
        rng, W0, W1 = self.rng, self.W0, self.W1
        sess = {k: np.concatenate([x[k] for x in self.sessions]) for k in ("t", "S", "E", "h", "fee")}
        tr = pd.concat(self.parts, ignore_index=True)
        tr = tr[sess["S"][tr.sid.to_numpy()] <= W1].reset_index(drop=True)
        sid = tr.sid.to_numpy()
        n = len(tr)
        t = sess["t"][sid]
        tr["t"] = t
        tr["S"], tr["E"], tr["h"], tr["fee"] = sess["S"][sid], sess["E"][sid], sess["h"][sid], sess["fee"][sid]
        typ = _T_TYPE[t]
        aud = _T_AUD[t]
        # form of the training
        u = rng.random(n)
        f_ext = np.searchsorted(np.cumsum([0.78, 0.08, 0.05, 0.04, 0.05]), u, "right")
        f_hi = np.searchsorted(np.cumsum([0.45, 0.25, 0.20, 0.0, 0.10]), u, "right")
        f_l2 = np.where(u < 0.9, 0, 1)
        form = np.where(typ == 1, f_ext, 0)
        form = np.where(aud == "L2", f_l2, form)
        form = np.where(np.isin(aud, ["L3", "L4"]), f_hi, form)
        form = np.where(aud == "CAP", 0, np.minimum(form, 4))
        tr["form"] = form
        u2 = rng.random(n)
        paid = np.select([form == 0, form == 1, form == 2, form == 3],
                         [np.where(u2 < 0.1, 100, -1), np.where(u2 < 0.7, 100, -1), 50, np.where(u2 < 0.5, 0, -1)],
                         -1)
        tr["paid"] = paid
        # costs of external ones
        ext = typ == 1
        days = (_workdays(tr.S.to_numpy(), tr.E.to_numpy())).astype(np.int64)
        travel = ext & (rng.random(n) < 0.4) & ~np.isin(aud, ["L3", "L4"])
        tr["travel"] = np.where(travel, np.round(rng.uniform(15, 350, n) * 100), 0).astype(np.int64)
        lodge = travel & (days >= 2) & (rng.random(n) < 0.5)
        tr["lodging"] = np.where(lodge, (days - 1) * np.round(rng.uniform(90, 180, n)) * 100, 0).astype(np.int64)
        yrs = _year(tr.S.to_numpy())
        full = np.array([PER_DIEM.get(int(y), PER_DIEM[2025])[0] for y in range(1970, 2101)])[
            np.clip(yrs - 1970, 0, 130)]
        part = np.array([PER_DIEM.get(int(y), PER_DIEM[2025])[1] for y in range(1970, 2101)])[
            np.clip(yrs - 1970, 0, 130)]
        tr["perdiem"] = np.where(travel, np.where(days >= 2, days * full, part), 0).astype(np.int64)
        sub = ext & (rng.random(n) < 0.05) & (tr.fee.to_numpy() > 0)
        tr["tuki"] = np.where(sub, np.round(tr.fee.to_numpy() * rng.uniform(0.2, 0.7, n) / 500) * 500, 0).astype(
            np.int64)
        net = (tr.fee + tr.travel + tr.lodging + tr.perdiem - tr.tuki).to_numpy()
        rule = (net >= 300000) | (tr.h.to_numpy() >= 6000)
        # status
        u3 = rng.random(n)
        can_vary = (~rule) & (aud != "L1") & (aud != "CAP") & (tr.S.to_numpy() >= W0)
        tila = np.where(can_vary & (u3 < 0.04), 2, np.where(can_vary & (u3 < 0.07), 1, 0))
        tr["tila"] = tila
        h = tr.h.to_numpy()
        tr["h"] = np.where(tila == 1, np.maximum(np.round(h * rng.uniform(0.2, 0.8, n) / 50) * 50, 50), h).astype(
            np.int64)
        canc = tila == 2
        keep_fee = canc & (rng.random(n) < 0.35) & (typ != 0)
        tr["fee"] = np.where(canc, np.where(keep_fee, np.round(tr.fee.to_numpy() * rng.uniform(0.5, 1.0, n) / 500)
                                            * 500, 0), tr.fee.to_numpy()).astype(np.int64)
        for c in ("travel", "lodging", "perdiem", "tuki"):
            tr[c] = np.where(canc, 0, tr[c].to_numpy())
        tr["rule"] = rule & ~canc
        self.tr = tr
        self.sess = sess
        self.commitments()

    def commitments(self):
        """Repayment cases stay at a known count; other committed staff outlast the commitment."""
        rng, W1 = self.rng, self.W1
        tr, e = self.tr, self.emp
        rule = tr.rule.to_numpy()
        cend = _add_months(tr.E.to_numpy(), 24)
        ei = tr.emp.to_numpy()
        eend = e.E.to_numpy()[ei]
        ep = e.p.to_numpy()
        last_emp = np.r_[ep[1:] != ep[:-1], True] if len(ep) else np.zeros(0, bool)
        viol = rule & (eend < cend)
        n_rule = int(rule.sum())
        target = min(max(2, int(round(0.02 * n_rule))), n_rule)
        natural = viol & (eend <= W1) & last_emp[ei]
        nat_idx = np.flatnonzero(natural)
        keep_nat = np.sort(rng.permutation(nat_idx)[:target]) if len(nat_idx) else nat_idx
        drop = viol.copy()
        drop[keep_nat] = False
        repay = np.zeros(len(tr), bool)
        repay[keep_nat] = True
        missing = target - len(keep_nat)
        if missing > 0:
            rules_per_person = pd.Series(rule).groupby(tr.p.to_numpy()).transform("sum").to_numpy()
            n_emp_person = pd.Series(np.ones(len(ep))).groupby(ep).transform("sum").to_numpy()
            cand = rule & ~viol & (eend == OPEN) & (rules_per_person == 1) & (n_emp_person[ei] == 1) \
                & (tr.E.to_numpy() <= W1 - 60) & (tr.tila.to_numpy() == 0)
            ci = np.flatnonzero(cand)
            ci = np.sort(rng.permutation(ci)[:missing])
            if len(ci):
                te = tr.E.to_numpy()[ci]
                hi = np.minimum(cend[ci] - 1, W1)
                new_end = _uniform_day(rng, te + 30, np.maximum(hi, te + 30))
                new_end = np.where(_mend(new_end) <= hi, _mend(new_end), new_end)
                emp_ix = ei[ci]
                E = e.E.to_numpy().copy()
                E[emp_ix] = new_end
                e["E"] = E
                per = self.per
                pe = per.emp.to_numpy()
                ne = np.full(len(e), OPEN + 10)
                ne[emp_ix] = new_end
                per = per[per.S.to_numpy() <= ne[pe]].copy()
                per["E"] = np.minimum(per.E.to_numpy(), ne[per.emp.to_numpy()])
                self.per = per.reset_index(drop=True)
                repay[ci] = True
                # drop later participations of those employments
                drop |= (ne[ei] < OPEN + 10) & (tr.E.to_numpy() > ne[ei])
        tr["repay"] = repay
        self.tr = tr[~drop].reset_index(drop=True)

    def approvals(self):
        rng, W0 = self.rng, self.W0
        tr = self.tr
        n = len(tr)
        t = tr.t.to_numpy()
        typ = _T_TYPE[t]
        S = tr.S.to_numpy()
        canc = tr.tila.to_numpy() == 2
        net = (tr.fee + tr.travel + tr.lodging + tr.perdiem - tr.tuki).to_numpy()
        needs_app = (typ == 1) | (self.sess["h"][tr.sid.to_numpy()] > 400)
        role = np.where(net <= 150000, 0, np.where(net <= 500000, 1, 2))
        emp_start = self.emp.S.to_numpy()[tr.emp.to_numpy()]
        hak = np.maximum(S - rng.integers(14, 43, n), np.minimum(emp_start, S))
        hyv = np.minimum(hak + rng.integers(1, 8, n), S)
        in_win = S >= W0
        base = needs_app & ~canc & in_win & (tr.h.to_numpy() > 400) | (needs_app & ~canc & in_win & (typ == 1))
        free = base.copy()
        late = _pick(rng, free, 0.025)
        free[late] = False
        hyv[late] = S[late] + rng.integers(1, 15, len(late))
        miss = _pick(rng, free & (typ == 1), 0.02)
        free[miss] = False
        low = _pick(rng, free & (role >= 1), 0.03)
        free[low] = False
        approver = role.copy()
        approver[low] = role[low] - 1
        up = free & (approver < 2) & (rng.random(n) < 0.08)
        approver[up] += 1
        has = needs_app.copy()
        hyv = np.where(has, hyv, -1)
        hyv[miss] = -1
        approver = np.where(has, approver, -1)
        approver[miss] = -1
        tr["hak"] = np.where(has, hak, -1)
        tr["hyv"] = hyv
        tr["approver"] = approver
        self.n_app_base = int(base.sum())
        self.planted_app = {"late": len(late), "missing": len(miss), "below_limit": len(low)}
        # commitment
        rule = tr.rule.to_numpy()
        repay = tr.repay.to_numpy()
        missing = _pick(rng, rule & ~repay, 0.03)
        sit = np.where(rule, 24, -1)
        sit[missing] = -1
        tr["sitoumus"] = sit
        self.planted_commit_missing = len(missing)

    # -- absences ------------------------------------------------------------
    def absences(self):
        rng, W0, W1 = self.rng, self.W0, self.W1
        e, per, tr = self.emp, self.per, self.tr
        rows = []
        # KOU from the training register (ordered and paid-leave forms); unpaid leave for training is
        # study leave OPV with exactly the register's dates
        in_w = (tr.tila.to_numpy() != 2) & (tr.S.to_numpy() >= W0)
        opv = tr[in_w & (tr.form.to_numpy() == 3)]
        rows.append(pd.DataFrame({"emp": opv.emp.to_numpy(), "code": "OPV", "S": opv.S.to_numpy(),
                                  "E": opv.E.to_numpy(), "pal": 2}))
        kou = tr[in_w & (tr.form.to_numpy() <= 2)]
        ks, ke = kou.S.to_numpy().copy(), kou.E.to_numpy().copy()
        kemp = kou.emp.to_numpy()
        mis = _pick(rng, np.ones(len(kou), bool), 0.05)
        shift = rng.integers(2, 4, len(mis))
        left = rng.random(len(mis)) < 0.5
        es, ee = e.S.to_numpy()[kemp[mis]], e.E.to_numpy()[kemp[mis]]
        can_l = ks[mis] - shift >= es
        can_r = ke[mis] + shift <= np.minimum(ee, W1)
        do_l = (left & can_l) | (~can_r & can_l)
        do_r = ~do_l & can_r
        ks[mis] = np.where(do_l, ks[mis] - shift, ks[mis])
        ke[mis] = np.where(do_r, ke[mis] + shift, ke[mis])
        self.planted_kou_mismatch = int((do_l | do_r).sum())
        pal = np.where(kou.form.to_numpy() <= 1, 0, 1)
        rows.append(pd.DataFrame({"emp": kemp, "code": "KOU", "S": ks, "E": ke, "pal": pal,
                                  "h": kou.h.to_numpy()}))
        # other absences, placed by priority so that nothing overlaps
        ey = self.emp_years()
        lo, hi = ey.lo.to_numpy(), ey.hi.to_numpy()
        eye = ey.emp.to_numpy()
        yy = ey.y.to_numpy()
        frac = (hi - lo + 1) / 365.0
        first_per = self.per_at(eye, lo)
        teach = self.titles.muoto[per.t.to_numpy()[first_per]] == 3
        m = len(ey)

        def cand(mask, start, length, code, pal):
            start = _workday_fwd(start)
            end = start + length - 1
            s = np.maximum(start, lo_)
            en = np.minimum(end, hi_)
            ok = mask & (s <= en)
            return pd.DataFrame({"emp": eye_[ok], "code": code, "S": s[ok], "E": en[ok], "pal": pal[ok]
                                 if isinstance(pal, np.ndarray) else pal})

        batches = []
        ys = np.array([_day(int(y)) for y in range(1960, 2101)])
        jan1 = ys[yy - 1960]
        lo_, hi_, eye_ = lo, hi, eye
        # summer annual leave (not for teachers)
        st = jan1 + 151 + rng.integers(0, 50, m)
        batches.append(cand(~teach, st, rng.choice([14, 21, 28], m, p=[0.3, 0.4, 0.3]), "VL", np.zeros(m, int)))
        # long family leave, study leave
        st = _uniform_day(rng, lo, hi)
        batches.append(cand(rng.random(m) < 0.015 * frac, st, rng.integers(60, 301, m), "PER", np.full(m, 2)))
        st = _uniform_day(rng, lo, hi)
        batches.append(cand(rng.random(m) < 0.008 * frac, st, rng.integers(10, 121, m), "OPV", np.full(m, 2)))
        # winter / autumn annual leave
        wm = rng.choice([1, 2, 3, 9, 10, 11], m)
        st = _mstart((yy - 1970) * 12 + wm) + rng.integers(0, 20, m)
        batches.append(cand(~teach & (rng.random(m) < 0.6), st, rng.integers(5, 10, m), "VL", np.zeros(m, int)))
        # event-like absences: other, sick, short family leave
        for code, lam, lens, pal in (("MUU", 0.12, None, None), ("SAI", 2.2, None, None),
                                     ("PER", 0.2, (1, 5), 0)):
            cnt = rng.poisson(lam * frac)
            owner, _ = _explode(cnt)
            k = len(owner)
            lo_, hi_, eye_ = lo[owner], hi[owner], eye[owner]
            st = _uniform_day(rng, lo_, hi_)
            if code == "SAI":
                u = rng.random(k)
                ln = np.where(u < 0.7, rng.integers(1, 4, k), np.where(u < 0.95, rng.integers(4, 15, k),
                                                                        rng.integers(15, 91, k)))
                pl = np.where(ln > 60, 1, 0)
            elif code == "MUU":
                unpaid = rng.random(k) < 0.5
                ln = np.where(unpaid, rng.integers(1, 21, k), rng.integers(1, 3, k))
                pl = np.where(unpaid, 2, 0)
            else:
                ln = rng.integers(*lens, k)
                pl = np.zeros(k, int)
            batches.append(cand(np.ones(k, bool), st, ln, code, pl))
            lo_, hi_, eye_ = lo, hi, eye
        pmap = e.p.to_numpy()
        for b in batches:
            acc = self.occ.place(pmap[b.emp.to_numpy()], b.S.to_numpy(), b.E.to_numpy())
            rows.append(b[acc])
        ab = pd.concat(rows, ignore_index=True)
        # hours of non-training absences: working days x daily hours x %
        pi = self.per_at(ab.emp.to_numpy(), ab.S.to_numpy())
        pi = np.where(pi < 0, 0, pi)
        daily = DAY_HOURS[self.titles.muoto[per.t.to_numpy()[pi]]] * per.pct.to_numpy()[pi] / 10000
        wd = _workdays(ab.S.to_numpy(), ab.E.to_numpy())
        h = np.where(ab.code.to_numpy() == "KOU", ab.h.fillna(0).to_numpy(), np.round(wd * daily))
        ab["h"] = h.astype(np.int64)
        self.ab = ab

    # -- payroll -------------------------------------------------------------
    def payroll(self):
        rng, W0, W1 = self.rng, self.W0, self.W1
        e, per = self.emp, self.per
        lo = np.maximum(per.S.to_numpy(), W0)
        hi = np.minimum(per.E.to_numpy(), W1)
        ok = lo <= hi
        pidx = np.flatnonzero(ok)
        m0, m1 = _mon(lo[ok]), _mon(hi[ok])
        owner, within = _explode(m1 - m0 + 1)
        pi = pidx[owner]
        mon = m0[owner] + within
        ms, me = _mstart(mon), _mstart(mon + 1) - 1
        a = np.maximum(lo[pi], ms)
        b = np.minimum(hi[pi], me)
        ld = b - a + 1
        dim = me - ms + 1
        ei = per.emp.to_numpy()[pi]
        pct = per.pct.to_numpy()[pi]
        hours = 16000.0 * pct / 10000 * ld / dim
        # unpaid absences reduce the month's hours
        ab = self.ab
        un = ab[ab.pal.to_numpy() == 2]
        if len(un):
            um0, um1 = _mon(un.S.to_numpy()), _mon(un.E.to_numpy())
            uo, uw = _explode(um1 - um0 + 1)
            umon = um0[uo] + uw
            us = np.maximum(un.S.to_numpy()[uo], _mstart(umon))
            ue = np.minimum(un.E.to_numpy()[uo], _mstart(umon + 1) - 1)
            udays = pd.Series(ue - us + 1).groupby([un.emp.to_numpy()[uo], umon]).sum()
            key = pd.MultiIndex.from_arrays([ei, mon])
            ud = udays.reindex(key).fillna(0).to_numpy()
            hours = hours * np.clip(1 - ud / ld, 0, 1)
        hours_h = np.round(hours).astype(np.int64)
        yr = _year(a)
        raise_ = 1.025 ** (yr - self.y0)
        rate = np.clip(np.round(e.hourly.to_numpy()[ei] * raise_), 1800, 4500).astype(np.int64)
        summa = np.round(hours_h * rate / 100).astype(np.int64)
        cc = per.cc.to_numpy()[pi]
        muoto = self.titles.muoto[per.t.to_numpy()[pi]]
        pay15 = ms + 14
        keep = hours_h > 0
        # pay data missing for ~1 % of employments
        emps_with = np.unique(ei[keep])
        missing_e = emps_with[_pick(rng, np.ones(len(emps_with), bool), 0.01)]
        self.planted_no_pay = len(missing_e)
        no_pay = np.isin(ei, missing_e)
        L = len(ei)
        parts = []

        def add(mask, wt, h, s, pay=None, a_=None, b_=None):
            parts.append(pd.DataFrame({
                "emp": ei[mask], "pay": (pay15 if pay is None else pay)[mask],
                "a": (a if a_ is None else a_)[mask], "b": (b if b_ is None else b_)[mask],
                "wt": wt, "cc": cc[mask], "h": h[mask], "s": s[mask]}))

        none_h = np.full(L, -1 << 40)
        add(keep & ~no_pay, 1001, hours_h, summa)
        full_month = np.round(16000.0 * pct / 10000 * rate / 100)
        add(keep & e.hlisa.to_numpy()[ei], 1101, none_h,
            np.round(rng.uniform(40, 250, L) * 100 * hours_h / 16000).astype(np.int64))
        add(keep & e.kokemus.to_numpy()[ei], 1102, none_h, np.round(summa * 0.05).astype(np.int64))
        ot = keep & (muoto != 3) & (rng.random(L) < 0.015)
        oh = rng.integers(4, 33, L) * 50
        add(ot, 1201, oh, np.round(oh * rate * 1.5 / 100).astype(np.int64))
        july = keep & (mon % 12 == 6) & (a == ms)
        add(july, 1301, none_h, np.round(full_month * rng.uniform(0.4, 0.55, L)).astype(np.int64))
        eend = e.E.to_numpy()[ei]
        last = keep & (eend >= ms) & (eend <= me) & (eend <= W1) & (per.E.to_numpy()[pi] == eend)
        add(last, 1302, none_h, np.round(full_month * rng.uniform(0.2, 1.2, L)).astype(np.int64))
        km = keep & (rng.random(L) < 0.015)
        add(km, 4001, none_h, np.round(rng.uniform(8, 250, L) * 100).astype(np.int64))
        corr = keep & ~no_pay & (rng.random(L) < 0.004) & (mon < _mon(np.array([W1]))[0]) & (hours_h > 200)
        ch = -np.minimum(rng.integers(4, 65, L) * 25, hours_h)
        add(corr, 1001, ch, np.round(ch * rate / 100).astype(np.int64), pay=_mstart(mon + 1) + 14)
        target = getattr(self, "payroll_lines_per_month", None)
        months = int(keep.sum())
        if target and months:
            # extra supplements on a stream of their own (the rest of the export stays the same)
            xr = np.random.Generator(np.random.PCG64([int(getattr(self, "seed", 1)), 15]))
            have = sum(len(p) for p in parts) / months
            lam = max(0.0, float(target) - have)
            k = np.where(keep, xr.poisson(lam, L), 0)
            rows = np.repeat(np.arange(L), k)
            if len(rows):
                wt_x = np.asarray(EXTRA_SUPPLEMENTS)[xr.integers(0, len(EXTRA_SUPPLEMENTS), len(rows))]
                parts.append(pd.DataFrame({
                    "emp": ei[rows], "pay": pay15[rows], "a": a[rows], "b": b[rows], "wt": wt_x,
                    "cc": cc[rows], "h": np.full(len(rows), -1 << 40),
                    "s": np.round(xr.uniform(5, 180, len(rows)) * 100).astype(np.int64)}))
        pay = pd.concat(parts, ignore_index=True)
        pay = pay.sort_values(["emp", "pay", "wt", "a"], kind="stable").reset_index(drop=True)
        self.pay = pay

    # -- discussions and needs ----------------------------------------------
    def discussions(self):
        rng = self.rng
        e, per, tr = self.emp, self.per, self.tr
        n = self.n
        allp = np.arange(n)
        disc_rows, need_rows = [], []
        # participations that can fulfil a need
        ful = tr[(tr.tila.to_numpy() != 2) & (tr.h.to_numpy() > 0)][["p", "S", "t"]]
        for y in self.wyears:
            dec31 = _day(y, 12, 31)
            ei = self.emp_at(allp, dec31)
            inserv = ei >= 0
            pp, ee = allp[inserv], ei[inserv]
            pi = self.per_at(ee, np.full(len(ee), dec31))
            cc = per.cc.to_numpy()[pi]
            sec = _CC_SECTOR[cc]
            is_sup = per.sup.to_numpy()[pi]
            start = e.S.to_numpy()[ee]
            k = len(pp)
            # supervisor of each person
            boss = np.full(k, -1)
            sp = pp[is_sup]
            for level, group, mine in (("cc", cc[is_sup], cc), ("sec", sec[is_sup], sec)):
                for gval in np.unique(mine):
                    pool = sp[group == gval]
                    who = np.flatnonzero((boss < 0) & (mine == gval) & ((level == "sec") | ~is_sup))
                    if len(pool) == 0 or len(who) == 0:
                        continue
                    c = rng.integers(0, len(pool), len(who))
                    pick = pool[c]
                    clash = pick == pp[who]
                    pick = np.where(clash, pool[(c + 1) % len(pool)], pick)
                    boss[who] = np.where(pick == pp[who], -1, pick)
            rest = np.flatnonzero(boss < 0)
            if len(sp) and len(rest):
                c = rng.integers(0, len(sp), len(rest))
                pick = np.where(sp[c] == pp[rest], sp[(c + 1) % len(sp)], sp[c])
                boss[rest] = np.where(pick == pp[rest], -1, pick)
            # state and date
            p_held = np.array([0.90, 0.91, 0.82])[sec]
            jan, may = _day(y, 1, 8), _day(y, 5, 31)
            normal = start + 14 <= may
            u = rng.random(k)
            held = np.where(normal, u < p_held, u < 0.45)
            lo = np.where(normal, np.maximum(jan, start + 14), start + 14)
            hi = np.where(normal, may, _day(y, 12, 15))
            held &= lo <= hi
            d = _workday_fwd(_uniform_day(rng, lo, np.maximum(lo, hi)))
            d = np.where(d > hi, hi, d)
            state = np.where(held, 0, np.where(rng.random(k) < 0.6, 1, 2))
            ids = np.array([f"T{y}-{i:05d}" for i in range(1, k + 1)], dtype=object)
            disc_rows.append(pd.DataFrame({"id": ids, "p": pp, "boss": boss, "y": y, "state": state,
                                           "d": np.where(held, d, -1)}))
            # needs of held discussions
            hidx = np.flatnonzero(held)
            cnt = rng.choice(4, size=len(hidx), p=[0.15, 0.40, 0.33, 0.12])
            owner, _ = _explode(cnt)
            di = hidx[owner]
            nk = len(di)
            need = pd.DataFrame({"nid": np.arange(nk), "disc": ids[di], "p": pp[di], "d": d[di]})
            # a need is often recorded because a training is already in view: pick one within 12 months
            cands = need.merge(ful, on="p")
            cands = cands[(cands.S >= cands.d) & (cands.S <= _add_months(cands.d.to_numpy(), 12))]
            cands = cands.assign(r=rng.random(len(cands))).sort_values(["nid", "r"], kind="stable")
            cands = cands.drop_duplicates("nid")
            has = np.zeros(nk, bool)
            has[cands.nid.to_numpy()] = True
            u = rng.random(nk)
            way = np.where(u < np.where(has, 0.82, 0.62), 0, np.where(rng.random(nk) < 0.7, 1, 2))
            need["way"] = way
            area = rng.choice(len(AREAS), size=nk, p=AREA_W / AREA_W.sum())
            chosen = np.zeros(nk, bool)
            take = cands[rng.random(len(cands)) < 0.97]
            area[take.nid.to_numpy()] = _T_AREA[take.t.to_numpy()]
            chosen[take.nid.to_numpy()] = True
            need["area"] = area
            need["prio"] = np.where(chosen, rng.choice([1, 2, 3], nk, p=[0.4, 0.4, 0.2]),
                                    rng.choice([1, 2, 3], nk, p=[0.25, 0.45, 0.30]))
            tlo = need.d.to_numpy() + 30
            tgt = _mend(_uniform_day(rng, tlo, np.maximum(tlo, dec31)))
            need["tgt"] = np.minimum(tgt, dec31)
            need = need.drop_duplicates(["disc", "area"]).reset_index(drop=True)
            need["id"] = np.array([f"TR{y}-{i:05d}" for i in range(1, len(need) + 1)], dtype=object)
            need_rows.append(need)
        self.disc = pd.concat(disc_rows, ignore_index=True)
        self.needs = pd.concat(need_rows, ignore_index=True)

    # -- formatting ----------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        T = self.titles
        e, per = self.emp, self.per
        cc_codes = [c[0] for c in COST_CENTRES]
        out = {}
        out["organisaatio"] = pd.DataFrame(
            [[c[0], c[1], SECTORS[c[2]][0], SECTORS[c[2]][1], SECTORS[c[2]][2]] for c in COST_CENTRES],
            columns=COLUMNS["organisaatio"]).astype(str)
        pe = per.emp.to_numpy()
        pp = e.p.to_numpy()[pe]
        pct = per.pct.to_numpy()
        out["henkilosto"] = self._frame("henkilosto", [
            self.pid_s[pp], _fi(e.no.to_numpy()[pe]), _fd(per.S.to_numpy()), _fd(per.E.to_numpy()),
            _lookup(cc_codes, per.cc.to_numpy()), _lookup(T.names, per.t.to_numpy()),
            _lookup(["vakinainen", "määräaikainen"], e.fixed.to_numpy()[pe].astype(int)),
            _lookup(MUOTO, T.muoto[per.t.to_numpy()]), _fh(pct), _lookup(["E", "K"], per.sup.to_numpy().astype(int)),
            _fd(per.sup_start.to_numpy()), _lookup(["N", "M", "X"], self.gender[pp]), _fi(self.birth[pp])])
        pay = self.pay
        pe = pay.emp.to_numpy()
        h = pay.h.to_numpy()
        wts = sorted(WAGE_TYPES)
        wt_i = np.searchsorted(wts, pay.wt.to_numpy())
        out["palkkarivit"] = self._frame("palkkarivit", [
            self.pid_s[e.p.to_numpy()[pe]], _fi(e.no.to_numpy()[pe]), _fd(pay.pay.to_numpy()), _fd(pay.a.to_numpy()),
            _fd(pay.b.to_numpy()), _lookup([str(w) for w in wts], wt_i), _lookup([WAGE_TYPES[w] for w in wts], wt_i),
            _lookup(cc_codes, pay.cc.to_numpy()), _fh(np.where(h < -(1 << 39), 0, h), empty=h < -(1 << 39)),
            _fh(pay.s.to_numpy(), trim=False)])
        ab = self.ab.sort_values(["emp", "S", "code"], kind="stable")
        ae = ab.emp.to_numpy()
        out["poissaolot"] = self._frame("poissaolot", [
            self.pid_s[e.p.to_numpy()[ae]], _fi(e.no.to_numpy()[ae]), ab.code.to_numpy().astype(object),
            _fd(ab.S.to_numpy()), _fd(ab.E.to_numpy()), _fi(ab.E.to_numpy() - ab.S.to_numpy() + 1),
            _fh(ab.h.to_numpy()), _lookup(["palkallinen", "osittain", "palkaton"], ab.pal.to_numpy())])
        out["koulutukset"] = self._koulutukset()
        d = self.disc
        out["tavoitekeskustelut"] = self._frame("tavoitekeskustelut", [
            d.id.to_numpy(), self.pid_s[d.p.to_numpy()],
            _lookup(list(self.pid_s), d.boss.to_numpy()), _fi(d.y.to_numpy()),
            _lookup(["käyty", "sovittu", "ei käyty"], d.state.to_numpy()), _fd(d.d.to_numpy())])
        nd = self.needs
        out["koulutustarpeet"] = self._frame("koulutustarpeet", [
            nd.id.to_numpy(), nd.disc.to_numpy(), self.pid_s[nd.p.to_numpy()], _lookup(AREAS, nd.area.to_numpy()),
            _fi(nd.prio.to_numpy()), _lookup(["koulutus", "työssä oppiminen", "muu"], nd.way.to_numpy()),
            _fd(nd.tgt.to_numpy())])
        return out

    def _koulutukset(self) -> pd.DataFrame:
        tr = self.tr
        # course ids in order of first date, participation ids chronologically
        sids = np.unique(tr.sid.to_numpy())
        s_order = sids[np.lexsort((sids, self.sess["S"][sids]))]
        cid = np.empty(int(sids.max()) + 1 if len(sids) else 0, np.int64)
        cid[s_order] = np.arange(1, len(s_order) + 1)
        tr = tr.assign(cid=cid[tr.sid.to_numpy()] if len(tr) else np.zeros(0, np.int64))
        tr = tr.sort_values(["S", "cid", "p"], kind="stable").reset_index(drop=True)
        e = self.emp
        t = tr.t.to_numpy()
        n = len(tr)
        org = np.array([x[4] for x in TEMPLATES], dtype=object)
        width = max(4, len(str(len(s_order))))
        pwidth = max(6, len(str(n)))
        lvl = _T_LEVEL[t]
        fee = tr.fee.to_numpy()
        zero = lambda c: tr[c].to_numpy() == 0  # noqa: E731
        return self._frame("koulutukset", [
            np.array([f"P{i:0{pwidth}d}" for i in range(1, n + 1)], dtype=object),
            np.array([f"K{i:0{width}d}" for i in tr.cid.to_numpy()], dtype=object),
            self.pid_s[tr.p.to_numpy()], _fi(e.no.to_numpy()[tr.emp.to_numpy()]),
            _lookup([x[0] for x in TEMPLATES], t), org[t], _lookup(TYYPPI, _T_TYPE[t]), _lookup(AREAS, _T_AREA[t]),
            _fi(lvl, empty=lvl == 0), _fd(tr.S.to_numpy()), _fd(tr.E.to_numpy()), _fh(tr.h.to_numpy()),
            _lookup(MUODOT, tr.form.to_numpy()), _fi(tr.paid.to_numpy(), empty=tr.paid.to_numpy() < 0),
            _fh(fee, trim=False),
            _fh(tr.travel.to_numpy(), False, zero("travel")), _fh(tr.lodging.to_numpy(), False, zero("lodging")),
            _fh(tr.perdiem.to_numpy(), False, zero("perdiem")), _fh(tr.tuki.to_numpy(), False, zero("tuki")),
            _fd(tr.hak.to_numpy()), _fd(tr.hyv.to_numpy()), _lookup(ROLES, tr.approver.to_numpy()),
            _fi(tr.sitoumus.to_numpy(), empty=tr.sitoumus.to_numpy() < 0), _lookup(TILAT, tr.tila.to_numpy())])

    @staticmethod
    def _frame(stem, cols) -> pd.DataFrame:
        return pd.DataFrame(dict(zip(COLUMNS[stem], cols)), columns=COLUMNS[stem]).astype(str)

    def run(self) -> dict[str, pd.DataFrame]:
        self.persons()
        self.employments()
        self.periods()
        self.trainings()
        self.approvals()
        self.absences()
        self.payroll()
        self.discussions()
        return self.frames()


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def write_export(frames: dict[str, pd.DataFrame], out: pathlib.Path, encoding: str = "utf-8-sig",
                 xlsx: bool = False) -> list[pathlib.Path]:
    """Write ``<stem>.csv`` files (``;``, CRLF, given encoding) or one ``export.xlsx``; returns the paths."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if xlsx:
        path = out / "export.xlsx"
        path.write_bytes(_xlsx_bytes(frames))
        return [path]
    if encoding.lower().replace("_", "-") not in ("utf-8-sig", "utf-8", "cp1252", "windows-1252"):
        raise ValueError(f"unsupported encoding {encoding!r}")
    paths = []
    for stem, df in frames.items():
        path = out / f"{stem}.csv"
        df.to_csv(path, sep=";", index=False, lineterminator="\r\n", encoding=encoding)
        paths.append(path)
    return paths


def _xlsx_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for stem, df in frames.items():
        ws = wb.create_sheet(title=stem)
        ws.append(list(df.columns))
        values = df.to_numpy(dtype=object)
        for row in values.tolist():
            ws.append([None if v == "" else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    # make the archive reproducible: fixed timestamps in the zip entries and in docProps/core.xml
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    res = io.BytesIO()
    with zipfile.ZipFile(res, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIME.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return res.getvalue()
