"""The year's figures from a stored batch: which batch a report uses, and the figures of the
year with the previous year beside them (plain Python: the annual-report and follow-up tasks
call these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from osaava import warehouse
from osaava.breakdowns import training_breakdowns
from osaava.disclosure import exposure
from osaava.figures import Figures, compute, regular_wage_types
from osaava.guideline import ConfigError, Guideline, guideline_for_year, load_codes
from osaava.report import figures_document

HELSINKI = ZoneInfo("Europe/Helsinki")


class BatchRefused(Exception):
    """The batch a report would use was refused by validation."""


class YearNotReportable(ValueError):
    """A year that has not ended, or that the data does not cover (the message says which)."""


def resolve_year(year: int | None, now: dt.datetime | None = None) -> int:
    """The report year: 0 or ``None`` is the previous calendar year; a year that has not ended
    is refused (the monthly follow-up covers the year so far)."""
    last = previous_year_in_helsinki(now)
    if not year:
        return last
    if year > last:
        raise YearNotReportable(
            f"Vuosi {year} ei ole vielä päättynyt: vuosiraportin voi tehdä vuodesta {last} tai "
            f"aiemmasta (kuluvan vuoden tilanteen näyttää kuukausiseuranta). / Året {year} har inte "
            f"tagit slut: årsrapporten kan göras för {last} eller tidigare (läget för innevarande år "
            f"visar månadsuppföljningen).")
    return int(year)


def covered_years(frames: dict) -> list[int]:
    """The years a batch holds data of: payroll lines paid or participations starting in them
    (when the frames hold only a slice of the payroll, the years of the whole payroll that
    osaava.warehouse.load_frames noted on it)."""
    years: set[int] = set()
    pay = frames.get("payroll")
    part = pay.attrs.get(warehouse.SLICE) if pay is not None else None
    if part is not None:
        years |= {int(y) for y in part["paid_in"]}
    elif pay is not None and len(pay):
        years |= {int(y) for y in pay["pay_date"].dropna().dt.year.unique()}
    tr = frames.get("trainings")
    if tr is not None and len(tr):
        years |= {int(y) for y in tr["start"].dropna().dt.year.unique()}
    return sorted(years)


def check_covered(frames: dict, year: int, batch_id: int) -> None:
    years = covered_years(frames)
    if year not in years:
        span = f"{years[0]}–{years[-1]}" if years else "–"
        raise YearNotReportable(
            f"Aineisto (erä {batch_id}) ei kata vuotta {year}: siinä on palkka- ja koulutustietoja "
            f"vuosilta {span}. Hae ensin vuoden {year} aineisto. / Materialet (parti {batch_id}) "
            f"täcker inte året {year}: det har löne- och utbildningsuppgifter för åren {span}. "
            f"Hämta först materialet för {year}.")


@dataclass
class YearFigures:
    figures: Figures
    guideline: Guideline
    document: dict
    exposure: dict | None = None  # persons behind event cells (osaava.disclosure.exposure)


def batch_for_report(db_url: str | None, batch_id: int | None) -> warehouse.BatchInfo:
    engine = warehouse.Warehouse.open(db_url).engine
    if batch_id is not None:
        info = warehouse.get_batch(engine, batch_id)
    else:  # the current batch: the latest collected one that passed; a refused one blocks nothing
        info = warehouse.latest_batch(engine)
    if info is None:
        raise LookupError("Varastossa ei ole yhtään hyväksyttyä aineistoa: aja ensin collect. / "
                          "Lagret har inget godkänt material: kör först collect.")
    if info.status != warehouse.LOADED:
        raise BatchRefused(
            f"Erä {info.id} ({info.source}) hylättiin tarkistuksessa: korjaa aineisto ja hae se "
            f"uudelleen (katso tietojen laadun raportti). / Parti {info.id} ({info.source}) "
            f"avvisades vid kontrollen: rätta materialet och hämta det på nytt (se "
            f"datakvalitetsrapporten).")
    return info


def year_figures(db_url: str | None, batch_id: int, year: int) -> YearFigures:
    """The figures of ``year`` from a batch, and of the year before when the batch covers it."""
    engine = warehouse.Warehouse.open(db_url).engine
    codes = load_codes()
    # Of the payroll only the regular-pay lines of the years the report computes: the year, the
    # year before and the trend's years (issue 15: a tenth of the lines; the figures use no
    # other payroll line).
    first = min(year - 1, max(FIRST_COMPARABLE_YEAR, year - TREND_YEARS + 1))
    pay = warehouse.PayrollSlice(
        (first, year),
        regular_wage_types(codes, warehouse.payroll_wage_types(engine, batch_id)))
    frames = warehouse.load_frames(engine, batch_id, payroll=pay)
    info = warehouse.get_batch(engine, batch_id)
    check_covered(frames, year, batch_id)
    inputs = [{"entity": f["entity"], "file": f["name"], "rows": f["rows"], "sha256": f["sha256"]}
              for f in info.files]
    return figures_from_frames(frames, year, inputs)


def figures_from_frames(frames: dict, year: int, inputs: list[dict] | None = None) -> YearFigures:
    """The figures document of ``year`` from a batch's frames: the year, the year before when
    the batch covers it, the trend and the training breakdowns, and the persons behind event
    cells for the disclosure step."""
    codes = load_codes()
    g = guideline_for_year(year)
    fig = compute(frames, g, codes, year)
    previous, pg = None, None
    try:
        pg = guideline_for_year(year - 1)
    except ConfigError:
        pg = None
    if pg is not None:
        prev = compute(frames, pg, codes, year - 1)
        if prev.organisation["persons_employed"]:
            previous = prev
    exp = exposure(frames, fig, g)
    if previous is not None:
        exp["previous_year"] = exposure(frames, previous, pg)
    tr, tr_exp = trend(frames, year, codes, {year: (fig, g, exp)} | (
        {year - 1: (previous, pg, exp["previous_year"])} if previous is not None else {}))
    doc = figures_document(fig, g, list(inputs or []), previous, pg if previous else None,
                           trend=tr, breakdowns=training_breakdowns(frames, g, year))
    exp["trend"] = tr_exp
    return YearFigures(fig, g, doc, exp)


FIRST_COMPARABLE_YEAR = 2023  # DOMAIN §1: social and health care left the city on 1.1.2023
TREND_YEARS = 5


def trend_years(frames: dict, year: int) -> list[int]:
    """The years a trend shows: up to five up to ``year``, none before 2023 (DOMAIN §1), only
    those the batch holds data of."""
    held = set(covered_years(frames))
    first = max(FIRST_COMPARABLE_YEAR, year - TREND_YEARS + 1)
    return [y for y in range(first, year + 1) if y in held]


def trend(frames: dict, year: int, codes=None, known: dict | None = None) -> tuple[dict, dict]:
    """Each year of :func:`trend_years` computed with the one definition of
    :func:`osaava.figures.compute` on the same batch and the guideline in force that year
    (a year without a guideline in force, or without staff, is left out). ``known`` gives
    already computed years as {year: (Figures, Guideline, exposure)}. Returns the figures.json
    ``trend`` block (HR-internal, unrounded) and the persons behind its event cells per year."""
    codes = codes or load_codes()
    known = known or {}
    by_year: dict[str, dict] = {}
    exp: dict[str, dict] = {}
    for y in trend_years(frames, year):
        if y in known:
            fig, g, e = known[y]
        else:
            try:
                g = guideline_for_year(y)
            except ConfigError:
                continue
            fig = compute(frames, g, codes, y)
            e = None
        if not fig.organisation.get("persons_employed"):
            continue
        by_year[str(y)] = {
            "guideline": {"id": g.id, "version": g.version},
            "organisation": fig.organisation,
            "sectors": fig.sectors,
            "equity_gap_pct_points": fig.equity_gap_pct_points,
            "targets": fig.targets,
        }
        exp[str(y)] = e if e is not None else exposure(frames, fig, g)
    return {"years": [int(y) for y in by_year], "by_year": by_year}, exp


def previous_year_in_helsinki(now: dt.datetime | None = None) -> int:
    """The year an annual report covers when none is given: the previous calendar year."""
    return (now or dt.datetime.now(HELSINKI)).astimezone(HELSINKI).year - 1
