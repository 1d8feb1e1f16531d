"""The canonical schema: every entity of the generic Finnish HR export (DOMAIN §4).

This module is the one place where a column is named. The file connector reads the Finnish
headers listed here, the warehouse builds its tables from it, the validation suites are checked
against it and the figures use the canonical English names.

A column has a canonical name, the Finnish header of the export, a kind and flags:

- ``kind``: ``str`` (an identifier), ``code`` (a value from a list, case-insensitive),
  ``int``, ``num`` (a decimal with a decimal comma), ``eur`` (a decimal where an empty cell
  means 0), ``date`` (``d.m.yyyy``, ISO tolerated) or ``text`` (free text: scanned for
  henkilötunnus, never loaded).
- ``required``: an empty cell is a critical error.
- ``codes``: the allowed values of a ``code`` column (compared case-insensitively, stored in
  the spelling given here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["str", "code", "int", "num", "eur", "date", "text"]


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    description: str = ""

    @property
    def loaded(self) -> bool:
        """Free text is scanned but never loaded."""
        return self.kind != "text"


@dataclass(frozen=True)
class Entity:
    name: str
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    refs: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = field(default=())

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def loaded_columns(self) -> list[Column]:
        return [c for c in self.columns if c.loaded]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column

# The codes the figures test by name (each one is also in its list below).
YES, NO = "K", "E"
UNPAID = "palkaton"                              # Palkallisuus of an absence
EXTERNAL = "ulkoinen"                            # Tyyppi of a training
ORDERED = "määrätty"                             # Koulutusmuoto: ordered, in working time
PAID_LEAVE = "palkallinen vapaa"
PARTLY_PAID_LEAVE = "osittain palkallinen vapaa"
COMPLETED, INTERRUPTED, CANCELLED = "suoritettu", "keskeytetty", "peruttu"   # Tila of a training
HELD = "käyty"                                   # Tila of a goal discussion
BY_TRAINING = "koulutus"                         # Toteutustapa of a training need
# Categories of the code mapping (osaava/config/codes*.yaml) that the figures use.
REGULAR_PAY = "regular_pay"
TRAINING_ABSENCE = "training"

EMPLOYMENT_TYPES = ("vakinainen", "määräaikainen")
WORKING_TIME_FORMS = ("yleistyöaika", "toimistotyöaika", "jaksotyö", "opetustyö", "muu")
YES_NO = (YES, NO)
GENDERS = ("N", "M", "X")
PAID = ("palkallinen", "osittain", UNPAID)
TRAINING_TYPES = ("sisäinen", EXTERNAL, "verkko")
TRAINING_FORMS = (
    ORDERED,
    PAID_LEAVE,
    PARTLY_PAID_LEAVE,
    "palkaton vapaa",
    "oma aika",
)
APPROVERS = ("esihenkilö", "toimialajohtaja", "henkilöstöjohtaja")
TRAINING_STATES = (COMPLETED, INTERRUPTED, CANCELLED)
DISCUSSION_STATES = (HELD, "sovittu", "ei käyty")
DELIVERY = (BY_TRAINING, "työssä oppiminen", "muu")
MANAGEMENT_LEVELS = ("1", "2", "3", "4")
PRIORITIES = ("1", "2", "3")

ORGANISATION = Entity(
    name="organisation",
    file="organisaatio",
    description="Cost centres and the sector each belongs to.",
    key=("cost_centre",),
    columns=(
        C("cost_centre", "Kustannuspaikka", "code", required=True),
        C("cost_centre_name", "Kustannuspaikan nimi", "text"),
        C("sector", "Toimiala", "code", required=True),
        C("sector_name", "Toimialan nimi", "str"),
        C("sector_name_sv", "Toimialan nimi ruotsiksi", "str"),
    ),
)

EMPLOYMENTS = Entity(
    name="employments",
    file="henkilosto",
    description="Employment periods, effective-dated.",
    key=("person_id", "employment_no", "start"),
    refs=((("cost_centre",), "organisation", ("cost_centre",)),),
    columns=(
        C("person_id", "Henkilönumero", "str", required=True),
        C("employment_no", "Palvelussuhdenumero", "int", required=True, min=0),
        C("start", "Alkupvm", "date", required=True),
        C("end", "Loppupvm", "date"),
        C("cost_centre", "Kustannuspaikka", "code", required=True),
        C("title", "Nimike", "text"),
        C("employment_type", "Palvelussuhteen laji", "code", required=True, codes=EMPLOYMENT_TYPES),
        C("working_time_form", "Työaikamuoto", "code", required=True, codes=WORKING_TIME_FORMS),
        C("working_time_pct", "Työaikaprosentti", "num", required=True, min=0, max=100),
        C("supervisor", "Esihenkilö", "code", required=True, codes=YES_NO),
        C("supervisor_since", "Esihenkilönä alkaen", "date"),
        C("gender", "Sukupuoli", "code", required=True, codes=GENDERS),
        C("birth_year", "Syntymävuosi", "int", required=True, min=1900, max=2100),
    ),
)

PAYROLL = Entity(
    name="payroll",
    file="palkkarivit",
    description="Payroll lines; corrections arrive as negative lines.",
    refs=((("person_id", "employment_no"), "employments", ("person_id", "employment_no")),),
    columns=(
        C("person_id", "Henkilönumero", "str", required=True),
        C("employment_no", "Palvelussuhdenumero", "int", required=True, min=0),
        C("pay_date", "Maksupäivä", "date", required=True),
        C("earning_start", "Ansaintajakso alkaa", "date"),
        C("earning_end", "Ansaintajakso päättyy", "date"),
        C("wage_type", "Palkkalaji", "code", required=True),
        C("wage_type_name", "Palkkalajin nimi", "text"),
        C("cost_centre", "Kustannuspaikka", "code"),
        C("hours", "Tunnit", "num"),
        C("amount", "Summa", "eur"),
    ),
)

ABSENCES = Entity(
    name="absences",
    file="poissaolot",
    description="Absences with their pay status.",
    refs=((("person_id", "employment_no"), "employments", ("person_id", "employment_no")),),
    columns=(
        C("person_id", "Henkilönumero", "str", required=True),
        C("employment_no", "Palvelussuhdenumero", "int", required=True, min=0),
        C("absence_code", "Poissaolokoodi", "code", required=True),
        C("start", "Alkupvm", "date", required=True),
        C("end", "Loppupvm", "date", required=True),
        C("calendar_days", "Kalenteripäivät", "num", min=0),
        C("hours", "Tunnit", "num", min=0),
        C("paid", "Palkallisuus", "code", required=True, codes=PAID),
    ),
)

TRAININGS = Entity(
    name="trainings",
    file="koulutukset",
    description="Training participations, one row per person per training.",
    key=("participation_id",),
    refs=((("person_id", "employment_no"), "employments", ("person_id", "employment_no")),),
    columns=(
        C("participation_id", "Osallistumistunnus", "str", required=True),
        C("training_id", "Koulutustunnus", "str"),
        C("person_id", "Henkilönumero", "str", required=True),
        C("employment_no", "Palvelussuhdenumero", "int", required=True, min=0),
        C("training_name", "Koulutuksen nimi", "text"),
        C("organiser", "Järjestäjä", "text"),
        C("training_type", "Tyyppi", "code", required=True, codes=TRAINING_TYPES),
        C("competence_area", "Osaamisalue", "code"),
        C("management_level", "Johtamiskoulutuksen taso", "code", codes=MANAGEMENT_LEVELS),
        C("start", "Alkupvm", "date", required=True),
        C("end", "Loppupvm", "date"),
        C("hours", "Tunnit", "num", min=0),
        C("form", "Koulutusmuoto", "code", required=True, codes=TRAINING_FORMS),
        C("paid_pct", "Palkallisuus %", "num", min=0, max=100),
        C("fee", "Osallistumismaksu", "eur", min=0),
        C("travel", "Matkakulut", "eur", min=0),
        C("lodging", "Majoitus", "eur", min=0),
        C("per_diem", "Päivärahat", "eur", min=0),
        C("subsidy", "Tuki", "eur", min=0),
        C("applied_on", "Hakemus pvm", "date"),
        C("approved_on", "Hyväksytty pvm", "date"),
        C("approver", "Hyväksyjä", "code", codes=APPROVERS),
        C("commitment_months", "Sitoumus kk", "int", min=0),
        C("status", "Tila", "code", required=True, codes=TRAINING_STATES),
    ),
)

DISCUSSIONS = Entity(
    name="discussions",
    file="tavoitekeskustelut",
    description="Goal discussions (tavoitekeskustelut).",
    key=("discussion_id",),
    refs=((("person_id",), "employments", ("person_id",)),),
    columns=(
        C("discussion_id", "Keskustelutunnus", "str", required=True),
        C("person_id", "Henkilönumero", "str", required=True),
        C("supervisor_id", "Esihenkilön henkilönumero", "str"),
        C("year", "Vuosi", "int", required=True, min=1900, max=2100),
        C("status", "Tila", "code", required=True, codes=DISCUSSION_STATES),
        C("held_on", "Käyty pvm", "date"),
    ),
)

NEEDS = Entity(
    name="needs",
    file="koulutustarpeet",
    description="Training needs recorded in goal discussions.",
    key=("need_id",),
    refs=(
        (("discussion_id",), "discussions", ("discussion_id",)),
        (("person_id",), "employments", ("person_id",)),
    ),
    columns=(
        C("need_id", "Tarvetunnus", "str", required=True),
        C("discussion_id", "Keskustelutunnus", "str", required=True),
        C("person_id", "Henkilönumero", "str", required=True),
        C("competence_area", "Osaamisalue", "code", required=True),
        C("priority", "Prioriteetti", "code", codes=PRIORITIES),
        C("delivery", "Toteutustapa", "code", required=True, codes=DELIVERY),
        C("target_date", "Tavoitepvm", "date"),
    ),
)

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (ORGANISATION, EMPLOYMENTS, PAYROLL, ABSENCES, TRAININGS, DISCUSSIONS, NEEDS)
}
BY_FILE: dict[str, Entity] = {e.file: e for e in ENTITIES.values()}

# The source row number (as a spreadsheet shows it: header = line 1) travels with every row.
ROW = "_row"


def pandas_dtype(kind: Kind) -> str:
    """The pandas dtype of a loaded column of this kind."""
    return {
        "str": "str",
        "code": "str",
        "int": "Int64",
        "num": "Float64",
        "eur": "float64",
        "date": "datetime64[s]",
        "text": "str",
    }[kind]
