"""The HR-internal findings list (``findings-hr-internal.csv``) in the HR user's language.

One row per finding detail of :func:`osaava.figures.compute` (employee numbers, never names or
henkilötunnus), written for Excel in Finland: ``;`` separator, UTF-8 with BOM, decimal comma,
dates d.m.yyyy. Its first line says it is HR-internal (DOMAIN §6).

The reason of each detail row is written by :mod:`osaava.figures` as a short English text with
its values (``approver esihenkilö for 1941.95 €``); here it is read back by the pattern of its
code and said again in Finnish or Swedish with Finnish number formats. A reason of another
shape is kept as it is, so a change there loses no information (a test covers every code).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pandas as pd
from babel.numbers import format_decimal

from osaava.finding_codes import CATEGORIES, FINDING_CODES
from osaava.report.i18n import LOCALES, fmt_date, texts

_DATE = r"(\d{1,2}\.\d{1,2}\.\d{4})"
_NUM = r"(-?\d+(?:\.\d+)?)"

# code: (pattern of figures' English reason, names of its groups)
_REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "application_missing": (r"no approval date", ()),
    "application_late": (rf"approved {_DATE}, training started {_DATE}", ("approved", "start")),
    "approver_below_limit": (rf"approver (.*) for {_NUM} €", ("approver", "amount")),
    "paid_days_over_cap": (rf"{_NUM} paid training days", ("days",)),
    "commitment_missing": (r"commitment (empty|(\d+) months), (\d+) required",
                           ("_given", "given", "required")),
    "repayment_case": (rf"employment ended {_DATE}, commitment until {_DATE}", ("ended", "until")),
    "supervisor_level_missing": (r"highest completed level (\d+), required (\d+)",
                                 ("level", "required")),
    "pay_data_missing": (r"no regular pay lines paid in the year", ()),
    "training_absence_mismatch": (r"register (\d+) days, payroll (\d+) days",
                                  ("register", "payroll")),
}


def eur(value: float, lang: str) -> str:
    """Euros to the cent in running text: 1 941,95 € (Babel's fi_FI / sv_FI grouping)."""
    return format_decimal(round(float(value), 2), format="#,##0.00", locale=LOCALES[lang]) + " €"


def number(value: float, lang: str) -> str:
    """A count or a quantity: 12, 12,5, 12,25."""
    return format_decimal(round(float(value), 2), format="#,##0.##", locale=LOCALES[lang])


def cents(value: float) -> str:
    """A euro amount in its own column: decimal comma, no grouping, so Excel reads a number."""
    return f"{float(value):.2f}".replace(".", ",")


def _date(text: str, lang: str) -> str:
    d, m, y = (int(x) for x in text.split("."))
    return fmt_date(dt.date(y, m, d), lang)


def reason_text(code: str, reason: str, lang: str) -> str:
    """The detail row's reason in ``lang``; the original text when its shape is unknown."""
    spec = _REASONS.get(code)
    if spec is None or not isinstance(reason, str):
        return "" if reason is None else str(reason)
    m = re.fullmatch(spec[0], reason.strip())
    if not m:
        return reason
    t = texts(lang)["hr_findings"]["reasons"]
    v = dict(zip(spec[1], m.groups()))
    if code == "commitment_missing":
        key = "commitment_missing_empty" if v["_given"] == "empty" else code
        return t[key].format(given=v.get("given") or "", required=v["required"])
    if code == "approver_below_limit":
        approver = v["approver"]
        approver = t["approver_empty"] if approver == "(empty)" else \
            texts(lang)["hr_findings"]["roles"].get(approver, approver)
        return t[code].format(approver=approver, amount=eur(float(v["amount"]), lang))
    out = {}
    for k, x in v.items():
        if re.fullmatch(_DATE, x or ""):
            out[k] = _date(x, lang)
        elif re.fullmatch(_NUM, x or ""):
            out[k] = number(float(x), lang)
        else:
            out[k] = x
    return t[code].format(**out)


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v) in ("<NA>", "nan", "None")


def findings_csv(detail: pd.DataFrame, lang: str, sector_names: dict | None = None) -> str:
    """The HR-internal findings list in ``lang`` ("fi" or "sv"): guideline breaches first, then
    data-quality items, each in the order of :data:`osaava.finding_codes.FINDING_CODES`."""
    t = texts(lang)
    h = t["hr_findings"]
    buf = io.StringIO()
    buf.write(f"# {t['hr_internal'].upper()}\n")
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    cols = h["columns"]
    w.writerow([cols[k] for k in ("finding", "category", "severity", "sector", "person_id",
                                  "employment_no", "participation_id", "reason", "amount_eur",
                                  "code")])
    names = sector_names or {}
    order = {c: i for i, c in enumerate(FINDING_CODES)}
    cats = {c: CATEGORIES.index(FINDING_CODES.get(c, ("breach",))[0]) for c in detail["code"].unique()}
    detail = detail.assign(_c=detail["code"].map(cats), _o=detail["code"].map(order)).sort_values(
        ["_c", "_o", "sector", "person_id"], kind="mergesort")
    for r in detail.itertuples(index=False):
        code = r.code
        cat = FINDING_CODES.get(code, ("breach", ""))[0]
        sector = "" if _blank(r.sector) else str(r.sector)
        sector_words = (names.get(sector) or {}).get(lang) or sector
        emp = "" if _blank(r.employment_no) else str(int(float(r.employment_no)))
        amount = "" if _blank(r.amount_eur) or code != "repayment_case" else cents(r.amount_eur)
        w.writerow([
            t["findings"].get(code, code),
            h["categories"][cat],
            t["severities"].get(r.severity, r.severity),
            sector_words,
            "" if _blank(r.person_id) else str(r.person_id),
            emp,
            "" if _blank(r.participation_id) else str(r.participation_id),
            reason_text(code, "" if _blank(r.reason) else str(r.reason), lang),
            amount,
            code,
        ])
    return buf.getvalue()
